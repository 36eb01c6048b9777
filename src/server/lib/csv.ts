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
