import { Hono } from 'hono';
import { ReopenBody, ReviewBody } from '../../core';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';

/**
 * The coordinator's decisions on a signed verification (approve, or return with comments),
 * and reopening an approved one with a reason. Reading it is the per-unit report
 * (reports.routes.ts).
 */
export function reviewRoutes(s: Services) {
  return new Hono<AppEnv>()
    .post('/assessments/:id/review', guard(s, 'coordinator'), async (c) => {
      const body = await jsonBody(c, ReviewBody);
      return c.json(await s.review.decide(c.req.param('id'), body, caller(c)));
    })
    .post('/assessments/:id/reopen', guard(s, 'coordinator'), async (c) => {
      const body = await jsonBody(c, ReopenBody);
      return c.json(await s.review.reopen(c.req.param('id'), body, caller(c)));
    });
}
