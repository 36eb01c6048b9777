import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Server hardening (issue 11 §5, §7):
// - file_holders: which tablet (device) proved it has a file's bytes, by uploading them
//   (tus, hash-checked) or inside an export file. Knowing a hash is not a key to the file:
//   a verifier sees a file only through an evidence record whose author holds it.
//   Back-filled from files.received_by_device (the first uploader, all that was recorded).
// - tus_uploads: every unfinished resumable upload with its uploader and declared size, so
//   only the uploader may resume or terminate it, one tablet's open staging bytes are
//   capped, and expired ones are found without listing the staging store.
// - auth_attempts: one counter per rate-limit key (login per account+client and per
//   client, enrolment per client) that an attempt increments atomically BEFORE the
//   password or code is checked; it replaces login_failures (one row per failure, counted
//   after the check, so a burst of parallel attempts was all evaluated).

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('file_holders')
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_holders_pk', ['sha256', 'device_id'])
    .execute();
  await db.schema
    .createIndex('file_holders_device_idx')
    .on('file_holders')
    .columns(['device_id', 'sha256'])
    .execute();
  await db
    .insertInto('file_holders')
    .columns(['sha256', 'device_id', 'received_at'])
    .expression(
      db
        .selectFrom('files')
        .select(['sha256', 'received_by_device', 'received_at'])
        .where('received_by_device', 'is not', null),
    )
    .execute();

  await db.schema
    .createTable('tus_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('verifier_id', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tus_uploads_device_idx')
    .on('tus_uploads')
    .columns(['device_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('tus_uploads_created_idx')
    .on('tus_uploads')
    .column('created_at')
    .execute();

  await db.schema
    .createTable('auth_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.dropTable('login_failures').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('login_failures_key_at_idx')
    .on('login_failures')
    .columns(['key', 'at'])
    .execute();
  await db.schema.dropTable('auth_attempts').execute();
  await db.schema.dropTable('tus_uploads').execute();
  await db.schema.dropTable('file_holders').execute();
}
