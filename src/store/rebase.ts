/**
 * Re-basing the tablet on a server restored from a backup (a new database incarnation):
 * the server went back in time, so field versions, the pull cursor and the outbox's base
 * versions this tablet holds may name history the server no longer has. In ONE
 * transaction this puts the tablet back in step with the restored server's history without
 * losing anything the tablet holds (see `TelusurStore.rebase`).
 */
import {
  decodeHlc,
  ENTITY_NAMES,
  encodeHlc,
  IMMUTABLE_FIELDS,
  RECORD_DEFAULTS,
  REQUIRED_FIELDS,
  tabletWriteRefusal,
  tickHlc,
} from '../core';
import type { TelusurStore } from './api';
import {
  CLOCK,
  type ClockRow,
  DEVICE,
  deviceFrom,
  EXPORTS,
  type ExportsRow,
  guard,
  type StoreContext,
  tableOf,
} from './context';
import { assessmentIdOf, type OutboxRow, type RecordRow } from './schema';
import type { RebaseInput, RebaseResult } from './types';

/** Canonical JSON of a value (object keys sorted), to compare a held value with the server's. */
function canonical(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .filter((k) => o[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/** The `rebase` part of the store. */
export function rebaseApi(c: StoreContext): Pick<TelusurStore, 'rebase'> {
  const db = c.db;
  return {
    rebase: (input) =>
      guard(() =>
        db.transaction(
          'rw',
          [...ENTITY_NAMES.map((e) => tableOf(db, e)), db.outbox, db.meta, db.blobs],
          () => rebase(c, input),
        ),
      ),
  };
}

async function rebase(c: StoreContext, input: RebaseInput): Promise<RebaseResult> {
  const db = c.db;
  const [clockRow, deviceRow, exportsRow] = await db.meta.bulkGet([CLOCK, DEVICE, EXPORTS]);
  const deviceId = deviceFrom(c, deviceRow);
  const outbox = await db.outbox.orderBy('seq').toArray();
  const key = (entity: string, id: string) => `${entity}\u0000${id}`;
  const pending = new Set(
    outbox.flatMap((m) => Object.keys(m.changes).map((f) => `${key(m.entity, m.id)}\u0000${f}`)),
  );
  /** The restored server's version of a field at its restore point (0: it had none). */
  const restoredVersion = (entity: string, id: string, f: string) =>
    input.restored.get(key(entity, id))?.versions[f] ?? 0;

  const result: RebaseResult = { resent: 0, resentFields: 0, taken: 0, rebasedOutbox: 0 };
  const now = c.now();
  const clock = clockRow as ClockRow | undefined;
  let hlc = clock?.hlc ? decodeHlc(clock.hlc) : null;
  const resend: OutboxRow[] = [];

  for (const entity of ENTITY_NAMES) {
    const table = tableOf(db, entity);
    for (const row of await table.toArray()) {
      const server = input.restored.get(key(entity, row.id));
      const next: RecordRow = { ...row, _versions: { ...row._versions } };
      const changes: Record<string, unknown> = {};
      const bases: Record<string, number> = {};
      let touched = false;
      let foreign = false;
      for (const [f, held] of Object.entries(row._versions)) {
        const vr = restoredVersion(entity, row.id, f);
        const isPending = pending.has(`${key(entity, row.id)}\u0000${f}`);
        if (isPending) {
          // The unsent edit goes as it is; only its base is re-based (below). The held
          // version follows, so a pull of the restored value does not count as newer.
          if (held > vr && input.trusted) {
            next._versions[f] = vr;
            touched = true;
          }
          continue;
        }
        if (held === 0) continue;
        const same =
          server !== undefined &&
          Object.hasOwn(server.fields, f) &&
          canonical(server.fields[f]) === canonical(row[f]);
        if (same) {
          if (held !== vr) {
            next._versions[f] = vr;
            touched = true;
          }
          continue;
        }
        // A version the restored server shares (at or below its restore point): this tablet
        // is only behind, and the pull brings the server's newer value.
        if (input.trusted && held <= vr) continue;
        const exists = server !== undefined;
        const writable =
          tabletWriteRefusal(entity, f, row[f], exists) === null &&
          !(exists && IMMUTABLE_FIELDS[entity].has(f));
        if (writable) {
          // The server lacks this value (acknowledged before the restore, or pulled from a
          // tablet it acknowledged): sent again, based on the version both share — applied
          // when nobody wrote the field on the restored server since, a conflict otherwise.
          // Without a shared history the base is 0: any differing value there conflicts.
          const base = input.trusted ? vr : 0;
          changes[f] = row[f];
          bases[f] = base;
          next._versions[f] = base;
        } else {
          // A value only the server writes (a coordinator's status, review comment, …) that
          // the restore lost: the restored server's value stands (its pull brings it).
          next[f] =
            server && Object.hasOwn(server.fields, f)
              ? server.fields[f]
              : RECORD_DEFAULTS[entity][f];
          next._versions[f] = vr;
          result.taken++;
          foreign = true;
        }
        touched = true;
      }
      // A record the restored server lacks that holds a value only the server writes (a
      // coordinator's comment) is not this tablet's to create again.
      if (!server && foreign) for (const f of Object.keys(changes)) delete changes[f];
      if (Object.keys(changes).length > 0) {
        if (!server) {
          // A record the restored server never saw is created by this change: it carries
          // every required field, even one whose later edit still waits in the outbox.
          for (const f of REQUIRED_FIELDS[entity])
            if (!Object.hasOwn(changes, f) && row[f] !== undefined) {
              changes[f] = row[f];
              bases[f] = 0;
            }
        }
        hlc = tickHlc(hlc, deviceId, now);
        resend.push({
          deviceId,
          seq: 0,
          entity,
          id: row.id,
          changes,
          baseVersions: bases,
          hlc: encodeHlc(hlc),
          at: now,
          assessmentId: assessmentIdOf(entity, next),
        });
        result.resent++;
        result.resentFields += Object.keys(changes).length;
      }
      if (touched) await table.put(next);
    }
  }

  // Unsent edits: a base version from history the restored server lost becomes the last
  // version both share, so the edit applies unless someone wrote the field since the restore.
  const rebased = outbox.map((m) => {
    let changed = false;
    const baseVersions = { ...m.baseVersions };
    for (const [f, b] of Object.entries(baseVersions)) {
      const vr = restoredVersion(m.entity, m.id, f);
      const nb = input.trusted ? Math.min(b, vr) : 0;
      if (nb !== b) {
        baseVersions[f] = nb;
        changed = true;
      }
    }
    if (changed) result.rebasedOutbox++;
    return { ...m, baseVersions };
  });

  // Re-sent values first (a record the server lacks is created before a later edit of it),
  // then the unsent edits, numbered 1.. under the current identity (the caller has just
  // taken a fresh one, so the server has none of these seqs).
  const all = [...resend, ...rebased].map((m, i) => ({ ...m, deviceId, seq: i + 1 }));
  await db.outbox.clear();
  if (all.length > 0) await db.outbox.bulkAdd(all);
  await db.meta.put({
    key: CLOCK,
    seq: all.length,
    hlc: hlc ? encodeHlc(hlc) : (clock?.hlc ?? null),
  } satisfies ClockRow);
  // Export files name the rows they hold by seq; the numbers changed, so none is taken to
  // cover the outbox any more (releasing the tablet then asks for a new export).
  const exports = exportsRow as ExportsRow | undefined;
  if (exports) {
    const byAssessment = Object.fromEntries(
      Object.entries(exports.byAssessment).map(([a, r]) => [
        a,
        r.deviceId === deviceId ? { ...r, seq: 0 } : r,
      ]),
    );
    await db.meta.put({ ...exports, byAssessment });
  }
  // Every file is checked against the restored server again: the upload step sends only
  // those its receipts do not list.
  await db.blobs.where('uploaded').equals(1).modify({ uploaded: 0 });
  for (const [name, value] of Object.entries(input.cursors))
    await db.meta.put({ key: `cursor:${name}`, value });
  c.hooks?.beforeCommit?.('rebase');
  return result;
}
