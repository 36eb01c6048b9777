import * as z from 'zod/mini';
import { ENTITY_NAMES, type EntityName } from '../entities-schema';
import { ConflictSchema, FIELD_OUTCOMES, MutationResultSchema, RejectionSchema } from '../protocol';
import { findUnsafeText } from '../text';
import { count, idField, ms, queryInt } from './wire';

/**
 * What tablets sent, as coordinators audit it: conflicts and their resolution, the change
 * history of an assessment, refused changes, and the import of a tablet's export file.
 */

const entityName = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);

/** Who or what produced a change; kept in the change log for the audit trail. */
export const CHANGE_SOURCES = [
  'push', // a tablet's push
  'bundle', // a tablet's export file, imported by a coordinator
  'assignment', // the assessment created by an assignment
  'self_assessment', // self-assessed levels set or imported by a coordinator
  'resolution', // a coordinator resolved a conflict
  'review', // a coordinator's review
] as const;
export type ChangeSource = (typeof CHANGE_SOURCES)[number];

/** How a conflict ended. */
export const CONFLICT_RESOLUTIONS = [
  'local', // the tablet that raised it wrote again on the server's version: its value won
  'server_kept', // the tablet sent the server's value back: the server's value won
  'superseded', // someone else wrote the field afterwards
  'coordinator', // a coordinator chose the value
] as const;
export type ConflictResolution = (typeof CONFLICT_RESOLUTIONS)[number];

/**
 * A conflict for people: the wire conflict plus names, labels and how it ended. Which value
 * is newer is judged by `localEditedAt` / `serverEditedAt` (the times of the edits on their
 * tablets), never by the server's receive times, which are shown second.
 */
export const ConflictViewSchema = z.strictObject({
  ...ConflictSchema.shape,
  serverDeviceId: z.nullable(z.string()),
  /** The tablet's edit: when made on the tablet (hybrid clock), when the server received it. */
  localEditedAt: z.int(),
  localReceivedAt: ms,
  /** The server value's edit on its tablet; null when the server made it (serverAt then). */
  serverEditedAt: z.nullable(z.int()),
  localClockDoubtful: z.boolean(),
  serverClockDoubtful: z.boolean(),
  /** Where, as people name it: unit (name, code) and indicator (number, title). */
  unitName: z.nullable(z.string()),
  unitCode: z.nullable(z.string()),
  indicatorNo: z.nullable(z.int()),
  indicatorName: z.nullable(z.string()),
  baseVersion: count,
  localDeviceLabel: z.nullable(z.string()),
  serverDeviceLabel: z.nullable(z.string()),
  createdAt: ms,
  resolvedAt: z.nullable(ms),
  resolvedBy: z.nullable(z.string()),
  resolution: z.nullable(z.enum(CONFLICT_RESOLUTIONS)),
  periodId: z.nullable(z.string()),
  unitId: z.nullable(z.string()),
});
export type ConflictView = z.infer<typeof ConflictViewSchema>;

/**
 * A conflict as the coordinator's list shows it. `voidsSigning`: the unit's berita acara is
 * signed and the field is one signing covers (core `signingCovers`), so choosing the
 * tablet's value voids the signing — the page asks before doing it.
 */
export const ConflictListItemSchema = z.strictObject({
  ...ConflictViewSchema.shape,
  voidsSigning: z.boolean(),
});
export type ConflictListItem = z.infer<typeof ConflictListItemSchema>;

/** Answer of GET /api/conflicts. */
export const ConflictListSchema = z.strictObject({ conflicts: z.array(ConflictListItemSchema) });
export type ConflictList = z.infer<typeof ConflictListSchema>;

/** GET /api/conflicts query (open ones unless asked otherwise). */
export const ConflictQuery = z.object({
  periodId: z.optional(idField),
  status: z._default(z.enum(['open', 'resolved', 'all']), 'open'),
});
export type ConflictQueryInput = z.input<typeof ConflictQuery>;

/** POST /api/conflicts/:id/resolve: the value chosen (checked against the field's schema). */
export const ResolveBody = z.object({
  value: z.unknown().check(z.refine((v) => v !== undefined, 'required')),
});
export type ResolveRequest = z.input<typeof ResolveBody>;

/**
 * One field write of the audit trail: who changed what, when (on the tablet and at the
 * server), from which tablet. Core's `auditEvents` turns a list of these into sentences.
 */
export const AuditEntrySchema = z.strictObject({
  seq: count,
  entity: entityName,
  recordId: z.string(),
  field: z.string(),
  value: z.unknown(),
  /** Long values (signatures) are cut to keep the list readable. */
  valueTruncated: z.boolean(),
  version: count,
  source: z.enum(CHANGE_SOURCES),
  account: z.nullable(z.strictObject({ id: z.string(), name: z.string() })),
  device: z.nullable(z.strictObject({ id: z.string(), label: z.nullable(z.string()) })),
  deviceSeq: z.nullable(z.int()),
  deviceAt: z.nullable(ms),
  /** When the edit was made on the tablet (its hybrid clock); null for server-made changes. */
  editedAt: z.nullable(z.int()),
  serverAt: ms,
  /** The tablet's clock was off when this came in: `editedAt` is doubtful. */
  clockDoubtful: z.boolean(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** Answer of GET /api/assessments/:id/audit. */
export const AuditListSchema = z.strictObject({ entries: z.array(AuditEntrySchema) });
export type AuditList = z.infer<typeof AuditListSchema>;

/** GET /api/assessments/:id/audit query: one indicator (its verification, files, comments). */
export const AuditQuery = z.object({ indicatorNo: z.optional(queryInt(1, 999)) });
export type AuditQueryInput = z.input<typeof AuditQuery>;

/**
 * A change the server refused, as kept for the coordinator's audit: the wire rejection plus
 * which tablet sent it, its seq, how it came and the mutation as received.
 */
export const StoredRejectionSchema = z.strictObject({
  ...RejectionSchema.shape,
  id: z.string(),
  deviceId: z.string(),
  /** The tablet's label and its verifier's name; null for a device this server does not know. */
  deviceLabel: z.nullable(z.string()),
  verifierName: z.nullable(z.string()),
  seq: z.int(),
  /** `push` (online sync) or `bundle` (an export file a coordinator imported). */
  source: z.enum(['push', 'bundle']),
  /** The mutation as received (decoded JSON): `changes` holds the values sent. */
  mutation: z.unknown(),
});
export type StoredRejection = z.infer<typeof StoredRejectionSchema>;

/** Answer of GET /api/sync/rejections: oldest first, at most 5000. */
export const RejectionListSchema = z.strictObject({ rejections: z.array(StoredRejectionSchema) });
export type RejectionList = z.infer<typeof RejectionListSchema>;

/** An id in a query: no control characters (PostgreSQL cannot even compare U+0000). */
const queryId = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.refine((v) => findUnsafeText(v) === null, 'unsafe_text'),
  );

/** GET /api/sync/rejections filters. */
export const RejectionsQuery = z.object({
  assessmentId: z.optional(queryId(200)),
  deviceId: z.optional(queryId(64)),
});
export type RejectionsQueryInput = z.input<typeof RejectionsQuery>;

/**
 * Answer of POST /api/sync/bundles: what applying the export file's unsent changes did (as
 * the tablet's push would have), which assessment and device it came from, and the files
 * stored.
 */
export const BundleImportResultSchema = z.strictObject({
  /** Mutations handled now and not rejected (applied, same or conflict). */
  applied: count,
  /** Mutations the server had already accepted (an earlier push or import, same content). */
  duplicates: count,
  /**
   * Mutations refused, now or when the same seq came before (the stored refusal repeated,
   * as a tablet's push does); see `rejections`. Never counted in `duplicates`.
   */
  rejected: count,
  fields: z.record(z.enum(FIELD_OUTCOMES), count),
  appliedThrough: count,
  conflicts: z.array(ConflictViewSchema),
  /** One result per distinct seq of the file, in seq order (duplicates carry the stored outcome). */
  results: z.array(MutationResultSchema),
  /** Why each refused mutation (now or earlier, see `rejected`) was refused, in seq order. */
  rejections: z.array(RejectionSchema),
  assessmentId: z.string(),
  /** The device that signed the file (= the manifest's device). */
  deviceId: z.string(),
  /** Its verifier. */
  verifierId: z.string(),
  /**
   * The file's unsent changes in three counts that add up to them: applied now, already on
   * the server, refused (= `applied`, `duplicates`, `rejected`).
   */
  mutations: z.strictObject({ applied: count, duplicates: count, rejected: count }),
  files: z.strictObject({ stored: count, alreadyHeld: count }),
});
export type BundleImportResult = z.infer<typeof BundleImportResultSchema>;
