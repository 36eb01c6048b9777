import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { ASSESSMENT, addPhoto, freshStore } from './helpers';

/**
 * One count of unsent work for every screen: the home card of a unit and the storage page
 * read the same store function, so "belum terkirim" never says 0 on one and 3 on the other.
 */

const OTHER = '0190a6f2-5c3e-7b1a-8f00-000000000002';

describe('unsent work, counted once for every screen', () => {
  it('counts changes, files (once per content) and bytes per unit and for the tablet', async () => {
    const s = await freshStore();
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
    await addPhoto(s, 1, { indicatorNo: 1 });
    // The same photo proves indicator 2 too: one file to send.
    await addPhoto(s, 1, { indicatorNo: 2 });
    await addPhoto(s, 2, { indicatorNo: 3 });
    await addPhoto(s, 3, { assessmentId: OTHER, indicatorNo: 1 });

    const { total, byAssessment } = await s.unsent();
    expect(byAssessment[ASSESSMENT]).toEqual({
      changes: 4,
      files: 2,
      bytes: 1001 + 1002,
      rejected: 0,
      failedFiles: 0,
    });
    expect(byAssessment[OTHER]).toMatchObject({ changes: 1, files: 1, bytes: 1003 });
    expect(total).toEqual({
      changes: 5,
      files: 3,
      bytes: 1001 + 1002 + 1003,
      rejected: 0,
      failedFiles: 0,
    });
    // The storage page's figures are the same numbers.
    expect(await s.health()).toMatchObject({
      unsyncedMutations: total.changes,
      unsyncedFiles: total.files,
      unsyncedBytes: total.bytes,
    });
    expect((await s.releaseCheck()).unsentFiles).toBe(total.files);
    s.close();
  });

  it('follows uploads, failures and removed photos', async () => {
    const s = await freshStore();
    const a = await addPhoto(s, 1, { indicatorNo: 1 });
    const b = await addPhoto(s, 2, { indicatorNo: 2 });
    const c = await addPhoto(s, 3, { indicatorNo: 3 });
    await s.blobs.markUploaded(a.sha256);
    await s.blobs.markFailed(b.sha256, {
      source: 'server',
      code: 'hash_mismatch',
      message: 'tidak utuh',
      at: 1,
    });
    await s.evidence.remove(c.id);
    const { total, byAssessment } = await s.unsent();
    expect(byAssessment[ASSESSMENT]).toMatchObject({ files: 1, failedFiles: 1 });
    expect(total).toMatchObject({ files: 1, failedFiles: 1 });
    expect((await s.health()).failedFiles).toBe(1);
    s.close();
  });

  it('counts refused changes per unit', async () => {
    const s = await freshStore();
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 2 });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [
        {
          seq: 1,
          outcome: 'rejected',
          duplicate: false,
          fields: {},
          rejection: {
            code: 'not_assigned',
            message: 'Unit tidak lagi ditugaskan kepada Anda.',
            messageEn: 'The unit is no longer assigned to you.',
            entity: 'verification',
            recordId: verificationId(ASSESSMENT, 2),
            assessmentId: ASSESSMENT,
            unitId: 'u',
            unitName: 'Kecamatan Cibeber',
            indicatorNo: 2,
            field: null,
            at: 1,
            retryable: true,
          },
        },
      ],
    });
    const { total, byAssessment } = await s.unsent();
    expect(byAssessment[ASSESSMENT]).toMatchObject({ changes: 0, rejected: 1 });
    expect(total).toMatchObject({ changes: 0, rejected: 1 });
    expect((await s.health()).rejectedChanges).toBe(1);
    s.close();
  });

  it('a screen watching the count sees a photo added and uploaded meanwhile', async () => {
    const s = await freshStore();
    const seen: number[] = [];
    const stop = s.watch(
      (st) => st.unsent(),
      (u) => seen.push(u.byAssessment[ASSESSMENT]?.files ?? 0),
    );
    const settled = async (want: number) => {
      for (let i = 0; i < 200 && seen.at(-1) !== want; i++)
        await new Promise((r) => setTimeout(r, 10));
      return seen.at(-1);
    };
    expect(await settled(0)).toBe(0);
    const a = await addPhoto(s, 1, { indicatorNo: 1 });
    await addPhoto(s, 2, { indicatorNo: 2 });
    expect(await settled(2)).toBe(2);
    await s.blobs.markUploaded(a.sha256);
    expect(await settled(1)).toBe(1);
    stop();
    s.close();
  });

  it('is empty on a tablet with nothing to send', async () => {
    const s = await freshStore();
    expect(await s.unsent()).toEqual({
      total: { changes: 0, files: 0, bytes: 0, rejected: 0, failedFiles: 0 },
      byAssessment: {},
    });
    s.close();
  });
});
