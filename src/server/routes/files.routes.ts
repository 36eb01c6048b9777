import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { AppContext, AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import type { TusEndpoint } from '../http/tus';
import { Problem } from '../problems';
import type { Services } from '../services';

/** `inline; filename="…"` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
function disposition(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 150) || 'berkas';
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.slice(0, 200))}`;
}

/**
 * Evidence files: served by hash to coordinators, viewers and the assigned verifier
 * (review, issue 7), and received from tablets through tus (everything else under /files/).
 */
export function filesRoutes(s: Services, tus: TusEndpoint) {
  const tablet = (c: AppContext) => {
    const p = caller(c);
    if (p.kind !== 'device' || !p.device) throw new Problem('forbidden');
    return tus.handle(c.req.raw, p.device.id);
  };
  return new Hono<AppEnv>()
    .get('/by-hash/:sha256', guard(s, 'coordinator', 'viewer', 'verifier'), async (c) => {
      const p = caller(c);
      const f = await s.files.describe(c.req.param('sha256'), p, () =>
        s.sync.scopeOf(p.account.id),
      );
      return new Response(Readable.toWeb(f.open()) as ReadableStream, {
        status: 200,
        headers: {
          'Content-Type': f.mime,
          'Content-Length': String(f.bytes),
          'Content-Disposition': disposition(f.name),
          'X-Content-Type-Options': 'nosniff',
          // Content-addressed: the bytes behind a hash never change.
          'Cache-Control': 'private, max-age=31536000, immutable',
        },
      });
    })
    .all('/', guard(s, 'verifier'), tablet)
    .all('/*', guard(s, 'verifier'), tablet);
}
