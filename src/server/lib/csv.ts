/**
 * Small RFC 4180 CSV reader for coordinator imports: quoted fields, doubled quotes,
 * CRLF or LF, a UTF-8 BOM, and `;` as the delimiter when the header uses it (Excel with
 * Indonesian regional settings saves CSV with semicolons). Blank lines are skipped.
 */

export interface CsvRow {
  /** 1-based line number in the file where the row starts (the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`unterminated quoted field starting on line ${line}`);
  }
}

/**
 * @example
 *   const { header, rows } = parseCsv('code,name\n01,"Dinas ""A"""\n');
 *   rows[0].cells; // ['01', 'Dinas "A"']
 */
export function parseCsv(input: string): CsvTable {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const firstLineEnd = text.search(/\r?\n|$/);
  const firstLine = text.slice(0, firstLineEnd);
  const delimiter = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';

  const records: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowStart = 1;
  let quoted = false;
  let quoteStart = 0;
  let i = 0;
  const endRow = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0]?.trim() === '')) records.push({ line: rowStart, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      quoted = true;
      quoteStart = line;
      cell = '';
      i++;
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (ch === '\r' && text[i + 1] === '\n') {
      i++;
      continue;
    }
    if (ch === '\n') {
      endRow();
      line++;
      rowStart = line;
      i++;
      continue;
    }
    cell += ch;
    i++;
  }
  if (quoted) throw new CsvSyntaxError(quoteStart);
  if (cell !== '' || cells.length > 0) endRow();
  const [head, ...rows] = records;
  return { header: (head?.cells ?? []).map((h) => h.trim().toLowerCase()), rows };
}

/** Why a CSV file's bytes cannot be read as text, in both languages (problem `csv_encoding`). */
export class CsvEncodingError extends Error {
  constructor(
    readonly reason: string,
    readonly reasonEn: string,
  ) {
    super(reasonEn);
  }
}

/**
 * Windows-1252 bytes 0x80–0x9F (the rest equals ISO-8859-1, i.e. the byte is the code
 * point); 0 marks the five bytes the code page leaves undefined. Decoded by hand because
 * Node's TextDecoder('windows-1252') reads these as C1 controls in some versions.
 */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152,
  0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161,
  0x203a, 0x0153, 0, 0x017e, 0x0178,
];

/** Windows-1252 text of `bytes`, or null when a byte is one the code page does not define. */
function decodeCp1252(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes: number[] = [];
    for (const b of bytes.subarray(i, i + 8192)) {
      const c = b >= 0x80 && b <= 0x9f ? (CP1252_HIGH[b - 0x80] as number) : b;
      if (c === 0) return null;
      codes.push(c);
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}
const LEGACY_LABELS = new Set(['windows-1252', 'cp1252', 'iso-8859-1', 'latin1', 'us-ascii']);

/**
 * Text of an uploaded CSV file. Excel saves "CSV UTF-8" (with a BOM) or, as plain "CSV" on
 * Windows, in the system code page — Windows-1252 for Indonesian and English settings. So:
 * a UTF-8 or UTF-16 BOM decides; a declared legacy charset decides; otherwise the bytes are
 * read as strict UTF-8 and, when they are not valid UTF-8, as Windows-1252 (refused when a
 * byte is one of the five the code page leaves undefined). The BOM is removed.
 *
 * @param charset the request's declared charset, if any (`utf-8` is not trusted: clients
 *   often label any file so)
 * @throws CsvEncodingError when the bytes are neither UTF-8 nor Windows-1252
 * @example
 *   decodeCsvBytes(new Uint8Array([0x4b, 0x96, 0xe9])); // 'K–é'
 */
export function decodeCsvBytes(bytes: Uint8Array, charset?: string | null): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
    } catch {
      throw new CsvEncodingError(
        'berkas bertanda UTF-8 tetapi isinya bukan UTF-8 yang sah',
        'the file is marked UTF-8 but its bytes are not valid UTF-8',
      );
    }
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const le = bytes[0] === 0xff;
    try {
      return new TextDecoder(le ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(
        bytes.subarray(2),
      );
    } catch {
      throw new CsvEncodingError(
        'berkas bertanda UTF-16 tetapi isinya rusak',
        'the file is marked UTF-16 but its bytes are damaged',
      );
    }
  }
  const label = charset?.trim().toLowerCase();
  if (!label || !LEGACY_LABELS.has(label)) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      // Not UTF-8: most likely Excel's Windows-1252 "CSV"; checked below.
    }
  }
  const text = decodeCp1252(bytes);
  if (text === null) {
    throw new CsvEncodingError(
      'berkas bukan UTF-8 maupun Windows-1252',
      'the file is neither UTF-8 nor Windows-1252',
    );
  }
  return text;
}

/**
 * Refuse text that was already decoded with the wrong encoding before it reached us: a
 * U+FFFD replacement character is what a browser's `File.text()` leaves for every byte of
 * a Windows-1252 file, and importing it would store "Cibeber �" for good.
 *
 * @throws CsvEncodingError naming the first line that holds one
 */
export function assertNoReplacementChars(text: string): void {
  const at = text.indexOf('\ufffd');
  if (at < 0) return;
  const line = text.slice(0, at).split('\n').length;
  throw new CsvEncodingError(
    `baris ${line} berisi karakter pengganti "\ufffd": berkas dibaca dengan pengodean yang salah`,
    `line ${line} holds the replacement character "\ufffd": the file was read with the wrong encoding`,
  );
}
