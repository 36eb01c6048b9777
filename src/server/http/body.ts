import { z } from 'zod';
import { assertNoReplacementChars, CsvEncodingError, decodeCsvBytes } from '../lib/csv';
import type { Lang } from '../problems';
import { type FieldIssue, Problem } from '../problems';
import type { AppContext } from './env';

const LOCALES = { id: z.locales.id(), en: z.locales.en() };

/**
 * Validate a value with a zod schema (classic or core's zod/mini); 422 `validation_failed`
 * with `{ issues }` in the caller's language.
 */
export function validate<S extends z.core.$ZodType>(
  schema: S,
  value: unknown,
  lang: Lang,
): z.output<S> {
  const r = z.safeParse(schema, value, { error: LOCALES[lang].localeError });
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.slice(0, 50).map((i) => ({
    path: i.path.map(String).join('.'),
    code: i.code,
    message: i.message,
  }));
  throw new Problem('validation_failed', {}, { issues });
}

/** Deepest nesting of arrays and objects any JSON body may have (ours need fewer than 12). */
export const MAX_JSON_DEPTH = 64;

/**
 * Walk a parsed JSON value without recursion (a body of 100 000 nested `[` parses fine but
 * would overflow the stack of any recursive walk, and of zod after it). Stops at the first
 * string or key holding a NUL character (`nul`: its path `a.b.0`, in document order; only
 * with `findNul`) or
 * at the first value nested deeper than `maxDepth` (`tooDeep`), whichever comes first;
 * `depth` is the deepest nesting seen until then.
 */
export function inspectJson(
  value: unknown,
  maxDepth = MAX_JSON_DEPTH,
  findNul = true,
): { depth: number; tooDeep: boolean; nul: string | null } {
  // Each entry: a value, its path, its depth, and whether the key leading to it holds NUL.
  const stack: [unknown, string, number, boolean][] = [[value, '', 0, false]];
  let depth = 0;
  while (stack.length > 0) {
    const [v, path, d, badKey] = stack.pop() as [unknown, string, number, boolean];
    if (findNul && (badKey || (typeof v === 'string' && v.includes('\u0000'))))
      return { depth, tooDeep: false, nul: path };
    if (v === null || typeof v !== 'object') continue;
    const here = d + 1;
    if (here > depth) depth = here;
    if (here > maxDepth) return { depth, tooDeep: true, nul: null };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push([v[i], path ? `${path}.${i}` : String(i), here, false]);
    } else {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        stack.push([child, path ? `${path}.${k}` : k, here, k.includes('\u0000')]);
      }
    }
  }
  return { depth, tooDeep: false, nul: null };
}

/** Path (`a.b.0`) of the first string inside `value` that holds a NUL character, or null. */
export function findNul(value: unknown): string | null {
  return inspectJson(value, Number.POSITIVE_INFINITY).nul;
}

/** 422 for text with NUL characters: meaningless in any field, and PostgreSQL cannot store them. */
function nulProblem(path: string): Problem {
  return new Problem('validation_failed', {}, (lang: Lang) => ({
    issues: [
      {
        path,
        code: 'nul_character',
        message: lang === 'en' ? 'text contains a NUL character' : 'teks berisi karakter NUL',
      },
    ],
  }));
}

/**
 * The request body parsed as JSON: 400 `bad_json` when it is not JSON, 400
 * `json_too_deep` when it nests deeper than MAX_JSON_DEPTH (checked before anything
 * recursive touches it), 422 when a string holds NUL — unless `refuseNul` is false (the
 * sync push judges NUL per mutation). Every JSON route reads through here.
 *
 * @example
 *   const body = await readJson(c, { refuseNul: false }); // push: one bad note ≠ whole push
 */
export async function readJson(
  c: { req: { text(): Promise<string> } },
  options: { refuseNul?: boolean } = {},
): Promise<unknown> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Problem('bad_json');
  }
  const seen = inspectJson(value, MAX_JSON_DEPTH, options.refuseNul !== false);
  if (seen.tooDeep) throw new Problem('json_too_deep', { max: MAX_JSON_DEPTH });
  if (seen.nul !== null) throw nulProblem(seen.nul);
  return value;
}

/** The JSON body validated by `schema`. */
export async function jsonBody<S extends z.core.$ZodType>(
  c: AppContext,
  schema: S,
): Promise<z.output<S>> {
  return validate(schema, await readJson(c), c.get('lang'));
}

/** Query parameters validated by `schema`. */
export function queryParams<S extends z.core.$ZodType>(c: AppContext, schema: S): z.output<S> {
  return validate(schema, c.req.query(), c.get('lang'));
}

const CsvJson = z.object({ csv: z.string() });

/**
 * A CSV upload: either the file's bytes (text/csv, text/plain, application/octet-stream;
 * UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252 — see decodeCsvBytes) or
 * JSON `{ "csv": "…" }`. Text that holds U+FFFD (a file the client already decoded with
 * the wrong encoding) is refused too: nothing is ever imported as mojibake.
 *
 * @throws Problem 422 `csv_encoding` (in both languages, naming the line), 415, 422 NUL
 */
export async function csvBody(c: AppContext): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  try {
    if (type.includes('application/json')) {
      const csv = (await jsonBody(c, CsvJson)).csv;
      assertNoReplacementChars(csv);
      return csv;
    }
    if (
      type &&
      !/^text\/(csv|plain)\b/.test(type) &&
      !type.startsWith('application/octet-stream')
    ) {
      throw new Problem('unsupported_media_type');
    }
    const charset = /;\s*charset="?([^";\s]+)/i.exec(type)?.[1] ?? null;
    const text = decodeCsvBytes(new Uint8Array(await c.req.arrayBuffer()), charset);
    if (text.includes('\u0000')) throw nulProblem('csv');
    assertNoReplacementChars(text);
    return text;
  } catch (e) {
    if (e instanceof CsvEncodingError)
      throw new Problem('csv_encoding', { reason: e.reason, reasonEn: e.reasonEn });
    throw e;
  }
}

/** The XLSX media type (Office Open XML workbook). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An uploaded table: CSV text, or the bytes of an XLSX workbook. */
export type TableUpload = { kind: 'csv'; text: string } | { kind: 'xlsx'; bytes: Uint8Array };

/**
 * A table upload (the official result): an XLSX workbook when the bytes are a zip (an
 * XLSX file is one: `PK\x03\x04`) or the type says XLSX, else CSV bytes read as `csvBody`
 * reads them (text/csv, text/plain, application/octet-stream or no type; UTF-8 with or
 * without BOM, UTF-16 with BOM, Windows-1252). Told apart by content first because
 * browsers send `.csv` files with varying types (application/vnd.ms-excel on Windows).
 *
 * @throws Problem 415 (another type), 422 `xlsx_unreadable` (typed XLSX, not a zip),
 *   `csv_encoding`, NUL
 */
export async function tableBody(c: AppContext): Promise<TableUpload> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (zip) return { kind: 'xlsx', bytes };
  if (type.startsWith(XLSX_TYPE)) throw new Problem('xlsx_unreadable');
  if (
    type &&
    !/^text\/(csv|plain)\b/.test(type) &&
    !type.startsWith('application/octet-stream') &&
    !type.startsWith('application/vnd.ms-excel')
  ) {
    throw new Problem('unsupported_media_type');
  }
  try {
    const charset = /;\s*charset="?([^";\s]+)/i.exec(type)?.[1] ?? null;
    const text = decodeCsvBytes(bytes, charset);
    if (text.includes('\u0000')) throw nulProblem('csv');
    assertNoReplacementChars(text);
    return { kind: 'csv', text };
  } catch (e) {
    if (e instanceof CsvEncodingError)
      throw new Problem('csv_encoding', { reason: e.reason, reasonEn: e.reasonEn });
    throw e;
  }
}
