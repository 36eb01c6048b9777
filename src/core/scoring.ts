import { compileFramework, type Framework, MAX_LEVEL, MIN_LEVEL } from './framework';

/** Indicator number → verified (or self-assessed) level 1..5, or null/absent when not yet assessed. */
export type LevelMap = Readonly<Record<number, number | null | undefined>>;

export interface ScoreOptions {
  /** Indicator numbers that do not apply to this unit: excluded, remaining weights renormalised. */
  notApplicable?: readonly number[];
}

export interface GroupScore {
  id: string;
  name: string;
  /** Weight as published in the instrument. */
  weight: number;
  /** Weight still counted after not-applicable indicators are removed. */
  applicableWeight: number;
  parentId: string | null;
  depth: number;
  /** Weighted mean level of the group's assessed, applicable indicators; null when none. */
  index: number | null;
  complete: boolean;
}

export interface IndexResult {
  /** Overall index 1..5 over assessed applicable indicators; null when nothing is assessed. */
  index: number | null;
  predicate: string | null;
  /** Every applicable indicator has a level. */
  complete: boolean;
  assessedCount: number;
  applicableCount: number;
  /** True when some indicators were excluded as not applicable (weights renormalised). */
  renormalised: boolean;
  /** Every group of the tree, depth-first in instrument order. */
  groups: GroupScore[];
}

interface Ratio {
  num: number;
  den: number;
}

/**
 * Index of one unit (or the city) exactly as PermenPANRB 59/2020 computes it: weighted
 * mean of levels, groups likewise, predicate from the framework's bands. Arithmetic is on
 * integer weight units, so a vector whose true index is 2.6 is "Baik" (never 2.5999…).
 *
 * @example
 *   const r = computeIndex(spbe2020, { 1: 3, 2: 2 }, { notApplicable: [46, 47] });
 *   r.index; r.predicate; r.groups.find((g) => g.id === 'D1')?.index;
 */
export function computeIndex(
  fw: Framework,
  levels: LevelMap,
  options: ScoreOptions = {},
): IndexResult {
  const c = compileFramework(fw);
  const na = new Set(options.notApplicable ?? []);
  // Per indicator: counted units and level×units (0 when unassessed or not applicable).
  const sums = new Map<number, { w: number; wl: number; applicable: boolean; assessed: boolean }>();
  let assessedCount = 0;
  let applicableCount = 0;
  for (const ind of c.indicators) {
    const applicable = !na.has(ind.no);
    const level = validLevel(levels[ind.no]);
    const assessed = applicable && level !== null;
    if (applicable) applicableCount++;
    if (assessed) assessedCount++;
    sums.set(ind.no, {
      w: assessed ? ind.units : 0,
      wl: assessed ? ind.units * (level ?? 0) : 0,
      applicable,
      assessed,
    });
  }
  const groups: GroupScore[] = c.groups.map((g) => {
    let w = 0;
    let wl = 0;
    let applicableUnits = 0;
    let complete = true;
    for (const no of g.indicatorNos) {
      const s = sums.get(no);
      if (!s) continue;
      w += s.w;
      wl += s.wl;
      if (s.applicable) {
        applicableUnits += c.byNo.get(no)?.units ?? 0;
        if (!s.assessed) complete = false;
      }
    }
    return {
      id: g.spec.id,
      name: g.spec.name,
      weight: g.spec.weight,
      applicableWeight: applicableUnits / c.scale,
      parentId: g.parentId,
      depth: g.depth,
      index: w > 0 ? wl / w : null,
      complete,
    };
  });
  let w = 0;
  let wl = 0;
  for (const s of sums.values()) {
    w += s.w;
    wl += s.wl;
  }
  const ratio = w > 0 ? { num: wl, den: w } : null;
  return {
    index: ratio ? ratio.num / ratio.den : null,
    predicate: ratio ? predicateOf(fw, ratio) : null,
    complete: assessedCount === applicableCount,
    assessedCount,
    applicableCount,
    renormalised: na.size > 0 && c.indicators.some((i) => na.has(i.no)),
    groups,
  };
}

/** Predicate band of an index value, using exact comparison against the band minimums. */
export function predicateFor(fw: Framework, index: number): string | null {
  const d = decimalsOf(index);
  const den = 10 ** Math.min(d, 9);
  return predicateOf(fw, { num: Math.round(index * den), den });
}

function predicateOf(fw: Framework, r: Ratio): string | null {
  for (const band of fw.predicates) {
    const { num, den } = toRatio(band.min);
    // r.num / r.den >= num / den  ⇔  r.num × den >= num × r.den (all integers)
    if (r.num * den >= num * r.den) return band.name;
  }
  return fw.predicates[fw.predicates.length - 1]?.name ?? null;
}

/**
 * Index for display with two decimals, truncated (not rounded) so the shown number
 * always lies in the same band as the exact index: 2.596 shows "2.59" (Cukup), never
 * "2.60" next to the word Cukup.
 */
export function formatIndex(index: number | null, locale: 'id' | 'en' = 'id'): string {
  if (index === null) return '–';
  const t = Math.floor(index * 100 + 1e-7) / 100;
  const s = t.toFixed(2);
  return locale === 'id' ? s.replace('.', ',') : s;
}

function validLevel(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= MIN_LEVEL && v <= MAX_LEVEL
    ? v
    : null;
}

function decimalsOf(v: number): number {
  const s = String(v);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

function toRatio(v: number): Ratio {
  const den = 10 ** Math.min(decimalsOf(v), 9);
  return { num: Math.round(v * den), den };
}

// ---------------------------------------------------------------------------------------
// Improvement planner

export interface PlanOptions extends ScoreOptions {
  /** Level assumed for unassessed indicators (default 1). */
  unassessedAs?: number;
  /** Indicators that must not be changed (e.g. marked fixed by the coordinator). */
  fixed?: readonly number[];
  /**
   * Effort of one level-step per indicator (default 1). With efforts the plan minimises
   * total effort, then the number of steps, then indicators touched.
   */
  effort?: Readonly<Record<number, number>>;
}

export interface PlanStep {
  no: number;
  from: number;
  to: number;
}

export interface Plan {
  reachable: boolean;
  /** One entry per +1 level-step, grouped by indicator, heaviest indicators first. */
  steps: PlanStep[];
  currentIndex: number;
  resultingIndex: number;
  /** Number of distinct indicators the plan raises. */
  indicatorsTouched: number;
  totalEffort: number;
  /** Highest index reachable with the allowed steps. */
  maxIndex: number;
}

/** Beyond this many DP cells the instrument's weights are too fine-grained to plan exactly. */
const MAX_DP_CELLS = 50_000_000;

/**
 * The fewest level-steps (+1 on one indicator, never above 5) that bring the index to at
 * least `target`; among equally short plans, the one touching the fewest indicators. With
 * `effort`, the least total effort instead. Exact (dynamic programming over integer weight
 * units), not greedy.
 *
 * @example
 *   const plan = planImprovement(spbe2020, verifiedLevels, 3.0);
 *   plan.steps; // [{ no: 42, from: 2, to: 3 }, …]
 */
export function planImprovement(
  fw: Framework,
  levels: LevelMap,
  target: number,
  options: PlanOptions = {},
): Plan {
  const c = compileFramework(fw);
  const na = new Set(options.notApplicable ?? []);
  const fixed = new Set(options.fixed ?? []);
  const unassessed = validLevel(options.unassessedAs ?? MIN_LEVEL) ?? MIN_LEVEL;
  const items = c.indicators
    .filter((i) => !na.has(i.no))
    .map((i) => {
      const level = validLevel(levels[i.no]) ?? unassessed;
      const effort = options.effort?.[i.no] ?? 1;
      if (!(effort > 0) || !Number.isFinite(effort))
        throw new RangeError(`effort for indicator ${i.no} must be > 0`);
      return {
        no: i.no,
        units: i.units,
        level,
        capacity: fixed.has(i.no) ? 0 : MAX_LEVEL - level,
        effort,
      };
    });
  const W = items.reduce((a, i) => a + i.units, 0);
  const S = items.reduce((a, i) => a + i.units * i.level, 0);
  const maxS = items.reduce((a, i) => a + i.units * (i.level + i.capacity), 0);
  const base = { currentIndex: W ? S / W : 0, maxIndex: W ? maxS / W : 0 };
  const empty = (reachable: boolean): Plan => ({
    reachable,
    steps: [],
    resultingIndex: base.currentIndex,
    indicatorsTouched: 0,
    totalEffort: 0,
    ...base,
  });
  if (W === 0) return empty(false);

  const t = toRatio(target);
  // Need S' with S' × t.den ≥ t.num × W; gain is S' − S in weight units.
  const deficit = t.num * W - S * t.den;
  if (deficit <= 0) return empty(true);
  const g = gcdAll(items.filter((i) => i.capacity > 0).map((i) => i.units));
  if (g === 0) return empty(false);
  const needed = Math.ceil(deficit / t.den / g);
  if ((maxS - S) / g < needed) return empty(false);

  const active = items.filter((i) => i.capacity > 0);
  const n = needed + 1;
  if (active.length * n > MAX_DP_CELLS)
    throw new RangeError('instrument weights too fine-grained to plan exactly');
  // dp over gain (in units of g, capped at `needed`) of the lexicographically least
  // (effort, steps, touched). Lexicographic order is compatible with addition, so the DP is exact.
  let cost = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let steps = new Int32Array(n);
  let touched = new Int32Array(n);
  cost[0] = 0;
  const choice: Uint8Array[] = [];
  const from: Int32Array[] = [];
  for (const it of active) {
    const u = it.units / g;
    const nc = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const ns = new Int32Array(n);
    const nt = new Int32Array(n);
    const ch = new Uint8Array(n);
    const fr = new Int32Array(n);
    for (let gain = 0; gain < n; gain++) {
      const c0 = cost[gain] as number;
      if (c0 === Number.POSITIVE_INFINITY) continue;
      for (let s = 0; s <= it.capacity; s++) {
        const g2 = Math.min(needed, gain + s * u);
        const cc = c0 + s * it.effort;
        const cs = (steps[gain] as number) + s;
        const ct = (touched[gain] as number) + (s > 0 ? 1 : 0);
        if (lexLess(cc, cs, ct, nc[g2] as number, ns[g2] as number, nt[g2] as number)) {
          nc[g2] = cc;
          ns[g2] = cs;
          nt[g2] = ct;
          ch[g2] = s;
          fr[g2] = gain;
        }
      }
    }
    cost = nc;
    steps = ns;
    touched = nt;
    choice.push(ch);
    from.push(fr);
  }
  // Reconstruct from the full-gain cell.
  const raise = new Map<number, number>();
  let at = needed;
  for (let k = active.length - 1; k >= 0; k--) {
    const s = (choice[k] as Uint8Array)[at] as number;
    if (s > 0) raise.set((active[k] as (typeof active)[number]).no, s);
    at = (from[k] as Int32Array)[at] as number;
  }
  const ordered = active
    .filter((i) => raise.has(i.no))
    .sort((a, b) => b.units - a.units || a.effort - b.effort || a.no - b.no);
  const planSteps: PlanStep[] = [];
  let gained = 0;
  let effortSum = 0;
  for (const it of ordered) {
    const s = raise.get(it.no) ?? 0;
    for (let k = 0; k < s; k++)
      planSteps.push({ no: it.no, from: it.level + k, to: it.level + k + 1 });
    gained += s * it.units;
    effortSum += s * it.effort;
  }
  return {
    reachable: true,
    steps: planSteps,
    resultingIndex: (S + gained) / W,
    indicatorsTouched: ordered.length,
    totalEffort: effortSum,
    ...base,
  };
}

const EPS = 1e-9;
function lexLess(c1: number, s1: number, t1: number, c2: number, s2: number, t2: number): boolean {
  if (c2 === Number.POSITIVE_INFINITY) return c1 !== Number.POSITIVE_INFINITY;
  if (c1 < c2 - EPS) return true;
  if (c1 > c2 + EPS) return false;
  if (s1 !== s2) return s1 < s2;
  return t1 < t2;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
function gcdAll(xs: number[]): number {
  return xs.reduce((a, x) => gcd(a, x), 0);
}
