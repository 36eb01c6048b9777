import { Migrator, NO_MIGRATIONS, sql } from 'kysely';
import { expect, it } from 'vitest';
import { AccountsRepository } from '../../../src/server/db/accounts.repository';
import { TABLES_CHILD_FIRST } from '../../../src/server/db/database';
import { migrateTo, migrateToLatest, migrationNames } from '../../../src/server/db/migrate';
import { MIGRATIONS } from '../../../src/server/db/migrations';
import { hashPassword } from '../../../src/server/lib/crypto';
import { describeEachDialect } from '../../helpers/server-context';

describeEachDialect(
  'migrations',
  (ctx) => {
    it('are date-prefixed, listed in order, and frozen in name', () => {
      const names = Object.keys(MIGRATIONS);
      expect(names).toEqual([...names].sort());
      for (const n of names) expect(n).toMatch(/^\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+$/);
      expect(migrationNames()).toEqual(names);
    });

    it('build the whole schema on an empty database', async () => {
      const applied = await migrateToLatest(ctx().db);
      expect(applied).toEqual(migrationNames());
      const counts = await ctx().rowCounts();
      expect(Object.keys(counts).sort()).toEqual([...TABLES_CHILD_FIRST].sort());
      expect(Object.values(counts).every((n) => n === 0)).toBe(true);
    });

    it('list every table they create in TABLES_CHILD_FIRST (wipes and the write checks count it)', async () => {
      await migrateToLatest(ctx().db);
      const camel = (n: string) => n.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      // On PostgreSQL only this suite's schema: other runs' schemas share the database.
      const own =
        ctx().dialect === 'postgres'
          ? (await sql<{ s: string }>`select current_schema() as s`.execute(ctx().db)).rows[0]?.s
          : undefined;
      const created = (await ctx().db.introspection.getTables())
        .filter((t) => own === undefined || t.schema === own)
        .map((t) => camel(t.name))
        // Kysely's own bookkeeping, and the server's signing keys, database incarnations and
        // the dashboard's reporting version (its one row is bumped by trigger, never deleted)
        // that a wipe keeps on purpose.
        .filter(
          (n) =>
            !n.startsWith('kysely') &&
            n !== 'serverKeys' &&
            n !== 'serverIncarnations' &&
            n !== 'reportingVersion',
        );
      expect(created.sort()).toEqual([...TABLES_CHILD_FIRST].sort());
    });

    it('are idempotent: a second run applies nothing', async () => {
      expect(await migrateToLatest(ctx().db)).toEqual([]);
    });

    it('go all the way down and up again', async () => {
      const migrator = new Migrator({
        db: ctx().db,
        provider: { getMigrations: async () => MIGRATIONS },
      });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      await expect(ctx().db.selectFrom('accounts').selectAll().execute()).rejects.toThrow();
      expect(await migrateToLatest(ctx().db)).toEqual(migrationNames());
    });

    it('upgrade a database of the first release keeping its rows', async () => {
      const migrator = new Migrator({
        db: ctx().db,
        provider: { getMigrations: async () => MIGRATIONS },
      });
      expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
      const [first] = migrationNames();
      await migrateTo(ctx().db, first as string);
      await new AccountsRepository(ctx().db).insert({
        id: 'acc-1',
        email: 'lama@cilegon.demo',
        name: 'Akun Lama',
        role: 'coordinator',
        passwordHash: await hashPassword('sandi-lama', { N: 1024, r: 8, p: 1 }),
        demo: false,
        now: ctx().clock.now,
      });
      const applied = await migrateToLatest(ctx().db);
      expect(applied).toEqual(migrationNames().slice(1));
      const login = await ctx().call('POST', '/api/auth/login', {
        json: { email: 'lama@cilegon.demo', password: 'sandi-lama' },
      });
      expect(login.status).toBe(200);
      // The built-ins arrive at start-up (prepareDatabase), not from a migration.
      await ctx().services.frameworks.installBuiltIns();
      const periods = await ctx().call('POST', '/api/periods', {
        token: login.body.token,
        json: { name: 'Setelah upgrade', year: 2025, frameworkId: 'spbe-2020', targetIndex: 3 },
      });
      expect(periods.status).toBe(201);
    });

    it('give periods of an earlier release the plan step cap 2, no photo stamp, and penilaian mandiri two decimals', async () => {
      const migrator = new Migrator({
        db: ctx().db,
        provider: { getMigrations: async () => MIGRATIONS },
      });
      expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
      await migrateTo(ctx().db, '2026_12_05_0100_clock_checks');
      const now = ctx().clock.now;
      // Rows as the previous release wrote them (no plan_step_cap yet; whole levels).
      await sql`insert into frameworks (id, version, name, json, built_in, created_at) values ('f', '1', 'F', '{}', 0, ${now})`.execute(
        ctx().db,
      );
      await sql`insert into periods (id, name, year, framework_id, target_index, status, demo, created_at, updated_at) values ('p', 'Lama', 2024, 'f', 3, 'active', 0, ${now}, ${now})`.execute(
        ctx().db,
      );
      await sql`insert into units (id, parent_id, kind, name, code, demo, created_at, updated_at) values ('u', null, 'pemda', 'Kota', 'K', 0, ${now}, ${now})`.execute(
        ctx().db,
      );
      await sql`insert into self_assessments (period_id, unit_id, indicator_no, level, justification, updated_at) values ('p', 'u', 1, 3, '', ${now})`.execute(
        ctx().db,
      );
      const later = migrationNames().filter((n) => n > '2026_12_05_0100_clock_checks');
      expect(later.slice(0, 2)).toEqual([
        '2026_12_06_0100_plan_step_cap_decimal_levels',
        '2026_12_06_0200_period_photo_stamp',
      ]);
      expect(later).toContain('2026_12_07_0500_server_incarnations');
      expect(await migrateToLatest(ctx().db)).toEqual(later);
      // An existing database gets its first incarnation (tablets remember it; a restore
      // adds the next).
      const lives = await ctx().db.selectFrom('serverIncarnations').selectAll().execute();
      expect(lives).toHaveLength(1);
      expect(lives[0]).toMatchObject({ ordinal: 1, parentId: null, restoredThrough: null });
      expect(lives[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
      const period = await ctx()
        .db.selectFrom('periods')
        .select(['planStepCap', 'targetIndex', 'photoStamp'])
        .where('id', '=', 'p')
        .executeTakeFirstOrThrow();
      expect(Number(period.planStepCap)).toBe(2);
      // Photos of an earlier period were taken without a stamp: it stays off for them.
      expect(Number(period.photoStamp)).toBe(0);
      await ctx()
        .db.insertInto('selfAssessments')
        .values({
          periodId: 'p',
          unitId: 'u',
          indicatorNo: 2,
          level: 2.5,
          justification: '',
          updatedAt: now,
          updatedBy: null,
        })
        .execute();
      const levels = await ctx()
        .db.selectFrom('selfAssessments')
        .select(['indicatorNo', 'level'])
        .where('periodId', '=', 'p')
        .orderBy('indicatorNo')
        .execute();
      expect(levels.map((l) => [Number(l.indicatorNo), Number(l.level)])).toEqual([
        [1, 3],
        [2, 2.5],
      ]);
      await sql`delete from self_assessments`.execute(ctx().db);
      await sql`delete from periods`.execute(ctx().db);
      await sql`delete from units`.execute(ctx().db);
      await sql`delete from frameworks`.execute(ctx().db);
    });

    it('leave a database of an earlier release without an organisation: it still answers, times in WIB', async () => {
      const migrator = new Migrator({
        db: ctx().db,
        provider: { getMigrations: async () => MIGRATIONS },
      });
      expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
      await migrateTo(ctx().db, '2026_12_06_0200_period_photo_stamp');
      await new AccountsRepository(ctx().db).insert({
        id: 'acc-org',
        email: 'kominfo@pemda.go.id',
        name: 'Koordinator Lama',
        role: 'coordinator',
        passwordHash: await hashPassword('sandi-lama-panjang', { N: 1024, r: 8, p: 1 }),
        demo: false,
        now: ctx().clock.now,
      });
      expect(await migrateToLatest(ctx().db)).toContain('2026_12_07_0200_organisation');
      const login = await ctx().call('POST', '/api/auth/login', {
        json: { email: 'kominfo@pemda.go.id', password: 'sandi-lama-panjang' },
      });
      const org = await ctx().call('GET', '/api/organisation', { token: login.body.token });
      expect(org.status).toBe(200);
      expect(org.body).toMatchObject({ configured: false, name: null, zone: 'WIB', logo: null });
      await sql`delete from sessions`.execute(ctx().db);
      await sql`delete from accounts`.execute(ctx().db);
    });

    it('keep units of an earlier release whose codes differ only in case, and let no new one take their code', async () => {
      const migrator = new Migrator({
        db: ctx().db,
        provider: { getMigrations: async () => MIGRATIONS },
      });
      expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined();
      await migrateTo(ctx().db, '2026_12_10_0100_reporting_version');
      const now = ctx().clock.now;
      const unit = (id: string, code: string, at: number) =>
        sql`insert into units (id, parent_id, kind, name, code, demo, created_at, updated_at) values (${id}, null, 'pemda', ${`Unit ${id}`}, ${code}, 0, ${at}, ${at})`.execute(
          ctx().db,
        );
      // What a case-sensitive import left behind: the second is the later one.
      await unit('u-first', '36.72.OPD.01', now);
      await unit("u-'later", '36.72.opd.01', now + 1);
      await unit('u-other', '36.72.OPD.02', now);
      expect(await migrateToLatest(ctx().db)).toEqual([
        '2026_12_11_0100_unit_code_case_insensitive',
      ]);
      const codes = await ctx()
        .db.selectFrom('units')
        .select(['id', 'code'])
        .orderBy('id')
        .execute();
      expect(codes).toEqual([
        { id: "u-'later", code: '36.72.opd.01' },
        { id: 'u-first', code: '36.72.OPD.01' },
        { id: 'u-other', code: '36.72.OPD.02' },
      ]);
      // The database refuses a third spelling of the kept code and another spelling of any code.
      await expect(unit('u-third', '36.72.Opd.01', now)).rejects.toThrow();
      await expect(unit('u-fourth', '36.72.opd.02', now)).rejects.toThrow();
      expect(await ctx().db.selectFrom('units').select('id').execute()).toHaveLength(3);
      await sql`delete from units`.execute(ctx().db);
    });

    it('refuse a database that ran a migration this code does not know', async () => {
      await sql`insert into kysely_migration (name, timestamp) values (${'2020_01_01_0000_unknown'}, ${new Date().toISOString()})`.execute(
        ctx().db,
      );
      // Named, with what to do: a newer Telusur wrote this database.
      await expect(migrateToLatest(ctx().db)).rejects.toThrow(
        /migration 2020_01_01_0000_unknown is unknown to this version\): start the newer version or restore a backup/,
      );
      await sql`delete from kysely_migration where name = ${'2020_01_01_0000_unknown'}`.execute(
        ctx().db,
      );
      expect(await migrateToLatest(ctx().db)).toEqual([]);
    });
  },
  { migrate: false },
);
