import { expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';

const COORD = 'koordinator@cilegon.demo';

describeEachDialect('login, sessions and logout', (ctx) => {
  it('logs a coordinator in with an opaque bearer token and reports who they are', async () => {
    const r = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'Koordinator@Cilegon.demo ', password: DEMO_PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(r.body.token).toMatch(/^tls_[A-Za-z0-9_-]{43}$/);
    expect(r.body.account).toMatchObject({ email: COORD, role: 'coordinator', demo: true });
    expect(r.body.account).not.toHaveProperty('passwordHash');
    expect(r.body.expiresAt).toBe(ctx().clock.now + 12 * 3600_000);
    const me = await ctx().call('GET', '/api/me', { token: r.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ account: { email: COORD }, device: null });
  });

  it('stores only a hash of the token', async () => {
    const r = await ctx().call('POST', '/api/auth/login', {
      json: { email: COORD, password: DEMO_PASSWORD },
    });
    const rows = await ctx().db.selectFrom('sessions').select('tokenHash').execute();
    expect(rows.some((x) => x.tokenHash === r.body.token)).toBe(false);
    expect(rows.every((x) => /^[0-9a-f]{64}$/.test(x.tokenHash))).toBe(true);
  });

  it('says "wrong e-mail or password" alike for an unknown account and a wrong password', async () => {
    const a = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'siapa@cilegon.demo', password: 'x' },
    });
    const b = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'pimpinan@cilegon.demo', password: 'salah' },
    });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual({
      code: 'invalid_credentials',
      message: 'Email atau kata sandi salah.',
    });
  });

  it('locks an account+IP after 5 failures for 15 minutes (429), even for the right password', async () => {
    const email = 'verifikator2@cilegon.demo';
    for (let i = 0; i < 5; i++) {
      expect(
        (await ctx().call('POST', '/api/auth/login', { json: { email, password: `salah-${i}` } }))
          .status,
      ).toBe(401);
    }
    const locked = await ctx().call('POST', '/api/auth/login', {
      json: { email, password: DEMO_PASSWORD },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('too_many_attempts');
    expect(locked.body.message).toMatch(/Coba lagi dalam 15 menit/);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is not affected.
    expect(
      (
        await ctx().call('POST', '/api/auth/login', {
          json: { email: COORD, password: DEMO_PASSWORD },
        })
      ).status,
    ).toBe(200);
    ctx().clock.advance(15 * 60_000 + 1);
    const again = await ctx().call('POST', '/api/auth/login', {
      json: { email, password: DEMO_PASSWORD },
    });
    expect(again.status).toBe(200);
  });

  it('lifts the lockout of an account whose password was reset, for the new password only', async () => {
    const email = 'verifikator1@cilegon.demo';
    const login = (password: string) =>
      ctx().call('POST', '/api/auth/login', { json: { email, password } });
    for (let i = 0; i < 5; i++) expect((await login(`tebakan-${i}`)).status).toBe(401);
    expect((await login(DEMO_PASSWORD)).status).toBe(429);
    // The administrator sets a new password (admin CLI reset-password): no waiting 15 minutes.
    const fresh = 'kata-sandi-baru-2026';
    expect(await ctx().services.accounts.resetPassword(email, fresh)).not.toBeNull();
    expect((await login(DEMO_PASSWORD)).status).toBe(401);
    expect((await login(fresh)).status).toBe(200);
  });

  it('expires a session after its lifetime with a clear 401', async () => {
    const r = await ctx().call('POST', '/api/auth/login', {
      json: { email: COORD, password: DEMO_PASSWORD },
    });
    ctx().clock.advance(12 * 3600_000 + 1);
    const me = await ctx().call('GET', '/api/me', { token: r.body.token });
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('session_expired');
    const again = await ctx().call('GET', '/api/me', { token: r.body.token, lang: 'en' });
    expect(again.body.code).toBe('unauthenticated');
    expect(again.body.message).toBe('Please sign in first.');
  });

  it('ends a session on logout', async () => {
    const r = await ctx().call('POST', '/api/auth/login', {
      json: { email: COORD, password: DEMO_PASSWORD },
    });
    expect((await ctx().call('POST', '/api/auth/logout', { token: r.body.token })).status).toBe(
      204,
    );
    expect((await ctx().call('GET', '/api/me', { token: r.body.token })).status).toBe(401);
  });

  it('rejects missing, malformed and forged tokens with 401', async () => {
    expect((await ctx().call('GET', '/api/me')).status).toBe(401);
    expect(
      (await ctx().call('GET', '/api/me', { headers: { authorization: 'Basic abc' } })).status,
    ).toBe(401);
    expect((await ctx().call('GET', '/api/me', { token: 'tls_forged' })).status).toBe(401);
    expect((await ctx().call('GET', '/api/me', { token: 'tld_forged' })).status).toBe(401);
    expect((await ctx().call('GET', '/api/me', { token: "' OR 1=1 --" })).status).toBe(401);
  });

  it('refuses a deactivated verifier (password session and tablet)', async () => {
    const coord = await ctx().login('coordinator');
    const v2 = await ctx().accountId('verifier2');
    const tablet = await ctx().enrol(v2);
    const session = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'verifikator2@cilegon.demo', password: DEMO_PASSWORD },
    });
    expect(
      (await ctx().call('PATCH', `/api/verifiers/${v2}`, { token: coord, json: { active: false } }))
        .status,
    ).toBe(200);
    expect((await ctx().call('GET', '/api/me', { token: session.body.token })).status).toBe(401);
    const dev = await ctx().call('GET', '/api/my/assignments', { token: tablet.token });
    expect(dev.status).toBe(401);
    expect(dev.body.code).toBe('device_revoked');
    const login = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'verifikator2@cilegon.demo', password: DEMO_PASSWORD },
    });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('account_disabled');
    expect(
      (await ctx().call('PATCH', `/api/verifiers/${v2}`, { token: coord, json: { active: true } }))
        .status,
    ).toBe(200);
  });
});
