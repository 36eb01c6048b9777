import { expect, it } from 'vitest';
import {
  computeIndex,
  listIndicators,
  type Plan,
  type PlanStep,
  pemdi2026,
  planImprovement,
  spbe2020,
} from '../../../src/core';
import {
  CITY_LEVELS,
  kecamatanCode,
  opdCode,
  PEMDA_CODE,
  PEMDI_CITY_VALUES,
} from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';
import { assessmentOf, levels, rawTablet } from './helpers';

const cityLevels: Record<number, number> = Object.fromEntries(
  listIndicators(spbe2020).map((ind, i) => [ind.no, CITY_LEVELS[i] as number]),
);

/** Plan steps grouped per indicator, as the plan list shows them. */
function perIndicator(steps: readonly PlanStep[]): [number, number, number][] {
  const m = new Map<number, [number, number, number]>();
  for (const s of steps) {
    const r = m.get(s.no);
    if (r) r[2] = s.to;
    else m.set(s.no, [s.no, s.from, s.to]);
  }
  return [...m.values()];
}

interface PlanItemBody {
  no: number;
  from: number;
  to: number;
  steps: number;
  evidence: string[];
  criteria: string | null;
  heldBackBy: { total: number; units: { code: string; level: number }[] };
}

/**
 * The plan answer is core planImprovement's `expected` towards `target` under the default cap
 * (2 level-steps per indicator): its figures, and its items as the steps grouped per indicator.
 */
function expectPlanOf(body: { items: PlanItemBody[] }, expected: Plan, target: number): void {
  expect(body).toMatchObject({
    target,
    reachable: true,
    maxStepsPerIndicator: 2,
    capLimited: false,
    plannerIndex: expected.currentIndex,
    resultingIndex: expected.resultingIndex,
    stepCount: expected.steps.length,
  });
  expect(body.items.map((i) => [i.no, i.from, i.to])).toEqual(perIndicator(expected.steps));
}

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips it otherwise).
describeEachDialect('improvement plan', (ctx) => {
  it('is core planImprovement from the consolidated levels to the period target (2.10 → 3.00)', async () => {
    const token = await ctx().login('coordinator');
    const r = await ctx().call('GET', `/api/dashboard/${ctx().demo?.periodId}/plan`, { token });
    expect(r.status).toBe(200);
    // The period's cap (default 2 level-steps per indicator) is the planner's.
    const expected = planImprovement(spbe2020, cityLevels, 3, { maxStepsPerIndicator: 2 });
    expectPlanOf(r.body, expected, 3);
    expect(r.body).toMatchObject({
      indicatorsTouched: expected.indicatorsTouched,
      totalEffort: expected.totalEffort,
    });
    expect(r.body.current.index).toBe(2.1);
    expect(r.body.resultingIndex).toBeGreaterThanOrEqual(3);
    // Each item names the evidence its required level needs (instrument levels[].evidence).
    for (const item of r.body.items as PlanItemBody[]) {
      const spec = listIndicators(spbe2020).find((i) => i.no === item.no)?.spec;
      expect(item.evidence).toEqual(spec?.levels?.[item.to - 1]?.evidence ?? []);
      expect(item.criteria).toBe(spec?.levels?.[item.to - 1]?.criteria ?? null);
    }
  });

  it('follows effort weights and fixed indicators, and names the units that hold an indicator back', async () => {
    const h = ctx();
    const token = await h.login('coordinator');
    const period = h.demo?.periodId as string;
    // Verification of the city lowers indicator 1 and finds 47 not applicable.
    const t1 = await rawTablet(h, 'verifier1', 'Tablet rencana');
    await t1.push(levels(await assessmentOf(h, PEMDA_CODE), { 1: 1 }, [47]));
    const consolidated = { ...cityLevels, 1: 1 };
    const base = planImprovement(spbe2020, consolidated, 3, {
      notApplicable: [47],
      maxStepsPerIndicator: 2,
    });
    const heaviest = perIndicator(base.steps)[0]?.[0] as number;
    const effort = { [heaviest]: 5, 12: 0.5 };
    const fixed = [42, 43];
    const expected = planImprovement(spbe2020, consolidated, 3, {
      notApplicable: [47],
      effort,
      fixed,
      maxStepsPerIndicator: 2,
    });
    const r = await h.call(
      'GET',
      `/api/dashboard/${period}/plan?effort=${heaviest}:5,12:0.5&fixed=42,43`,
      { token },
    );
    expect(r.status).toBe(200);
    expect(r.body.options).toEqual({ effort: { [heaviest]: 5, 12: 0.5 }, fixed: [42, 43] });
    expect(r.body.items.map((i: PlanItemBody) => [i.no, i.from, i.to])).toEqual(
      perIndicator(expected.steps),
    );
    expect(r.body.totalEffort).toBe(expected.totalEffort);
    expect(r.body.items.some((i: PlanItemBody) => fixed.includes(i.no))).toBe(false);
    expect(r.body.current.index).toBe(
      computeIndex(spbe2020, consolidated, { notApplicable: [47] }).index,
    );

    // Units whose verified level is below the required level hold the indicator back.
    const item = (r.body.items as PlanItemBody[])[0] as PlanItemBody;
    const t2 = await rawTablet(h, 'verifier2', 'Tablet rencana 2');
    await t2.push([
      ...levels(await assessmentOf(h, opdCode(9)), { [item.no]: 1 }),
      ...levels(await assessmentOf(h, kecamatanCode(2)), { [item.no]: item.to }),
    ]);
    const again = await h.call(
      'GET',
      `/api/dashboard/${period}/plan?effort=${heaviest}:5,12:0.5&fixed=42,43`,
      { token },
    );
    const held = (again.body.items as PlanItemBody[]).find((i) => i.no === item.no);
    expect(held?.heldBackBy).toEqual({
      total: 1,
      units: [expect.objectContaining({ code: opdCode(9), level: 1 })],
    });

    // A target override and a fully fixed instrument: unreachable, no steps.
    const all = listIndicators(spbe2020)
      .map((i) => i.no)
      .join(',');
    const stuck = await h.call('GET', `/api/dashboard/${period}/plan?fixed=${all}`, { token });
    expect(stuck.body).toMatchObject({ reachable: false, items: [], stepCount: 0 });
    const low = await h.call('GET', `/api/dashboard/${period}/plan?target=2`, { token });
    expect(low.body).toMatchObject({ target: 2, reachable: true, items: [] });
  });

  it('keeps to the period’s step cap and says when only the cap keeps the target out of reach', async () => {
    const h = ctx();
    const token = await h.login('coordinator');
    const period = h.demo?.periodId as string;
    const set = async (planStepCap: number) => {
      const r = await h.call('PATCH', `/api/periods/${period}`, {
        token,
        json: { planStepCap },
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body.planStepCap).toBe(planStepCap);
    };
    await set(1);
    // From the city's levels, one step each cannot reach 3,80; five steps each could.
    const levelsNow = (await h.call('GET', `/api/dashboard/${period}/plan`, { token })).body
      .indicators as { no: number; level: number | null; notApplicable: boolean }[];
    // The demo city marks 47 not applicable: the plan says so instead of "mandiri".
    expect(levelsNow.filter((i) => i.notApplicable).map((i) => i.no)).toEqual([47]);
    const current = Object.fromEntries(levelsNow.map((i) => [i.no, i.level]));
    const capped = planImprovement(spbe2020, current, 3.8, {
      notApplicable: [47],
      maxStepsPerIndicator: 1,
    });
    expect(capped).toMatchObject({ reachable: false, capLimited: true });
    const r = await h.call('GET', `/api/dashboard/${period}/plan?target=3.8`, { token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reachable: false,
      capLimited: true,
      maxStepsPerIndicator: 1,
      maxIndex: capped.maxIndex,
    });
    expect(r.body.maxIndex).toBeLessThan(3.8);
    // Out of reach, the page still lists the steps that get closest: towards the best index
    // the cap allows (two decimals, rounded down), one step per indicator at most.
    const best = Math.floor(capped.maxIndex * 100 + 1e-9) / 100;
    expect(r.body.stepsTarget).toBe(best);
    expect(r.body.resultingIndex).toBeGreaterThanOrEqual(best);
    expect(r.body.items.length).toBeGreaterThan(0);
    expect((r.body.items as PlanItemBody[]).every((i) => i.steps === 1)).toBe(true);
    // Within reach under the cap: no indicator climbs more than one level.
    const near = await h.call('GET', `/api/dashboard/${period}/plan?target=2.5`, { token });
    expect(near.body).toMatchObject({ reachable: true, capLimited: false, stepsTarget: 2.5 });
    expect((near.body.items as PlanItemBody[]).every((i) => i.steps === 1)).toBe(true);
    await set(2);
  });

  it('plans a decimal instrument in steps to whole levels (Pemdi 2026: 2,25 → 3)', async () => {
    const h = ctx();
    const token = await h.login('coordinator');
    const period = h.demo?.pemdiPeriodId as string;
    const r = await h.call('GET', `/api/dashboard/${period}/plan`, { token });
    expect(r.status, r.text).toBe(200);
    const values = Object.fromEntries(
      listIndicators(pemdi2026).map((ind, i) => [ind.no, PEMDI_CITY_VALUES[i] as number]),
    );
    const expected = planImprovement(pemdi2026, values, 2.5, { maxStepsPerIndicator: 2 });
    expectPlanOf(r.body, expected, 2.5);
    expect(r.body.current.index).toBe(1.845);
    // A decimal value climbs to the next whole level first.
    const fractional = (r.body.items as PlanItemBody[]).filter((i) => !Number.isInteger(i.from));
    expect(fractional.length).toBeGreaterThan(0);
    for (const i of fractional) expect(i.to - Math.floor(i.from)).toBe(i.steps);
  });

  it('refuses bad plan parameters with 422 and changes nothing', async () => {
    const token = await ctx().login('coordinator');
    const p = ctx().demo?.periodId;
    for (const q of [
      'effort=12:0',
      'effort=12',
      'effort=999:2',
      'fixed=abc',
      'fixed=999',
      'target=7',
    ]) {
      const r = await ctx().call('GET', `/api/dashboard/${p}/plan?${q}`, { token });
      expect(r.status, q).toBe(422);
      expect(r.body.code).toBe('validation_failed');
    }
  });
});
