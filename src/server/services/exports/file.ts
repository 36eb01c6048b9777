import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  DEFAULT_ZONE_CODE,
  formatIndex,
  formatInZone,
  formatValue,
  roundIndex,
  type ZoneCode,
  zoneFileStamp,
  zoneStamp,
  zoneWallDate,
} from '../../../core';

/**
 * What every export file shares, whatever it holds: how it is named, how its columns are
 * declared once for both formats, how CSV cells are written, and how a file streams to the
 * client.
 *
 * - CSV: UTF-8 with a byte-order mark, `;` between columns and `,` as the decimal mark, CRLF
 *   line ends — what Excel with Indonesian regional settings opens directly. The first line
 *   is the header row (a program reading the file needs nothing skipped); the facts about the
 *   file (period, instrument, time) are in its name and in the XLSX sheet "Info". Text cells
 *   that start with = + - @ get a leading apostrophe so spreadsheet programs never run them
 *   as formulas.
 * - XLSX: exceljs's streaming writer, so rows are committed as they are made and the zip
 *   flows to the client while the workbook is written. Numbers and dates are typed cells
 *   (never text), every table sheet has a frozen, bold header row and an autofilter.
 */

export interface ExportFile {
  filename: string;
  contentType: string;
  /** Streamed: a period of 10,000 units is ~470,000 rows, never held whole in memory as text. */
  body: ReadableStream<Uint8Array>;
}

/**
 * What a column holds, which says how each format writes it:
 * - `text`: as is (CSV defuses formula-like text);
 * - `int`: a whole number (XLSX number cell);
 * - `decimal`: an indicator value of a decimal instrument (PermenPANRB 8/2026), two
 *   decimals (CSV `2,50`, `3,00`; XLSX number with format 0.00);
 * - `index`: an index, rounded half up to two decimals as official results are published
 *   (core `formatIndex` / `roundIndex`: 22/6 → `3,67`; XLSX number with format 0.00). The
 *   predicate beside it comes from the exact value (and says so when rounding crossed a band
 *   edge, core `describeIndex`);
 * - `date`: epoch ms, shown in the organisation's zone (CSV `2023-10-02 08:00`; XLSX date
 *   cell holding that wall clock); the column's header names the zone ("(WITA)").
 */
/**
 * `number`: a figure as published elsewhere (an outside index such as 68,2 or 3,456), kept
 * with all its digits — rounding it would change what the agency published.
 */
export type CellKind = 'text' | 'int' | 'decimal' | 'index' | 'date' | 'number';

/** One column of an export table: its header for people, what it holds, how to read it off a row. */
export interface ExportColumn<R> {
  /** The header row's text: Indonesian, for people (never parsed by this server). */
  label: string;
  kind: CellKind;
  /** XLSX column width in characters. */
  width: number;
  value(row: R): string | number | null;
}

/** A column of a table, declared once for CSV and XLSX. */
export function column<R>(
  label: string,
  kind: CellKind,
  width: number,
  value: (row: R) => string | number | null,
): ExportColumn<R> {
  return { label, kind, width, value };
}

/**
 * A time for people in the organisation's zone, e.g. "2 Oktober 2023 pukul 08.00 WIB"
 * ("… 09.00 WITA" for a Pemda in Makassar).
 */
export function timeInZone(ms: number, zone: ZoneCode): string {
  return formatInZone(ms, zone, 'id');
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60) || 'periode'
  );
}

/**
 * `telusur-<period slug>-<what>-<YYYYMMDD-HHmm>.<ext>`, the time in the organisation's
 * zone: a file says which period it is of and when it was made, so two downloads never
 * overwrite each other unnoticed.
 */
export function exportFilename(
  periodName: string,
  what: string,
  generatedAt: number,
  ext: 'csv' | 'xlsx' | 'zip',
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): string {
  return `telusur-${slug(periodName)}-${what}-${zoneFileStamp(generatedAt, zone)}.${ext}`;
}

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  // A number's text never holds a quote, `;` or line break, and only text is defused.
  if (typeof v === 'number') return String(v);
  let s = v;
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line of cells, `;`-separated (without its line end). */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return cells.map(csvCell).join(';');
}

function csvValue(
  kind: CellKind,
  v: string | number | null,
  zone: ZoneCode,
): string | number | null {
  if (v === null || typeof v === 'string') return v;
  if (kind === 'index') return formatIndex(v, 'id');
  if (kind === 'decimal') return formatValue(v, 'id', 'decimal');
  if (kind === 'date') return zoneStamp(v, zone);
  if (kind === 'number') return String(v).replace('.', ',');
  return v;
}

/**
 * The header line of a table, then one line per row, each ending in CRLF; times are written
 * in `zone` (the organisation's).
 */
export function csvLines<R>(
  columns: readonly ExportColumn<R>[],
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): {
  header: string;
  row(r: R): string;
} {
  const cells = csvCells(columns, zone);
  return {
    header: `${csvLine(columns.map((c) => c.label))}\r\n`,
    row: (r) => `${cells(r)}\r\n`,
  };
}

/**
 * The cells of `columns` for one row as CSV text, `;`-separated, without a line end: a
 * line's cells can be written in parts (`a(r) + ';' + b(r)` is the line of `[...a, ...b]`
 * when both are non-empty), so a part shared by many lines is written once.
 */
export function csvCells<R>(
  columns: readonly ExportColumn<R>[],
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): (r: R) => string {
  return (r) => {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i] as ExportColumn<R>;
      const cell = csvCell(csvValue(c.kind, c.value(r), zone));
      line = i === 0 ? cell : `${line};${cell}`;
    }
    return line;
  };
}

/**
 * A CSV export file streamed from `chunks` (each a run of whole lines ending in CRLF); the
 * byte-order mark goes first so Excel reads the file as UTF-8.
 */
export function csvFile(filename: string, chunks: AsyncIterator<string>): ExportFile {
  const encoder = new TextEncoder();
  let bom = true;
  return {
    filename,
    contentType: 'text/csv; charset=utf-8',
    body: new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(bom ? `\uFEFF${next.value}` : next.value));
        bom = false;
      },
    }),
  };
}

/**
 * An XLSX export file whose workbook `write` fills while the client already receives the
 * zip; a failure while writing ends the download with an error (and is logged). `write`
 * awaits `drained()` between batches of rows: it lets the zip already written flow, and
 * waits while the client has not taken it yet (exceljs itself writes without waiting), so
 * a slow download holds about a batch of the file, not all of it. A download the client
 * abandoned ends the wait (the next write fails and ends the export).
 */
export function xlsxFile(
  filename: string,
  generatedAt: number,
  write: (wb: ExcelJS.stream.xlsx.WorkbookWriter, drained: () => Promise<void>) => Promise<void>,
): ExportFile {
  const out = new PassThrough();
  const drained = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    while (out.writableNeedDrain && !out.destroyed)
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
  };
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Telusur';
  wb.created = new Date(generatedAt);
  void (async () => {
    await write(wb, drained);
    await wb.commit();
  })().catch((e: unknown) => {
    console.error('[telusur] XLSX export failed:', e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  return {
    filename,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: pulled(out),
  };
}

/**
 * A Node stream as a web ReadableStream that reads a chunk only when the client asks for
 * one, so the writer behind it waits for a slow client (Node 20's `Readable.toWeb` reads
 * ahead without limit). Cancelling the download destroys the stream.
 */
function pulled(stream: PassThrough): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else
          controller.enqueue(
            new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength),
          );
      },
      cancel(reason) {
        stream.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Two decimals: indices and decimal indicator values. */
const INDEX_FORMAT = '0.00';
const DATE_FORMAT = 'dd/mm/yyyy hh:mm';

/** A value as a typed XLSX cell: numbers stay numbers, times become dates (wall clock in `zone`). */
export function xlsxValue(
  kind: CellKind,
  v: string | number | null,
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): ExcelJS.CellValue {
  // An empty text is an empty cell (a filter's "(Blanks)"), not a cell holding ''.
  if (v === null || v === '') return null;
  // A line break in a cell is LF (XML would read a bare CR as one anyway).
  if (typeof v === 'string') return v.replace(/\r\n?/g, '\n');
  if (kind === 'index') return roundIndex(v);
  if (kind === 'decimal') return Math.round(v * 100) / 100;
  if (kind === 'date') return zoneWallDate(v, zone);
  return v;
}

/** The number format a cell of this kind needs, if any. */
export function xlsxFormat(kind: CellKind): string | undefined {
  return kind === 'index' || kind === 'decimal'
    ? INDEX_FORMAT
    : kind === 'date'
      ? DATE_FORMAT
      : undefined;
}

/**
 * Data rows a sheet takes: XLSX holds 1,048,576 rows per sheet, and two are kept for the
 * header and for the line that says rows were left out.
 */
export const XLSX_MAX_DATA_ROWS = 1_048_574;

/** A table sheet being written: add rows, then `end()` sets the autofilter and commits. */
export interface TableSheet<R> {
  add(row: R): void;
  /**
   * Add a row of cell values already made with `xlsxValue`, one per column in order (a part
   * shared by many rows is then made once).
   */
  addValues(values: ExcelJS.CellValue[]): void;
  end(): void;
}

/**
 * A sheet holding one table: bold header row frozen at the top, typed cells, an autofilter
 * over the whole table (set when it ends, once its height is known). Rows past the sheet
 * limit are counted, not written, and a last line says how many were left out.
 */
export function tableSheet<R>(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly ExportColumn<R>[],
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): TableSheet<R> {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  // One style object per column, shared by its cells: exceljs looks a cell's style up by
  // object identity and otherwise renders it afresh for every cell (most of its time).
  const styles: Partial<ExcelJS.Style>[] = columns.map((c) => {
    const numFmt = xlsxFormat(c.kind);
    return numFmt ? { numFmt } : {};
  });
  sheet.columns = columns.map((c, i) => ({ header: c.label, width: c.width, style: styles[i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  let rows = 0;
  let left = 0;
  const addValues = (values: ExcelJS.CellValue[]) => {
    if (rows >= XLSX_MAX_DATA_ROWS) {
      left++;
      return;
    }
    const r = sheet.addRow(values);
    r.eachCell({ includeEmpty: true }, (cell, i) => {
      cell.style = styles[i - 1] as Partial<ExcelJS.Style>;
    });
    r.commit();
    rows++;
  };
  return {
    addValues,
    add(row) {
      if (rows >= XLSX_MAX_DATA_ROWS) {
        left++;
        return;
      }
      addValues(columns.map((c) => xlsxValue(c.kind, c.value(row), zone)));
    },
    end() {
      sheet.autoFilter = {
        from: { row: 1, column: 1 },
        to: { row: rows + 1, column: columns.length },
      };
      if (left > 0)
        sheet.addRow([`${left} baris lagi tidak muat dalam satu lembar XLSX.`]).commit();
      sheet.commit();
    },
  };
}
