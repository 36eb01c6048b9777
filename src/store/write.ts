/**
 * The single write path of synced records: a saved value, its outbox mutation and the
 * device clock change in ONE transaction, so a resolved save is always sent later and a
 * failed one leaves neither. Every edit of a record (repositories, evidence, conflict
 * resolution, retry of a refused change) goes through `stage`, which also refuses every
 * edit under a verification the coordinator approved (core `tabletMayEdit`): it stays
 * read-only until a pulled `dibuka` (reopened) status lets the verifier edit again.
 */
import Dexie, { type PromiseExtended } from 'dexie';
import {
  decodeHlc,
  type EntityName,
  encodeHlc,
  fieldSchema,
  findUnsafeText,
  IMMUTABLE_FIELDS,
  RECORD_DEFAULTS,
  REQUIRED_FIELDS,
  tabletMayEdit,
  tickHlc,
} from '../core';
import {
  CLOCK,
  type ClockRow,
  DEVICE,
  deviceFrom,
  guard,
  type StoreContext,
  tableOf,
  toDomain,
} from './context';
import {
  ApprovedRecordError,
  describeProblem,
  type FieldProblem,
  type ProblemDetail,
  RecordNotFoundError,
  ValidationError,
} from './errors';
import { assessmentIdOf, type OutboxRow, type RecordRow } from './schema';

interface SchemaIssue {
  code?: string;
  message: string;
  path?: PropertyKey[];
  maximum?: unknown;
  origin?: string;
}

/** A readable problem for one refused value (core's schema issue → store code and sentences). */
function problemOf(field: string, value: unknown, issue: SchemaIssue | undefined): FieldProblem {
  const detail: ProblemDetail = {};
  let message: string;
  if (issue?.message === 'unsafe_text' || issue?.message === 'time_out_of_range') {
    message = issue.message;
    // The text may be the value itself or a part of it (an evidence check's note).
    let text: unknown = value;
    for (const key of issue.path ?? []) text = (text as Record<PropertyKey, unknown>)?.[key];
    const found = typeof text === 'string' ? findUnsafeText(text) : null;
    if (found) {
      detail.position = found.index + 1;
      detail.kind = found.kind;
    }
  } else if (issue?.code === 'too_big' && issue.origin === 'string') {
    message = 'too_long';
    if (typeof issue.maximum === 'number') detail.maximum = issue.maximum;
  } else if (issue?.code === 'invalid_type') {
    message = 'wrong_type';
  } else {
    message = 'invalid';
  }
  const [text, textEn] = describeProblem(field, message, detail);
  return { field, message, text, textEn };
}

/**
 * Values as core's field schemas parse them (text NFC-normalised): what is saved and sent,
 * never the raw input. Throws ValidationError naming every refused field in readable words.
 */
export function validate(
  entity: EntityName,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const schema = fieldSchema(entity, field);
    if (!schema) {
      problems.push({ field, message: 'unknown field' });
      continue;
    }
    const r = schema.safeParse(value);
    if (r.success) out[field] = r.data;
    else problems.push(problemOf(field, value, r.error.issues[0] as SchemaIssue | undefined));
  }
  if (problems.length > 0) throw new ValidationError(entity, problems);
  return out;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Validate, then in ONE transaction: read the row and the device clock, write the row, append
 * the outbox mutation with the next seq, advance the clock. `identity` are the fields a new
 * row gets (sent with its first mutation); null means the record must exist.
 *
 * @returns the saved record (domain shape).
 * @throws ValidationError (a value refused, a fixed field changed, a required one missing,
 *   or `create` of an existing id), RecordNotFoundError, ApprovedRecordError (the record's
 *   assessment is approved), StorageFullError.
 */
export function save<T>(
  c: StoreContext,
  entity: EntityName,
  id: string,
  changes: object,
  identity: Record<string, unknown> | null,
  mode: 'upsert' | 'create' = 'upsert',
): Promise<T> {
  let clean: Record<string, unknown>;
  let ident: Record<string, unknown> | null;
  try {
    clean = validate(entity, changes as Record<string, unknown>);
    ident = identity && validate(entity, identity);
  } catch (e) {
    return Promise.reject(e);
  }
  const db = c.db;
  return guard(() =>
    db.transaction(
      'rw',
      [...new Set([tableOf(db, entity), db.assessments]), db.outbox, db.meta],
      () => stage(c, entity, id, clean, ident, mode).then(({ row }) => toDomain<T>(row) as T),
    ),
  );
}

/**
 * The body of a record write; must run inside a rw transaction over the entity's table,
 * the assessments table (an approved assessment refuses the write: ApprovedRecordError),
 * outbox and meta. Fields in `force` are sent even when unchanged (an unchanged fixed field
 * is then allowed). The device id is read in the transaction, so a tab that missed another
 * tab's `adoptIdentity` still writes under the current identity. `mutation` is null when
 * nothing changed.
 */
export function stage(
  c: StoreContext,
  entity: EntityName,
  id: string,
  changes: Record<string, unknown>,
  identity: Record<string, unknown> | null,
  mode: 'upsert' | 'create',
  force: ReadonlySet<string> = new Set(),
): PromiseExtended<{ row: RecordRow; mutation: OutboxRow | null }> {
  const db = c.db;
  const table = tableOf(db, entity);
  return Dexie.Promise.all([table.get(id), db.meta.bulkGet([CLOCK, DEVICE])])
    .then(([row, meta]) => {
      // The assessment the record belongs to: its status decides whether it may change.
      const owner =
        entity === 'assessment'
          ? id
          : (row?.assessmentId ?? changes.assessmentId ?? identity?.assessmentId);
      const held: PromiseExtended<RecordRow | undefined> =
        entity === 'assessment'
          ? Dexie.Promise.resolve(row)
          : typeof owner === 'string'
            ? db.assessments.get(owner)
            : Dexie.Promise.resolve(undefined);
      return held.then((assessment) => {
        const status = assessment?.status;
        if (typeof status === 'string' && !tabletMayEdit(status))
          throw new ApprovedRecordError(String(owner));
        return [row, meta] as const;
      });
    })
    .then(([row, [clockRow, deviceRow]]) => {
      let base: RecordRow;
      const effective: Record<string, unknown> = {};
      if (row) {
        if (mode === 'create')
          throw new ValidationError(entity, [{ field: 'id', message: `record ${id} exists` }]);
        const fixed = IMMUTABLE_FIELDS[entity];
        const problems: FieldProblem[] = [];
        for (const [f, v] of Object.entries(changes)) {
          const unchanged = same(row[f], v);
          if (unchanged && !force.has(f)) continue;
          if (fixed.has(f) && !unchanged)
            problems.push({ field: f, message: 'cannot change after creation' });
          else effective[f] = v;
        }
        if (problems.length > 0) throw new ValidationError(entity, problems);
        base = row;
      } else {
        if (!identity) throw new RecordNotFoundError(entity, id);
        Object.assign(effective, identity, changes);
        const missing = REQUIRED_FIELDS[entity].filter((f) => effective[f] === undefined);
        if (missing.length > 0) {
          throw new ValidationError(
            entity,
            missing.map((field) => ({ field, message: 'required for a new record' })),
          );
        }
        base = { id, ...RECORD_DEFAULTS[entity], _versions: {} };
      }
      const fields = Object.keys(effective);
      if (fields.length === 0) return { row: base, mutation: null };

      const deviceId = deviceFrom(c, deviceRow);
      const clock = clockRow as ClockRow | undefined;
      const at = c.now();
      const seq = (clock?.seq ?? 0) + 1;
      const hlc = encodeHlc(tickHlc(clock?.hlc ? decodeHlc(clock.hlc) : null, deviceId, at));
      const baseVersions: Record<string, number> = {};
      for (const f of fields) baseVersions[f] = base._versions[f] ?? 0;
      const next: RecordRow = {
        ...base,
        ...effective,
        _versions: { ...base._versions, ...baseVersions },
      };
      const mutation: OutboxRow = {
        deviceId,
        seq,
        entity,
        id,
        changes: effective,
        baseVersions,
        hlc,
        at,
        assessmentId: assessmentIdOf(entity, next),
      };
      return Dexie.Promise.all([
        table.put(next),
        db.outbox.add(mutation),
        db.meta.put({ key: CLOCK, seq, hlc } satisfies ClockRow),
      ]).then(() => {
        c.hooks?.beforeCommit?.(`${entity}.save`);
        return { row: next, mutation };
      });
    });
}
