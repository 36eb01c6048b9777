/**
 * 5. Sync over an emulated slow link: a tablet (the real store on fake-indexeddb and the
 * real SyncEngine with the app's tus uploader settings) syncs one verified unit — 47
 * indicator edits and 50 photos of 200–400 KB — to the real server (createApp on SQLite,
 * @hono/node-server) through bench/lib/throttle.ts: 1 Mbit/s each way, 200 ms RTT, 5 % of
 * requests cut part-way. Time from the first sync attempt until everything is on the server
 * and the tablet's receipt confirms all 50 files, against the ideal: the bytes the tablet
 * must deliver (photos + push bodies) ÷ 1 Mbit/s.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { listIndicators, MAX_PUSH_BATCH, spbe2020 } from '../../src/core';
import {
  DEFAULT_UPLOAD_CONCURRENCY,
  fetchTransport,
  SyncEngine,
  tusUploader,
} from '../../src/sync';
import { openNodeStore } from '../../test/helpers/node-store';
import { startDemoServer } from './demo-server';
import { type BenchModule, median, type Result, ratioAtMost, ratioResult } from './result';
import { type LinkStats, startLink } from './throttle';

const MODULE = 'slowlink';
const BYTES_PER_SECOND = 1_000_000 / 8;
const RTT_MS = 200;
const DROP_RATE = 0.05;
const PHOTOS = 50;
const RUNS = Number(process.env.BENCH_SLOWLINK_RUNS ?? 3);
const NAME = 'sync 1 unit + 50 photos at 1 Mbit/s, 200 ms RTT, 5 % drops: time vs bytes/bandwidth';

/** Deterministic PRNG (mulberry32), so every run sees its own but reproducible drops. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunFigures {
  ms: number;
  idealMs: number;
  photoBytes: number;
  pushBytes: number;
  failedSyncs: number;
  syncs: number;
  link: LinkStats;
}

const context: string[] = [];

export const slowLinkSync: BenchModule = {
  name: MODULE,
  title: '5. Sync over an emulated slow link',
  description: `A tablet — the real store (src/store on fake-indexeddb) and the real SyncEngine with the app's tus uploader settings (tus-js-client, 512 KB chunks, the first in the creating POST, retry delays 0/1/3/5/10 s; in Node it reads each photo as a Buffer; up to ${DEFAULT_UPLOAD_CONCURRENCY} photos in flight) — has verified one unit offline: 47 indicator edits (level and notes) and ${PHOTOS} photos of 200–400 KB (random bytes, so incompressible). It then syncs through an emulated link to the real server (createApp on SQLite, @hono/node-server, in this process): a TCP proxy in Node (bench/lib/throttle.ts) with ${(BYTES_PER_SECOND * 8) / 1e6} Mbit/s each way shared by all connections, ${RTT_MS} ms RTT (and one RTT per new connection), at most 64 KB queued per connection and direction, and ${DROP_RATE * 100} % of HTTP requests cut part-way (at a random point of the body, or after the request reached the server). Time = from the first sync attempt until the outbox is empty, every photo is uploaded and the tablet's receipt confirms all ${PHOTOS}; a failed sync is retried at once (as "Sinkronkan sekarang"). Ideal = the bytes the tablet must deliver (photo bytes + push request bodies) ÷ 1 Mbit/s. ${RUNS} runs, each a fresh unit, tablet and store; ratio = time ÷ ideal per run.`,
  context,
  async run(): Promise<Result[]> {
    const server = await startDemoServer('slowlink');
    const serverPort = server.port;
    const indicators = listIndicators(spbe2020);

    const runs: RunFigures[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        // A fresh verifier, unit (with self-assessed levels) and tablet per run.
        const tag = `${run}${randomBytes(3).toString('hex')}`;
        const { verifierId } = await server.verifierWithUnit({
          email: `lambat${tag}@uji.test`,
          name: `Verifikator ${tag}`,
          unitCode: `LAMBAT.${tag}`,
          unitName: `Unit jaringan lambat ${tag}`,
        });
        const store = await openNodeStore(`slowlink-${tag}`);
        const enrolled = await server.enrol(verifierId, store.deviceId, 'Tablet jaringan lambat');
        // Issue 11: the server issues the device identity; the tablet adopts it.
        await store.adoptIdentity(enrolled.device.id);
        const token = enrolled.token;

        const link = await startLink(serverPort, {
          bytesPerSecond: BYTES_PER_SECOND,
          rttMs: RTT_MS,
          dropRate: DROP_RATE,
          rng: seeded(8000 + run),
        });
        const baseUrl = `http://127.0.0.1:${link.port}`;
        const engine = new SyncEngine(
          store,
          fetchTransport({
            baseUrl,
            token: () => token,
            fetch: (u, i) => fetch(u, i),
            // The app's uploader (src/app/state/sync.ts) with its default chunk size and retry
            // delays; Node's tus-js-client reads Buffers, not Blobs.
            uploader: tusUploader({
              endpoint: `${baseUrl}/api/files/`,
              token: () => token,
              source: async (blob) => Buffer.from(await blob.arrayBuffer()),
            }),
          }),
          store.deviceId,
        );
        try {
          // Enrolled and synced once before going into the field (not timed).
          for (let i = 0; ; i++) {
            try {
              await engine.sync();
              break;
            } catch (e) {
              if (i > 20) throw e;
            }
          }
          const [assessment] = await store.assessments.list();
          if (!assessment) throw new Error('the tablet received no assessment');
          const a = assessment.id;

          // Offline in the field: every indicator verified, 50 photos.
          for (const ind of indicators)
            await store.verifications.update(a, ind.no, {
              verifiedLevel: 1 + ((ind.no + run) % 5),
              notes: `Diverifikasi di lokasi: dokumen indikator ${ind.no} diperiksa bersama OPD.`,
            });
          let photoBytes = 0;
          const rng = seeded(9000 + run);
          for (let k = 0; k < PHOTOS; k++) {
            const size = 200_000 + Math.floor(rng() * 200_000);
            const bytes = new Uint8Array(new ArrayBuffer(size));
            randomFillSync(bytes);
            bytes[0] = 0xff;
            bytes[1] = 0xd8;
            photoBytes += size;
            await store.evidence.add({
              assessmentId: a,
              indicatorNo: indicators[k % indicators.length]?.no ?? 1,
              blob: new Blob([bytes], { type: 'image/jpeg' }),
              name: `foto-${k + 1}.jpg`,
              width: 1600,
              height: 1200,
              location: null,
            });
          }
          // Push bodies as the engine will send them (batches of MAX_PUSH_BATCH).
          const pending = await store.outbox.peek(1_000_000);
          let pushBytes = 0;
          for (let i = 0; i < pending.length; i += MAX_PUSH_BATCH)
            pushBytes += Buffer.byteLength(
              JSON.stringify({
                deviceId: store.deviceId,
                mutations: pending.slice(i, i + MAX_PUSH_BATCH),
              }),
            );

          // Back online: sync until everything is there.
          link.resetStats();
          let syncs = 0;
          let failed = 0;
          const t0 = performance.now();
          for (;;) {
            syncs++;
            const ok = await engine.sync().then(
              () => true,
              () => false,
            );
            if (!ok) {
              failed++;
              if (failed > 200) throw new Error('sync kept failing over the slow link');
              continue;
            }
            const done =
              (await store.outbox.count()) === 0 &&
              (await store.blobs.listPendingUpload()).length === 0 &&
              engine.getStatus().receipts[a]?.confirmed === PHOTOS;
            if (done) break;
          }
          const ms = performance.now() - t0;
          const receipt = engine.getStatus().receipts[a];
          if (receipt?.local !== PHOTOS || receipt.confirmed !== PHOTOS)
            throw new Error(`receipt ${JSON.stringify(receipt)}`);
          runs.push({
            ms,
            idealMs: ((photoBytes + pushBytes) / BYTES_PER_SECOND) * 1000,
            photoBytes,
            pushBytes,
            failedSyncs: failed,
            syncs,
            link: { ...link.stats, byKind: { ...link.stats.byKind } },
          });
          process.stdout.write(`[run ${run + 1}: ${(ms / 1000).toFixed(1)} s] `);
        } finally {
          await link.close();
          store.close();
        }
      }
    } finally {
      await server.close();
    }

    const med = (f: (r: RunFigures) => number) => median(runs.map(f));
    const kb = (b: number) => `${Math.round(b / 1024).toLocaleString('en-US')} KB`;
    const requests = med((r) => r.link.requests);
    const drops = med((r) => r.link.drops);
    const kinds = Object.entries(runs[0]?.link.byKind ?? {})
      .sort((x, y) => y[1] - x[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    const rttSeconds = (requests * RTT_MS) / 1000;
    const upOverhead = med((r) => r.link.bytesUp - r.photoBytes - r.pushBytes);
    const lostUp = med((r) => r.link.bytesLostUp);
    const down = med((r) => r.link.bytesDown);
    context.push(
      `Per run (median of ${runs.length}): payload ${kb(med((r) => r.photoBytes))} of photos + ${kb(med((r) => r.pushBytes))} of push bodies → ideal ${(med((r) => r.idealMs) / 1000).toFixed(1)} s; measured ${(med((r) => r.ms) / 1000).toFixed(1)} s. Runs: ${runs.map((r) => `${(r.ms / 1000).toFixed(1)} s vs ideal ${(r.idealMs / 1000).toFixed(1)} s`).join('; ')}.`,
      `On the wire (median): ${kb(med((r) => r.link.bytesUp))} up (${kb(upOverhead)} more than the payload: HTTP heads, the tus protocol, re-sent bytes after cuts), ${kb(down)} down (offline package, pull, receipts, answers); ${requests} HTTP requests on ${med((r) => r.link.connections)} connections; ${drops} requests cut (${kb(lostUp)} in flight lost); ${med((r) => r.failedSyncs)} sync runs failed and were retried (of ${med((r) => r.syncs)}). Requests in run 1: ${kinds}.`,
      `The engine pushes, pulls and checks receipts one request at a time, then has up to ${DEFAULT_UPLOAD_CONCURRENCY} photos in flight at once, each in one tus POST carrying its bytes (creation-with-upload; HEAD + PATCH only to resume an upload whose address it learnt). The offline package is asked for with If-None-Match and comes back as a bodiless 304 when unchanged. ${requests} requests × ${RTT_MS} ms = ${rttSeconds.toFixed(1)} s of round trips if they were all one after another (uploads overlap, so less is spent waiting).`,
    );
    const ratios = runs.map((r) => r.ms / r.idealMs);
    return [
      ratioResult({
        module: MODULE,
        name: NAME,
        unit: 's',
        subject: runs.map((r) => r.ms / 1000),
        baseline: runs.map((r) => r.idealMs / 1000),
        baselineName: 'ideal: (photo bytes + push bodies) ÷ 1 Mbit/s',
        goal: ratioAtMost(1.15),
        note: `${PHOTOS} photos, ${kb(med((r) => r.photoBytes))} + ${kb(med((r) => r.pushBytes))} push; ${requests} requests, ${drops} cut`,
        ifMissed: `Measured ${(median(ratios) * 100 - 100).toFixed(0)} % over the ideal. What the link adds besides payload bytes: round trips (${requests} requests, ${rttSeconds.toFixed(1)} s if serial; photos overlap ${DEFAULT_UPLOAD_CONCURRENCY} at a time, push, pull and receipts do not), ${kb(upOverhead)} of extra upstream bytes (HTTP and tus heads, and whole photos re-sent after ${drops} cuts: a creating POST cut before its answer is sent again from the start), and ${kb(down)} downstream (offline package when changed, pull pages, receipts on every sync run).`,
      }),
    ];
  },
};
