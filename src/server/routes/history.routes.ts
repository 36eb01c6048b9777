import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import type { Services } from '../services';

/**
 * The index over the years (GET /api/history): every period of the organisation with its
 * indices and what changed between them. Coordinators and viewers read it; verifiers and
 * owners do not (403): it is the whole organisation's evaluation record.
 */
export function historyRoutes(s: Services) {
  return new Hono<AppEnv>().get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
    c.json(await s.history.history()),
  );
}
