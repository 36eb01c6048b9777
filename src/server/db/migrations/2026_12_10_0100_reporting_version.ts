import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// reporting_version: two rows whose `version` goes up, by trigger in the writing transaction,
// with every write the coordinator's dashboard must notice and the change log does not name
// (so writes from any process, tool or bulk SQL count). The dashboard caches its period-wide
// aggregates under (change-log head, these versions), read again on every request
// (services/dashboard.service.ts, ReportingRepository.fingerprint).
// - id 1, structure: units, assessments (insert, delete, and updates of anything but the
//   status columns, which RecordBatch writes together with a logged change of the
//   assessment), assignments, self_assessments, periods, frameworks, and deletes of
//   record_fields and evidence_refs (their inserts and updates come with logged changes);
// - id 2, files: the files the server holds (a finished upload makes a file "held").
// PostgreSQL: statement-level triggers; SQLite has row-level triggers only. A migration
// that rebuilds one of these tables on SQLite must create its triggers again.

const BUMP_STRUCTURE = 'update reporting_version set version = version + 1 where id = 1';
const BUMP_FILES = 'update reporting_version set version = version + 1 where id = 2';

/** table → events (SQL trigger syntax) → which version. */
const TRIGGERS: readonly { table: string; name: string; events: string[]; bump: string }[] = [
  ...['units', 'assignments', 'self_assessments', 'periods', 'frameworks'].map((table) => ({
    table,
    name: table,
    events: ['insert', 'update', 'delete'],
    bump: BUMP_STRUCTURE,
  })),
  {
    table: 'assessments',
    name: 'assessments',
    events: ['insert', 'delete', 'update of id, period_id, unit_id, framework_id, created_at'],
    bump: BUMP_STRUCTURE,
  },
  { table: 'record_fields', name: 'record_fields', events: ['delete'], bump: BUMP_STRUCTURE },
  { table: 'evidence_refs', name: 'evidence_refs', events: ['delete'], bump: BUMP_STRUCTURE },
  { table: 'files', name: 'files', events: ['insert', 'update', 'delete'], bump: BUMP_FILES },
];

const slug = (event: string) => event.split(' ')[0] as string;

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reporting_version')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('reporting_version')
    .values([
      { id: 1, version: 0 },
      { id: 2, version: 0 },
    ])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const [fn, bump] of [
      ['reporting_version_structure', BUMP_STRUCTURE],
      ['reporting_version_files', BUMP_FILES],
    ] as const)
      await sql
        .raw(
          `create function ${fn}() returns trigger language plpgsql as $$ begin ${bump}; return null; end $$`,
        )
        .execute(db);
    for (const t of TRIGGERS) {
      const fn = t.bump === BUMP_FILES ? 'reporting_version_files' : 'reporting_version_structure';
      // A truncate is a delete of every row.
      const events = [...t.events, ...(t.events.includes('delete') ? ['truncate'] : [])];
      await sql
        .raw(
          `create trigger ${t.name}_reporting_version after ${events.join(' or ')} on ${t.table} for each statement execute function ${fn}()`,
        )
        .execute(db);
    }
    return;
  }
  for (const t of TRIGGERS)
    for (const event of t.events)
      await sql
        .raw(
          `create trigger ${t.name}_reporting_version_${slug(event)} after ${event} on ${t.table} begin ${t.bump}; end`,
        )
        .execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const t of TRIGGERS)
      await sql.raw(`drop trigger if exists ${t.name}_reporting_version on ${t.table}`).execute(db);
    await sql.raw('drop function if exists reporting_version_structure()').execute(db);
    await sql.raw('drop function if exists reporting_version_files()').execute(db);
  } else {
    for (const t of TRIGGERS)
      for (const event of t.events)
        await sql
          .raw(`drop trigger if exists ${t.name}_reporting_version_${slug(event)}`)
          .execute(db);
  }
  await db.schema.dropTable('reporting_version').execute();
}
