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

/** The request body parsed as JSON (400 `bad_json` when it is not JSON). */
export async function readJson(c: AppContext): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Problem('bad_json');
  }
}

/** The JSON body validated by `schema`. */
export async function jsonBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.output<S>> {
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
  return c.req.text();
}
