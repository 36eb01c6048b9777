import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// organisation: the one organisation (Pemda or central agency) this server works for — its
// name, kind, time zone (WIB / WITA / WIT) and letterhead logo. At most one row (id 'org'),
// written by the admin CLI or the coordinator's set-up page. No row is made here: a database
// of an earlier release has no organisation until someone sets it, and meanwhile every time
// is printed in WIB as before.
// - zone: the label (WIB, WITA, WIT); core maps it to its IANA zone.
// - logo_data: the PNG or JPEG bytes as base64 text (at most 256 KB of image; the same
//   column type on SQLite and PostgreSQL, and the logo travels with a database backup).
// - updated_by: the coordinator's account id; null when the admin CLI or the demo seed set it.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('logo_mime', 'text')
    .addColumn('logo_sha256', 'text')
    .addColumn('logo_bytes', 'integer')
    .addColumn('logo_data', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organisation').execute();
}
