/**
 * The tablet's sync history, kept in the meta table so "Terakhir berhasil" and the latest
 * runs survive a reload: the time of the last sync that went through, and the last
 * `SYNC_LOG_LIMIT` runs with what they sent and received and why they failed, in words.
 */
import type { SyncLogApi } from './api';
import { guard, type StoreContext, SYNC_LOG } from './context';
import type { MetaRow } from './schema';
import type { SyncLog, SyncLogEntry } from './types';

/** Runs kept in the history (older ones leave it; the last success is kept apart). */
export const SYNC_LOG_LIMIT = 10;

interface SyncLogRow extends MetaRow {
  key: typeof SYNC_LOG;
  lastSuccessAt: number | null;
  entries: SyncLogEntry[];
}

/** `syncLog` of the store. */
export function syncLogApi(c: StoreContext): SyncLogApi {
  const db = c.db;
  const read = async (): Promise<SyncLog> => {
    const row = (await db.meta.get(SYNC_LOG)) as SyncLogRow | undefined;
    return {
      lastSuccessAt: typeof row?.lastSuccessAt === 'number' ? row.lastSuccessAt : null,
      entries: Array.isArray(row?.entries) ? row.entries : [],
    };
  };
  return {
    read: () => guard(read),
    record: (run) =>
      guard(() =>
        db.transaction('rw', db.meta, async () => {
          const log = await read();
          const entry: SyncLogEntry = { ...run, runs: 1 };
          const [latest, ...older] = log.entries;
          const entries =
            latest && sameQuietRun(latest, entry)
              ? [{ ...entry, runs: latest.runs + 1 }, ...older]
              : [entry, ...log.entries].slice(0, SYNC_LOG_LIMIT);
          const row: SyncLogRow = {
            key: SYNC_LOG,
            lastSuccessAt: run.outcome === 'ok' ? run.at : log.lastSuccessAt,
            entries,
          };
          await db.meta.put(row);
          return { lastSuccessAt: row.lastSuccessAt, entries };
        }),
      ),
  };
}

/** Two runs that ended alike and moved nothing: the newer one is folded into the older. */
function sameQuietRun(a: SyncLogEntry, b: SyncLogEntry): boolean {
  const quiet = (e: SyncLogEntry) =>
    e.sent === 0 && e.received === 0 && e.uploaded === 0 && e.failedFiles === 0;
  return (
    // A run that did something worth saying (a re-base after a restore) stands on its own.
    !a.notice &&
    !b.notice &&
    a.outcome === b.outcome &&
    (a.error?.code ?? null) === (b.error?.code ?? null) &&
    a.conflicts === b.conflicts &&
    quiet(a) &&
    quiet(b)
  );
}
