import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import { contentDisposition } from '../http/respond';
import type { Services } from '../services';
import type { ExportFile } from '../services/exports/file';

function download(f: ExportFile): Response {
  return new Response(f.body, {
    status: 200,
    headers: {
      'Content-Type': f.contentType,
      'Content-Disposition': contentDisposition('attachment', f.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}

/**
 * Reports: the city summary, the exports and the national evidence package of a period
 * (coordinators and viewers), and the per-unit report of an assessment (also the verifier it is assigned to).
 */
export function reportsRoutes(s: Services) {
  return (
    new Hono<AppEnv>()
      .get('/periods/:periodId/summary', guard(s, 'coordinator', 'viewer'), async (c) =>
        c.json(await s.reports.summary(c.req.param('periodId'))),
      )
      .get('/periods/:periodId/levels.csv', guard(s, 'coordinator', 'viewer'), async (c) =>
        download(await s.reports.levelsCsv(c.req.param('periodId'))),
      )
      .get('/periods/:periodId/levels.xlsx', guard(s, 'coordinator', 'viewer'), async (c) =>
        download(await s.reports.levelsXlsx(c.req.param('periodId'))),
      )
      // The national evidence package: of one unit (`?unitId=`) or of the whole Pemda.
      .get(
        '/periods/:periodId/national-package.zip',
        guard(s, 'coordinator', 'viewer'),
        async (c) =>
          download(
            await s.reports.nationalPackage(c.req.param('periodId'), c.req.query('unitId') ?? null),
          ),
      )
      .get('/assessments/:id', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) =>
        c.json(await s.review.detail(c.req.param('id'), caller(c))),
      )
  );
}
