import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// reporting_version: one row (id 1) whose `version` goes up with every write to a table the
// coordinator's dashboard aggregates outside the change log, in the writing transaction, by
// trigger (so writes from any process, tool or bulk SQL count). The dashboard caches its
// period-wide aggregates under (change-log head, this version) and re-reads both on every
// request (services/dashboard.service.ts). Record fields are covered by the change log (every
// insert or update of a field appends a change); their deletes are not, so they bump here.
// PostgreSQL: one statement-level trigger per table; SQLite has row-level triggers only.

/** Tables whose inserts, updates and deletes bump the version (record_fields: deletes only). */
const TABLES = [
  'units',
  'assessments',
  'assignments',
  'self_assessments',
  'evidence_refs',
  'files',
  'periods',
  'frameworks',
] as const;
const OPS = ['insert', 'update', 'delete'] as const;
const BUMP = 'update reporting_version set version = version + 1 where id = 1';

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reporting_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('reporting_version').values({ id: 1, version: 0 }).execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql
      .raw(
        `create function reporting_version_bump() returns trigger language plpgsql as $$ begin ${BUMP}; return null; end $$`,
      )
      .execute(db);
    for (const t of TABLES)
      await sql
        .raw(
          `create trigger ${t}_reporting_version after insert or update or delete or truncate on ${t} for each statement execute function reporting_version_bump()`,
        )
        .execute(db);
    await sql
      .raw(
        'create trigger record_fields_reporting_version after delete or truncate on record_fields for each statement execute function reporting_version_bump()',
      )
      .execute(db);
    return;
  }
  for (const t of TABLES)
    for (const op of OPS)
      await sql
        .raw(`create trigger ${t}_reporting_version_${op} after ${op} on ${t} begin ${BUMP}; end`)
        .execute(db);
  await sql
    .raw(
      `create trigger record_fields_reporting_version_delete after delete on record_fields begin ${BUMP}; end`,
    )
    .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const t of [...TABLES, 'record_fields'])
      await sql.raw(`drop trigger if exists ${t}_reporting_version on ${t}`).execute(db);
    await sql.raw('drop function if exists reporting_version_bump()').execute(db);
  } else {
    for (const t of TABLES)
      for (const op of OPS)
        await sql.raw(`drop trigger if exists ${t}_reporting_version_${op}`).execute(db);
    await sql.raw('drop trigger if exists record_fields_reporting_version_delete').execute(db);
  }
  await db.schema.dropTable('reporting_version').execute();
}
