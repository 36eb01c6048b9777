import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { openDatabase } from '../db/connect';
import type { Dialect } from '../db/database';
import { migrationNames } from '../db/migrate';
import { OpsRepository } from '../db/ops.repository';
import { DATABASE_ENTRY, extractArchive, type VerifiedArchive, verifyArchive } from './archive';
import { OpsError, oneLine } from './errors';
import { runPgTool } from './pg-tools';
import { foldWal, openReadOnly } from './sqlite-copy';

/** Where a backup goes back: an SQLite DATA_DIR, or the PostgreSQL database of a URL. */
export type RestoreTarget =
  | { dialect: 'sqlite'; dataDir: string; blobDir: string }
  | { dialect: 'postgres'; databaseUrl: string; blobDir: string };

export interface RestoreResult {
  dialect: Dialect;
  /** The SQLite file, or `schema <name>` on PostgreSQL. */
  database: string;
  files: number;
  archive: VerifiedArchive;
  /**
   * The new incarnation the restored database got, so tablets see it went back in time;
   * null when the backup predates incarnations (the server's migration then creates a new
   * one at its next start).
   */
  incarnation: { id: string; parent: string | null; restoredThrough: number } | null;
}

const SQLITE_FILE = 'telusur.sqlite';
const LABEL: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

/**
 * Entries of `dir` that hold data: files, and folders with a file somewhere inside. Left out:
 * a mount point's own `lost+found`, and empty folders (the server creates its upload staging
 * folders at start, so a target a server has already been pointed at still counts as empty).
 */
async function entriesWithData(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.name === 'lost+found' && e.isDirectory()) continue;
    if (e.isDirectory() && !(await holdsFile(join(dir, e.name)))) continue;
    found.push(e.name);
  }
  return found;
}

/** Whether a folder holds anything but (nested) empty folders; stops at the first such entry. */
async function holdsFile(dir: string): Promise<boolean> {
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (!e.isDirectory() || (await holdsFile(join(dir, e.name)))) return true;
  return false;
}

/**
 * A folder restore may write into: absent, or holding no data (see entriesWithData). Returns
 * whether it exists.
 * @throws OpsError when it is not a folder or holds data.
 */
async function emptyOrAbsent(dir: string, what: string): Promise<boolean> {
  const s = await stat(dir).catch(() => null);
  if (!s) return false;
  if (!s.isDirectory())
    throw new OpsError(`${what} ${dir} bukan folder`, `${what} ${dir} is not a folder`);
  const names = await entriesWithData(dir);
  if (names.length > 0)
    throw new OpsError(
      `${what} ${dir} tidak kosong (${names.length} entri berisi data, mis. ${names[0]}); pemulihan hanya ke folder kosong atau belum ada`,
      `${what} ${dir} is not empty (${names.length} with data, e.g. ${names[0]}); restore only goes into an empty or absent folder`,
    );
  return true;
}

/**
 * The PostgreSQL schema a backup goes into: the backup's own schema, which the target
 * connection's search_path must select, holding no tables yet (or not existing: restore
 * creates it). Returns whether it must be created.
 */
async function pgTarget(repo: OpsRepository, schema: string): Promise<{ create: boolean }> {
  const current = await repo.currentSchema();
  if (current === null) {
    // No schema on the search_path exists yet: only the backup's own may be created.
    const first =
      (await repo.searchPath())
        .split(',')
        .map((s) =>
          s
            .trim()
            .replace(/^"(.*)"$/, '$1')
            .replaceAll('""', '"'),
        )
        .find((s) => s !== '$user' && s !== '') ?? '';
    if (first !== schema)
      throw new OpsError(
        `search_path DATABASE_URL memilih skema "${first}" yang tidak ada; cadangan berisi skema "${schema}"`,
        `DATABASE_URL's search_path selects schema "${first}", which does not exist; the backup holds schema "${schema}"`,
      );
    return { create: true };
  }
  if (current !== schema)
    throw new OpsError(
      `cadangan berisi skema "${schema}", DATABASE_URL memakai skema "${current}"; arahkan search_path ke "${schema}"`,
      `the backup holds schema "${schema}" but DATABASE_URL works in schema "${current}"; point its search_path at "${schema}"`,
    );
  const n = await repo.relationsIn(schema);
  if (n > 0)
    throw new OpsError(
      `skema "${schema}" tidak kosong (${n} tabel/urutan); pemulihan hanya ke skema kosong`,
      `schema "${schema}" is not empty (${n} tables/sequences); restore only goes into an empty schema`,
    );
  return { create: false };
}

/** Every check that needs no writing: the archive against this code and the target. */
function checkCompatible(archive: VerifiedArchive, target: RestoreTarget): void {
  const m = archive.manifest;
  if (m.dialect !== target.dialect)
    throw new OpsError(
      `cadangan ini dari ${LABEL[m.dialect]}, tujuan ${LABEL[target.dialect]}; pemulihan lintas basis data tidak didukung (${
        m.dialect === 'sqlite' ? 'kosongkan DATABASE_URL' : 'setel DATABASE_URL'
      })`,
      `this backup is of ${LABEL[m.dialect]}, the target is ${LABEL[target.dialect]}; restoring across databases is not supported (${
        m.dialect === 'sqlite' ? 'unset DATABASE_URL' : 'set DATABASE_URL'
      })`,
    );
  const known = new Set(migrationNames());
  const unknown = m.migrations.filter((n) => !known.has(n));
  if (unknown.length)
    throw new OpsError(
      `cadangan ini memuat migrasi yang tidak dikenal versi ini (${unknown[0]}; ditulis Telusur yang lebih baru, cadangan dibuat oleh ${m.appVersion}); pulihkan dengan versi yang lebih baru`,
      `this backup holds a migration this version does not know (${unknown[0]}; written by a newer Telusur, backup made by ${m.appVersion}); restore it with the newer version`,
    );
}

/**
 * Restore a backup archive into an empty target, or refuse and change nothing.
 *
 * First the whole archive is verified (verifyArchive), then the target checked: its
 * folders (DATA_DIR for SQLite, BLOB_DIR) empty or absent, the PostgreSQL schema empty or
 * absent, the same dialect, no migration this code does not know. Only then is anything
 * written: evidence files first, the database last (SQLite: written under a temporary name
 * and renamed; PostgreSQL: pg_restore in one transaction), so a failure part-way removes
 * what was written and leaves the target as it was.
 *
 * @throws OpsError with a one-line reason (the bad entry, the non-empty target, …).
 */
export async function restoreBackup(file: string, target: RestoreTarget): Promise<RestoreResult> {
  const archive = await verifyArchive(file);
  checkCompatible(archive, target);
  const m = archive.manifest;

  // Folders: refuse a non-empty one before writing anything.
  const blobInsideData =
    target.dialect === 'sqlite' && !relative(target.dataDir, target.blobDir).startsWith('..');
  const dataExisted =
    target.dialect === 'sqlite' ? await emptyOrAbsent(target.dataDir, 'DATA_DIR') : true;
  const blobExisted = blobInsideData ? false : await emptyOrAbsent(target.blobDir, 'BLOB_DIR');

  let pg: { create: boolean; schema: string } | null = null;
  if (target.dialect === 'postgres') {
    const schema = m.postgres?.schema as string;
    const handle = openDatabase({ databaseUrl: target.databaseUrl, pgPoolSize: 1 });
    try {
      pg = { schema, ...(await pgTarget(new OpsRepository(handle.db), schema)) };
    } catch (e) {
      if (e instanceof OpsError) throw e;
      throw new OpsError(
        `basis data tujuan tidak dapat dibuka: ${oneLine(e)}`,
        `cannot open the target database: ${oneLine(e)}`,
      );
    } finally {
      await handle.close();
    }
  }

  // Undo on failure: each target folder was empty or absent, so all it holds then is ours.
  const owned: { dir: string; existed: boolean }[] = [];
  if (target.dialect === 'sqlite') owned.push({ dir: target.dataDir, existed: dataExisted });
  if (!blobInsideData) owned.push({ dir: target.blobDir, existed: blobExisted });
  const scratch =
    target.dialect === 'postgres' ? await mkdtemp(join(tmpdir(), 'telusur-restore-')) : null;
  const dbTemp =
    target.dialect === 'sqlite'
      ? join(target.dataDir, `.${SQLITE_FILE}.restoring`)
      : join(scratch as string, 'telusur.pgdump');
  let incarnation: RestoreResult['incarnation'] = null;
  try {
    for (const o of owned) await mkdir(o.dir, { recursive: true });
    await mkdir(target.blobDir, { recursive: true });
    for (const shard of new Set(archive.evidence.map((e) => e.sha256.slice(0, 2))))
      await mkdir(join(target.blobDir, shard));
    await extractArchive(archive, (path) => {
      if (path === DATABASE_ENTRY[m.dialect]) return dbTemp;
      const sha = path.split('/')[2] as string;
      return join(target.blobDir, sha.slice(0, 2), sha);
    });
    if (target.dialect === 'sqlite') {
      const copy = openReadOnly(dbTemp);
      try {
        const check = copy.quickCheck();
        if (check !== 'ok')
          throw new OpsError(
            `basis data dalam cadangan rusak: ${check}`,
            `the database in the backup is damaged: ${check}`,
          );
      } finally {
        await copy.close();
      }
      incarnation = await newIncarnation(target, dbTemp);
      await foldWal(dbTemp);
      // Last: the server finds a database only once all of it and every file are in place.
      await rename(dbTemp, join(target.dataDir, SQLITE_FILE));
    } else {
      await pgRestore(dbTemp, target.databaseUrl, pg as { create: boolean; schema: string });
      incarnation = await newIncarnation(target, null);
    }
    return {
      dialect: target.dialect,
      database:
        target.dialect === 'sqlite'
          ? join(target.dataDir, SQLITE_FILE)
          : `schema ${(pg as { schema: string }).schema}`,
      files: archive.evidence.length,
      archive,
      incarnation,
    };
  } catch (e) {
    for (const o of owned) {
      if (!o.existed) await rm(o.dir, { recursive: true, force: true });
      else
        for (const n of await readdir(o.dir).catch(() => [] as string[]))
          await rm(join(o.dir, n), { recursive: true, force: true });
    }
    if (e instanceof OpsError) throw e;
    throw new OpsError(`pemulihan gagal: ${oneLine(e)}`, `restore failed: ${oneLine(e)}`);
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Mark the restored database as a new incarnation (random id; parent: the backup's; the
 * restore point: its highest change-log seq). A failure here fails the restore (undone
 * like any other): a restored database tablets cannot tell from the old one would let
 * them skip changes silently.
 */
async function newIncarnation(
  target: RestoreTarget,
  /** SQLite: the restored file (still under its temporary name). */
  sqliteFile: string | null,
): Promise<RestoreResult['incarnation']> {
  const handle =
    target.dialect === 'sqlite'
      ? openDatabase({ sqliteFile: sqliteFile as string })
      : openDatabase({ databaseUrl: target.databaseUrl, pgPoolSize: 1 });
  try {
    return await new OpsRepository(handle.db).startRestoredIncarnation(randomUUID(), Date.now());
  } finally {
    await handle.close();
  }
}

/**
 * pg_restore a custom-format dump in one transaction (a failure leaves nothing behind),
 * without owners and grants (the restoring role owns everything). When the target schema
 * exists (empty) its creation is left out of the restore list.
 */
async function pgRestore(
  dump: string,
  databaseUrl: string,
  target: { create: boolean; schema: string },
): Promise<void> {
  const args = [
    '--no-password',
    '--single-transaction',
    '--exit-on-error',
    '--no-owner',
    '--no-privileges',
  ];
  if (!target.create) {
    const list = await runPgTool('pg_restore', ['--list', dump], databaseUrl);
    const kept = list
      .split('\n')
      .filter((l) => !/^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )/.test(l))
      .join('\n');
    const listFile = join(dirname(dump), 'toc.list');
    await writeFile(listFile, kept);
    args.push(`--use-list=${listFile}`);
  }
  const database = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  args.push(`--dbname=${database || 'postgres'}`, dump);
  await runPgTool('pg_restore', args, databaseUrl);
}
