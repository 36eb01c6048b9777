import {
  compileFramework,
  computeIndex,
  MIN_LEVEL,
  type PlanItem,
  type PlanView,
  planImprovement,
} from '../../core';
import { groupBy } from '../lib/group-by';
import { fieldProblem } from '../problems';
import { type CityIndexService, type PeriodCity, summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';

/**
 * The coordinator's improvement plan: the fewest level-steps from the city's consolidated
 * levels (city-index.ts) to a target index — official index, at most the period's
 * `planStepCap` steps per indicator — and for each raised indicator what the required level
 * needs and which units are still below it.
 */

/** The coordinator's choices (query of GET /api/dashboard/:periodId/plan, parsed). */
export interface PlanOptionsInput {
  target?: number | undefined;
  effort?: Readonly<Record<number, number>> | undefined;
  fixed?: readonly number[] | undefined;
}

export class PlanService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
  ) {
    super(deps);
  }

  /**
   * The fewest level-steps (core planImprovement) from the consolidated city levels to the
   * target (the period's, unless given), with the coordinator's effort weights and fixed
   * indicators, never more than the period's `planStepCap` steps on one indicator (a step
   * goes to the next whole level: 1,25 → 2); per raised indicator the evidence the required
   * level needs and the units whose verified level is still below it. The official index
   * throughout: a not-applicable indicator counts as level 1 and may be raised. When the
   * target is out of reach, `maxIndex` says what the cap allows and `capLimited` whether
   * only the cap stands in the way.
   *
   * @throws Problem 404 `not_found` for an unknown period; 422 (field `effort` / `fixed`)
   *   `unknown_indicator` for an indicator not in the instrument, `unplannable` when the
   *   instrument's weights admit no plan
   */
  async plan(periodId: string, input: PlanOptionsInput = {}): Promise<PlanView> {
    return this.planFor(await this.cities.forPeriod(periodId), input);
  }

  /** The plan from a city index already read in this request (the city summary reuses it). */
  async planFor({ period, fw, city }: PeriodCity, input: PlanOptionsInput = {}): Promise<PlanView> {
    const c = compileFramework(fw);
    const known = new Set(c.indicators.map((i) => i.no));
    const effort: Record<number, number> = {};
    for (const [k, v] of Object.entries(input.effort ?? {})) {
      const no = Number(k);
      if (!known.has(no))
        throw fieldProblem(
          'effort',
          'unknown_indicator',
          `Indikator ${k} tidak ada dalam instrumen.`,
          `Indicator ${k} is not in the instrument.`,
        );
      if (v !== 1) effort[no] = v;
    }
    const fixed = [...new Set(input.fixed ?? [])].sort((a, b) => a - b);
    const unknownFixed = fixed.find((no) => !known.has(no));
    if (unknownFixed !== undefined)
      throw fieldProblem(
        'fixed',
        'unknown_indicator',
        `Indikator ${unknownFixed} tidak ada dalam instrumen.`,
        `Indicator ${unknownFixed} is not in the instrument.`,
      );
    const target = input.target ?? period.targetIndex;
    const levels = city.levels;
    const options = {
      notApplicable: levels.notApplicable,
      rule: 'official' as const,
      fixed,
      effort,
      maxStepsPerIndicator: period.planStepCap,
    };
    let plan: ReturnType<typeof planImprovement>;
    // The steps shown: to the target, or when it is out of reach to the best index the cap
    // allows (rounded down to two decimals so the steps really reach it), never an empty
    // table under "not reachable".
    let steps: ReturnType<typeof planImprovement>;
    let stepsTarget = target;
    try {
      plan = planImprovement(fw, levels.consolidated, target, options);
      steps = plan;
      const best = Math.floor(plan.maxIndex * 100 + 1e-9) / 100;
      if (!plan.reachable && best > plan.currentIndex) {
        stepsTarget = best;
        steps = planImprovement(fw, levels.consolidated, best, options);
      }
    } catch (e) {
      if (e instanceof RangeError)
        throw fieldProblem(
          'effort',
          'unplannable',
          'Rencana tidak dapat dihitung dengan bobot instrumen ini.',
          'No plan can be computed with these instrument weights.',
        );
      throw e;
    }
    const raised = new Map<number, { from: number; to: number; steps: number }>();
    for (const s of steps.steps) {
      const r = raised.get(s.no);
      if (r) {
        r.to = s.to;
        r.steps++;
      } else raised.set(s.no, { from: s.from, to: s.to, steps: 1 });
    }
    const held = await this.repos.reporting.holdingBack(
      period.id,
      new Map([...raised].map(([no, r]) => [no, r.to])),
      { excludeUnitId: levels.unit?.id ?? null, perIndicator: 10 },
    );
    const heldBy = groupBy(held, (h) => h.indicatorNo);
    const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
    const byNo = new Map(levels.indicators.map((i) => [i.no, i]));
    const na = new Set(levels.notApplicable);
    const items: PlanItem[] = [];
    for (const [no, r] of raised) {
      const ind = c.byNo.get(no);
      if (!ind) continue;
      const spec = ind.spec.levels?.[r.to - MIN_LEVEL];
      const rows = heldBy.get(no) ?? [];
      items.push({
        no,
        name: ind.spec.name,
        groups: ind.path.map((id) => groupName.get(id) ?? id),
        weight: ind.spec.weight,
        from: r.from,
        to: r.to,
        steps: r.steps,
        effort: effort[no] ?? 1,
        source: byNo.get(no)?.source ?? 'none',
        notApplicable: na.has(no),
        criteria: spec?.criteria ?? null,
        evidence: spec?.evidence ?? [],
        heldBackBy: {
          total: rows[0]?.total ?? 0,
          units: rows.map((h) => ({
            unitId: h.unitId,
            code: h.code,
            name: h.name,
            level: h.level,
          })),
        },
      });
    }
    // A raised not-applicable indicator is no longer "counted as level 1": it is done.
    const resulting = computeIndex(
      fw,
      { ...levels.consolidated, ...Object.fromEntries([...raised].map(([no, r]) => [no, r.to])) },
      { notApplicable: levels.notApplicable.filter((no) => !raised.has(no)), rule: 'official' },
    );
    return {
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      consolidation: city.consolidation,
      target,
      options: { effort, fixed },
      current: summarise(city.consolidated),
      plannerIndex: plan.currentIndex,
      resultingIndex: steps.resultingIndex,
      resultingPredicate: resulting.predicate,
      reachable: plan.reachable,
      stepsTarget,
      maxStepsPerIndicator: period.planStepCap,
      capLimited: plan.capLimited,
      maxIndex: plan.maxIndex,
      totalEffort: steps.totalEffort,
      stepCount: steps.steps.length,
      indicatorsTouched: steps.indicatorsTouched,
      items,
      indicators: c.indicators.map((i) => ({
        no: i.no,
        name: i.spec.name,
        level: byNo.get(i.no)?.level ?? null,
        source: byNo.get(i.no)?.source ?? 'none',
        notApplicable: na.has(i.no),
        weight: i.spec.weight,
      })),
    };
  }
}
