import { Hono } from 'hono';
import { type Health, PROTOCOL_VERSION } from '../../core';
import type { Dialect } from '../db/database';
import type { AppEnv } from '../http/env';
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
