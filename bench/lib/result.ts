/**
 * One benchmark figure as written to bench/results.json.
 *
 * Timed figures are ratios against a baseline measured in the same run: each run measures
 * the subject and its baseline back to back, `ratio` is the median of the per-run ratios and
 * `min`/`max` their range; `value`/`baseline` are the medians of the per-run absolute figures.
 * Byte sizes have no baseline: `value` is the size, `ratio`/`min`/`max` are null.
 */
export interface Result {
  /** Benchmark module (bench/lib/<module>.ts). */
  module: string;
  name: string;
  /** Median absolute figure of the subject (null when not measured). */
  value: number | null;
  unit: string;
  /** Median absolute figure of the baseline (null for byte sizes). */
  baseline: number | null;
  /** What the baseline is. */
  baselineName: string | null;
  /** Median of per-run subject/baseline ratios. */
  ratio: number | null;
  /** Human-readable goal, e.g. "ratio ≤ 1.5". */
  goal: string | null;
  /** true/false against the goal; null when the figure has no goal or was not measured. */
  met: boolean | null;
  runs: number;
  /** Range of the per-run ratios (or of the values when there is no baseline). */
  min: number | null;
  max: number | null;
  /** measured: a figure with a goal; info: context without a goal; not-measured: honest gap. */
  status: 'measured' | 'info' | 'not-measured';
  note?: string;
  /** When the goal is missed: what limits it (from the benchmark's analysis). */
  limit?: string;
}

export interface BenchModule {
  name: string;
  title: string;
  /** What is measured and how (printed in RESULTS.md above the figures). */
  description: string;
  /** Facts learned while running (durability, versions, sanity checks), for RESULTS.md. */
  context: string[];
  run(): Promise<Result[]>;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export type Goal = { text: string; check: (ratioOrValue: number) => boolean };
export const ratioAtMost = (x: number, extra = ''): Goal => ({
  text: `ratio ≤ ${x}${extra}`,
  check: (r) => r <= x,
});
export const ratioAtLeast = (x: number, extra = ''): Goal => ({
  text: `ratio ≥ ${x}${extra}`,
  check: (r) => r >= x,
});
export const atMost = (x: number, unit: string): Goal => ({
  text: `≤ ${x.toLocaleString('en-US')} ${unit}`,
  check: (v) => v <= x,
});

/** A timed comparison from paired per-run samples (subject[i] and baseline[i] measured in run i). */
export function ratioResult(args: {
  module: string;
  name: string;
  unit: string;
  subject: number[];
  baseline: number[];
  baselineName: string;
  goal: Goal | null;
  note?: string;
  /** Explanation shown when the goal is missed. */
  ifMissed?: string;
}): Result {
  const { subject, baseline } = args;
  if (subject.length !== baseline.length || subject.length === 0)
    throw new Error(`${args.name}: unpaired samples`);
  const ratios = subject.map((s, i) => s / (baseline[i] as number));
  const ratio = median(ratios);
  const met = args.goal ? args.goal.check(ratio) : null;
  return {
    module: args.module,
    name: args.name,
    value: median(subject),
    unit: args.unit,
    baseline: median(baseline),
    baselineName: args.baselineName,
    ratio,
    goal: args.goal?.text ?? null,
    met,
    runs: ratios.length,
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    status: args.goal ? 'measured' : 'info',
    ...(args.note ? { note: args.note } : {}),
    ...(met === false && args.ifMissed ? { limit: args.ifMissed } : {}),
  };
}

/** A figure without a baseline (byte sizes, or a single value from several runs). */
export function valueResult(args: {
  module: string;
  name: string;
  unit: string;
  values: number[];
  goal: Goal | null;
  note?: string;
  ifMissed?: string;
}): Result {
  const v = median(args.values);
  const met = args.goal ? args.goal.check(v) : null;
  return {
    module: args.module,
    name: args.name,
    value: v,
    unit: args.unit,
    baseline: null,
    baselineName: null,
    ratio: null,
    goal: args.goal?.text ?? null,
    met,
    runs: args.values.length,
    min: args.values.length > 1 ? Math.min(...args.values) : null,
    max: args.values.length > 1 ? Math.max(...args.values) : null,
    status: args.goal ? 'measured' : 'info',
    ...(args.note ? { note: args.note } : {}),
    ...(met === false && args.ifMissed ? { limit: args.ifMissed } : {}),
  };
}

export function notMeasured(module: string, name: string, goal: string, why: string): Result {
  return {
    module,
    name,
    value: null,
    unit: '',
    baseline: null,
    baselineName: null,
    ratio: null,
    goal,
    met: null,
    runs: 0,
    min: null,
    max: null,
    status: 'not-measured',
    note: why,
  };
}
