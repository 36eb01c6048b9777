import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// Times people can trust: which edit is newer is judged by the time of the edit on the
// tablet (its hybrid logical clock), and a tablet whose clock is far from the server's at
// sync has its times marked as doubtful.
// - changes.clock_skew_ms: the sending tablet's clock minus the server's (ms), measured at
//   the push that carried the change; null for server-made changes, export files and
//   tablets that did not report their clock.
// - conflicts.local_hlc: the hybrid clock of the tablet's edit that conflicted (its wall
//   time is when the edit was made on the tablet); null for rows from before.
// - conflicts.local_received_at: when the server received that edit (server clock).
// - conflicts.local_clock_skew_ms: as changes.clock_skew_ms, for that edit.
// The server side of a conflict needs no column: it is the change-log row of the field's
// server version.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('changes').addColumn('clock_skew_ms', 'bigint').execute();
  await db.schema.alterTable('conflicts').addColumn('local_hlc', 'text').execute();
  await db.schema.alterTable('conflicts').addColumn('local_received_at', 'bigint').execute();
  await db.schema.alterTable('conflicts').addColumn('local_clock_skew_ms', 'bigint').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['local_clock_skew_ms', 'local_received_at', 'local_hlc']) {
    await db.schema.alterTable('conflicts').dropColumn(c).execute();
  }
  await db.schema.alterTable('changes').dropColumn('clock_skew_ms').execute();
}
