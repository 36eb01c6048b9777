import { createHash } from 'node:crypto';
import * as tus from 'tus-js-client';
import { afterEach, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import {
  type FetchLike,
  fetchTransport,
  SyncEngine,
  type SyncTransport,
  tusUploader,
} from '../../../src/sync';
import { TEST_CONFIG } from '../../helpers/server-context';
import {
  describeSync,
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  type SyncHarness,
  type Tablet,
} from '../../helpers/sync-harness';

/**
 * Fewer round trips for a tablet on a slow link, against the real server over HTTP: a
 * photo goes up in one request (tus creation-with-upload), several photos are in flight at
 * once (within the tablet's staging quota), and an unchanged offline package is not
 * downloaded again (conditional GET). Every file is still checked against its hash, and
 * the receipt confirms it.
 */

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Seen {
  method: string;
  status: number;
  code?: string;
}

/** tus-js-client's Node HTTP stack, recording each request's method and answer. */
function recordingStack(seen: Seen[], delayPatchMs = 0): tus.HttpStack {
  const inner = tus.defaultOptions.httpStack;
  return {
    getName: () => 'recording',
    createRequest(method, url) {
      const req = inner.createRequest(method, url);
      return {
        getMethod: () => req.getMethod(),
        getURL: () => req.getURL(),
        setHeader: (h, v) => req.setHeader(h, v),
        getHeader: (h) => req.getHeader(h),
        setProgressHandler: (fn) => req.setProgressHandler(fn),
        abort: () => req.abort(),
        getUnderlyingObject: () => req.getUnderlyingObject(),
        async send(body) {
          if (method === 'PATCH' && delayPatchMs > 0)
            await new Promise((r) => setTimeout(r, delayPatchMs));
          const res = await req.send(body);
          let code: string | undefined;
          try {
            code = (JSON.parse(res.getBody() ?? '') as { code?: string }).code;
          } catch {
            // A tus answer without a problem body.
          }
          seen.push({ method, status: res.getStatus(), ...(code ? { code } : {}) });
          return res;
        },
      };
    },
  };
}

/** The real engine over HTTP with the app's tus uploader; counts the uploads in flight. */
function engineFor(
  t: Tablet,
  baseUrl: string,
  o: {
    seen?: Seen[];
    delayPatchMs?: number;
    chunkSize?: number;
    concurrency?: number;
    fetch?: FetchLike;
    inFlight?: { now: number; max: number };
  } = {},
): SyncEngine {
  const token = () => t.token;
  const upload = tusUploader({
    endpoint: `${baseUrl}/api/files/`,
    token,
    ...(o.chunkSize ? { chunkSize: o.chunkSize } : {}),
    retryDelays: [0, 50],
    httpStack: recordingStack(o.seen ?? [], o.delayPatchMs),
    source: async (blob) => Buffer.from(await blob.arrayBuffer()),
  });
  const transport: SyncTransport = fetchTransport({
    baseUrl,
    token,
    fetch: o.fetch ?? ((url, init) => fetch(url, init)),
    uploader: async (file, progress) => {
      const n = o.inFlight;
      if (n) n.max = Math.max(n.max, ++n.now);
      try {
        await upload(file, progress);
      } finally {
        if (n) n.now--;
      }
    },
  });
  return new SyncEngine(t.store, transport, {
    ...(o.concurrency ? { uploadConcurrency: o.concurrency } : {}),
    saveToken: async (next) => {
      t.token = next;
    },
  });
}

async function addPhoto(t: Tablet, assessmentId: string, no: number, bytes: Uint8Array) {
  const e = await t.store.evidence.add({
    assessmentId,
    indicatorNo: no,
    blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }),
    name: `foto-${no}.jpg`,
    width: null,
    height: null,
    location: null,
  });
  return e.sha256;
}

async function oneTablet(h: SyncHarness) {
  const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
  const t = await enrolTablet(
    h.call,
    await h.base.login('coordinator'),
    team.verifiers[0]?.id as string,
  );
  return { t, team, a: team.assessmentIds[0] as string };
}

describeSync('tablet sync with fewer round trips', (ctx) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });
  async function listen(h: Pick<SyncHarness, 'app'>) {
    const l = await listenHttp(h);
    closers.push(l.close);
    return l.baseUrl;
  }

  it('sends a photo within one chunk in ONE request (the POST carries it), checked by its hash; damaged bytes are refused', async () => {
    const h = ctx();
    const { t, a } = await oneTablet(h);
    const baseUrl = await listen(h);
    const seen: Seen[] = [];
    const engine = engineFor(t, baseUrl, { seen });
    await engine.sync();
    const bytes = photoBytes(40_000);
    const hash = await addPhoto(t, a, 1, bytes);
    const report = await engine.sync();
    expect(report.uploaded).toBe(1);
    expect(seen).toEqual([{ method: 'POST', status: 201 }]);
    expect(await h.services.files.held(hash)).toMatchObject({
      bytes: 40_000,
      receivedByDevice: t.deviceId,
    });
    expect(engine.getStatus().receipts[a]).toMatchObject({ local: 1, confirmed: 1 });

    // The same single POST with bytes that do not match the declared hash: refused (422
    // hash_mismatch), nothing kept under that hash.
    const good = photoBytes(30_000);
    const damaged = Buffer.from(good);
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;
    const refused: Seen[] = [];
    const send = tusUploader({
      endpoint: `${baseUrl}/api/files/`,
      token: () => t.token,
      retryDelays: [],
      httpStack: recordingStack(refused),
      source: async () => damaged,
    });
    await expect(
      send({ sha256: sha(good), blob: new Blob([good]), mime: 'image/jpeg' }),
    ).rejects.toMatchObject({ status: 422, code: 'hash_mismatch' });
    expect(refused).toEqual([{ method: 'POST', status: 422, code: 'hash_mismatch' }]);
    expect(await h.services.files.held(sha(good))).toBeNull();
  });

  it('has 3 photos in flight at once and all are confirmed by the receipt', async () => {
    const h = ctx();
    const { t, a } = await oneTablet(h);
    const baseUrl = await listen(h);
    const inFlight = { now: 0, max: 0 };
    // Several chunks per photo, each PATCH a little slow: uploads overlap for certain.
    const engine = engineFor(t, baseUrl, { inFlight, chunkSize: 16 * 1024, delayPatchMs: 30 });
    await engine.sync();
    const hashes: string[] = [];
    for (let i = 1; i <= 7; i++) hashes.push(await addPhoto(t, a, i, photoBytes(40_000 + i)));
    const report = await engine.sync();
    expect(report.uploaded).toBe(7);
    expect(inFlight.max).toBe(3);
    for (const hash of hashes) expect(await h.services.files.held(hash)).not.toBeNull();
    expect(engine.getStatus().receipts[a]).toMatchObject({ local: 7, confirmed: 7 });
    expect(await t.store.blobs.listPendingUpload()).toEqual([]);
  });

  it("keeps within the tablet's staging quota with several in flight: a photo refused for the quota goes again after the others, none is marked failed", async () => {
    const h = ctx();
    // An app whose per-tablet quota holds two of these photos open, not three.
    const quota = createApp({
      db: h.base.db,
      dialect: h.dialect,
      clock: () => h.base.clock.now,
      config: {
        ...TEST_CONFIG,
        files: { ...DEFAULT_CONFIG.files, maxOpenBytesPerDevice: 100 * 1024 },
      },
      services: h.services,
      blobDir: h.blobDir,
    });
    const { t, a } = await oneTablet(h);
    const baseUrl = await listen({ app: quota });
    const seen: Seen[] = [];
    const engine = engineFor(t, baseUrl, { seen, chunkSize: 16 * 1024, delayPatchMs: 100 });
    await engine.sync();
    const hashes: string[] = [];
    for (let i = 1; i <= 5; i++) hashes.push(await addPhoto(t, a, i, photoBytes(40 * 1024 + i)));
    const report = await engine.sync();
    // The quota did refuse a photo while two were open…
    expect(seen.filter((s) => s.code === 'upload_quota').length).toBeGreaterThan(0);
    // …and yet every photo is on the server, confirmed, none failed, the sync ended well.
    expect(report).toMatchObject({ uploaded: 5, failedFiles: 0 });
    for (const hash of hashes) expect(await h.services.files.held(hash)).not.toBeNull();
    expect(engine.getStatus().failedFiles).toEqual([]);
    expect(engine.getStatus().receipts[a]).toMatchObject({ local: 5, confirmed: 5 });
  });

  it('does not download an unchanged offline package again (304); a coordinator edit in between is fetched', async () => {
    const h = ctx();
    const { t, team } = await oneTablet(h);
    const baseUrl = await listen(h);
    const answers: number[] = [];
    const engine = engineFor(t, baseUrl, {
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        if (url.includes('/api/my/assignments')) answers.push(res.status);
        return res;
      },
    });
    await engine.sync();
    const unitId = team.unitIds[0] as string;
    const before = {
      units: await t.store.reference.listUnits(),
      assignments: await t.store.reference.listAssignments(),
    };
    expect(before.units.find((u) => u.id === unitId)?.name).toMatch(/^Unit uji/);

    await engine.sync();
    await engine.sync();
    expect(answers).toEqual([200, 304, 304]);
    // The tablet's package is as it was.
    expect(await t.store.reference.listUnits()).toEqual(before.units);
    expect(await t.store.reference.listAssignments()).toEqual(before.assignments);
    expect(engine.getStatus().lastError).toBeNull();

    // The coordinator renames the unit: the next sync fetches the package in full.
    await h.services.units.update(unitId, { name: 'Dinas Komunikasi dan Informatika' });
    await engine.sync();
    expect(answers).toEqual([200, 304, 304, 200]);
    expect((await t.store.reference.listUnits()).find((u) => u.id === unitId)?.name).toBe(
      'Dinas Komunikasi dan Informatika',
    );
    await engine.sync();
    expect(answers).toEqual([200, 304, 304, 200, 304]);
  });
});
