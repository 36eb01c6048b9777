import {
  compileFramework,
  type Framework,
  isValueIn,
  MAX_LEVEL,
  MIN_LEVEL,
  notApplicableRuleOf,
  toHundredths,
  valueDomainOf,
} from './framework';

/**
 * Indicator number → value (a whole level 1..5, or 1.00..5.00 with two decimals on a
 * `decimal` indicator), or null/absent when not yet assessed.
 */
export type LevelMap = Readonly<Record<number, number | null | undefined>>;

/**
 * Which figure to compute. `official`: the instrument's own method — an indicator marked not
 * applicable counts as level 1 unless the instrument says `notApplicable: "exclude"`
 * (PermenPANRB 59/2020 and 8/2026 score every indicator). `internal`: Telusur's own
 * unit-level check — not-applicable indicators are left out and the remaining weights
 * renormalised; shown labelled as an internal figure. Under both, an outside-index indicator
 * without a value counts as 1 once anything is assessed (the instrument's rule, not a
 * not-applicable question).
 */
export type IndexRule = 'official' | 'internal';

export interface ScoreOptions {
  /** Indicator numbers a verifier marked not applicable to this unit. */
  notApplicable?: readonly number[];
  /** Default `official`. */
  rule?: IndexRule;
}

export interface GroupScore {
  id: string;
  name: string;
  /** Weight as published in the instrument. */
  weight: number;
  /** Weight still counted after not-applicable indicators are removed (internal rule). */
  applicableWeight: number;
  parentId: string | null;
  depth: number;
  /** Weighted mean value of the group's counted indicators; null when none. */
  index: number | null;
  complete: boolean;
}

export interface IndexResult {
  /** Overall index 1..5, exact (unrounded); null when nothing is assessed. */
  index: number | null;
  /** Predicate from the exact index and the instrument's bands. */
  predicate: string | null;
  /** Every counted indicator has a value. */
  complete: boolean;
  assessedCount: number;
  applicableCount: number;
  /** True when not-applicable indicators were left out (weights renormalised). */
  renormalised: boolean;
  rule: IndexRule;
  /** Indicators marked not applicable that the official rule counted as level 1. */
  notApplicableAsLevel1: number;
  /** Outside-index indicators without a value, counted as 1 (PermenPANRB 8/2026; both rules). */
  missingSourceAsLevel1: number;
  /** Every group of the tree, depth-first in instrument order. */
  groups: GroupScore[];
}

/** A value that is not in its indicator's domain reached the arithmetic. */
export class ValueDomainError extends RangeError {
  readonly indicatorNo: number;
  readonly value: unknown;
  constructor(indicatorNo: number, value: unknown, domain: string) {
    super(`indicator ${indicatorNo}: ${JSON.stringify(value)} is not a ${domain} value (1–5)`);
    this.name = 'ValueDomainError';
    this.indicatorNo = indicatorNo;
    this.value = value;
  }
}

interface Ratio {
  num: number;
  den: number;
}

/**
 * Validated value of one indicator in hundredths (1.17 → 117), or null when unassessed.
 * @throws ValueDomainError for anything else than null/undefined or a value of the domain.
 */
function hundredthsOf(fw: Framework, no: number, v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const domain = valueDomainOf(fw, no);
  if (!isValueIn(domain, v)) throw new ValueDomainError(no, v, domain);
  return toHundredths(v);
}

/**
 * Index of one unit (or the Pemda) as PermenPANRB 59/2020 and 8/2026 compute it: weighted
 * mean of indicator values (IA = Σ(wI·NI)/wA; index = Σ(wA·IA)/Σw), groups likewise,
 * predicate from the exact value and the instrument's bands. Arithmetic is on integers
 * (weight units × hundredths of a level), so a vector whose true index is 2.6 is "Baik"
 * (never 2.5999…), and nothing is rounded until display (`formatIndex`).
 *
 * Unassessed indicators (null) are left out, so a partial index covers what is assessed and
 * `complete` says whether that is everything. See `IndexRule` for not-applicable and
 * outside-index indicators.
 *
 * @throws ValueDomainError when a value is outside its indicator's domain (e.g. 1.5 on a
 *   whole-level indicator, 1.175, 6 or a string): dropping it would silently change the index.
 * @example
 *   const r = computeIndex(spbe2020, { 1: 3, 2: 2 }, { notApplicable: [46] });
 *   r.index; r.predicate; r.groups.find((g) => g.id === 'D1')?.index;
 */
export function computeIndex(
  fw: Framework,
  levels: LevelMap,
  options: ScoreOptions = {},
): IndexResult {
  const c = compileFramework(fw);
  const rule = options.rule ?? 'official';
  const excludeNa = rule === 'internal' || notApplicableRuleOf(fw) === 'exclude';
  const na = new Set(options.notApplicable ?? []);
  const values = new Map<number, number | null>();
  let anyValue = false;
  for (const ind of c.indicators) {
    const h = hundredthsOf(fw, ind.no, levels[ind.no]);
    values.set(ind.no, h);
    if (h !== null && !(excludeNa && na.has(ind.no))) anyValue = true;
  }
  // Per indicator: counted units and units × hundredths (0 when not counted).
  const sums = new Map<number, { w: number; wl: number; applicable: boolean; assessed: boolean }>();
  let assessedCount = 0;
  let applicableCount = 0;
  let notApplicableAsLevel1 = 0;
  let missingSourceAsLevel1 = 0;
  for (const ind of c.indicators) {
    const isNa = na.has(ind.no);
    const applicable = !(isNa && excludeNa);
    let h = applicable ? (values.get(ind.no) ?? null) : null;
    const assessed = applicable && (h !== null || isNa);
    if (applicable && isNa) {
      h = MIN_LEVEL * 100;
      notApplicableAsLevel1++;
    }
    let counted = h !== null;
    if (applicable && h === null && ind.spec.source && anyValue) {
      // "Nilai dari indeks instansi lain": a missing outside index counts as 1.
      h = MIN_LEVEL * 100;
      counted = true;
      missingSourceAsLevel1++;
    }
    if (applicable) applicableCount++;
    if (assessed) assessedCount++;
    sums.set(ind.no, {
      w: counted ? ind.units : 0,
      wl: counted ? ind.units * (h ?? 0) : 0,
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
      index: w > 0 ? wl / (w * 100) : null,
      complete,
    };
  });
  let w = 0;
  let wl = 0;
  for (const s of sums.values()) {
    w += s.w;
    wl += s.wl;
  }
  const ratio = w > 0 ? { num: wl, den: w * 100 } : null;
  return {
    index: ratio ? ratio.num / ratio.den : null,
    predicate: ratio ? predicateOf(fw, ratio) : null,
    complete: assessedCount === applicableCount,
    assessedCount,
    applicableCount,
    renormalised: excludeNa && c.indicators.some((i) => na.has(i.no)),
    rule,
    notApplicableAsLevel1,
    missingSourceAsLevel1,
    groups,
  };
}

/**
 * The message a person reads when a value is outside its indicator's domain, or null when
 * the value is fine (null = not assessed is fine). Used at every edge (tablet input, push,
 * CSV import) so the refusal names the indicator and what it accepts.
 */
export function valueProblem(
  fw: Framework,
  indicatorNo: number,
  v: unknown,
): { code: 'value_out_of_domain'; message: string; messageEn: string } | null {
  if (v === null || v === undefined) return null;
  const domain = valueDomainOf(fw, indicatorNo);
  if (isValueIn(domain, v)) return null;
  // The value as typed, in each language's decimal mark ("5,01" / "5.01").
  const idText = typeof v === 'number' ? String(v).replace('.', ',') : String(v);
  return {
    code: 'value_out_of_domain',
    message:
      domain === 'level'
        ? `Indikator ${indicatorNo}: nilai harus level bulat 1–5, bukan ${idText}.`
        : `Indikator ${indicatorNo}: nilai harus 1,00–5,00 dengan paling banyak dua desimal, bukan ${idText}.`,
    messageEn:
      domain === 'level'
        ? `Indicator ${indicatorNo}: the value must be a whole level 1–5, not ${String(v)}.`
        : `Indicator ${indicatorNo}: the value must be 1.00–5.00 with at most two decimals, not ${String(v)}.`,
  };
}

/** Predicate band of an index value, using exact comparison against the band minimums. */
export function predicateFor(fw: Framework, index: number): string | null {
  return predicateOf(fw, toRatio(index));
}

function predicateOf(fw: Framework, r: Ratio): string | null {
  for (const band of fw.predicates) {
    const { num, den } = toRatio(band.min);
    // r.num / r.den >= num / den  ⇔  r.num × den >= num × r.den; BigInt because the
    // products of a fine-grained instrument can pass 2^53.
    if (BigInt(r.num) * BigInt(den) >= BigInt(num) * BigInt(r.den)) return band.name;
  }
  return fw.predicates[fw.predicates.length - 1]?.name ?? null;
}

/**
 * An index rounded half up to two decimals, as official results are published (22/6 → 3.67,
 * 7/6 → 1.17, 2.645 → 2.65, 3.0049 → 3.00; PermenPANRB 8/2026 results, see README "Skor").
 * Only for display: arithmetic and predicates use the exact value.
 *
 * Why the 1e-9: an index is a ratio p/q of integers and a value such as 2.645 is stored as
 * the float 2.64499999…; a true ratio is never closer than 1/(2q) to a rounding boundary
 * without lying on it, which is far above 1e-9 for any q up to 10^8 (instruments whose
 * weights have up to four decimals), while the float error is about 1e-13.
 */
export function roundIndex(index: number): number {
  return Math.floor(index * 100 + 0.5 + 1e-9) / 100;
}

/**
 * Index for display: two decimals rounded half up, with a decimal comma in Indonesian
 * ('–' for none). The one formatter of every screen, print, CSV and XLSX.
 */
export function formatIndex(index: number | null, locale: 'id' | 'en' = 'id'): string {
  if (index === null) return '–';
  const s = roundIndex(index).toFixed(2);
  return locale === 'id' ? s.replace('.', ',') : s;
}

/**
 * One indicator value for people: a whole level as "3", a decimal value with two decimals
 * ("2,50" in Indonesian, "2.50" in English); '–' for none. With `domain` `decimal` a whole
 * value is written "3,00" too, as assessor results are.
 */
export function formatValue(
  v: number | null | undefined,
  locale: 'id' | 'en' = 'id',
  domain?: 'level' | 'decimal',
): string {
  if (v === null || v === undefined) return '–';
  if (domain !== 'decimal' && Number.isInteger(v)) return String(v);
  const s = (Math.round(v * 100) / 100).toFixed(2);
  return locale === 'id' ? s.replace('.', ',') : s;
}

/**
 * Name of the level an aggregate value has reached on the instrument's `indexScale`
 * (1.24 → "Merintis" in PermenPANRB 8/2026), from the exact value (levels are reached, not
 * rounded to); null when the instrument names no index scale.
 */
export function indexLevelName(fw: Framework, index: number | null): string | null {
  if (index === null || fw.indexScale === undefined) return null;
  const names = fw.scales[fw.indexScale];
  const whole = Math.min(MAX_LEVEL, Math.max(MIN_LEVEL, Math.floor(index + 1e-9)));
  return names?.[whole - MIN_LEVEL] ?? null;
}

/** What a screen shows for one index: see `describeIndex`. */
export interface IndexDisplay {
  /** Rounded half up: "2,60". */
  value: string;
  /** From the exact value. */
  predicate: string | null;
  /** Level name of the aggregate when the instrument names one ("Merintis"). */
  levelName: string | null;
  /**
   * Set when the rounded figure sits across a band (or level) edge from the exact value:
   * "2,597 — predikat dari nilai tepat". Shown beside the figure, never hidden.
   */
  exactNote: string | null;
}

/**
 * Everything a screen, print or export shows for an index: the rounded figure, the predicate
 * and level name of the exact value, and a note when rounding carried the figure across a
 * band edge (exact 2.597 shows 2,60 next to "Cukup" with "2,597 — predikat dari nilai tepat").
 *
 * @param predicate the predicate already computed exactly (computeIndex), else derived here;
 *   `false` for a figure shown without a predicate (an aspect or domain row): then only a
 *   level-name crossing is noted.
 */
export function describeIndex(
  fw: Framework,
  index: number | null,
  locale: 'id' | 'en' = 'id',
  predicate?: string | null | false,
): IndexDisplay {
  if (index === null) return { value: '–', predicate: null, levelName: null, exactNote: null };
  const exactPredicate = predicate === false ? null : (predicate ?? predicateFor(fw, index));
  const level = indexLevelName(fw, index);
  const rounded = roundIndex(index);
  const predicateCrosses = predicate !== false && predicateFor(fw, rounded) !== exactPredicate;
  const levelCrosses = level !== null && indexLevelName(fw, rounded) !== level;
  let exactNote: string | null = null;
  if (predicateCrosses || levelCrosses) {
    // Three decimals, truncated: never on the far side of an edge of at most two decimals.
    const t = (Math.floor(index * 1000 + 1e-7) / 1000).toFixed(3);
    const shown = locale === 'id' ? t.replace('.', ',') : t;
    const what =
      locale === 'id'
        ? predicateCrosses && levelCrosses
          ? 'predikat dan level dari nilai tepat'
          : predicateCrosses
            ? 'predikat dari nilai tepat'
            : 'level dari nilai tepat'
        : predicateCrosses && levelCrosses
          ? 'predicate and level from the exact value'
          : predicateCrosses
            ? 'predicate from the exact value'
            : 'level from the exact value';
    exactNote = `${shown} — ${what}`;
  }
  return {
    value: formatIndex(index, locale),
    predicate: exactPredicate,
    levelName: level,
    exactNote,
  };
}

/**
 * Levels are cumulative (level N requires level N−1's criteria, PermenPANRB 59/2020 and
 * 8/2026): the first level from 2 up to the chosen one whose expected evidence is not all
 * marked present, or null when the chosen value is supported (or is level 1, the floor every
 * unit has, or the indicator is valued from an outside index and has no document checks).
 *
 * @param stateOf the evidence state of item `index` (0-based) of `level`, as checked.
 * @example cumulativeGap(fw, 3, 4, st) → { claimed: 4, firstIncomplete: 2 }
 *   ("Level 4 dipilih, tetapi bukti level 2 belum lengkap")
 */
export function cumulativeGap(
  fw: Framework,
  indicatorNo: number,
  value: number | null | undefined,
  stateOf: (level: number, index: number) => string | null | undefined,
): { claimed: number; firstIncomplete: number } | null {
  if (typeof value !== 'number') return null;
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  if (!ind || ind.spec.source) return null;
  const claimed = Math.floor(value + 1e-9);
  for (let level = MIN_LEVEL + 1; level <= Math.min(claimed, MAX_LEVEL); level++) {
    const items = ind.spec.levels?.[level - 1]?.evidence ?? [];
    if (items.some((_, i) => stateOf(level, i) !== 'present'))
      return { claimed, firstIncomplete: level };
  }
  return null;
}

function decimalsOf(v: number): number {
  const s = String(v);
  if (s.includes('e-')) return 9;
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
  /** Value assumed for unassessed indicators (default 1). */
  unassessedAs?: number;
  /** Indicators that must not be changed (e.g. marked fixed by the coordinator). */
  fixed?: readonly number[];
  /**
   * Effort of one level-step per indicator (default 1). With efforts the plan minimises
   * total effort, then the number of steps, then indicators touched.
   */
  effort?: Readonly<Record<number, number>>;
  /**
   * Most level-steps one indicator may climb in one period (none when absent). Levels are
   * cumulative and the upper ones need a review cycle, so raising an indicator from 1 to 5
   * in one period is not credible; the coordinator's period setting defaults to 2.
   */
  maxStepsPerIndicator?: number;
}

export interface PlanStep {
  no: number;
  /** Value before the step (decimal on a decimal indicator: 1.25 → 2 is one step). */
  from: number;
  /** The next whole level. */
  to: number;
}

export interface Plan {
  reachable: boolean;
  /** One entry per level-step, grouped by indicator, heaviest indicators first. */
  steps: PlanStep[];
  currentIndex: number;
  resultingIndex: number;
  /** Number of distinct indicators the plan raises. */
  indicatorsTouched: number;
  totalEffort: number;
  /** Highest index reachable with the allowed steps (within the cap). */
  maxIndex: number;
  /** The cap applied (null when none). */
  maxStepsPerIndicator: number | null;
  /** The target would be reachable without the cap but not within it. */
  capLimited: boolean;
}

/** Beyond this many DP cells the instrument's weights are too fine-grained to plan exactly. */
const MAX_DP_CELLS = 50_000_000;

/**
 * The fewest level-steps that bring the index to at least `target`; among equally short
 * plans, the one touching the fewest indicators. With `effort`, the least total effort
 * instead. A step raises one indicator to its next whole level (1.25 → 2, then 2 → 3), never
 * above 5, at most `maxStepsPerIndicator` per indicator. Exact (dynamic programming over
 * integer weight units × hundredths of a level), not greedy. The index follows `rule`
 * like computeIndex (official: not-applicable counts as level 1 and may be raised).
 *
 * When the target cannot be reached, `reachable` is false, `maxIndex` says what can be, and
 * `capLimited` whether only the cap stands in the way.
 *
 * @throws ValueDomainError for a value outside its indicator's domain; RangeError for an
 *   effort ≤ 0, a negative cap, or an instrument too fine-grained to plan exactly.
 * @example
 *   const plan = planImprovement(spbe2020, verifiedLevels, 3.0, { maxStepsPerIndicator: 2 });
 *   plan.steps; // [{ no: 42, from: 2, to: 3 }, …]
 */
export function planImprovement(
  fw: Framework,
  levels: LevelMap,
  target: number,
  options: PlanOptions = {},
): Plan {
  const c = compileFramework(fw);
  const excludeNa = options.rule === 'internal' || notApplicableRuleOf(fw) === 'exclude';
  const na = new Set(options.notApplicable ?? []);
  const fixed = new Set(options.fixed ?? []);
  const cap = options.maxStepsPerIndicator ?? null;
  if (cap !== null && !(cap >= 0 && Number.isInteger(cap)))
    throw new RangeError('maxStepsPerIndicator must be a whole number ≥ 0');
  const unassessedH = isValueIn('decimal', options.unassessedAs)
    ? toHundredths(options.unassessedAs)
    : MIN_LEVEL * 100;
  const items = c.indicators
    .filter((i) => !(excludeNa && na.has(i.no)))
    .map((i) => {
      const h = na.has(i.no)
        ? MIN_LEVEL * 100
        : (hundredthsOf(fw, i.no, levels[i.no]) ?? unassessedH);
      const whole = Math.floor(h / 100);
      const effort = options.effort?.[i.no] ?? 1;
      if (!(effort > 0) || !Number.isFinite(effort))
        throw new RangeError(`effort for indicator ${i.no} must be > 0`);
      const room = fixed.has(i.no) ? 0 : MAX_LEVEL - whole;
      return {
        no: i.no,
        units: i.units,
        h,
        whole,
        room,
        capacity: cap === null ? room : Math.min(cap, room),
        effort,
      };
    });
  // Gain in units × hundredths of climbing s steps: to whole + s.
  const gainOf = (it: (typeof items)[number], s: number) =>
    s === 0 ? 0 : ((it.whole + s) * 100 - it.h) * it.units;
  const W = items.reduce((a, i) => a + i.units, 0) * 100;
  const S = items.reduce((a, i) => a + i.units * i.h, 0);
  const maxS = items.reduce((a, i) => a + i.units * i.h + gainOf(i, i.capacity), 0);
  const maxUncapped = items.reduce((a, i) => a + i.units * i.h + gainOf(i, i.room), 0);
  const t = toRatio(target);
  const reaches = (sum: number) => BigInt(sum) * BigInt(t.den) >= BigInt(t.num) * BigInt(W);
  const base = {
    currentIndex: W ? S / W : 0,
    maxIndex: W ? maxS / W : 0,
    maxStepsPerIndicator: cap,
  };
  const empty = (reachable: boolean): Plan => ({
    reachable,
    steps: [],
    resultingIndex: base.currentIndex,
    indicatorsTouched: 0,
    totalEffort: 0,
    capLimited: !reachable && W > 0 && reaches(maxUncapped),
    ...base,
  });
  if (W === 0) return empty(false);
  // Need S' with S' × t.den ≥ t.num × W; gain is S' − S.
  const deficit = t.num * W - S * t.den;
  if (deficit <= 0) return empty(true);
  if (!reaches(maxS)) return empty(false);
  const active = items.filter((i) => i.capacity > 0);
  const g = gcdAll(active.flatMap((i) => [gainOf(i, 1), i.units * 100]));
  const needed = Math.ceil(deficit / t.den / g);
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
    const nc = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const ns = new Int32Array(n);
    const nt = new Int32Array(n);
    const ch = new Uint8Array(n);
    const fr = new Int32Array(n);
    for (let gain = 0; gain < n; gain++) {
      const c0 = cost[gain] as number;
      if (c0 === Number.POSITIVE_INFINITY) continue;
      for (let s = 0; s <= it.capacity; s++) {
        const g2 = Math.min(needed, gain + gainOf(it, s) / g);
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
      planSteps.push({
        no: it.no,
        from: k === 0 ? it.h / 100 : it.whole + k,
        to: it.whole + k + 1,
      });
    gained += gainOf(it, s);
    effortSum += s * it.effort;
  }
  return {
    reachable: true,
    steps: planSteps,
    resultingIndex: (S + gained) / W,
    indicatorsTouched: ordered.length,
    totalEffort: effortSum,
    capLimited: false,
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
