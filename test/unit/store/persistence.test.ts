import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { StorageManagerLike } from '../../../src/store';
import { freshName, manualClock, open } from './helpers';

/** The tablet remembers what the browser answered when asked to keep its data. */
describe('persistent storage request', () => {
  it('records a refusal, told once; a later grant replaces it', async () => {
    let grant = false;
    const storageManager: StorageManagerLike = {
      persist: async () => grant,
      persisted: async () => grant,
    };
    const clock = manualClock();
    const name = freshName();
    const s = await open(name, { storageManager, now: clock.now });
    expect((await s.health()).persistence).toBeNull();

    expect(await s.requestPersistence()).toBe(false);
    expect((await s.health()).persistence).toEqual({
      askedAt: clock.now(),
      granted: false,
      noticeSeen: false,
    });
    await s.acknowledgePersistenceNotice();
    clock.advance(60_000);
    // Asked again and refused again: the verifier was told already.
    await s.requestPersistence();
    expect((await s.health()).persistence).toMatchObject({ granted: false, noticeSeen: true });
    s.close();

    const again = await open(name, { storageManager, now: clock.now });
    grant = true;
    expect(await again.requestPersistence()).toBe(true);
    expect(await again.health()).toMatchObject({
      persisted: true,
      persistence: { granted: true },
    });
    again.close();
  });

  it('a browser that throws counts as a refusal', async () => {
    const s = await open(freshName(), {
      storageManager: {
        persist: async () => {
          throw new Error('not allowed');
        },
      },
    });
    expect(await s.requestPersistence()).toBe(false);
    expect((await s.health()).persistence?.granted).toBe(false);
    s.close();
  });
});
