import type { Kysely } from 'kysely';
import { type Database, TABLES_CHILD_FIRST } from './database';

/** Whole-database operations: health probe, demo reset, row counts for tests and the CLI. */
export class MaintenanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Cheap round trip proving the database answers. */
  async ping(): Promise<void> {
    await this.db.selectFrom('accounts').select('id').limit(1).execute();
  }

  async rowCounts(): Promise<Record<(typeof TABLES_CHILD_FIRST)[number], number>> {
    const out = {} as Record<(typeof TABLES_CHILD_FIRST)[number], number>;
    for (const t of TABLES_CHILD_FIRST) {
      const r = await this.db
        .selectFrom(t)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[t] = Number(r.n);
    }
    return out;
  }

  /** Delete every row of every table (schema stays). Used by `npm run seed` only. */
  async wipeAll(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const t of TABLES_CHILD_FIRST) await trx.deleteFrom(t).execute();
    });
  }
}
