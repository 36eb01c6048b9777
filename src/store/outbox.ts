/**
 * The push side of sync on the tablet: the outbox (unsent mutations in seq order), the
 * settling of a push answer, and the "Ditolak server" list of changes the server refused
 * (kept until the verifier retries or discards them — a refusal is never dropped silently).
 */
import {
  ENTITY_NAMES,
  type EntityName,
  type Mutation,
  mutationKey,
  RECORD_DEFAULTS,
  REQUIRED_FIELDS,
  type Rejection,
} from '../core';
import type { OutboxApi, RejectedApi, SettleAnswer } from './api';
import {
  CLOCK,
  type ClockRow,
  DEVICE,
  deviceFrom,
  guard,
  type StoreContext,
  tableOf,
} from './context';
import { IdentityConflictError, RecordNotFoundError } from './errors';
import { assessmentIdOf, type RecordRow, type TelusurDb } from './schema';
import type { RejectedChange } from './types';
import { stage, validate } from './write';

/** Meta row of the record ids whose server fields the next pull asks for again. */
const REFETCH = 'refetch';

/** Problem codes whose change may be sent again once the verifier fixed the field. */
const FIXABLE: ReadonlySet<string> = new Set(['validation_failed', 'rejected']);

/**
 * Whether sending a refused change again may help: the server said so (e.g. the unit was
 * approved or withdrawn and may come back), or its value can be fixed on this tablet
 * first. A refusal that is neither is final (the list offers no Kirim ulang). Either way the
 * tablet's record goes back to the server's value when the refusal is settled.
 */
export function mayRetryRefusal(rejection: Pick<Rejection, 'code' | 'retryable'>): boolean {
  return rejection.retryable || FIXABLE.has(rejection.code);
}

/** Every synced entity's table (transactions that may touch any record). */
function entityTables(db: TelusurDb) {
  return ENTITY_NAMES.map((e) => tableOf(db, e));
}

export function outboxApi(c: StoreContext): OutboxApi {
  const db = c.db;
  return {
    // Reading the device row with the batch keeps `deviceId` right for the push of it,
    // even when another tab took a new identity since this one last wrote.
    peek: (limit) =>
      guard(() =>
        db.transaction('r', db.outbox, db.meta, async () => {
          const [rows, device] = await Promise.all([
            db.outbox.limit(limit).toArray(),
            db.meta.get(DEVICE),
          ]);
          deviceFrom(c, device);
          return rows.map(({ assessmentId: _, ...m }) => m);
        }),
      ),
    settle: (answer) => settle(c, answer),
    count: () => guard(() => db.outbox.count()),
    countByAssessment: (assessmentId) =>
      guard(() => db.outbox.where('assessmentId').equals(assessmentId).count()),
    lastSeq: () =>
      guard(() =>
        db.meta.bulkGet([CLOCK, DEVICE]).then(([clock, device]) => {
          deviceFrom(c, device);
          return Number((clock as ClockRow | undefined)?.seq ?? 0);
        }),
      ),
  };
}

/** See OutboxApi.settle. */
function settle(
  c: StoreContext,
  answer: SettleAnswer,
): Promise<{ removed: number; rejected: number }> {
  const db = c.db;
  const through = answer.appliedThrough;
  return guard(() =>
    db.transaction('rw', [db.outbox, db.rejected, db.meta, ...entityTables(db)], async () => {
      const [clockRow, deviceRow] = await db.meta.bulkGet([CLOCK, DEVICE]);
      const lastSeq = Number((clockRow as ClockRow | undefined)?.seq ?? 0);
      const deviceId = deviceFrom(c, deviceRow);
      if (answer.deviceId !== undefined && answer.deviceId !== deviceId) {
        throw new IdentityConflictError(
          through,
          lastSeq,
          `answer for ${answer.deviceId}, tablet is now ${deviceId}`,
        );
      }
      // The server claims seqs this tablet never issued: another device shares the
      // identity. Dropping our rows on its word would lose them.
      if (through > lastSeq) {
        throw new IdentityConflictError(
          through,
          lastSeq,
          `appliedThrough ${through} above last issued seq ${lastSeq}`,
        );
      }
      const settled = await db.outbox.where('seq').belowOrEqual(through).toArray();
      if (settled.length === 0) return { removed: 0, rejected: 0 };
      const later = await db.outbox.where('seq').above(through).toArray();
      const fieldKey = (entity: string, id: string, field: string) =>
        `${entity}\u0000${id}\u0000${field}`;
      const waiting = new Set(
        later.flatMap((m) => Object.keys(m.changes).map((f) => fieldKey(m.entity, m.id, f))),
      );
      const results = new Map(
        answer.results.filter((r) => r.seq <= through).map((r) => [r.seq, r]),
      );
      const at = c.now();
      const refused: RejectedChange[] = [];
      // Per record: the server version of each of our fields it applied or already held.
      const known = new Map<
        string,
        { entity: EntityName; id: string; fields: Map<string, [unknown, number]> }
      >();
      // Only rows the answer speaks for leave the outbox. A row at or below
      // `appliedThrough` without a result (seqs the server took from an export file, or
      // an answer cut short) stays and is sent again: the server then answers it as a
      // duplicate with its stored outcome — a refusal included — never silently.
      const handled: number[] = [];
      for (const row of settled) {
        const result = results.get(row.seq);
        if (!result) continue;
        handled.push(row.seq);
        const { assessmentId, ...mutation } = row;
        if (result.outcome === 'rejected') {
          refused.push(await rejectedEntry(db, mutation, assessmentId, result.rejection, at));
          continue;
        }
        // Accepted with one field refused (a stage value made after its stage closed): that
        // field alone is listed and reverted; the others settle below.
        const part = refusedPart(mutation, result.rejection);
        if (part) refused.push(await rejectedEntry(db, part, assessmentId, result.rejection, at));
        const recordKey = `${row.entity}\u0000${row.id}`;
        const entry = known.get(recordKey) ?? {
          entity: row.entity,
          id: row.id,
          fields: new Map<string, [unknown, number]>(),
        };
        for (const [f, o] of Object.entries(result.fields)) {
          if (o.outcome === 'conflict' || !Object.hasOwn(row.changes, f)) continue;
          // A later unsent edit of the field is based on the old version: leave it.
          if (waiting.has(fieldKey(row.entity, row.id, f))) continue;
          entry.fields.set(f, [row.changes[f], o.version]);
        }
        known.set(recordKey, entry);
      }
      for (const { entity, id, fields } of known.values()) {
        if (fields.size === 0) continue;
        const table = tableOf(db, entity);
        const current = await table.get(id);
        if (!current) continue;
        const next: RecordRow = { ...current, _versions: { ...current._versions } };
        let changed = false;
        for (const [f, [value, version]] of fields) {
          if ((current._versions[f] ?? 0) >= version) continue;
          next[f] = value;
          next._versions[f] = version;
          changed = true;
        }
        if (changed) await table.put(next);
      }
      if (refused.length > 0) await db.rejected.bulkPut(refused);
      await db.outbox.bulkDelete(handled);
      // Every refusal, retryable or not, puts the record back to the server's value: the
      // server never took the refused value, so the tablet must not count, print or sign
      // over it. The refused value lives on in the "Ditolak server" entry (Kirim ulang sends
      // it again). A field this answer just settled from an accepted change already holds
      // the server's value and version, and is left as it is.
      for (const r of refused) {
        const m = r.mutation;
        const settledHere = known.get(`${m.entity}\u0000${m.id}`)?.fields;
        await dropRefused(db, m, new Set(settledHere?.keys() ?? []));
      }
      c.hooks?.beforeCommit?.('outbox.settle');
      return { removed: handled.length, rejected: refused.length };
    }),
  );
}

/**
 * The refused part of an accepted mutation: the mutation narrowed to the one field its
 * rejection names (changes and base version), or null when nothing of it was refused.
 */
function refusedPart(mutation: Mutation, rejection: Rejection | null): Mutation | null {
  const f = rejection?.field;
  if (!f || !Object.hasOwn(mutation.changes, f)) return null;
  const base = mutation.baseVersions[f];
  return {
    ...mutation,
    changes: { [f]: mutation.changes[f] },
    baseVersions: base === undefined ? {} : { [f]: base },
  };
}

/** The "Ditolak server" entry of a refused mutation (inside a transaction over the entity tables). */
async function rejectedEntry(
  db: TelusurDb,
  mutation: Mutation,
  assessmentId: string | undefined,
  rejection: Rejection | null,
  at: number,
): Promise<RejectedChange> {
  const record = await tableOf(db, mutation.entity).get(mutation.id);
  const fromChange = mutation.changes.indicatorNo;
  const indicatorNo =
    rejection?.indicatorNo ??
    (typeof fromChange === 'number'
      ? fromChange
      : typeof record?.indicatorNo === 'number'
        ? record.indicatorNo
        : null);
  const assessment =
    assessmentId ??
    rejection?.assessmentId ??
    (record ? assessmentIdOf(mutation.entity, record) : null);
  return {
    id: mutationKey(mutation),
    deviceId: mutation.deviceId,
    seq: mutation.seq,
    mutation,
    assessmentId: assessment,
    indicatorNo,
    // A rejection without a reason is still shown, never dropped.
    rejection: rejection ?? {
      code: 'rejected',
      message: 'Perubahan ini ditolak server tanpa keterangan.',
      messageEn: 'The server refused this change without giving a reason.',
      entity: mutation.entity,
      recordId: mutation.id,
      assessmentId: assessment,
      unitId: null,
      unitName: null,
      indicatorNo,
      field: null,
      at,
      retryable: false,
    },
    rejectedAt: at,
  };
}

export function rejectedApi(c: StoreContext): RejectedApi {
  const db = c.db;
  const newestFirst = (a: RejectedChange, b: RejectedChange) =>
    b.rejectedAt - a.rejectedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const listRejected = (assessmentId?: string) =>
    (assessmentId === undefined
      ? db.rejected.toArray()
      : db.rejected.where('assessmentId').equals(assessmentId).toArray()
    ).then((rows) => rows.sort(newestFirst));
  return {
    list: (assessmentId) => guard(() => listRejected(assessmentId)),
    count: () => guard(() => db.rejected.count()),
    countByAssessment: (assessmentId) =>
      guard(() => db.rejected.where('assessmentId').equals(assessmentId).count()),
    retry: (id) => retryRejected(c, id),
    discard: (id) =>
      guard(() =>
        db.transaction('rw', [db.rejected, db.outbox, db.meta, ...entityTables(db)], async () => {
          const entry = await db.rejected.get(id);
          if (!entry) return;
          await dropRefused(db, entry.mutation);
          await db.rejected.delete(id);
          c.hooks?.beforeCommit?.('rejected.discard');
        }),
      ),
    refetchWanted: () =>
      guard(() => db.meta.get(REFETCH).then((r) => (r ? ((r.ids as string[]) ?? []) : []))),
    refetched: (ids) =>
      guard(() =>
        db.transaction('rw', db.meta, async () => {
          const done = new Set(ids);
          const row = await db.meta.get(REFETCH);
          const left = ((row?.ids as string[] | undefined) ?? []).filter((x) => !done.has(x));
          await db.meta.put({ key: REFETCH, ids: left });
        }),
      ),
    exportJson: (assessmentId) =>
      guard(() =>
        listRejected(assessmentId).then((entries) =>
          JSON.stringify(
            {
              format: 'telusur-rejected',
              version: 1,
              exportedAt: c.now(),
              deviceId: c.deviceId,
              ...(assessmentId === undefined ? {} : { assessmentId }),
              entries,
            },
            null,
            2,
          ),
        ),
      ),
  };
}

/** See RejectedApi.retry. */
function retryRejected(c: StoreContext, id: string): Promise<Mutation | null> {
  const db = c.db;
  return guard(() =>
    db.transaction('rw', [db.rejected, db.outbox, db.meta, ...entityTables(db)], async () => {
      const entry = await db.rejected.get(id);
      if (!entry) throw new RecordNotFoundError('Perubahan ditolak', id);
      const { entity, id: recordId, changes } = entry.mutation;
      const row = await tableOf(db, entity).get(recordId);
      // The record went back to the server's value when the change was refused: what goes
      // out again is the refused value, except where the verifier edited the field since
      // (an unsent edit: the fix they mean to send).
      const unsent = await db.outbox.where('[entity+id]').equals([entity, recordId]).toArray();
      const edited = new Set(unsent.flatMap((m) => Object.keys(m.changes)));
      const fields = Object.keys(changes).filter((f) => !row || row[f] !== undefined);
      const wanted = Object.fromEntries(
        fields.map((f) => [f, row && edited.has(f) ? row[f] : changes[f]]),
      );
      const complete = REQUIRED_FIELDS[entity].every((f) => wanted[f] !== undefined);
      let queued: Mutation | null = null;
      // A record gone from the tablet (one the server never had) comes back from the
      // refused change when it holds what a new record needs; otherwise nothing is left.
      if (fields.length > 0 && (row || complete)) {
        // Checked again: an invalid value throws and the entry stays.
        const values = validate(entity, wanted);
        const { mutation } = await stage(
          c,
          entity,
          recordId,
          values,
          row ? null : {},
          'upsert',
          new Set(fields),
        );
        if (mutation) {
          const { assessmentId: _, ...m } = mutation;
          queued = m;
        }
      }
      await db.rejected.delete(id);
      c.hooks?.beforeCommit?.('rejected.retry');
      return queued;
    }),
  );
}

/**
 * Undo a refused change on this tablet (inside a transaction over the entity tables, the
 * outbox and meta): the server holds the record's real values, and the tablet must not keep
 * showing — nor sign over — a value the server never took. Each of the change's fields that
 * still holds the refused value, has no later unsent edit and is not in `keep` loses its
 * server version (so the pulled value applies again) and goes back to its default; the
 * record is asked for again on the next pull (`refetch`). A field holding another value
 * (a later edit, or the server's value put back when the refusal was settled) is left as it
 * is. A record the server never had (no field with a version left, nothing unsent) is
 * removed.
 */
async function dropRefused(
  db: TelusurDb,
  mutation: Mutation,
  keep: ReadonlySet<string> = new Set(),
): Promise<void> {
  const table = tableOf(db, mutation.entity);
  const row = await table.get(mutation.id);
  if (row) {
    const unsent = await db.outbox
      .where('[entity+id]')
      .equals([mutation.entity, mutation.id])
      .toArray();
    const waiting = new Set([...keep, ...unsent.flatMap((m) => Object.keys(m.changes))]);
    const defaults = RECORD_DEFAULTS[mutation.entity];
    const next: RecordRow = { ...row, _versions: { ...row._versions } };
    let dropped = false;
    for (const [f, sent] of Object.entries(mutation.changes)) {
      if (waiting.has(f) || JSON.stringify(row[f]) !== JSON.stringify(sent)) continue;
      delete next._versions[f];
      // A dynamic field (a stage's value, an evidence check) has no default: it goes.
      if (Object.hasOwn(defaults, f)) next[f] = defaults[f];
      else delete next[f];
      dropped = true;
    }
    // Already back to the server's value (settled earlier): nothing to undo or fetch.
    if (!dropped) return;
    const held = Object.values(next._versions).some((v) => (v ?? 0) > 0);
    if (!held && unsent.length === 0) await table.delete(mutation.id);
    else await table.put(next);
  }
  const wanted = await db.meta.get(REFETCH);
  const ids = new Set((wanted?.ids as string[] | undefined) ?? []);
  ids.add(mutation.id);
  await db.meta.put({ key: REFETCH, ids: [...ids] });
}
