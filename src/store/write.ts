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
import { announce, type MutatedParts, nativeTransaction, notePut } from './direct';
import {
  ApprovedRecordError,
  describeProblem,
  type FieldProblem,
  type ProblemDetail,
  RecordNotFoundError,
  ValidationError,
} from './errors';
import {
  assessmentIdOf,
  ENTITY_TABLE,
  type MetaRow,
  type OutboxRow,
  type RecordRow,
} from './schema';

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
 * The transaction runs on the native IDBDatabase Dexie holds open (direct.ts): the same
 * reads and writes as `stage`, without Dexie's per-request layers, then Dexie's liveQuery
 * views in every tab are told which keys changed. Inside a caller's Dexie transaction, or
 * while the database is not open, it goes through Dexie (`stage`) instead.
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
  const fast = saveDirect(c, entity, id, clean, ident, mode);
  if (fast) return guard(() => fast.then((row) => toDomain<T>(row) as T));
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
 * The assessment a record belongs to, as far as the values to write tell it (before the row
 * is read): lets the approval check's read go out together with the row's.
 */
export function ownerHint(
  entity: EntityName,
  id: string,
  changes: Record<string, unknown>,
  identity: Record<string, unknown> | null,
): string | undefined {
  if (entity === 'assessment') return id;
  const owner = changes.assessmentId ?? identity?.assessmentId;
  return typeof owner === 'string' ? owner : undefined;
}

/** The assessment whose status decides whether the record may change (the row's own first). */
export function ownerOf(
  entity: EntityName,
  id: string,
  row: RecordRow | undefined,
  changes: Record<string, unknown>,
  identity: Record<string, unknown> | null,
): unknown {
  return entity === 'assessment'
    ? id
    : (row?.assessmentId ?? changes.assessmentId ?? identity?.assessmentId);
}

/** Refuse the write when the owning assessment is approved (core `tabletMayEdit`). */
export function checkApproval(owner: unknown, assessment: RecordRow | undefined): void {
  const status = assessment?.status;
  if (typeof status === 'string' && !tabletMayEdit(status))
    throw new ApprovedRecordError(String(owner));
}

/** What one record write puts: the row, the outbox mutation and the clock (null: no change). */
export interface Planned {
  row: RecordRow;
  mutation: OutboxRow | null;
  clock: ClockRow | null;
}

/**
 * The pure part of a record write, given what the transaction read: change detection against
 * the stored row, fixed and required fields, per-field baseVersions, the next seq and HLC.
 * Throws ValidationError / RecordNotFoundError as `stage` documents.
 */
export function plan(
  c: StoreContext,
  entity: EntityName,
  id: string,
  changes: Record<string, unknown>,
  identity: Record<string, unknown> | null,
  mode: 'upsert' | 'create',
  force: ReadonlySet<string>,
  row: RecordRow | undefined,
  clockRow: MetaRow | undefined,
  deviceRow: MetaRow | undefined,
): Planned {
  let base: RecordRow;
  const effective: Record<string, unknown> = {};
  if (row) {
    if (mode === 'create')
      throw new ValidationError(entity, [{ field: 'id', message: `record ${id} exists` }]);
    const fixed = IMMUTABLE_FIELDS[entity];
    const problems: FieldProblem[] = [];
    for (const f in changes) {
      const v = changes[f];
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
  if (fields.length === 0) return { row: base, mutation: null, clock: null };

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
  return { row: next, mutation, clock: { key: CLOCK, seq, hlc } };
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
      const owner = ownerOf(entity, id, row, changes, identity);
      const held: PromiseExtended<RecordRow | undefined> =
        entity === 'assessment'
          ? Dexie.Promise.resolve(row)
          : typeof owner === 'string'
            ? db.assessments.get(owner)
            : Dexie.Promise.resolve(undefined);
      return held.then((assessment) => {
        checkApproval(owner, assessment);
        return [row, meta] as const;
      });
    })
    .then(([row, [clockRow, deviceRow]]) => {
      const {
        row: next,
        mutation,
        clock,
      } = plan(c, entity, id, changes, identity, mode, force, row, clockRow, deviceRow);
      if (!mutation || !clock) return { row: next, mutation: null };
      return Dexie.Promise.all([table.put(next), db.outbox.add(mutation), db.meta.put(clock)]).then(
        () => {
          c.hooks?.beforeCommit?.(`${entity}.save`);
          return { row: next, mutation };
        },
      );
    });
}

/**
 * `save`'s transaction on a native IDBTransaction (direct.ts), or null when it must go
 * through Dexie. Same reads as `stage` — the row, the clock and device rows, the owning
 * assessment — but issued together in one round trip when the owner is known before the row
 * is read (every verification, berita acara and new record); then `plan`, the three writes
 * and the beforeCommit hook in the same transaction. Resolves with the saved row once the
 * transaction committed (and Dexie's views were told); rejects with what `plan` or the
 * approval check threw, or the transaction's error (quota…), and then nothing was written.
 */
function saveDirect(
  c: StoreContext,
  entity: EntityName,
  id: string,
  changes: Record<string, unknown>,
  identity: Record<string, unknown> | null,
  mode: 'upsert' | 'create',
): Promise<RecordRow> | null {
  const tableName = ENTITY_TABLE[entity];
  const tx = nativeTransaction(
    c,
    entity === 'assessment'
      ? [tableName, 'outbox', 'meta']
      : [tableName, 'assessments', 'outbox', 'meta'],
  );
  if (!tx) return null;
  return new Promise<RecordRow>((resolve, reject) => {
    let failure: { error: unknown } | null = null;
    let saved: RecordRow | undefined;
    let parts: MutatedParts | null = null;
    const fail = (error: unknown) => {
      failure ??= { error };
      try {
        tx.abort();
      } catch {
        // Already finishing: its own abort or error event rejects.
      }
    };
    tx.oncomplete = () => {
      if (parts) announce(parts);
      resolve(saved as RecordRow);
    };
    tx.onabort = () =>
      reject(
        failure
          ? failure.error
          : (tx.error ?? new DOMException('Transaction aborted', 'AbortError')),
      );
    const table = tx.objectStore(tableName);
    const meta = tx.objectStore('meta');
    const hint = ownerHint(entity, id, changes, identity);
    const rowReq = table.get(id) as IDBRequest<RecordRow | undefined>;
    const clockReq = meta.get(CLOCK) as IDBRequest<MetaRow | undefined>;
    const deviceReq = meta.get(DEVICE) as IDBRequest<MetaRow | undefined>;
    const heldReq =
      entity !== 'assessment' && hint !== undefined
        ? (tx.objectStore('assessments').get(hint) as IDBRequest<RecordRow | undefined>)
        : null;

    const write = (row: RecordRow | undefined, assessment: RecordRow | undefined) => {
      checkApproval(ownerOf(entity, id, row, changes, identity), assessment);
      const planned = plan(
        c,
        entity,
        id,
        changes,
        identity,
        mode,
        NO_FORCE,
        row,
        clockReq.result,
        deviceReq.result,
      );
      saved = planned.row;
      if (!planned.mutation || !planned.clock) return;
      table.put(planned.row);
      tx.objectStore('outbox').add(planned.mutation);
      meta.put(planned.clock);
      c.hooks?.beforeCommit?.(`${entity}.save`);
      parts = {};
      notePut(c, parts, tableName, row, planned.row);
      notePut(c, parts, 'outbox', undefined, planned.mutation);
      notePut(c, parts, 'meta', clockReq.result, planned.clock);
    };
    // Requests of one transaction succeed in the order they were made: when the last read
    // succeeded, all results are there.
    (heldReq ?? deviceReq).onsuccess = () => {
      try {
        const row = rowReq.result;
        if (entity === 'assessment') return write(row, row);
        const owner = ownerOf(entity, id, row, changes, identity);
        if (heldReq && owner === hint) return write(row, heldReq.result);
        if (typeof owner !== 'string') return write(row, undefined);
        // The row belongs to another assessment than the values said: read that one.
        const ownerReq = tx.objectStore('assessments').get(owner) as IDBRequest<
          RecordRow | undefined
        >;
        ownerReq.onsuccess = () => {
          try {
            write(row, ownerReq.result);
          } catch (e) {
            fail(e);
          }
        };
      } catch (e) {
        fail(e);
      }
    };
  });
}

const NO_FORCE: ReadonlySet<string> = new Set();
