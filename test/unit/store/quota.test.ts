import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { isQuotaError, StorageFullError, type TelusurStore } from '../../../src/store';
import { ASSESSMENT, freshName, open, photo } from './helpers';

/** Ways browsers report a full disk, as seen at the transaction level. */
const quotaErrors: [string, () => unknown][] = [
  [
    'DOMException QuotaExceededError',
    () => new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
  ],
  [
    'Chrome: AbortError whose inner error is QuotaExceededError (Dexie-wrapped)',
    () =>
      new Dexie.AbortError('Transaction aborted', new DOMException('quota', 'QuotaExceededError')),
  ],
  ['Dexie.QuotaExceededError', () => new Dexie.QuotaExceededError('quota')],
  [
    'an error whose cause is a quota error',
    () => new Error('write failed', { cause: new DOMException('q', 'QuotaExceededError') }),
  ],
];

async function fullDiskStore(): Promise<{
  s: TelusurStore;
  fill: (e: (() => unknown) | null) => void;
}> {
  let failWith: (() => unknown) | null = null;
  const s = await open(freshName(), {
    testHooks: {
      beforeCommit: () => {
        if (failWith) throw failWith();
      },
    },
  });
  return { s, fill: (e) => (failWith = e) };
}

describe.each(quotaErrors)('a full tablet disk reported as %s', (_label, makeError) => {
  it('shows one clear message and keeps everything saved before', async () => {
    const { s, fill } = await fullDiskStore();
    await s.verifications.update(ASSESSMENT, 1, { notes: 'tersimpan' });
    const before = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 1,
      blob: photo(1),
      name: 'a.jpg',
      width: 1,
      height: 1,
      location: null,
    });
    fill(makeError);
    const err = await s.verifications
      .update(ASSESSMENT, 1, { notes: 'tidak muat' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect(err.code).toBe('storage-full');
    expect(err.message).toMatch(/^Penyimpanan tablet penuh\./);
    expect(err.messageEn).toMatch(/storage is full/);
    const photoErr = await s.evidence
      .add({
        assessmentId: ASSESSMENT,
        indicatorNo: 2,
        blob: photo(2),
        name: 'b.jpg',
        width: 1,
        height: 1,
        location: null,
      })
      .catch((e) => e);
    expect(photoErr).toBeInstanceOf(StorageFullError);
    fill(null);
    expect((await s.verifications.get(ASSESSMENT, 1))?.notes).toBe('tersimpan');
    expect((await s.evidence.listByAssessment(ASSESSMENT)).map((f) => f.id)).toEqual([before.id]);
    expect((await s.health()).unsyncedFiles).toBe(1);
    expect((await s.outbox.peek(10)).map((m) => m.seq)).toEqual([1, 2]);
    await s.verifications.update(ASSESSMENT, 1, { notes: 'setelah dikosongkan' });
    expect(await s.outbox.lastSeq()).toBe(3);
    s.close();
  });
});

describe('quota detection', () => {
  it('does not mistake other failures for a full disk', () => {
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Dexie.ConstraintError('dup'))).toBe(false);
    expect(isQuotaError(new Error('boom'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });

  it('a non-quota failure is passed through unchanged, and nothing is saved', async () => {
    const { s, fill } = await fullDiskStore();
    fill(() => new DOMException('x', 'UnknownError'));
    const err = await s.verifications.update(ASSESSMENT, 1, { notes: 'x' }).catch((e) => e);
    expect(err).not.toBeInstanceOf(StorageFullError);
    fill(null);
    expect(await s.outbox.count()).toBe(0);
    s.close();
  });
});
