/**
 * Storage health and the checks before letting go of data: persistence and quota, what is
 * unsent or refused, eviction (the database vanished since an earlier start), and what
 * releasing the tablet would lose.
 */
import type { TelusurStore } from './api';
import {
  EVICTION,
  EXPORTS,
  type ExportsRow,
  guard,
  PERSISTENCE,
  type StoreContext,
} from './context';
import { unsentCounts } from './counts';
import type { MetaRow } from './schema';
import type { PersistenceRequest, ReleaseCheck, StorageHealth } from './types';

/** Storage health and release checks of the store (`health`, `releaseCheck`…). */
export function healthApi(
  c: StoreContext,
): Pick<
  TelusurStore,
  | 'health'
  | 'requestPersistence'
  | 'acknowledgePersistenceNotice'
  | 'acknowledgeEviction'
  | 'releaseCheck'
> {
  const db = c.db;
  return {
    /** See TelusurStore.health. */
    async health(): Promise<StorageHealth> {
      const sm = c.storage;
      const [persisted, estimate] = await Promise.all([
        sm?.persisted ? sm.persisted().catch(() => false) : Promise.resolve(false),
        sm?.estimate ? sm.estimate().catch(() => null) : Promise.resolve(null),
      ]);
      const read = await guard(() =>
        db.transaction(
          'r',
          [db.outbox, db.blobs, db.evidenceFiles, db.rejected, db.meta],
          async () => {
            const [counts, eviction, persistence] = await Promise.all([
              unsentCounts(db),
              db.meta.get(EVICTION),
              db.meta.get(PERSISTENCE),
            ]);
            return { counts: counts.total, eviction, persistence };
          },
        ),
      );
      const ev = read.eviction;
      const counts = read.counts;
      return {
        persisted,
        persistence: persistenceOf(read.persistence),
        usage: estimate?.usage ?? null,
        quota: estimate?.quota ?? null,
        unsyncedMutations: counts.changes,
        unsyncedFiles: counts.files,
        unsyncedBytes: counts.bytes,
        rejectedChanges: counts.rejected,
        failedFiles: counts.failedFiles,
        evicted: ev !== undefined,
        eviction: ev
          ? {
              detectedAt: Number(ev.detectedAt),
              previousDeviceId:
                typeof ev.previousDeviceId === 'string' ? ev.previousDeviceId : null,
            }
          : null,
      };
    },

    /** See TelusurStore.requestPersistence. */
    async requestPersistence(): Promise<boolean> {
      const sm = c.storage;
      let granted = false;
      try {
        granted = sm?.persist ? await sm.persist() : false;
      } catch {
        granted = false;
      }
      // The answer is kept so the storage page can say it plainly; a store that cannot
      // write it (full, closed) still reports the answer.
      await guard(() =>
        db.transaction('rw', db.meta, async () => {
          const before = persistenceOf(await db.meta.get(PERSISTENCE));
          await db.meta.put({
            key: PERSISTENCE,
            askedAt: c.now(),
            granted,
            // A refusal already told is not told again; a new refusal after a grant is.
            noticeSeen: !granted && before !== null && !before.granted && before.noticeSeen,
          });
        }),
      ).catch(() => undefined);
      return granted;
    },

    /** See TelusurStore.acknowledgePersistenceNotice. */
    acknowledgePersistenceNotice(): Promise<void> {
      return guard(() =>
        db.transaction('rw', db.meta, async () => {
          const row = await db.meta.get(PERSISTENCE);
          if (row) await db.meta.put({ ...row, noticeSeen: true });
        }),
      );
    },

    /** Forget a detected eviction (the verifier has been told). */
    acknowledgeEviction(): Promise<void> {
      return guard(() => db.meta.delete(EVICTION));
    },

    releaseCheck(): Promise<ReleaseCheck> {
      return guard(() =>
        db.transaction('r', [db.outbox, db.blobs, db.rejected, db.meta], async () => {
          const [outbox, pendingFiles, rejected, exportsRow] = await Promise.all([
            db.outbox.toArray(),
            db.blobs.where('uploaded').equals(0).primaryKeys() as Promise<string[]>,
            db.rejected.toArray(),
            db.meta.get(EXPORTS),
          ]);
          const records = Object.values((exportsRow as ExportsRow | undefined)?.byAssessment ?? {});
          const byAssessment = (exportsRow as ExportsRow | undefined)?.byAssessment ?? {};
          const exportedFiles = new Set(records.flatMap((r) => r.files));
          const covered =
            outbox.every((m) => {
              const rec = m.assessmentId === undefined ? undefined : byAssessment[m.assessmentId];
              return rec !== undefined && rec.deviceId === m.deviceId && m.seq <= rec.seq;
            }) &&
            pendingFiles.every((sha) => exportedFiles.has(sha)) &&
            rejected.every((r) =>
              r.assessmentId === null
                ? false
                : (byAssessment[r.assessmentId]?.rejected ?? []).includes(r.id),
            );
          return {
            unsentChanges: outbox.length,
            unsentFiles: pendingFiles.length,
            rejected: rejected.length,
            lastExportAt: records.length > 0 ? Math.max(...records.map((r) => r.at)) : null,
            exportCoversUnsent: covered,
          };
        }),
      );
    },
  };
}

/** A stored persistence request, or null when there is none (or it is unreadable). */
function persistenceOf(row: MetaRow | undefined): PersistenceRequest | null {
  if (!row || typeof row.askedAt !== 'number') return null;
  return {
    askedAt: row.askedAt,
    granted: row.granted === true,
    noticeSeen: row.noticeSeen === true,
  };
}
