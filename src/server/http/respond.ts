import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Lang, Problem, preferredLang, problemBody } from '../problems';

/** The JSON response of a problem, in the request's language. */
export function problemResponse(c: Context, p: Problem): Response {
  const lang: Lang =
    (c.get('lang') as Lang | undefined) ?? preferredLang(c.req.header('accept-language'));
  for (const [k, v] of Object.entries(p.headers)) c.header(k, v);
  c.header('Vary', 'Accept-Language', { append: true });
  c.header('Cache-Control', 'no-store');
  return c.json(problemBody(p, lang), p.status as ContentfulStatusCode);
}

export { Problem };
