import type { LoginResponse } from '../../core';
import type { Principal } from '../domain';
import { newToken, sha256Hex, verifyPassword } from '../lib/crypto';
import { Semaphore } from '../lib/semaphore';
import { Problem } from '../problems';
import { BaseService, type ServiceDeps } from './context';

/** One rate limit an attempt counts against: at most `max` attempts per window for `key`. */
export interface LimitKey {
  /** Hashed scope, subject and client, e.g. sha256Hex(`enrol|${ip}`). */
  key: string;
  max: number;
  /** On success forget every earlier attempt of this key (not just this one). */
  clearOnSuccess?: boolean;
}

/**
 * An attempt reserved by `reserveAttempt`, counted already. Say how it ended: `failed()`
 * (it stays counted), `succeeded()` (taken back; keys with clearOnSuccess are cleared),
 * or `cancel()` (nothing was checked, e.g. the server was busy: taken back).
 */
export interface Attempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  cancel(): Promise<void>;
}

/** Sessions for coordinators, viewers and verifiers; resolves every bearer token to a Principal. */
export class AuthService extends BaseService {
  /**
   * The password check (scrypt). Replaceable so tests can count how many checks really ran
   * under a burst, without timing anything.
   */
  passwordCheck: typeof verifyPassword = verifyPassword;
  /** Password checks running at once in this process (see config.passwordHashConcurrency). */
  readonly hashSlots: Semaphore;

  constructor(deps: ServiceDeps) {
    super(deps);
    this.hashSlots = new Semaphore(
      Math.max(1, deps.config.passwordHashConcurrency),
      Math.max(0, deps.config.passwordHashQueue),
    );
  }

  /**
   * Check e-mail and password. The attempt is counted BEFORE the password is hashed, in
   * one atomic step per limit, so of a burst of parallel wrong passwords at most the
   * limit are ever checked: `loginMaxFailures` per account+client and
   * `loginMaxFailuresPerClient` per client (any account) within `failureWindowMs`; beyond
   * that 429 `too_many_attempts` with Retry-After. When every password-check slot is busy
   * and the queue is full, 429 `login_busy` (Retry-After: 1) at once.
   *
   * @throws Problem invalid_credentials | account_disabled | too_many_attempts | login_busy
   */
  async login(email: string, password: string, ip: string): Promise<LoginResponse> {
    const subject = email.trim().toLowerCase();
    const cfg = this.deps.config;
    // The account's counter is keyed by its current password hash as well (a database read,
    // not the costly hash check, so it stays ahead of the limit): resetting the password
    // (`npm run admin -- reset-password`, an owner's new password) starts a fresh counter, so
    // the rightful user locked out by someone else's guesses gets in with the new password at
    // once, while the guesser's old counter stays spent.
    const pre = await this.repos.accounts.findCredentials(email.trim());
    const epoch = pre?.passwordHash ?? '';
    const attempt = await this.reserveAttempt([
      {
        key: sha256Hex(`login|${subject}|${ip}|${epoch}`),
        max: cfg.loginMaxFailures,
        clearOnSuccess: true,
      },
      { key: sha256Hex(`login-client|${ip}`), max: cfg.loginMaxFailuresPerClient },
    ]);
    const slot = this.hashSlots.acquire();
    if (!slot) {
      await attempt.cancel();
      throw new Problem('login_busy', {}, undefined, { 'Retry-After': '1' });
    }
    let found: Awaited<ReturnType<typeof this.repos.accounts.findCredentials>>;
    let ok: boolean;
    const release = await slot;
    try {
      found = await this.repos.accounts.findCredentials(email.trim());
      ok = await this.passwordCheck(password, found?.passwordHash ?? null, cfg.scrypt);
    } catch (e) {
      await attempt.cancel();
      throw e;
    } finally {
      release();
    }
    if (!found || !ok) {
      await attempt.failed();
      throw new Problem('invalid_credentials');
    }
    await attempt.succeeded();
    if (!found.account.active) throw new Problem('account_disabled');
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
      // A device token this database never issued: most often a tablet enrolled after the
      // backup the server was restored from. It must enrol again (its data stays).
      if (!d) throw new Problem('device_unknown');
      // A deactivated verifier's tablet is in the same position as a revoked one: keep
      // the local data and export it.
      if (d.device.revokedAt !== null && d.device.revokedReason === 'released')
        throw new Problem('device_released');
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

  /**
   * Count an attempt against every limit in `keys` BEFORE checking anything (password,
   * enrolment code). Each count is one atomic upsert, so parallel attempts get distinct
   * counts: with a limit of 5, of 40 simultaneous attempts exactly the first 5 pass. An
   * attempt over any limit is taken back from the limits it was counted in and refused.
   *
   * @throws Problem too_many_attempts (429, Retry-After in seconds until the window ends)
   * @example
   *   const attempt = await auth.reserveAttempt([{ key: sha256Hex(`enrol|${ip}`), max: 10 }]);
   *   const ok = await check();
   *   await (ok ? attempt.succeeded() : attempt.failed());
   */
  async reserveAttempt(keys: readonly LimitKey[]): Promise<Attempt> {
    const windowMs = this.deps.config.failureWindowMs;
    const now = this.now();
    const repo = this.repos.loginFailures;
    const counted: LimitKey[] = [];
    const takeBack = async () => {
      for (const k of counted.splice(0)) await repo.decrement(k.key);
    };
    let newWindow = false;
    for (const k of keys) {
      const { count, windowStart } = await repo.increment(k.key, now, windowMs);
      counted.push(k);
      if (count === 1) newWindow = true;
      if (count > k.max) {
        await takeBack();
        const retryMs = Math.max(1000, windowStart + windowMs - now);
        throw tooMany(retryMs);
      }
    }
    if (newWindow) await repo.pruneBefore(now - windowMs);
    let settled = false;
    const settle = async (how: 'failed' | 'succeeded' | 'cancel') => {
      if (settled) return;
      settled = true;
      if (how === 'failed') return;
      for (const k of counted.splice(0)) {
        if (how === 'succeeded' && k.clearOnSuccess) await repo.clear(k.key);
        else await repo.decrement(k.key);
      }
    };
    return {
      failed: () => settle('failed'),
      succeeded: () => settle('succeeded'),
      cancel: () => settle('cancel'),
    };
  }
}

function tooMany(retryMs: number): Problem {
  return new Problem('too_many_attempts', { minutes: Math.ceil(retryMs / 60_000) }, undefined, {
    'Retry-After': String(Math.ceil(retryMs / 1000)),
  });
}
