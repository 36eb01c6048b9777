import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// An assessment is the sync record a tablet edits (one per period × unit); its per-field
// versions and the change log arrive with the sync migrations (issue 6).

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('framework_id', 'text', (c) => c.notNull().references('frameworks.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('assessments_period_unit_uq', ['period_id', 'unit_id'])
    .execute();
  await db.schema.createIndex('assessments_unit_idx').on('assessments').column('unit_id').execute();

  await db.schema
    .createTable('assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('verifier_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('assessment_id', 'text', (c) => c.notNull().references('assessments.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('assignments_period_unit_verifier_uq', [
      'period_id',
      'unit_id',
      'verifier_id',
    ])
    .execute();
  await db.schema
    .createIndex('assignments_verifier_idx')
    .on('assignments')
    .columns(['verifier_id', 'period_id'])
    .execute();
  await db.schema.createIndex('assignments_unit_idx').on('assignments').column('unit_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('assignments').execute();
  await db.schema.dropTable('assessments').execute();
}
