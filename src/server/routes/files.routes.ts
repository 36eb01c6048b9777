import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../http/env';
import { evidenceFileResponse } from '../http/evidence-response';
import { caller, guard } from '../http/guard';
import type { TusEndpoint } from '../http/tus';
import { Problem } from '../problems';
import type { Services } from '../services';

/**
 * Evidence files: served by hash to coordinators, viewers and the assigned verifier
 * (review), and received from tablets through tus (everything else under /files/).
 * `GET /by-hash/:sha256?record=<evidence record id>` names the record being viewed: its
 * name and type are served (see FilesService.describe).
 */
export function filesRoutes(s: Services, tus: TusEndpoint) {
  const tablet = (c: AppContext) => {
    const p = caller(c);
    if (p.kind !== 'device' || !p.device) throw new Problem('forbidden');
    return tus.handle(c.req.raw, { deviceId: p.device.id, verifierId: p.device.verifierId });
  };
  return new Hono<AppEnv>()
    .get('/by-hash/:sha256', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) => {
      const p = caller(c);
      const record = c.req.query('record');
      if (record !== undefined && (record.length === 0 || record.length > 200))
        throw new Problem('not_found', { what: 'Berkas', whatEn: 'File' });
      const f = await s.files.describe(
        c.req.param('sha256'),
        p,
        () => s.sync.scopeOf(p.account.id),
        record ?? null,
      );
      return evidenceFileResponse(f);
    })
    .all('/', guard(s, 'verifier'), tablet)
    .all('/*', guard(s, 'verifier'), tablet);
}
