/**
 * `npm run bench`: run every benchmark module in order, print a table, and write
 * bench/results.json and bench/RESULTS.md. `npm run bench -- store photo` runs a subset and
 * writes bench/tmp/results-partial.json instead (RESULTS.md only ever holds a full run).
 *
 * Each module is bench/lib/<name>.ts exporting a BenchModule whose run() returns Result[].
 * A module that throws is reported as "not measured" with the error — never a made-up number.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beritaAcaraPdf } from './lib/berita-acara-pdf';
import { bundle } from './lib/bundle';
import { dashboard } from './lib/dashboard';
import { exportLevels } from './lib/export';
import { serverIngest } from './lib/ingest';
import { BENCH, TMP } from './lib/paths';
import { photo } from './lib/photo';
import { pull } from './lib/pull';
import { endLoad, machine, markdown, table } from './lib/report';
import { type BenchModule, notMeasured, type Result } from './lib/result';
import { slowLinkSync } from './lib/slowlink';
import { store } from './lib/store';

const MODULES: BenchModule[] = [
  bundle,
  store,
  photo,
  serverIngest,
  slowLinkSync,
  dashboard,
  pull,
  beritaAcaraPdf,
  exportLevels,
];

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !MODULES.some((m) => m.name === w));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}`,
    );
    process.exit(2);
  }
  const selected = wanted.length > 0 ? MODULES.filter((m) => wanted.includes(m.name)) : MODULES;
  const started = performance.now();
  const m = machine();
  console.log(
    `Telusur bench — ${m.date} — nproc ${m.nproc}, ${m.cpu}, Node ${m.node}, ${m.chromium}, load ${m.load.start}`,
  );
  const byModule = new Map<string, Result[]>();
  let failed = false;
  for (const mod of selected) {
    const t0 = performance.now();
    process.stdout.write(`\n▶ ${mod.title} … `);
    let results: Result[];
    try {
      results = await mod.run();
    } catch (e) {
      failed = true;
      const msg = e instanceof Error ? e.message : String(e);
      console.error(`\n  ${mod.name} failed: ${msg}`);
      results = [
        notMeasured(mod.name, `${mod.title}`, '', `benchmark failed: ${msg.slice(0, 300)}`),
      ];
    }
    byModule.set(mod.name, results);
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
    console.log(table(results));
    for (const c of mod.context) console.log(`  · ${c}`);
  }
  const seconds = (performance.now() - started) / 1000;
  endLoad(m);
  const all = [...byModule.values()].flat();
  console.log(`\n${table(all)}\n\nWhole run: ${seconds.toFixed(0)} s`);
  const modules = selected.map(({ name, title, context }) => ({ name, title, context }));
  const json = JSON.stringify(
    { machine: m, seconds: Math.round(seconds), modules, results: all },
    null,
    2,
  );
  if (wanted.length > 0) {
    mkdirSync(TMP, { recursive: true });
    writeFileSync(join(TMP, 'results-partial.json'), `${json}\n`);
    console.log('Partial run: wrote bench/tmp/results-partial.json (RESULTS.md untouched).');
  } else {
    writeFileSync(join(BENCH, 'results.json'), `${json}\n`);
    writeFileSync(join(BENCH, 'RESULTS.md'), markdown(m, selected, byModule, seconds));
    console.log('Wrote bench/results.json and bench/RESULTS.md.');
  }
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
