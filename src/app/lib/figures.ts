import {
  computeIndex,
  describeIndex,
  type Framework,
  type IndexDisplay,
  type IndexResult,
  listIndicators,
  type Plan,
  planImprovement,
  ValueDomainError,
} from '../../core';
import type { Verification } from '../../store';
import type { Locale } from '../../ui/i18n';
import { levelsOf } from './progress';

/**
 * The figures a unit's summary and berita acara show: the official index (the instrument's
 * rule: not applicable counts as level 1, a missing outside index as 1), Telusur's internal
 * figure without not-applicable indicators where it differs, the self-assessed index, and
 * the improvement plan under the period's cap of level steps per indicator.
 */

/** Level steps one indicator may climb in a period when the period does not say (issue default). */
export const DEFAULT_PLAN_STEP_CAP = 2;

/**
 * The period's cap of level steps per indicator (`planStepCap`, set by the coordinator and
 * sent with the period), else 2. A period stored by an older server has none.
 */
export function planStepCap(period: Readonly<Record<string, unknown>> | null | undefined): number {
  const cap = period?.planStepCap;
  return typeof cap === 'number' && Number.isInteger(cap) && cap >= 0 ? cap : DEFAULT_PLAN_STEP_CAP;
}

export interface UnitFigures {
  /** The official index (headline): the instrument's own rule. */
  official: IndexResult;
  /**
   * Telusur's internal unit figure without not-applicable indicators (weights renormalised),
   * only when it differs from the official one because some were counted as level 1.
   */
  internal: IndexResult | null;
  /**
   * The unit's self-assessed index: its own statement, nothing marked not applicable by the
   * verifier is applied to it (the server's self index is computed the same way).
   */
  self: IndexResult;
}

/** A stored value outside its indicator's domain: the screen names it instead of a figure. */
export interface FigureProblem {
  indicatorNo: number;
  value: unknown;
}

/**
 * Official, internal and self-assessed index of a unit from its verifications. Returns
 * `{ problem }` when a stored value is outside its indicator's domain (computeIndex refuses
 * to drop it silently); the screen then says which indicator holds it.
 */
export function unitFigures(
  fw: Framework,
  verifications: readonly Verification[],
): UnitFigures | { problem: FigureProblem } {
  const verified = levelsOf(verifications, 'verifiedLevel');
  const self = levelsOf(verifications, 'selfLevel');
  const opts = { notApplicable: verified.notApplicable };
  try {
    const official = computeIndex(fw, verified.levels, opts);
    return {
      official,
      internal:
        official.notApplicableAsLevel1 > 0
          ? computeIndex(fw, verified.levels, { ...opts, rule: 'internal' })
          : null,
      self: computeIndex(fw, self.levels),
    };
  } catch (e) {
    if (e instanceof ValueDomainError)
      return { problem: { indicatorNo: e.indicatorNo, value: e.value } };
    throw e;
  }
}

/**
 * What an aspect or domain row shows: the rounded figure and, where the instrument names
 * index levels, the level name of the exact value, with a note when rounding crosses a level
 * edge (group rows carry no predicate, so no predicate edge is noted).
 */
export function groupFigure(fw: Framework, index: number | null, locale: Locale): IndexDisplay {
  return describeIndex(fw, index, locale, false);
}

export interface UnitPlan {
  /** Plan to the period's target under the cap. */
  plan: Plan;
  /**
   * When the target cannot be reached: the plan to the best index reachable under the cap
   * (two decimals, rounded down so it is reached), or null when nothing can be raised.
   */
  best: Plan | null;
}

/**
 * The improvement plan from what is known best — the verified value, else (not yet
 * verified) the self-assessed one — to `target`, at most `cap` level steps per indicator,
 * under the official rule. An indicator valued from an outside index never falls back to
 * the self-assessed value: while its index is missing it counts as 1 in the official index,
 * so the plan starts it there too.
 *
 * @throws ValueDomainError for a stored value outside its indicator's domain.
 */
export function unitPlan(
  fw: Framework,
  verifications: readonly Verification[],
  target: number,
  cap: number,
): UnitPlan {
  const verified = levelsOf(verifications, 'verifiedLevel');
  const levels: Record<number, number | null> = { ...levelsOf(verifications, 'selfLevel').levels };
  for (const ind of listIndicators(fw)) if (ind.spec.source) levels[ind.no] = null;
  for (const [no, l] of Object.entries(verified.levels)) if (l !== null) levels[Number(no)] = l;
  const opts = { notApplicable: verified.notApplicable, maxStepsPerIndicator: cap };
  const plan = planImprovement(fw, levels, target, opts);
  if (plan.reachable) return { plan, best: null };
  const reachable = Math.floor(plan.maxIndex * 100 + 1e-9) / 100;
  if (!(reachable > plan.currentIndex)) return { plan, best: null };
  const best = planImprovement(fw, levels, reachable, opts);
  return { plan, best: best.steps.length > 0 ? best : null };
}
