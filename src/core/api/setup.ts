import * as z from 'zod/mini';
import { TabletActionSchema } from '../actions';
import { LEVEL } from '../entities-schema';
import { FrameworkSchema } from '../framework-schema';
import { IncarnationSchema, RejectionSchema } from '../protocol';
import { safeText } from '../text';
import {
  IsoDateSchema,
  PeriodStagesSchema,
  PeriodTypeSchema,
  SectorServiceSchema,
  StageSchema,
} from '../workflow-schema';
import { UNIT_CODE_RE } from './enums';
import { OrganisationSchema } from './organisation';
import {
  count,
  DeviceOriginSchema,
  DeviceRevokedReasonSchema,
  idField,
  indicatorNoField,
  levelValue,
  ms,
  nameField,
  notEmpty,
  PeriodStatusSchema,
  PlanStepCap,
  TargetIndex,
  UnitKindSchema,
} from './wire';

/**
 * Setting up an evaluation: instruments, periods, the unit tree, penilaian mandiri,
 * assignments, and the tablets of verifiers (enrolment, devices).
 */

// --- instruments ----------------------------------------------------------------------

/** An instrument as listed (its document is GET /api/frameworks/:id, core Framework). */
export const FrameworkSummarySchema = z.strictObject({
  id: z.string(),
  version: z.string(),
  name: z.string(),
  builtIn: z.boolean(),
  createdAt: ms,
  /** Number of periods that use it (an instrument in use is immutable). */
  periodCount: count,
});
export type FrameworkSummary = z.infer<typeof FrameworkSummarySchema>;

/** Answer of GET /api/frameworks. */
export const FrameworkListSchema = z.strictObject({ frameworks: z.array(FrameworkSummarySchema) });
export type FrameworkList = z.infer<typeof FrameworkListSchema>;

// --- periods --------------------------------------------------------------------------

export const PeriodSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  year: z.int(),
  frameworkId: z.string(),
  targetIndex: z.number(),
  /**
   * Most level-steps the improvement plan may raise one indicator in this period
   * (PLAN_STEP_CAP: 1–4, default 2).
   */
  planStepCap: z.int(),
  /**
   * Tablets burn a small stamp (unit, indicator, capture time) into every evidence photo
   * taken for the period (off by default).
   */
  photoStamp: z.boolean(),
  /** The period's stages in order (core workflow.ts), and the one the tablets work in. */
  stages: PeriodStagesSchema,
  currentStage: StageSchema,
  /** Pemantauan or evaluasi. */
  periodType: PeriodTypeSchema,
  /** The SK (decree) that formed the internal assessor team: number, date, signed by. */
  skNumber: z.string(),
  skDate: z.nullable(z.string()),
  skSignedBy: z.string(),
  /** The sector services chosen for the service indicators (SPBE 2020: 45–47). */
  sectorServices: z.array(SectorServiceSchema),
  status: PeriodStatusSchema,
  demo: z.boolean(),
  createdAt: ms,
  updatedAt: ms,
});
export type Period = z.infer<typeof PeriodSchema>;

/** Answer of GET /api/periods: newest year first. */
export const PeriodListSchema = z.strictObject({ periods: z.array(PeriodSchema) });
export type PeriodList = z.infer<typeof PeriodListSchema>;

const year = z.int().check(z.gte(2000), z.lte(2100));

/**
 * POST /api/periods (status defaults to draft, `planStepCap` to PLAN_STEP_CAP.default,
 * `photoStamp` to false).
 */
export const PeriodBody = z.object({
  name: nameField(200),
  year,
  frameworkId: idField,
  targetIndex: TargetIndex,
  planStepCap: z.optional(PlanStepCap),
  photoStamp: z.optional(z.boolean()),
  /** Defaults to all five stages; the current stage starts at the first. */
  stages: z.optional(PeriodStagesSchema),
  periodType: z.optional(PeriodTypeSchema),
  skNumber: z.optional(safeText(200)),
  skDate: z.optional(z.nullable(IsoDateSchema)),
  skSignedBy: z.optional(safeText(200)),
  sectorServices: z.optional(z.array(SectorServiceSchema).check(z.maxLength(20))),
  status: z.optional(PeriodStatusSchema),
});
export type PeriodRequest = z.input<typeof PeriodBody>;

/** PATCH /api/periods/:id: any of the fields (the instrument only while nothing is assigned). */
export const PeriodPatchBody = z
  .object({
    name: z.optional(nameField(200)),
    year: z.optional(year),
    frameworkId: z.optional(idField),
    targetIndex: z.optional(TargetIndex),
    planStepCap: z.optional(PlanStepCap),
    photoStamp: z.optional(z.boolean()),
    /** The stage list may change only while the current stage stays in it. */
    stages: z.optional(PeriodStagesSchema),
    periodType: z.optional(PeriodTypeSchema),
    skNumber: z.optional(safeText(200)),
    skDate: z.optional(z.nullable(IsoDateSchema)),
    skSignedBy: z.optional(safeText(200)),
    sectorServices: z.optional(z.array(SectorServiceSchema).check(z.maxLength(20))),
    status: z.optional(PeriodStatusSchema),
  })
  .check(notEmpty());
export type PeriodPatch = z.input<typeof PeriodPatchBody>;

/**
 * POST /api/periods/:id/stage: move the period to the next of its stages. `from` is the
 * stage the coordinator saw as current (409 `stage_changed` when another move came first);
 * `to` must be the stage right after it in the period's list (422 `stage_not_next`).
 */
export const StageMoveBody = z.object({ from: StageSchema, to: StageSchema });
export type StageMoveRequest = z.input<typeof StageMoveBody>;

/** One move of a period's current stage: who (account and name) and when. */
export const StageChangeSchema = z.strictObject({
  id: z.string(),
  periodId: z.string(),
  from: StageSchema,
  to: StageSchema,
  accountId: z.string(),
  /** The account's name; '' when the account no longer exists. */
  accountName: z.string(),
  at: ms,
});
export type StageChange = z.infer<typeof StageChangeSchema>;

/** Answer of GET /api/periods/:id/stage-changes: oldest first. */
export const StageChangeListSchema = z.strictObject({ changes: z.array(StageChangeSchema) });
export type StageChangeList = z.infer<typeof StageChangeListSchema>;

// --- units ----------------------------------------------------------------------------

export const UnitSchema = z.strictObject({
  id: z.string(),
  parentId: z.nullable(z.string()),
  kind: UnitKindSchema,
  name: z.string(),
  code: z.string(),
  demo: z.boolean(),
});
export type Unit = z.infer<typeof UnitSchema>;

/** A unit in the tree listing, with its depth (0 for the pemda). */
export const UnitNodeSchema = z.strictObject({ ...UnitSchema.shape, depth: count });
export type UnitNode = z.infer<typeof UnitNodeSchema>;

/** Answer of GET /api/units: the whole tree, depth first in code order. */
export const UnitListSchema = z.strictObject({ units: z.array(UnitNodeSchema) });
export type UnitList = z.infer<typeof UnitListSchema>;

const unitCode = z.string().check(z.regex(UNIT_CODE_RE, 'letters, digits, . _ - / (max 64)'));

/** POST /api/units. */
export const UnitBody = z.object({
  code: unitCode,
  name: nameField(200),
  kind: UnitKindSchema,
  parentId: z.nullable(idField),
});
export type UnitRequest = z.input<typeof UnitBody>;

/** PATCH /api/units/:id. */
export const UnitPatchBody = z
  .object({
    code: z.optional(unitCode),
    name: z.optional(nameField(200)),
    kind: z.optional(UnitKindSchema),
    parentId: z.optional(z.nullable(idField)),
  })
  .check(notEmpty());
export type UnitPatch = z.input<typeof UnitPatchBody>;

/** Answer of POST /api/units/import (all rows valid; else 422 `csv_invalid`). */
export const UnitImportSummarySchema = z.strictObject({
  created: count,
  updated: count,
  unchanged: count,
});
export type UnitImportSummary = z.infer<typeof UnitImportSummarySchema>;

/**
 * One problem in one row of an imported CSV file: the column, and a code with both languages'
 * messages as a refused change words it (the screen picks one).
 */
export const CsvRowProblemSchema = z.strictObject({
  column: z.string(),
  ...z.pick(RejectionSchema, { code: true, message: true, messageEn: true }).shape,
});
export type CsvRowProblem = z.infer<typeof CsvRowProblemSchema>;

/** `details.rows[]` of a 422 `csv_invalid`: the problems of one line of the file. */
export const CsvRowReportSchema = z.strictObject({
  line: z.int(),
  problems: z.array(CsvRowProblemSchema),
});
export type CsvRowReport = z.infer<typeof CsvRowReportSchema>;

// --- penilaian mandiri ----------------------------------------------------------------

/**
 * PUT /api/periods/:id/units/:unitId/self-assessment: the unit's whole set of levels. A
 * level is a whole level 1–5, or 1.00–5.00 with two decimals where the period's instrument
 * takes decimal values; a value outside its indicator's domain is refused (422
 * `validation_failed`, issue code `value_out_of_domain`).
 */
export const SelfAssessmentBody = z.object({
  levels: z
    .array(
      z.object({
        indicatorNo: indicatorNoField,
        level: LEVEL,
        justification: z._default(z.string().check(z.maxLength(10_000)), ''),
      }),
    )
    .check(z.maxLength(999)),
});
export type SelfAssessmentRequest = z.input<typeof SelfAssessmentBody>;

/** One self-assessed level of a unit in a period (also in the tablet's offline package). */
export const SelfAssessmentLevelSchema = z.strictObject({
  periodId: z.string(),
  unitId: z.string(),
  indicatorNo: z.int(),
  level: levelValue,
  justification: z.string(),
  updatedAt: ms,
});
export type SelfAssessmentLevel = z.infer<typeof SelfAssessmentLevelSchema>;

/** Answer of GET and PUT …/units/:unitId/self-assessment: the levels and their index. */
export const UnitSelfAssessmentSchema = z.strictObject({
  periodId: z.string(),
  unitId: z.string(),
  frameworkId: z.string(),
  levels: z.array(z.omit(SelfAssessmentLevelSchema, { periodId: true, unitId: true })),
  /** Index of the self-assessed levels (core computeIndex); null while nothing is entered. */
  index: z.nullable(z.number()),
  predicate: z.nullable(z.string()),
  assessedCount: count,
  indicatorCount: count,
});
export type UnitSelfAssessment = z.infer<typeof UnitSelfAssessmentSchema>;

/** Answer of POST /api/periods/:id/self-assessments/import. */
export const SelfAssessmentImportSummarySchema = z.strictObject({ units: count, levels: count });
export type SelfAssessmentImportSummary = z.infer<typeof SelfAssessmentImportSummarySchema>;

// --- assignments and assessments ------------------------------------------------------

/** A unit of a period assigned to a verifier; `assessmentId` is the unit's one verification. */
export const AssignmentSchema = z.strictObject({
  id: z.string(),
  periodId: z.string(),
  unitId: z.string(),
  verifierId: z.string(),
  assessmentId: z.string(),
  createdAt: ms,
});
export type Assignment = z.infer<typeof AssignmentSchema>;

/** Answer of GET /api/assignments. */
export const AssignmentListSchema = z.strictObject({ assignments: z.array(AssignmentSchema) });
export type AssignmentList = z.infer<typeof AssignmentListSchema>;

/** GET /api/assignments filters. */
export const AssignmentQuery = z.object({
  periodId: z.optional(idField),
  verifierId: z.optional(idField),
  unitId: z.optional(idField),
});
export type AssignmentFilter = z.input<typeof AssignmentQuery>;

/** POST /api/assignments: units of a period to one verifier (pairs already assigned stay). */
export const AssignmentBody = z.object({
  periodId: idField,
  verifierId: idField,
  unitIds: z.array(idField).check(z.minLength(1), z.maxLength(1000)),
});
export type AssignmentRequest = z.input<typeof AssignmentBody>;

/** Answer of POST /api/assignments (201 when `created` > 0): every pair asked for. */
export const AssignmentCreateResultSchema = z.strictObject({
  assignments: z.array(AssignmentSchema),
  created: count,
});
export type AssignmentCreateResult = z.infer<typeof AssignmentCreateResultSchema>;

/**
 * POST /api/assignments/reassign: hand several assignments to another verifier at once
 * (several units, possibly from several verifiers). Each one is replaced by the same period
 * × unit assigned to `verifierId`; the unit's assessment, and what tablets sent for it, stay.
 */
export const ReassignBody = z.object({
  assignmentIds: z.array(idField).check(z.minLength(1), z.maxLength(1000)),
  verifierId: idField,
});
export type ReassignRequest = z.input<typeof ReassignBody>;

/**
 * Answer of POST /api/assignments/reassign: the new verifier's assignments for those units,
 * how many changed hands, and how many were already that verifier's (left as they were).
 */
export const ReassignResultSchema = z.strictObject({
  assignments: z.array(AssignmentSchema),
  moved: count,
  unchanged: count,
});
export type ReassignResult = z.infer<typeof ReassignResultSchema>;

/** The sync record of one unit's verification in one period (core ENTITY_FIELDS.assessment + id). */
export const AssessmentSchema = z.strictObject({
  id: z.string(),
  periodId: z.string(),
  unitId: z.string(),
  frameworkId: z.string(),
  /** As stored in the assessments table (the record store's `status` field may be newer). */
  status: z.string(),
  submittedAt: z.nullable(ms),
  updatedAt: ms,
});
export type Assessment = z.infer<typeof AssessmentSchema>;

// --- tablets --------------------------------------------------------------------------

/** One identity of a verifier's tablet. */
export const DeviceSchema = z.strictObject({
  id: z.string(),
  verifierId: z.string(),
  label: z.string(),
  createdAt: ms,
  lastSeenAt: z.nullable(ms),
  revokedAt: z.nullable(ms),
  /** Null while active. */
  revokedReason: z.nullable(DeviceRevokedReasonSchema),
  origin: DeviceOriginSchema,
  /** For `rotate`: the identity whose token asked for this one (it stays valid). */
  rotatedFrom: z.nullable(z.string()),
  /** The id the tablet claimed at enrolment (audit only; the server always issues a fresh id). */
  previousDeviceId: z.nullable(z.string()),
});
export type Device = z.infer<typeof DeviceSchema>;

/** Answer of GET /api/verifiers/:id/devices: every identity, newest first. */
export const DeviceListSchema = z.strictObject({ devices: z.array(DeviceSchema) });
export type DeviceList = z.infer<typeof DeviceListSchema>;

/** Answer of POST /api/verifiers/:id/enrolments: a one-time code for a tablet (shown once). */
export const EnrolmentTicketSchema = z.strictObject({
  id: z.string(),
  verifierId: z.string(),
  /** Only its hash is stored. */
  code: z.string(),
  /** The code as shown to people: `K7QM-2XPA`. */
  displayCode: z.string(),
  expiresAt: ms,
  /** What the QR code encodes; the tablet's enrol screen accepts it scanned or typed. */
  uri: z.string(),
  qrSvg: z.string(),
});
export type EnrolmentTicket = z.infer<typeof EnrolmentTicketSchema>;

/** POST /api/devices/enrol (the tablet, with the code). */
export const EnrolBody = z.object({
  code: z.string().check(z.minLength(4), z.maxLength(80)),
  label: nameField(100),
  /**
   * The tablet store's own device id (UUID), sent by apps before protocol 2. Accepted for
   * compatibility and kept only as `previousDeviceId` for the audit: the server always
   * issues a fresh id, which the tablet adopts.
   */
  deviceId: z.optional(
    z.string().check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)),
  ),
});
export type EnrolRequest = z.input<typeof EnrolBody>;

/** Answer of POST /api/devices/enrol: a fresh identity with its token and bundle secret (shown once). */
export const EnrolResultSchema = z.strictObject({
  token: z.string(),
  device: DeviceSchema,
  verifier: z.strictObject({ id: z.string(), name: z.string(), email: z.string() }),
  /** 64 hex digits: the key the tablet signs its export files with (HMAC-SHA256). */
  bundleSecret: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});
export type EnrolResult = z.infer<typeof EnrolResultSchema>;

/**
 * Answer of GET /api/my/assignments (a verifier's tablet): everything it needs to verify its
 * assigned units without a network. Periods in draft are left out; units are the assigned
 * ones plus their ancestors (for names such as "Kel. Bulakan, Kec. Cibeber"), in code order.
 */
export const OfflinePackageSchema = z.strictObject({
  serverTime: ms,
  protocol: z.int(),
  verifier: EnrolResultSchema.shape.verifier,
  /** The calling tablet; null when a verifier's session (not a device token) asks. */
  device: z.nullable(z.strictObject({ id: z.string(), label: z.string() })),
  periods: z.array(PeriodSchema),
  frameworks: z.array(FrameworkSchema),
  units: z.array(z.strictObject({ ...UnitSchema.shape, assigned: z.boolean() })),
  assignments: z.array(AssignmentSchema),
  assessments: z.array(AssessmentSchema),
  selfAssessments: z.array(SelfAssessmentLevelSchema),
  /**
   * The organisation (name, kind, zone, logo description) the tablet prints its berita acara
   * for, kept offline with the rest. Added without a protocol bump: an older app ignores it,
   * and an app that finds none prints in WIB as before.
   */
  organisation: OrganisationSchema,
  /** The server database's incarnation (see core IncarnationSchema); absent from older servers. */
  incarnation: z.optional(IncarnationSchema),
  /**
   * Improvement actions on, or owned by, the assigned units, of every period (read-only on
   * the tablet; issue 18). Added without a protocol bump: an older app ignores it; absent
   * from older servers.
   */
  actions: z.optional(z.array(TabletActionSchema)),
});
export type OfflinePackage = z.infer<typeof OfflinePackageSchema>;
