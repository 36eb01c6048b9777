import { z } from 'zod';
import type { Lang } from '../problems';
import { type FieldIssue, Problem } from '../problems';
import type { AppContext } from './env';

const LOCALES = { id: z.locales.id(), en: z.locales.en() };

/** Validate a value with a zod schema; 422 `validation_failed` with `{ issues }` in the caller's language. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, lang: Lang): z.output<S> {
  const r = schema.safeParse(value, { error: LOCALES[lang].localeError });
  if (r.success) return r.data;
  const issues: FieldIssue[] = r.error.issues.slice(0, 50).map((i) => ({
    path: i.path.map(String).join('.'),
    code: i.code,
    message: i.message,
  }));
  throw new Problem('validation_failed', {}, { issues });
}

/** Path (`a.b.0`) of the first string inside `value` that holds a NUL character, or null. */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], path ? `${path}.${i}` : String(i));
      if (hit !== null) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (k.includes('\u0000')) return here;
      const hit = findNul(v, here);
      if (hit !== null) return hit;
    }
  }
  return null;
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

/** The request body parsed as JSON (400 `bad_json` when it is not JSON, 422 when a string holds NUL). */
export async function readJson(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Problem('bad_json');
  }
  const nul = findNul(value);
  if (nul !== null) throw nulProblem(nul);
  return value;
}

/** The JSON body validated by `schema`. */
export async function jsonBody<S extends z.ZodType>(
  c: AppContext,
  schema: S,
): Promise<z.output<S>> {
  return validate(schema, await readJson(c), c.get('lang'));
}

/** Query parameters validated by `schema`. */
export function queryParams<S extends z.ZodType>(c: AppContext, schema: S): z.output<S> {
  return validate(schema, c.req.query(), c.get('lang'));
}

const CsvJson = z.object({ csv: z.string() });

/** A CSV upload: either a raw text body (text/csv) or JSON `{ "csv": "…" }`. */
export async function csvBody(c: AppContext): Promise<string> {
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) return (await jsonBody(c, CsvJson)).csv;
  if (type && !/^text\/(csv|plain)\b/.test(type) && !type.startsWith('application/octet-stream')) {
    throw new Problem('unsupported_media_type');
  }
  const text = await c.req.text();
  if (text.includes('\u0000')) throw nulProblem('csv');
  return text;
}
