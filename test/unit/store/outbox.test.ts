import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHlc, encodeHlc, verificationId } from '../../../src/core';
import type { TelusurStore } from '../../../src/store';
import { ASSESSMENT, acceptThrough, freshName, manualClock, open } from './helpers';

async function seqs(s: TelusurStore): Promise<number[]> {
  return (await s.outbox.peek(100_000)).map((m) => m.seq);
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the outbox sequence', () => {
  it('continues without gaps after the app is closed and reopened', async () => {
    const name = freshName();
    let s = await open(name);
    const device = s.deviceId;
    for (let i = 1; i <= 5; i++) await s.verifications.update(ASSESSMENT, i, { verifiedLevel: 2 });
    s.close();
    s = await open(name);
    expect(s.deviceId).toBe(device);
    for (let i = 1; i <= 3; i++)
      await s.verifications.update(ASSESSMENT, i, { notes: `catatan ${i}` });
    expect(await seqs(s)).toEqual(range(1, 8));
    expect(await s.outbox.lastSeq()).toBe(8);
    s.close();
  });

  it('stays gap-free and unique when two tabs save at the same time', async () => {
    const name = freshName();
    const tabA = await open(name);
    const tabB = await open(name);
    expect(tabB.deviceId).toBe(tabA.deviceId);
    await Promise.all([
      ...range(1, 40).map((i) => tabA.verifications.update(ASSESSMENT, i, { notes: `A${i}` })),
      ...range(1, 40).map((i) => tabB.verifications.update('other', i, { notes: `B${i}` })),
    ]);
    expect(await seqs(tabA)).toEqual(range(1, 80));
    const hlcs = (await tabA.outbox.peek(100)).map((m) => m.hlc);
    expect([...hlcs].sort()).toEqual(hlcs);
    tabA.close();
    tabB.close();
  });

  it('keeps counting after the server acknowledged everything (no seq reuse)', async () => {
    const s = await open(freshName());
    for (let i = 1; i <= 4; i++) await s.verifications.update(ASSESSMENT, i, { verifiedLevel: 1 });
    expect(await acceptThrough(s, 3)).toBe(3);
    expect(await seqs(s)).toEqual([4]);
    expect(await acceptThrough(s, 4)).toBe(1);
    expect(await s.outbox.count()).toBe(0);
    await s.verifications.update(ASSESSMENT, 9, { verifiedLevel: 5 });
    expect(await seqs(s)).toEqual([5]);
    s.close();
  });

  it('orders changes by HLC even when the tablet clock jumps backwards', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 1 });
    clock.advance(-3_600_000);
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 2 });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
    const hlcs = (await s.outbox.peek(10)).map((m) => decodeHlc(m.hlc));
    expect(hlcs.map((h) => h.counter)).toEqual([0, 1, 2]);
    expect(new Set(hlcs.map((h) => h.ms)).size).toBe(1);
    s.close();
  });

  it('property: any mix of edits, acks and restarts yields seqs 1..n with no gap', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        no: fc.integer({ min: 1, max: 5 }),
        level: fc.integer({ min: 1, max: 5 }),
      }),
      fc.record({ kind: fc.constant('ack' as const), n: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('reopen' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const name = freshName('prop');
        let s = await open(name);
        let issued = 0;
        let acked = 0;
        for (const o of ops) {
          if (o.kind === 'edit') {
            const before = await s.outbox.lastSeq();
            await s.verifications.update(ASSESSMENT, o.no, { verifiedLevel: o.level });
            issued = await s.outbox.lastSeq();
            expect(issued - before).toBeLessThanOrEqual(1);
          } else if (o.kind === 'ack') {
            acked = Math.min(issued, acked + o.n);
            await acceptThrough(s, acked);
          } else {
            s.close();
            s = await open(name);
          }
        }
        expect(await seqs(s)).toEqual(range(acked + 1, issued));
        s.close();
      }),
      { numRuns: 25 },
    );
  });
});

describe('a save that fails before commit', () => {
  it('leaves neither the record nor its outbox entry, and the next save reuses the seq', async () => {
    let fail = false;
    const s = await open(freshName(), {
      testHooks: {
        beforeCommit: () => {
          if (fail) throw new Error('power cut');
        },
      },
    });
    await s.verifications.update(ASSESSMENT, 1, { notes: 'pertama' });
    fail = true;
    await expect(s.verifications.update(ASSESSMENT, 1, { notes: 'kedua' })).rejects.toThrow(
      'power cut',
    );
    await expect(s.verifications.update(ASSESSMENT, 2, { notes: 'baru' })).rejects.toThrow(
      'power cut',
    );
    fail = false;
    expect((await s.verifications.get(ASSESSMENT, 1))?.notes).toBe('pertama');
    expect(await s.verifications.get(ASSESSMENT, 2)).toBeNull();
    expect(await seqs(s)).toEqual([1]);
    await s.verifications.update(ASSESSMENT, 2, { notes: 'baru' });
    expect(await seqs(s)).toEqual([1, 2]);
    s.close();
  });
});

describe('changes pulled from the server', () => {
  const id = verificationId(ASSESSMENT, 8);

  it('are applied without creating outbox entries, and the next local edit is based on their version', async () => {
    const s = await open(freshName());
    const r = await s.applyRemote(
      'verification',
      id,
      { assessmentId: ASSESSMENT, indicatorNo: 8, selfLevel: 3, notes: 'dari server' },
      {
        assessmentId: 1,
        indicatorNo: 1,
        selfLevel: 4,
        notes: 2,
      },
    );
    expect(r.applied.sort()).toEqual(['assessmentId', 'indicatorNo', 'notes', 'selfLevel']);
    expect(await s.outbox.count()).toBe(0);
    expect(await s.verifications.get(ASSESSMENT, 8)).toMatchObject({
      selfLevel: 3,
      notes: 'dari server',
      verifiedLevel: null,
    });
    await s.verifications.update(ASSESSMENT, 8, { notes: 'diperbaiki', verifiedLevel: 2 });
    const [m] = await s.outbox.peek(1);
    expect(m?.baseVersions).toEqual({ notes: 2, verifiedLevel: 0 });
    s.close();
  });

  it('never overwrite a field the verifier changed but has not sent yet (no silent loss)', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 8, { notes: 'ketikan saya' });
    const r = await s.applyRemote(
      'verification',
      id,
      { notes: 'tablet lain', selfLevel: 2 },
      { notes: 3, selfLevel: 3 },
    );
    expect(r).toEqual({ applied: ['selfLevel'], pending: ['notes'], stale: [], skipped: [] });
    const v = await s.verifications.get(ASSESSMENT, 8);
    expect(v).toMatchObject({ notes: 'ketikan saya', selfLevel: 2 });
    s.close();
  });

  it('keeps pulling when the server holds a value this app refuses: cleaned, or left out and reported', async () => {
    // Data written before core refused control characters, and a field of a newer server,
    // must not make every later pull fail at this record (the cursor would never move).
    const s = await open(freshName());
    const r = await s.applyRemote(
      'verification',
      id,
      { notes: 'SK\u0000 Wali Kota', verifiedLevel: 9, futureField: 'x', selfLevel: 3 },
      { notes: 2, verifiedLevel: 2, futureField: 1, selfLevel: 2 },
    );
    expect(r.applied.sort()).toEqual(['notes', 'selfLevel']);
    expect(r.skipped.map((x) => x.field).sort()).toEqual(['futureField', 'verifiedLevel']);
    expect(await s.verifications.get(ASSESSMENT, 8)).toMatchObject({
      notes: 'SK Wali Kota',
      selfLevel: 3,
      verifiedLevel: null,
    });
    s.close();
  });

  it('ignore an older version arriving late, and advance the HLC past the server’s', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    await s.applyRemote('verification', id, { notes: 'v5' }, { notes: 5 });
    const r = await s.applyRemote('verification', id, { notes: 'v4' }, { notes: 4 });
    expect(r.stale).toEqual(['notes']);
    expect((await s.verifications.get(ASSESSMENT, 8))?.notes).toBe('v5');
    const future = encodeHlc({ ms: clock.now() + 60_000, counter: 7, node: 'server' });
    await s.applyRemote('verification', id, { notes: 'v6' }, { notes: 6 }, future);
    await s.verifications.update(ASSESSMENT, 8, { verifiedLevel: 1 });
    const [m] = await s.outbox.peek(1);
    expect((m?.hlc ?? '') > future).toBe(true);
    s.close();
  });

  it('leave out a value this app cannot read, and are refused whole when a version is missing', async () => {
    const s = await open(freshName());
    const r = await s.applyRemote('verification', id, { verifiedLevel: 8 }, { verifiedLevel: 1 });
    expect(r).toMatchObject({ applied: [], skipped: [{ field: 'verifiedLevel' }] });
    await expect(s.applyRemote('verification', id, { verifiedLevel: 2 }, {})).rejects.toThrow();
    expect(await s.verifications.get(ASSESSMENT, 8)).toBeNull();
    s.close();
  });
});
