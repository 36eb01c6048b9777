import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Issue 11: exactly-once WITH content, and refused changes kept for people.
// - device_seq_hashes: one row per (device, seq) the server has handled since this
//   migration — the SHA-256 of the mutation's content and what became of it. A repeated
//   seq with the same hash is a duplicate (answered with the stored outcome); with another
//   hash it is `device_seq_reused` (a cloned or rolled-back tablet, or a forged bundle).
//   Seqs handled before this migration have no row and are treated as matching.
// - sync_rejections: every mutation the server refused (its seq consumed), with the
//   reason in both languages, what it concerned and the mutation itself, for the
//   coordinator's audit and for repeating the answer to a tablet whose reply was lost.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('device_seq_hashes')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    // Hex SHA-256 of canonical JSON of {entity, id, changes, baseVersions, hlc, at}.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // applied | same | conflict | rejected
    .addColumn('outcome', 'text', (c) => c.notNull())
    // push | bundle
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_seq_hashes_pk', ['device_id', 'seq'])
    .execute();

  await db.schema
    .createTable('sync_rejections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('message_en', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text')
    .addColumn('unit_id', 'text')
    .addColumn('unit_name', 'text')
    .addColumn('indicator_no', 'integer')
    .addColumn('field', 'text')
    // The mutation as received (JSON text; control characters escaped by JSON).
    .addColumn('mutation_json', 'text', (c) => c.notNull())
    .addColumn('retryable', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sync_rejections_device_seq_idx')
    .on('sync_rejections')
    .columns(['device_id', 'seq'])
    .unique()
    .execute();
  await db.schema
    .createIndex('sync_rejections_assessment_idx')
    .on('sync_rejections')
    .columns(['assessment_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sync_rejections').execute();
  await db.schema.dropTable('device_seq_hashes').execute();
}
