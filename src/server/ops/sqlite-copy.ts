import { existsSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../db/database';

/** Pages per backup step: all of them, so the copy is one read transaction (see below). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copy a live SQLite database to `dest` with SQLite's online backup API, while other
 * connections (the running server) keep reading and writing. The copy is written to
 * `dest.partial` and renamed into place once complete and flushed, so `dest` is either
 * absent or a whole database.
 *
 * Every page is copied in one step, i.e. inside one read transaction: in WAL mode that
 * blocks no writer and yields the database as of one commit. (Copying in small steps would
 * restart from the beginning after every write of another connection, and might never end
 * on a busy server.)
 *
 * @param source path of the database file (it must exist; nothing is created)
 * @param dest path of the copy; must not exist yet
 * @throws Error when the source is missing or not a database, or the copy fails
 */
export async function onlineBackup(source: string, dest: string): Promise<void> {
  if (!existsSync(source)) throw new Error(`no SQLite database at ${source}`);
  const partial = `${dest}.partial`;
  await rm(partial, { force: true });
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(partial, { progress: () => ALL_PAGES });
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    db.close();
  }
  const fh = await open(partial, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(partial, dest);
}

/**
 * A database file opened read-only (a backup copy): for reading its migrations and files
 * without changing a byte of it. `close()` also removes the empty -wal and -shm files a
 * read-only connection to a WAL-mode file leaves beside it.
 */
export function openReadOnly(file: string): {
  db: Kysely<Database>;
  quickCheck(): string;
  close(): Promise<void>;
} {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    db,
    /** PRAGMA quick_check: `ok`, or the first problem SQLite found. */
    quickCheck: () => String(sqlite.pragma('quick_check', { simple: true })),
    async close() {
      await db.destroy();
      const wal = await stat(`${file}-wal`).catch(() => null);
      if (wal && wal.size === 0) {
        await rm(`${file}-wal`, { force: true });
        await rm(`${file}-shm`, { force: true });
      }
    },
  };
}

/**
 * Fold an SQLite file's write-ahead log into the file and remove the emptied log, so the
 * file alone holds everything (restore writes into it before renaming it into place).
 */
export async function foldWal(file: string): Promise<void> {
  const sqlite = new SQLite(file, { fileMustExist: true });
  try {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
  for (const suffix of ['-wal', '-shm']) {
    const s = await stat(`${file}${suffix}`).catch(() => null);
    if (s && (suffix === '-shm' || s.size === 0)) await rm(`${file}${suffix}`, { force: true });
  }
}
