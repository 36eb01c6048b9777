/**
 * The records a tablet edits offline and syncs. Each is a bag of named fields; sync
 * merges field by field (docs/adr/0001-per-field-merge.md: two verifiers editing different
 * fields of one record never conflict), so every field here is independently versioned.
 * Their schemas are in ./entities-schema (validation at the wire and at the store
 * boundary); this module is zod-free, for the tablet's first screen.
 */

export const EVIDENCE_STATES = ['present', 'missing', 'inadequate'] as const;

/**
 * Workflow of one unit's verification as the verifier and coordinator see it. The record
 * states these stand for (draft, signed, returned, re-signed, approved) and the moves
 * between them are in record-state.ts.
 */
export const ASSESSMENT_STATUSES = [
  'belum', // not started
  'sedang', // in progress
  'selesai', // finished on the tablet, berita acara signed
  'terkirim', // synced to the server
  'disetujui', // approved by the coordinator
  'dikembalikan', // returned by the coordinator with comments
  'dibuka', // reopened by the coordinator after approval, with a written reason
  'diperbaiki', // re-signed and sent again after a return or a reopening
] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/** Where an evidence file's capture time comes from (see `capturedAtSource`). */
export const CAPTURE_TIME_SOURCES = ['camera', 'tablet'] as const;
export type CaptureTimeSource = (typeof CAPTURE_TIME_SOURCES)[number];

/** An evidence file's `proves`: `<level>.<index>` (1-based level, 0-based index). */
export const PROVES_RE = /^([1-5])\.(\d{1,2})$/;

/** The `proves` value of evidence item `index` (0-based) of `level`: "2.1". */
export function provesRef(level: number, index: number): string {
  return `${level}.${index}`;
}

/** Level and 0-based index of a `proves` value, or null when it is not one. */
export function parseProves(
  value: string | null | undefined,
): { level: number; index: number } | null {
  const m = value ? PROVES_RE.exec(value) : null;
  return m ? { level: Number(m[1]), index: Number(m[2]) } : null;
}

/**
 * Who wrote a comment: the verifier on the tablet, or the coordinator with a decision (the
 * overall comment of an approval or a return, the written reason of a reopening).
 */
export const COMMENT_KINDS = ['verifier', 'approve', 'return', 'reopen'] as const;
export type CommentKind = (typeof COMMENT_KINDS)[number];

/** Evidence-check fields of a verification: `checks.<level>.<index>` (1-based level, 0-based index). */
export const CHECK_FIELD_RE = /^checks\.([1-5])\.(\d{1,2})$/;
export function checkField(level: number, index: number): `checks.${number}.${number}` {
  return `checks.${level}.${index}`;
}

/** Deterministic id of the one verification of an indicator within an assessment, so two
 * tablets that start the same indicator offline edit the same record (and may conflict)
 * instead of creating duplicates. */
export function verificationId(assessmentId: string, indicatorNo: number): string {
  return `${assessmentId}:${indicatorNo}`;
}

/** Deterministic id of the one berita acara of an assessment. */
export function beritaAcaraId(assessmentId: string): string {
  return `${assessmentId}:ba`;
}
