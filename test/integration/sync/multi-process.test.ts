import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config';
import { openDatabase } from '../../../src/server/db/connect';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, PEMDA_CODE } from '../../../src/server/seed';
import { createServices } from '../../../src/server/services';
import type { SyncEngine } from '../../../src/sync';
import { type RoundRobinProxy, startRoundRobinProxy } from '../../helpers/round-robin-proxy';
import { type S3rverHandle, startS3rver } from '../../helpers/s3rver';
import { PG_URL, TEST_CONFIG } from '../../helpers/server-context';
import {
  enrolTablet,
  httpCall,
  photoBytes,
  seededRandom,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import { checkExactlyOnce, IssuedLog, soakReport } from '../../helpers/sync-invariants';
import {
  freePort,
  killHard,
  type ServerProcess,
  startServerProcess,
  stopGently,
} from '../../helpers/sync-process';

/**
 * Past one machine (issue 19): PROCESSES real server processes (`node --import tsx
 * src/server/main.ts`) on ONE PostgreSQL schema, started at the same moment on the empty
 * schema (the start-up lock), behind a round-robin proxy without sticky sessions. Verified
 * evidence lives in an S3-API server running as its own process (s3rver, FILES_STORE=s3);
 * each process has a local disk of its own. tus uploads stage in one directory every process
 * shares (UPLOAD_STAGING=file): s3rver lacks ListParts, AbortMultipartUpload and
 * ListMultipartUploads, which the tus S3 store needs, so S3 staging cannot run against it —
 * a shared directory is the closest real alternative.
 * Several real tablet engines (the project's store on fake-indexeddb, the real SyncEngine,
 * tus-js-client uploads) edit, photograph, push, pull, upload and free received photos
 * through the proxy while one process is killed with SIGKILL and restarted.
 *
 * Afterwards: 0 changes lost and 0 applied twice (checked in the database); every file any
 * receipt listed downloads from EVERY process directly, its SHA-256 verified; the tablets
 * freed only files a receipt listed; no finished upload left in staging and nothing but
 * evidence objects in the bucket (no staging or probe keys); and at least one
 * upload was created on one process and finished on another (the proxy's log).
 *
 * Quick size in `npm test`; `npm run soak` sets TELUSUR_MP_* for the full size.
 */
const num = (name: string, quick: number) => Number(process.env[name] ?? quick);
const PROCESSES = num('TELUSUR_MP_PROCESSES', 3);
/** Tablets; every three share one unit (so they pull each other's edits and photos). */
const TABLETS = num('TELUSUR_MP_TABLETS', 3);
const ROUNDS = num('TELUSUR_MP_ROUNDS', 6);
/** Edits per tablet per round. */
const EDITS = num('TELUSUR_MP_EDITS', 3);
/** A photo when (round + tablet index) % PHOTO_EVERY === 0. */
const PHOTO_EVERY = num('TELUSUR_MP_PHOTO_EVERY', 1);
/** kill -9 of a process (each a different one, in turn), spread over the rounds. */
const KILLS = num('TELUSUR_MP_KILLS', 1);
const TIMEOUT = num('TELUSUR_MP_TIMEOUT_MS', 120_000);

/** Sleep. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files of the shared staging directory that a finished upload left behind (must be none). */
function finishedInStaging(dir: string): { finished: string[]; unfinished: number } {
  const finished: string[] = [];
  let unfinished = 0;
  if (!existsSync(dir)) return { finished, unfinished };
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    let size: number | undefined;
    try {
      size = (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { size?: number }).size;
    } catch {
      // Half-written by a killed process: an abandoned upload, not a finished one.
    }
    const data = join(dir, id);
    const held = existsSync(data) ? statSync(data).size : -1;
    if (size !== undefined && held === size) finished.push(id);
    else unfinished++;
  }
  return { finished, unfinished };
}

// PostgreSQL only (several processes on one SQLite file is not a supported layout): skipped
// on a developer machine without it; test/run.mjs fails the run in CI when it is missing.
describe.skipIf(!PG_URL)('several server processes behind a round-robin proxy [postgres]', () => {
  let root: string | null = null;
  const schema = `mp_${randomBytes(5).toString('hex')}`;
  const admin = PG_URL ? new pg.Pool({ connectionString: PG_URL, max: 1 }) : null;
  const servers: (ServerProcess | null)[] = [];
  let proxy: RoundRobinProxy | null = null;
  let s3: S3rverHandle | null = null;

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(servers.map((s) => (s ? stopGently(s).catch(() => undefined) : undefined)));
    await s3?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  it(
    'loses nothing, doubles nothing, and every process serves every received file',
    async () => {
      const started = performance.now();
      const dir = mkdtempSync(join(tmpdir(), 'telusur-multi-'));
      root = dir;
      await admin?.query(`CREATE SCHEMA ${schema}`);
      const dbUrl = new URL(PG_URL as string);
      dbUrl.searchParams.set('options', `-c search_path=${schema}`);
      const staging = join(dir, 'staging');
      mkdirSync(staging);
      s3 = await startS3rver({ bucket: 'telusur-multi' });
      const s3env = s3.env;
      const ports: number[] = [];
      for (let i = 0; i < PROCESSES; i++) ports.push(await freePort());
      const envOf = (i: number): Record<string, string> => ({
        DATABASE_URL: dbUrl.toString(),
        DATA_DIR: join(dir, `data-${i}`),
        NODE_ENV: 'development',
        STATIC_DIR: join(dir, 'no-pwa'),
        TRUST_PROXY: '1',
        LOG_LEVEL: 'warn',
        ...s3env,
        UPLOAD_STAGING: 'file',
        UPLOAD_STAGING_DIR: staging,
      });

      // All processes at once on the empty schema: migrations, built-in instruments and the
      // demo seed must be serialised by the start-up lock (else 2 of 3 crash).
      const startedAll = performance.now();
      const first = await Promise.allSettled(
        ports.map((port, i) => startServerProcess(envOf(i), port, 90_000)),
      );
      for (const r of first) servers.push(r.status === 'fulfilled' ? r.value : null);
      const startFailures = first
        .map((r, i) =>
          // The end of what the process printed says why it stopped.
          r.status === 'rejected' ? `process ${i}: ${String(r.reason).slice(-1500)}` : null,
        )
        .filter((x) => x !== null);
      expect(startFailures, 'every process starts on the empty schema').toEqual([]);
      const startSeconds = (performance.now() - startedAll) / 1000;

      /** Armed before a kill: the PATCH to the victim waits until the victim is dead. */
      let killWhenPatching: ((backend: number) => undefined | Promise<void>) | null = null;
      proxy = await startRoundRobinProxy(ports, (r) =>
        r.method === 'PATCH' && r.path.startsWith('/api/files/')
          ? killWhenPatching?.(r.backend)
          : undefined,
      );
      const call = httpCall(proxy.url);
      const login = await call('POST', '/api/auth/login', {
        json: { email: DEMO_ACCOUNTS[0].email, password: DEMO_PASSWORD },
      });
      expect(login.status, login.text).toBe(200);
      const coordinator = login.body.token as string;

      // Verifiers, units and assignments straight in the database (the processes read them
      // from there): one unit per three tablets, one verifier per tablet.
      const prepared = openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
      const verifierIds: string[] = [];
      const assessmentOf: string[] = [];
      try {
        const s = createServices({
          db: prepared.db,
          clock: Date.now,
          config: resolveConfig(TEST_CONFIG),
        });
        const coordId = (await s.accounts.listAll()).find((a) => a.email === DEMO_ACCOUNTS[0].email)
          ?.id as string;
        const pemda = (await s.units.tree()).find((u) => u.code === PEMDA_CODE)?.id as string;
        const period = await s.periods.create({
          name: 'Evaluasi banyak proses',
          year: 2026,
          frameworkId: 'spbe-2020',
          targetIndex: 3,
          status: 'active',
        });
        for (let u = 0; u * 3 < TABLETS; u++) {
          const unit = await s.units.create({
            code: `MP.${u}`,
            name: `Unit banyak proses ${u}`,
            kind: 'opd',
            parentId: pemda,
          });
          const ids: string[] = [];
          for (let k = 0; k < 3 && verifierIds.length < TABLETS; k++) {
            const v = await s.accounts.create({
              email: `v${u}-${k}@multi.test`,
              name: `Verifikator ${u}-${k}`,
              role: 'verifier',
            });
            verifierIds.push(v.id);
            ids.push(v.id);
          }
          for (const id of ids)
            await s.assignments.create(
              { periodId: period.id, verifierId: id, unitIds: [unit.id] },
              coordId,
            );
          const a = (await s.assignments.list({ periodId: period.id })).find(
            (x) => x.unitId === unit.id,
          )?.assessmentId as string;
          for (const _ of ids) assessmentOf.push(a);
        }
      } finally {
        await prepared.close();
      }

      // Tablets enrol through the proxy: the code is issued by one process, redeemed on another.
      const tablets: Tablet[] = [];
      for (const [i, v] of verifierIds.entries())
        tablets.push(await enrolTablet(call, coordinator, v, `Tablet ${i + 1}`));
      const stores = tablets.map((t) => t.store);
      /** Every hash any receipt the tablets read listed. */
      const receiptListed = new Set<string>();
      /** The highest seq the server acknowledged per tablet (appliedThrough of a 200 to a push). */
      const ackedThrough = tablets.map(() => 0);
      let pushes = 0;
      const watching = async (i: number, u: string, init?: RequestInit): Promise<Response> => {
        const res = await fetch(u, init);
        if (u.endsWith('/api/sync/push')) {
          pushes++;
          if (res.status === 200) {
            const b = (await res.clone().json()) as { appliedThrough?: number };
            ackedThrough[i] = Math.max(ackedThrough[i] ?? 0, Number(b.appliedThrough ?? 0));
          }
        }
        if (u.includes('/api/sync/receipt/') && res.status === 200) {
          const b = (await res.clone().json()) as { hashes?: string[] };
          for (const h of b.hashes ?? []) receiptListed.add(h);
        }
        return res;
      };
      const engines: SyncEngine[] = tablets.map((t, i) =>
        tabletEngine(t, (u, init) => watching(i, u, init), {
          baseUrl: proxy?.url as string,
          uploads: true,
        }),
      );
      for (const e of engines) await syncHard(e);

      const rng = seededRandom(1919);
      const issued = new IssuedLog();
      /** Photos each tablet took (its own), by hash. */
      const own: Set<string>[] = tablets.map(() => new Set());
      let photoBytesSent = 0;
      let kills = 0;
      /** Kills that hit a tus PATCH in flight (the others came after 2 s without one). */
      let killsMidUpload = 0;
      let purged = 0;
      const restarts: Promise<void>[] = [];
      const killRounds = new Set(
        Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) * ROUNDS) / (KILLS + 1))),
      );
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, t] of tablets.entries()) {
          const a = assessmentOf[i] as string;
          for (let k = 0; k < EDITS; k++) {
            await t.store.verifications.update(a, 1 + Math.floor(rng() * 6), {
              verifiedLevel: 1 + Math.floor(rng() * 5),
              notes: `catatan ${round}-${i}-${k}`,
            });
          }
          if ((round + i) % PHOTO_EVERY === 0) {
            const bytes = photoBytes(100_000 + Math.floor(rng() * 200_000));
            photoBytesSent += bytes.length;
            const f = await t.store.evidence.add({
              assessmentId: a,
              indicatorNo: 1 + Math.floor(rng() * 6),
              blob: new Blob([bytes], { type: 'image/jpeg' }),
              name: `foto-${round}-${i}.jpg`,
              width: 1024,
              height: 768,
              location: null,
            });
            own[i]?.add(f.sha256);
          }
        }
        await issued.collect(stores);
        if (killRounds.has(round)) {
          // SIGKILL while this round's uploads run: when a tus PATCH has reached the victim
          // (its connection accepted, the chunk held until the victim is dead), or after 2 s
          // at the latest. It comes back on the same port a little later, as a service
          // manager would restart it.
          const victim = kills % PROCESSES;
          kills++;
          restarts.push(
            (async () => {
              let dead: () => void = () => undefined;
              const killed = new Promise<void>((r) => {
                dead = r;
              });
              await new Promise<void>((resolve) => {
                const late = setTimeout(resolve, 2000);
                killWhenPatching = (backend) => {
                  if (backend !== victim) return undefined;
                  killWhenPatching = null;
                  clearTimeout(late);
                  killsMidUpload++;
                  resolve();
                  return killed;
                };
              });
              killWhenPatching = null;
              await killHard(servers[victim] as ServerProcess);
              dead();
              servers[victim] = null;
              await pause(500);
              servers[victim] = await startServerProcess(envOf(victim), ports[victim] as number);
            })(),
          );
        }
        await Promise.all(engines.map((e) => e.sync().catch(() => undefined)));
        for (const e of engines)
          purged += (await e.purgeReceived().catch(() => ({ purged: 0 }))).purged;
      }
      await Promise.all(restarts);
      await issued.collect(stores);
      for (let r = 0; r < 2; r++) for (const e of engines) await syncHard(e);
      for (const e of engines) purged += (await e.purgeReceived()).purged;

      // ---- checks ---------------------------------------------------------------------
      const live = servers.filter((s): s is ServerProcess => s !== null);
      expect(live.length).toBe(PROCESSES);
      const db = openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
      let c: Awaited<ReturnType<typeof checkExactlyOnce>>;
      try {
        c = await checkExactlyOnce(db.db, stores, issued);
      } finally {
        await db.close();
      }
      const ackedOf = new Map(tablets.map((t, i) => [t.deviceId, ackedThrough[i] ?? 0]));
      const lostAcknowledged = c.unaccounted.filter((k) => {
        const [device, seq] = k.split(':');
        return Number(seq) <= (ackedOf.get(device as string) ?? 0);
      }).length;

      // Final receipts: every photo every tablet took is listed for its unit.
      const allPhotos = new Set(own.flatMap((s) => [...s]));
      const finalListed = new Set<string>();
      for (const a of new Set(assessmentOf)) {
        const r = await call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
        expect(r.status).toBe(200);
        for (const h of r.body.hashes as string[]) {
          finalListed.add(h);
          receiptListed.add(h);
        }
      }
      const missingOnReceipt = [...allPhotos].filter((h) => !finalListed.has(h));

      // What the tablets freed: own photos whose bytes are gone from the tablet.
      const freed: string[] = [];
      for (const [i, t] of tablets.entries())
        for (const h of own[i] ?? []) if (!(await t.store.blobs.has(h))) freed.push(h);
      const freedUnlisted = freed.filter((h) => !receiptListed.has(h));

      // Every receipt-listed file, from every process directly (not through the proxy).
      let downloads = 0;
      const badDownloads: string[] = [];
      for (const s of live) {
        for (const h of receiptListed) {
          const res = await fetch(`${s.url}/api/files/by-hash/${h}`, {
            headers: { authorization: `Bearer ${coordinator}` },
          });
          const bytes = Buffer.from(await res.arrayBuffer());
          if (res.status === 200 && createHash('sha256').update(bytes).digest('hex') === h)
            downloads++;
          else badDownloads.push(`${s.url} ${h.slice(0, 12)}: ${res.status}`);
        }
      }

      // What a load balancer asks: every process is ready (database, bucket, staging). Its
      // bucket probe must leave no object behind either (checked below).
      const notReady: string[] = [];
      for (const s of live) {
        const r = await fetch(`${s.url}/api/ready`);
        if (r.status !== 200) notReady.push(`${s.url}: ${r.status} ${await r.text()}`);
      }
      // No evidence on any process's own disk: the bucket is the only copy the server keeps.
      const onLocalDisk = (from: string): string[] =>
        existsSync(from)
          ? readdirSync(from, { recursive: true, encoding: 'utf8' }).filter((f) =>
              /(^|\/)[0-9a-f]{64}$/.test(f),
            )
          : [];
      const localEvidence = ports.flatMap((_, i) => onLocalDisk(join(dir, `data-${i}`)));

      const left = finishedInStaging(staging);
      // The bucket: one object per received file under evidence/, nothing else.
      const keys = await s3.listKeys();
      const evidenceKey = /^evidence\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
      const otherKeys = keys.filter((k) => {
        const m = evidenceKey.exec(k);
        return !m?.[2]?.startsWith(m[1] as string);
      });
      const inBucket = new Set(keys.map((k) => evidenceKey.exec(k)?.[2]).filter(Boolean));
      const unreceived = [...inBucket].filter((h) => !allPhotos.has(h as string));

      // An upload created on one process and finished on another (the proxy's log).
      const log = proxy.log;
      const created = log.filter((r) => r.method === 'POST' && r.status === 201 && r.location);
      let crossProcess = 0;
      let resumedAfterKill = 0;
      for (const p of created) {
        const id = (p.location as string).split('/').pop() as string;
        const last = log.find(
          (r) =>
            r.method === 'PATCH' &&
            r.path.endsWith(`/${id}`) &&
            r.status === 204 &&
            r.uploadOffset === p.uploadLength,
        );
        if (last && last.backend !== p.backend) crossProcess++;
        // An upload a kill interrupted (a PATCH the proxy could not complete) that finished.
        if (
          last &&
          log.some((r) => r.method === 'PATCH' && r.path.endsWith(`/${id}`) && r.status === 502)
        )
          resumedAfterKill++;
      }
      const perBackend = ports.map((_, i) => log.filter((r) => r.backend === i).length);
      const skipped = log.filter((r) => r.skipped.length > 0).length;
      const failedAtProxy = log.filter((r) => r.status === 502).length;

      const figures = {
        processes: PROCESSES,
        tablets: TABLETS,
        rounds: ROUNDS,
        startSeconds,
        mutations: c.mutations,
        acknowledged: ackedThrough.reduce((a, b) => a + b, 0),
        pushes,
        lostAcknowledged,
        lost: c.unaccounted.length + c.undelivered.length + c.cursorMismatch.length,
        duplicated: c.duplicated.length,
        conflicts: c.conflicts,
        photos: allPhotos.size,
        photoBytes: photoBytesSent,
        missingOnReceipt: missingOnReceipt.length,
        receiptListed: receiptListed.size,
        downloadsVerified: downloads,
        downloadsExpected: receiptListed.size * live.length,
        freed: freed.length,
        freedUnlisted: freedUnlisted.length,
        purged,
        stagingFinishedLeft: left.finished.length,
        stagingAbandoned: left.unfinished,
        filesStore: 's3rver (own process, FILES_STORE=s3), staging in a shared directory',
        evidenceKeys: inBucket.size,
        bucketOtherKeys: otherKeys.length,
        localEvidenceFiles: localEvidence.length,
        notReady: notReady.length,
        uploadsCreated: created.length,
        uploadsFinishedElsewhere: crossProcess,
        uploadsResumedAfterKill: resumedAfterKill,
        kills,
        killsMidUpload,
        requests: log.length,
        requestsPerProcess: perBackend,
        requestsRerouted: skipped,
        requestsFailedAtProxy: failedAtProxy,
        seconds: (performance.now() - started) / 1000,
      };
      const met =
        lostAcknowledged === 0 &&
        figures.lost === 0 &&
        figures.duplicated === 0 &&
        missingOnReceipt.length === 0 &&
        badDownloads.length === 0 &&
        freedUnlisted.length === 0 &&
        left.finished.length === 0 &&
        otherKeys.length === 0 &&
        localEvidence.length === 0 &&
        notReady.length === 0 &&
        inBucket.size === allPhotos.size &&
        crossProcess > 0 &&
        (killsMidUpload === 0 || resumedAfterKill > 0) &&
        kills === KILLS;
      soakReport(
        'multi-process',
        figures,
        `${PROCESSES} processes on one PostgreSQL behind a round-robin proxy, kill -9 mid-run: lost 0, duplicated 0, every receipt-listed file downloadable from every process and hash-verified, no staging left`,
        met,
      );

      expect(c.undelivered, 'outboxes not empty').toEqual([]);
      expect(c.cursorMismatch, 'server cursors').toEqual([]);
      expect(c.duplicated, 'applied twice').toEqual([]);
      expect(c.unaccounted, 'lost').toEqual([]);
      expect(c.applied).toBeGreaterThan(0);
      expect(missingOnReceipt, 'photos not on the final receipt').toEqual([]);
      expect(badDownloads, 'downloads that failed or did not match their hash').toEqual([]);
      expect(downloads).toBe(receiptListed.size * PROCESSES);
      expect(freed.length, 'the tablets freed received photos').toBeGreaterThan(0);
      expect(freedUnlisted, 'freed without a receipt listing them').toEqual([]);
      expect(left.finished, 'finished uploads left in staging').toEqual([]);
      expect(otherKeys, 'bucket keys that are not evidence').toEqual([]);
      expect(localEvidence, 'evidence files on a process disk').toEqual([]);
      expect(notReady, 'processes not ready').toEqual([]);
      expect(unreceived, 'objects of no photo').toEqual([]);
      expect(inBucket.size).toBe(allPhotos.size);
      expect(crossProcess, 'uploads created on one process, finished on another').toBeGreaterThan(
        0,
      );
      expect(kills).toBe(KILLS);
      // An upload cut by a kill was resumed on another process and finished.
      if (killsMidUpload > 0) expect(resumedAfterKill).toBeGreaterThan(0);
      // The proxy did pass requests by a dead process on to the next one.
      if (KILLS > 0) expect(skipped).toBeGreaterThan(0);
      for (const n of perBackend) expect(n).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
