import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// The sync record store (DESIGN §5, issue 6): every synced field with its version, the
// server change log (also the audit trail), per-device push cursors, conflicts kept for
// people to resolve, and the evidence files the server holds (verified by SHA-256).
// Portable DDL except the change-log sequence: an identity column on PostgreSQL, an
// AUTOINCREMENT rowid on SQLite (both never reuse a number).

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  // Current value and version of every field of every synced record.
  await db.schema
    .createTable('record_fields')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('updated_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_by_device', 'text')
    .addColumn('updated_by_account', 'text')
    .addColumn('device_at', 'bigint')
    .addColumn('server_at', 'bigint', (c) => c.notNull())
    .addColumn('hlc', 'text')
    .addPrimaryKeyConstraint('record_fields_pk', ['entity', 'record_id', 'field'])
    .execute();
  await db.schema
    .createIndex('record_fields_assessment_idx')
    .on('record_fields')
    .columns(['assessment_id', 'entity', 'field'])
    .execute();
  await db.schema
    .createIndex('record_fields_record_idx')
    .on('record_fields')
    .column('record_id')
    .execute();

  // The change log: one row per applied field write, in commit order (see DESIGN §5 and
  // sync.repository.ts for the PostgreSQL writer lock that keeps it so).
  await db.schema
    .createTable('changes')
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) =>
      postgres ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value_json', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('device_seq', 'bigint')
    .addColumn('account_id', 'text')
    .addColumn('device_at', 'bigint')
    .addColumn('server_at', 'bigint', (c) => c.notNull())
    .addColumn('hlc', 'text')
    .execute();
  await db.schema
    .createIndex('changes_assessment_seq_idx')
    .on('changes')
    .columns(['assessment_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('changes_record_idx')
    .on('changes')
    .columns(['entity', 'record_id', 'field'])
    .execute();
  await db.schema
    .createIndex('changes_device_idx')
    .on('changes')
    .columns(['device_id', 'device_seq'])
    .execute();

  // Highest contiguous seq applied per device (exactly-once pushes).
  await db.schema
    .createTable('device_cursors')
    .addColumn('device_id', 'text', (c) => c.primaryKey())
    .addColumn('last_seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // Seqs above a device's cursor already applied out of order (bundle import of one assessment).
  await db.schema
    .createTable('device_applied_seqs')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_applied_seqs_pk', ['device_id', 'seq'])
    .execute();
  // Assessments a device has been given by pull, and the cursor it had then (a newly
  // assigned assessment is sent whole, since its older changes lie behind the cursor).
  await db.schema
    .createTable('device_scopes')
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('granted_cursor', 'bigint', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_scopes_pk', ['device_id', 'assessment_id'])
    .execute();

  await db.schema
    .createTable('conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addColumn('local_value_json', 'text', (c) => c.notNull())
    .addColumn('server_value_json', 'text', (c) => c.notNull())
    .addColumn('base_version', 'integer', (c) => c.notNull())
    .addColumn('server_version', 'integer', (c) => c.notNull())
    .addColumn('local_device_id', 'text', (c) => c.notNull())
    .addColumn('local_device_seq', 'bigint', (c) => c.notNull())
    .addColumn('local_account_id', 'text')
    .addColumn('local_at', 'bigint', (c) => c.notNull())
    .addColumn('server_at', 'bigint', (c) => c.notNull())
    .addColumn('server_account_id', 'text')
    .addColumn('server_device_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addColumn('resolved_seq', 'bigint')
    .execute();
  await db.schema
    .createIndex('conflicts_record_idx')
    .on('conflicts')
    .columns(['record_id', 'field'])
    .execute();
  await db.schema
    .createIndex('conflicts_assessment_idx')
    .on('conflicts')
    .columns(['assessment_id', 'resolved_at'])
    .execute();

  // Evidence files held by the server, content-addressed by SHA-256.
  await db.schema
    .createTable('files')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('received_by_device', 'text')
    .execute();
  // Which evidence records name which file (serving by hash, receipts).
  await db.schema
    .createTable('evidence_refs')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('assessment_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('evidence_refs_pk', ['sha256', 'record_id'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'evidence_refs',
    'files',
    'conflicts',
    'device_scopes',
    'device_applied_seqs',
    'device_cursors',
    'changes',
    'record_fields',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
