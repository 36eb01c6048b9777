import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { ASSESSMENT, acceptThrough, freshStore } from './helpers';

const id = verificationId(ASSESSMENT, 7);

async function storeWithConflict() {
  const store = await freshStore();
  await store.verifications.update(ASSESSMENT, 7, { verifiedLevel: 3, notes: 'dicatat di tablet' });
  await acceptThrough(store, await store.outbox.lastSeq());
  await store.conflicts.put([
    {
      id: 'c1',
      entity: 'verification',
      recordId: id,
      field: 'verifiedLevel',
      assessmentId: ASSESSMENT,
      localValue: 3,
      serverValue: 4,
      serverVersion: 5,
      localAt: 1,
      serverAt: 2,
      serverAuthor: 'Verifikator 2',
      resolved: false,
    },
  ]);
  return store;
}

describe('resolving a conflict on the tablet', () => {
  it('keeping my value queues it as a change based on the server version', async () => {
    const store = await storeWithConflict();
    await store.conflicts.resolve('c1', 3);
    const [m] = await store.outbox.peek(10);
    expect(m).toMatchObject({
      entity: 'verification',
      id,
      changes: { verifiedLevel: 3 },
      baseVersions: { verifiedLevel: 5 },
    });
    expect(await store.conflicts.listOpen()).toEqual([]);
    expect((await store.verifications.get(ASSESSMENT, 7))?.verifiedLevel).toBe(3);
  });

  it('stays settled when a server list fetched before the settling change arrived says it is open', async () => {
    // A sync already under way when the verifier taps "keep mine" pulls the conflict as
    // still open: it must not pop back up until the server has seen the decision.
    const store = await storeWithConflict();
    await store.conflicts.resolve('c1', 3);
    const stale = (
      await store.conflicts.listByAssessment(ASSESSMENT, { includeResolved: true })
    )[0];
    await store.conflicts.put([{ ...(stale as NonNullable<typeof stale>), resolved: false }]);
    expect(await store.conflicts.listOpen()).toEqual([]);
    // Once the change has been accepted, the server's word counts again.
    await acceptThrough(store, await store.outbox.lastSeq());
    await store.conflicts.put([{ ...(stale as NonNullable<typeof stale>), resolved: false }]);
    expect(await store.conflicts.listOpen()).toHaveLength(1);
  });

  it('taking the server value shows it at once and still tells the server (an ordinary change)', async () => {
    const store = await storeWithConflict();
    await store.conflicts.resolve('c1', 4);
    expect((await store.verifications.get(ASSESSMENT, 7))?.verifiedLevel).toBe(4);
    const [m] = await store.outbox.peek(10);
    expect(m).toMatchObject({ changes: { verifiedLevel: 4 }, baseVersions: { verifiedLevel: 5 } });
    // Other fields keep their own versions.
    expect(Object.keys(m?.changes ?? {})).toEqual(['verifiedLevel']);
  });

  it('refuses an invalid value and changes nothing', async () => {
    const store = await storeWithConflict();
    await expect(store.conflicts.resolve('c1', 9)).rejects.toThrow();
    expect(await store.outbox.count()).toBe(0);
    expect(await store.conflicts.listOpen()).toHaveLength(1);
  });
});
