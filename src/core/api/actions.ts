import * as z from 'zod/mini';
import {
  ACTION_LIMITS,
  ActionDisplayStatusSchema,
  ActionFileSchema,
  ActionOriginSchema,
  ActionStatusSchema,
} from '../actions';
import { EvidenceUrlSchema } from '../entities-schema';
import { safeText } from '../text';
import { IsoDateSchema } from '../workflow-schema';
import { AccountSchema } from './accounts';
import { FrameworkRefSchema, IndexSummarySchema } from './dashboard';
import { PeriodRefSchema } from './official';
import {
  count,
  idField,
  indicatorNoField,
  LevelSourceSchema,
  levelValue,
  ms,
  nameField,
  notEmpty,
} from './wire';

/**
 * Improvement actions (*tindak lanjut*, issue 18) on the coordinator API. Core
 * `actions.ts` holds the domain rules (statuses, overdue, the plan's arithmetic).
 *
 * Who may do what (the server checks role and scope on every route):
 * - coordinator: everything;
 * - viewer (pimpinan): reads every action, the per-OPD list and the dashboard figures;
 * - owner (an OPD's account, `Account.unitId`): reads the actions it owns (owner unit = its
 *   unit or a unit below it), comments, marks them `berjalan`, attaches evidence files and
 *   closes them; cannot change what was agreed (title, target, due date, evidence list,
 *   owner) nor delete;
 * - verifier: reads them on the tablet (offline package), nothing here.
 *
 * Every change takes the action's `expectedVersion` (409 `action_changed` when someone
 * else changed it first) and answers the action as it is now. Texts go through core's
 * `safeText` (no control characters; NFC).
 */

/** One comment on an action (coordinator or owner), oldest first. */
export const ActionCommentSchema = z.strictObject({
  id: z.string(),
  at: ms,
  by: z.nullable(z.string()),
  byName: z.nullable(z.string()),
  text: z.string(),
});
export type ActionComment = z.infer<typeof ActionCommentSchema>;

/** An action as every endpoint answers it. */
export const ActionSchema = z.strictObject({
  id: z.string(),
  /** The period it was made in (its plan, or the verification of its rekomendasi). */
  period: PeriodRefSchema,
  framework: FrameworkRefSchema,
  indicatorNo: z.int(),
  indicatorName: z.string(),
  /** The unit whose level the action raises (the Pemda unit for plan actions). */
  unitId: z.string(),
  unitName: z.string(),
  /** The unit responsible (an OPD); the owner accounts of this unit see the action. */
  ownerUnitId: z.string(),
  ownerUnitName: z.string(),
  /** The person responsible, as written ('' when not named). */
  ownerPerson: z.string(),
  title: z.string(),
  /** The unit's level when the action was made (city-index rule for the Pemda unit). */
  fromLevel: z.nullable(levelValue),
  fromSource: LevelSourceSchema,
  targetLevel: levelValue,
  dueDate: IsoDateSchema,
  /** The documents that will prove it (from the instrument's criteria of the target level). */
  evidence: z.array(z.string()),
  status: ActionStatusSchema,
  /** `status`, or `terlambat` when open past its due date in the organisation's zone. */
  displayStatus: ActionDisplayStatusSchema,
  daysOverdue: count,
  origin: ActionOriginSchema,
  /** For `rekomendasi`: the verification id (`<assessmentId>:<indicatorNo>`) it came from. */
  originRef: z.nullable(z.string()),
  closingNote: z.nullable(z.string()),
  closedAt: z.nullable(ms),
  closedBy: z.nullable(z.string()),
  closedByName: z.nullable(z.string()),
  /** Links given as evidence when closing (http/https). */
  links: z.array(z.string()),
  /** Evidence files attached (before or when closing), by SHA-256. */
  files: z.array(ActionFileSchema),
  comments: z.array(ActionCommentSchema),
  createdAt: ms,
  createdBy: z.nullable(z.string()),
  createdByName: z.nullable(z.string()),
  updatedAt: ms,
  /** Starts at 1; every change adds 1. Send it back as `expectedVersion`. */
  version: z.int().check(z.gte(1)),
});
export type Action = z.infer<typeof ActionSchema>;

/** Counts per display status (`total` = all of them). */
export const ActionCountsSchema = z.strictObject({
  rencana: count,
  berjalan: count,
  terlambat: count,
  selesai: count,
  total: count,
});
export type ActionCounts = z.infer<typeof ActionCountsSchema>;

/** Query of GET /api/actions (all optional; an owner's answer is always limited to its units). */
export const ActionListQuery = z.object({
  periodId: z.optional(idField),
  /** The unit whose level the actions raise. */
  unitId: z.optional(idField),
  /** The responsible unit (an OPD); with sub-units. */
  ownerUnitId: z.optional(idField),
  indicatorNo: z.optional(z.pipe(z.coerce.number(), indicatorNoField)),
  status: z.optional(ActionDisplayStatusSchema),
});
export type ActionListRequest = z.input<typeof ActionListQuery>;

/** Answer of GET /api/actions: ordered by due date, then indicator number. */
export const ActionListSchema = z.strictObject({
  /** The organisation's calendar day the display statuses were computed for. */
  today: IsoDateSchema,
  actions: z.array(ActionSchema),
  /** Per display status, of the actions matching every filter but `status` (status tabs). */
  counts: ActionCountsSchema,
});
export type ActionList = z.infer<typeof ActionListSchema>;

const evidenceList = z
  .array(safeText(ACTION_LIMITS.evidenceItem).check(z.trim(), z.minLength(1)))
  .check(z.maxLength(ACTION_LIMITS.evidenceItems));

/**
 * POST /api/actions: one action. The level now (`fromLevel`) is the server's: the unit's
 * verified level in the period, else its self level (the city-index rule for the Pemda
 * unit). `targetLevel` must be a value of the indicator (its instrument's domain; 422
 * `invalid_value`) and above the level now (422 `action_target_not_higher`). `evidence`
 * defaults to core `promisedEvidence`, `title` to `defaultActionTitle`.
 */
export const ActionCreateBody = z.object({
  periodId: idField,
  indicatorNo: indicatorNoField,
  unitId: idField,
  /** Defaults to `unitId`. */
  ownerUnitId: z.optional(idField),
  ownerPerson: z.optional(safeText(ACTION_LIMITS.person).check(z.trim())),
  title: z.optional(safeText(ACTION_LIMITS.title).check(z.trim(), z.minLength(1))),
  targetLevel: z.number().check(z.gte(1), z.lte(5)),
  dueDate: IsoDateSchema,
  evidence: z.optional(evidenceList),
  origin: z.optional(ActionOriginSchema),
  /** For `rekomendasi`: the verification id; the server checks it exists in the period. */
  originRef: z.optional(z.string().check(z.maxLength(200))),
});
export type ActionCreateRequest = z.input<typeof ActionCreateBody>;

/** POST /api/actions/bulk: several actions in one transaction (all or nothing, per-row errors). */
export const ActionBulkBody = z.object({
  actions: z.array(ActionCreateBody).check(z.minLength(1), z.maxLength(ACTION_LIMITS.bulk)),
});
export type ActionBulkRequest = z.input<typeof ActionBulkBody>;

/**
 * `details` of 422 `action_bulk_invalid` (POST /api/actions/bulk): every refused row — `row`
 * counts from 1 in the request's order — with its own problem (`code`, `message`, and e.g.
 * `details.issues` of a `validation_failed`). Nothing of the batch was created.
 */
export const ActionBulkDetailsSchema = z.object({
  rows: z.array(
    z.object({
      row: z.int().check(z.gte(1)),
      code: z.string(),
      message: z.string(),
      details: z.optional(z.unknown()),
    }),
  ),
});
export type ActionBulkDetails = z.infer<typeof ActionBulkDetailsSchema>;

/**
 * PATCH /api/actions/:id. Coordinator: any field, and `status` between `rencana` and
 * `berjalan`, or back from `selesai` to `berjalan` (reopening keeps the closing note and
 * files as history in the comments). Owner: only `status` `rencana` ⇄ `berjalan`.
 */
export const ActionPatchBody = z
  .object({
    expectedVersion: z.int().check(z.gte(1)),
    title: z.optional(safeText(ACTION_LIMITS.title).check(z.trim(), z.minLength(1))),
    ownerUnitId: z.optional(idField),
    ownerPerson: z.optional(safeText(ACTION_LIMITS.person).check(z.trim())),
    targetLevel: z.optional(z.number().check(z.gte(1), z.lte(5))),
    dueDate: z.optional(IsoDateSchema),
    evidence: z.optional(evidenceList),
    status: z.optional(z.enum(['rencana', 'berjalan'])),
  })
  .check(z.refine((p) => Object.keys(p).length > 1, 'nothing to change'));
export type ActionPatchRequest = z.input<typeof ActionPatchBody>;

/**
 * POST /api/actions/:id/close: done, with the evidence. Needs a note and at least one file
 * attached (POST …/files) or one link (422 `action_evidence_required`).
 */
export const ActionCloseBody = z.object({
  expectedVersion: z.int().check(z.gte(1)),
  note: safeText(ACTION_LIMITS.note).check(z.trim(), z.minLength(1)),
  links: z.optional(z.array(EvidenceUrlSchema).check(z.maxLength(ACTION_LIMITS.links))),
});
export type ActionCloseRequest = z.input<typeof ActionCloseBody>;

/** POST /api/actions/:id/comments. */
export const ActionCommentBody = z.object({
  text: safeText(ACTION_LIMITS.comment).check(z.trim(), z.minLength(1)),
});
export type ActionCommentRequest = z.input<typeof ActionCommentBody>;

/**
 * Query of POST /api/actions/:id/files (the body is the file's bytes): its name as picked.
 * The type comes from core `evidenceMimeOf` (declared type, else extension) and must be one
 * of the evidence formats, with its kind's limit (413 `evidence_too_large`); the first
 * bytes must agree (422 `evidence_type_mismatch`). Not while the action is `selesai`.
 */
export const ActionFileQuery = z.object({
  name: safeText(255).check(z.trim(), z.minLength(1)),
});

/** One indicator of the dashboard's action panel. */
export const ActionIndicatorSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  /** The city's level now (city-index rule). */
  current: z.nullable(levelValue),
  /** The level if every action on the Pemda unit succeeds (core `promisedLevels`). */
  promised: z.nullable(levelValue),
  actionCount: count,
  openCount: count,
});
export type ActionIndicator = z.infer<typeof ActionIndicatorSchema>;

/**
 * Answer of GET /api/dashboard/:periodId/actions: the actions made in the period, their
 * progress, and the index the city would reach if every action on the Pemda unit succeeds
 * (`computeIndex` of `promisedLevels`; exact), beside the index now.
 */
export const ActionsProgressSchema = z.strictObject({
  period: PeriodRefSchema,
  framework: FrameworkRefSchema,
  today: IsoDateSchema,
  counts: ActionCountsSchema,
  /** Per owner unit: its counts (for "which OPD is behind"). */
  owners: z.array(
    z.strictObject({ unitId: z.string(), unitName: z.string(), counts: ActionCountsSchema }),
  ),
  current: IndexSummarySchema,
  promised: IndexSummarySchema,
  targetIndex: z.nullable(z.number()),
  /** Indicators with at least one action on the Pemda unit, by number. */
  indicators: z.array(ActionIndicatorSchema),
});
export type ActionsProgress = z.infer<typeof ActionsProgressSchema>;

// --- owner accounts -----------------------------------------------------------------------

/** An owner account (an OPD's) in the coordinator's list. */
export const OwnerAccountSchema = z.strictObject({
  ...AccountSchema.shape,
  unitName: z.string(),
  openActionCount: count,
});
export type OwnerAccount = z.infer<typeof OwnerAccountSchema>;

export const OwnerListSchema = z.strictObject({ owners: z.array(OwnerAccountSchema) });
export type OwnerList = z.infer<typeof OwnerListSchema>;

/** POST /api/owners: an account for a unit (OPD, kecamatan, …) that follows up its actions. */
export const OwnerBody = z.object({
  email: z.email().check(z.maxLength(254)),
  name: nameField(200),
  unitId: idField,
});
export type OwnerRequest = z.input<typeof OwnerBody>;

/** PATCH /api/owners/:id. Deactivating ends its sessions. */
export const OwnerPatchBody = z
  .object({
    name: z.optional(nameField(200)),
    unitId: z.optional(idField),
    active: z.optional(z.boolean()),
  })
  .check(notEmpty());
export type OwnerPatch = z.input<typeof OwnerPatchBody>;

/**
 * Answer of POST /api/owners and POST /api/owners/:id/password: the account and a fresh
 * password, shown once (only its hash is stored); the coordinator hands it over.
 */
export const OwnerCredentialsSchema = z.strictObject({
  account: OwnerAccountSchema,
  password: z.string(),
});
export type OwnerCredentials = z.infer<typeof OwnerCredentialsSchema>;
