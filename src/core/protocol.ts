import * as z from 'zod/mini';
import { ENTITY_NAMES, type EntityName, fieldSchema } from './entities-schema';
import { evidenceLimitBytes } from './evidence-limits';
import { safeText, timeMs } from './text';

/**
 * Bump on any incompatible change of the wire schemas below. The server refuses other versions.
 * 2: per-mutation outcomes with rejections, `device_seq_reused`, device identity
 * rotation and signed export bundles.
 * 3: record states — statuses `dibuka` and `diperbaiki`, the berita acara's signing lock
 * (`signedDigest`, `signedResults`, `partial`, NIPs), comment `kind`, and the rejection
 * `assessment_approved`. An older tablet would neither honour the locks nor know the
 * fields, so it is told to update.
 * 4: indicator values with two decimals (PermenPANRB 8/2026) and the verification field
 * `sourceValue` (an outside index). An older tablet would refuse such values as invalid.
 */
export const PROTOCOL_VERSION = 4;
export const PROTOCOL_HEADER = 'x-telusur-protocol';
/**
 * The server's clock (ms since the epoch) on an answer without a body to carry it: the
 * offline package's 304 Not Modified (the tablet's clock check still gets its reading).
 */
export const SERVER_TIME_HEADER = 'x-telusur-server-time';

const entityName = z.enum(ENTITY_NAMES as [EntityName, ...EntityName[]]);

const fieldName = z.string().check(z.maxLength(64));

/**
 * The envelope of one local change as the push wire reads it: identity and ordering only.
 * Its content (field names and values, ids, clock) is checked per mutation with
 * `mutationProblems`, so one bad change is rejected alone instead of failing the whole push
 * (and blocking every later one). Anything failing here is a broken client, refused for the
 * whole request.
 */
export const MutationEnvelopeSchema = z.object({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  seq: z.int().check(z.gte(1)),
  entity: entityName,
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  changes: z.record(fieldName, z.unknown()),
  baseVersions: z.record(fieldName, z.int().check(z.gte(0))),
  hlc: z.string().check(z.minLength(1), z.maxLength(200)),
  at: z.int(),
});

const recordIdSchema = safeText(100).check(z.minLength(1));
const hlcSchema = safeText(120).check(z.minLength(20));
const atSchema = timeMs();

/** One thing wrong with a mutation's content: the field (or envelope key) and why. */
export interface MutationProblem {
  /** A field of `changes`, or `id` / `hlc` / `at` / `changes` / `baseVersions.<field>`. */
  field: string;
  /** zod's message, or `unknown_field`, `missing_base_version`, `no_changes`. */
  message: string;
}

/**
 * What is wrong with a mutation's content, [] when nothing: unknown fields, values refused
 * by core's field schemas (control characters, lone surrogates, lengths, types, time range),
 * a field without a base version, an unsafe id or clock. Used by MutationSchema (store,
 * bundles) and per mutation by the server's push.
 */
export function mutationProblems(
  m: Pick<Mutation, 'entity' | 'id' | 'changes' | 'baseVersions' | 'hlc' | 'at'>,
  /** When given, receives each valid field's value as its schema reads it (NFC text, unknown keys dropped). */
  parsed?: Map<string, unknown>,
): MutationProblem[] {
  const out: MutationProblem[] = [];
  const first = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
    r.error?.issues[0]?.message ?? 'invalid';
  for (const [field, schema, value] of [
    ['id', recordIdSchema, m.id],
    ['hlc', hlcSchema, m.hlc],
    ['at', atSchema, m.at],
  ] as const) {
    const r = (schema as z.ZodMiniType).safeParse(value);
    if (!r.success) out.push({ field, message: first(r) });
  }
  const fields = Object.keys(m.changes);
  if (fields.length === 0) out.push({ field: 'changes', message: 'no_changes' });
  for (const f of fields) {
    const schema = fieldSchema(m.entity, f);
    if (!schema) {
      out.push({ field: f, message: 'unknown_field' });
      continue;
    }
    const r = schema.safeParse(m.changes[f]);
    if (!r.success) out.push({ field: f, message: first(r) });
    else parsed?.set(f, r.data);
    if (!Object.hasOwn(m.baseVersions, f))
      out.push({ field: `baseVersions.${f}`, message: 'missing_base_version' });
  }
  // Each field alone may be fine while the pair is not: a record declaring a PDF of 24 MB is
  // within the largest kind's limit (the wire schema's) but above a PDF's. Its upload would be
  // refused; the record is refused too, so no receipt can ever wait for it.
  const { mime, bytes } = m.changes as { mime?: unknown; bytes?: unknown };
  if (m.entity === 'evidenceFile' && typeof mime === 'string' && typeof bytes === 'number') {
    const limit = evidenceLimitBytes(mime, 'stored');
    if (limit !== null && bytes > limit)
      out.push({ field: 'bytes', message: EVIDENCE_TOO_LARGE_MESSAGE });
  }
  return out;
}

/** The content problem of an evidence record declaring more bytes than its kind allows. */
export const EVIDENCE_TOO_LARGE_MESSAGE = 'evidence_too_large_for_kind';

/**
 * One local change, as stored in the tablet's outbox and pushed to the server.
 * `changes` holds new field values; `baseVersions` the server version of each field that
 * the edit was based on (0 = never seen from the server). The envelope plus every content
 * check of `mutationProblems`.
 */
export const MutationSchema = MutationEnvelopeSchema.check(
  z.superRefine((m, ctx) => {
    for (const p of mutationProblems(m)) {
      const path = p.field.startsWith('baseVersions.')
        ? ['baseVersions', p.field.slice('baseVersions.'.length)]
        : ['id', 'hlc', 'at', 'changes'].includes(p.field)
          ? [p.field]
          : ['changes', p.field];
      ctx.addIssue({ code: 'custom', message: p.message, path });
    }
  }),
);
export type Mutation = z.infer<typeof MutationSchema>;

/** The fields an object schema names, copied out of a value that may hold more. */
function wireFields<T extends object>(schema: { shape: Record<keyof T, unknown> }, value: T): T {
  const out = {} as T;
  for (const key of Object.keys(schema.shape) as (keyof T)[]) out[key] = value[key];
  return out;
}

/** Stable id of a mutation: unique per device and sequence number. */
export function mutationKey(m: Pick<Mutation, 'deviceId' | 'seq'>): string {
  return `${m.deviceId}:${m.seq}`;
}

// ---------------------------------------------------------------------------------------
// Sync wire schemas (push, pull, receipts). Validated once at the wire on both ends.

const count = z.int().check(z.gte(0));
const jsonRecord = z.record(z.string().check(z.maxLength(64)), z.unknown());

/**
 * Most record ids one pull may ask for again (`refetch`): the server refuses more, so the
 * tablet sends its list in slices of this size.
 */
export const MAX_REFETCH = 200;

/** Most mutations one push may carry; a larger outbox is sent in several pushes. */
export const MAX_PUSH_BATCH = 500;

export const PushRequestSchema = z.object({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Envelopes only: each mutation's content is judged on its own (see mutationProblems). */
  mutations: z.array(MutationEnvelopeSchema).check(z.minLength(1), z.maxLength(MAX_PUSH_BATCH)),
  /**
   * The tablet's clock (ms) when it sent the push: the server compares it with its own and
   * marks the times of a tablet whose clock is far off as doubtful (see clock-check.ts).
   */
  clock: z.optional(z.int()),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const FIELD_OUTCOMES = ['applied', 'same', 'conflict'] as const;
export type FieldOutcome = (typeof FIELD_OUTCOMES)[number];

/**
 * What the server did with one mutation: `applied` (at least one field written), `same`
 * (every field already held that value), `conflict` (at least one field kept the server's
 * value; see conflicts), `rejected` (nothing written; see `rejection`). A rejected mutation
 * is handled for exactly-once purposes: its seq is consumed and never blocks later ones.
 */
export const MUTATION_OUTCOMES = ['applied', 'same', 'conflict', 'rejected'] as const;
export type MutationOutcome = (typeof MUTATION_OUTCOMES)[number];

/** Why the server refused one mutation, in both languages, naming what it concerned. */
export const RejectionSchema = z.object({
  /** Problem code, e.g. `not_assigned`, `period_closed`, `validation_failed`, `immutable_field`. */
  code: z.string().check(z.maxLength(64)),
  message: z.string().check(z.maxLength(2000)),
  messageEn: z.string().check(z.maxLength(2000)),
  entity: entityName,
  recordId: z.string().check(z.maxLength(200)),
  assessmentId: z.nullable(z.string().check(z.maxLength(200))),
  unitId: z.nullable(z.string().check(z.maxLength(200))),
  unitName: z.nullable(z.string().check(z.maxLength(500))),
  indicatorNo: z.nullable(z.int()),
  /** The field that caused it, when one did. */
  field: z.nullable(z.string().check(z.maxLength(64))),
  /** Server time of the refusal (ms). */
  at: z.int(),
  /** True when sending the same change again later may succeed (e.g. after re-assignment). */
  retryable: z.boolean(),
});
export type Rejection = z.infer<typeof RejectionSchema>;

/**
 * Exactly the wire fields of a rejection, copied out of a richer shape (the server's stored
 * rejection with its device and mutation), so nothing else travels or is stored with it.
 */
export function toWireRejection(r: Rejection): Rejection {
  return wireFields(RejectionSchema, r);
}

export const MutationResultSchema = z.object({
  seq: z.int(),
  outcome: z.enum(MUTATION_OUTCOMES),
  /** The server had handled this seq before (same content); the outcome is the stored one. */
  duplicate: z.boolean(),
  /** Per field, for mutations handled now (empty for duplicates and rejections). */
  fields: z.record(z.string(), z.object({ outcome: z.enum(FIELD_OUTCOMES), version: count })),
  /**
   * Why it was refused (outcome `rejected`); or, on an accepted mutation, why ONE of its
   * fields (`rejection.field`, absent from `fields`) was not kept while the rest was
   * (`stage_closed`). A tablet before this ignores the latter (no protocol bump).
   */
  rejection: z.nullable(RejectionSchema),
});
export type MutationResult = z.infer<typeof MutationResultSchema>;

/** Problem code of a push that reuses a (device, seq) with other content (HTTP 409). */
export const DEVICE_SEQ_REUSED = 'device_seq_reused';

/** Answer to POST /api/devices/rotate (and part of the enrolment answer): a fresh identity. */
export const DeviceIdentitySchema = z.object({
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Bearer token of the new identity (shown once). */
  token: z.string().check(z.minLength(1), z.maxLength(200)),
  /** Hex key for signing export bundles (HMAC-SHA256), issued per device identity. */
  bundleSecret: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentitySchema>;

/** Answer to POST /api/devices/bundle-secret: the export signing key of the calling identity. */
export type BundleSecret = Pick<DeviceIdentity, 'deviceId' | 'bundleSecret'>;

/**
 * Text a bundle's signature covers: the hex SHA-256 of its exact manifest bytes (which list
 * every file's hash) with a domain prefix. mac = HMAC-SHA256(bundleSecret, this), hex.
 */
export function bundleSigningInput(manifestSha256: string, deviceId: string): string {
  return `telusur-bundle-v2|${deviceId}|${manifestSha256}`;
}

/** A field where the server kept its value because the tablet edited an older version. */
export const ConflictSchema = z.object({
  id: z.string(),
  entity: entityName,
  recordId: z.string(),
  field: z.string(),
  assessmentId: z.string(),
  localValue: z.unknown(),
  serverValue: z.unknown(),
  serverVersion: count,
  localDeviceId: z.string(),
  localAuthor: z.nullable(z.string()),
  localAt: z.int(),
  serverAuthor: z.nullable(z.string()),
  serverAt: z.int(),
  resolved: z.boolean(),
  // Optional below: answers of servers before these fields, and rows stored before them.
  /** The tablet whose value the server held (its value is the one disputed), if any. */
  serverDeviceId: z.optional(z.nullable(z.string())),
  /** When the tablet's edit was made on the tablet (its hybrid clock's wall time). */
  localEditedAt: z.optional(z.nullable(z.int())),
  /** When the server received the tablet's edit. */
  localReceivedAt: z.optional(z.nullable(z.int())),
  /** When the server's value was edited on its tablet; null when the server made it. */
  serverEditedAt: z.optional(z.nullable(z.int())),
  /** The tablet's clock was off when its edit came in: its time is doubtful. */
  localClockDoubtful: z.optional(z.boolean()),
  /** Likewise for the tablet that wrote the server's value. */
  serverClockDoubtful: z.optional(z.boolean()),
});
export type Conflict = z.infer<typeof ConflictSchema>;

/**
 * Exactly the wire fields of a conflict, copied out of a richer shape: the server's
 * coordinator view (labels, resolution) when it answers a tablet, a parsed answer when the
 * tablet stores it.
 */
export function toWireConflict(c: Conflict): Conflict {
  return wireFields(ConflictSchema, c);
}

/**
 * Which life of the server's database answered (CouchDB's "instance start time", as an
 * id). A database gets one when it is created (or migrated to this field), and
 * `npm run restore` gives the restored database a new one, so a tablet sees that the
 * server went back in time: the change log, the device cursors and the field versions it
 * remembers may then be ahead of the server's. Optional on the wire: a server before it
 * sends none, and a tablet before it ignores it (no protocol bump).
 */
export const IncarnationSchema = z.object({
  /** Random id of this incarnation. */
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  /** The incarnation the restored backup was taken from; null for a database never restored (or restored from a backup older than incarnations). */
  parent: z.nullable(z.string().check(z.maxLength(64))),
  /**
   * The highest change-log seq the restored backup held (the restore point): changes at or
   * below it are the history this incarnation shares with `parent`; null when not restored.
   */
  restoredThrough: z.nullable(count),
});
export type Incarnation = z.infer<typeof IncarnationSchema>;

export const PushResponseSchema = z.object({
  /**
   * Highest seq of this device the server has handled — applied, same, conflict or rejected
   * (all lower ones too). Never above the highest seq the tablet has issued; a tablet that
   * sees otherwise shares its identity with another and must rotate it.
   */
  appliedThrough: count,
  /** One result per mutation of the request at or below `appliedThrough`. */
  results: z.array(MutationResultSchema),
  conflicts: z.array(ConflictSchema),
  /** The server's clock (ms) while it answered, so the tablet can check its own. */
  serverTime: z.optional(z.int()),
  /** The database incarnation that handled the push (absent from older servers). */
  incarnation: z.optional(IncarnationSchema),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

/** One record's changed fields in the server's change log. */
export const ChangeSchema = z.object({
  seq: count,
  entity: entityName,
  id: z.string(),
  fields: jsonRecord,
  versions: z.record(z.string(), count),
});
export type Change = z.infer<typeof ChangeSchema>;

export const PullResponseSchema = z.object({
  changes: z.array(ChangeSchema),
  /** Pass back as `cursor` to continue; never moves past a change still being committed. */
  cursor: count,
  hasMore: z.boolean(),
  /** Conflicts of this tablet's scope, open or resolved since the cursor. */
  conflicts: z.array(ConflictSchema),
  /** The server's clock (ms) while it answered, so the tablet can check its own. */
  serverTime: z.optional(z.int()),
  /**
   * The database incarnation the page comes from (absent from older servers). A tablet
   * that synced with another one re-bases before it stores the page (docs/architecture.md).
   */
  incarnation: z.optional(IncarnationSchema),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** Which evidence files of an assessment the server holds, verified by hash. */
export const ReceiptSchema = z.object({
  assessmentId: z.string(),
  hashes: z.array(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});
export type Receipt = z.infer<typeof ReceiptSchema>;
