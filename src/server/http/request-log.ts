import { randomBytes } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../ops/logger';
import type { AppContext, AppEnv } from './env';

/** Header carrying the request id, in and out. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** An incoming id is kept only when short and plain: it ends up in log lines and bodies. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id of a request: the incoming X-Request-Id when it is 1–64 characters of
 * `[A-Za-z0-9._-]` (a proxy in front may assign one, so its log and ours line up), else a
 * fresh 16-hex-digit id (short enough to read out over the phone to IT).
 *
 * @example
 *   requestIdFrom('abc-123'); // 'abc-123'
 *   requestIdFrom('a b');     // e.g. '9f1c0d6e2ab34c71'
 */
export function requestIdFrom(incoming: string | undefined): string {
  if (incoming !== undefined && SAFE_REQUEST_ID.test(incoming)) return incoming;
  return randomBytes(8).toString('hex');
}

// Patterns of the app-wide middleware (createApp's `app.use`): matching only these means no
// route matched the request.
const MIDDLEWARE_PATTERNS = new Set(['*', '/*', '/api/*']);

/** Longest raw path written to a log line (an unmatched path is whatever the client sent). */
const MAX_LOGGED_PATH = 200;

/**
 * The route a request matched, as its registered pattern (`/api/units/:id`), so log lines
 * group by route and carry no ids; for a request no route matched (404s, the PWA's static
 * files), its path without the query string, cut at 200 characters.
 */
export function routeOf(c: AppContext): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]?.path;
    if (path && !MIDDLEWARE_PATTERNS.has(path)) return path;
  }
  return c.req.path.slice(0, MAX_LOGGED_PATH);
}

/** The log level of a request line: `error` for a server fault, `warn` for 503, else `info`. */
function levelOf(status: number): 'error' | 'warn' | 'info' {
  if (status === 503) return 'warn';
  return status >= 500 ? 'error' : 'info';
}

/**
 * Request id and access log, the outermost middleware. Sets `requestId` on the context and
 * the `X-Request-Id` response header, and writes one line per request when the answer is
 * ready: `{requestId, method, route, status, ms, accountId?, role?, deviceId?}`, msg
 * `request` (`ms` = milliseconds until the response head, one decimal; a streamed body may
 * take longer). The caller is named only when a guard signed it in; a tablet also gets its
 * device id. Never logged: the query string, headers (tokens, cookies), bodies. At level
 * `debug` a `request received` line also marks each request's arrival, so a request that
 * never finishes can be found.
 */
export function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', requestId);
    const method = c.req.method;
    if (log.isLevelEnabled('debug')) {
      log.debug(
        { requestId, method, path: c.req.path.slice(0, MAX_LOGGED_PATH) },
        'request received',
      );
    }
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
    const status = c.res.status;
    const p = c.get('principal');
    log[levelOf(status)](
      {
        requestId,
        method,
        route: routeOf(c),
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(p ? { accountId: p.account.id, role: p.account.role } : {}),
        ...(p?.kind === 'device' && p.device ? { deviceId: p.device.id } : {}),
      },
      'request',
    );
  };
}
