import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Framework,
  parseFramework,
  planImprovement,
  serializeFramework,
} from '../../../src/core';
import { flatFramework } from '../../helpers/frameworks';

/** Exhaustive search in integer hundredths, independent of the planner's DP. */
function bruteForce(
  weights: number[],
  levels: number[],
  na: Set<number>,
  target: number,
  effort: number[],
) {
  const idx = weights.map((_, i) => i).filter((i) => !na.has(i + 1));
  const w = idx.map((i) => Math.round((weights[i] as number) * 100));
  const W = w.reduce((a, b) => a + b, 0);
  const base = idx.map((i) => levels[i] as number);
  const t = Math.round(target * 100);
  let best: [number, number, number] | null = null;
  const s = new Array(idx.length).fill(0);
  const visit = (k: number) => {
    if (k === idx.length) {
      const S = base.reduce((a, l, j) => a + (l + s[j]) * (w[j] as number), 0);
      if (S * 100 < t * W) return;
      const cost = s.reduce((a, x, j) => a + x * (effort[idx[j] as number] as number), 0);
      const steps = s.reduce((a, x) => a + x, 0);
      const touched = s.filter((x) => x > 0).length;
      const cand: [number, number, number] = [cost, steps, touched];
      if (
        !best ||
        cand[0] < best[0] ||
        (cand[0] === best[0] && (cand[1] < best[1] || (cand[1] === best[1] && cand[2] < best[2])))
      )
        best = cand;
      return;
    }
    for (let x = 0; x <= 5 - (base[k] as number); x++) {
      s[k] = x;
      visit(k + 1);
    }
    s[k] = 0;
  };
  visit(0);
  return best as [number, number, number] | null;
}

const instrument = fc.record({
  aspects: fc.array(
    fc.array(
      fc.integer({ min: 1, max: 500 }).map((h) => h / 100),
      { minLength: 1, maxLength: 2 },
    ),
    { minLength: 1, maxLength: 2 },
  ),
  seed: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 4, maxLength: 4 }),
  efforts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
  naMask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  target: fc.integer({ min: 100, max: 500 }).map((h) => h / 100),
  useEffort: fc.boolean(),
});

describe('planner matches brute force on small random instruments', () => {
  it('same optimum (effort, steps, indicators touched) and a plan that really reaches the target', () => {
    fc.assert(
      fc.property(instrument, ({ aspects, seed, efforts, naMask, target, useEffort }) => {
        const fw = parseFramework(flatFramework(aspects));
        const weights = aspects.flat();
        const levels = weights.map((_, i) => seed[i] as number);
        const na = new Set(weights.map((_, i) => i + 1).filter((no) => naMask[no - 1] && no > 1));
        const effort = weights.map((_, i) => (useEffort ? (efforts[i] as number) : 1));
        const levelMap = Object.fromEntries(levels.map((l, i) => [i + 1, l]));
        const effortMap = useEffort
          ? Object.fromEntries(effort.map((e, i) => [i + 1, e]))
          : undefined;
        const plan = planImprovement(fw, levelMap, target, {
          notApplicable: [...na],
          ...(effortMap ? { effort: effortMap } : {}),
        });
        const best = bruteForce(weights, levels, na, target, effort);
        expect(plan.reachable).toBe(best !== null);
        if (!best) return;
        expect([plan.totalEffort, plan.steps.length, plan.indicatorsTouched]).toEqual(best);
        // The plan itself is valid: +1 steps from the current level, never above 5, never N/A.
        const after = { ...levelMap };
        for (const s of plan.steps) {
          expect(na.has(s.no)).toBe(false);
          expect(s.from).toBe(after[s.no]);
          expect(s.to).toBe(s.from + 1);
          expect(s.to).toBeLessThanOrEqual(5);
          after[s.no] = s.to;
        }
        const W = weights.reduce((a, w, i) => (na.has(i + 1) ? a : a + Math.round(w * 100)), 0);
        const S = weights.reduce(
          (a, w, i) => (na.has(i + 1) ? a : a + Math.round(w * 100) * (after[i + 1] as number)),
          0,
        );
        expect(S * 100).toBeGreaterThanOrEqual(Math.round(target * 100) * W);
      }),
      { numRuns: 400 },
    );
  });
});

describe('framework interchange', () => {
  it('parse → serialise → parse is stable for random valid instruments', () => {
    fc.assert(
      fc.property(instrument, ({ aspects }) => {
        const fw: Framework = parseFramework(flatFramework(aspects));
        const again = parseFramework(JSON.parse(JSON.stringify(serializeFramework(fw))));
        expect(again).toEqual(fw);
      }),
      { numRuns: 100 },
    );
  });
});
