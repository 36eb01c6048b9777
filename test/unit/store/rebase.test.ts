import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import type { RebaseInput, TelusurStore } from '../../../src/store';
import { ASSESSMENT, freshStore } from './helpers';

const V1 = verificationId(ASSESSMENT, 1);
const V2 = verificationId(ASSESSMENT, 2);
const V3 = verificationId(ASSESSMENT, 3);

/** A tablet that synced with the old server: values and versions as its pulls left them. */
async function syncedTablet(): Promise<TelusurStore> {
  const s = await freshStore();
  await s.applyRemote(
    'assessment',
    ASSESSMENT,
    { periodId: 'p', unitId: 'u', frameworkId: 'spbe-2020', status: 'sedang' },
    { periodId: 1, unitId: 1, frameworkId: 1, status: 2 },
  );
  const ident = (no: number) => ({ assessmentId: ASSESSMENT, indicatorNo: no });
  // V1: level shared with the restored server; notes and the review comment came later.
  await s.applyRemote(
    'verification',
    V1,
    { ...ident(1), verifiedLevel: 2, notes: 'setelah cadangan', reviewComment: 'ulasan baru' },
    { assessmentId: 1, indicatorNo: 1, verifiedLevel: 5, notes: 7, reviewComment: 3 },
  );
  // V2: created after the backup.
  await s.applyRemote(
    'verification',
    V2,
    { ...ident(2), verifiedLevel: 4 },
    { assessmentId: 1, indicatorNo: 1, verifiedLevel: 2 },
  );
  // V3: shared, then edited here and not yet sent (based on a version the restore lost).
  await s.applyRemote(
    'verification',
    V3,
    { ...ident(3), notes: 'lama' },
    { assessmentId: 1, indicatorNo: 1, notes: 6 },
  );
  await s.verifications.update(ASSESSMENT, 3, { notes: 'belum terkirim' });
  return s;
}

/** The restored server at its restore point. */
function restoredServer(): RebaseInput['restored'] {
  const k = (id: string) => `verification\u0000${id}`;
  type Held = { fields: Record<string, unknown>; versions: Record<string, number> };
  return new Map<string, Held>([
    [
      `assessment\u0000${ASSESSMENT}`,
      {
        fields: { periodId: 'p', unitId: 'u', frameworkId: 'spbe-2020', status: 'sedang' },
        versions: { periodId: 1, unitId: 1, frameworkId: 1, status: 2 },
      },
    ],
    [
      k(V1),
      {
        fields: {
          assessmentId: ASSESSMENT,
          indicatorNo: 1,
          verifiedLevel: 2,
          notes: 'sebelum cadangan',
          reviewComment: 'ulasan lama',
        },
        versions: { assessmentId: 1, indicatorNo: 1, verifiedLevel: 5, notes: 4, reviewComment: 1 },
      },
    ],
    [
      k(V3),
      {
        fields: { assessmentId: ASSESSMENT, indicatorNo: 3, notes: 'awal' },
        versions: { assessmentId: 1, indicatorNo: 1, notes: 2 },
      },
    ],
  ]);
}

describe('re-basing on a restored server', () => {
  it('sends again what the server lacks, on the shared versions, before the unsent edits', async () => {
    const s = await syncedTablet();
    const r = await s.rebase({
      restored: restoredServer(),
      trusted: true,
      cursors: { pull: '0', 'sync.incarnation': 'baru' },
    });
    expect(r).toMatchObject({ resent: 2, taken: 1, rebasedOutbox: 1 });
    const out = await s.outbox.peek(100);
    expect(out.map((m) => m.seq)).toEqual([1, 2, 3]);
    // V1's note based on the restored version 4 (applies unless written since the restore).
    expect(out[0]).toMatchObject({
      id: V1,
      changes: { notes: 'setelah cadangan' },
      baseVersions: { notes: 4 },
    });
    // V2 is created again: every field it had, identity included, based on nothing.
    expect(out[1]).toMatchObject({
      id: V2,
      changes: { assessmentId: ASSESSMENT, indicatorNo: 2, verifiedLevel: 4 },
      baseVersions: { assessmentId: 0, indicatorNo: 0, verifiedLevel: 0 },
    });
    // The unsent edit keeps its value; its base moves back to the shared version.
    expect(out[2]).toMatchObject({
      id: V3,
      changes: { notes: 'belum terkirim' },
      baseVersions: { notes: 2 },
    });
    // A value only the server writes is not sent: the restored server's stands.
    expect(await s.verifications.get(ASSESSMENT, 1)).toMatchObject({
      notes: 'setelah cadangan',
      reviewComment: 'ulasan lama',
    });
    expect(await s.cursors.get('pull')).toBe('0');
    expect(await s.cursors.get('sync.incarnation')).toBe('baru');
    expect(await s.outbox.lastSeq()).toBe(3);
  });

  it('without a shared history, sends differing values on base 0 (a conflict, never an overwrite)', async () => {
    const s = await syncedTablet();
    await s.rebase({ restored: restoredServer(), trusted: false, cursors: {} });
    const out = await s.outbox.peek(100);
    expect(out.find((m) => m.id === V1)?.baseVersions).toEqual({ notes: 0 });
    expect(out.find((m) => m.id === V3)?.baseVersions).toEqual({ notes: 0 });
    // The level the server holds as well is not sent.
    expect(out.find((m) => m.id === V1)?.changes).toEqual({ notes: 'setelah cadangan' });
  });
});
