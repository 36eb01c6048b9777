import type { MiddlewareHandler } from 'hono';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../core';
import type { Principal, Role } from '../domain';
import { Problem } from '../problems';
import type { Services } from '../services';
import type { AppContext, AppEnv } from './env';

/**
 * Authenticate the bearer token and allow only `roles`. Every non-public route declares
 * its roles with this; scope (which units) is checked by the services.
 *
 * @example
 *   .get('/', guard(s, 'coordinator', 'viewer'), (c) => …)
 */
export function guard(services: Services, ...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S{1,200})$/i.exec(header.trim());
    if (!m) throw new Problem('unauthenticated');
    const principal = await services.auth.resolve(m[1] as string);
    if (!roles.includes(principal.account.role)) throw new Problem('forbidden');
    c.set('principal', principal);
    await next();
  };
}

/** The caller established by `guard` (throws if the route forgot its guard). */
export function caller(c: AppContext): Principal {
  const p = c.get('principal');
  if (!p) throw new Problem('unauthenticated');
  return p;
}

/** Protocol versions this server speaks. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [PROTOCOL_VERSION];

/**
 * 426 `protocol_mismatch` when the app announces a protocol this server does not speak;
 * with `required`, also when it announces none (routes only the tablet app calls).
 */
export function protocolGate(required: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const raw = c.req.header(PROTOCOL_HEADER);
    if (raw === undefined ? required : !SUPPORTED_PROTOCOLS.includes(Number(raw.trim()))) {
      throw new Problem('protocol_mismatch', {
        client: raw?.slice(0, 20) || '—',
        server: PROTOCOL_VERSION,
      });
    }
    await next();
  };
}

/** Client address for rate limiting: the socket's, or X-Forwarded-For's first hop behind a trusted proxy. */
export function clientIp(c: AppContext, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (fwd) return fwd.slice(0, 64);
  }
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
