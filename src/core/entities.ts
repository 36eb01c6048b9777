import { z } from 'zod';

/**
 * The records a tablet edits offline and syncs. Each is a bag of named fields; sync
 * merges field by field (DESIGN §5), so every field here is independently versioned.
 * Validation happens once at the wire (server) and once at the store boundary (tablet)
 * with these schemas.
 */

export const LEVEL = z.number().int().min(1).max(5);
export type Level = z.infer<typeof LEVEL>;

export const EVIDENCE_STATES = ['present', 'missing', 'inadequate'] as const;
export const EvidenceCheckSchema = z.object({
  state: z.enum(EVIDENCE_STATES).nullable(),
  note: z.string().max(2000),
});
export type EvidenceCheck = z.infer<typeof EvidenceCheckSchema>;

/** Workflow of one unit's verification as the verifier and coordinator see it. */
export const ASSESSMENT_STATUSES = [
  'belum', // not started
  'sedang', // in progress
  'selesai', // finished on the tablet, berita acara signed
  'terkirim', // synced to the server
  'disetujui', // approved by the coordinator
  'dikembalikan', // returned by the coordinator with comments
] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

const text = (max: number) => z.string().max(max);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 hex');
const signature = z
  .string()
  .max(400_000)
  .regex(/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$/, 'PNG/SVG data URL');

/** Field schemas per entity. Keys are field names; `checks.*` fields are dynamic. */
export const ENTITY_FIELDS = {
  assessment: {
    periodId: z.string().min(1).max(64),
    unitId: z.string().min(1).max(64),
    frameworkId: z.string().min(1).max(64),
    status: z.enum(ASSESSMENT_STATUSES),
    submittedAt: z.number().int().nullable(),
  },
  verification: {
    assessmentId: z.string().min(1).max(64),
    indicatorNo: z.number().int().min(1).max(999),
    selfLevel: LEVEL.nullable(),
    selfJustification: text(10_000),
    verifiedLevel: LEVEL.nullable(),
    notApplicable: z.boolean(),
    naReason: text(2000),
    notes: text(20_000),
    reviewComment: text(5000),
  },
  evidenceFile: {
    assessmentId: z.string().min(1).max(64),
    indicatorNo: z.number().int().min(1).max(999),
    sha256,
    name: text(255),
    mime: z.enum(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']),
    bytes: z
      .number()
      .int()
      .min(1)
      .max(25 * 1024 * 1024),
    width: z.number().int().min(0).nullable(),
    height: z.number().int().min(0).nullable(),
    capturedAt: z.number().int(),
    location: z
      .object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) })
      .nullable(),
    deleted: z.boolean(),
  },
  beritaAcara: {
    assessmentId: z.string().min(1).max(64),
    verifierName: text(200),
    verifierRole: text(200),
    verifierSignature: signature.nullable(),
    representativeName: text(200),
    representativeRole: text(200),
    representativeSignature: signature.nullable(),
    place: text(200),
    signedAt: z.number().int().nullable(),
    summary: text(10_000),
  },
  comment: {
    assessmentId: z.string().min(1).max(64),
    indicatorNo: z.number().int().min(1).max(999).nullable(),
    body: text(5000),
    author: text(200),
    createdAt: z.number().int(),
  },
} as const;

export type EntityName = keyof typeof ENTITY_FIELDS;
export const ENTITY_NAMES = Object.keys(ENTITY_FIELDS) as EntityName[];

/** Evidence-check fields of a verification: `checks.<level>.<index>` (1-based level, 0-based index). */
export const CHECK_FIELD_RE = /^checks\.([1-5])\.(\d{1,2})$/;
export function checkField(level: number, index: number): string {
  return `checks.${level}.${index}`;
}

/** Schema of one field of one entity, or null when the field is unknown. */
export function fieldSchema(entity: EntityName, field: string): z.ZodType | null {
  const fields = ENTITY_FIELDS[entity] as Record<string, z.ZodType>;
  if (Object.hasOwn(fields, field)) return fields[field] ?? null;
  if (entity === 'verification' && CHECK_FIELD_RE.test(field)) return EvidenceCheckSchema;
  return null;
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
