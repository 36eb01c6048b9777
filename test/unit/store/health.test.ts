import 'fake-indexeddb/auto';
import { indexedDB } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { type StorageManagerLike, UnsentDataError } from '../../../src/store';
import { ASSESSMENT, acceptThrough, freshName, memoryWitness, open, photo } from './helpers';

describe('storage health', () => {
  it('reports persistence, usage and quota, and unsynced changes, files and bytes', async () => {
    let persisted = false;
    const storageManager: StorageManagerLike = {
      persisted: async () => persisted,
      persist: async () => {
        persisted = true;
        return true;
      },
      estimate: async () => ({ usage: 12_345, quota: 1_000_000 }),
    };
    const s = await open(freshName(), { storageManager });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
    await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 1,
      blob: photo(1, 3000),
      name: 'a.jpg',
      width: 1,
      height: 1,
      location: null,
    });
    expect(await s.health()).toEqual({
      persisted: false,
      persistence: null,
      usage: 12_345,
      quota: 1_000_000,
      unsyncedMutations: 2,
      unsyncedFiles: 1,
      unsyncedBytes: 3000,
      rejectedChanges: 0,
      failedFiles: 0,
      evicted: false,
      eviction: null,
    });
    expect(await s.requestPersistence()).toBe(true);
    expect((await s.health()).persisted).toBe(true);
    s.close();
  });

  it('works where the browser has no storage manager', async () => {
    const s = await open(freshName(), { storageManager: null });
    expect(await s.requestPersistence()).toBe(false);
    expect(await s.health()).toMatchObject({ persisted: false, usage: null, quota: null });
    s.close();
  });
});

describe('eviction detector', () => {
  it('says loudly that the database vanished since the last start, until acknowledged', async () => {
    const name = freshName();
    const witness = memoryWitness();
    const first = await open(name, { witness });
    const lostDevice = first.deviceId;
    await first.verifications.update(ASSESSMENT, 1, { notes: 'akan hilang' });
    expect((await first.health()).evicted).toBe(false);
    first.close();

    // The browser evicts the origin's IndexedDB (localStorage survives).
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = resolve;
      req.onerror = () => reject(req.error);
    });

    const loud = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const second = await open(name, { witness });
    expect(loud).toHaveBeenCalledTimes(1);
    const h = await second.health();
    expect(h.evicted).toBe(true);
    expect(h.eviction?.previousDeviceId).toBe(lostDevice);
    expect(second.deviceId).not.toBe(lostDevice);
    second.close();

    const third = await open(name, { witness });
    expect((await third.health()).evicted).toBe(true);
    expect(loud).toHaveBeenCalledTimes(2);
    await third.acknowledgeEviction();
    expect((await third.health()).evicted).toBe(false);
    third.close();
    const fourth = await open(name, { witness });
    expect((await fourth.health()).evicted).toBe(false);
    expect(loud).toHaveBeenCalledTimes(2);
    loud.mockRestore();
    fourth.close();
  });

  it('a genuinely new tablet is not reported as evicted', async () => {
    const s = await open(freshName(), { witness: memoryWitness() });
    expect((await s.health()).evicted).toBe(false);
    s.close();
  });
});

describe('deleting the tablet database on purpose (e.g. resetting training mode)', () => {
  it('is refused while work has not reached the server, unless discarding is explicit', async () => {
    const name = freshName();
    const witness = memoryWitness();
    const s = await open(name, { witness });
    await s.verifications.update(ASSESSMENT, 1, { notes: 'belum terkirim' });
    const err = await s.destroy().catch((e) => e);
    expect(err).toBeInstanceOf(UnsentDataError);
    expect(err.message).toMatch(/belum terkirim/);
    expect((await s.verifications.get(ASSESSMENT, 1))?.notes).toBe('belum terkirim');
    await s.destroy({ discardUnsent: true });
    expect(witness.value).toBeNull();
    const again = await open(name, { witness });
    expect(await again.verifications.get(ASSESSMENT, 1)).toBeNull();
    expect((await again.health()).evicted).toBe(false);
    again.close();
  });

  it('is allowed once everything was acknowledged', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 1, { notes: 'terkirim' });
    await acceptThrough(s, 1);
    await s.destroy();
  });
});
