/**
 * 9. Export of 10,000 units: the coordinator's levels export (`services.reports.levelsCsv` /
 * `levelsXlsx`, what GET /api/reports/periods/:id/levels.csv|xlsx stream) over a period of
 * 10,000 units × 47 indicators seeded by the dashboard benchmark's bulk SQL (its
 * `seedUnits`), on SQLite. Each file is streamed to a scratch file as a client would receive
 * it; time, bytes, and the process's peak RSS and V8 heap above their level before the
 * export. Baseline, same run: one raw SELECT of the same unit × indicator rows (unit, level,
 * notes, not applicable) through the same Kysely connection, joined with `;` into one
 * string and written to a file.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { Unzip, UnzipInflate } from 'fflate';
import { type Kysely, sql } from 'kysely';
import { spbe2020 } from '../../src/core';
import { prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import type { Database } from '../../src/server/db/database';
import { DEMO_ACCOUNTS, PEMDA_CODE, seedDemo } from '../../src/server/seed';
import { createServices } from '../../src/server/services';
import type { ExportFile } from '../../src/server/services/exports/file';
import { exportShape, levelColumns } from '../../src/server/services/exports/levels';
import { fullGc, sampleMemory } from '../../test/helpers/memory-sampler';
import { seedUnits } from './dashboard';
import { TMP } from './paths';
import { type BenchModule, median, type Result, ratioResult, valueResult } from './result';

const MODULE = 'export';
const UNITS = Number(process.env.BENCH_DASHBOARD_UNITS ?? 10_000);
const INDICATORS = 47;
/** Each export of 470,000 rows takes tens of seconds: one timed run of each by default. */
const RUNS = Number(process.env.BENCH_EXPORT_RUNS ?? 1);
const MB = 2 ** 20;

interface Measured {
  ms: number;
  bytes: number;
  rssPeak: number;
  heapPeak: number;
}

/** Run `f` with memory sampled every 50 ms from a collected heap; its time and peaks above start. */
async function measured(f: () => Promise<number>): Promise<Measured> {
  fullGc();
  const mem = sampleMemory(50);
  const t = performance.now();
  const bytes = await f();
  const ms = performance.now() - t;
  const m = mem.stop();
  return {
    ms,
    bytes,
    rssPeak: m.rss.peak - m.rss.start,
    heapPeak: m.heapUsed.peak - m.heapUsed.start,
  };
}

/** Stream an export's body to `file` as a client would; its size in bytes. */
async function download(file: ExportFile, path: string): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const reader = file.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (!out.write(value)) await new Promise((r) => out.once('drain', r));
  }
  out.end();
  await finished(out);
  return bytes;
}

/** The CSV's header and its rows: all, and those of the bench units (code `BEBAN.…`). */
async function csvShape(path: string): Promise<{ header: string; rows: number; bench: number }> {
  let header = '';
  let rows = -1;
  let bench = 0;
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const lines = (rest + chunk).split('\r\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      if (rows < 0) header = l.replace(/^\uFEFF/, '');
      else if (l.includes('BEBAN.')) bench++;
      rows++;
    }
  }
  if (rest !== '') throw new Error('the CSV does not end with CRLF');
  return { header, rows, bench };
}

/** Rows per sheet of an XLSX (streamed through fflate, never held whole), by sheet name. */
async function xlsxRows(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let workbook = '';
  const done: Promise<void>[] = [];
  const unzip = new Unzip((file) => {
    const sheet = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(file.name)?.[1];
    if (!sheet && file.name !== 'xl/workbook.xml') return;
    const decoder = new TextDecoder();
    let n = 0;
    let tail = '';
    done.push(
      new Promise<void>((resolve, reject) => {
        file.ondata = (err, data, final) => {
          if (err) return reject(err);
          const text = tail + decoder.decode(data, { stream: !final });
          if (sheet) {
            n += text.split('<row ').length - 1;
            tail = text.slice(-4);
          } else workbook += text;
          if (final) {
            if (sheet) counts.set(sheet, n);
            resolve();
          }
        };
        file.start();
      }),
    );
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(path)) unzip.push(chunk as Uint8Array);
  unzip.push(new Uint8Array(0), true);
  await Promise.all(done);
  // exceljs names the files sheet<id>.xml in the order of the workbook's <sheet> elements.
  const byName = new Map<string, number>();
  for (const [tag] of workbook.matchAll(/<sheet [^>]*>/g)) {
    const name = /\bname="([^"]+)"/.exec(tag)?.[1];
    const id = /\bsheetId="(\d+)"/.exec(tag)?.[1];
    if (name && id) byName.set(name, counts.get(id) ?? -1);
  }
  return byName;
}

/** The simplest serialisation of the same rows: one SELECT, `;`-joined lines, one write. */
async function rawExport(db: Kysely<Database>, periodId: string, path: string): Promise<number> {
  const rows = await sql<{
    code: string;
    name: string;
    record: string;
    verified: string | null;
    notes: string | null;
    na: string | null;
  }>`select u.code, u.name, r.record_id as record,
      max(case when r.field = 'verifiedLevel' then r.value_json end) as verified,
      max(case when r.field = 'notes' then r.value_json end) as notes,
      max(case when r.field = 'notApplicable' then r.value_json end) as na
    from record_fields r join assessments a on a.id = r.assessment_id join units u on u.id = a.unit_id
    where r.entity = 'verification' and a.period_id = ${periodId}
    group by u.code, u.name, r.record_id`.execute(db);
  const text = `${rows.rows.map((r) => `${r.code};${r.name};${r.record};${r.verified};${r.notes};${r.na}`).join('\r\n')}\r\n`;
  const out = createWriteStream(path);
  out.end(text);
  await finished(out);
  return Buffer.byteLength(text);
}

const context: string[] = [];

export const exportLevels: BenchModule = {
  name: MODULE,
  title: '9. Export of 10,000 units (CSV and XLSX)',
  description: `The coordinator's levels export — \`services.reports.levelsCsv\` and \`levelsXlsx\` (src/server/services/exports/levels.ts), what GET /api/reports/periods/:periodId/levels.csv and levels.xlsx stream — over a period of ${UNITS.toLocaleString('en-US')} units × ${INDICATORS} indicators (plus the demo's units) on SQLite, seeded with the dashboard benchmark's bulk SQL (bench/lib/dashboard.ts \`seedUnits\`: self levels, verified levels, notes, not-applicable marks, 3 evidence files per unit; no evidence checks, berita acara or comments, so those columns and the "Bukti dukung" sheet are mostly empty). Each file is read from its ReadableStream and written to a scratch file, as a client downloading it; time from the call to the last byte on disk. Memory: \`process.memoryUsage()\` sampled every 50 ms from a collected heap (the benchmark's own process, so what a server process would add for one export), peak RSS and peak V8 heap above the start. Baseline, same run and same connection: one raw SELECT of the same unit × indicator rows (unit code and name, record, verified level, notes, not applicable; GROUP BY over the record store), every row joined with \`;\` into one string, written to a file — the simplest serialisation, without the export's columns (indices, predicates, state, evidence status, zone-formatted dates), CSV quoting or XLSX styling. ${RUNS} timed run(s) of each after one untimed baseline (each export of ~470,000 rows takes one to two minutes on this machine; with more runs, export and baseline alternate in order). PostgreSQL not measured here (the export's queries are the same repositories; seeding 10,000 units there takes ≈ 50 s more). Checked: the CSV's header has the export's columns for the period's stages and ${(UNITS * INDICATORS).toLocaleString('en-US')} rows of the bench units; the XLSX sheet "Level" has the same rows plus its header.`,
  context,
  async run(): Promise<Result[]> {
    const dir = join(TMP, `export-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const handle = openDatabase({ sqliteFile: join(dir, 'export.sqlite') });
    const csv: Measured[] = [];
    const xlsx: Measured[] = [];
    const raw: { csv: Measured[]; xlsx: Measured[] } = { csv: [], xlsx: [] };
    try {
      const db = handle.db;
      await prepareDatabase(db);
      const services = createServices({
        db,
        clock: Date.now,
        config: resolveConfig({ scrypt: { N: 1024, r: 8, p: 1 } }),
      });
      const demo = await seedDemo(services, { nodeEnv: 'test' });
      const pemda = (await services.units.tree()).find((u) => u.code === PEMDA_CODE);
      const verifier = (await services.accounts.listVerifiers()).find(
        (v) => v.email === DEMO_ACCOUNTS[2].email,
      );
      if (!pemda || !verifier) throw new Error('demo seed incomplete');
      const t0 = performance.now();
      await seedUnits(db, demo.periodId, pemda.id, verifier.id);
      const seedSeconds = (performance.now() - t0) / 1000;

      const csvPath = join(dir, 'levels.csv');
      const xlsxPath = join(dir, 'levels.xlsx');
      const rawPath = join(dir, 'raw.txt');
      const baseline = () => measured(() => rawExport(db, demo.periodId, rawPath));
      const exportCsv = () =>
        measured(async () => download(await services.reports.levelsCsv(demo.periodId), csvPath));
      const exportXlsx = () =>
        measured(async () => download(await services.reports.levelsXlsx(demo.periodId), xlsxPath));
      // Warm-up: statement caches and the page cache, as a server that has been running.
      await baseline();
      for (let r = 0; r < RUNS; r++) {
        process.stdout.write(`[run ${r + 1}] `);
        if (r % 2) {
          raw.csv.push(await baseline());
          csv.push(await exportCsv());
          raw.xlsx.push(await baseline());
          xlsx.push(await exportXlsx());
        } else {
          csv.push(await exportCsv());
          raw.csv.push(await baseline());
          xlsx.push(await exportXlsx());
          raw.xlsx.push(await baseline());
        }
      }

      // Sanity: what the files hold.
      const shape = await csvShape(csvPath);
      // The export's own columns for this period's stages (zone only changes labels).
      const period = await services.periods.get(demo.periodId);
      const expected = levelColumns(spbe2020, exportShape(spbe2020), undefined, period.stages);
      const columns = shape.header.split(';').length;
      if (columns !== expected.length || !shape.header.startsWith(expected[0]?.label ?? '?'))
        throw new Error(`CSV header has ${columns} columns, not the export's ${expected.length}`);
      if (shape.bench !== UNITS * INDICATORS)
        throw new Error(`CSV holds ${shape.bench} rows of the bench units`);
      if (shape.rows % INDICATORS !== 0)
        throw new Error(`CSV rows ${shape.rows} are not whole units of ${INDICATORS}`);
      const sheets = await xlsxRows(xlsxPath);
      if (sheets.get('Level') !== shape.rows + 1)
        throw new Error(
          `XLSX sheet Level has ${sheets.get('Level')} rows, the CSV ${shape.rows} + header`,
        );
      const rawLines = (statSync(rawPath).size > 0 && (await csvShape(rawPath)).rows + 1) || 0;
      const mb = (b: number) => `${(b / MB).toFixed(1)} MB`;
      const fmt = (ms: Measured[]) =>
        ms
          .map(
            (m) => `${(m.ms / 1000).toFixed(1)} s, RSS +${mb(m.rssPeak)}, heap +${mb(m.heapPeak)}`,
          )
          .join('; ');
      context.push(
        `Seeded ${UNITS.toLocaleString('en-US')} units in ${seedSeconds.toFixed(0)} s. CSV: ${shape.rows.toLocaleString('en-US')} rows (${(shape.rows / INDICATORS).toLocaleString('en-US')} units × ${INDICATORS}; ${shape.bench.toLocaleString('en-US')} of the bench units), ${columns} columns; XLSX sheets ${[...sheets].map(([n, c]) => `${n} ${c.toLocaleString('en-US')}`).join(', ')} rows (headers included). The baseline's SELECT returned ${rawLines.toLocaleString('en-US')} rows.`,
        `Per run — CSV: ${fmt(csv)}; XLSX: ${fmt(xlsx)}; baseline: ${fmt([...raw.csv, ...raw.xlsx])}. Memory figures are peaks above a collected heap, sampled every 50 ms (a peak between samples is missed); the heap figure counts garbage not yet collected too (V8 collects lazily while the heap is far below its limit), so it bounds what the export keeps alive from above rather than measuring it.`,
      );
      const common = 'the same unit × indicator rows: one raw SELECT, `;`-joined, one write';
      const out: Result[] = [];
      for (const [label, ms, base] of [
        ['CSV', csv, raw.csv],
        ['XLSX', xlsx, raw.xlsx],
      ] as const) {
        const name = `export of ${UNITS.toLocaleString('en-US')} units × ${INDICATORS} indicators, ${label}, SQLite`;
        out.push(
          ratioResult({
            module: MODULE,
            name: `${name}: time`,
            unit: 's',
            subject: ms.map((m) => m.ms / 1000),
            baseline: base.map((m) => m.ms / 1000),
            baselineName: common,
            goal: null,
            note: `streamed to a file; ${shape.rows.toLocaleString('en-US')} rows`,
          }),
          valueResult({
            module: MODULE,
            name: `${name}: bytes`,
            unit: 'B',
            values: ms.map((m) => m.bytes),
            goal: null,
            note: `baseline text ${mb(median(base.map((m) => m.bytes)))}`,
          }),
          ratioResult({
            module: MODULE,
            name: `${name}: peak RSS above start`,
            unit: 'MB',
            subject: ms.map((m) => m.rssPeak / MB),
            baseline: base.map((m) => m.rssPeak / MB),
            baselineName: 'the raw SELECT and string (all rows in memory at once)',
            goal: null,
            note: `peak V8 heap above start ${mb(median(ms.map((m) => m.heapPeak)))} (baseline ${mb(median(base.map((m) => m.heapPeak)))})`,
          }),
        );
      }
      return out;
    } finally {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
