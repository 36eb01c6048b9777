import type { Framework, GroupSpec, IndicatorSource, IndicatorSpec } from './framework-schema';

/**
 * The instrument as data, so a new evaluation instrument needs no code change. A framework
 * is a JSON document; ./framework-schema is its schema and validator (parseFramework), this
 * module the compiled view used by the scoring code. Zod-free: the tablet's first screen
 * imports it, and schemas load only with the code that validates (store, sync, server).
 */

export type {
  Framework,
  FrameworkProblem,
  GroupSpec,
  IndicatorSource,
  IndicatorSpec,
  LevelSpec,
  Predicate,
} from './framework-schema';

/**
 * What values an indicator takes: `level` = whole maturity levels 1–5 (PermenPANRB 59/2020);
 * `decimal` = assessor values 1,00–5,00 in steps of 0,01 (PermenPANRB 8/2026: published
 * results carry 1,17 · 1,25 · 2,5, partial credit toward the next level).
 */
export const VALUE_DOMAINS = ['level', 'decimal'] as const;
export type ValueDomain = (typeof VALUE_DOMAINS)[number];

/**
 * How the official index treats an indicator a verifier marked "not applicable". Neither
 * instrument knows "not applicable" (59/2020 and 8/2026 score every indicator; level 1
 * already means absent or draft), so the default `level-1` counts it as level 1. `exclude`
 * leaves it out and renormalises the weights — what Telusur's own internal unit figures do.
 */
export const NOT_APPLICABLE_RULES = ['level-1', 'exclude'] as const;
export type NotApplicableRule = (typeof NOT_APPLICABLE_RULES)[number];

/** Lowest and highest maturity level of every framework. */
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 5;

/** Decimal places of `v` as written (99 for exponent notation); weights use ≤ 6. */
export function decimals(v: number): number {
  const s = String(v);
  if (s.includes('e-')) return 99;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/** 10^d where d is the most decimals any weight or band bound uses; null when > 6. */
export function weightScale(fw: Framework): number | null {
  let d = 0;
  const visit = (groups: GroupSpec[]) => {
    for (const g of groups) {
      d = Math.max(d, decimals(g.weight));
      for (const ind of g.indicators ?? []) d = Math.max(d, decimals(ind.weight));
      visit(g.groups ?? []);
    }
  };
  visit(fw.groups);
  return d > 6 ? null : 10 ** d;
}

// ---------------------------------------------------------------------------------------
// Compiled view

export interface CompiledIndicator {
  readonly spec: IndicatorSpec;
  readonly no: number;
  /** Weight in integer units of 1/scale. */
  readonly units: number;
  /** Ids of the groups from the root down to the indicator's own group. */
  readonly path: readonly string[];
}

export interface CompiledGroup {
  readonly spec: GroupSpec;
  readonly depth: number;
  readonly parentId: string | null;
  /** Numbers of all indicators below this group. */
  readonly indicatorNos: readonly number[];
}

export interface CompiledFramework {
  readonly fw: Framework;
  readonly scale: number;
  readonly indicators: readonly CompiledIndicator[];
  readonly byNo: ReadonlyMap<number, CompiledIndicator>;
  readonly groups: readonly CompiledGroup[];
}

const compiledCache = new WeakMap<Framework, CompiledFramework>();

/** Flatten a validated framework for scoring; cached per framework object. */
export function compileFramework(fw: Framework): CompiledFramework {
  const hit = compiledCache.get(fw);
  if (hit) return hit;
  const scale = weightScale(fw) ?? 1_000_000;
  const indicators: CompiledIndicator[] = [];
  const groups: CompiledGroup[] = [];
  const walk = (list: GroupSpec[], path: string[], parentId: string | null): number[] => {
    const all: number[] = [];
    for (const g of list) {
      const here = [...path, g.id];
      const entry = { spec: g, depth: path.length, parentId, indicatorNos: [] as number[] };
      groups.push(entry);
      const nos: number[] = [];
      for (const ind of g.indicators ?? []) {
        indicators.push({
          spec: ind,
          no: ind.no,
          units: Math.round(ind.weight * scale),
          path: here,
        });
        nos.push(ind.no);
      }
      nos.push(...walk(g.groups ?? [], here, g.id));
      entry.indicatorNos = nos;
      all.push(...nos);
    }
    return all;
  };
  walk(fw.groups, [], null);
  const compiled: CompiledFramework = {
    fw,
    scale,
    indicators,
    byNo: new Map(indicators.map((i) => [i.no, i])),
    groups,
  };
  compiledCache.set(fw, compiled);
  return compiled;
}

/** All indicators in instrument order, with the ids of their groups. */
export function listIndicators(fw: Framework): readonly CompiledIndicator[] {
  return compileFramework(fw).indicators;
}

/**
 * Name of a level on an indicator's scale, e.g. 3 → "Terdefinisi". A decimal value is named
 * by the whole level it has reached (1,5 → level 1's name): levels are cumulative, so partial
 * credit toward level 2 is still level 1.
 */
export function levelName(fw: Framework, indicatorNo: number, level: number): string {
  const ind = compileFramework(fw).byNo.get(indicatorNo);
  const labels = ind ? fw.scales[ind.spec.scale] : undefined;
  return labels?.[Math.floor(level + 1e-9) - MIN_LEVEL] ?? String(level);
}

/** The value domain of one indicator: its own `values`, else the instrument's, else `level`. */
export function valueDomainOf(fw: Framework, indicatorNo: number): ValueDomain {
  return compileFramework(fw).byNo.get(indicatorNo)?.spec.values ?? fw.values ?? 'level';
}

/** The official rule for "not applicable" of an instrument (default `level-1`). */
export function notApplicableRuleOf(fw: Framework): NotApplicableRule {
  return fw.notApplicable ?? 'level-1';
}

/**
 * Whether `v` is a value of the domain: `level` = an integer 1..5; `decimal` = 1.00..5.00
 * with at most two decimals (a float such as 1.17 is accepted; 1.175 is not).
 */
export function isValueIn(domain: ValueDomain, v: unknown): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_LEVEL || v > MAX_LEVEL) return false;
  if (domain === 'level') return Number.isInteger(v);
  return Math.abs(v * 100 - Math.round(v * 100)) < 1e-6;
}

/** A value in hundredths of a level (1.17 → 117), exact for any value `isValueIn` accepts. */
export function toHundredths(v: number): number {
  return Math.round(v * 100);
}

/**
 * The indicator value an outside index gives (PermenPANRB 8/2026: value from another
 * agency's index). With a mapping, the first band whose `min` the raw value reaches (or,
 * with `interpolate: "linear"`, the straight line between it and the point above); below
 * every band, 1. Without a mapping, the raw value itself (already on 1–5), rounded half up
 * to two decimals. Returns null when the raw value lies outside the source's range (or, with
 * no range, outside 1–5): the caller shows the range instead of guessing.
 */
export function valueFromSource(src: IndicatorSource, raw: number): number | null {
  if (!Number.isFinite(raw)) return null;
  const lo = src.range?.min ?? MIN_LEVEL;
  const hi = src.range?.max ?? MAX_LEVEL;
  if (raw < lo || raw > hi) return null;
  const half = (x: number) => Math.floor(x * 100 + 0.5 + 1e-9) / 100;
  if (!src.mapping) return half(raw);
  const points = src.mapping;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as { min: number; value: number };
    if (raw < p.min) continue;
    const above = points[i - 1];
    if (src.interpolate !== 'linear' || !above) return p.value;
    return half(p.value + ((raw - p.min) * (above.value - p.value)) / (above.min - p.min));
  }
  return MIN_LEVEL;
}
