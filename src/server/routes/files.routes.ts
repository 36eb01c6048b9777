import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { isDownloadOnly, sniffRenderableMime } from '../../core';
import type { AppContext, AppEnv } from '../http/env';
import { caller, guard } from '../http/guard';
import { contentDisposition } from '../http/respond';
import type { TusEndpoint } from '../http/tus';
import { Problem } from '../problems';
import type { Services } from '../services';
import { EVIDENCE_MIMES, type ServedFile } from '../services/files.service';

/** The first 16 bytes of a served file (fewer for a shorter one), to check its real type. */
async function head(f: ServedFile): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of f.open({ end: 15 }) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    n += chunk.length;
    if (n >= 16) break;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, 16));
}

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
      // Only a photo or PDF whose bytes are what its record declares is shown in the page;
      // office files, archives and anything whose bytes disagree are a download, sandboxed
      // should a browser try to render them anyway.
      const inline = !isDownloadOnly(f.mime) && sniffRenderableMime(await head(f)) === f.mime;
      return new Response(Readable.toWeb(f.open()) as ReadableStream, {
        status: 200,
        headers: {
          'Content-Type':
            inline || EVIDENCE_MIMES.has(f.mime) ? f.mime : 'application/octet-stream',
          'Content-Length': String(f.bytes),
          'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', f.name),
          'X-Content-Type-Options': 'nosniff',
          // Appended to the app's policy by the security middleware (http/security.ts).
          ...(inline ? {} : { 'Content-Security-Policy': 'sandbox' }),
          // Content-addressed: the bytes behind a hash never change.
          'Cache-Control': 'private, max-age=31536000, immutable',
        },
      });
    })
    .all('/', guard(s, 'verifier'), tablet)
    .all('/*', guard(s, 'verifier'), tablet);
}
