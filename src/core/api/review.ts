import * as z from 'zod/mini';
import { CAPTURE_TIME_SOURCES, COMMENT_KINDS, EVIDENCE_STATES } from '../entities';
import { SignedResultsSchema } from '../entities-schema';
import { SIGNING_STATES } from '../record-state';
import { StageSchema } from '../workflow-schema';
import { FrameworkRefSchema, IndexSummarySchema } from './dashboard';
import { PeriodSchema } from './setup';
import {
  count,
  DecisionSchema,
  indicatorNoField,
  levelValue,
  ms,
  ProgressStatusSchema,
  UnitKindSchema,
} from './wire';

/**
 * A submitted verification as the coordinator reviews it and the per-unit report prints it
 * (GET /api/reports/assessments/:id), the coordinator's decision (POST …/review) and the
 * reopening of an approved one (POST …/reopen). Both carry the `expectedVersion` the detail
 * gave, so a decision on a record that changed since it was read is refused.
 */

/** An evidence file of an indicator. */
export const EvidenceFileViewSchema = z.strictObject({
  recordId: z.string(),
  sha256: z.string(),
  name: z.string(),
  mime: z.string(),
  bytes: count,
  capturedAt: z.nullable(ms),
  /**
   * Where the capture time comes from: `camera` (the photo's EXIF), `tablet` (when the file
   * reached the app), null for files from before this was recorded.
   */
  capturedAtSource: z.nullable(z.enum(CAPTURE_TIME_SOURCES)),
  /** Where the photo was taken, when the verifier allowed the tablet to record it. */
  location: z.nullable(z.strictObject({ lat: z.number(), lng: z.number() })),
  /**
   * The expected document the verifier linked the file to: its level, 0-based index in that
   * level's evidence list, and the instrument's text of it; null when linked to none.
   */
  proves: z.nullable(z.strictObject({ level: z.int(), index: count, evidence: z.string() })),
  /** The server holds the file (hash verified): it can be shown. */
  held: z.boolean(),
  /**
   * Link evidence: the address the file (a screenshot of it) shows, http(s) only; null
   * for a plain file. Shown as text, a link only when it is http(s).
   */
  url: z.nullable(z.string()),
  /** When the verifier checked that the link worked (epoch ms); null for a plain file. */
  checkedAt: z.nullable(ms),
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

/**
 * The written outputs of an indicator besides its value (core workflow.ts OUTPUT_FIELDS) and
 * its value in each stage of the period, as the review and the printed unit report show them.
 */
export const IndicatorOutputsSchema = z.strictObject({
  rekomendasi: z.string(),
  penjelasanFakta: z.string(),
  penjelasanAnalisis: z.string(),
  penjelasanJustifikasi: z.string(),
  /** The evidence files the penjelasan cites (ids the assessment does not hold are left out). */
  citedFiles: z.array(z.strictObject({ recordId: z.string(), name: z.string() })),
  /**
   * The period's stages in order, each with the indicator's value in it (core
   * `stageValueOf`: penilaian mandiri falls back on the self level) and who gave it when
   * (empty and null when the value was not entered as a stage value).
   */
  stages: z.array(
    z.strictObject({
      stage: StageSchema,
      value: z.nullable(z.number()),
      by: z.string(),
      at: z.nullable(ms),
    }),
  ),
});
export type IndicatorOutputs = z.infer<typeof IndicatorOutputsSchema>;

/** One indicator of the verification: both levels, checks, notes, files, comment. */
export const IndicatorReviewSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  groups: z.array(z.string()),
  selfLevel: z.nullable(levelValue),
  selfJustification: z.string(),
  verifiedLevel: z.nullable(levelValue),
  /**
   * For an indicator valued from another agency's index: the outside index as the verifier
   * entered it (its published scale); `verifiedLevel` holds the value it maps to.
   */
  sourceValue: z.nullable(z.number()),
  notApplicable: z.boolean(),
  naReason: z.string(),
  notes: z.string(),
  reviewComment: z.string(),
  checks: z.array(CheckViewSchema),
  files: z.array(EvidenceFileViewSchema),
  openConflicts: count,
  /** Outputs and values per stage (optional: answers of servers before issue 17 lack them). */
  outputs: z.optional(IndicatorOutputsSchema),
});
export type IndicatorReview = z.infer<typeof IndicatorReviewSchema>;

/** The signed berita acara of the visit. */
export const BeritaAcaraViewSchema = z.strictObject({
  verifierName: z.string(),
  verifierRole: z.string(),
  /** `data:image/png;base64,…` or null (anything else is never passed on). */
  verifierSignature: z.nullable(z.string()),
  verifierNip: z.string(),
  representativeName: z.string(),
  representativeRole: z.string(),
  representativeSignature: z.nullable(z.string()),
  representativeNip: z.string(),
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
  /** `verifier` (written on the tablet) or the coordinator's decision it came with. */
  kind: z.enum(COMMENT_KINDS),
  indicatorNo: z.nullable(z.int()),
  body: z.string(),
  author: z.string(),
  createdAt: z.nullable(ms),
});
export type AssessmentComment = z.infer<typeof AssessmentCommentSchema>;

/**
 * The berita acara's signing as the server reads it from the stored record: its state
 * (`void` when a result, signatory or signature changed after signing — the digest the
 * server computes differs from `digest`), the signing time, digest and the results AS
 * SIGNED (never today's results under the old signatures), and how complete the record is
 * today. `partial`: the verifier signed it as "verifikasi sebagian". A partial signing or
 * an incomplete record shows its predikat only under a large "SEMENTARA" mark (core
 * `isProvisional`).
 */
export const SigningViewSchema = z.strictObject({
  state: z.enum(SIGNING_STATES),
  signedAt: z.nullable(ms),
  /**
   * The signing time came from a tablet whose clock was off (measured at the push that
   * carried it, or a time ahead of the server's receipt): shown "⚠ jam tablet diragukan",
   * and the record cannot be approved (409 `signing_time_doubtful`) until signed again.
   */
  timeDoubtful: z.boolean(),
  digest: z.nullable(z.string()),
  partial: z.boolean(),
  results: z.nullable(SignedResultsSchema),
  completeness: z.strictObject({
    total: count,
    verified: count,
    notApplicable: count,
    missing: z.array(z.int()),
    missingReason: z.array(z.int()),
    complete: z.boolean(),
  }),
});
export type SigningView = z.infer<typeof SigningViewSchema>;

/** Answer of GET /api/reports/assessments/:id and of the decisions (review, reopen). */
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
  /**
   * The unit's indices, exact, official rule. `internal`: only when the verifier marked an
   * indicator not applicable — the verified index with those left out (Telusur's own
   * figure, `rule: "internal"`, to be labelled as internal, never as the official index).
   */
  indices: z.strictObject({
    self: IndexSummarySchema,
    verified: IndexSummarySchema,
    internal: z.nullable(IndexSummarySchema),
  }),
  indicators: z.array(IndicatorReviewSchema),
  beritaAcara: z.nullable(BeritaAcaraViewSchema),
  signing: SigningViewSchema,
  comments: z.array(AssessmentCommentSchema),
  files: z.strictObject({ total: count, held: count }),
  openConflicts: count,
  review: z.strictObject({
    /** The coordinator may approve or return it now (signed, period open). */
    decidable: z.boolean(),
    /** The coordinator may reopen it now (approved, period open). */
    reopenable: z.boolean(),
    /** Send back with a decision: the record as read (any change since makes it stale). */
    expectedVersion: count,
    last: z.nullable(z.strictObject({ status: z.string(), by: z.nullable(z.string()), at: ms })),
    /** A tablet changed the verification after the last decision. */
    changedSinceDecision: z.boolean(),
  }),
});
export type AssessmentDetail = z.infer<typeof AssessmentDetailSchema>;

/** The `expectedVersion` a decision carries: the detail's `review.expectedVersion`. */
const expectedVersion = z.int().check(z.gte(0));

/**
 * POST /api/assessments/:id/review: approve, or return with an overall comment and/or a
 * comment on at least one indicator. The comments given replace every per-indicator
 * comment of the earlier decision (an indicator not named is cleared).
 */
export const ReviewBody = z.object({
  decision: DecisionSchema,
  expectedVersion,
  /** The overall comment of this decision ('' for none). */
  comment: z._default(z.string().check(z.maxLength(5000)), ''),
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

/** POST /api/assessments/:id/reopen: open an approved verification again, with a written reason. */
export const ReopenBody = z.object({
  /** Why it is reopened (required; the verifier reads it on the tablet). */
  reason: z.string().check(z.maxLength(5000)),
  expectedVersion,
});
export type ReopenRequest = z.infer<typeof ReopenBody>;
