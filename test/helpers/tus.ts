import { createHash } from 'node:crypto';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';

/**
 * Raw tus 1.0 requests to the in-process app, as a tablet's uploader sends them: for suites
 * that speak to the upload endpoint directly (who may upload, metadata, hash checks,
 * expiry).
 */

/** Hex SHA-256 of bytes (what the tablet declares as `sha256`). */
export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Base64 of a text, as tus metadata values are sent. */
export const b64 = (s: string) => Buffer.from(s).toString('base64');

/** An app that answers in-process requests (createApp's Hono app). */
export interface RequestTarget {
  app: { request(path: string, init: RequestInit): Response | Promise<Response> };
}

/** A tus request of a tablet (or anyone, with token null). */
export function tus(h: RequestTarget, token: string | null) {
  return (method: string, path: string, headers: Record<string, string> = {}, body?: Uint8Array) =>
    h.app.request(path, {
      method,
      headers: {
        'Tus-Resumable': '1.0.0',
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
}

/** POST a new upload for `bytes` (declared hash `declared`); returns the response. */
export function createUpload(
  send: ReturnType<typeof tus>,
  bytes: Uint8Array,
  declared = sha(bytes),
  extra: Record<string, string> = {},
) {
  return send('POST', '/api/files/', {
    'Upload-Length': String(bytes.byteLength),
    'Upload-Metadata': `sha256 ${b64(declared)},filetype ${b64('image/jpeg')}`,
    ...extra,
  });
}

/** PATCH `chunk` at `offset` of the upload at `location`. */
export function patchUpload(
  send: ReturnType<typeof tus>,
  location: string,
  offset: number,
  chunk: Uint8Array,
) {
  return send(
    'PATCH',
    location,
    { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    chunk,
  );
}
