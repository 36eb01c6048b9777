import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, Dialect } from './database';

/** Kysely's bookkeeping table of applied migrations (its default name). */
const MIGRATION_TABLE = 'kysely_migration';
/** The migration that creates server_incarnations. */
const INCARNATIONS_MIGRATION = '2026_12_07_0500_server_incarnations';

/** The dialect of a Kysely instance (PostgreSQL or SQLite, the only two the server runs on). */
export function dialectOf(db: Kysely<Database>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * What backup, restore and upgrades need to know about a database beyond its rows: which
 * migrations it holds, which evidence files it records, and on PostgreSQL which schema the
 * connection works in and whether that schema is empty.
 */
export class OpsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Names of the migrations applied to this database, sorted; [] for a database never
   * migrated (no migration table yet). On PostgreSQL, the table of the current schema.
   */
  async appliedMigrations(): Promise<string[]> {
    const exists =
      dialectOf(this.db) === 'postgres'
        ? await sql<{ n: number }>`select count(*) as n from information_schema.tables
            where table_schema = current_schema() and table_name = ${MIGRATION_TABLE}`.execute(
            this.db,
          )
        : await sql<{ n: number }>`select count(*) as n from sqlite_master
            where type = 'table' and name = ${MIGRATION_TABLE}`.execute(this.db);
    if (Number(exists.rows[0]?.n ?? 0) === 0) return [];
    const r = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)}`.execute(
      this.db,
    );
    return r.rows.map((x) => x.name).sort();
  }

  /**
   * Give a just-restored database a new incarnation (see core IncarnationSchema): parent =
   * the incarnation the backup holds, restoredThrough = the highest change-log seq it holds.
   * Returns null when the database predates incarnations (its table is created, with a new
   * random incarnation, by the migration when the server starts).
   */
  async startRestoredIncarnation(
    id: string,
    now: number,
  ): Promise<{ id: string; parent: string | null; restoredThrough: number } | null> {
    const migrations = await this.appliedMigrations();
    if (!migrations.includes(INCARNATIONS_MIGRATION)) return null;
    return this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('serverIncarnations')
        .select(['id', 'ordinal'])
        .orderBy('ordinal', 'desc')
        .limit(1)
        .executeTakeFirst();
      const max = await trx
        .selectFrom('changes')
        .select((eb) => eb.fn.max('seq').as('m'))
        .executeTakeFirst();
      const restoredThrough = Number(max?.m ?? 0);
      await trx
        .insertInto('serverIncarnations')
        .values({
          id,
          ordinal: (last?.ordinal ?? 0) + 1,
          parentId: last?.id ?? null,
          restoredThrough,
          createdAt: now,
        })
        .execute();
      return { id, parent: last?.id ?? null, restoredThrough };
    });
  }

  /** SHA-256 of every evidence file the database records as held (table files). */
  async heldFileHashes(): Promise<string[]> {
    const rows = await this.db.selectFrom('files').select('sha256').execute();
    return rows.map((r) => r.sha256);
  }

  /** PostgreSQL: the schema new tables go to (first existing one on the search_path), or null. */
  async currentSchema(): Promise<string | null> {
    const r = await sql<{ s: string | null }>`select current_schema() as s`.execute(this.db);
    return r.rows[0]?.s ?? null;
  }

  /** PostgreSQL: the connection's search_path setting as written (e.g. `"$user", public`). */
  async searchPath(): Promise<string> {
    const r = await sql<{ p: string }>`select current_setting('search_path') as p`.execute(this.db);
    return r.rows[0]?.p ?? '';
  }

  /** PostgreSQL: tables, views, sequences and foreign tables in a schema (0 = empty). */
  async relationsIn(schema: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  /** PostgreSQL: the server's version, e.g. `15.20`. */
  async serverVersion(): Promise<string> {
    const r = await sql<{ v: string }>`select current_setting('server_version') as v`.execute(
      this.db,
    );
    return (r.rows[0]?.v ?? '').split(' ')[0] ?? '';
  }
}
