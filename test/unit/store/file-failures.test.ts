import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { ASSESSMENT, addPhoto, freshName, manualClock, open } from './helpers';

describe('one bad file never stops the other files', () => {
  it('names the failing file with its reason and attempts, the others stay plainly pending', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    const bad = await addPhoto(s, 1, { indicatorNo: 1 });
    const good = await addPhoto(s, 2, { indicatorNo: 2 });
    await s.blobs.markFailed(bad.sha256, {
      source: 'server',
      code: 'hash_mismatch',
      message: 'Isi berkas rusak: tidak cocok dengan sidiknya.',
      at: clock.now(),
    });
    clock.advance(30_000);
    await s.blobs.markFailed(bad.sha256, {
      source: 'server',
      code: 'hash_mismatch',
      message: 'Isi berkas rusak: tidak cocok dengan sidiknya.',
      at: clock.now(),
    });
    const pending = await s.blobs.listPendingUpload();
    expect(pending.find((p) => p.sha256 === bad.sha256)).toEqual({
      sha256: bad.sha256,
      bytes: bad.bytes,
      mime: 'image/jpeg',
      failure: {
        source: 'server',
        code: 'hash_mismatch',
        message: 'Isi berkas rusak: tidak cocok dengan sidiknya.',
        at: clock.now(),
        attempts: 2,
      },
    });
    expect(pending.find((p) => p.sha256 === good.sha256)?.failure).toBeNull();
    expect(await s.health()).toMatchObject({ unsyncedFiles: 2, failedFiles: 1 });

    // The file stays on the tablet: a failure never deletes it.
    expect((await s.blobs.get(bad.sha256))?.size).toBe(bad.bytes);
    s.close();
  });

  it('a local read failure is recorded as local, and clearing it or a later upload forgets it', async () => {
    const s = await open(freshName());
    const a = await addPhoto(s, 1, { indicatorNo: 1 });
    const b = await addPhoto(s, 2, { indicatorNo: 2 });
    for (const f of [a, b]) {
      await s.blobs.markFailed(f.sha256, {
        source: 'local',
        code: 'blob_unreadable',
        message: 'Berkas tidak dapat dibaca dari penyimpanan tablet.',
        at: Date.UTC(2024, 4, 6),
      });
    }
    expect((await s.health()).failedFiles).toBe(2);
    expect((await s.blobs.listPendingUpload()).map((p) => p.failure?.source)).toEqual([
      'local',
      'local',
    ]);

    await s.blobs.clearFailure(a.sha256);
    await s.blobs.markUploaded(b.sha256);
    expect(await s.health()).toMatchObject({ unsyncedFiles: 1, failedFiles: 0 });
    expect(await s.blobs.listPendingUpload()).toEqual([
      { sha256: a.sha256, bytes: a.bytes, mime: 'image/jpeg', failure: null },
    ]);
    // A new failure after clearing counts from one again.
    await s.blobs.markFailed(a.sha256, {
      source: 'server',
      code: 'too_large',
      message: 'x',
      at: 1,
    });
    expect((await s.blobs.listPendingUpload())[0]?.failure?.attempts).toBe(1);
    // A hash this tablet does not hold is ignored.
    await s.blobs.markFailed('0'.repeat(64), { source: 'local', code: 'x', message: 'x', at: 1 });
    expect((await s.health()).failedFiles).toBe(1);
    s.close();
  });
});

describe('storage health counts what needs the verifier', () => {
  it('counts refused changes and failed files', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 1, { notes: 'a' });
    await s.verifications.update(ASSESSMENT, 2, { notes: 'b' });
    const f = await addPhoto(s, 3, { indicatorNo: 3 });
    await s.outbox.settle({
      appliedThrough: 2,
      results: [
        { seq: 1, outcome: 'rejected', duplicate: false, fields: {}, rejection: null },
        { seq: 2, outcome: 'rejected', duplicate: false, fields: {}, rejection: null },
      ],
    });
    await s.blobs.markFailed(f.sha256, { source: 'server', code: 'x', message: 'x', at: 1 });
    expect(await s.health()).toMatchObject({
      unsyncedMutations: 1,
      unsyncedFiles: 1,
      rejectedChanges: 2,
      failedFiles: 1,
    });
    s.close();
  });
});
