/** Table for the terminal, bench/results.json and bench/RESULTS.md. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromiumVersion } from './browser';
import { BENCH, ROOT } from './paths';
import type { BenchModule, Result } from './result';

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  os: string;
  node: string;
  chromium: string;
  commit: string;
  /** 1-minute load average when the run started and ended (other work on the machine skews timings). */
  load: { start: number; end: number | null };
}

export function machine(): Machine {
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {}
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {}
  let commit = 'unknown';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'src', 'index.html', 'vite.config.ts', 'package.json'],
      { cwd: ROOT, encoding: 'utf8' },
    ).trim();
    commit = dirty ? `${head} + uncommitted changes in src/ (working tree measured)` : head;
  } catch {}
  return {
    date: new Date().toISOString(),
    nproc,
    cpu,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    chromium: chromiumVersion(),
    commit,
    load: { start: Math.round((loadavg()[0] ?? 0) * 100) / 100, end: null },
  };
}

export function endLoad(m: Machine): void {
  m.load.end = Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function fmtValue(v: number | null, unit: string): string {
  if (v === null || Number.isNaN(v)) return '—';
  if (unit === 'B') return `${int(v)} B (${(v / 1024).toFixed(1)} KB)`;
  if (unit === 'ms/op' || unit === 'ms') return `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ${unit}`;
  if (unit === 'rows/s') return `${int(v)} rows/s`;
  return `${v.toPrecision(4)} ${unit}`;
}

export function fmtRatio(r: Result): string {
  if (r.ratio === null) {
    if (r.min !== null && r.max !== null && r.min !== r.max)
      return `range ${fmtValue(r.min, r.unit)} – ${fmtValue(r.max, r.unit)}`;
    return '—';
  }
  return `${r.ratio.toFixed(2)}× (${(r.min ?? r.ratio).toFixed(2)}–${(r.max ?? r.ratio).toFixed(2)})`;
}

export function fmtMet(r: Result): string {
  if (r.status === 'not-measured') return 'not measured yet';
  if (r.met === null) return 'info';
  return r.met ? 'met' : 'MISSED';
}

/** Plain text table for the terminal. */
export function table(results: Result[]): string {
  const rows = [
    ['benchmark', 'value', 'baseline', 'ratio (min–max)', 'goal', 'met'],
    ...results.map((r) => [
      r.name,
      fmtValue(r.value, r.unit),
      fmtValue(r.baseline, r.unit),
      fmtRatio(r),
      r.goal ?? '',
      fmtMet(r),
    ]),
  ];
  const widths =
    rows[0]?.map((_, i) => Math.min(70, Math.max(...rows.map((row) => (row[i] ?? '').length)))) ??
    [];
  const line = (row: string[]) =>
    row
      .map((c, i) =>
        c.length > (widths[i] ?? 0)
          ? `${c.slice(0, (widths[i] ?? 1) - 1)}…`
          : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  return [
    line(rows[0] as string[]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function markdown(
  m: Machine,
  modules: BenchModule[],
  byModule: Map<string, Result[]>,
  seconds: number,
): string {
  const all = [...byModule.values()].flat();
  const out: string[] = [];
  out.push('# Telusur benchmark results', '');
  out.push(
    'Written by `npm run bench` (bench/run.ts); machine-readable copy in `bench/results.json`. Timed figures are ratios against a baseline measured in the same run: the median of the per-run ratios, with the range over runs in brackets; value and baseline columns are the medians of the per-run absolute figures. Byte sizes are absolute.',
    '',
  );
  out.push(`- Date: ${m.date}`);
  out.push(`- Machine: nproc ${m.nproc}, ${m.cpu}, ${m.memoryGiB} GiB RAM, ${m.os}`);
  out.push(`- Node ${m.node}; ${m.chromium}`);
  out.push(`- Code: ${m.commit}`);
  out.push(`- Whole run: ${seconds.toFixed(0)} s`);
  out.push(
    `- Load average (1 min) at start / end: ${m.load.start} / ${m.load.end ?? '—'} on ${m.nproc} CPUs${(m.load.end ?? 0) > m.nproc || m.load.start > m.nproc ? ' — the machine was busy with other work during this run, so absolute figures are slower and noisier than on an idle machine; ratios are measured back to back and hold up better' : ''}`,
    '',
  );
  const measured = all.filter((r) => r.status === 'measured');
  out.push(
    `**Goals: ${measured.filter((r) => r.met).length} met, ${measured.filter((r) => r.met === false).length} missed, ${all.filter((r) => r.status === 'not-measured').length} figures not measured yet.**`,
    '',
  );
  for (const mod of modules) {
    const results = byModule.get(mod.name) ?? [];
    out.push(`## ${mod.title}`, '', mod.description, '');
    if (results.length > 0) {
      out.push(
        '| Figure | Value | Baseline | Ratio (min–max) | Goal | Met |',
        '|---|---|---|---|---|---|',
      );
      for (const r of results) {
        const base = r.baselineName
          ? `${fmtValue(r.baseline, r.unit)} — ${r.baselineName}`
          : fmtValue(r.baseline, r.unit);
        out.push(
          `| ${esc(r.name)}${r.note ? `<br><small>${esc(r.note)}</small>` : ''} | ${fmtValue(r.value, r.unit)} | ${esc(base)} | ${fmtRatio(r)} | ${esc(r.goal ?? '—')} | ${fmtMet(r)} |`,
        );
      }
      out.push('');
    }
    for (const c of mod.context) out.push(`- ${c}`);
    if (mod.context.length > 0) out.push('');
  }
  const missed = all.filter((r) => r.met === false);
  out.push('## Goals missed and what limits them', '');
  if (missed.length === 0) out.push('None in this run.');
  for (const r of missed)
    out.push(
      `- **${r.name}**: ${r.ratio !== null ? fmtRatio(r) : `${fmtValue(r.value, r.unit)}${fmtRatio(r) !== '—' ? ` (${fmtRatio(r)})` : ''}`} vs goal ${r.goal}. ${r.limit ?? 'Limiting factor not analysed yet.'}`,
    );
  out.push('');
  const todo = all.filter((r) => r.status === 'not-measured');
  out.push('## Not measured yet', '');
  if (todo.length === 0) out.push('Nothing.');
  for (const r of todo) out.push(`- TODO **${r.name}** (goal ${r.goal || '—'}): ${r.note ?? ''}`);
  out.push('');
  // The reliability proofs are `npm run soak`'s (test/soak.mjs): its last full run's section.
  const soak = join(BENCH, 'soak.json');
  let section: string | null = null;
  try {
    section = (JSON.parse(readFileSync(soak, 'utf8')) as { markdown?: string }).markdown ?? null;
  } catch {
    section = null;
  }
  out.push(
    section?.trimEnd() ??
      '## Reliability (`npm run soak`)\n\nChaos sync, server kill -9, tab kill and fuzz figures come from `npm run soak`, which has not been run on this checkout yet.',
    '',
  );
  return out.join('\n');
}
