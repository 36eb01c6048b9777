import { Hono } from 'hono';
import { type Health, PROTOCOL_VERSION, type Readiness } from '../../core';
import type { Dialect } from '../db/database';
import type { AppEnv } from '../http/env';
import type { Logger } from '../ops/logger';
import type { Services } from '../services';

/** `GET /api/health`: the app's connectivity probe (public, never cached). */
export function healthRoutes(s: Services, info: { version: string; dialect: Dialect }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    const base = { version: info.version, protocol: PROTOCOL_VERSION, dialect: info.dialect };
    try {
      await s.ping();
      return c.json({ ok: true, db: 'ok', ...base } satisfies Health);
    } catch {
      return c.json({ ok: false, db: 'unreachable', ...base } satisfies Health, 503);
    }
  });
}

/** What readiness checks, each a promise that rejects when its part is not usable. */
export interface ReadinessChecks {
  /** The database answers a query. */
  db: () => Promise<void>;
  /** Evidence files can be stored (blob directory and upload staging). */
  files: () => Promise<void>;
  /** True once shutdown has begun. */
  draining: () => boolean;
  /** Longest wait for one check (ms) before it counts as failed (default 5000). */
  timeoutMs?: number;
  /** Where a failed check's reason goes (the answer itself only names the part). */
  log: Pick<Logger, 'warn'>;
}

/**
 * Resolves true when `check` succeeds within `ms`; false when it fails or takes longer,
 * after logging why (`readiness check failed`, with `check` and `err`).
 */
async function passes(
  name: string,
  check: () => Promise<void>,
  ms: number,
  log: Pick<Logger, 'warn'>,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([check(), late]);
    return true;
  } catch (err) {
    log.warn({ check: name, err }, 'readiness check failed');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /api/ready`: may a load balancer send this server work? (See ReadinessSchema.) The
 * checks run in parallel, each bounded by `timeoutMs`, so the answer comes quickly even when
 * the database hangs. The body names the failed part only: no error text, no paths, no
 * addresses.
 */
export function readyRoutes(checks: ReadinessChecks) {
  const timeoutMs = checks.timeoutMs ?? 5000;
  return new Hono<AppEnv>().get('/', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (checks.draining()) {
      return c.json(
        { ok: false, state: 'draining', db: 'skipped', files: 'skipped' } satisfies Readiness,
        503,
      );
    }
    const [db, files] = await Promise.all([
      passes('db', checks.db, timeoutMs, checks.log),
      passes('files', checks.files, timeoutMs, checks.log),
    ]);
    const ok = db && files;
    const body: Readiness = {
      ok,
      state: ok ? 'ready' : 'not_ready',
      db: db ? 'ok' : 'unreachable',
      files: files ? 'ok' : 'unavailable',
    };
    return c.json(body, ok ? 200 : 503);
  });
}
