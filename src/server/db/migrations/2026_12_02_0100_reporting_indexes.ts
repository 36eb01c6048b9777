import { type Kysely, sql } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Indexes for the coordinator's dashboard, plan and exports (issue 7), which aggregate the
// per-field record store over a whole period (10,000 units × 47 indicators in the bench).
// Partial indexes (portable: SQLite ≥ 3.8 and PostgreSQL; the constrained columns are
// repeated as key columns so SQLite sees them as covering) over the two small fields every
// aggregation reads, keyed by assessment then record, so "verified levels of a period" is
// an index-only range scan instead of a walk over every field of every record (notes,
// signatures, evidence checks), and "is it marked not applicable" a probe into a tiny
// index. Queries repeat the predicates literally (`entity = 'verification' AND field = …
// AND value_json …`) so SQLite's planner can use them.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  // Verified levels that are set (the value included: index-only reads).
  await db.schema
    .createIndex('record_fields_verified_level_idx')
    .on('record_fields')
    .columns(['entity', 'field', 'assessment_id', 'record_id', 'value_json'])
    .where(sql.ref('entity'), '=', 'verification')
    .where(sql.ref('field'), '=', 'verifiedLevel')
    .where(sql.ref('value_json'), '<>', 'null')
    .execute();
  // Indicators marked not applicable (few): a tiny index, cheap to probe per verification.
  await db.schema
    .createIndex('record_fields_not_applicable_idx')
    .on('record_fields')
    .columns(['entity', 'field', 'value_json', 'assessment_id', 'record_id'])
    .where(sql.ref('entity'), '=', 'verification')
    .where(sql.ref('field'), '=', 'notApplicable')
    .where(sql.ref('value_json'), '=', 'true')
    .execute();
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
