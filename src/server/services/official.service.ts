import ExcelJS from 'exceljs';
import {
  type CsvRowProblem,
  type CsvRowReport,
  computeIndex,
  type Framework,
  type LevelMap,
  listIndicators,
  type OfficialComparison,
  type OfficialIndicator,
  type PeriodRef,
  type PreviousPeriod,
  type PreviousSource,
  toHundredths,
  uuidv7,
  valueProblem,
} from '../../core';
import { inTransaction } from '../db/repositories';
import type { Period } from '../domain';
import type { TableUpload } from '../http/body';
import { CsvEncodingError, CsvSyntaxError, parseCsv } from '../lib/csv';
import { Problem } from '../problems';
import { type CityIndexService, summarise } from './city-index';
import { type ActorId, BaseService, type ServiceDeps } from './context';
import { rowProblem as rp } from './csv-import';
import { csvCell } from './exports/file';

/**
 * The official result KemenPANRB publishes for the Pemda (per-indicator values), imported into
 * a period and compared with the local verification (README "Hasil resmi").
 *
 * The file: a header row with the columns below (found by name, in any order, other columns
 * ignored), then one row per indicator of the period's instrument. Accepted as published
 * sheets vary:
 * - CSV: `;` or `,` between columns (`,` when the header row holds a comma, lib/csv.ts);
 *   UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252; a value with a decimal
 *   comma (`1,17`) or point (`1.17`). In a comma-separated file a decimal comma must be
 *   quoted (`"1,17"`): unquoted, the row has more cells than the header and is refused,
 *   never read as `1`.
 * - XLSX: the first sheet, the first non-empty row as header; numbers as number cells or as
 *   text written as in CSV; formulas count by their saved result.
 * Every indicator of the instrument must have a value (the official index scores every
 * indicator; there is no "not applicable"), each once; a value must be one its indicator
 * takes (core `valueProblem`: whole levels on SPBE 2020, 1,00–5,00 with two decimals on
 * Pemdi 2026). Any bad row refuses the whole file, listing each with its row number.
 */
export const OFFICIAL_COLUMNS = {
  no: { header: 'no_indikator', aliases: ['indicator_no', 'no', 'nomor'], required: true },
  name: {
    header: 'nama_indikator',
    aliases: ['indicator_name', 'indikator', 'nama'],
    required: false,
  },
  value: { header: 'nilai', aliases: ['value', 'nilai_resmi', 'nilai_indikator'], required: true },
} as const;
type ColumnKey = keyof typeof OFFICIAL_COLUMNS;

/** Data rows one import takes at most (an instrument has 20 or 47 indicators). */
const MAX_ROWS = 500;
/** Longest kept source file name. */
const MAX_SOURCE_NAME = 255;

/**
 * The template a coordinator downloads for a period: `no_indikator;nama_indikator;nilai` and
 * one row per indicator of the instrument with `nilai` empty — UTF-8 with BOM, `;` between
 * columns, CRLF, the dialect of the exports (decimal comma when filled in: `1,17`).
 */
export function officialTemplateCsv(fw: Framework): string {
  const head = Object.values(OFFICIAL_COLUMNS)
    .map((c) => c.header)
    .join(';');
  const rows = listIndicators(fw).map((i) => `${i.no};${csvCell(i.spec.name)};`);
  return `\uFEFF${[head, ...rows].join('\r\n')}\r\n`;
}

interface RawTable {
  header: string[];
  headerLine: number;
  rows: { line: number; cells: string[] }[];
  /** CSV: a row with more cells than the header is refused (see OFFICIAL_COLUMNS). */
  csv: boolean;
}

/** An XLSX number as text: hundredths kept exact (1.1700000000000002 → "1.17"). */
function numberText(n: number): string {
  const h = Math.round(n * 100);
  return Math.abs(n * 100 - h) < 1e-6 ? String(h / 100) : String(n);
}

/** One XLSX cell as text (rich text joined, formulas by their saved result). */
function cellText(v: ExcelJS.CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v)
    return cellText((v as { result?: ExcelJS.CellValue }).result);
  if ('error' in v) return String(v.error);
  if ('text' in v) return String(v.text);
  return '';
}

async function readXlsx(bytes: Uint8Array): Promise<RawTable> {
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's typings want a Node Buffer; the bytes are one.
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new Problem('xlsx_unreadable');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new Problem('official_empty');
  const lines: { line: number; cells: string[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let i = 1; i <= row.cellCount; i++) cells.push(cellText(row.getCell(i).value).trim());
    if (cells.some((c) => c !== '')) lines.push({ line: rowNumber, cells });
  });
  const [head, ...rows] = lines;
  if (!head) throw new Problem('official_empty');
  return {
    header: head.cells.map((h) => h.toLowerCase()),
    headerLine: head.line,
    rows,
    csv: false,
  };
}

function readCsvTable(text: string): RawTable {
  try {
    const t = parseCsv(text);
    return { header: t.header, headerLine: 1, rows: t.rows, csv: true };
  } catch (e) {
    if (e instanceof CsvEncodingError)
      throw new Problem('csv_encoding', { reason: e.reason, reasonEn: e.reasonEn });
    if (e instanceof CsvSyntaxError)
      rejectOfficial([
        {
          line: e.line,
          problems: [
            rp('', 'unterminated_quote', 'tanda kutip tidak ditutup', 'unterminated quoted field'),
          ],
        },
      ]);
    throw e;
  }
}

/**
 * Refuse the whole file with its per-row report, sorted by row.
 *
 * @throws Problem 422 `official_invalid` with `details: { rows, total }`
 */
function rejectOfficial(reports: readonly CsvRowReport[]): never {
  const rows = [...reports].sort((a, b) => a.line - b.line);
  throw new Problem('official_invalid', { count: rows.length }, { rows, total: rows.length });
}

/** The checked values of a file, or the per-row report (nothing is stored by this). */
export function checkOfficialRows(
  fw: Framework,
  table: RawTable,
): { indicatorNo: number; value: number; published: string }[] {
  const index = {} as Record<ColumnKey, number>;
  const col = {} as Record<ColumnKey, string>;
  for (const key of Object.keys(OFFICIAL_COLUMNS) as ColumnKey[]) {
    const c = OFFICIAL_COLUMNS[key];
    const name = [c.header, ...c.aliases].find((h) => table.header.includes(h));
    index[key] = name === undefined ? -1 : table.header.indexOf(name);
    col[key] = name ?? c.header;
    if (name === undefined && c.required)
      throw new Problem('official_header', { expected: 'no_indikator;nama_indikator;nilai' });
  }
  if (table.rows.length === 0) throw new Problem('official_empty');
  if (table.rows.length > MAX_ROWS)
    rejectOfficial([
      {
        line: table.headerLine,
        problems: [
          rp(
            '',
            'too_many_rows',
            `maksimal ${MAX_ROWS} baris per impor`,
            `at most ${MAX_ROWS} rows per import`,
          ),
        ],
      },
    ]);
  const known = new Map(listIndicators(fw).map((i) => [i.no, i]));
  const seenAt = new Map<number, number>();
  const reports: CsvRowReport[] = [];
  const out: { indicatorNo: number; value: number; published: string }[] = [];
  const width = table.header.length;
  for (const row of table.rows) {
    const problems: CsvRowProblem[] = [];
    const cell = (k: ColumnKey) => (index[k] < 0 ? '' : (row.cells[index[k]] ?? '').trim());
    const noText = cell('no');
    const valueText = cell('value');
    if (table.csv && row.cells.length > width && row.cells.slice(width).some((c) => c.trim()))
      problems.push(
        rp(
          '',
          'extra_cells',
          `baris berisi ${row.cells.length} sel, judul ${width} kolom: pada berkas yang dipisah koma, nilai berdesimal koma harus diberi tanda kutip ("1,17") atau pakai titik (1.17)`,
          `the row has ${row.cells.length} cells for ${width} columns: in a comma-separated file a decimal comma must be quoted ("1,17") or written with a point (1.17)`,
        ),
      );
    const no = /^\d{1,3}$/.test(noText) ? Number(noText) : Number.NaN;
    if (!noText)
      problems.push(
        rp(col.no, 'required', 'nomor indikator wajib diisi', 'indicator number is required'),
      );
    else if (!known.has(no))
      problems.push(
        rp(
          col.no,
          'unknown_indicator',
          `indikator "${noText}" tidak ada pada instrumen ${fw.name}`,
          `indicator "${noText}" is not in the instrument ${fw.name}`,
        ),
      );
    else if (seenAt.has(no))
      problems.push(
        rp(
          col.no,
          'duplicate',
          `indikator ${no} sudah ada di baris ${seenAt.get(no)}`,
          `indicator ${no} is already on row ${seenAt.get(no)}`,
        ),
      );
    const value = /^\d{1,3}(?:[.,]\d{1,6})?$/.test(valueText)
      ? Number(valueText.replace(',', '.'))
      : Number.NaN;
    const domain = !Number.isNaN(value) && known.has(no) ? valueProblem(fw, no, value) : null;
    if (!valueText)
      problems.push(
        rp(
          col.value,
          'required',
          'nilai wajib diisi: hasil resmi menilai setiap indikator',
          'a value is required: the official result scores every indicator',
        ),
      );
    else if (Number.isNaN(value))
      problems.push(
        rp(
          col.value,
          'invalid_value',
          `nilai "${valueText}" bukan angka yang dapat dibaca (contoh: 3 atau 1,17)`,
          `value "${valueText}" is not a readable number (e.g. 3 or 1.17)`,
        ),
      );
    else if (domain) problems.push(rp(col.value, domain.code, domain.message, domain.messageEn));
    if (known.has(no) && !seenAt.has(no)) seenAt.set(no, row.line);
    if (problems.length) reports.push({ line: row.line, problems });
    else out.push({ indicatorNo: no, value, published: valueText });
  }
  const missing = [...known.keys()].filter((n) => !seenAt.has(n));
  if (missing.length)
    reports.push({
      line: table.headerLine,
      problems: [
        rp(
          col.no,
          'missing_indicators',
          `berkas tidak memuat indikator ${missing.join(', ')}: hasil resmi menilai setiap indikator instrumen`,
          `the file lacks indicator(s) ${missing.join(', ')}: the official result scores every indicator of the instrument`,
        ),
      ],
    });
  if (reports.length) rejectOfficial(reports);
  return out;
}

/** A source file name as kept: control characters out, at most 255 characters. */
function cleanSourceName(name: string | undefined): string {
  const kept = [...(name ?? '')].filter((ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0x20 && code !== 0x7f;
  });
  return kept.join('').trim().slice(0, MAX_SOURCE_NAME);
}

function periodRef(p: Period): PeriodRef {
  return { id: p.id, name: p.name, year: p.year, frameworkId: p.frameworkId };
}

/** `a` comes before `b`: an earlier year, or the same year and created earlier. */
function isEarlier(a: Period, b: Period): boolean {
  if (a.year !== b.year) return a.year < b.year;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.id < b.id;
}

/** Exact difference of two values of at most two decimals (hundredths, no float drift). */
function difference(a: number, b: number): number {
  return (toHundredths(a) - toHundredths(b)) / 100;
}

/** A period's official result: import (all or nothing), template and the comparison. */
export class OfficialResultsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
  ) {
    super(deps);
  }

  /**
   * The template CSV of a period (`officialTemplateCsv` of its instrument) and its file name.
   *
   * @throws Problem 404 `not_found`
   */
  async template(periodId: string): Promise<{ filename: string; csv: string }> {
    const { fw } = await this.cities.periodWithFramework(periodId);
    const slug = fw.id.replace(/[^\w-]+/g, '-');
    return { filename: `templat-hasil-resmi-${slug}.csv`, csv: officialTemplateCsv(fw) };
  }

  /**
   * Replace the period's official result with the file's values (one transaction, logged
   * with who, when and which file) and answer the new comparison. Allowed on a closed
   * period too: the result is published after the evaluation ends.
   *
   * @throws Problem 404 `not_found`; 422 `official_invalid` (per-row report),
   *   `official_header`, `official_empty`, `xlsx_unreadable`, `csv_encoding`
   */
  async import(
    periodId: string,
    upload: TableUpload,
    sourceName: string | undefined,
    actor: ActorId,
  ): Promise<OfficialComparison> {
    const { fw } = await this.cities.periodWithFramework(periodId);
    const table = upload.kind === 'xlsx' ? await readXlsx(upload.bytes) : readCsvTable(upload.text);
    const values = checkOfficialRows(fw, table);
    const now = this.now();
    await inTransaction(this.deps.db, (repos) =>
      repos.officialResults.replace({
        id: uuidv7(now),
        periodId,
        values,
        at: now,
        by: actor,
        sourceName: cleanSourceName(sourceName),
      }),
    );
    return this.compare(periodId);
  }

  /**
   * The period's official result beside the local verification: the three indices
   * (official values, city consolidated levels, city self levels; official rule) and per
   * indicator the difference (local − official), whether the local verification was more
   * generous, and whether the official value fell since the previous period of the same
   * instrument (its official value where imported, else its city level by the city rule).
   *
   * @throws Problem 404 `not_found`
   */
  async compare(periodId: string): Promise<OfficialComparison> {
    const { period, fw, city } = await this.cities.forPeriod(periodId);
    const [rows, importCount] = await Promise.all([
      this.repos.officialResults.listForPeriod(periodId),
      this.repos.officialResults.importCount(periodId),
    ]);
    const official = new Map(rows.map((r) => [r.indicatorNo, r]));
    const officialLevels: LevelMap = Object.fromEntries(rows.map((r) => [r.indicatorNo, r.value]));
    const prev = await this.previousOf(period);
    const cityByNo = new Map(city.levels.indicators.map((i) => [i.no, i]));
    const indicators: OfficialIndicator[] = listIndicators(fw).map((ind) => {
      const o = official.get(ind.no);
      const c = cityByNo.get(ind.no);
      const local = c?.level ?? null;
      const off = o ? o.value : null;
      const p = prev?.values.get(ind.no) ?? null;
      return {
        no: ind.no,
        name: ind.spec.name,
        official: off,
        published: o ? o.published : null,
        local,
        localSource: c?.source ?? 'none',
        self: c?.self ?? null,
        difference: local !== null && off !== null ? difference(local, off) : null,
        higherThanOfficial:
          local !== null && off !== null && toHundredths(local) > toHundredths(off),
        previous: p?.value ?? null,
        previousSource: p?.source ?? null,
        fell: p !== null && off !== null && toHundredths(off) < toHundredths(p.value),
      };
    });
    // The current set carries who imported it, when and from which file; the log counts imports.
    const last = rows[0];
    const by = last?.importedBy ? await this.repos.accounts.findById(last.importedBy) : null;
    return {
      period: periodRef(period),
      framework: { id: fw.id, name: fw.name, version: fw.version },
      imported: last
        ? {
            at: last.importedAt,
            by: last.importedBy,
            byName: by?.name ?? null,
            sourceName: last.sourceName,
            indicatorCount: rows.length,
            importCount,
          }
        : null,
      official: summarise(computeIndex(fw, officialLevels, { rule: 'official' })),
      local: summarise(city.consolidated),
      self: summarise(city.self),
      previous: prev?.ref ?? null,
      otherInstrument: prev ? prev.other : await this.otherInstrumentOnly(period),
      indicators,
      higherThanOfficialCount: indicators.filter((i) => i.higherThanOfficial).length,
      fellCount: indicators.filter((i) => i.fell).length,
    };
  }

  /** Periods before `period`, latest first (year, then creation). */
  private async earlier(period: Period): Promise<Period[]> {
    return (await this.repos.periods.list())
      .filter((p) => p.id !== period.id && isEarlier(p, period))
      .sort((a, b) => (isEarlier(a, b) ? 1 : -1));
  }

  /**
   * The previous period of the same instrument and its value per indicator; with it, the
   * latest earlier period when that one is on another instrument (shown, not compared).
   */
  private async previousOf(period: Period): Promise<{
    ref: PreviousPeriod;
    other: PeriodRef | null;
    values: Map<number, { value: number; source: PreviousSource }>;
  } | null> {
    const earlier = await this.earlier(period);
    const prev = earlier.find((p) => p.frameworkId === period.frameworkId);
    if (!prev) return null;
    const latest = earlier[0];
    const other = latest && latest.frameworkId !== period.frameworkId ? periodRef(latest) : null;
    const rows = await this.repos.officialResults.listForPeriod(prev.id);
    const values = new Map<number, { value: number; source: PreviousSource }>();
    if (rows.length > 0) {
      for (const r of rows) values.set(r.indicatorNo, { value: r.value, source: 'official' });
      return { ref: { period: periodRef(prev), source: 'official' }, other, values };
    }
    const { fw } = await this.cities.periodWithFramework(prev.id);
    const city = await this.cities.of(prev, fw);
    for (const i of city.levels.indicators)
      if (i.level !== null && i.source !== 'none')
        values.set(i.no, { value: i.level, source: i.source });
    return { ref: { period: periodRef(prev), source: 'city' }, other, values };
  }

  /** Without a previous period of the same instrument: the latest earlier one of another. */
  private async otherInstrumentOnly(period: Period): Promise<PeriodRef | null> {
    const latest = (await this.earlier(period))[0];
    return latest && latest.frameworkId !== period.frameworkId ? periodRef(latest) : null;
  }
}
