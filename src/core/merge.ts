/**
 * The per-field merge rule of synced records, in one place for both ends of sync: the
 * server decides every field a tablet pushes with it, and the tablet store applies pulled
 * fields and refuses edits with it. A record is a bag of fields, each versioned on its
 * own, so two verifiers editing different fields of one indicator never collide.
 *
 * Push (server, `decideField`): the server is the one place that orders writes. A field a
 * tablet sends carries the server version its edit was based on (`baseVersions`):
 * - `same` — the server already holds that value: nothing is written;
 * - `applied` — nobody wrote the field since the tablet last saw it (base version equals
 *   the current version), or the field is new, or the last writer was this very tablet
 *   (its consecutive offline edits all carry the same base): the value becomes the next
 *   version;
 * - `conflict` — someone else wrote the field since the tablet's base: the server keeps
 *   its value and records a conflict for a person to settle. A value is never overwritten
 *   silently by an edit that did not see it.
 * The HLC a mutation carries is recorded with the value (audit order) and advances the
 * tablet's clock on pull; it does not decide between two values — the base version does.
 *
 * Pull (tablet, `decideRemoteField`): a server value replaces the tablet's unless the
 * tablet holds an unsent edit of that field (it is sent next and decided by the server)
 * or already holds that version or a newer one (a repeated page).
 *
 * Who may write what: fields fixed at creation (`IMMUTABLE_FIELDS`), fields only the
 * server writes (`SERVER_OWNED_FIELDS`) and statuses only a coordinator sets
 * (`COORDINATOR_STATUSES`) are refused from a tablet (`tabletWriteRefusal`), unless the
 * tablet only echoes the value the server holds.
 */
import type { EntityName } from './entities-schema';
import type { FieldOutcome, MutationOutcome } from './protocol';
import { COORDINATOR_STATUSES } from './record-state';

/**
 * Values a record gets when it is created (on the tablet, or pulled from the server
 * without them). Never sent as changes: the server's record starts from the same values.
 */
export const RECORD_DEFAULTS: Readonly<Record<EntityName, Readonly<Record<string, unknown>>>> = {
  assessment: { status: 'belum', submittedAt: null },
  verification: {
    selfLevel: null,
    selfJustification: '',
    verifiedLevel: null,
    sourceValue: null,
    notApplicable: false,
    naReason: '',
    notes: '',
    reviewComment: '',
    rekomendasi: '',
    penjelasanFakta: '',
    penjelasanAnalisis: '',
    penjelasanJustifikasi: '',
    penjelasanFiles: [],
  },
  evidenceFile: {
    width: null,
    height: null,
    location: null,
    deleted: false,
    capturedAtSource: null,
    proves: null,
    url: null,
    checkedAt: null,
  },
  beritaAcara: {
    verifierName: '',
    verifierRole: '',
    verifierSignature: null,
    representativeName: '',
    representativeRole: '',
    representativeSignature: null,
    place: '',
    signedAt: null,
    summary: '',
    verifierNip: '',
    representativeNip: '',
    partial: false,
    signedDigest: null,
    signedResults: null,
    verifierSignedOver: null,
    representativeSignedOver: null,
  },
  comment: { indicatorNo: null, kind: 'verifier' },
};

/** Fields a record must have when the tablet creates it (they place it and name its author). */
export const REQUIRED_FIELDS: Readonly<Record<EntityName, readonly string[]>> = {
  assessment: ['periodId', 'unitId', 'frameworkId'],
  verification: ['assessmentId', 'indicatorNo'],
  evidenceFile: ['assessmentId', 'indicatorNo', 'sha256', 'name', 'mime', 'bytes', 'capturedAt'],
  beritaAcara: ['assessmentId'],
  comment: ['assessmentId', 'body', 'author', 'createdAt'],
};

/**
 * Fields set once, when the record is created, and never changed: they say where the
 * record belongs (assessment, indicator, unit) and what a photo is (its bytes are
 * addressed by hash). Changing one would move a record under other people's work.
 */
export const IMMUTABLE_FIELDS: Readonly<Record<EntityName, ReadonlySet<string>>> = {
  assessment: new Set(['periodId', 'unitId', 'frameworkId']),
  verification: new Set(['assessmentId', 'indicatorNo']),
  evidenceFile: new Set([
    'assessmentId',
    'indicatorNo',
    'sha256',
    'mime',
    'bytes',
    'width',
    'height',
    'capturedAt',
    'capturedAtSource',
    'location',
  ]),
  beritaAcara: new Set(['assessmentId']),
  comment: new Set(['assessmentId', 'indicatorNo', 'author', 'createdAt', 'kind']),
};

/**
 * Fields only the server writes: the unit's self-assessment (penilaian mandiri, set or
 * imported by a coordinator) and the coordinator's review comment. Tablets receive them by
 * pull and may only send back the value the server holds.
 */
export const SERVER_OWNED_FIELDS: Readonly<Partial<Record<EntityName, ReadonlySet<string>>>> = {
  verification: new Set(['selfLevel', 'selfJustification', 'reviewComment']),
};

export { COORDINATOR_STATUSES } from './record-state';

/** Why a tablet may not write a field: fixed at creation, or not the tablet's to write. */
export type WriteRefusal = 'immutable_field' | 'field_not_writable';

/**
 * Why a tablet may not write `value` into `field`, or null when it may. `exists` tells
 * whether the field already has a value (a fixed field may be given one only at creation).
 * Callers ask only for values that differ from the held one: echoing a held value is
 * always allowed.
 */
export function tabletWriteRefusal(
  entity: EntityName,
  field: string,
  value: unknown,
  exists: boolean,
): WriteRefusal | null {
  if (exists && IMMUTABLE_FIELDS[entity].has(field)) return 'immutable_field';
  if (SERVER_OWNED_FIELDS[entity]?.has(field)) return 'field_not_writable';
  if (entity === 'assessment' && field === 'status' && COORDINATOR_STATUSES.has(value))
    return 'field_not_writable';
  // The coordinator's return and reopening comments are written by the server alone.
  if (entity === 'comment' && field === 'kind' && value !== 'verifier') return 'field_not_writable';
  return null;
}

/** The server's current state of one field, as the push decision needs it. */
export interface HeldField {
  version: number;
  /** Device that wrote the current version (null for server-made values). */
  updatedByDevice: string | null;
  /** True when it already holds the pushed value (the caller compares canonical JSON). */
  sameValue: boolean;
}

/** What the server does with one pushed field: an outcome, or a refusal of the whole mutation. */
export type FieldDecision = { outcome: FieldOutcome } | { refused: WriteRefusal };

/**
 * The server's decision for one field of a tablet's mutation (see the module comment):
 * `same` first (an echo is never refused), then the tablet's write rights, then
 * `applied` when the tablet saw the current version (or wrote it), else `conflict`.
 *
 * @param input.current the field as the server holds it; undefined when never written.
 * @param input.baseVersion the version the tablet's edit was based on (0 when none).
 * @param input.deviceId the pushing tablet.
 */
export function decideField(input: {
  entity: EntityName;
  field: string;
  value: unknown;
  baseVersion: number;
  deviceId: string;
  current: HeldField | undefined;
}): FieldDecision {
  const { current } = input;
  if (current?.sameValue) return { outcome: 'same' };
  const refused = tabletWriteRefusal(input.entity, input.field, input.value, current !== undefined);
  if (refused) return { refused };
  const applies =
    !current ||
    input.baseVersion === current.version ||
    // A tablet's consecutive edits of one field before it syncs all carry the same base
    // version; they are not a conflict with itself.
    current.updatedByDevice === input.deviceId;
  return { outcome: applies ? 'applied' : 'conflict' };
}

/**
 * A mutation's outcome from its fields': `conflict` when any field kept the server's value,
 * else `applied` when any was written, else `same`.
 */
export function mutationOutcome(fields: Iterable<FieldOutcome>): MutationOutcome {
  const seen = new Set(fields);
  if (seen.has('conflict')) return 'conflict';
  return seen.has('applied') ? 'applied' : 'same';
}

/** What the tablet does with one pulled field. */
export type RemoteFieldDecision = 'applied' | 'pending' | 'stale';

/**
 * The tablet's decision for one field pulled from the server: `pending` while an unsent
 * local edit of the field waits (the push decides it), `stale` when the tablet's record
 * already holds that version or a newer one (versions only move forward, so a repeated
 * page never takes a field back), else `applied`.
 *
 * @param pending an unsent local edit of the field waits in the outbox.
 * @param heldVersion the local record's version of the field (0 when never synced); null
 *   when the tablet has no such record (any server value then applies).
 * @param version the server's version of the pulled value.
 */
export function decideRemoteField(
  pending: boolean,
  heldVersion: number | null,
  version: number,
): RemoteFieldDecision {
  if (pending) return 'pending';
  return heldVersion !== null && heldVersion >= version ? 'stale' : 'applied';
}
