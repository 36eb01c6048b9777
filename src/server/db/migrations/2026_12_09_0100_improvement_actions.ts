import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Improvement actions (tindak lanjut, issue 18):
// - accounts.unit_id: the unit an `owner` account follows up actions for (null for other
//   roles). No foreign key on an added column (SQLite cannot add one); the service checks it.
// - actions: one commitment per indicator of a unit — target level, owner unit and person,
//   due date (`YYYY-MM-DD` text, compared as text), promised evidence (JSON array of text),
//   stored status (rencana / berjalan / selesai; `terlambat` is computed from the date),
//   where it came from (plan / rekomendasi / manual), how it was closed, and an optimistic
//   concurrency `version`. Levels are double precision on PostgreSQL, REAL on SQLite. `framework_id` is the source period's instrument, copied so an
//   action keeps its meaning when read from another period.
// - action_files: evidence files attached to an action, by SHA-256 (bytes live in the file
//   store like verification evidence; the `files` table records them).
// - action_comments: comments and the action's own history lines (reopened, closed).

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  // Levels with two decimals (Pemdi 2026): double precision on PostgreSQL round-trips a
  // JavaScript number exactly (its `real` is 4 bytes); SQLite's REAL is 8 bytes.
  const real = db.getExecutor().adapter instanceof PostgresAdapter ? 'double precision' : 'real';
  await db.schema.alterTable('accounts').addColumn('unit_id', 'text').execute();
  await db.schema
    .createTable('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('period_id', 'text', (c) => c.notNull().references('periods.id').onDelete('cascade'))
    .addColumn('framework_id', 'text', (c) => c.notNull())
    .addColumn('indicator_no', 'integer', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('owner_unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('owner_person', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('from_level', real)
    .addColumn('from_source', 'text', (c) => c.notNull())
    .addColumn('target_level', real, (c) => c.notNull())
    .addColumn('due_date', 'text', (c) => c.notNull())
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('origin_ref', 'text')
    .addColumn('closing_note', 'text')
    .addColumn('links_json', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('closed_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('actions_period')
    .on('actions')
    .columns(['period_id', 'indicator_no'])
    .execute();
  await db.schema.createIndex('actions_unit').on('actions').columns(['unit_id']).execute();
  await db.schema.createIndex('actions_owner').on('actions').columns(['owner_unit_id']).execute();
  await db.schema
    .createTable('action_files')
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addColumn('added_by', 'text')
    .addPrimaryKeyConstraint('action_files_pk', ['action_id', 'sha256'])
    .execute();
  await db.schema
    .createTable('action_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('action_comments_action')
    .on('action_comments')
    .columns(['action_id', 'at'])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('action_comments').execute();
  await db.schema.dropTable('action_files').execute();
  await db.schema.dropTable('actions').execute();
  await db.schema.alterTable('accounts').dropColumn('unit_id').execute();
}
