import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLAN_STEP_CAP,
  groupFigure,
  planStepCap,
  unitFigures,
  unitPlan,
} from '../../../src/app/lib/figures';
import { computeIndex, listIndicators, pemdi2026, spbe2020 } from '../../../src/core';
import type { Verification } from '../../../src/store';
import { verificationRecord } from '../../helpers/records';

const A = 'a-1';

function verification(no: number, over: Partial<Verification> = {}): Verification {
  return verificationRecord(A, no, over);
}

/** One verification per Pemdi indicator with the given verified values (default 1). */
function pemdiUnit(
  values: Record<number, number>,
  over: Record<number, Partial<Verification>> = {},
) {
  return listIndicators(pemdi2026).map((i) =>
    verification(i.no, { verifiedLevel: values[i.no] ?? 1, ...over[i.no] }),
  );
}

describe('the period cap of level steps', () => {
  it("is the period's own setting, else 2", () => {
    expect(DEFAULT_PLAN_STEP_CAP).toBe(2);
    expect(planStepCap({ planStepCap: 3 })).toBe(3);
    expect(planStepCap({ planStepCap: 0 })).toBe(0);
    expect(planStepCap({ id: 'p', name: 'Evaluasi SPBE 2023' })).toBe(2);
    expect(planStepCap(null)).toBe(2);
    for (const bad of [-1, 1.5, '3', null]) expect(planStepCap({ planStepCap: bad })).toBe(2);
  });
});

describe('the figures of a unit', () => {
  it('the official index of decimal values is the weighted mean, rounded half up for display', () => {
    const unit = pemdiUnit({ 1: 2.5, 2: 1.25, 19: 3, 20: 2.75 });
    const f = unitFigures(pemdi2026, unit);
    if ('problem' in f) throw new Error('unexpected problem');
    // (5·2,5 + 5·1,25 + 10·3 + 15·2,75 + 65·1) / 100 = 1,55
    expect(f.official.index).toBeCloseTo(1.55, 12);
    expect(f.official.predicate).toBe('Cukup');
    expect(f.internal).toBeNull();
  });

  it('counts not applicable as level 1 and shows the internal figure apart', () => {
    const values = Object.fromEntries(listIndicators(pemdi2026).map((i) => [i.no, 3]));
    const unit = pemdiUnit(values, {
      19: { verifiedLevel: null, notApplicable: true, naReason: 'Tidak ada layanan' },
    });
    const f = unitFigures(pemdi2026, unit);
    if ('problem' in f) throw new Error('unexpected problem');
    // Official: 90·3 + 10·1 = 2,80; internal leaves indicator 19 (weight 10) out: 3,00.
    expect(f.official.index).toBeCloseTo(2.8, 12);
    expect(f.official.notApplicableAsLevel1).toBe(1);
    expect(f.internal?.index).toBeCloseTo(3, 12);
    expect(f.internal?.rule).toBe('internal');
    expect(f.internal?.renormalised).toBe(true);
  });

  it('a missing outside index counts as 1 in the official index', () => {
    const unit = pemdiUnit({}).filter((v) => ![5, 6, 7, 18].includes(v.indicatorNo));
    for (const v of unit) v.verifiedLevel = 3;
    const f = unitFigures(pemdi2026, unit);
    if ('problem' in f) throw new Error('unexpected problem');
    expect(f.official.missingSourceAsLevel1).toBe(4);
    // Indicators 5, 6, 7, 18 weigh 5 + 3 + 3 + 3 = 14: (86·3 + 14·1) / 100.
    expect(f.official.index).toBeCloseTo(2.72, 12);
  });

  it('names the indicator holding a value its instrument does not take instead of failing', () => {
    const f = unitFigures(spbe2020, [verification(1, { verifiedLevel: 2.5 })]);
    expect(f).toEqual({ problem: { indicatorNo: 1, value: 2.5 } });
  });

  it('a group row gets the level name of the exact value and a note when rounding crosses a level', () => {
    expect(groupFigure(pemdi2026, 1.997, 'id')).toMatchObject({
      value: '2,00',
      levelName: 'Merintis',
      exactNote: '1,997 — level dari nilai tepat',
    });
    expect(groupFigure(pemdi2026, 2.4, 'en')).toMatchObject({
      value: '2.40',
      levelName: 'Membangun',
      exactNote: null,
    });
    expect(groupFigure(spbe2020, 22 / 6, 'id')).toMatchObject({ value: '3,67', levelName: null });
  });
});

describe('the improvement plan of a unit', () => {
  it('keeps to the cap and says what index can be reached when the target cannot', () => {
    const unit = pemdiUnit({});
    const { plan, best } = unitPlan(pemdi2026, unit, 3.5, 2);
    expect(plan.reachable).toBe(false);
    expect(plan.capLimited).toBe(true);
    expect(plan.maxIndex).toBeCloseTo(3, 12);
    expect(best?.resultingIndex).toBeCloseTo(3, 12);
    const perIndicator = new Map<number, number>();
    for (const s of best?.steps ?? []) perIndicator.set(s.no, (perIndicator.get(s.no) ?? 0) + 1);
    expect(Math.max(...perIndicator.values())).toBeLessThanOrEqual(2);
  });

  it('steps a decimal value to the next whole level', () => {
    const unit = pemdiUnit({ 20: 1.25 });
    const { plan } = unitPlan(pemdi2026, unit, 1.2, 2);
    expect(plan.reachable).toBe(true);
    expect(plan.steps[0]).toEqual({ no: 20, from: 1.25, to: 2 });
    expect(plan.resultingIndex).toBeGreaterThanOrEqual(1.2);
  });

  it('plans from the self-assessed value where nothing is verified yet', () => {
    const unit = listIndicators(spbe2020).map((i) => verification(i.no, { selfLevel: 2 }));
    const { plan } = unitPlan(spbe2020, unit, 2, 2);
    expect(plan.reachable).toBe(true);
    expect(plan.steps).toEqual([]);
    expect(plan.currentIndex).toBeCloseTo(computeIndex(spbe2020, { 1: 2 }).index ?? 0, 12);
  });

  it('offers no fallback plan when nothing can be raised', () => {
    const unit = pemdiUnit(Object.fromEntries(listIndicators(pemdi2026).map((i) => [i.no, 2])));
    const { plan, best } = unitPlan(pemdi2026, unit, 3, 0);
    expect(plan.reachable).toBe(false);
    expect(plan.capLimited).toBe(true);
    expect(best).toBeNull();
  });
});
