import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// The assessor's workflow per period (issue 17; core workflow.ts):
// - periods.stages: JSON array of the period's stages in order ("mandiri", "dokumen",
//   "interviu", "visitasi", "final"); current_stage: the one tablets work in. A period made
//   before stages were kept gets ["mandiri","dokumen"] at "dokumen": the coordinator's
//   imported self-assessment, then the verifiers' document check, which is what it was.
// - periods.period_type: "pemantauan" or "evaluasi" (default "evaluasi").
// - periods.sk_number / sk_date (YYYY-MM-DD, null until known) / sk_signed_by: the decree
//   that formed the internal assessor team.
// - periods.sector_services: JSON array of {indicatorNo, name}, the sector services chosen
//   for the service indicators (SPBE 2020: 45–47).
// - period_stage_changes: every move of a period's current stage, who and when (audit).

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  const columns: [string, 'text', string | null][] = [
    ['stages', 'text', '["mandiri","dokumen"]'],
    ['current_stage', 'text', 'dokumen'],
    ['period_type', 'text', 'evaluasi'],
    ['sk_number', 'text', ''],
    ['sk_date', 'text', null],
    ['sk_signed_by', 'text', ''],
    ['sector_services', 'text', '[]'],
  ];
  for (const [name, type, dflt] of columns) {
    await db.schema
      .alterTable('periods')
      .addColumn(name, type, (c) => (dflt === null ? c : c.notNull().defaultTo(dflt)))
      .execute();
  }
  await db.schema
    .createTable('period_stage_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id').onDelete('cascade'))
    .addColumn('from_stage', 'text', (c) => c.notNull())
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('period_stage_changes_period')
    .on('period_stage_changes')
    .columns(['period_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('period_stage_changes').execute();
  for (const name of [
    'sector_services',
    'sk_signed_by',
    'sk_date',
    'sk_number',
    'period_type',
    'current_stage',
    'stages',
  ])
    await db.schema.alterTable('periods').dropColumn(name).execute();
}
