import { Hono } from 'hono';
import { AssignmentBody, type AssignmentList, AssignmentQuery, ReassignBody } from '../../core';
import { jsonBody, queryParams } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard, protocolGate } from '../http/guard';
import type { Services } from '../services';

/** Assignments (coordinator), assessments (scoped), and the verifier's offline package. */
export function assignmentsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/assignments', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({
        assignments: await s.assignments.list(queryParams(c, AssignmentQuery)),
      } satisfies AssignmentList),
    )
    .post('/assignments', guard(s, 'coordinator'), async (c) => {
      const r = await s.assignments.create(await jsonBody(c, AssignmentBody), caller(c).account.id);
      return c.json(r, r.created > 0 ? 201 : 200);
    })
    .post('/assignments/reassign', guard(s, 'coordinator'), async (c) =>
      c.json(await s.assignments.reassign(await jsonBody(c, ReassignBody), caller(c).account.id)),
    )
    .delete('/assignments/:id', guard(s, 'coordinator'), async (c) => {
      await s.assignments.delete(c.req.param('id'));
      return c.body(null, 204);
    })
    .get('/assessments/:id', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) =>
      c.json(await s.assignments.getAssessment(c.req.param('id'), caller(c))),
    )
    .get('/my/assignments', protocolGate(true), guard(s, 'verifier'), async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await s.assignments.offlinePackage(caller(c)));
    });
}
