/**
 * The rules of the unsent count (counts.ts `unsentCounts`), free of Dexie so the first
 * screen's raw reader (quick-read.ts) counts exactly as the store does from the same rows.
 */
import type { RecordRow } from './schema';
import type { UnsentCounts, UnsentSummary } from './types';

const none = (): UnsentCounts => ({ changes: 0, files: 0, bytes: 0, rejected: 0, failedFiles: 0 });

/** An empty tally: the summary being filled and `of(assessmentId)`, its per-unit counts. */
export function unsentTally(): UnsentSummary & { of(assessmentId: string): UnsentCounts } {
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
  return { total, byAssessment, of };
}

/**
 * Add the files waiting for upload to a tally. Files count once per content (SHA-256):
 * per unit over its evidence records that are not removed; the tablet's total counts every
 * stored file still waiting (`pending`), which is what sync sends and releasing the tablet
 * would lose. `records` are the evidence records of those hashes, `failed` the hashes whose
 * last upload failed.
 */
export function countPendingFiles(
  tally: ReturnType<typeof unsentTally>,
  pending: readonly string[],
  records: readonly RecordRow[],
  failed: ReadonlyMap<string, unknown>,
): void {
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
    tally.total.files++;
    tally.total.bytes += sizes.get(sha) ?? 0;
    if (failed.has(sha)) tally.total.failedFiles++;
  }
  for (const [id, shas] of perUnit) {
    const counts = tally.of(id);
    for (const sha of shas) {
      counts.files++;
      counts.bytes += sizes.get(sha) ?? 0;
      if (failed.has(sha)) counts.failedFiles++;
    }
  }
}
