import { Hono } from 'hono';
import {
  type AuditList,
  AuditQuery,
  type ConflictList,
  ConflictQuery,
  ResolveBody,
} from '../../core';
import { jsonBody, queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';

/** Conflicts for coordinators (viewers read), and the audit trail of an assessment. */
export function conflictsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/conflicts', guard(s, 'coordinator', 'viewer'), async (c) => {
      const q = queryParams(c, ConflictQuery);
      return c.json({ conflicts: await s.conflicts.list(q) } satisfies ConflictList);
    })
    .post('/conflicts/:id/resolve', guard(s, 'coordinator'), async (c) => {
      const body = await jsonBody(c, ResolveBody);
      return c.json(await s.conflicts.resolve(c.req.param('id'), body.value, caller(c).account.id));
    })
    .get('/assessments/:id/audit', guard(s, 'coordinator', 'viewer'), async (c) => {
      const q = queryParams(c, AuditQuery);
      return c.json({
        entries: await s.conflicts.audit(c.req.param('id'), q.indicatorNo),
      } satisfies AuditList);
    });
}
