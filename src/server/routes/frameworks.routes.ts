import { Hono } from 'hono';
import { type FrameworkList, serializeFramework } from '../../core';
import { readJson } from '../http/body';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';

/** Instruments: list, read, import a JSON file, delete an unused imported one. */
export function frameworksRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json({ frameworks: await s.frameworks.list() } satisfies FrameworkList),
    )
    .get('/:id', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(serializeFramework(await s.frameworks.get(c.req.param('id'))) as object),
    )
    .post('/', guard(s, 'coordinator'), async (c) => {
      const summary = await s.frameworks.import(await readJson(c), caller(c).account.id);
      return c.json(summary, 201);
    })
    .delete('/:id', guard(s, 'coordinator'), async (c) => {
      await s.frameworks.delete(c.req.param('id'));
      return c.body(null, 204);
    });
}
