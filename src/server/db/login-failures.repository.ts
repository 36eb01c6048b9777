import { type Kysely, sql } from 'kysely';
import type { Database } from './database';

/**
 * Rate-limit counters of login and enrolment attempts (table `auth_attempts`), in the
 * database so several server processes share one limit. Each key counts attempts in a
 * fixed window that starts with the first attempt after the previous window ended.
 * (Named after the table it replaced; `Repositories.loginFailures` keeps the name.)
 */
export class LoginFailuresRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Count one attempt for `key` in one atomic statement (an upsert that returns the new
   * count), so parallel attempts each see a distinct count and never all pass a limit.
   * A window older than `windowMs` restarts at 1.
   *
   * @returns the count including this attempt, and when its window started (epoch ms)
   */
  async increment(
    key: string,
    now: number,
    windowMs: number,
  ): Promise<{ count: number; windowStart: number }> {
    const stale = now - windowMs;
    const r = await this.db
      .insertInto('authAttempts')
      .values({ key, count: 1, windowStart: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          count: sql<number>`case when auth_attempts.window_start <= ${stale} then 1 else auth_attempts.count + 1 end`,
          windowStart: sql<number>`case when auth_attempts.window_start <= ${stale} then ${now} else auth_attempts.window_start end`,
        }),
      )
      .returning(['count', 'windowStart'])
      .executeTakeFirstOrThrow();
    return { count: Number(r.count), windowStart: Number(r.windowStart) };
  }

  /** Take back one attempt (it was refused before any check, or it succeeded). */
  async decrement(key: string): Promise<void> {
    await this.db
      .updateTable('authAttempts')
      .set({ count: sql<number>`count - 1` })
      .where('key', '=', key)
      .where('count', '>', 0)
      .execute();
  }

  /** Forget a key (a successful login clears its account+client counter). */
  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('authAttempts').where('key', '=', key).execute();
  }

  /** Drop counters whose window ended before `before` (keeps the table small). */
  async pruneBefore(before: number): Promise<void> {
    await this.db.deleteFrom('authAttempts').where('windowStart', '<=', before).execute();
  }
}
