import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TelusurStore } from '../../../src/store';
import { ASSESSMENT, addPhoto, freshName, manualClock, open } from './helpers';

/**
 * The hot list reads take a native IndexedDB transaction outside `store.watch` and Dexie's
 * path inside it (src/store/direct.ts): both must answer the same, and a watched list must
 * keep updating.
 */

const OTHER = '0190a6f2-5c3e-7b1a-8f00-000000000002';

/** Waits until `values` holds `count` entries (5 s at most). */
function nextValue<T>(values: T[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (values.length >= count) resolve();
      else if (Date.now() - started > 5000) reject(new Error(`only ${values.length} values`));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

/** The first value `query` yields inside store.watch, i.e. through Dexie's liveQuery path. */
async function watched<T>(s: TelusurStore, query: (s: TelusurStore) => Promise<T>): Promise<T> {
  const seen: T[] = [];
  const errors: unknown[] = [];
  const stop = s.watch(
    query,
    (v) => seen.push(v),
    (e) => errors.push(e),
  );
  try {
    await nextValue(seen, 1);
  } finally {
    stop();
  }
  expect(errors).toEqual([]);
  return seen[0] as T;
}

/** Two assessments; indicators saved out of order (ids `<a>:10` sort before `<a>:2`). */
async function seeded() {
  const clock = manualClock();
  const s = await open(freshName('native-read'), { now: clock.now });
  for (const no of [10, 2, 47, 1, 11, 3]) {
    clock.advance(1000);
    await s.verifications.update(ASSESSMENT, no, { notes: `catatan ${no}`, verifiedLevel: 3 });
  }
  await s.verifications.update(OTHER, 5, { notes: 'lain' });
  for (const [no, body] of [
    [4, 'kedua'],
    [2, 'pertama'],
    [4, 'ketiga'],
  ] as const) {
    clock.advance(1000);
    await s.comments.add({ assessmentId: ASSESSMENT, indicatorNo: no, body, author: 'v' });
  }
  await s.comments.add({ assessmentId: OTHER, indicatorNo: 4, body: 'lain', author: 'v' });
  for (const seed of [3, 1, 2]) {
    clock.advance(1000);
    await addPhoto(s, seed, { indicatorNo: seed === 2 ? 7 : 6 });
  }
  await addPhoto(s, 9, { assessmentId: OTHER, indicatorNo: 6 });
  return { s, clock };
}

describe('native list reads', () => {
  it('answer what the Dexie path answers: the same objects in the same order', async () => {
    const { s } = await seeded();
    const reads: [string, (st: TelusurStore) => Promise<unknown>][] = [
      ['verifications.listByAssessment', (st) => st.verifications.listByAssessment(ASSESSMENT)],
      ['verifications.get', (st) => st.verifications.get(ASSESSMENT, 47)],
      ['verifications.get (missing)', (st) => st.verifications.get(ASSESSMENT, 46)],
      ['comments.listByAssessment', (st) => st.comments.listByAssessment(ASSESSMENT)],
      ['comments.listByIndicator', (st) => st.comments.listByIndicator(ASSESSMENT, 4)],
      ['evidence.listByAssessment', (st) => st.evidence.listByAssessment(ASSESSMENT)],
      ['evidence.listByIndicator', (st) => st.evidence.listByIndicator(ASSESSMENT, 6)],
    ];
    for (const [name, read] of reads) {
      const direct = await read(s);
      expect(direct, name).toEqual(await watched(s, read));
    }
    // What a verifier sees: indicators in number order, only this assessment's, no _versions.
    const list = await s.verifications.listByAssessment(ASSESSMENT);
    expect(list.map((v) => v.indicatorNo)).toEqual([1, 2, 3, 10, 11, 47]);
    expect(list.map((v) => v.notes)).toEqual([1, 2, 3, 10, 11, 47].map((n) => `catatan ${n}`));
    expect(list.some((v) => '_versions' in v)).toBe(false);
    expect((await s.comments.listByIndicator(ASSESSMENT, 4)).map((c) => c.body)).toEqual([
      'kedua',
      'ketiga',
    ]);
    expect((await s.evidence.listByAssessment(ASSESSMENT)).map((e) => e.name)).toEqual([
      'foto-3.jpg',
      'foto-1.jpg',
      'foto-2.jpg',
    ]);
    s.close();
  });

  it('a key IndexedDB refuses is still refused, never read as "every row"', async () => {
    const { s } = await seeded();
    await expect(
      s.verifications.listByAssessment(undefined as unknown as string),
    ).rejects.toBeInstanceOf(Error);
    s.close();
  });

  it('a live view of the list still sees each save, its own tab and another', async () => {
    const name = freshName('native-read');
    const s = await open(name);
    const otherTab = await open(name);
    const seen: number[][] = [];
    const stop = s.watch(
      (st) => st.verifications.listByAssessment(ASSESSMENT),
      (v) => seen.push(v.map((x) => x.verifiedLevel ?? 0)),
    );
    await nextValue(seen, 1);
    expect(seen[0]).toEqual([]);
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 2 });
    await nextValue(seen, 2);
    expect(seen.at(-1)).toEqual([2]);
    await otherTab.verifications.update(ASSESSMENT, 1, { verifiedLevel: 4 });
    await nextValue(seen, 3);
    expect(seen.at(-1)).toEqual([4, 2]);
    stop();
    s.close();
    otherTab.close();
  });

  it('a live view that awaits one read before the next still sees a change to the second', async () => {
    const s = await open(freshName('native-read'));
    await s.verifications.update(ASSESSMENT, 1, { notes: 'a' });
    const seen: string[][] = [];
    const stop = s.watch(
      async (st) => {
        const first = await st.verifications.get(ASSESSMENT, 1);
        const comments = await st.comments.listByIndicator(ASSESSMENT, 1);
        return [first?.notes ?? '', ...comments.map((c) => c.body)];
      },
      (v) => seen.push(v),
    );
    await nextValue(seen, 1);
    expect(seen[0]).toEqual(['a']);
    await s.comments.add({ assessmentId: ASSESSMENT, indicatorNo: 1, body: 'baru', author: 'v' });
    await nextValue(seen, 2);
    expect(seen.at(-1)).toEqual(['a', 'baru']);
    stop();
    s.close();
  });
});
