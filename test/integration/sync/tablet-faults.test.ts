import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  fetchTransport,
  SyncEngine,
  type SyncStore,
  type SyncTransport,
  tusUploader,
} from '../../../src/sync';
import {
  appFetch,
  describeSync,
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  type SyncHarness,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * The tablet when something fails, against the real server: a
 * withdrawn assignment, a store that fails while saving pulled changes, uploads that never
 * arrived, a file damaged on the way or unreadable on the tablet. Each test fails when the
 * behaviour it names breaks.
 */

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * The real engine over HTTP with tus uploads; `mangle` may change a file's bytes on the way
 * (after the tablet read them), `skip` makes an upload "succeed" without sending anything.
 */
function httpEngine(
  t: Tablet,
  baseUrl: string,
  o: { store?: SyncStore; mangle?: (hash: string, b: Buffer) => void; skip?: Set<string> } = {},
): SyncEngine {
  const token = () => t.token;
  const upload = tusUploader({
    endpoint: `${baseUrl}/api/files/`,
    token,
    chunkSize: 64 * 1024,
    retryDelays: [0, 50],
    source: async (blob) => {
      const b = Buffer.from(await blob.arrayBuffer());
      o.mangle?.(sha(b), b);
      return b;
    },
  });
  const transport: SyncTransport = fetchTransport({
    baseUrl,
    token,
    fetch: (url, init) => fetch(url, init),
    uploader: async (file, progress) => {
      if (o.skip?.has(file.sha256)) return;
      await upload(file, progress);
    },
  });
  return new SyncEngine(o.store ?? t.store, transport, {
    saveToken: async (next) => {
      t.token = next;
    },
  });
}

async function addPhoto(t: Tablet, assessmentId: string, no: number, size = 3000) {
  const bytes = photoBytes(size);
  const e = await t.store.evidence.add({
    assessmentId,
    indicatorNo: no,
    blob: new Blob([bytes], { type: 'image/jpeg' }),
    name: `foto-${no}.jpg`,
    width: null,
    height: null,
    location: null,
  });
  return e.sha256;
}

/** One verifier's tablet with two assigned units, and the app listening over HTTP. */
async function oneTabletTwoUnits(h: SyncHarness) {
  const team = await newTeam(h.services, h.base, { verifiers: 1, units: 2 });
  const [a, b] = team.assessmentIds as [string, string];
  const t = await enrolTablet(
    h.call,
    await h.base.login('coordinator'),
    team.verifiers[0]?.id as string,
  );
  return { a, b, t, ...(await listenHttp(h)) };
}

describeSync('tablet sync when something fails', (ctx) => {
  it('a withdrawn assignment: its changes are refused and listed, the unit leaves the list, its work stays in the list; the other unit syncs fully', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 2, units: 2 });
    const coordinator = await h.base.login('coordinator');
    const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
    const [unitA, unitB] = team.unitIds as [string, string];
    const [a, b] = team.assessmentIds as [string, string];
    const t = await enrolTablet(h.call, coordinator, v0.id, 'Tablet A');
    const other = await enrolTablet(h.call, coordinator, v1.id, 'Tablet B');
    const engine = tabletEngine(t, appFetch(h.app));
    await engine.sync();
    expect((await t.store.reference.listAssignments()).map((x) => x.unitId).sort()).toEqual(
      [unitA, unitB].sort(),
    );
    // Offline: work on both units, a photo on B.
    await t.store.verifications.update(a, 1, { verifiedLevel: 4, notes: 'SK ada di lemari' });
    await t.store.verifications.update(b, 1, { verifiedLevel: 2, notes: 'belum ada SOP' });
    await t.store.verifications.update(a, 2, { verifiedLevel: 3 });
    const { baseUrl, close } = await listenHttp(h);
    try {
      const photo = await addPhoto(t, b, 1);
      // A photo on A too: A's receipt is no longer this tablet's to read, which must not
      // turn this and every later sync into an error.
      await addPhoto(t, a, 2, 3100);
      // Meanwhile the coordinator withdraws unit A from this verifier.
      const assignment = (await h.services.assignments.list({ periodId: team.periodId })).find(
        (x) => x.unitId === unitA && x.verifierId === v0.id,
      );
      await h.services.assignments.delete(assignment?.id as string);

      const http = httpEngine(t, baseUrl);
      const report = await http.sync();

      const status = http.getStatus();
      expect(status.state).toBe('idle');
      expect(status.lastError).toBeNull();
      expect(await t.store.outbox.count()).toBe(0);
      // A's changes are in the "Ditolak server" list, named.
      const refused = await t.store.rejected.list(a);
      expect(refused.length).toBeGreaterThanOrEqual(2);
      expect(refused.map((r) => r.rejection.code)).toEqual(refused.map(() => 'not_assigned'));
      expect(refused.find((r) => r.indicatorNo === 1)?.rejection).toMatchObject({
        assessmentId: a,
        indicatorNo: 1,
      });
      expect(report.rejected).toBe(refused.length);
      expect(status.rejectedChanges).toBe(refused.length);
      // The unit left the tablet's list; the work stays on the tablet, in its refused
      // changes (the record no longer counts what the server never took).
      expect((await t.store.reference.listAssignments()).map((x) => x.unitId)).toEqual([unitB]);
      expect(refused.find((r) => r.indicatorNo === 1)?.mutation.changes).toMatchObject({
        verifiedLevel: 4,
        notes: 'SK ada di lemari',
      });
      expect((await t.store.verifications.get(a, 1))?.verifiedLevel ?? null).toBeNull();
      // B's change and photo arrived (another verifier's tablet pulls the change).
      expect(status.receipts[b]).toMatchObject({ local: 1, confirmed: 1 });
      expect(await h.services.files.held(photo)).not.toBeNull();
      await tabletEngine(other, appFetch(h.app)).sync();
      expect((await other.store.verifications.get(b, 1))?.notes).toBe('belum ada SOP');
    } finally {
      await close();
    }
  });

  it('moves the pull cursor only after the pulled changes are stored: a failed save is pulled again', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
    const coordinator = await h.base.login('coordinator');
    const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
    const a = team.assessmentIds[0] as string;
    let failNext = false;
    const writer = await enrolTablet(h.call, coordinator, v0.id, 'Tablet A');
    const reader = await enrolTablet(h.call, coordinator, v1.id, 'Tablet B', {
      testHooks: {
        beforeCommit: (op) => {
          if (op === 'applyRemote' && failNext) {
            failNext = false;
            throw new Error('disk error while saving');
          }
        },
      },
    });
    const we = tabletEngine(writer, appFetch(h.app));
    const re = tabletEngine(reader, appFetch(h.app));
    await we.sync();
    await re.sync();
    await writer.store.verifications.update(a, 6, { verifiedLevel: 3, notes: 'dari tablet A' });
    await we.sync();

    failNext = true;
    await expect(re.sync()).rejects.toThrow('disk error while saving');
    // A failure of this tablet, not of the network.
    expect(re.getStatus()).toMatchObject({ state: 'error', lastError: { source: 'local' } });
    expect((await reader.store.verifications.get(a, 6))?.notes).not.toBe('dari tablet A');

    await re.sync();
    expect(await reader.store.verifications.get(a, 6)).toMatchObject({
      verifiedLevel: 3,
      notes: 'dari tablet A',
    });
  });

  it('counts and frees only files the server receipt lists: an upload that never arrived keeps its photo', async () => {
    const h = ctx();
    const { a, b, t, baseUrl, close } = await oneTabletTwoUnits(h);
    try {
      const lost = new Set<string>();
      const engine = httpEngine(t, baseUrl, { skip: lost });
      await engine.sync();
      const arrived = await addPhoto(t, a, 1);
      const never = await addPhoto(t, a, 2);
      const whole = await addPhoto(t, b, 1);
      lost.add(never);

      await engine.sync();

      // The receipt state counts only what the server confirmed.
      expect(engine.getStatus().receipts[a]).toMatchObject({ local: 2, confirmed: 1 });
      expect(engine.getStatus().receipts[b]).toMatchObject({ local: 1, confirmed: 1 });
      expect(await h.services.files.held(never)).toBeNull();

      const { purged } = await engine.purgeReceived();
      // B's receipt is complete: its photo's bytes are freed on the tablet.
      expect(purged).toBe(1);
      expect(await t.store.blobs.get(whole)).toBeNull();
      // A's is not: the photo the server never got stays (and so does the one it has).
      expect(await t.store.blobs.get(never)).not.toBeNull();
      expect(await t.store.blobs.get(arrived)).not.toBeNull();

      // It is not left waiting forever as "unconfirmed": it went back on the upload list, and
      // the next sync (the upload working again) delivers it.
      expect((await t.store.blobs.listPendingUpload()).map((f) => f.sha256)).toEqual([never]);
      lost.clear();
      await engine.sync();
      expect(await h.services.files.held(never)).not.toBeNull();
      expect(engine.getStatus().receipts[a]).toMatchObject({ local: 2, confirmed: 2 });
    } finally {
      await close();
    }
  });

  it('one file damaged on the way and one unreadable on the tablet are named; the others upload; receipts are checked; not offline', async () => {
    const h = ctx();
    const { a, b, t, baseUrl, close } = await oneTabletTwoUnits(h);
    try {
      let damaged = '';
      let unreadable = '';
      const store = new Proxy(t.store, {
        get(target, prop) {
          if (prop === 'blobs')
            return {
              ...target.blobs,
              get: async (hash: string) => {
                if (hash === unreadable) throw new DOMException('gone', 'NotReadableError');
                return target.blobs.get(hash);
              },
            };
          const v = Reflect.get(target, prop, target);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
      const engine = httpEngine(t, baseUrl, {
        store,
        mangle: (hash, bytes) => {
          if (hash === damaged) bytes[7] = (bytes[7] ?? 0) ^ 0xff;
        },
      });
      await engine.sync();
      const good = await addPhoto(t, a, 1, 90_000);
      damaged = await addPhoto(t, a, 2, 90_000);
      unreadable = await addPhoto(t, a, 3);
      const later = await addPhoto(t, b, 4);

      const report = await engine.sync();

      const status = engine.getStatus();
      expect(status.state).toBe('idle');
      expect(status.lastError).toBeNull();
      expect(report.failedFiles).toBe(2);
      expect(await h.services.files.held(good)).not.toBeNull();
      expect(await h.services.files.held(later)).not.toBeNull();
      expect(await h.services.files.held(damaged)).toBeNull();
      const named = Object.fromEntries(status.failedFiles.map((f) => [f.indicatorNo, f]));
      expect(named[2]).toMatchObject({
        sha256: damaged,
        assessmentId: a,
        name: 'foto-2.jpg',
        source: 'server',
        code: 'hash_mismatch',
      });
      expect(named[2]?.unitName).toMatch(/^Unit uji /);
      expect(named[3]).toMatchObject({
        sha256: unreadable,
        name: 'foto-3.jpg',
        source: 'local',
        code: 'blob_unreadable',
      });
      expect(status.receipts[a]).toMatchObject({ local: 3, confirmed: 1 });
      expect(status.receipts[b]).toMatchObject({ local: 1, confirmed: 1 });

      // The link is clean again and the tablet can read the file: both go up, failures clear.
      damaged = '';
      unreadable = '';
      await engine.sync();
      expect(engine.getStatus().failedFiles).toEqual([]);
      expect(engine.getStatus().receipts[a]).toMatchObject({ local: 3, confirmed: 3 });
    } finally {
      await close();
    }
  });
});
