import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Issue 11 §3/§6: one device identity per enrolment, rotation, release, signed bundles.
// - devices.origin: how the identity came about — `enrol` (a one-time code) or `rotate`
//   (issued against an existing identity's token; the tablet found its identity shared).
// - devices.rotated_from: the identity whose token asked for this one (audit; the old
//   identity stays valid, a cloned tablet keeps using it). Who: the same verifier; when:
//   created_at.
// - devices.previous_device_id: the id the tablet itself claimed at enrolment (audit only;
//   the server always issues a fresh id).
// - devices.revoked_reason: `revoked` (coordinator, or a tablet's logout) or `released`
//   (the tablet released itself to be enrolled for another verifier); null while active
//   and for rows revoked before this migration.
// - server_keys: named random keys the server creates once (insert-if-absent, so several
//   processes on one database agree); `bundle` derives every device's bundle secret
//   unless TELUSUR_SECRET is set.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema
    .alterTable('devices')
    .addColumn('origin', 'text', (c) => c.notNull().defaultTo('enrol'))
    .execute();
  await db.schema.alterTable('devices').addColumn('rotated_from', 'text').execute();
  await db.schema.alterTable('devices').addColumn('previous_device_id', 'text').execute();
  await db.schema.alterTable('devices').addColumn('revoked_reason', 'text').execute();
  await db.schema
    .createIndex('devices_rotated_from_idx')
    .on('devices')
    .column('rotated_from')
    .execute();

  await db.schema
    .createTable('server_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    // Hex of 32 random bytes.
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_keys').execute();
  await db.schema.dropIndex('devices_rotated_from_idx').execute();
  for (const c of ['revoked_reason', 'previous_device_id', 'rotated_from', 'origin']) {
    await db.schema.alterTable('devices').dropColumn(c).execute();
  }
}
