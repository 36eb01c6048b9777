import { uuidv7 } from '../../core';
import type { Account, Principal } from '../domain';
import { newToken, sha256Hex, verifyPassword } from '../lib/crypto';
import { Problem } from '../problems';
import { BaseService } from './context';

export interface LoginResult {
  token: string;
  expiresAt: number;
  account: Account;
}

/** Sessions for coordinators, viewers and verifiers; resolves every bearer token to a Principal. */
export class AuthService extends BaseService {
  /**
   * Check e-mail and password; at most `loginMaxFailures` failures per account+IP within
   * the window, then 429 until the oldest failure leaves the window.
   */
  async login(email: string, password: string, ip: string): Promise<LoginResult> {
    const key = sha256Hex(`login|${email.trim().toLowerCase()}|${ip}`);
    await this.assertNotLimited(key, this.deps.config.loginMaxFailures);
    const found = await this.repos.accounts.findCredentials(email.trim());
    const ok = await verifyPassword(password, found?.passwordHash ?? null, this.deps.config.scrypt);
    if (!found || !ok) {
      await this.recordFailure(key);
      throw new Problem('invalid_credentials');
    }
    if (!found.account.active) throw new Problem('account_disabled');
    await this.repos.loginFailures.clear(key);
    const token = newToken('tls');
    const now = this.now();
    const expiresAt = now + this.deps.config.sessionTtlMs;
    await this.repos.sessions.deleteExpired(now);
    await this.repos.sessions.insert({
      tokenHash: sha256Hex(token),
      accountId: found.account.id,
      now,
      expiresAt,
    });
    return { token, expiresAt, account: found.account };
  }

  /** End a session; for a tablet token this un-enrols the tablet (it must enrol again). */
  async logout(principal: Principal): Promise<void> {
    if (principal.kind === 'session') await this.repos.sessions.delete(principal.tokenHash);
    else if (principal.device)
      await this.repos.devices.revoke(principal.device.id, this.now(), principal.account.id);
  }

  /** The caller behind a bearer token, or a 401/403 problem saying why not. */
  async resolve(token: string): Promise<Principal> {
    const tokenHash = sha256Hex(token);
    const now = this.now();
    if (token.startsWith('tls_')) {
      const s = await this.repos.sessions.findWithAccount(tokenHash);
      if (!s) throw new Problem('unauthenticated');
      if (s.expiresAt <= now) {
        await this.repos.sessions.delete(tokenHash);
        throw new Problem('session_expired');
      }
      if (!s.account.active) throw new Problem('account_disabled');
      return {
        account: s.account,
        kind: 'session',
        device: null,
        sessionExpiresAt: s.expiresAt,
        tokenHash,
      };
    }
    if (token.startsWith('tld_')) {
      const d = await this.repos.devices.findWithAccount(tokenHash);
      if (!d) throw new Problem('unauthenticated');
      // A deactivated verifier's tablet is in the same position as a revoked one: keep
      // the local data and export it.
      if (d.device.revokedAt !== null || !d.account.active) throw new Problem('device_revoked');
      if (
        d.device.lastSeenAt === null ||
        now - d.device.lastSeenAt >= this.deps.config.deviceSeenThrottleMs
      ) {
        await this.repos.devices.touch(d.device.id, now);
        d.device.lastSeenAt = now;
      }
      return {
        account: d.account,
        kind: 'device',
        device: d.device,
        sessionExpiresAt: null,
        tokenHash,
      };
    }
    throw new Problem('unauthenticated');
  }

  /** Shared by login and tablet enrolment: 429 while `max` failures lie inside the window. */
  async assertNotLimited(key: string, max: number): Promise<void> {
    const windowMs = this.deps.config.failureWindowMs;
    const now = this.now();
    const { count, oldest } = await this.repos.loginFailures.countSince(key, now - windowMs);
    if (count >= max) {
      const retryMs = Math.max(1000, (oldest ?? now) + windowMs - now);
      throw new Problem('too_many_attempts', { minutes: Math.ceil(retryMs / 60_000) }, undefined, {
        'Retry-After': String(Math.ceil(retryMs / 1000)),
      });
    }
  }

  async recordFailure(key: string): Promise<void> {
    const now = this.now();
    await this.repos.loginFailures.add(uuidv7(now), key, now);
    await this.repos.loginFailures.pruneBefore(now - this.deps.config.failureWindowMs);
  }
}
