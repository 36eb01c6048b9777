import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EvidenceStore, StoredFile, StreamCheck } from './evidence-store';

const SHA256_RE = /^[0-9a-f]{64}$/;

export function isSha256(value: string): boolean {
  return SHA256_RE.test(value);
}

/**
 * Write and remove a probe file in `dir` (created when missing).
 * @throws the file system's error when the directory cannot be written.
 */
export async function probeDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const probe = join(dir, `.ready-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, 'ready', { flag: 'wx' });
  } finally {
    await rm(probe, { force: true });
  }
}

/** SHA-256 (lowercase hex) and length of a stream's bytes, read to its end. */
export async function hashOf(source: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Copy a stream into `file` (created or truncated) while hashing it.
 * @returns SHA-256 (lowercase hex) and length of what was written
 * @throws the stream's or the file system's error (the file may be left partly written)
 */
export async function writeHashed(
  source: Readable,
  file: string,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        bytes += chunk.byteLength;
        yield chunk;
      }
    },
    createWriteStream(file),
  );
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Content-addressed evidence files on disk: `<dir>/<sha[0:2]>/<sha>`. A file appears under
 * its name only complete and verified (written to `<dir>/tmp/`, hashed on the way, flushed,
 * then renamed), so a crash leaves either nothing or the whole file; storing the same
 * content twice is a no-op.
 *
 * @example
 *   const blobs = new BlobStore('data/files');
 *   const r = await blobs.putStream(fs.createReadStream(upload), expectedSha);
 *   if (!r.ok) console.log('hash mismatch', r.sha256);
 */
export class BlobStore implements EvidenceStore {
  readonly kind = 'file' as const;
  constructor(readonly dir: string) {}

  get where(): string {
    return this.dir;
  }

  path(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.path(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /** Size in bytes, or null when absent. */
  async size(sha256: string): Promise<number | null> {
    try {
      return (await stat(this.path(sha256))).size;
    } catch {
      return null;
    }
  }

  /** Size and hash (its verified name) of a stored file, or null when absent. */
  async stat(sha256: string): Promise<StoredFile | null> {
    const bytes = await this.size(sha256);
    return bytes === null ? null : { bytes, sha256 };
  }

  /** The file's bytes; `range.end` (inclusive byte offset) reads only its start. */
  async open(sha256: string, range?: { end: number }): Promise<ReadStream> {
    const stream = createReadStream(
      this.path(sha256),
      range ? { start: 0, end: range.end } : undefined,
    );
    // Fail here (not mid-response) when the file is missing.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  /** Copy a stream in while hashing it; kept only when its SHA-256 is `expected`. */
  async putStream(source: Readable, expected: string): Promise<StreamCheck> {
    const tmp = await this.tmpFile();
    try {
      const { sha256, bytes } = await writeHashed(source, tmp);
      if (sha256 !== expected) {
        await rm(tmp, { force: true });
        return { ok: false, sha256, bytes };
      }
      await this.commit(tmp, sha256);
      return { ok: true, sha256, bytes };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Hash a stream without keeping it: does it hold exactly the bytes of `expected`? (A
   * second uploader of a file the server has must still prove it has the bytes.)
   */
  async verifyStream(source: Readable, expected: string): Promise<StreamCheck> {
    const { sha256, bytes } = await hashOf(source);
    return { ok: sha256 === expected, sha256, bytes };
  }

  /** Store bytes already checked against `sha256`. */
  async putBytes(bytes: Uint8Array, sha256: string): Promise<void> {
    if (await this.has(sha256)) return;
    const tmp = await this.tmpFile();
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(bytes);
      } finally {
        await fh.close();
      }
      await this.commit(tmp, sha256);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Can files be stored right now? Creates the directory if needed, writes a small probe file
   * into it and removes it again (a readiness check: a full disk, a lost mount or wrong
   * ownership fail here instead of in the middle of a tablet's upload).
   * @throws the file system's error (ENOSPC, EACCES, EROFS, ENOTDIR…) when it cannot.
   */
  async probe(): Promise<void> {
    await probeDirectory(this.dir);
  }

  private async tmpFile(): Promise<string> {
    const dir = join(this.dir, 'tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  }

  /** Flush to disk, then move into place (atomic on one file system). */
  private async commit(tmp: string, sha256: string): Promise<void> {
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const target = this.path(sha256);
    await mkdir(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    await rename(tmp, target);
  }
}
