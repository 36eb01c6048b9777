import * as z from 'zod/mini';
import {
  ASSESSMENT_STATUSES,
  CAPTURE_TIME_SOURCES,
  CHECK_FIELD_RE,
  COMMENT_KINDS,
  EVIDENCE_STATES,
  PROVES_RE,
} from './entities';
import { EVIDENCE_MIME_TYPES, MAX_EVIDENCE_BYTES } from './evidence-limits';
import { safeText, timeMs } from './text';
import { STAGE_FIELD_RE } from './workflow';
import { StageValueSchema } from './workflow-schema';

/**
 * Schemas of the records a tablet edits offline and syncs (./entities holds their names,
 * states and ids). Validation happens once at the wire (server) and once at the store
 * boundary (tablet) with these schemas; kept apart so the tablet's first screen, which only
 * reads records, never loads zod.
 */

/**
 * An indicator value on the wire: a whole level 1–5 (PermenPANRB 59/2020) or an assessor
 * value 1,00–5,00 with at most two decimals (PermenPANRB 8/2026). Which of the two an
 * indicator takes is instrument data (`valueProblem` checks it where the instrument is known).
 */
export const LEVEL = z.number().check(
  z.gte(1),
  z.lte(5),
  z.refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'at most two decimals'),
);
export type Level = z.infer<typeof LEVEL>;

export const EvidenceCheckSchema = z.object({
  state: z.nullable(z.enum(EVIDENCE_STATES)),
  note: safeText(2000),
});
export type EvidenceCheck = z.infer<typeof EvidenceCheckSchema>;

const text = safeText;
/** An evidence link: http or https, no spaces, at most 2000 characters. */
export const EvidenceUrlSchema = safeText(2000).check(
  z.regex(/^https?:\/\/[^\s/?#]+[^\s]*$/i, 'http(s) URL'),
);
const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'sha256 hex'));
const signature = z
  .string()
  .check(
    z.maxLength(400_000),
    z.regex(/^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/=]+$/, 'PNG/SVG data URL'),
  );
const ref = safeText(64).check(z.minLength(1));
const indicatorNo = z.int().check(z.gte(1), z.lte(999));
const ms = timeMs();
/** A NIP (nomor induk pegawai) is 18 digits; people write it with spaces, so allow them. */
const nip = safeText(30);

/** One indicator's result as it was signed (see record-state.ts `SigningResult`). */
export const SignedResultSchema = z.object({
  no: indicatorNo,
  verifiedLevel: z.nullable(LEVEL),
  notApplicable: z.boolean(),
  naReason: text(2000),
  notes: text(20_000),
});

/**
 * The results as they were when the berita acara was signed: what printed and coordinator
 * views show under the signatures, never the results of today. `index`/`predicate` are the
 * verified index at signing (null when nothing was assessed), `verified` the indicators
 * verified or not applicable, of `total`.
 */
export const SignedResultsSchema = z.object({
  results: z.array(SignedResultSchema).check(z.maxLength(999)),
  index: z.nullable(z.number().check(z.gte(0), z.lte(5))),
  predicate: z.nullable(text(200)),
  verified: z.int().check(z.gte(0), z.lte(999)),
  total: z.int().check(z.gte(0), z.lte(999)),
});
export type SignedResults = z.infer<typeof SignedResultsSchema>;

/** Field schemas per entity. Keys are field names; `checks.*` and `stages.*` fields are dynamic. */
export const ENTITY_FIELDS = {
  assessment: {
    periodId: ref,
    unitId: ref,
    frameworkId: ref,
    status: z.enum(ASSESSMENT_STATUSES),
    submittedAt: z.nullable(ms),
  },
  verification: {
    assessmentId: ref,
    indicatorNo: indicatorNo,
    selfLevel: z.nullable(LEVEL),
    selfJustification: text(10_000),
    verifiedLevel: z.nullable(LEVEL),
    /**
     * The outside index as published, for an indicator valued from another agency's index
     * (PermenPANRB 8/2026); `verifiedLevel` holds the value it maps to.
     */
    sourceValue: z.nullable(z.number().check(z.gte(-1e9), z.lte(1e9))),
    notApplicable: z.boolean(),
    naReason: text(2000),
    /** The catatan: what the verifier found (the assessor's result sheet's "catatan"). */
    notes: text(20_000),
    reviewComment: text(5000),
    /** What the unit must do to reach the next level (the assessor's "rekomendasi"). */
    rekomendasi: text(10_000),
    /** Penjelasan, part 1: the facts — which document, article, page, file. */
    penjelasanFakta: text(10_000),
    /** Penjelasan, part 2: the analysis of those facts against the criteria. */
    penjelasanAnalisis: text(10_000),
    /** Penjelasan, part 3: why the facts justify the value given. */
    penjelasanJustifikasi: text(10_000),
    /** Ids of the indicator's evidence files the penjelasan cites (at most 50). */
    penjelasanFiles: z.array(ref).check(z.maxLength(50)),
  },
  evidenceFile: {
    assessmentId: ref,
    indicatorNo: indicatorNo,
    sha256,
    name: text(255),
    /** Images and PDF are shown; the office and archive types are download-only. */
    mime: z.enum(EVIDENCE_MIME_TYPES),
    bytes: z.int().check(z.gte(1), z.lte(MAX_EVIDENCE_BYTES)),
    width: z.nullable(z.int().check(z.gte(0))),
    height: z.nullable(z.int().check(z.gte(0))),
    capturedAt: ms,
    location: z.nullable(
      z.object({
        lat: z.number().check(z.gte(-90), z.lte(90)),
        lng: z.number().check(z.gte(-180), z.lte(180)),
      }),
    ),
    deleted: z.boolean(),
    /**
     * Where `capturedAt` comes from, so a reviewer knows how far to trust it: `camera` is
     * the camera's own record of the shot (EXIF DateTimeOriginal), `tablet` the moment the
     * photo or file reached the app. Null for files added before this was kept, whose
     * time may be the file's modified time.
     */
    capturedAtSource: z.nullable(z.enum(CAPTURE_TIME_SOURCES)),
    /**
     * The expected document of the instrument this file proves, as `<level>.<index>` of
     * the indicator's level evidence list (0-based index, as in `checks.<level>.<index>`),
     * or null when the verifier linked it to none. The verifier may change it later.
     */
    proves: z.nullable(z.string().check(z.regex(PROVES_RE, '<level>.<index>'))),
    /**
     * Link evidence: the address of the live application or page the file (then a dated
     * screenshot of it) shows; null for a plain file. Only http(s) addresses.
     */
    url: z.nullable(EvidenceUrlSchema),
    /** When the verifier checked that the link worked (epoch ms); null for a plain file. */
    checkedAt: z.nullable(ms),
  },
  beritaAcara: {
    assessmentId: ref,
    verifierName: text(200),
    verifierRole: text(200),
    verifierSignature: z.nullable(signature),
    representativeName: text(200),
    representativeRole: text(200),
    representativeSignature: z.nullable(signature),
    place: text(200),
    signedAt: z.nullable(ms),
    summary: text(10_000),
    verifierNip: nip,
    representativeNip: nip,
    /** The verifier explicitly chose "verifikasi sebagian": signing an incomplete record. */
    partial: z.boolean(),
    /** SHA-256 (hex) of core's `signingInput` at signing; null while unsigned. */
    signedDigest: z.nullable(sha256),
    /** The results as signed, or null while unsigned. */
    signedResults: z.nullable(SignedResultsSchema),
    /**
     * Hex SHA-256 of record-state.ts `resultsInput` over the results shown when the verifier
     * drew their signature (null without one, or drawn by an older app): a signature stands
     * only on the results it was drawn over (`signaturesBound`).
     */
    verifierSignedOver: z.nullable(sha256),
    /** The same for the unit representative's signature. */
    representativeSignedOver: z.nullable(sha256),
  },
  comment: {
    assessmentId: ref,
    indicatorNo: z.nullable(indicatorNo),
    body: text(5000),
    author: text(200),
    createdAt: ms,
    /** Set at creation; a tablet writes only `verifier` comments (see merge.ts). */
    kind: z.enum(COMMENT_KINDS),
  },
} as const;

export type EntityName = keyof typeof ENTITY_FIELDS;
export const ENTITY_NAMES = Object.keys(ENTITY_FIELDS) as EntityName[];

/** Schema of one field of one entity, or null when the field is unknown. */
export function fieldSchema(entity: EntityName, field: string): z.ZodMiniType | null {
  const fields = ENTITY_FIELDS[entity] as Record<string, z.ZodMiniType>;
  if (Object.hasOwn(fields, field)) return fields[field] ?? null;
  if (entity === 'verification' && CHECK_FIELD_RE.test(field)) return EvidenceCheckSchema;
  if (entity === 'verification' && STAGE_FIELD_RE.test(field)) return z.nullable(StageValueSchema);
  return null;
}
