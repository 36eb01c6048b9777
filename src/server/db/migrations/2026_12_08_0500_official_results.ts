import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// The official result KemenPANRB publishes for the Pemda, imported into a period (issue 17):
// - official_results: one value per indicator of the period's instrument, as published
//   (`value`: the number, 1–5 with at most two decimals; `published`: the cell as the file
//   wrote it, e.g. "1,17"), with who imported it, when, and from which file. One set per
//   period: a re-import deletes the old set and writes the new one in one transaction.
// - official_result_imports: every import of a period's official result (who, when, which
//   file, how many indicators), kept when a later import replaces the values (audit).
// `value` is double precision on PostgreSQL (a JavaScript number round-trips exactly) and
// REAL on SQLite.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  const real = db.getExecutor().adapter instanceof PostgresAdapter ? 'double precision' : 'real';
  await db.schema
    .createTable('official_results')
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id').onDelete('cascade'))
    .addColumn('indicator_no', 'integer', (c) => c.notNull())
    .addColumn('value', real, (c) => c.notNull())
    .addColumn('published', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addColumn('imported_by', 'text')
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('official_results_pk', ['period_id', 'indicator_no'])
    .execute();
  await db.schema
    .createTable('official_result_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id').onDelete('cascade'))
    .addColumn('account_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('indicator_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('official_result_imports_period')
    .on('official_result_imports')
    .columns(['period_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('official_result_imports').execute();
  await db.schema.dropTable('official_results').execute();
}
