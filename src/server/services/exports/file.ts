import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * What every export file shares, whatever it holds: how it is named, how CSV cells are
 * written, and how a file streams to the client.
 *
 * - CSV: UTF-8 with a byte-order mark, `;` between columns and `,` as the decimal mark, CRLF
 *   line ends — what Excel with Indonesian regional settings opens directly (and what the
 *   imports of this server read). Text cells that start with = + - @ get a leading
 *   apostrophe so spreadsheet programs never run them as formulas.
 * - XLSX: exceljs's streaming writer, so rows are committed as they are made and the zip
 *   flows to the client while the workbook is written.
 */

export interface ExportFile {
  filename: string;
  contentType: string;
  /** Streamed: a period of 10,000 units is ~470,000 rows, never held whole in memory as text. */
  body: ReadableStream<Uint8Array>;
}

/** Index truncated to two decimals, as a number (same band as the exact index). */
export function truncIndex(i: number | null): number | null {
  return i === null ? null : Math.floor(i * 100 + 1e-7) / 100;
}

/** Time in Western Indonesia Time, e.g. "2 Oktober 2023 pukul 08.00 WIB". */
export function wib(ms: number): string {
  return `${new Intl.DateTimeFormat('id-ID', {
    timeZone: 'Asia/Jakarta',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(ms))} WIB`;
}

function stamp(ms: number): string {
  // YYYYMMDD-HHmm in WIB (UTC+7, no daylight saving).
  const d = new Date(ms + 7 * 3600_000).toISOString();
  return `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${d.slice(11, 13)}${d.slice(14, 16)}`;
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
 * `telusur-<period slug>-<what>-<YYYYMMDD-HHmm WIB>.<ext>`: a file says which period it is
 * of and when it was made, so two downloads never overwrite each other unnoticed.
 */
export function exportFilename(
  periodName: string,
  what: string,
  generatedAt: number,
  ext: 'csv' | 'xlsx',
): string {
  return `telusur-${slug(periodName)}-${what}-${stamp(generatedAt)}.${ext}`;
}

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line of cells, `;`-separated (without its line end). */
export function csvLine(cells: readonly (string | number | null)[]): string {
  return cells.map(csvCell).join(';');
}

/**
 * A CSV export file streamed from `chunks` (each a run of whole lines ending in CRLF); the
 * byte-order mark goes first so Excel reads the file as UTF-8.
 */
export function csvFile(filename: string, chunks: Iterator<string>): ExportFile {
  const encoder = new TextEncoder();
  let bom = true;
  return {
    filename,
    contentType: 'text/csv; charset=utf-8',
    body: new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(bom ? `\uFEFF${next.value}` : next.value));
        bom = false;
      },
    }),
  };
}

/**
 * An XLSX export file whose workbook `write` fills while the client already receives the
 * zip; a failure while writing ends the download with an error (and is logged).
 */
export function xlsxFile(
  filename: string,
  generatedAt: number,
  write: (wb: ExcelJS.stream.xlsx.WorkbookWriter) => Promise<void>,
): ExportFile {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Telusur';
  wb.created = new Date(generatedAt);
  void (async () => {
    await write(wb);
    await wb.commit();
  })().catch((e: unknown) => {
    console.error('[telusur] XLSX export failed:', e);
    out.destroy(e instanceof Error ? e : new Error(String(e)));
  });
  return {
    filename,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: Readable.toWeb(out) as ReadableStream<Uint8Array>,
  };
}
