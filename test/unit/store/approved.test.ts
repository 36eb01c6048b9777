import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { spbe2020 } from '../../../src/core';
import { ApprovedRecordError, type StoreError, type TelusurStore } from '../../../src/store';
import { ASSESSMENT, freshStore, photo } from './helpers';

const opened: TelusurStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** A unit pulled from the server with one verified indicator, then a status pulled later. */
async function unitWithStatus(status: string) {
  const s = await freshStore();
  opened.push(s);
  const id = ASSESSMENT;
  const fields = { periodId: 'p1', unitId: 'u1', frameworkId: spbe2020.id, status: 'sedang' };
  await s.applyRemote('assessment', id, fields, {
    periodId: 1,
    unitId: 1,
    frameworkId: 1,
    status: 1,
  });
  await s.verifications.update(id, 1, { verifiedLevel: 3 });
  await s.applyRemote('assessment', id, { status }, { status: 9 });
  return { s, id };
}

describe('an approved verification on the tablet', () => {
  it('refuses every edit under it with a readable typed error, and queues nothing', async () => {
    const { s, id } = await unitWithStatus('disetujui');
    const before = await s.outbox.count();
    const edits: [string, () => Promise<unknown>][] = [
      ['level', () => s.verifications.update(id, 1, { verifiedLevel: 4 })],
      ['new indicator', () => s.verifications.update(id, 2, { notes: 'baru' })],
      ['berita acara', () => s.beritaAcara.update(id, { place: 'Bulakan' })],
      ['status', () => s.assessments.update(id, { status: 'sedang' })],
      [
        'comment',
        () => s.comments.add({ assessmentId: id, indicatorNo: 1, body: 'x', author: 'Rina' }),
      ],
      [
        'photo',
        () =>
          s.evidence.add({
            assessmentId: id,
            indicatorNo: 1,
            blob: photo(1),
            name: 'a.jpg',
            width: null,
            height: null,
            location: null,
          }),
      ],
    ];
    for (const [what, edit] of edits) {
      const e = await edit().then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, what).toBeInstanceOf(ApprovedRecordError);
      expect((e as StoreError).code).toBe('approved');
      expect((e as StoreError).message).toContain('disetujui koordinator');
      expect((e as StoreError).messageEn).toContain('approved by the coordinator');
    }
    expect(await s.outbox.count()).toBe(before);
    expect((await s.verifications.get(id, 1))?.verifiedLevel).toBe(3);
  });

  it('refuses editing a comment written before the approval (its unit found from the stored comment)', async () => {
    const s = await freshStore();
    opened.push(s);
    const id = ASSESSMENT;
    const fields = { periodId: 'p1', unitId: 'u1', frameworkId: spbe2020.id, status: 'sedang' };
    await s.applyRemote('assessment', id, fields, {
      periodId: 1,
      unitId: 1,
      frameworkId: 1,
      status: 1,
    });
    const comment = await s.comments.add({
      assessmentId: id,
      indicatorNo: 1,
      body: 'SK belum ditandatangani',
      author: 'Rina',
    });
    await s.applyRemote('assessment', id, { status: 'disetujui' }, { status: 9 });
    const before = await s.outbox.count();
    const e = await s.comments.update(comment.id, { body: 'diubah' }).catch((err) => err);
    expect(e).toBeInstanceOf(ApprovedRecordError);
    expect(await s.outbox.count()).toBe(before);
    expect((await s.comments.listByAssessment(id)).map((c) => c.body)).toEqual([
      'SK belum ditandatangani',
    ]);
  });

  it('is editable again once the pulled status is dibuka (reopened)', async () => {
    const { s, id } = await unitWithStatus('disetujui');
    await s.applyRemote('assessment', id, { status: 'dibuka' }, { status: 10 });
    const v = await s.verifications.update(id, 1, { verifiedLevel: 4 });
    expect(v.verifiedLevel).toBe(4);
  });

  it('leaves returned and re-signed records editable', async () => {
    for (const status of ['dikembalikan', 'diperbaiki', 'selesai']) {
      const { s, id } = await unitWithStatus(status);
      await expect(s.verifications.update(id, 1, { notes: status })).resolves.toBeTruthy();
    }
  });
});
