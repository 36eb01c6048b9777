/**
 * Storage health and the checks before letting go of data: persistence and quota, what is
 * unsent or refused, eviction (the database vanished since an earlier start), and what
 * releasing the tablet would lose.
 */
import type { TelusurStore } from './api';
import { EVICTION, EXPORTS, type ExportsRow, guard, type StoreContext } from './context';
import { failures, fileInfo } from './evidence';
import type { ReleaseCheck, StorageHealth } from './types';

/** Storage health and release checks of the store (`health`, `releaseCheck`…). */
export function healthApi(
  c: StoreContext,
): Pick<TelusurStore, 'health' | 'requestPersistence' | 'acknowledgeEviction' | 'releaseCheck'> {
  const db = c.db;
  return {
    /** See TelusurStore.health. */
    async health(): Promise<StorageHealth> {
      const sm = c.storage;
      const [persisted, estimate] = await Promise.all([
        sm?.persisted ? sm.persisted().catch(() => false) : Promise.resolve(false),
        sm?.estimate ? sm.estimate().catch(() => null) : Promise.resolve(null),
      ]);
      const counts = await guard(() =>
        db.transaction(
          'r',
          [db.outbox, db.blobs, db.evidenceFiles, db.rejected, db.meta],
          async () => {
            const unsyncedMutations = await db.outbox.count();
            const shas = (await db.blobs.where('uploaded').equals(0).primaryKeys()) as string[];
            const info = await fileInfo(db, shas);
            let unsyncedBytes = 0;
            for (const sha of shas) unsyncedBytes += info.get(sha)?.bytes ?? 0;
            const rejectedChanges = await db.rejected.count();
            const failedFiles = (await failures(db)).size;
            const eviction = await db.meta.get(EVICTION);
            return {
              unsyncedMutations,
              unsyncedFiles: shas.length,
              unsyncedBytes,
              rejectedChanges,
              failedFiles,
              eviction,
            };
          },
        ),
      );
      const ev = counts.eviction;
      return {
        persisted,
        usage: estimate?.usage ?? null,
        quota: estimate?.quota ?? null,
        unsyncedMutations: counts.unsyncedMutations,
        unsyncedFiles: counts.unsyncedFiles,
        unsyncedBytes: counts.unsyncedBytes,
        rejectedChanges: counts.rejectedChanges,
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

    /** False when the browser refuses or cannot tell. */
    async requestPersistence(): Promise<boolean> {
      const sm = c.storage;
      if (!sm?.persist) return false;
      try {
        return await sm.persist();
      } catch {
        return false;
      }
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
