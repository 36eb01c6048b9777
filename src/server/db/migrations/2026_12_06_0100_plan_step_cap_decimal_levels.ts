import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// PermenPANRB 8/2026 (Pemdi) and an honest improvement plan:
// - periods.plan_step_cap: most level-steps the improvement plan may raise one indicator in
//   the period (1–4). Levels are cumulative and the upper ones need a review cycle, so a plan
//   raising an indicator from 1 to 5 in one period is not credible; existing periods get the
//   default 2.
// - self_assessments.level takes assessor values with two decimals (1,25 · 2,5): PostgreSQL
//   changes the column to double precision (every stored whole level stays as it was; a
//   JavaScript number round-trips exactly). SQLite needs nothing: a column of INTEGER
//   affinity keeps a REAL value that is not a whole number as it is.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('periods')
    .addColumn('plan_step_cap', 'integer', (c) => c.notNull().defaultTo(2))
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table self_assessments alter column level type double precision`.execute(db);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // A decimal value has no whole-level column to go back to: rounded half up.
    await sql`alter table self_assessments alter column level type integer using round(level)`.execute(
      db,
    );
  }
  await db.schema.alterTable('periods').dropColumn('plan_step_cap').execute();
}
