import { Hono } from 'hono';
import { DashboardQuery, PlanQuery } from '../../core';
import { queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import type { Services } from '../services';

/**
 * The dashboard of a period and its improvement plan, for coordinators and viewers alike:
 * the plan is a computation (effort weights and fixed indicators are query parameters), so a
 * viewer reading it with other settings changes nothing.
 */
export function dashboardRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/:periodId', guard(s, 'coordinator', 'viewer'), async (c) => {
      const q = queryParams(c, DashboardQuery);
      return c.json(
        await s.dashboard.dashboard(
          c.req.param('periodId'),
          { parentId: q.parentId, kind: q.kind },
          { offset: q.offset, limit: q.limit, assignedOnly: q.assigned === 'true' },
        ),
      );
    })
    .get('/:periodId/stages', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.dashboard.stages(c.req.param('periodId'))),
    )
    .get('/:periodId/plan', guard(s, 'coordinator', 'viewer'), async (c) => {
      const q = queryParams(c, PlanQuery);
      return c.json(
        await s.plan.plan(c.req.param('periodId'), {
          target: q.target,
          effort: q.effort,
          fixed: q.fixed,
        }),
      );
    });
}
