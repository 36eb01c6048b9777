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

const none = (): UnsentCounts => ({ changes: 0, files: 0, bytes: 0, rejected: 0, failedFiles: 0 });

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
    const total = none();
    const byAssessment: Record<string, UnsentCounts> = {};
    const of = (id: string) => {
      let counts = byAssessment[id];
      if (!counts) {
        counts = none();
        byAssessment[id] = counts;
      }
      return counts;
    };
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
      const sizes = new Map<string, number>();
      const perUnit = new Map<string, Set<string>>();
      for (const r of records) {
        const sha = String(r.sha256);
        if (!sizes.has(sha)) sizes.set(sha, Number(r.bytes) || 0);
        if (r.deleted === true || typeof r.assessmentId !== 'string') continue;
        const shas = perUnit.get(r.assessmentId) ?? new Set<string>();
        shas.add(sha);
        perUnit.set(r.assessmentId, shas);
      }
      for (const sha of pending) {
        total.files++;
        total.bytes += sizes.get(sha) ?? 0;
        if (failed.has(sha)) total.failedFiles++;
      }
      for (const [id, shas] of perUnit) {
        const counts = of(id);
        for (const sha of shas) {
          counts.files++;
          counts.bytes += sizes.get(sha) ?? 0;
          if (failed.has(sha)) counts.failedFiles++;
        }
      }
    }
    return { total, byAssessment };
  });
}

/** Nothing to send and nothing refused (a unit's card may say "Semua tersinkron"). */
export function nothingUnsent(counts: UnsentCounts | undefined): boolean {
  return !counts || (counts.changes === 0 && counts.files === 0 && counts.rejected === 0);
}
