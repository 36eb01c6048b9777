import type { CsvRowProblem, CsvRowReport } from '../../core';
import { assertNoReplacementChars, CsvEncodingError, CsvSyntaxError, parseCsv } from '../lib/csv';
import { Problem } from '../problems';

/**
 * Reading a coordinator's CSV import (units, penilaian mandiri levels), all-or-nothing: the
 * file is refused whole with a 422 that says why, before any row is looked at, when it was
 * decoded wrongly, has an unterminated quote, lacks a required column, has no data rows or
 * too many; the service then checks every row and refuses the whole file with a per-row
 * report (`rejectRows`) if any row has a problem. The CSV dialect (`,` or `;`, quotes, BOM)
 * is lib/csv.ts's `parseCsv`; decoding the bytes happens before (http/body.ts `csvBody`).
 *
 * Headers are machine names of Indonesian SPBE terms (`kode_unit`, `no_indikator`,
 * `level_mandiri`…; the exports label the same facts for people: "Kode unit"…); the English
 * headers this server first accepted stay accepted as aliases so no existing file breaks.
 * README "CSV files" lists them.
 */

/** One column of an import file. */
export interface CsvColumn {
  /** The header this server documents and writes (Indonesian). */
  header: string;
  /** Other headers accepted for it (the earlier English ones). */
  aliases: readonly string[];
  /** A file without this column is refused (`csv_header`); an absent optional one reads ''. */
  required: boolean;
}

/** One data row: its line in the file and its trimmed cell per column ('' when empty or absent). */
export interface CsvImportRow<K extends string> {
  line: number;
  cells: Record<K, string>;
}

export interface CsvImportTable<K extends string> {
  rows: CsvImportRow<K>[];
  /** Each column's header as this file spells it: row problems name columns the way the file does. */
  headers: Record<K, string>;
}

/** Row reports a 422 `csv_invalid` carries at most (`total` says how many there were). */
const MAX_REPORTED_ROWS = 500;

/** One problem in one CSV row, in both languages (the screen picks one). */
export function rowProblem(
  column: string,
  code: string,
  message: string,
  messageEn: string,
): CsvRowProblem {
  return { column, code, message, messageEn };
}

/**
 * Refuse the whole file with its per-row report (sorted by line, the first 500).
 *
 * @throws Problem 422 `csv_invalid` with `details: { rows, total }`
 */
export function rejectRows(reports: readonly CsvRowReport[]): never {
  const rows = [...reports].sort((a, b) => a.line - b.line);
  throw new Problem(
    'csv_invalid',
    { count: rows.length },
    { rows: rows.slice(0, MAX_REPORTED_ROWS), total: rows.length },
  );
}

/** The header every column is read from: the documented one, else the first alias present. */
function findColumns<K extends string>(
  header: readonly string[],
  columns: Readonly<Record<K, CsvColumn>>,
): { index: Record<K, number>; headers: Record<K, string>; missing: boolean } {
  const index = {} as Record<K, number>;
  const headers = {} as Record<K, string>;
  let missing = false;
  for (const key of Object.keys(columns) as K[]) {
    const col = columns[key];
    const name = [col.header, ...col.aliases].find((h) => header.includes(h));
    index[key] = name === undefined ? -1 : header.indexOf(name);
    headers[key] = name ?? col.header;
    if (name === undefined && col.required) missing = true;
  }
  return { index, headers, missing };
}

/** `kode_unit,nama_unit,… / code,name,…`: the documented header, then the accepted English one. */
function expectedHeader(columns: Readonly<Record<string, CsvColumn>>): string {
  const list = Object.values(columns);
  const documented = list.map((c) => c.header).join(',');
  const aliases = list.map((c) => c.aliases[0] ?? c.header).join(',');
  return aliases === documented ? documented : `${documented} / ${aliases}`;
}

/**
 * The rows of an import file, each column found by its header (in any order; other columns
 * are ignored).
 *
 * @param text the decoded file (http/body.ts `csvBody`)
 * @param columns the file's columns by key, in the order the header is documented
 * @param maxRows data rows one import takes at most
 * @throws Problem 422 `csv_encoding` (text holds U+FFFD: it was decoded wrongly before it
 *   arrived), `csv_invalid` (unterminated quote, with its line; more than `maxRows` rows),
 *   `csv_header` (a required column missing; the message lists the expected header),
 *   `csv_empty` (no data rows)
 * @example
 *   const t = readCsvImport('kode_unit,level\nA,3\n', {
 *     unit: { header: 'kode_unit', aliases: ['unit_code'], required: true },
 *     level: { header: 'level_mandiri', aliases: ['level'], required: true },
 *   }, 100);
 *   t.rows[0]; // { line: 2, cells: { unit: 'A', level: '3' } }; t.headers.level === 'level'
 */
export function readCsvImport<K extends string>(
  text: string,
  columns: Readonly<Record<K, CsvColumn>>,
  maxRows: number,
): CsvImportTable<K> {
  let table: ReturnType<typeof parseCsv>;
  try {
    assertNoReplacementChars(text);
    table = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvEncodingError)
      throw new Problem('csv_encoding', { reason: e.reason, reasonEn: e.reasonEn });
    if (e instanceof CsvSyntaxError)
      rejectRows([
        {
          line: e.line,
          problems: [
            rowProblem(
              '',
              'unterminated_quote',
              'tanda kutip tidak ditutup',
              'unterminated quoted field',
            ),
          ],
        },
      ]);
    throw e;
  }
  const { index, headers, missing } = findColumns(table.header, columns);
  if (missing) throw new Problem('csv_header', { expected: expectedHeader(columns) });
  if (table.rows.length === 0) throw new Problem('csv_empty');
  if (table.rows.length > maxRows)
    rejectRows([
      {
        line: 1,
        problems: [
          rowProblem(
            '',
            'too_many_rows',
            `maksimal ${maxRows} baris per impor`,
            `at most ${maxRows} rows per import`,
          ),
        ],
      },
    ]);
  const keys = Object.keys(columns) as K[];
  return {
    headers,
    rows: table.rows.map((r) => {
      const cells = {} as Record<K, string>;
      for (const k of keys) cells[k] = index[k] < 0 ? '' : (r.cells[index[k]] ?? '').trim();
      return { line: r.line, cells };
    }),
  };
}
