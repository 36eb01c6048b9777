/**
 * The one count of unsent work: changes in the outbox, evidence files the server does not
 * hold, refused changes and failed uploads, for the whole tablet and per unit. The home
 * card, the storage page and the release check all read it, so they say the same number.
 */
import type { TelusurStore } from './api';
import { guard, type StoreContext } from './context';
import { failures } from './evidence';
import type { TelusurDb } from './schema';
import type { UnsentCounts, UnsentSummary } from './types';
import { countPendingFiles, unsentTally } from './unsent-tally';

/** `unsent()` of the store. */
export function countsApi(c: StoreContext): Pick<TelusurStore, 'unsent'> {
  return { unsent: () => guard(() => unsentCounts(c.db)) };
}

/**
 * Count unsent work in one read transaction (also used by `health()`). Files are counted
 * once per content (SHA-256), per unit over its evidence records that are not removed; the
 * tablet's total counts every stored file still waiting for upload, which is what sync
 * sends and what releasing the tablet would lose.
 */
export function unsentCounts(db: TelusurDb): Promise<UnsentSummary> {
  return db.transaction('r', [db.outbox, db.blobs, db.evidenceFiles, db.rejected], async () => {
    const tally = unsentTally();
    const { total, of } = tally;
    // Index keys only: outbox rows may hold signatures of hundreds of KB each.
    total.changes = await db.outbox.count();
    for (const id of (await db.outbox.orderBy('assessmentId').keys()) as string[]) of(id).changes++;
    total.rejected = await db.rejected.count();
    for (const id of (await db.rejected.orderBy('assessmentId').keys()) as (string | null)[])
      if (typeof id === 'string') of(id).rejected++;

    const pending = (await db.blobs.where('uploaded').equals(0).primaryKeys()) as string[];
    if (pending.length > 0) {
      const failed = await failures(db);
      const records = await db.evidenceFiles.where('sha256').anyOf(pending).toArray();
      countPendingFiles(tally, pending, records, failed);
    }
    return { total, byAssessment: tally.byAssessment };
  });
}

/** Nothing to send and nothing refused (a unit's card may say "Semua tersinkron"). */
export function nothingUnsent(counts: UnsentCounts | undefined): boolean {
  return !counts || (counts.changes === 0 && counts.files === 0 && counts.rejected === 0);
}
