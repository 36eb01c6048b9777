import { createHmac } from 'node:crypto';
import { expect, it } from 'vitest';
import { DeviceIdentitySchema, verificationId } from '../../../src/core';
import { resolveConfig } from '../../../src/server/config';
import { createServices } from '../../../src/server/services';
import { edit, enrolRaw, type RawTablet } from '../../helpers/raw-push';
import { TEST_CONFIG } from '../../helpers/server-context';
import { describeSync, newTeam, type SyncHarness } from '../../helpers/sync-harness';

/**
 * Device identities (one identity, one sequence; a tablet can change hands): every enrolment and
 * every rotation issues a fresh server-made identity with its own token and bundle secret; a tablet
 * can release itself and be enrolled for another verifier. Tablets here are bare tokens and
 * hand-made mutations, so the tests depend on the server alone.
 */

async function enrol(h: SyncHarness, verifierId: string, label: string, claimed?: string) {
  const coordinator = await h.base.login('coordinator');
  const e = await h.call('POST', `/api/verifiers/${verifierId}/enrolments`, {
    token: coordinator,
  });
  return h.call('POST', '/api/devices/enrol', {
    json: { code: e.body.code, label, ...(claimed ? { deviceId: claimed } : {}) },
  });
}

/** The server's value of a field (JSON), or undefined. */
async function stored(h: SyncHarness, recordId: string, field: string) {
  const row = await h.base.db
    .selectFrom('recordFields')
    .select(['valueJson', 'updatedByDevice'])
    .where('recordId', '=', recordId)
    .where('field', '=', field)
    .executeTakeFirst();
  return row ? { value: JSON.parse(row.valueJson), by: row.updatedByDevice } : undefined;
}

async function devicesOf(h: SyncHarness, verifierId: string) {
  const r = await h.call('GET', `/api/verifiers/${verifierId}/devices`, {
    token: await h.base.login('coordinator'),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test reads JSON.
  return r.body.devices as any[];
}

const CLAIMED = '01900000-0000-7000-8000-00000000abcd';

describeSync('device identities: enrol, rotate, release', (ctx) => {
  it('issues a fresh identity at every enrolment: the same tablet twice gets two, each with its own token and bundle secret', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const v = team.verifiers[0]?.id as string;
    const first = await enrol(h, v, 'Tablet A', CLAIMED);
    const second = await enrol(h, v, 'Tablet A', CLAIMED);
    for (const r of [first, second]) {
      expect(r.status).toBe(201);
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(r.body).sort()).toEqual(['bundleSecret', 'device', 'token', 'verifier']);
      expect(r.body.device).toMatchObject({
        verifierId: v,
        label: 'Tablet A',
        origin: 'enrol',
        rotatedFrom: null,
        previousDeviceId: CLAIMED,
        revokedAt: null,
        revokedReason: null,
      });
      expect(r.body.device.id).not.toBe(CLAIMED);
      expect(r.body.bundleSecret).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(second.body.device.id).not.toBe(first.body.device.id);
    expect(second.body.token).not.toBe(first.body.token);
    expect(second.body.bundleSecret).not.toBe(first.body.bundleSecret);
    for (const r of [first, second]) {
      const me = await h.call('GET', '/api/me', { token: r.body.token });
      expect(me.body.device.id).toBe(r.body.device.id);
      const secret = await h.call('POST', '/api/devices/bundle-secret', { token: r.body.token });
      expect(secret.body).toEqual({
        deviceId: r.body.device.id,
        bundleSecret: r.body.bundleSecret,
      });
    }
    expect((await devicesOf(h, v)).map((d) => d.id).sort()).toEqual(
      [first.body.device.id, second.body.device.id].sort(),
    );
  });

  it('rotates: a new identity for the same verifier and label whose pushes are accepted, while the old one keeps working', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const v = team.verifiers[0]?.id as string;
    const a = team.assessmentIds[0] as string;
    const old = await enrolRaw(h, v, 'Tablet rotasi');
    const before = await h.call('POST', '/api/sync/push', {
      token: old.token,
      json: {
        deviceId: old.deviceId,
        mutations: [edit(old, 1, 'verification', verificationId(a, 1), { notes: 'lama 1' })],
      },
    });
    expect(before.body.appliedThrough).toBe(1);

    h.base.clock.advance(60_000);
    const r = await h.call('POST', '/api/devices/rotate', { token: old.token });
    expect(r.status).toBe(201);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(DeviceIdentitySchema.safeParse(r.body).success).toBe(true);
    expect(Object.keys(r.body).sort()).toEqual(['bundleSecret', 'deviceId', 'token']);
    const fresh: RawTablet = { deviceId: r.body.deviceId, token: r.body.token };
    expect(fresh.deviceId).not.toBe(old.deviceId);

    // The new identity starts its own sequence at 1 and is accepted.
    const pushed = await h.call('POST', '/api/sync/push', {
      token: fresh.token,
      json: {
        deviceId: fresh.deviceId,
        mutations: [edit(fresh, 1, 'verification', verificationId(a, 2), { notes: 'baru 1' })],
      },
    });
    expect([pushed.status, pushed.body.appliedThrough]).toEqual([200, 1]);
    expect(await stored(h, verificationId(a, 2), 'notes')).toEqual({
      value: 'baru 1',
      by: fresh.deviceId,
    });
    // The old identity is not revoked: a cloned copy of the tablet keeps syncing under it.
    const oldAgain = await h.call('POST', '/api/sync/push', {
      token: old.token,
      json: {
        deviceId: old.deviceId,
        mutations: [edit(old, 2, 'verification', verificationId(a, 3), { notes: 'lama 2' })],
      },
    });
    expect([oldAgain.status, oldAgain.body.appliedThrough]).toEqual([200, 2]);
    expect(await stored(h, verificationId(a, 3), 'notes')).toEqual({
      value: 'lama 2',
      by: old.deviceId,
    });
    // Each token speaks for its own identity only.
    const crossed = await h.call('POST', '/api/sync/push', {
      token: fresh.token,
      json: {
        deviceId: old.deviceId,
        mutations: [edit(old, 3, 'verification', verificationId(a, 3), { notes: 'x' })],
      },
    });
    expect(crossed.body.code).toBe('device_mismatch');

    const secret = await h.call('POST', '/api/devices/bundle-secret', { token: fresh.token });
    expect(secret.body).toEqual({ deviceId: fresh.deviceId, bundleSecret: r.body.bundleSecret });
    const list = await devicesOf(h, v);
    expect(list.find((d) => d.id === fresh.deviceId)).toMatchObject({
      label: 'Tablet rotasi',
      verifierId: v,
      origin: 'rotate',
      rotatedFrom: old.deviceId,
      createdAt: h.base.clock.now,
      revokedAt: null,
    });
    expect(list.find((d) => d.id === old.deviceId)).toMatchObject({
      origin: 'enrol',
      rotatedFrom: null,
      revokedAt: null,
    });
    expect(list.find((d) => d.id === fresh.deviceId)).not.toHaveProperty('tokenHash');
  });

  it('revoking a tablet revokes every identity it took by rotation, and the ones they came from', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const v = team.verifiers[0]?.id as string;
    const first = await enrolRaw(h, v, 'Tablet hilang');
    const other = await enrolRaw(h, v, 'Tablet lain');
    const second = await h.call('POST', '/api/devices/rotate', { token: first.token });
    const third = await h.call('POST', '/api/devices/rotate', { token: second.body.token });
    // The coordinator revokes the identity in the middle of the chain.
    const r = await h.call('POST', `/api/devices/${second.body.deviceId}/revoke`, {
      token: await h.base.login('coordinator'),
    });
    expect(r.status).toBe(200);
    for (const token of [first.token, second.body.token, third.body.token])
      expect((await h.call('GET', '/api/me', { token })).body.code).toBe('device_revoked');
    // Another tablet of the same verifier keeps working.
    expect((await h.call('GET', '/api/me', { token: other.token })).status).toBe(200);
  });

  it('refuses a tablet that rotates in a loop: at most ten new identities per hour, then 429 with Retry-After', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const v = team.verifiers[0]?.id as string;
    let token = (await enrolRaw(h, v, 'Tablet berulang')).token;
    for (let i = 0; i < 10; i++) {
      const r = await h.call('POST', '/api/devices/rotate', { token });
      expect(r.status).toBe(201);
      token = r.body.token;
    }
    const refused = await h.call('POST', '/api/devices/rotate', { token });
    expect([refused.status, refused.body.code]).toEqual([429, 'rotation_limited']);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect((await devicesOf(h, v)).length).toBe(11);
    // An hour later the tablet may take a new identity again.
    h.base.clock.advance(3_600_001);
    expect((await h.call('POST', '/api/devices/rotate', { token })).status).toBe(201);
  });

  it('lets only a tablet token rotate, fetch its secret or release itself; an outdated app must update first', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const t = await enrolRaw(h, team.verifiers[0]?.id as string);
    for (const who of ['verifier1', 'coordinator'] as const) await h.base.login(who);
    const counts = await h.base.rowCounts();
    for (const path of [
      '/api/devices/rotate',
      '/api/devices/bundle-secret',
      '/api/devices/release',
    ]) {
      const anonymous = await h.call('POST', path);
      expect([path, anonymous.status]).toEqual([path, 401]);
      for (const who of ['verifier1', 'coordinator'] as const) {
        const session = await h.call('POST', path, { token: await h.base.login(who) });
        expect([path, who, session.status, session.body.code]).toEqual([
          path,
          who,
          403,
          'forbidden',
        ]);
      }
      const outdated = await h.call('POST', path, { token: t.token, noProtocol: true });
      expect([path, outdated.status, outdated.body.code]).toEqual([path, 426, 'protocol_mismatch']);
    }
    expect(await h.base.rowCounts()).toEqual(counts);
    expect((await h.call('GET', '/api/me', { token: t.token })).status).toBe(200);
  });

  it('releases a tablet: its token stops working, the coordinator sees it released, and it can be enrolled for another verifier', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 2 });
    const [v1, v2] = team.verifiers.map((v) => v.id) as [string, string];
    const t = await enrolRaw(h, v1, 'Tablet bergilir');
    const r = await h.call('POST', '/api/devices/release', { token: t.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: t.deviceId,
      revokedAt: h.base.clock.now,
      revokedReason: 'released',
    });
    for (const path of [
      '/api/devices/release',
      '/api/devices/rotate',
      '/api/devices/bundle-secret',
    ])
      expect((await h.call('POST', path, { token: t.token })).status).toBe(401);
    const pull = await h.call('GET', '/api/sync/pull?cursor=0', { token: t.token });
    // Told that it was released (not that a coordinator revoked it), in words.
    expect([pull.status, pull.body.code]).toEqual([401, 'device_released']);
    expect(pull.body.message).toMatch(/dilepas/);
    expect((await devicesOf(h, v1)).find((d) => d.id === t.deviceId)).toMatchObject({
      revokedReason: 'released',
    });

    // The same tablet, enrolled for the second verifier: a new identity that works for v2.
    const next = await enrol(h, v2, 'Tablet bergilir', t.deviceId);
    expect(next.status).toBe(201);
    expect(next.body.device).toMatchObject({ verifierId: v2, previousDeviceId: t.deviceId });
    expect(next.body.device.id).not.toBe(t.deviceId);
    const me = await h.call('GET', '/api/me', { token: next.body.token });
    expect(me.body.account.id).toBe(v2);
  });

  it('re-enrols a tablet the coordinator revoked, for another verifier, whose pushes are accepted', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 2 });
    const [v1, v2] = team.verifiers.map((v) => v.id) as [string, string];
    const a = team.assessmentIds[0] as string;
    const t = await enrolRaw(h, v1, 'Tablet dicabut');
    const revoked = await h.call('POST', `/api/devices/${t.deviceId}/revoke`, {
      token: await h.base.login('coordinator'),
    });
    expect(revoked.body).toMatchObject({ revokedReason: 'revoked' });
    const again = await enrol(h, v2, 'Tablet dicabut', t.deviceId);
    expect(again.status).toBe(201);
    const fresh: RawTablet = { deviceId: again.body.device.id, token: again.body.token };
    const pushed = await h.call('POST', '/api/sync/push', {
      token: fresh.token,
      json: {
        deviceId: fresh.deviceId,
        mutations: [edit(fresh, 1, 'verification', verificationId(a, 1), { notes: 'oleh v2' })],
      },
    });
    expect([pushed.status, pushed.body.appliedThrough]).toEqual([200, 1]);
    expect(await stored(h, verificationId(a, 1), 'notes')).toEqual({
      value: 'oleh v2',
      by: fresh.deviceId,
    });
    // The revoked identity stays revoked.
    expect((await h.call('GET', '/api/me', { token: t.token })).body.code).toBe('device_revoked');
  });

  it('derives bundle secrets from one server key that every process agrees on, or from TELUSUR_SECRET; never stores them', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const r = await enrol(h, team.verifiers[0]?.id as string, 'Tablet kunci');
    const deviceId = r.body.device.id as string;
    const keys = await h.base.db.selectFrom('serverKeys').selectAll().execute();
    expect(keys.map((k) => k.name)).toEqual(['bundle']);
    const key = keys[0]?.value as string;
    const derive = (k: Buffer) =>
      createHmac('sha256', k).update(`bundle-secret|${deviceId}`).digest('hex');
    expect(r.body.bundleSecret).toBe(derive(Buffer.from(key, 'hex')));
    const row = await h.base.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(r.body.bundleSecret);

    const services = (config: Parameters<typeof resolveConfig>[0]) =>
      createServices({
        db: h.base.db,
        clock: () => h.base.clock.now,
        config: resolveConfig({ ...TEST_CONFIG, ...config }),
      });
    // Other processes on the same database, the key not yet made: they race to create it
    // and all end up with the same one.
    await h.base.db.deleteFrom('serverKeys').execute();
    try {
      const racers = [services({}), services({}), services({})];
      const secrets = await Promise.all(
        racers.map((s) => s.devices.bundleKeys.secretFor(deviceId)),
      );
      expect(new Set(secrets).size).toBe(1);
      const made = await h.base.db.selectFrom('serverKeys').selectAll().execute();
      expect(made).toHaveLength(1);
      expect(secrets[0]).toBe(derive(Buffer.from(made[0]?.value as string, 'hex')));
    } finally {
      // Put the first key back: the tablets of the other tests hold secrets derived from it.
      await h.base.db.deleteFrom('serverKeys').execute();
      await h.base.db.insertInto('serverKeys').values(keys).execute();
    }

    const configured = 'ein-geheimnis-von-mindestens-32-zeichen';
    const fromEnv = await services({ secret: configured }).devices.bundleKeys.secretFor(deviceId);
    expect(fromEnv).toBe(derive(Buffer.from(configured, 'utf8')));
    expect(fromEnv).not.toBe(r.body.bundleSecret);
    expect(() => resolveConfig({ secret: 'terlalu-pendek' })).toThrow(/at least 32 characters/);
  });
});
