import { Hono } from 'hono';
import { z } from 'zod';
import { DEFAULT_PAGE, MAX_PAGE } from '../../core';
import { UNIT_KINDS } from '../domain';
import { queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import type { Services } from '../services';

const DashboardQuery = z.object({
  parentId: z.string().min(1).max(64).optional(),
  kind: z.enum(UNIT_KINDS).optional(),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  /** `true`: list (and page) only units with an assessment in the period. */
  assigned: z.enum(['true', 'false']).default('false'),
});

const indicatorNo = z.coerce.number().int().min(1).max(999);

/** `effort=12:2,13:0.5` → { 12: 2, 13: 0.5 }; `fixed=5,7` → [5, 7]. */
const PlanQuery = z.object({
  target: z.coerce
    .number()
    .min(1)
    .max(5)
    .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-9, 'at most two decimals')
    .optional(),
  effort: z
    .string()
    .max(4000)
    .optional()
    .transform((s, ctx) => {
      const out: Record<number, number> = {};
      for (const part of (s ?? '').split(',').filter((p) => p.trim() !== '')) {
        const m = /^\s*(\d{1,3})\s*:\s*(\d{1,4}(?:\.\d{1,3})?)\s*$/.exec(part);
        const value = Number(m?.[2]);
        if (!m || !(value > 0) || value > 1000) {
          ctx.addIssue({
            code: 'custom',
            message: `"${part.slice(0, 20)}": no:bobot, bobot 0 < x ≤ 1000`,
          });
          return z.NEVER;
        }
        out[Number(m[1])] = value;
      }
      return out;
    }),
  fixed: z
    .string()
    .max(4000)
    .optional()
    .transform((s, ctx) => {
      const out: number[] = [];
      for (const part of (s ?? '').split(',').filter((p) => p.trim() !== '')) {
        const r = indicatorNo.safeParse(part.trim());
        if (!r.success) {
          ctx.addIssue({ code: 'custom', message: `"${part.slice(0, 20)}": nomor indikator` });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    }),
});

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
