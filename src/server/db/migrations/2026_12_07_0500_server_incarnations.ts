import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// server_incarnations: the lives of this database. A tablet remembers the incarnation it
// last synced with; `npm run restore` adds a new one after a successful restore (the
// restored database went back in time, so the tablets' pull cursors, device seqs and field
// versions may be ahead of it), and the tablet re-bases when it sees the id change.
// - id: random (UUID), sent with every push, pull and offline package answer;
// - parent_id: the incarnation the restored backup was taken from (null for the first);
// - restored_through: the highest change-log seq the backup held (null for the first);
// - ordinal: 1, 2, …; the current incarnation is the one with the highest.
// The first incarnation is created here, for new and existing databases alike.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('server_incarnations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ordinal', 'integer', (c) => c.notNull().unique())
    .addColumn('parent_id', 'text')
    .addColumn('restored_through', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('server_incarnations')
    .values({
      id: randomUUID(),
      ordinal: 1,
      parent_id: null,
      restored_through: null,
      created_at: Date.now(),
    })
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('server_incarnations').execute();
}
