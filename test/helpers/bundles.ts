import { createHash, createHmac } from 'node:crypto';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { bundleSigningInput, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';

/**
 * Export-file (bundle) tools for tests (signatures and zip limits): sign a bundle exactly as
 * src/store/bundle-format.ts says — written here with node:crypto, independently of the tablet
 * store — rewrite entries as a tamperer would, and craft zips byte by byte (zip bombs).
 */

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * `manifest.sig` for these manifest bytes: `{"alg":"HMAC-SHA256","deviceId","mac"}` with
 * mac = hex HMAC-SHA256(key = bytes of the hex secret, bundleSigningInput(sha256(manifest), deviceId)).
 */
export function signatureEntry(
  manifest: Uint8Array,
  deviceId: string,
  secretHex: string,
): Uint8Array {
  const mac = createHmac('sha256', Buffer.from(secretHex, 'hex'))
    .update(bundleSigningInput(sha256Hex(manifest), deviceId), 'utf8')
    .digest('hex');
  return strToU8(JSON.stringify({ alg: 'HMAC-SHA256', deviceId, mac }));
}

export interface Signer {
  deviceId: string;
  secret: string;
}

/**
 * Rewrite a bundle: `change` edits the entries; then (by default) `manifest.sha256` is
 * recomputed, and with `sign` the file is signed again by that device — what a tablet with
 * a bug, or someone holding its secret, would produce. Without `sign` the old signature stays.
 */
export function rewrite(
  bundle: Uint8Array,
  change: (entries: Record<string, Uint8Array>) => void,
  options: { rehash?: boolean; sign?: Signer | null } = {},
): Uint8Array {
  const entries: Record<string, Uint8Array> = unzipSync(bundle);
  change(entries);
  const manifest = entries['manifest.json'] as Uint8Array;
  if (options.rehash !== false) entries['manifest.sha256'] = strToU8(`${sha256Hex(manifest)}\n`);
  if (options.sign)
    entries['manifest.sig'] = signatureEntry(manifest, options.sign.deviceId, options.sign.secret);
  return zipSync(entries);
}

/** The bundle signed (or signed again) by `signer`. */
export function signBundle(bundle: Uint8Array, signer: Signer): Uint8Array {
  return rewrite(bundle, () => undefined, { sign: signer });
}

/** The manifest of a bundle, parsed. */
// biome-ignore lint/suspicious/noExplicitAny: tests read and edit arbitrary manifest JSON.
export function manifestOf(bundle: Uint8Array): any {
  return JSON.parse(strFromU8(unzipSync(bundle)['manifest.json'] as Uint8Array));
}

/** Edit the manifest JSON of an entries map in place. */
// biome-ignore lint/suspicious/noExplicitAny: as above.
export function editManifest(entries: Record<string, Uint8Array>, edit: (m: any) => void): void {
  const m = JSON.parse(strFromU8(entries['manifest.json'] as Uint8Array));
  edit(m);
  entries['manifest.json'] = strToU8(JSON.stringify(m));
}

/** A device's bundle secret, asked of the server with its token. */
export async function bundleSecretOf(
  call: (
    method: string,
    path: string,
    options?: { token?: string },
  ) => Promise<{ status: number; body: { deviceId: string; bundleSecret: string } }>,
  token: string,
): Promise<Signer> {
  const r = await call('POST', '/api/devices/bundle-secret', { token });
  if (r.status !== 200) throw new Error(`bundle-secret: ${r.status}`);
  return { deviceId: r.body.deviceId, secret: r.body.bundleSecret };
}

/** POST a bundle file as the given (coordinator) token. */
export async function postBundle(
  app: { request(url: string, init?: RequestInit): Response | Promise<Response> },
  token: string,
  bytes: Uint8Array,
  lang = 'id',
  // biome-ignore lint/suspicious/noExplicitAny: test reads JSON.
): Promise<{ status: number; body: any }> {
  const res = await app.request('/api/sync/bundles', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/zip',
      'accept-language': lang,
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

// --- zips by hand --------------------------------------------------------------------

export interface RawEntry {
  name: string;
  /** The bytes as they sit in the file (already deflated for method 8). */
  data: Uint8Array;
  method: 0 | 8;
  /** Uncompressed size the directory DECLARES (may lie). */
  size: number;
  crc?: number;
}

/**
 * A zip written byte by byte: local headers, data, central directory, end record — sizes
 * exactly as given, so a test can declare what it likes.
 */
export function craftZip(entries: RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc ?? 0, 14);
    local.writeUInt32LE(e.data.byteLength, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(e.method, 10);
    cd.writeUInt32LE(e.crc ?? 0, 16);
    cd.writeUInt32LE(e.data.byteLength, 20);
    cd.writeUInt32LE(e.size, 24);
    cd.writeUInt16LE(name.byteLength, 28);
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += 30 + name.byteLength + e.data.byteLength;
  }
  const cdSize = central.reduce((n, b) => n + b.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...parts, ...central, end]));
}

/**
 * The raw deflate stream of `mib` MiB of zeros, made without ever holding them: one MiB is
 * deflated with a full flush (a byte-aligned block sequence that needs no history), that
 * block sequence is repeated, and an empty final block ends the stream. About 1 KB per MiB.
 */
export function zerosDeflate(mib: number): Uint8Array {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), {
    level: 9,
    finishFlush: constants.Z_FULL_FLUSH,
  });
  const last = deflateRawSync(Buffer.alloc(0));
  const out = Buffer.alloc(block.byteLength * mib + last.byteLength);
  for (let i = 0; i < mib; i++) block.copy(out, i * block.byteLength);
  last.copy(out, block.byteLength * mib);
  return new Uint8Array(out);
}

/** A stored (uncompressed) entry with its real size and CRC. */
export function storedEntry(name: string, data: Uint8Array): RawEntry {
  return { name, data, method: 0, size: data.byteLength, crc: crc32(data) };
}
