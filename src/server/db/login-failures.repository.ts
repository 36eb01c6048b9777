import type { Kysely } from 'kysely';
import type { Database } from './database';

/** Failed login/enrolment attempts, kept in the database so several server processes share one limit. */
export class LoginFailuresRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async countSince(key: string, since: number): Promise<{ count: number; oldest: number | null }> {
    const r = await this.db
      .selectFrom('loginFailures')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
      .where('key', '=', key)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return {
      count: Number(r.n),
      oldest: r.oldest === null || r.oldest === undefined ? null : Number(r.oldest),
    };
  }

  async add(id: string, key: string, at: number): Promise<void> {
    await this.db.insertInto('loginFailures').values({ id, key, at }).execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('loginFailures').where('key', '=', key).execute();
  }

  async pruneBefore(before: number): Promise<void> {
    await this.db.deleteFrom('loginFailures').where('at', '<=', before).execute();
  }
}
