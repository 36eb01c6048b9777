import { type Kysely, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Indexes for the coordinator's dashboard, plan and exports (issue 7), which aggregate the
// per-field record store over a whole period (10,000 units × 47 indicators in the bench).
// Partial indexes (portable: SQLite ≥ 3.8 and PostgreSQL) over the two small fields every
// aggregation reads, keyed by assessment then record, with the value included, so
// "verified levels of a period" is an index-only range scan instead of a walk over every
// field of every record (notes, signatures, evidence checks). Queries must repeat the
// predicates literally (`entity = 'verification' AND field = '…'`) for SQLite to use them.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, field] of [
    ['record_fields_verified_level_idx', 'verifiedLevel'],
    ['record_fields_not_applicable_idx', 'notApplicable'],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on('record_fields')
      .columns(['assessment_id', 'record_id', 'value_json'])
      .where(sql.ref('entity'), '=', 'verification')
      .where(sql.ref('field'), '=', field)
      .execute();
  }
  // Evidence files of a period's assessments (progress: files referenced vs held).
  await db.schema
    .createIndex('evidence_refs_assessment_idx')
    .on('evidence_refs')
    .columns(['assessment_id', 'sha256'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('evidence_refs_assessment_idx').execute();
  await db.schema.dropIndex('record_fields_not_applicable_idx').execute();
  await db.schema.dropIndex('record_fields_verified_level_idx').execute();
}
