import type { Kysely } from 'kysely';
import type { Account } from '../domain';
import { toAccount } from './accounts.repository';
import type { Database } from './database';

export class SessionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: {
    tokenHash: string;
    accountId: string;
    now: number;
    expiresAt: number;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        tokenHash: s.tokenHash,
        accountId: s.accountId,
        createdAt: s.now,
        expiresAt: s.expiresAt,
        lastSeenAt: s.now,
      })
      .execute();
  }

  async findWithAccount(
    tokenHash: string,
  ): Promise<{ expiresAt: number; account: Account } | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('accounts', 'accounts.id', 'sessions.accountId')
      .selectAll('accounts')
      .select('sessions.expiresAt as sessionExpiresAt')
      .where('sessions.tokenHash', '=', tokenHash)
      .executeTakeFirst();
    return row ? { expiresAt: row.sessionExpiresAt, account: toAccount(row) } : null;
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
  }

  async deleteForAccount(accountId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('accountId', '=', accountId).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('sessions').where('expiresAt', '<=', now).execute();
  }
}
