import { randomFillSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterAll, beforeAll, describe } from 'vitest';
import { listIndicators, spbe2020 } from '../../src/core';
import { createApp } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import type { Dialect } from '../../src/server/db/database';
import { PEMDA_CODE } from '../../src/server/seed';
import { createServices, type Services } from '../../src/server/services';
import type { StoreOptions, TelusurStore } from '../../src/store';
import { declareSchema, TelusurDb } from '../../src/store/schema';
import {
  type FetchLike,
  fetchTransport,
  SyncEngine,
  type SyncLock,
  type SyncTransport,
  tusUploader,
} from '../../src/sync';
import { openNodeStore } from './node-store';
import {
  type CallOptions,
  type CallResult,
  createServerContext,
  DIALECTS,
  PG_URL,
  requestsTo,
  type ServerContext,
  TEST_CONFIG,
} from './server-context';

/**
 * Sync test harness: a seeded server context plus an app whose services and
 * evidence directory the test owns, fresh verifier teams per test, and tablets — the real
 * store on fake-indexeddb driven by the real SyncEngine.
 */
export interface SyncHarness {
  dialect: Dialect;
  base: ServerContext;
  services: Services;
  app: ReturnType<typeof createApp>;
  blobDir: string;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export async function createSyncHarness(dialect: Dialect): Promise<SyncHarness> {
  const base = await createServerContext(dialect);
  const blobDir = mkdtempSync(join(tmpdir(), 'telusur-sync-test-'));
  const config = resolveConfig(TEST_CONFIG);
  const clock = () => base.clock.now;
  const services = createServices({ db: base.db, clock, config, blobDir });
  const app = createApp({ db: base.db, dialect, clock, config: TEST_CONFIG, services, blobDir });
  const call = requestsTo(app);
  return {
    dialect,
    base,
    services,
    app,
    blobDir,
    call,
    async close() {
      await base.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** Like describeEachDialect, with a sync harness. PostgreSQL only when TELUSUR_PG_URL is set. */
export function describeSync(
  title: string,
  suite: (h: () => SyncHarness, dialect: Dialect) => void,
): void {
  for (const dialect of DIALECTS) {
    // PostgreSQL is optional on a developer machine (test/run.mjs sets TELUSUR_PG_URL when a
    // server answers; CI requires it).
    describe.skipIf(dialect === 'postgres' && !PG_URL)(`${title} [${dialect}]`, () => {
      let h: SyncHarness | undefined;
      beforeAll(async () => {
        h = await createSyncHarness(dialect);
      });
      afterAll(async () => {
        await h?.close();
      });
      suite(() => {
        if (!h) throw new Error('sync harness not ready');
        return h;
      }, dialect);
    });
  }
}

let teamCounter = 0;

export interface Team {
  periodId: string;
  verifiers: { id: string; email: string }[];
  unitIds: string[];
  /** One assessment per unit, in unit order. */
  assessmentIds: string[];
}

/**
 * Fresh verifiers and units (OPD under the demo pemda) with self-assessed levels for the
 * first indicators, every verifier assigned to every unit: a scope no other test touches.
 */
export async function newTeam(
  s: Services,
  base: ServerContext,
  options: { verifiers?: number; units?: number; selfLevels?: number } = {},
): Promise<Team> {
  const n = ++teamCounter;
  const tag = `${n}${Math.random().toString(36).slice(2, 6)}`;
  const periodId = base.demo?.periodId as string;
  const pemda = await base.unitId(PEMDA_CODE);
  const coordinator = await base.accountId('coordinator');
  const verifiers = [];
  for (let i = 0; i < (options.verifiers ?? 2); i++) {
    const email = `v${tag}-${i}@uji.test`;
    const a = await s.accounts.create({ email, name: `Verifikator ${tag}-${i}`, role: 'verifier' });
    verifiers.push({ id: a.id, email });
  }
  const unitIds: string[] = [];
  const indicators = listIndicators(spbe2020).slice(0, options.selfLevels ?? 3);
  for (let i = 0; i < (options.units ?? 1); i++) {
    const u = await s.units.create({
      code: `UJI.${tag}.${i}`,
      name: `Unit uji ${tag}-${i}`,
      kind: 'opd',
      parentId: pemda,
    });
    unitIds.push(u.id);
    await s.selfAssessments.put(
      periodId,
      u.id,
      indicators.map((ind, k) => ({
        indicatorNo: ind.no,
        level: 1 + ((k + i) % 5),
        justification: `Mandiri ${ind.no}`,
      })),
      coordinator,
    );
  }
  for (const v of verifiers) {
    await s.assignments.create({ periodId, verifierId: v.id, unitIds }, coordinator);
  }
  const assignments = await s.assignments.list({ periodId });
  const assessmentIds = unitIds.map(
    (u) => assignments.find((a) => a.unitId === u)?.assessmentId as string,
  );
  return { periodId, verifiers, unitIds, assessmentIds };
}

let storeCounter = 0;

export interface Tablet {
  store: TelusurStore;
  /** The store's current device identity (it changes when the tablet rotates it). */
  readonly deviceId: string;
  /** The current device token (the engine of tabletEngine keeps a rotated one here). */
  token: string;
  label: string;
}

/** A tablet store on fake-indexeddb (unique name), enrolled for a verifier under the identity the server issued. */
export async function enrolTablet(
  call: SyncHarness['call'],
  coordinatorToken: string,
  verifierId: string,
  label = 'Tablet uji',
  /** Passed on to openStore (e.g. testHooks). */
  storeOptions: StoreOptions = {},
): Promise<Tablet> {
  storeCounter++;
  const store = await openNodeStore(
    `sync-${storeCounter}-${Math.random().toString(36).slice(2, 8)}`,
    storeOptions,
  );
  const e = await call('POST', `/api/verifiers/${verifierId}/enrolments`, {
    token: coordinatorToken,
  });
  if (e.status !== 201) throw new Error(`enrolment code: ${e.status} ${e.text}`);
  const d = await call('POST', '/api/devices/enrol', {
    json: { code: e.body.code, label, deviceId: store.deviceId },
  });
  if (d.status !== 201) throw new Error(`enrol: ${d.status} ${d.text}`);
  // Enrolment: the server issues a fresh identity; the tablet adopts it and its bundle secret.
  await store.adoptIdentity(d.body.device.id);
  await store.setBundleSecret(d.body.bundleSecret);
  return {
    store,
    get deviceId() {
      return store.deviceId;
    },
    token: d.body.token,
    label,
  };
}

let clones = 0;

/**
 * A byte-for-byte copy of a tablet's database under a new name, with the same token: what a
 * browser profile copied onto a second tablet (or restored from an old backup) holds — the
 * same device identity and sequence, which the server must tell apart.
 */
export async function cloneTablet(t: Tablet): Promise<Tablet> {
  const name = `${t.store.name}-clone-${++clones}`;
  const src = new TelusurDb(t.store.name, { indexedDB, IDBKeyRange });
  const dst = new TelusurDb(name, { indexedDB, IDBKeyRange });
  declareSchema(src);
  declareSchema(dst);
  await Promise.all([src.open(), dst.open()]);
  for (const table of src.tables) await dst.table(table.name).bulkPut(await table.toArray());
  src.close();
  dst.close();
  const store = await openNodeStore(name);
  return {
    store,
    get deviceId() {
      return store.deviceId;
    },
    token: t.token,
    label: `${t.label} (salinan)`,
  };
}

/** fetch into the in-process app (no network). */
export function appFetch(app: {
  request(url: string, init?: RequestInit): Response | Promise<Response>;
}): FetchLike {
  return async (url, init) => app.request(url, init);
}

export interface Faults {
  /** Request never reaches the server. */
  fail: number;
  /** The server handles it; the answer is lost on the way back. */
  dropResponse: number;
  /** The request reaches the server twice. */
  duplicate: number;
}

export interface FaultStats {
  calls: number;
  failed: number;
  dropped: number;
  duplicated: number;
}

/** A fetch that loses requests and answers and sends requests twice, by a seeded RNG. */
export function flakyFetch(
  inner: FetchLike,
  rng: () => number,
  faults: () => Faults,
): FetchLike & { stats: FaultStats } {
  const stats: FaultStats = { calls: 0, failed: 0, dropped: 0, duplicated: 0 };
  const f = (async (url: string, init?: RequestInit) => {
    stats.calls++;
    const p = faults();
    const r = rng();
    if (r < p.fail) {
      stats.failed++;
      throw new TypeError('fetch failed (injected: request lost)');
    }
    if (r < p.fail + p.dropResponse) {
      stats.dropped++;
      const res = await inner(url, init);
      await res.arrayBuffer();
      throw new TypeError('fetch failed (injected: response lost)');
    }
    if (r < p.fail + p.dropResponse + p.duplicate) {
      stats.duplicated++;
      const first = await inner(url, init);
      await first.arrayBuffer();
      return inner(url, init);
    }
    return inner(url, init);
  }) as FetchLike & { stats: FaultStats };
  f.stats = stats;
  return f;
}

/** A transport that forwards only a random prefix of each push: random batch boundaries. */
export function splittingTransport(t: SyncTransport, rng: () => number): SyncTransport {
  return {
    ...t,
    push: (req) => {
      const n = 1 + Math.floor(rng() * req.mutations.length);
      return t.push({ ...req, mutations: req.mutations.slice(0, n) });
    },
  };
}

/** The real engine over fetch to `baseUrl` (default: in-process paths). */
export function tabletEngine(
  tablet: Tablet,
  fetch: FetchLike,
  options: {
    baseUrl?: string;
    split?: () => number;
    uploads?: boolean;
    retryDelays?: number[];
    /** The tablet's clock (default Date.now). */
    now?: () => number;
    /** The sync lock (SyncEngineOptions.lock); default none. */
    lock?: SyncLock | null;
  } = {},
): SyncEngine {
  const baseUrl = options.baseUrl ?? '';
  let transport = fetchTransport({
    baseUrl,
    token: () => tablet.token,
    fetch,
    ...(options.uploads
      ? {
          uploader: tusUploader({
            endpoint: `${baseUrl}/api/files/`,
            token: () => tablet.token,
            chunkSize: 64 * 1024,
            retryDelays: options.retryDelays ?? [0, 50, 100, 200, 400],
            source: async (blob) => Buffer.from(await blob.arrayBuffer()),
          }),
        }
      : {}),
  });
  if (options.split) transport = splittingTransport(transport, options.split);
  return new SyncEngine(tablet.store, transport, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.lock ? { lock: options.lock } : {}),
    saveToken: async (token) => {
      tablet.token = token;
    },
  });
}

/** Deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sync until it succeeds (faults may make a run fail), at most `tries` times. */
export async function syncHard(engine: SyncEngine, tries = 20): Promise<void> {
  let last: unknown = null;
  for (let i = 0; i < tries; i++) {
    try {
      await engine.sync();
      return;
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/**
 * The harness's app on a real socket (127.0.0.1, a free port): for tus-js-client's Node build
 * and the fault-injecting proxy, which need one. `close` stops accepting connections.
 */
export async function listenHttp(h: Pick<SyncHarness, 'app'>) {
  const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `call` against a server over HTTP: the in-process requests, sent with fetch. */
export function httpCall(baseUrl: string): SyncHarness['call'] {
  return requestsTo({ request: (path, init) => fetch(`${baseUrl}${path}`, init) });
}

/** A photo-sized payload with a JPEG signature (random content, so every photo is distinct). */
export function photoBytes(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(new ArrayBuffer(size));
  randomFillSync(b);
  b[0] = 0xff;
  b[1] = 0xd8;
  return b;
}
