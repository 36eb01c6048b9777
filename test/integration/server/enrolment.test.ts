import { expect, it } from 'vitest';
import { describeEachDialect } from '../../helpers/server-context';

describeEachDialect('tablet enrolment, device list and revocation', (ctx) => {
  it('creates a one-time code with QR and expiry; the tablet enrols with it once', async () => {
    const coord = await ctx().login('coordinator');
    const v1 = await ctx().accountId('verifier1');
    const e = await ctx().call('POST', `/api/verifiers/${v1}/enrolments`, { token: coord });
    expect(e.status).toBe(201);
    expect(e.body.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{8}$/);
    expect(e.body.displayCode).toBe(`${e.body.code.slice(0, 4)}-${e.body.code.slice(4)}`);
    expect(e.body.uri).toBe(`telusur-enrol:${e.body.code}`);
    expect(e.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(e.body.expiresAt).toBe(ctx().clock.now + 30 * 60_000);
    expect(e.headers.get('cache-control')).toBe('no-store');

    // Typed with a dash and in lower case, as people do.
    const d = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: e.body.displayCode.toLowerCase(), label: 'Tablet Samsung A8' },
    });
    expect(d.status).toBe(201);
    expect(d.body.token).toMatch(/^tld_/);
    expect(d.body.device).toMatchObject({
      label: 'Tablet Samsung A8',
      verifierId: v1,
      revokedAt: null,
      revokedReason: null,
      origin: 'enrol',
      rotatedFrom: null,
      previousDeviceId: null,
    });
    expect(d.body.verifier).toMatchObject({ id: v1, email: 'verifikator1@cilegon.demo' });
    // The key the tablet signs its export files with, shown once like the token.
    expect(d.body.bundleSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(d.headers.get('cache-control')).toBe('no-store');

    const me = await ctx().call('GET', '/api/me', { token: d.body.token });
    expect(me.body).toMatchObject({
      account: { role: 'verifier' },
      device: { id: d.body.device.id },
    });

    const reuse = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: e.body.code, label: 'Tablet lain' },
    });
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe('enrolment_invalid');
    expect(reuse.body.message).toMatch(/Minta kode baru/);
  });

  it('accepts the scanned QR text as the code', async () => {
    const coord = await ctx().login('coordinator');
    const v1 = await ctx().accountId('verifier1');
    const e = await ctx().call('POST', `/api/verifiers/${v1}/enrolments`, { token: coord });
    const d = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: e.body.uri, label: 'Tablet QR' },
    });
    expect(d.status).toBe(201);
  });

  it('refuses an expired code', async () => {
    const coord = await ctx().login('coordinator');
    const v1 = await ctx().accountId('verifier1');
    const e = await ctx().call('POST', `/api/verifiers/${v1}/enrolments`, { token: coord });
    ctx().clock.advance(30 * 60_000);
    const d = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: e.body.code, label: 'Terlambat' },
      lang: 'en',
    });
    expect(d.status).toBe(400);
    expect(d.body.message).toMatch(/Ask your coordinator for a new code/);
  });

  it('requires the protocol header on enrolment (an outdated app must update first)', async () => {
    const d = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: 'ABCDEFGH', label: 'x' },
      noProtocol: true,
    });
    expect(d.status).toBe(426);
  });

  it("lists a verifier's tablets with last-seen time, updated as the tablet works", async () => {
    const coord = await ctx().login('coordinator');
    const v2 = await ctx().accountId('verifier2');
    const t = await ctx().enrol(v2, 'Tablet lapangan 1');
    const enrolledAt = ctx().clock.now;
    ctx().clock.advance(5 * 60_000);
    expect((await ctx().call('GET', '/api/my/assignments', { token: t.token })).status).toBe(200);
    const list = await ctx().call('GET', `/api/verifiers/${v2}/devices`, { token: coord });
    expect(list.status).toBe(200);
    const dev = list.body.devices.find((d: { id: string }) => d.id === t.deviceId);
    expect(dev).toMatchObject({
      label: 'Tablet lapangan 1',
      createdAt: enrolledAt,
      lastSeenAt: enrolledAt + 5 * 60_000,
      revokedAt: null,
    });
    expect(dev).not.toHaveProperty('tokenHash');
    const viewer = await ctx().login('viewer');
    expect(
      (await ctx().call('GET', `/api/verifiers/${v2}/devices`, { token: viewer })).status,
    ).toBe(200);
    const verifiers = await ctx().call('GET', '/api/verifiers', { token: coord });
    expect(verifiers.body.verifiers.find((v: { id: string }) => v.id === v2)).toMatchObject({
      deviceCount: 1,
      lastSeenAt: enrolledAt + 5 * 60_000,
    });
  });

  it('revokes a tablet: its token gets 401 device_revoked telling the verifier to export unsent data', async () => {
    const coord = await ctx().login('coordinator');
    const v1 = await ctx().accountId('verifier1');
    const t = await ctx().enrol(v1, 'Tablet hilang');
    const r = await ctx().call('POST', `/api/devices/${t.deviceId}/revoke`, { token: coord });
    expect(r.status).toBe(200);
    expect(r.body.revokedAt).toBe(ctx().clock.now);
    const denied = await ctx().call('GET', '/api/my/assignments', { token: t.token });
    expect(denied.status).toBe(401);
    expect(denied.body.code).toBe('device_revoked');
    expect(denied.body.message).toMatch(/Ekspor data/);
    const en = await ctx().call('GET', '/api/me', { token: t.token, lang: 'en' });
    expect(en.body.message).toMatch(/Export data/);
    const list = await ctx().call('GET', `/api/verifiers/${v1}/devices`, { token: coord });
    expect(list.body.devices.find((d: { id: string }) => d.id === t.deviceId)).toMatchObject({
      revokedAt: ctx().clock.now,
      revokedReason: 'revoked',
    });
    expect(
      (await ctx().call('POST', '/api/devices/no-such-device/revoke', { token: coord })).status,
    ).toBe(404);
  });

  it('treats logout on a tablet as un-enrolling it', async () => {
    const v1 = await ctx().accountId('verifier1');
    const t = await ctx().enrol(v1);
    expect((await ctx().call('POST', '/api/auth/logout', { token: t.token })).status).toBe(204);
    expect((await ctx().call('GET', '/api/me', { token: t.token })).body.code).toBe(
      'device_revoked',
    );
  });

  it('refuses enrolments for unknown ids and for non-verifier accounts', async () => {
    const coord = await ctx().login('coordinator');
    expect(
      (await ctx().call('POST', '/api/verifiers/nope/enrolments', { token: coord })).status,
    ).toBe(404);
    const coordId = await ctx().accountId('coordinator');
    expect(
      (await ctx().call('POST', `/api/verifiers/${coordId}/enrolments`, { token: coord })).status,
    ).toBe(404);
  });

  it('rate-limits wrong codes per address (10 per 15 minutes)', async () => {
    ctx().clock.advance(15 * 60_000 + 1); // forget the failures of the tests above
    for (let i = 0; i < 10; i++) {
      expect(
        (
          await ctx().call('POST', '/api/devices/enrol', {
            json: { code: `WRONG${i}XX`, label: 'x' },
          })
        ).status,
      ).toBe(400);
    }
    const r = await ctx().call('POST', '/api/devices/enrol', {
      json: { code: 'WRONGXXX', label: 'x' },
    });
    expect(r.status).toBe(429);
    ctx().clock.advance(15 * 60_000 + 1);
  });
});
