import { type Kysely, type MigrationResult, Migrator } from 'kysely';
import type { Database } from './database';
import { MIGRATIONS } from './migrations';

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
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
 * up-to-date database returns []. Throws when a migration fails or when the database holds
 * migrations this code does not know in a different order (Kysely's order check).
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  return check(error, results);
}

/** Migrate up or down to exactly `name` (tests of upgrades from an earlier release). */
export async function migrateTo(db: Kysely<Database>, name: string): Promise<string[]> {
  const { error, results } = await migrator(db).migrateTo(name);
  return check(error, results);
}

/** Names of all known migrations, in order. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS).sort();
}
