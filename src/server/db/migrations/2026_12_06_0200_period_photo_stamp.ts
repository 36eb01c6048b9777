import type { Kysely } from 'kysely';

// Frozen once released: never edit, add a new migration instead.
// periods.photo_stamp (0/1): the coordinator asks the tablets to burn a small stamp (unit,
// indicator, capture time) into every evidence photo of the period, so a photo shown or
// printed anywhere says what it is evidence of. Off for existing periods: their photos were
// taken without one, and a stamp appearing halfway through a period would surprise.

// biome-ignore lint/suspicious/noExplicitAny: frozen migrations must not depend on the app's Database type (Kysely docs).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('periods')
    .addColumn('photo_stamp', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('periods').dropColumn('photo_stamp').execute();
}
