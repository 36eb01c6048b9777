import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ProblemBody } from '../../core';
import { type Lang, Problem, preferredLang, problemBody } from '../problems';

/**
 * The JSON response of a problem, in the request's language. A server-side failure (5xx)
 * also carries the request's id (`requestId`, as in the X-Request-Id header and the log
 * line), so the person who sees it can quote it to IT.
 */
export function problemResponse(c: Context, p: Problem): Response {
  const lang: Lang =
    (c.get('lang') as Lang | undefined) ?? preferredLang(c.req.header('accept-language'));
  for (const [k, v] of Object.entries(p.headers)) c.header(k, v);
  c.header('Vary', 'Accept-Language', { append: true });
  c.header('Cache-Control', 'no-store');
  const requestId = c.get('requestId') as string | undefined;
  const body: ProblemBody = problemBody(p, lang);
  if (p.status >= 500 && requestId) body.requestId = requestId;
  return c.json(body, p.status as ContentfulStatusCode);
}

export { Problem };

/** `s` with every lone surrogate replaced by U+FFFD (well-formed UTF-16, encodable as UTF-8). */
export function wellFormed(s: string): string {
  return s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/**
 * A Content-Disposition value (RFC 6266) for any file name: an ASCII `filename` fallback
 * and the UTF-8 `filename*` (RFC 8187 percent-encoding). Never throws: the name is cut at
 * a whole character and made well-formed first, so a lone surrogate (stored before text
 * was checked at the wire) or a name cut inside a surrogate pair still downloads.
 *
 * @example
 *   contentDisposition('inline', 'Foto – 1.jpg');
 *   // inline; filename="Foto _ 1.jpg"; filename*=UTF-8''Foto%20%E2%80%93%201.jpg
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const cut = wellFormed(Array.from(name).slice(0, 200).join(''));
  const ascii = cut.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 150) || 'berkas';
  const encoded = encodeURIComponent(cut).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
