import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import type { TelusurStore } from '../../../src/store';
import {
  type FetchLike,
  fetchTransport,
  PUSH_BUDGET_BYTES,
  SyncEngine,
  SyncHttpError,
  type SyncStore,
} from '../../../src/sync';
import { FakeServer, photo, secretFor, seqReused, tabletStore } from './fake-server';

/**
 * The sync engine against the real tablet store (fake-indexeddb) and a scripted server:
 * what the verifier would notice when one part of a sync goes wrong.
 */

type Options = Parameters<typeof tabletStore>[0];

async function tablet(server: FakeServer, options: Options = {}, wrap = (s: SyncStore) => s) {
  const store = await tabletStore(options);
  let token: string | null = server.enrol(store.deviceId);
  const saved: string[] = [];
  const engine = new SyncEngine(
    wrap(store),
    server.transport(() => token),
    {
      saveToken: async (t) => {
        saved.push(t);
        token = t;
      },
    },
  );
  const [u0, u1] = server.units;
  const a = await store.assessments.create({
    periodId: server.periodId,
    unitId: u0.id,
    frameworkId: 'spbe-2020',
  });
  const b = await store.assessments.create({
    periodId: server.periodId,
    unitId: u1.id,
    frameworkId: 'spbe-2020',
  });
  return { store, engine, a: a.id, b: b.id, saved, token: () => token };
}

/** Evidence on an indicator; returns its SHA-256. */
async function addPhoto(store: TelusurStore, assessmentId: string, no: number, seed: number) {
  const e = await store.evidence.add({
    assessmentId,
    indicatorNo: no,
    blob: photo(seed),
    name: `foto-${no}.jpg`,
    width: null,
    height: null,
    location: null,
  });
  return e.sha256;
}

/** The store with some of its parts replaced (methods stay bound to the real store). */
function patched(store: SyncStore, parts: Partial<Record<keyof SyncStore, unknown>>): SyncStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(parts, prop)) return parts[prop as keyof SyncStore];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('sync engine: one refused change never holds back the rest', () => {
  it('sends the changes after a refused one, pulls, uploads and checks receipts; the refusal is listed', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    const refusedId = verificationId(t.a, 1);
    server.rejectWhen = (m) =>
      m.id === refusedId
        ? { assessmentId: t.a, unitName: 'Kelurahan Ciwaduk', indicatorNo: 1, field: null }
        : null;
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3, notes: 'SK belum ada' });
    await t.store.verifications.update(t.b, 1, { verifiedLevel: 4 });
    await t.store.verifications.update(t.a, 2, { verifiedLevel: 2 });
    const sha = await addPhoto(t.store, t.b, 1, 1);
    server.remoteEdit('verification', verificationId(t.b, 5), {
      assessmentId: t.b,
      indicatorNo: 5,
      notes: 'dari tablet lain',
    });
    const waiting = await t.store.outbox.count();

    const report = await t.engine.sync();

    const status = t.engine.getStatus();
    expect(status.state).toBe('idle');
    expect(report.rejected).toBe(1);
    expect(await t.store.outbox.count()).toBe(0);
    // Every later change reached the server.
    const got = new Set(server.received.map((m) => m.id));
    expect(got.has(verificationId(t.b, 1))).toBe(true);
    expect(got.has(verificationId(t.a, 2))).toBe(true);
    expect(got.has(refusedId)).toBe(false);
    // The refused change waits, named, in the "Ditolak server" list.
    const rejected = await t.store.rejected.list();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.rejection).toMatchObject({ code: 'not_assigned', indicatorNo: 1 });
    expect(rejected[0]?.mutation.changes).toMatchObject({ notes: 'SK belum ada' });
    expect(status.rejectedChanges).toBe(1);
    // Progress counts every handled change, refused ones included.
    expect(status.progress).toMatchObject({ changesTotal: waiting, changesSent: waiting });
    // Pull, upload and receipts ran.
    expect((await t.store.verifications.get(t.b, 5))?.notes).toBe('dari tablet lain');
    expect(server.held.has(sha)).toBe(true);
    expect(status.receipts[t.b]).toMatchObject({ local: 1, confirmed: 1 });
  });

  it('still pulls, uploads and checks receipts when the push fails with a server problem, and reports it at the end', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3 });
    const sha = await addPhoto(t.store, t.a, 1, 2);
    server.beforePush = () => {
      throw new SyncHttpError(500, 'internal', 'Kesalahan server');
    };
    server.remoteEdit('verification', verificationId(t.b, 2), {
      assessmentId: t.b,
      indicatorNo: 2,
      notes: 'catatan koordinator',
    });

    await expect(t.engine.sync()).rejects.toMatchObject({ status: 500, code: 'internal' });

    const status = t.engine.getStatus();
    expect(status.state).toBe('error');
    expect(status.lastError).toMatchObject({ code: 'internal', source: 'server' });
    expect((await t.store.verifications.get(t.b, 2))?.notes).toBe('catatan koordinator');
    expect(server.held.has(sha)).toBe(true);
    expect(server.calls).toContain('receipt');
    // Nothing was handled, so nothing left the outbox.
    expect(await t.store.outbox.count()).toBeGreaterThan(0);

    server.beforePush = () => null;
    await t.engine.sync();
    expect(await t.store.outbox.count()).toBe(0);
    expect(t.engine.getStatus()).toMatchObject({ state: 'idle', lastError: null });
  });

  it('a server that handles none of the oldest changes is reported (push_stalled) once, not looped; the outbox is kept', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3 });
    server.beforePush = () => ({ appliedThrough: 0, results: [] });

    await expect(t.engine.sync()).rejects.toMatchObject({ code: 'push_stalled' });

    expect(server.pushes).toHaveLength(1);
    expect(t.engine.getStatus().lastError).toMatchObject({ code: 'push_stalled' });
    expect((await t.store.syncLog.read()).entries[0]).toMatchObject({ outcome: 'failed' });
    expect(await t.store.outbox.count()).toBeGreaterThan(0);
  });

  it('fetches the export signing key once for a tablet that has none', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    expect(await t.store.getBundleSecret()).toBeNull();
    await t.engine.sync();
    await t.engine.sync();
    expect(await t.store.getBundleSecret()).toBe(secretFor(t.store.deviceId));
    expect(server.calls.filter((c) => c === 'bundleSecret')).toHaveLength(1);
  });
});

describe('sync engine: a push never grows too large for the server', () => {
  it('sends an outbox of re-signed berita acara in pushes of at most PUSH_BUDGET_BYTES, all delivered', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    const sizes: number[] = [];
    server.beforePush = (req) => {
      sizes.push(JSON.stringify(req).length);
      return null;
    };
    // 24 signatures of ~350 KB each (8 MB): one push of them all would exceed the budget.
    for (let i = 0; i < 24; i++)
      await t.store.beritaAcara.update(i % 2 ? t.a : t.b, {
        verifierSignature: `data:image/png;base64,${String.fromCharCode(65 + (i % 26)).repeat(350_000)}`,
      });
    const queued = await t.store.outbox.count();
    await t.engine.sync();
    expect(await t.store.outbox.count()).toBe(0);
    expect(server.received.length).toBeGreaterThanOrEqual(queued);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(PUSH_BUDGET_BYTES + 1024);
  });
});

describe('sync engine: one device identity or a loud change of it', () => {
  it('takes a fresh identity when the server counts more changes than this tablet made, and sends its changes again under it', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    const old = t.store.deviceId;
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3 });
    await t.store.verifications.update(t.a, 2, { verifiedLevel: 4 });
    const waiting = await t.store.outbox.count();
    // A clone of this tablet already pushed further under the same identity.
    server.beforePush = (req, n) =>
      n === 1 ? { appliedThrough: (req.mutations.at(-1)?.seq ?? 0) + 7 } : null;

    await t.engine.sync();

    const now = t.store.deviceId;
    expect(now).not.toBe(old);
    expect(server.rotations).toBe(1);
    expect(await t.store.outbox.count()).toBe(0);
    // All changes arrived under the new identity, sent with its token.
    const resent = server.received.filter((m) => m.deviceId === now);
    expect(resent).toHaveLength(waiting);
    expect(server.pushes.at(-1)).toMatchObject({ deviceId: now, token: `token-${now}` });
    expect(t.saved).toEqual([`token-${now}`]);
    expect(await t.store.getBundleSecret()).toBe(secretFor(now));
    const change = t.engine.getStatus().identityChanged;
    expect(change).toMatchObject({ from: old, to: now, reason: 'ahead', resent: waiting });
    expect(t.engine.getStatus().state).toBe('idle');

    // After a reload the app can still tell the verifier what happened.
    const reloaded = new SyncEngine(t.store, server.transport(t.token));
    await reloaded.refreshLocal();
    expect(reloaded.getStatus().identityChanged).toEqual(change);
    await reloaded.dismissIdentityChange();
    const again = new SyncEngine(t.store, server.transport(t.token));
    await again.refreshLocal();
    expect(again.getStatus().identityChanged).toBeNull();
  });

  it('on 409 device_seq_reused keeps the outbox, takes a fresh identity and sends every change again', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    const old = t.store.deviceId;
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3, notes: 'asli' });
    await t.store.comments.add({
      assessmentId: t.a,
      indicatorNo: 1,
      body: 'Perlu SK baru',
      author: 'V',
    });
    const waiting = await t.store.outbox.count();
    server.beforePush = (_req, n) => {
      if (n === 1) throw seqReused();
      return null;
    };

    await t.engine.sync();

    const now = t.store.deviceId;
    expect(now).not.toBe(old);
    expect(server.received.filter((m) => m.deviceId === old)).toHaveLength(0);
    expect(server.received.filter((m) => m.deviceId === now)).toHaveLength(waiting);
    expect(await t.store.outbox.count()).toBe(0);
    expect(t.engine.getStatus().identityChanged).toMatchObject({
      from: old,
      to: now,
      reason: 'seq_reused',
    });
  });

  it('rotates at most once per sync: a second signal keeps the outbox and reports it, pull and uploads still run', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3 });
    const sha = await addPhoto(t.store, t.a, 1, 3);
    const waiting = await t.store.outbox.count();
    server.beforePush = () => {
      throw seqReused();
    };

    await expect(t.engine.sync()).rejects.toMatchObject({ code: 'identity_conflict' });

    expect(server.rotations).toBe(1);
    expect(await t.store.outbox.count()).toBe(waiting);
    expect(server.calls).toContain('pull');
    expect(server.held.has(sha)).toBe(true);
    expect(t.engine.getStatus()).toMatchObject({
      state: 'error',
      lastError: { code: 'identity_conflict', source: 'server' },
    });
  });

  it('finishes a rotation cut short (token not yet kept) in the next sync', async () => {
    const server = new FakeServer();
    const store = await tabletStore();
    let token: string | null = server.enrol(store.deviceId);
    let failOnce = true;
    const engine = new SyncEngine(
      store,
      server.transport(() => token),
      {
        saveToken: async (t) => {
          if (failOnce) {
            failOnce = false;
            throw new Error('tab closed');
          }
          token = t;
        },
      },
    );
    const a = await store.assessments.create({
      periodId: server.periodId,
      unitId: server.units[0].id,
      frameworkId: 'spbe-2020',
    });
    await store.verifications.update(a.id, 1, { verifiedLevel: 2 });
    const waiting = await store.outbox.count();
    server.beforePush = (_req, n) => {
      if (n === 1) throw seqReused();
      return null;
    };

    await expect(engine.sync()).rejects.toThrow('tab closed');
    expect(engine.getStatus().state).toBe('error');
    expect(await store.outbox.count()).toBe(waiting);

    await engine.sync();
    expect(server.rotations).toBe(1);
    expect(token).toBe(`token-${store.deviceId}`);
    expect(server.received.filter((m) => m.deviceId === store.deviceId)).toHaveLength(waiting);
    expect(await store.outbox.count()).toBe(0);
  });
});

describe('sync engine: one bad file never stops the others', () => {
  it('names an unreadable, a damaged and a refused file; uploads the others; checks receipts; is not offline', async () => {
    const server = new FakeServer();
    let unreadable = '';
    let damaged = '';
    const t = await tablet(server, {}, (store) =>
      patched(store, {
        blobs: {
          ...store.blobs,
          get: async (sha: string) => {
            if (sha === unreadable)
              throw new DOMException('The requested file could not be read', 'NotReadableError');
            const real = await store.blobs.get(sha);
            if (sha !== damaged || !real) return real;
            const bytes = new Uint8Array(await real.arrayBuffer());
            bytes[100] = (bytes[100] ?? 0) ^ 0xff;
            return new Blob([bytes], { type: real.type });
          },
        },
      }),
    );
    const good = await addPhoto(t.store, t.a, 1, 11);
    unreadable = await addPhoto(t.store, t.a, 2, 12);
    damaged = await addPhoto(t.store, t.a, 3, 13);
    const refused = await addPhoto(t.store, t.a, 4, 14);
    const later = await addPhoto(t.store, t.b, 1, 15);
    server.beforeUpload = (sha) => {
      if (sha === refused)
        throw new SyncHttpError(422, 'hash_mismatch', 'Isi berkas tidak cocok dengan SHA-256');
      return null;
    };

    const report = await t.engine.sync();

    expect([...server.held].sort()).toEqual([good, later].sort());
    const status = t.engine.getStatus();
    expect(status.state).toBe('idle');
    expect(status.lastError).toBeNull();
    expect(report.failedFiles).toBe(3);
    const byIndicator = Object.fromEntries(status.failedFiles.map((f) => [f.indicatorNo, f]));
    expect(byIndicator[2]).toMatchObject({
      sha256: unreadable,
      assessmentId: t.a,
      unitName: 'Kelurahan Ciwaduk',
      name: 'foto-2.jpg',
      source: 'local',
      code: 'blob_unreadable',
    });
    expect(byIndicator[3]).toMatchObject({
      sha256: damaged,
      source: 'local',
      code: 'blob_damaged',
    });
    expect(byIndicator[4]).toMatchObject({
      sha256: refused,
      source: 'server',
      code: 'hash_mismatch',
      message: 'Isi berkas tidak cocok dengan SHA-256',
    });
    expect(status.failedFiles).toHaveLength(3);
    // Receipts were checked: one of four files of unit A is on the server.
    expect(status.receipts[t.a]).toMatchObject({ local: 4, confirmed: 1 });
    expect(status.receipts[t.b]).toMatchObject({ local: 1, confirmed: 1 });
    // The failures are kept on the tablet (the storage page counts them).
    const pending = await t.store.blobs.listPendingUpload();
    expect(pending.find((p) => p.sha256 === refused)?.failure).toMatchObject({
      source: 'server',
      code: 'hash_mismatch',
    });

    // The browser reads the file again and the server takes it: the failure is gone.
    const unreadableSha = unreadable;
    unreadable = '';
    server.beforeUpload = () => null;
    await t.engine.sync();
    expect(server.held.has(unreadableSha)).toBe(true);
    expect(server.held.has(refused)).toBe(true);
    expect(t.engine.getStatus().failedFiles.map((f) => f.indicatorNo)).toEqual([3]);
    expect(
      (await t.store.blobs.listPendingUpload()).find((p) => p.sha256 === refused),
    ).toBeUndefined();
  });
});

describe('sync engine: nothing waits forever', () => {
  const json = (v: unknown) =>
    new Response(JSON.stringify(v), { headers: { 'content-type': 'application/json' } });

  it('a push the server never answers times out: offline, the outbox kept', async () => {
    const store = await tabletStore();
    await store.verifications.update('0190a6f2-5c3e-7b1a-8f00-00000000aaaa', 1, {
      verifiedLevel: 3,
    });
    const server = new FakeServer();
    // Answers the probe and the reference data; every other request hangs and ignores its
    // abort signal (the transport must give up on its own).
    const hanging: FetchLike = async (url) => {
      if (url.endsWith('/api/health')) return json({ ok: true });
      if (url.endsWith('/api/my/assignments')) return json(server.offlinePackage());
      if (url.endsWith('/api/devices/bundle-secret'))
        return json({ deviceId: store.deviceId, bundleSecret: secretFor(store.deviceId) });
      return new Promise<Response>(() => undefined);
    };
    const engine = new SyncEngine(
      store,
      fetchTransport({ token: () => 't', fetch: hanging, timeoutMs: 30 }),
    );
    const waiting = await store.outbox.count();

    await expect(engine.sync()).rejects.toMatchObject({ status: 0, code: 'timeout' });

    expect(engine.getStatus()).toMatchObject({
      state: 'offline',
      lastError: { code: 'timeout', source: 'network' },
    });
    expect(await store.outbox.count()).toBe(waiting);
  });

  it('a health probe that never answers is offline, not a hang', async () => {
    const store = await tabletStore();
    const engine = new SyncEngine(
      store,
      fetchTransport({
        token: () => 't',
        // Honours the abort signal, as browsers' fetch does.
        fetch: (_url, init) =>
          new Promise<Response>((_, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          ),
        healthTimeoutMs: 30,
      }),
    );
    await expect(engine.sync()).rejects.toMatchObject({ status: 0 });
    expect(engine.getStatus().state).toBe('offline');
  });
});

describe('sync engine: what protects the tablet when something fails', () => {
  it('frees space only for files the server receipt lists: an upload that never arrived keeps its photo', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    const arrived = await addPhoto(t.store, t.a, 1, 21);
    const lost = await addPhoto(t.store, t.a, 2, 22);
    const other = await addPhoto(t.store, t.b, 1, 23);
    // The upload of one photo "succeeds" on the tablet but never reaches the server.
    server.beforeUpload = (sha) => (sha === lost ? 'lie' : null);

    await t.engine.sync();

    // The receipt state counts only what the server confirmed.
    expect(t.engine.getStatus().receipts[t.a]).toMatchObject({ local: 2, confirmed: 1 });
    expect(t.engine.getStatus().receipts[t.b]).toMatchObject({ local: 1, confirmed: 1 });

    const { purged } = await t.engine.purgeReceived();

    // Unit B's receipt is complete: its photo's bytes are freed.
    expect(purged).toBe(1);
    expect(await t.store.blobs.get(other)).toBeNull();
    // Unit A's is not: the photo the server never got is still on the tablet (and so is the
    // one it did get, until the receipt covers the whole unit).
    expect(await t.store.blobs.get(lost)).not.toBeNull();
    expect(await t.store.blobs.get(arrived)).not.toBeNull();
  });

  it('moves the pull cursor only after the pulled changes are stored', async () => {
    const server = new FakeServer();
    let failNext = false;
    const t = await tablet(server, {
      testHooks: {
        beforeCommit: (op) => {
          if (op === 'applyRemote' && failNext) {
            failNext = false;
            throw new Error('disk error while saving');
          }
        },
      },
    });
    await t.engine.sync();
    server.remoteEdit('verification', verificationId(t.a, 7), {
      assessmentId: t.a,
      indicatorNo: 7,
      notes: 'suntingan tablet lain',
    });
    failNext = true;

    await expect(t.engine.sync()).rejects.toThrow('disk error while saving');
    // A local failure, not a network one.
    expect(t.engine.getStatus()).toMatchObject({
      state: 'error',
      lastError: { source: 'local' },
    });
    expect(await t.store.verifications.get(t.a, 7)).toBeNull();

    await t.engine.sync();
    expect((await t.store.verifications.get(t.a, 7))?.notes).toBe('suntingan tablet lain');
  });

  it('a withdrawn assignment leaves the list; the unit\u2019s refused work stays on the tablet in its listed refusal', async () => {
    const server = new FakeServer();
    const t = await tablet(server);
    await t.engine.sync();
    expect(await t.store.reference.listAssignments()).toHaveLength(2);
    await t.store.verifications.update(t.a, 3, { verifiedLevel: 4, notes: 'di lapangan' });
    await t.store.verifications.update(t.b, 3, { verifiedLevel: 2 });
    // The coordinator withdraws unit A: it leaves the package, and its changes are refused.
    const [u0, u1] = server.units;
    const full = server.offlinePackage.bind(server);
    server.offlinePackage = () => {
      const p = full();
      return { ...p, assignments: p.assignments.filter((x) => x.unitId !== u0.id) };
    };
    server.rejectWhen = (m) =>
      m.id === verificationId(t.a, 3)
        ? { assessmentId: t.a, unitName: 'Kelurahan Ciwaduk', indicatorNo: 3 }
        : null;

    await t.engine.sync();

    const assignments = await t.store.reference.listAssignments();
    expect(assignments.map((x) => x.unitId)).toEqual([u1.id]);
    // The work stays on the tablet, in the refused change shown under "Ditolak server";
    // the record itself is the server's again (it never had this one).
    const [entry] = await t.store.rejected.list(t.a);
    expect(entry?.mutation.changes).toMatchObject({ verifiedLevel: 4, notes: 'di lapangan' });
    expect(await t.store.verifications.get(t.a, 3)).toBeNull();
    expect(await t.store.rejected.countByAssessment(t.a)).toBe(1);
    expect(server.received.some((m) => m.id === verificationId(t.b, 3))).toBe(true);
  });
});
