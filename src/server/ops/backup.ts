import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { create as createTar } from 'tar';
import { openDatabase } from '../db/connect';
import type { Dialect } from '../db/database';
import { OpsRepository } from '../db/ops.repository';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  DATABASE_ENTRY,
  fileEntryPath,
  MANIFEST_PATH,
  type Manifest,
  type ManifestEntry,
} from './archive';
import { OpsError, oneLine } from './errors';
import { exactPattern, runPgTool } from './pg-tools';
import { onlineBackup, openReadOnly } from './sqlite-copy';

/** The database a backup copies: the SQLite file, or the PostgreSQL database of a URL. */
export type BackupSource =
  | { dialect: 'sqlite'; sqliteFile: string }
  | { dialect: 'postgres'; databaseUrl: string };

export interface BackupOptions {
  source: BackupSource;
  /** Evidence files (BLOB_DIR): `<dir>/<sha[0:2]>/<sha256>`; staging folders are left out. */
  blobDir: string;
  /** The archive to write (.tar.gz). */
  out: string;
  /** Replace an existing `out` (default: refuse). */
  force?: boolean;
  appVersion: string;
  now?: () => Date;
}

export interface BackupResult {
  out: string;
  dialect: Dialect;
  /** Evidence files in the archive. */
  files: number;
  /** Uncompressed bytes of every entry; `archiveBytes` is the size of the .tar.gz. */
  bytes: number;
  archiveBytes: number;
  /** Evidence files the database records that could not be included (see Manifest). */
  missingFiles: Manifest['missingFiles'];
}

const SHA_NAME = /^[0-9a-f]{64}$/;
const SHARD = /^[0-9a-f]{2}$/;

async function sha256Of(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

async function fsync(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Refuse an --out that cannot or must not be written; returns whether it exists. */
async function checkOut(out: string, force: boolean): Promise<void> {
  const dir = dirname(out);
  const d = await stat(dir).catch(() => null);
  if (!d?.isDirectory())
    throw new OpsError(
      `folder tujuan tidak ada: ${dir}`,
      `the target folder does not exist: ${dir}`,
    );
  const existing = await lstat(out).catch(() => null);
  if (!existing) return;
  if (!existing.isFile())
    throw new OpsError(`${out} ada dan bukan berkas`, `${out} exists and is not a file`);
  if (!force)
    throw new OpsError(
      `${out} sudah ada; pakai --force untuk menimpanya`,
      `${out} already exists; use --force to replace it`,
    );
}

/**
 * Copy the database into `staging/database/…`: SQLite through the online backup API,
 * PostgreSQL with pg_dump (one snapshot). Returns what the manifest says about it and the
 * hashes of the evidence files the copy records.
 */
async function copyDatabase(
  source: BackupSource,
  staging: string,
): Promise<{
  migrations: string[];
  held: string[];
  postgres?: Manifest['postgres'];
}> {
  await mkdir(join(staging, 'database'));
  const dest = join(staging, DATABASE_ENTRY[source.dialect]);
  if (source.dialect === 'sqlite') {
    const exists = await stat(source.sqliteFile).catch(() => null);
    if (!exists?.isFile())
      throw new OpsError(
        `tidak ada basis data SQLite di ${source.sqliteFile} (periksa DATA_DIR)`,
        `no SQLite database at ${source.sqliteFile} (check DATA_DIR)`,
      );
    await onlineBackup(source.sqliteFile, dest);
    const copy = openReadOnly(dest);
    try {
      const check = copy.quickCheck();
      if (check !== 'ok')
        throw new OpsError(
          `salinan basis data rusak: ${check}`,
          `the database copy is damaged: ${check}`,
        );
      const repo = new OpsRepository(copy.db);
      const migrations = await repo.appliedMigrations();
      return { migrations, held: migrations.length ? await repo.heldFileHashes() : [] };
    } finally {
      await copy.close();
    }
  }
  const handle = openDatabase({ databaseUrl: source.databaseUrl, pgPoolSize: 1 });
  try {
    const repo = new OpsRepository(handle.db);
    const schema = await repo.currentSchema();
    if (!schema)
      throw new OpsError(
        'skema pada search_path DATABASE_URL tidak ada',
        "the schema on DATABASE_URL's search_path does not exist",
      );
    const before = await repo.appliedMigrations();
    const serverVersion = await repo.serverVersion();
    await runPgTool(
      'pg_dump',
      ['--format=custom', '--no-password', `--schema=${exactPattern(schema)}`, `--file=${dest}`],
      source.databaseUrl,
    );
    // A row in `files` appears only after its bytes are stored, and nothing deletes either:
    // the rows now are a superset of the dump's, and each one's file is on disk already.
    const held = await repo.heldFileHashes();
    const after = await repo.appliedMigrations();
    if (after.join() !== before.join())
      throw new OpsError(
        'basis data dimigrasi selama pencadangan; ulangi',
        'the database was migrated during the backup; run it again',
      );
    await fsync(dest);
    return { migrations: before, held, postgres: { schema, serverVersion } };
  } finally {
    await handle.close();
  }
}

/**
 * Every evidence file under `blobDir` whose bytes match its name, hashed. Files whose bytes
 * do not match (damaged on disk) are reported, not archived; staging folders (tus uploads,
 * tmp) are not evidence and are skipped.
 */
async function collectEvidence(
  blobDir: string,
): Promise<{ entries: ManifestEntry[]; damaged: Set<string> }> {
  const entries: ManifestEntry[] = [];
  const damaged = new Set<string>();
  const shards = await readdir(blobDir, { withFileTypes: true }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    },
  );
  for (const shard of shards.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!shard.isDirectory() || !SHARD.test(shard.name)) continue;
    const names = (await readdir(join(blobDir, shard.name), { withFileTypes: true }))
      .filter((f) => f.isFile() && SHA_NAME.test(f.name) && f.name.startsWith(shard.name))
      .map((f) => f.name)
      .sort();
    for (const name of names) {
      const { sha256, size } = await sha256Of(join(blobDir, shard.name, name));
      if (sha256 === name) entries.push({ path: fileEntryPath(name), size, sha256 });
      else damaged.add(name);
    }
  }
  return { entries, damaged };
}

/**
 * Write one backup archive (see archive.ts for its layout) of a database that may be in
 * use: the database is copied first (one consistent snapshot), then every evidence file is
 * added. Evidence files are immutable and never deleted, and a `files` row is written only
 * after its file, so every file the copied database records is on disk by then and goes in.
 *
 * The archive is assembled next to `out` under a temporary name and renamed to `out` only
 * when complete and flushed: `out` never holds a partial archive.
 *
 * @returns counts, sizes, and evidence files the database records that were absent or
 *   damaged on disk (archived without them; listed in the manifest).
 * @throws OpsError (one line) when `out` exists (without `force`) or its folder does not,
 *   when there is no database, or when copying fails; nothing is left behind.
 */
export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const out = resolve(options.out);
  await checkOut(out, options.force ?? false);
  const now = options.now ?? (() => new Date());
  const staging = await mkdtemp(join(dirname(out), `.${basename(out)}.staging-`));
  const partial = join(dirname(out), `.${basename(out)}.partial-${randomBytes(6).toString('hex')}`);
  try {
    const createdAt = now().toISOString();
    const db = await copyDatabase(options.source, staging);
    const dbPath = DATABASE_ENTRY[options.source.dialect];
    const dbEntry: ManifestEntry = { path: dbPath, ...(await sha256Of(join(staging, dbPath))) };
    const evidence = await collectEvidence(options.blobDir);
    const archived = new Set(evidence.entries.map((e) => e.sha256));
    const missingFiles: Manifest['missingFiles'] = [];
    for (const sha256 of [...new Set(db.held)].sort()) {
      if (archived.has(sha256)) continue;
      missingFiles.push({
        sha256,
        reason: evidence.damaged.has(sha256) ? 'damaged on disk' : 'absent on disk',
      });
    }
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      formatVersion: ARCHIVE_FORMAT_VERSION,
      appVersion: options.appVersion,
      createdAt,
      dialect: options.source.dialect,
      ...(db.postgres ? { postgres: db.postgres } : {}),
      migrations: db.migrations,
      entries: [dbEntry, ...evidence.entries],
      missingFiles,
    };
    await writeFile(join(staging, MANIFEST_PATH), `${JSON.stringify(manifest, null, 1)}\n`);
    // Evidence is read in place through a link, not copied into the staging folder.
    if (evidence.entries.length)
      await symlink(resolve(options.blobDir), join(staging, 'files'), 'dir');
    await createTar(
      { gzip: true, file: partial, cwd: staging, portable: true, noDirRecurse: true },
      [MANIFEST_PATH, dbPath, ...evidence.entries.map((e) => e.path)],
    );
    // The archive holds every account's password hash and all evidence: owner-only, whatever
    // the umask of the shell or timer that ran the command.
    await chmod(partial, 0o600);
    await fsync(partial);
    await rename(partial, out);
    await fsync(dirname(out)).catch(() => undefined);
    return {
      out,
      dialect: options.source.dialect,
      files: evidence.entries.length,
      bytes: manifest.entries.reduce((n, e) => n + e.size, 0),
      archiveBytes: (await stat(out)).size,
      missingFiles,
    };
  } catch (e) {
    if (e instanceof OpsError) throw e;
    throw new OpsError(`pencadangan gagal: ${oneLine(e)}`, `backup failed: ${oneLine(e)}`);
  } finally {
    await rm(partial, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}
