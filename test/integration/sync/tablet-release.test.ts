// Before Dexie loads: the app opens its database from the global IndexedDB.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  enrol,
  ReleaseOfflineError,
  ReleaseRefusedError,
  releaseTablet,
  syncNow,
  useSync,
} from '../../../src/app/state/sync';
import { getStore } from '../../../src/app/state/workspace';
import { describeSync, newTeam, type SyncHarness } from '../../helpers/sync-harness';

/**
 * "Lepas tablet" (a tablet changes hands) through the app's own sync wiring (src/app/state/sync.ts)
 * against the real server: enrolment adopts the server-issued identity; release is refused
 * while work exists only on this tablet, allowed after an export (also offline, with
 * `force`), tells the server when it can, and leaves an empty tablet that the next
 * verifier enrols under a fresh identity.
 */

let online = true;
let app: SyncHarness['app'] | null = null;

beforeAll(() => {
  // The app speaks to its own origin ('/api/...'): route that to the server under test.
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    if (!online || !app) throw new TypeError('fetch failed (offline)');
    return app.request(url, init);
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

async function code(h: SyncHarness, verifierId: string): Promise<string> {
  const r = await h.call('POST', `/api/verifiers/${verifierId}/enrolments`, {
    token: await h.base.login('coordinator'),
  });
  return r.body.code;
}

describeSync('releasing a tablet for another verifier', (ctx) => {
  it('refuses while work exists only here, releases after an export, and enrols the next verifier under a fresh identity', async () => {
    const h = ctx();
    app = h.app;
    online = true;
    const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
    const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
    const a = team.assessmentIds[0] as string;

    const first = await enrol(await code(h, v0.id), 'Tablet lapangan', 'id');
    expect(first.verifierName).toMatch(/^Verifikator /);
    let store = await getStore('kerja');
    const firstId = store.deviceId;
    const devices = (await h.call('GET', `/api/verifiers/${v0.id}/devices`, {
      token: await h.base.login('coordinator'),
    })) as { body: { id: string }[] | { devices: { id: string }[] } };
    const listed = Array.isArray(devices.body) ? devices.body : devices.body.devices;
    expect(listed.map((d) => d.id)).toContain(firstId);
    expect(await store.getBundleSecret()).toMatch(/^[0-9a-f]{64}$/);
    await syncNow();
    expect(await store.assessments.get(a)).not.toBeNull();

    // Offline work: release is refused and says what would be lost.
    online = false;
    await store.verifications.update(a, 1, { verifiedLevel: 3, notes: 'belum terkirim' });
    const refused = await releaseTablet().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ReleaseRefusedError);
    expect((refused as ReleaseRefusedError).check).toMatchObject({
      unsentChanges: 1,
      exportCoversUnsent: false,
    });
    expect(useSync.getState().enrolment).not.toBeNull();

    // After an export the work is safe elsewhere; offline the verifier must confirm (force).
    await store.exportAssessment(a);
    await expect(releaseTablet()).rejects.toBeInstanceOf(ReleaseOfflineError);
    const offline = await releaseTablet({ force: true });
    expect(offline).toEqual({ serverReleased: false, discardedUnsent: true });
    expect(useSync.getState().enrolment).toBeNull();
    store = await getStore('kerja');
    expect(store.deviceId).not.toBe(firstId);
    expect(await store.assessments.list()).toEqual([]);
    expect(await store.outbox.count()).toBe(0);

    // The next verifier enrols the same tablet: a fresh identity again.
    online = true;
    await enrol(await code(h, v1.id), 'Tablet lapangan', 'id');
    store = await getStore('kerja');
    const secondId = store.deviceId;
    expect(secondId).not.toBe(firstId);
    await syncNow();
    const token = await store.cursors.get('auth.deviceToken');
    expect(useSync.getState().status?.state).toBe('idle');

    // Fully synced: released online; the server stops taking its token.
    const done = await releaseTablet();
    expect(done).toEqual({ serverReleased: true, discardedUnsent: false });
    const after = await h.call('GET', '/api/sync/pull?cursor=0', { token: token as string });
    expect(after.status).toBe(401);
    expect(await (await getStore('kerja')).cursors.get('auth.deviceToken')).toBeNull();
  });
});
