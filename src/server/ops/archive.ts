import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import * as z from 'zod/mini';
import type { Dialect } from '../db/database';
import { OpsError, oneLine } from './errors';

// A Telusur backup is one gzip-compressed tar archive:
//   manifest.json                    what follows, with every entry's size and SHA-256
//   database/telusur.sqlite          SQLite: an online backup of the database file, or
//   database/telusur.pgdump          PostgreSQL: pg_dump --format=custom of the schema
//   files/<sha[0:2]>/<sha256>        every evidence file, named by the hash of its bytes
// Restore trusts nothing in it before every byte was checked against the manifest.

export const ARCHIVE_FORMAT = 'telusur-backup';
/** Raised when the layout changes; restore refuses versions it does not know. */
export const ARCHIVE_FORMAT_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';
/** The database entry of each dialect. */
export const DATABASE_ENTRY: Record<Dialect, string> = {
  sqlite: 'database/telusur.sqlite',
  postgres: 'database/telusur.pgdump',
};
/** An evidence file entry: `files/ab/ab…` (64 hex digits, the first two as its folder). */
const FILE_ENTRY = /^files\/([0-9a-f]{2})\/(\1[0-9a-f]{62})$/;
/** The manifest is read into memory: a real one holds ~150 bytes per file. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const Sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const EntrySchema = z.object({
  path: z.string(),
  size: z.number().check(z.int(), z.minimum(0)),
  sha256: Sha256,
});
const ManifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  formatVersion: z.number().check(z.int()),
  appVersion: z.string(),
  createdAt: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  postgres: z.optional(z.object({ schema: z.string(), serverVersion: z.string() })),
  migrations: z.array(z.string()),
  entries: z.array(EntrySchema),
  missingFiles: z.array(z.object({ sha256: Sha256, reason: z.string() })),
});

/** One archived file: where it sits in the archive, its size in bytes and SHA-256 (hex). */
export type ManifestEntry = z.infer<typeof EntrySchema>;
/**
 * manifest.json. `migrations`: names applied to the archived database. `missingFiles`:
 * evidence files the database records but the backup could not include (absent or damaged
 * on disk when it was taken). `postgres`: the schema dumped and the server's version.
 */
export type Manifest = z.infer<typeof ManifestSchema>;

/** An archive whose every byte matched its manifest. */
export interface VerifiedArchive {
  file: string;
  manifest: Manifest;
  database: ManifestEntry;
  evidence: ManifestEntry[];
  /** Bytes of all entries (uncompressed). */
  bytes: number;
}

/** The evidence entry path of a hash. */
export function fileEntryPath(sha256: string): string {
  return `files/${sha256.slice(0, 2)}/${sha256}`;
}

function damaged(path: string, id: string, en: string): OpsError {
  return new OpsError(
    `arsip ditolak, entri ${path}: ${id}`,
    `archive refused, entry ${path}: ${en}`,
  );
}

/** Is this an archive path restore would ever write? Anything else is refused. */
function knownPath(path: string, dialect?: Dialect): boolean {
  if (path === MANIFEST_PATH || FILE_ENTRY.test(path)) return true;
  return dialect ? path === DATABASE_ENTRY[dialect] : Object.values(DATABASE_ENTRY).includes(path);
}

function unsafe(path: string): boolean {
  return (
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    /^[a-zA-Z]:/.test(path) ||
    path.split('/').some((p) => p === '..')
  );
}

/**
 * Read a tar(.gz) archive entry by entry: `visit` gets each entry in order and must consume
 * its data (it may return a promise that settles when done). Resolves when the archive
 * ended and every visit settled.
 *
 * @throws OpsError "damaged or truncated" when the file is not a readable tar archive, or
 *   whatever `visit` throws (the first such error; the rest of the archive is not read).
 */
async function readArchive(
  file: string,
  visit: (entry: ReadEntry) => Promise<void> | void,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const pending: Promise<void>[] = [];
    let settled = false;
    const source = createReadStream(file);
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      source.destroy();
      reject(
        e instanceof OpsError
          ? e
          : new OpsError(
              `arsip rusak atau terpotong (${oneLine(e)})`,
              `archive is damaged or truncated (${oneLine(e)})`,
            ),
      );
    };
    const parser = new Parser({
      strict: true,
      // Sizes are checked against the manifest and data is streamed, never held: a highly
      // compressible database (empty pages) must not trip tar's decompression-bomb guard.
      maxDecompressionRatio: Number.POSITIVE_INFINITY,
      onReadEntry: (entry) => {
        if (settled) {
          entry.resume();
          return;
        }
        try {
          const done = Promise.resolve(visit(entry));
          done.catch(fail);
          pending.push(done);
        } catch (e) {
          entry.resume();
          fail(e);
        }
      },
    });
    parser.on('error', fail);
    parser.on('end', () => {
      Promise.all(pending).then(() => {
        if (!settled) {
          settled = true;
          resolve();
        }
      }, fail);
    });
    source.on('error', fail);
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
}

/** Check an entry's header before reading it; returns its path. */
function checkHeader(entry: ReadEntry, seen: Set<string>, dialect?: Dialect): string {
  const path = entry.path;
  if (unsafe(path))
    throw damaged(
      path,
      'jalur tidak aman (di luar folder tujuan)',
      'unsafe path (outside the target)',
    );
  if (entry.type !== 'File' && entry.type !== 'OldFile')
    throw damaged(path, `bukan berkas biasa (${entry.type})`, `not a regular file (${entry.type})`);
  if (!knownPath(path, dialect))
    throw damaged(path, 'tidak dikenal dalam cadangan Telusur', 'unknown to a Telusur backup');
  if (seen.has(path)) throw damaged(path, 'muncul dua kali', 'appears twice');
  seen.add(path);
  return path;
}

function parseManifest(bytes: Buffer): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw damaged(MANIFEST_PATH, `bukan JSON (${oneLine(e)})`, `not JSON (${oneLine(e)})`);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== ARCHIVE_FORMAT_VERSION)
    throw new OpsError(
      `format cadangan versi ${version} tidak didukung versi Telusur ini (didukung: ${ARCHIVE_FORMAT_VERSION})`,
      `backup format version ${version} is not supported by this Telusur (supported: ${ARCHIVE_FORMAT_VERSION})`,
    );
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw damaged(
      MANIFEST_PATH,
      `tidak valid di ${where}: ${issue?.message ?? ''}`,
      `not valid at ${where}: ${issue?.message ?? ''}`,
    );
  }
  const m = parsed.data;
  const paths = new Set<string>();
  for (const e of m.entries) {
    if (unsafe(e.path) || !knownPath(e.path, m.dialect) || e.path === MANIFEST_PATH)
      throw damaged(
        MANIFEST_PATH,
        `mencantumkan entri tak dikenal ${e.path}`,
        `lists an unknown entry ${e.path}`,
      );
    if (paths.has(e.path))
      throw damaged(MANIFEST_PATH, `mencantumkan ${e.path} dua kali`, `lists ${e.path} twice`);
    const f = FILE_ENTRY.exec(e.path);
    if (f && f[2] !== e.sha256)
      throw damaged(
        MANIFEST_PATH,
        `hash ${e.path} tidak sama dengan namanya`,
        `the hash of ${e.path} differs from its name`,
      );
    paths.add(e.path);
  }
  if (!paths.has(DATABASE_ENTRY[m.dialect]))
    throw damaged(
      MANIFEST_PATH,
      `tidak mencantumkan ${DATABASE_ENTRY[m.dialect]}`,
      `does not list ${DATABASE_ENTRY[m.dialect]}`,
    );
  if (m.dialect === 'postgres' && !m.postgres)
    throw damaged(
      MANIFEST_PATH,
      'tanpa keterangan skema PostgreSQL',
      'lacks the PostgreSQL schema',
    );
  return m;
}

/**
 * Verify a whole backup archive without writing anything: a readable gzip tar holding
 * manifest.json (well-formed, a format version this code reads) and exactly the entries it
 * lists (no other, none twice, no directories, links or unsafe paths), each of the listed
 * size and SHA-256; evidence files are named by their hash.
 *
 * @throws OpsError whose one-line message names the archive problem and the bad entry.
 */
export async function verifyArchive(file: string): Promise<VerifiedArchive> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new OpsError(`berkas cadangan tidak ada: ${file}`, `backup file not found: ${file}`);
  }
  if (!info.isFile()) throw new OpsError(`bukan berkas: ${file}`, `not a file: ${file}`);
  const seen = new Set<string>();
  const found = new Map<string, { size: number; sha256: string }>();
  let manifestBytes: Buffer | null = null;
  await readArchive(file, (entry) => {
    const path = checkHeader(entry, seen);
    if (path === MANIFEST_PATH && entry.size > MAX_MANIFEST_BYTES)
      throw damaged(path, 'terlalu besar', 'too large');
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    let size = 0;
    entry.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (path === MANIFEST_PATH) parts.push(chunk);
    });
    return new Promise<void>((resolve) => {
      entry.on('end', () => {
        if (path === MANIFEST_PATH) manifestBytes = Buffer.concat(parts);
        else found.set(path, { size, sha256: hash.digest('hex') });
        resolve();
      });
    });
  });
  if (manifestBytes === null)
    throw new OpsError(
      `${MANIFEST_PATH} tidak ada: bukan cadangan Telusur`,
      `${MANIFEST_PATH} missing: not a Telusur backup`,
    );
  const manifest = parseManifest(manifestBytes);
  const listed = new Set<string>();
  for (const e of manifest.entries) {
    listed.add(e.path);
    const got = found.get(e.path);
    if (!got) throw damaged(e.path, 'tidak ada dalam arsip', 'missing from the archive');
    if (got.size !== e.size)
      throw damaged(
        e.path,
        `ukuran ${got.size} bita, manifest ${e.size}`,
        `size ${got.size} bytes, manifest says ${e.size}`,
      );
    if (got.sha256 !== e.sha256)
      throw damaged(
        e.path,
        'SHA-256 tidak cocok dengan manifest',
        'SHA-256 differs from the manifest',
      );
  }
  for (const path of found.keys())
    if (!listed.has(path))
      throw damaged(path, 'tidak tercantum di manifest', 'not listed in the manifest');
  const database = manifest.entries.find((e) => e.path === DATABASE_ENTRY[manifest.dialect]);
  return {
    file,
    manifest,
    database: database as ManifestEntry,
    evidence: manifest.entries.filter((e) => FILE_ENTRY.test(e.path)),
    bytes: manifest.entries.reduce((n, e) => n + e.size, 0),
  };
}

/**
 * Write the entries of a verified archive out: `destination(path)` says where each entry
 * goes (null: skip it). Files are created exclusively (an existing file is an error, never
 * overwritten) and flushed; each is hashed again on the way and must still match the
 * manifest (the archive could have changed since it was verified).
 *
 * @returns the files written, in order (the caller removes them when it must undo)
 * @throws OpsError on a mismatch or a write failure; files written so far are listed on
 *   the error's `written` property.
 */
export async function extractArchive(
  archive: VerifiedArchive,
  destination: (path: string) => string | null,
): Promise<string[]> {
  const expected = new Map(archive.manifest.entries.map((e) => [e.path, e]));
  const written: string[] = [];
  const seen = new Set<string>();
  try {
    await readArchive(archive.file, async (entry) => {
      const path = checkHeader(entry, seen, archive.manifest.dialect);
      const target = path === MANIFEST_PATH ? null : destination(path);
      const want = expected.get(path);
      if (target === null || !want) {
        entry.resume();
        await new Promise<void>((r) => entry.on('end', () => r()));
        return;
      }
      const hash = createHash('sha256');
      let size = 0;
      const out = createWriteStream(target, { flags: 'wx' });
      written.push(target);
      // One consumer for hashing and writing (a second one would miss what the first took).
      entry.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        if (!out.write(chunk)) {
          entry.pause();
          out.once('drain', () => entry.resume());
        }
      });
      entry.on('end', () => out.end());
      await finished(out);
      const fh = await open(target, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (size !== want.size || hash.digest('hex') !== want.sha256)
        throw damaged(
          path,
          'berubah sejak diperiksa (SHA-256 tidak cocok)',
          'changed since it was verified (SHA-256 differs)',
        );
    });
  } catch (e) {
    throw Object.assign(
      e instanceof OpsError
        ? e
        : new OpsError(`gagal menulis: ${oneLine(e)}`, `writing failed: ${oneLine(e)}`),
      { written },
    );
  }
  for (const e of archive.manifest.entries)
    if (destination(e.path) !== null && !seen.has(e.path))
      throw Object.assign(damaged(e.path, 'hilang dari arsip', 'missing from the archive'), {
        written,
      });
  return written;
}
