import { Hono } from 'hono';
import {
  OfficialImportQuery,
  PeriodBody,
  type PeriodList,
  PeriodPatchBody,
  SelfAssessmentBody,
  type StageChangeList,
  StageMoveBody,
} from '../../core';
import { csvBody, jsonBody, queryParams, tableBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import { contentDisposition } from '../http/respond';
import type { Services } from '../services';

/**
 * Evaluation periods, the self-assessed levels of units within them, and the official
 * result (KemenPANRB) imported into a period with its comparison.
 */
export function periodsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({ periods: await s.periods.list() } satisfies PeriodList),
    )
    .post('/', guard(s, 'coordinator'), async (c) =>
      c.json(await s.periods.create(await jsonBody(c, PeriodBody)), 201),
    )
    .get('/:id', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.periods.get(c.req.param('id'))),
    )
    .patch('/:id', guard(s, 'coordinator'), async (c) =>
      c.json(await s.periods.update(c.req.param('id'), await jsonBody(c, PeriodPatchBody))),
    )
    .delete('/:id', guard(s, 'coordinator'), async (c) => {
      await s.periods.delete(c.req.param('id'));
      return c.body(null, 204);
    })
    .post('/:id/stage', guard(s, 'coordinator'), async (c) => {
      const body = await jsonBody(c, StageMoveBody);
      return c.json(
        await s.periods.moveStage(c.req.param('id'), body.from, body.to, caller(c).account.id),
      );
    })
    .get('/:id/stage-changes', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({
        changes: await s.periods.stageChanges(c.req.param('id')),
      } satisfies StageChangeList),
    )
    .get(
      '/:id/units/:unitId/self-assessment',
      guard(s, 'coordinator', 'viewer', 'verifier'),
      async (c) => {
        const { id, unitId } = c.req.param();
        await s.assignments.assertCanAccess(caller(c), id, unitId);
        return c.json(await s.selfAssessments.get(id, unitId));
      },
    )
    .put('/:id/units/:unitId/self-assessment', guard(s, 'coordinator'), async (c) => {
      const { id, unitId } = c.req.param();
      const body = await jsonBody(c, SelfAssessmentBody);
      return c.json(await s.selfAssessments.put(id, unitId, body.levels, caller(c).account.id));
    })
    .post('/:id/self-assessments/import', guard(s, 'coordinator'), async (c) => {
      const text = await csvBody(c);
      return c.json(
        await s.selfAssessments.importCsv(c.req.param('id'), text, caller(c).account.id),
      );
    })
    .get('/:id/official', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.official.compare(c.req.param('id'))),
    )
    .put('/:id/official', guard(s, 'coordinator'), async (c) => {
      const { file } = queryParams(c, OfficialImportQuery);
      const upload = await tableBody(c);
      return c.json(await s.official.import(c.req.param('id'), upload, file, caller(c).account.id));
    })
    .get('/:id/official/template.csv', guard(s, 'coordinator', 'viewer'), async (c) => {
      const { filename, csv } = await s.official.template(c.req.param('id'));
      return new Response(csv, {
        status: 200,
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': contentDisposition('attachment', filename),
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        },
      });
    });
}
