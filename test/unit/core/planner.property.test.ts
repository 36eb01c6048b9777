import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Framework,
  parseFramework,
  planImprovement,
  serializeFramework,
} from '../../../src/core';
import { flatFramework } from '../../helpers/frameworks';

/**
 * Exhaustive search in integer hundredths, independent of the planner's DP. A step goes to
 * the next whole level (1.25 → 2 → 3), at most `cap` per indicator; under the internal rule
 * not-applicable indicators are left out, under the official rule they count as level 1.
 */
function bruteForce(
  weights: number[],
  hundredths: number[],
  na: Set<number>,
  internal: boolean,
  target: number,
  effort: number[],
  cap: number,
) {
  const idx = weights.map((_, i) => i).filter((i) => !(internal && na.has(i + 1)));
  const w = idx.map((i) => Math.round((weights[i] as number) * 100));
  const W = w.reduce((a, b) => a + b, 0) * 100;
  const base = idx.map((i) => (na.has(i + 1) ? 100 : (hundredths[i] as number)));
  const whole = base.map((h) => Math.floor(h / 100));
  const t = Math.round(target * 100);
  const valueAfter = (j: number, x: number) =>
    x === 0 ? (base[j] as number) : ((whole[j] as number) + x) * 100;
  let best: [number, number, number] | null = null;
  const s = new Array(idx.length).fill(0);
  const visit = (k: number) => {
    if (k === idx.length) {
      const S = s.reduce((a, x, j) => a + valueAfter(j, x) * (w[j] as number), 0);
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
    for (let x = 0; x <= Math.min(cap, 5 - (whole[k] as number)); x++) {
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
  // Whole levels, or decimal values (hundredths) on a decimal instrument.
  decimal: fc.boolean(),
  seed: fc.array(fc.integer({ min: 100, max: 500 }), { minLength: 4, maxLength: 4 }),
  efforts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 4 }),
  naMask: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  internal: fc.boolean(),
  target: fc.integer({ min: 100, max: 500 }).map((h) => h / 100),
  useEffort: fc.boolean(),
  cap: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
});

describe('planner matches brute force on small random instruments', () => {
  it('same optimum (effort, steps, indicators touched), within the cap, and a plan that really reaches the target', () => {
    fc.assert(
      fc.property(
        instrument,
        ({ aspects, decimal, seed, efforts, naMask, internal, target, useEffort, cap }) => {
          const fw = parseFramework({
            ...flatFramework(aspects),
            ...(decimal ? { values: 'decimal' } : {}),
          });
          const weights = aspects.flat();
          const hundredths = weights.map((_, i) => {
            const h = seed[i] as number;
            return decimal ? h : Math.round(h / 100) * 100;
          });
          const na = new Set(weights.map((_, i) => i + 1).filter((no) => naMask[no - 1] && no > 1));
          const effort = weights.map((_, i) => (useEffort ? (efforts[i] as number) : 1));
          const levelMap = Object.fromEntries(hundredths.map((h, i) => [i + 1, h / 100]));
          const effortMap = useEffort
            ? Object.fromEntries(effort.map((e, i) => [i + 1, e]))
            : undefined;
          const plan = planImprovement(fw, levelMap, target, {
            notApplicable: [...na],
            rule: internal ? 'internal' : 'official',
            ...(effortMap ? { effort: effortMap } : {}),
            ...(cap !== undefined ? { maxStepsPerIndicator: cap } : {}),
          });
          const best = bruteForce(weights, hundredths, na, internal, target, effort, cap ?? 99);
          expect(plan.reachable).toBe(best !== null);
          if (!best) {
            const uncapped = bruteForce(weights, hundredths, na, internal, target, effort, 99);
            expect(plan.capLimited).toBe(uncapped !== null);
            return;
          }
          expect([plan.totalEffort, plan.steps.length, plan.indicatorsTouched]).toEqual(best);
          // The plan itself is valid: from the current value to the next whole level, never
          // above 5, never an excluded indicator, never more steps than the cap.
          const after: Record<number, number> = { ...levelMap };
          for (const no of na) after[no] = 1;
          const per = new Map<number, number>();
          for (const s of plan.steps) {
            if (internal) expect(na.has(s.no)).toBe(false);
            expect(s.from).toBe(after[s.no]);
            expect(s.to).toBe(Math.floor(s.from) + 1);
            expect(s.to).toBeLessThanOrEqual(5);
            after[s.no] = s.to;
            per.set(s.no, (per.get(s.no) ?? 0) + 1);
          }
          for (const n of per.values()) expect(n).toBeLessThanOrEqual(cap ?? 5);
          const counted = (i: number) => !(internal && na.has(i + 1));
          const W = weights.reduce((a, w, i) => (counted(i) ? a + Math.round(w * 100) : a), 0);
          const S = weights.reduce(
            (a, w, i) =>
              counted(i) ? a + Math.round(w * 100) * Math.round((after[i + 1] as number) * 100) : a,
            0,
          );
          expect(S).toBeGreaterThanOrEqual(Math.round(target * 100) * W);
        },
      ),
      { numRuns: 600 },
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
