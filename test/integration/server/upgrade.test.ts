import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../src/server/app';
import { resolveConfig } from '../../../src/server/config';
import { type DatabaseHandle, openDatabase } from '../../../src/server/db/connect';
import type { Dialect } from '../../../src/server/db/database';
import {
  migrateTo,
  migrateToLatest,
  migrationNames,
  NewerDatabaseError,
} from '../../../src/server/db/migrate';
import { OpsRepository } from '../../../src/server/db/ops.repository';
import { OpsError } from '../../../src/server/ops/errors';
import { openReadOnly } from '../../../src/server/ops/sqlite-copy';
import { upgradeDatabase } from '../../../src/server/ops/upgrade';
import { createServices } from '../../../src/server/services';
import { type Finished, run } from '../../helpers/deployment';
import { lines, pgUrl, runCli } from '../../helpers/ops-cli';
import { DIALECTS, PG_URL, TEST_CONFIG } from '../../helpers/server-context';
import { freePort, startServerProcess, stopGently } from '../../helpers/sync-process';

// Starting a new version on an existing database: it migrates, on SQLite after an
// automatic backup; a database written by a newer version is refused with one clear line
// (the server and the admin CLI exit 1) and left as it was.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FUTURE = '2099_01_01_0000_from_a_newer_telusur';
const names = migrationNames();
const previous = names[names.length - 2] as string;
const last = names[names.length - 1] as string;

/** The real server process, expected to exit on its own (a refusal): its code and output. */
function serverUntilExit(env: Record<string, string>): Promise<Finished> {
  return run(
    ['--import', 'tsx', 'src/server/main.ts'],
    { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    ROOT,
    60_000,
  );
}

interface Fixture {
  env: Record<string, string>;
  dataDir: string;
  open(): DatabaseHandle;
  close(): Promise<void>;
}

/** A database the server would use: an SQLite file in a temp DATA_DIR, or a fresh schema. */
async function fixture(dialect: Dialect): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'telusur-upgrade-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    STATIC_DIR: join(dataDir, 'no-pwa'),
  };
  let admin: pg.Pool | null = null;
  const schema = `up_${randomBytes(5).toString('hex')}`;
  if (dialect === 'postgres') {
    admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    env.DATABASE_URL = pgUrl(PG_URL as string, schema);
  }
  return {
    env,
    dataDir,
    open: () =>
      dialect === 'sqlite'
        ? openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') })
        : openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 }),
    async close() {
      rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    },
  };
}

/** The database of a running installation: migrated, built-ins, one coordinator. */
async function installation(h: DatabaseHandle): Promise<void> {
  await prepareDatabase(h.db);
  await createServices({
    db: h.db,
    clock: Date.now,
    config: resolveConfig(TEST_CONFIG),
  }).accounts.create({
    email: 'koordinator@upgrade.test',
    name: 'Koordinator',
    role: 'coordinator',
    password: 'sandi-rahasia-upgrade',
  });
}

const backupsOf = (dataDir: string) =>
  existsSync(join(dataDir, 'backups')) ? readdirSync(join(dataDir, 'backups')) : [];

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !PG_URL)(`upgrades [${dialect}]`, () => {
    const fixtures: Fixture[] = [];
    const make = async () => {
      const f = await fixture(dialect);
      fixtures.push(f);
      return f;
    };
    afterAll(async () => {
      for (const f of fixtures) await f.close();
    });

    it('a database of a newer version: the server and the admin CLI refuse it with one line, exit 1', async () => {
      const f = await make();
      const h = f.open();
      try {
        await installation(h);
        await sql`insert into kysely_migration (name, timestamp) values (${FUTURE}, ${new Date().toISOString()})`.execute(
          h.db,
        );
      } finally {
        await h.close();
      }
      const [server, adminCli] = await Promise.all([
        serverUntilExit(f.env),
        runCli('admin', ['list-accounts'], f.env),
      ]);
      for (const r of [server, adminCli]) {
        expect(r.code).toBe(1);
        const [line, ...more] = lines(r.err);
        expect(more).toEqual([]);
        expect(line).toContain(FUTURE);
        expect(line).toContain('start the newer version or restore a backup');
      }
      expect(server.out).not.toContain('listening');
      expect(adminCli.out).toBe('');
      // Left as it was: nothing migrated, nothing backed up.
      const again = f.open();
      try {
        expect(await new OpsRepository(again.db).appliedMigrations()).toEqual(
          [...names, FUTURE].sort(),
        );
        await expect(upgradeDatabase(again)).rejects.toBeInstanceOf(NewerDatabaseError);
        await expect(migrateToLatest(again.db)).rejects.toThrow(FUTURE);
      } finally {
        await again.close();
      }
      expect(backupsOf(f.dataDir)).toEqual([]);
    }, 90_000);

    it(dialect === 'sqlite'
      ? 'a pending migration: an online backup of the old database first, then the migration'
      : 'a pending migration is applied (PostgreSQL: backups are pg_dump, taken by the operator)', async () => {
      const f = await make();
      const h = f.open();
      try {
        await installation(h);
        await migrateTo(h.db, previous);
      } finally {
        await h.close();
      }
      const server = await startServerProcess(f.env, await freePort());
      await stopGently(server);
      const h2 = f.open();
      try {
        expect(await new OpsRepository(h2.db).appliedMigrations()).toEqual(names);
      } finally {
        await h2.close();
      }
      const backups = backupsOf(f.dataDir);
      if (dialect === 'postgres') {
        expect(backups).toEqual([]);
        return;
      }
      expect(backups).toHaveLength(1);
      const [file] = backups as [string];
      expect(file).toMatch(new RegExp(`^telusur-before-${last}-\\d{8}T\\d{6}Z\\.sqlite$`));
      const path = join(f.dataDir, 'backups', file);
      expect(server.output()).toContain(`backup before upgrade written: ${path}`);
      // The backup is the database as it was: the old migrations, the same accounts.
      const copy = openReadOnly(path);
      try {
        expect(copy.quickCheck()).toBe('ok');
        expect(await new OpsRepository(copy.db).appliedMigrations()).toEqual(names.slice(0, -1));
        const emails = await copy.db.selectFrom('accounts').select('email').execute();
        expect(emails.map((a) => a.email)).toEqual(['koordinator@upgrade.test']);
      } finally {
        await copy.close();
      }
      // Up to date now: the next start takes no backup.
      const next = await startServerProcess(f.env, await freePort());
      await stopGently(next);
      expect(backupsOf(f.dataDir)).toEqual(backups);
    }, 90_000);
  });
}

describe('upgradeDatabase [sqlite]', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const fileDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'telusur-upgrade-unit-'));
    dirs.push(dir);
    return { dir, handle: openDatabase({ sqliteFile: join(dir, 'telusur.sqlite') }) };
  };

  it('backs up nothing for a new, empty database', async () => {
    const { dir, handle } = fileDb();
    try {
      const r = await upgradeDatabase(handle);
      expect(r).toEqual({ applied: names, backup: null });
    } finally {
      await handle.close();
    }
    expect(backupsOf(dir)).toEqual([]);
  });

  it('migrates nothing when the backup cannot be written', async () => {
    const { dir, handle } = fileDb();
    try {
      await installation(handle);
      await migrateTo(handle.db, previous);
      writeFileSync(join(dir, 'backups'), 'a file where the folder should be');
      const failed = await upgradeDatabase(handle).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(OpsError);
      expect((failed as Error).message).toContain('nothing was migrated');
      expect(await new OpsRepository(handle.db).appliedMigrations()).toEqual(names.slice(0, -1));
    } finally {
      await handle.close();
    }
  });

  it('writes the backup where it is told, and says so', async () => {
    const { dir, handle } = fileDb();
    const logged: string[] = [];
    try {
      await installation(handle);
      await migrateTo(handle.db, previous);
      const r = await upgradeDatabase(handle, {
        backupDir: join(dir, 'elsewhere'),
        log: (l) => logged.push(l),
        now: () => new Date(Date.UTC(2026, 11, 7, 3, 0, 0)),
      });
      expect(r.applied).toEqual([last]);
      expect(r.backup).toBe(
        join(dir, 'elsewhere', `telusur-before-${last}-20261207T030000Z.sqlite`),
      );
      expect(existsSync(r.backup as string)).toBe(true);
      expect(logged).toEqual([`backup before upgrade written: ${r.backup}`]);
    } finally {
      await handle.close();
    }
  });
});
