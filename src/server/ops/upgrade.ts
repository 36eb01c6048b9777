import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatabaseHandle } from '../db/connect';
import { assertNotNewer, migrateToLatest, migrationNames } from '../db/migrate';
import { OpsError, oneLine } from './errors';
import { onlineBackup } from './sqlite-copy';

export interface UpgradeOptions {
  /** Folder of the automatic SQLite backup; default `backups/` beside the database file. */
  backupDir?: string;
  /** One line per event (backup written, migrations applied). */
  log?: (line: string) => void;
  now?: () => Date;
}

export interface UpgradeResult {
  /** Migrations applied now, in order ([] when the database was up to date). */
  applied: string[];
  /** The backup written before migrating, or null (PostgreSQL, new or current database). */
  backup: string | null;
}

/** `20261207T030000Z`: sortable, and safe in a file name on every system. */
function stamp(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Bring a database up to this code's schema the way a new version starts on an old one:
 *  1. a database holding migrations this code does not know (a newer Telusur wrote it) is
 *     refused, untouched (NewerDatabaseError);
 *  2. on SQLite, when migrations are pending on a database that has any applied (it holds
 *     data), an online backup is written first to
 *     `<backupDir>/telusur-before-<first pending migration>-<UTC time>.sqlite`;
 *  3. the pending migrations run.
 * A new (empty) database is migrated without a backup: there is nothing to lose. On
 * PostgreSQL no copy is made here: take one with `npm run backup` (pg_dump) before
 * upgrading, as docs/deploy.md says.
 *
 * @throws NewerDatabaseError (1); OpsError when the backup cannot be written (nothing
 *   migrated then); Error when a migration fails.
 */
export async function upgradeDatabase(
  handle: DatabaseHandle,
  options: UpgradeOptions = {},
): Promise<UpgradeResult> {
  const done = new Set(await assertNotNewer(handle.db));
  const pending = migrationNames().filter((n) => !done.has(n));
  let backup: string | null = null;
  if (
    handle.dialect === 'sqlite' &&
    pending.length > 0 &&
    done.size > 0 &&
    handle.where !== ':memory:'
  ) {
    const dir = options.backupDir ?? join(dirname(handle.where), 'backups');
    backup = join(
      dir,
      `telusur-before-${pending[0]}-${stamp((options.now ?? (() => new Date()))())}.sqlite`,
    );
    try {
      await mkdir(dir, { recursive: true });
      await onlineBackup(handle.where, backup);
    } catch (e) {
      throw new OpsError(
        `cadangan sebelum pemutakhiran gagal, tidak ada yang dimigrasi: ${oneLine(e)}`,
        `the backup before the upgrade failed, nothing was migrated: ${oneLine(e)}`,
      );
    }
    options.log?.(`backup before upgrade written: ${backup}`);
  }
  const applied = await migrateToLatest(handle.db);
  return { applied, backup };
}
