import { uuidv7, type VerifierSummary } from '../../core';
import type { Account, Role } from '../domain';
import { hashPassword } from '../lib/crypto';
import { Problem } from '../problems';
import { type ActorId, BaseService } from './context';

/** Accounts: verifiers managed by coordinators, plus account creation for the seed. */
export class AccountsService extends BaseService {
  async create(input: {
    email: string;
    name: string;
    role: Role;
    password?: string | null;
    demo?: boolean;
    /** An owner account's unit (role `owner`). */
    unitId?: string | null;
  }): Promise<Account> {
    if (await this.repos.accounts.emailTaken(input.email)) throw new Problem('email_taken');
    const passwordHash = input.password
      ? await hashPassword(input.password, this.deps.config.scrypt)
      : null;
    return this.repos.accounts.insert({
      id: uuidv7(this.now()),
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      passwordHash,
      demo: input.demo ?? false,
      unitId: input.unitId ?? null,
      now: this.now(),
    });
  }

  /**
   * Set a new password for the account with this e-mail and end its sessions, so a leaked
   * password stops working at once. Null when no account has this e-mail.
   */
  async resetPassword(email: string, password: string): Promise<Account | null> {
    const found = await this.repos.accounts.findCredentials(email.trim());
    if (!found) return null;
    const hash = await hashPassword(password, this.deps.config.scrypt);
    await this.repos.accounts.setPasswordHash(found.account.id, hash, this.now());
    await this.repos.sessions.deleteForAccount(found.account.id);
    return found.account;
  }

  emailTaken(email: string): Promise<boolean> {
    return this.repos.accounts.emailTaken(email.trim());
  }

  listAll(): Promise<Account[]> {
    return this.repos.accounts.listAll();
  }

  count(): Promise<number> {
    return this.repos.accounts.count();
  }

  /** True when every account is a demo account (safe to wipe for `npm run seed`). */
  async onlyDemoAccounts(): Promise<boolean> {
    return (await this.repos.accounts.countNonDemo()) === 0;
  }

  listVerifiers(): Promise<VerifierSummary[]> {
    return this.repos.accounts.listVerifiers();
  }

  async getVerifier(id: string): Promise<Account> {
    const a = await this.repos.accounts.findById(id);
    if (a?.role !== 'verifier')
      throw new Problem('not_found', { what: 'Verifikator', whatEn: 'Verifier' });
    return a;
  }

  async updateVerifier(
    id: string,
    patch: { name?: string | undefined; active?: boolean | undefined },
    _actor: ActorId,
  ): Promise<Account> {
    await this.getVerifier(id);
    await this.repos.accounts.update(
      id,
      { name: patch.name?.trim(), active: patch.active },
      this.now(),
    );
    if (patch.active === false) await this.repos.sessions.deleteForAccount(id);
    return this.getVerifier(id);
  }
}
