import { Hono } from 'hono';
import { DashboardQuery, PlanQuery } from '../../core';
import { queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import type { Services } from '../services';

/**
 * The dashboard of a period (coordinators and viewers) and its improvement plan
 * (coordinators; the city summary report carries the plan for viewers).
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
    .get('/:periodId/plan', guard(s, 'coordinator'), async (c) => {
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
