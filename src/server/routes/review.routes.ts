import { Hono } from 'hono';
import { ReviewBody } from '../../core';
import { jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';

/**
 * The coordinator's decision on a finished verification (approve, or return with comments
 * per indicator). Reading it is the per-unit report (reports.routes.ts).
 */
export function reviewRoutes(s: Services) {
  return new Hono<AppEnv>().post('/assessments/:id/review', guard(s, 'coordinator'), async (c) => {
    const body = await jsonBody(c, ReviewBody);
    return c.json(await s.review.decide(c.req.param('id'), body, caller(c)));
  });
}
