import { isIP } from 'node:net';
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

/**
 * Only an enrolled tablet's token passes (after `guard`): a verifier's browser session may not
 * sync, rotate, release or ask for a bundle secret. 403 `forbidden` otherwise.
 */
export const tabletOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (caller(c).kind !== 'device') throw new Problem('forbidden');
  await next();
};

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

/** An IP address from a forwarded-header entry (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`, `::1`), or null. */
function forwardedAddress(entry: string): string | null {
  let v = entry.trim();
  if (v.startsWith('[')) v = v.slice(1, v.indexOf(']') > 0 ? v.indexOf(']') : undefined);
  else if (/^[0-9.]+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'));
  return isIP(v) ? v.toLowerCase() : null;
}

/**
 * The client address behind `hops` trusted reverse proxies (config.trustProxy), from
 * X-Forwarded-For read from the RIGHT: each proxy appends the address it received the
 * request from, so the entry `hops` places from the end is the one the outermost trusted
 * proxy saw. Entries further left are whatever the client sent and are never used. With
 * no trusted proxy, fewer entries than hops, or an entry that is not an address: null.
 *
 * @example
 *   forwardedClient('6.6.6.6, 203.0.113.7', 1); // '203.0.113.7' (6.6.6.6 was spoofed)
 */
export function forwardedClient(xff: string | undefined, hops: number): string | null {
  if (!xff || hops < 1) return null;
  const entries = xff.split(',');
  if (entries.length < hops) return null;
  return forwardedAddress(entries[entries.length - hops] as string);
}

/**
 * Client address for rate limiting: behind `trustProxy` hops (number; `true` counts as 1)
 * the address X-Forwarded-For's trusted end names (see `forwardedClient`), else the socket's.
 */
export function clientIp(c: AppContext, trustProxy: number | boolean): string {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  const fwd = forwardedClient(c.req.header('x-forwarded-for'), hops);
  if (fwd) return fwd;
  return c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
