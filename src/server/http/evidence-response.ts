import { Readable } from 'node:stream';
import { isDownloadOnly, sniffRenderableMime } from '../../core';
import { EVIDENCE_MIMES, type ServedFile } from '../services/files.service';
import { contentDisposition } from './respond';

/** The first 16 bytes of a served file (fewer for a shorter one), to check its real type. */
async function head(f: ServedFile): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of (await f.open({ end: 15 })) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    n += chunk.length;
    if (n >= 16) break;
  }
  return new Uint8Array(Buffer.concat(chunks).subarray(0, 16));
}

/**
 * The answer that serves an evidence file (verification evidence by hash, an action's
 * evidence): only a photo or PDF whose bytes are what its type declares is shown in the
 * page; office files, archives and anything whose bytes disagree are a download, sandboxed
 * (CSP `sandbox`, `nosniff`) should a browser try to render them anyway. Content-addressed,
 * so cached as immutable.
 */
export async function evidenceFileResponse(f: ServedFile): Promise<Response> {
  const inline = !isDownloadOnly(f.mime) && sniffRenderableMime(await head(f)) === f.mime;
  return new Response(Readable.toWeb(await f.open()) as ReadableStream, {
    status: 200,
    headers: {
      'Content-Type': inline || EVIDENCE_MIMES.has(f.mime) ? f.mime : 'application/octet-stream',
      'Content-Length': String(f.bytes),
      'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', f.name),
      'X-Content-Type-Options': 'nosniff',
      // Appended to the app's policy by the security middleware (http/security.ts).
      ...(inline ? {} : { 'Content-Security-Policy': 'sandbox' }),
      // Content-addressed: the bytes behind a hash never change.
      'Cache-Control': 'private, max-age=31536000, immutable',
    },
  });
}
