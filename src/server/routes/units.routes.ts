import { Hono } from 'hono';
import { UnitBody, type UnitList, UnitPatchBody } from '../../core';
import { csvBody, jsonBody } from '../http/body';
import type { AppEnv } from '../http/env';
import { guard } from '../http/guard';
import type { Services } from '../services';

/** Units: the tree, single edits and the all-or-nothing CSV import. */
export function unitsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({ units: await s.units.tree() } satisfies UnitList),
    )
    .post('/', guard(s, 'coordinator'), async (c) =>
      c.json(await s.units.create(await jsonBody(c, UnitBody)), 201),
    )
    .post('/import', guard(s, 'coordinator'), async (c) =>
      c.json(await s.units.importCsv(await csvBody(c))),
    )
    .get('/:id', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.units.get(c.req.param('id'))),
    )
    .patch('/:id', guard(s, 'coordinator'), async (c) =>
      c.json(await s.units.update(c.req.param('id'), await jsonBody(c, UnitPatchBody))),
    )
    .delete('/:id', guard(s, 'coordinator'), async (c) => {
      await s.units.delete(c.req.param('id'));
      return c.body(null, 204);
    });
}
