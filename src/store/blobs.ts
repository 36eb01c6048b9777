import type { TelusurDb } from './schema';
import type { BlobMode } from './types';

/** SHA-256 of bytes as lower-case hex, via Web Crypto. */
export async function sha256Hex(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const PROBE_KEY = 'blob-probe';

/**
 * Startup probe: does a Blob survive a round trip through IndexedDB here? Some iPadOS
 * versions fail to store Blobs (DataCloneError or unreadable on read); there the store keeps
 * ArrayBuffers instead. Rows of either kind are read back the same way, so a later OS update
 * that fixes Blobs needs no migration.
 */
export async function probeBlobMode(db: TelusurDb): Promise<BlobMode> {
  const payload = new Uint8Array([84, 101, 108, 117, 115, 117, 114]); // "Telusur"
  try {
    const back = await db.transaction('rw', db.meta, async () => {
      await db.meta.put({
        key: PROBE_KEY,
        blob: new Blob([payload], { type: 'application/octet-stream' }),
      });
      const row = await db.meta.get(PROBE_KEY);
      await db.meta.delete(PROBE_KEY);
      return row?.blob;
    });
    if (!(back instanceof Blob) || back.size !== payload.length) return 'arraybuffer';
    const bytes = new Uint8Array(await back.arrayBuffer());
    return bytes.every((b, i) => b === payload[i]) ? 'blob' : 'arraybuffer';
  } catch {
    return 'arraybuffer';
  }
}

/** Turn a stored blob row's data back into a Blob, whatever way it was stored. */
export function toBlob(data: Blob | ArrayBuffer, mime: string): Blob {
  return data instanceof Blob ? data : new Blob([data], { type: mime });
}
