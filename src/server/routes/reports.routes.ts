import { Hono } from 'hono';
import type { AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { Services } from '../services';
import type { ExportFile } from '../services/reports.service';

/** `attachment; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
function attachment(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150) || 'ekspor';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 200))}`;
}

function download(f: ExportFile): Response {
  return new Response(f.body, {
    status: 200,
    headers: {
      'Content-Type': f.contentType,
      'Content-Disposition': attachment(f.filename),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
}

/**
 * Reports (issue 7): the city summary and the exports of a period (coordinators and
 * viewers), and the per-unit report of an assessment (also the verifier it is assigned to).
 */
export function reportsRoutes(s: Services) {
  return new Hono<AppEnv>()
    .get('/periods/:periodId/summary', guard(s, 'coordinator', 'viewer'), async (c) =>
      c.json(await s.reports.summary(c.req.param('periodId'))),
    )
    .get('/periods/:periodId/levels.csv', guard(s, 'coordinator', 'viewer'), async (c) =>
      download(await s.reports.levelsCsv(c.req.param('periodId'))),
    )
    .get('/periods/:periodId/levels.xlsx', guard(s, 'coordinator', 'viewer'), async (c) =>
      download(await s.reports.levelsXlsx(c.req.param('periodId'))),
    )
    .get('/assessments/:id', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) =>
      c.json(await s.review.detail(c.req.param('id'), caller(c))),
    );
}
