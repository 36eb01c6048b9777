import { Hono } from 'hono';
import { UnitBody, type UnitList, UnitPatchBody } from '../../core';
import { csvBody, jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import { contentDisposition } from '../http/respond';
import type { Services } from '../services';
import { unitsTemplateCsv } from '../services/units.service';

/** Units: the tree, single edits, the all-or-nothing CSV import and its template. */
export function unitsRoutes(s: Services) {
  return (
    new Hono<AppEnv>()
      .get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
        c.json({ units: await s.units.tree() } satisfies UnitList),
      )
      .post('/', guard(s, 'coordinator'), async (c) =>
        c.json(await s.units.create(await jsonBody(c, UnitBody)), 201),
      )
      .post('/import', guard(s, 'coordinator'), async (c) =>
        c.json(await s.units.importCsv(await csvBody(c))),
      )
      // Before '/:id', which would take "template.csv" for a unit id.
      .get('/template.csv', guard(s, 'coordinator', 'viewer'), () => {
        return new Response(unitsTemplateCsv(), {
          status: 200,
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': contentDisposition('attachment', 'templat-unit.csv'),
            'X-Content-Type-Options': 'nosniff',
            'Cache-Control': 'no-store',
          },
        });
      })
      .get('/:id', guard(s, 'coordinator', 'viewer'), async (c) =>
        c.json(await s.units.get(c.req.param('id'))),
      )
      .patch('/:id', guard(s, 'coordinator'), async (c) =>
        c.json(await s.units.update(c.req.param('id'), await jsonBody(c, UnitPatchBody))),
      )
      .delete('/:id', guard(s, 'coordinator'), async (c) => {
        await s.units.delete(c.req.param('id'));
        return c.body(null, 204);
      })
  );
}
