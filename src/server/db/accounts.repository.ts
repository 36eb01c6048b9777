import type { Kysely, Selectable } from 'kysely';
import type { Role, VerifierSummary } from '../../core';
import type { Account } from '../domain';
import type { AccountsTable, Database } from './database';

export function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active === 1,
    demo: row.demo === 1,
    hasPassword: row.passwordHash !== null,
    unitId: row.unitId ?? null,
    createdAt: row.createdAt,
  };
}

export class AccountsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findById(id: string): Promise<Account | null> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  /** The account and its password hash, for login only. */
  async findCredentials(
    email: string,
  ): Promise<{ account: Account; passwordHash: string | null } | null> {
    const row = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row ? { account: toAccount(row), passwordHash: row.passwordHash } : null;
  }

  async emailTaken(email: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row !== undefined;
  }

  async insert(a: {
    id: string;
    email: string;
    name: string;
    role: Role;
    passwordHash: string | null;
    demo: boolean;
    now: number;
    /** An owner's unit (role `owner` only). */
    unitId?: string | null;
  }): Promise<Account> {
    const row = {
      id: a.id,
      email: a.email.toLowerCase(),
      name: a.name,
      role: a.role,
      passwordHash: a.passwordHash,
      active: 1,
      demo: a.demo ? 1 : 0,
      createdAt: a.now,
      updatedAt: a.now,
    };
    // The column is named only when set: the upgrade test writes accounts into a schema of
    // the first release, which has no `unit_id` yet.
    await this.db
      .insertInto('accounts')
      .values(a.unitId ? { ...row, unitId: a.unitId } : row)
      .execute();
    return toAccount({ ...row, unitId: a.unitId ?? null });
  }

  async update(
    id: string,
    patch: {
      name?: string | undefined;
      active?: boolean | undefined;
      /** An owner's unit (role `owner` only). */
      unitId?: string | undefined;
    },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.unitId !== undefined ? { unitId: patch.unitId } : {}),
        ...(patch.active !== undefined ? { active: patch.active ? 1 : 0 } : {}),
        updatedAt: now,
      })
      .where('id', '=', id)
      .execute();
  }

  async listVerifiers(): Promise<VerifierSummary[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .selectAll('accounts')
      .select((eb) => [
        eb
          .selectFrom('devices')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('devices.verifierId', '=', 'accounts.id')
          .where('devices.revokedAt', 'is', null)
          .as('deviceCount'),
        eb
          .selectFrom('assignments')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('assignments.verifierId', '=', 'accounts.id')
          .as('assignmentCount'),
        eb
          .selectFrom('devices')
          .select((e2) => e2.fn.max('devices.lastSeenAt').as('m'))
          .whereRef('devices.verifierId', '=', 'accounts.id')
          .as('lastSeenAt'),
      ])
      .where('role', '=', 'verifier')
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      ...toAccount(r),
      deviceCount: Number(r.deviceCount ?? 0),
      assignmentCount: Number(r.assignmentCount ?? 0),
      lastSeenAt: r.lastSeenAt === null || r.lastSeenAt === undefined ? null : Number(r.lastSeenAt),
    }));
  }

  /** Every account of a role, by name then id. */
  async listByRole(role: Role): Promise<Account[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('role', '=', role)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toAccount);
  }

  /** Replace the password hash of an account (admin CLI reset). */
  async setPasswordHash(id: string, passwordHash: string, now: number): Promise<void> {
    await this.db
      .updateTable('accounts')
      .set({ passwordHash, updatedAt: now })
      .where('id', '=', id)
      .execute();
  }

  /** Every account, by role then e-mail (admin CLI listing; no hashes leave here). */
  async listAll(): Promise<Account[]> {
    const rows = await this.db
      .selectFrom('accounts')
      .selectAll()
      .orderBy('role')
      .orderBy('email')
      .execute();
    return rows.map(toAccount);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countNonDemo(): Promise<number> {
    const r = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('demo', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
