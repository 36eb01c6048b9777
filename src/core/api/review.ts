import * as z from 'zod/mini';
import { EVIDENCE_STATES } from '../entities';
import { FrameworkRefSchema, IndexSummarySchema } from './dashboard';
import { PeriodSchema } from './setup';
import {
  count,
  DecisionSchema,
  indicatorNoField,
  ms,
  ProgressStatusSchema,
  UnitKindSchema,
} from './wire';

/**
 * A submitted verification as the coordinator reviews it and the per-unit report prints it
 * (GET /api/reports/assessments/:id), and the coordinator's decision (POST …/review).
 */

/** An evidence file of an indicator. */
export const EvidenceFileViewSchema = z.strictObject({
  recordId: z.string(),
  sha256: z.string(),
  name: z.string(),
  mime: z.string(),
  bytes: count,
  capturedAt: z.nullable(ms),
  /** The server holds the file (hash verified): it can be shown. */
  held: z.boolean(),
});
export type EvidenceFileView = z.infer<typeof EvidenceFileViewSchema>;

/** The verifier's check of one evidence item of one level. */
export const CheckViewSchema = z.strictObject({
  level: z.int(),
  index: count,
  /** The evidence item of the instrument this check is about. */
  evidence: z.string(),
  state: z.nullable(z.enum(EVIDENCE_STATES)),
  note: z.string(),
});
export type CheckView = z.infer<typeof CheckViewSchema>;

/** One indicator of the verification: both levels, checks, notes, files, comment. */
export const IndicatorReviewSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  groups: z.array(z.string()),
  selfLevel: z.nullable(z.int()),
  selfJustification: z.string(),
  verifiedLevel: z.nullable(z.int()),
  notApplicable: z.boolean(),
  naReason: z.string(),
  notes: z.string(),
  reviewComment: z.string(),
  checks: z.array(CheckViewSchema),
  files: z.array(EvidenceFileViewSchema),
  openConflicts: count,
});
export type IndicatorReview = z.infer<typeof IndicatorReviewSchema>;

/** The signed berita acara of the visit. */
export const BeritaAcaraViewSchema = z.strictObject({
  verifierName: z.string(),
  verifierRole: z.string(),
  /** `data:image/png;base64,…` or null (anything else is never passed on). */
  verifierSignature: z.nullable(z.string()),
  representativeName: z.string(),
  representativeRole: z.string(),
  representativeSignature: z.nullable(z.string()),
  place: z.string(),
  signedAt: z.nullable(ms),
  summary: z.string(),
  /** A stored signature that was not a PNG data URL and is therefore not shown. */
  signatureRejected: z.boolean(),
});
export type BeritaAcaraView = z.infer<typeof BeritaAcaraViewSchema>;

/** A comment written on the tablet (on an indicator, or on the whole verification). */
export const AssessmentCommentSchema = z.strictObject({
  id: z.string(),
  indicatorNo: z.nullable(z.int()),
  body: z.string(),
  author: z.string(),
  createdAt: z.nullable(ms),
});
export type AssessmentComment = z.infer<typeof AssessmentCommentSchema>;

/** Answer of GET /api/reports/assessments/:id and POST /api/assessments/:id/review. */
export const AssessmentDetailSchema = z.strictObject({
  assessment: z.strictObject({
    id: z.string(),
    periodId: z.string(),
    unitId: z.string(),
    status: z.string(),
    progress: ProgressStatusSchema,
    submittedAt: z.nullable(ms),
    updatedAt: ms,
  }),
  unit: z.strictObject({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    kind: UnitKindSchema,
    parentName: z.nullable(z.string()),
  }),
  period: PeriodSchema,
  framework: FrameworkRefSchema,
  generatedAt: ms,
  indices: z.strictObject({ self: IndexSummarySchema, verified: IndexSummarySchema }),
  indicators: z.array(IndicatorReviewSchema),
  beritaAcara: z.nullable(BeritaAcaraViewSchema),
  comments: z.array(AssessmentCommentSchema),
  files: z.strictObject({ total: count, held: count }),
  openConflicts: count,
  review: z.strictObject({
    /** The coordinator may approve or return it now. */
    decidable: z.boolean(),
    last: z.nullable(z.strictObject({ status: z.string(), by: z.nullable(z.string()), at: ms })),
    /** A tablet changed the verification after the last decision. */
    changedSinceDecision: z.boolean(),
  }),
});
export type AssessmentDetail = z.infer<typeof AssessmentDetailSchema>;

/** POST /api/assessments/:id/review: approve, or return with a comment on at least one indicator. */
export const ReviewBody = z.object({
  decision: DecisionSchema,
  comments: z._default(
    z
      .array(
        z.object({ indicatorNo: indicatorNoField, comment: z.string().check(z.maxLength(5000)) }),
      )
      .check(z.maxLength(999)),
    [],
  ),
});
export type ReviewRequest = z.input<typeof ReviewBody>;
/** The decision as the server reads it (comments default to none). */
export type ReviewInput = z.output<typeof ReviewBody>;
