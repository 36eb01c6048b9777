import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { Verification } from '../../../src/store';
import { ASSESSMENT, acceptThrough, freshName, open } from './helpers';

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

describe('live reads', () => {
  it('a screen watching a unit sees a save made in another tab of the app', async () => {
    const name = freshName();
    const screen = await open(name);
    const otherTab = await open(name);
    const seen: Verification[][] = [];
    const stop = screen.watch(
      (s) => s.verifications.listByAssessment(ASSESSMENT),
      (v) => seen.push(v),
    );
    await nextValue(seen, 1);
    expect(seen[0]).toEqual([]);
    await otherTab.verifications.update(ASSESSMENT, 3, { verifiedLevel: 4 });
    await nextValue(seen, 2);
    expect(seen.at(-1)?.map((v) => v.verifiedLevel)).toEqual([4]);
    stop();
    await otherTab.verifications.update(ASSESSMENT, 3, { verifiedLevel: 5 });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.length).toBe(2);
    screen.close();
    otherTab.close();
  });

  it('a screen sees each save made in its own tab, never an older cached list', async () => {
    const s = await open(freshName());
    const seen: Verification[][] = [];
    const stop = s.watch(
      (st) => st.verifications.listByAssessment(ASSESSMENT),
      (v) => seen.push(v),
    );
    await nextValue(seen, 1);
    for (const level of [2, 3, 4]) {
      await s.verifications.update(ASSESSMENT, 5, { verifiedLevel: level });
      await nextValue(seen, level);
      expect(seen.at(-1)?.map((v) => v.verifiedLevel)).toEqual([level]);
    }
    // A second watcher of the same query starts from the current rows, not a stale copy.
    const late: Verification[][] = [];
    const stopLate = s.watch(
      (st) => st.verifications.listByAssessment(ASSESSMENT),
      (v) => late.push(v),
    );
    await nextValue(late, 1);
    expect(late[0]?.map((v) => v.verifiedLevel)).toEqual([4]);
    stop();
    stopLate();
    s.close();
  });

  it('the unsynced badge follows the outbox', async () => {
    const s = await open(freshName());
    const counts: number[] = [];
    const stop = s.watch(
      (st) => st.outbox.countByAssessment(ASSESSMENT),
      (n) => counts.push(n),
    );
    await nextValue(counts, 1);
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 2 });
    await nextValue(counts, 2);
    await acceptThrough(s, 1);
    await nextValue(counts, 3);
    expect(counts).toEqual([0, 1, 0]);
    stop();
    s.close();
  });
});
