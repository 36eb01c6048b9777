import { type Kysely, type MigrationResult, Migrator, PostgresAdapter, sql } from 'kysely';
import type { Database } from './database';
import { MIGRATIONS } from './migrations';
import { OpsRepository } from './ops.repository';

/**
 * The database holds migrations this code does not know: a newer Telusur wrote it. Starting
 * on it could corrupt data the newer version relies on, so nothing runs on it. The message
 * is one line, Indonesian then English, naming the first unknown migration.
 */
export class NewerDatabaseError extends Error {
  constructor(readonly unknown: readonly string[]) {
    const first = unknown[0] ?? '?';
    const more = unknown.length > 1 ? ` (+${unknown.length - 1})` : '';
    super(
      `basis data ini ditulis oleh versi Telusur yang lebih baru (migrasi ${first}${more} tidak dikenal versi ini): jalankan versi yang lebih baru atau pulihkan cadangan / ` +
        `this database was written by a newer Telusur (migration ${first}${more} is unknown to this version): start the newer version or restore a backup`,
    );
    this.name = 'NewerDatabaseError';
  }
}

/**
 * Refuse a database holding migrations this code does not know.
 * @returns the names of the migrations already applied, sorted.
 * @throws NewerDatabaseError naming them.
 */
export async function assertNotNewer(db: Kysely<Database>): Promise<string[]> {
  const applied = await new OpsRepository(db).appliedMigrations();
  const known = new Set(Object.keys(MIGRATIONS));
  const unknown = applied.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new NewerDatabaseError(unknown);
  return applied;
}

async function migrator(db: Kysely<Database>): Promise<Migrator> {
  // On PostgreSQL, name the schema of the migration tables: without it Kysely looks for
  // them in every schema and, when another schema has them (parallel test runs, several
  // apps in one database), skips creating them here and fails.
  let migrationTableSchema: string | undefined;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const r = await sql<{ s: string }>`select current_schema() as s`.execute(db);
    migrationTableSchema = r.rows[0]?.s;
  }
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}

function check(error: unknown, results: MigrationResult[] | undefined): string[] {
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${message}`,
      {
        cause: error,
      },
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Bring the schema up to date (both dialects). Returns the names applied now; an
 * up-to-date database returns []. Throws NewerDatabaseError when the database holds
 * migrations this code does not know (a newer version wrote it), and Error when a migration
 * fails or the known ones were applied in a different order (Kysely's order check).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  await assertNotNewer(db);
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await (await migrator(db)).migrateToLatest();
    // Kysely's table check lists the tables of every PostgreSQL schema; a schema dropped by
    // someone else during that listing (parallel test runs sharing one database) fails it
    // with "schema … does not exist" although ours is fine. Nothing was applied: try again.
    if (error && attempt < 4 && isForeignSchemaRace(error)) {
      await new Promise((r) => setTimeout(r, 50 * attempt));
      continue;
    }
    return check(error, results);
  }
}

function isForeignSchemaRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '3F000' ||
    (code === '42P01' && /kysely_migration/.test(String((error as Error).message)))
  );
}

/** Migrate up or down to exactly `name` (tests of upgrades from an earlier release). */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<string[]> {
  const { error, results } = await (await migrator(db)).migrateTo(name);
  return check(error, results);
}

/** Names of all known migrations, in order. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS).sort();
}
