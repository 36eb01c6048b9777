/**
 * 7. Pull of a full unit to a fresh tablet: one verifier's unit fully verified on a first
 * tablet (47 indicators with levels, notes and evidence checks, 10 photos uploaded) and
 * synced to the real server (createApp on SQLite over HTTP, in this process); then, per run,
 * a fresh tablet of the same verifier (the real store on fake-indexeddb and the real
 * SyncEngine, as bench/lib/slowlink.ts builds one) is enrolled and its first sync timed —
 * offline package, pull pages, receipt, everything stored. Baseline, same run: the very
 * requests that sync made, sent again with fetch and their answers read and parsed, nothing
 * stored (so the ratio is what applying the pull to the store costs on top of the HTTP).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { listIndicators, spbe2020 } from '../../src/core';
import type { TelusurStore } from '../../src/store';
import { fetchTransport, SyncEngine, tusUploader } from '../../src/sync';
import { openNodeStore } from '../../test/helpers/node-store';
import { startDemoServer } from './demo-server';
import { type BenchModule, median, type Result, ratioResult, valueResult } from './result';

const MODULE = 'pull';
const RUNS = Number(process.env.BENCH_PULL_RUNS ?? 5);
const PHOTOS = 10;
const NAME = 'pull of a full unit to a fresh tablet (first sync, everything stored)';

/** One request the fresh tablet's sync made, as sent (replayed for the baseline). */
interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

interface RunFigures {
  ms: number;
  rawMs: number;
  /** Response body bytes as read by the tablet (decoded), and as on the wire when the server said. */
  bodyBytes: number;
  wireBytes: number;
  requests: Sent[];
  statuses: number[];
}

const context: string[] = [];

/** The comparable content of a verification record: level, notes, N/A and every evidence check. */
function essence(v: Record<string, unknown>): string {
  const keep = Object.entries(v)
    .filter(
      ([k]) =>
        k === 'indicatorNo' ||
        k === 'verifiedLevel' ||
        k === 'notes' ||
        k === 'notApplicable' ||
        k.startsWith('checks.'),
    )
    // A field never written reads as its default on the tablet and is absent from the server.
    .filter(([, x]) => x !== null && x !== undefined && x !== false)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  // Object keys sorted too: the server keeps values as canonical JSON (keys in order).
  return JSON.stringify(keep, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}

export const pull: BenchModule = {
  name: MODULE,
  title: '7. Pull of a full unit to a fresh tablet',
  description: `One verifier's unit is fully verified on a first tablet — all 47 indicators of SPBE 2020 with a verified level, a note, and an evidence check (present, with a note) for every evidence item the instrument lists at each level up to the verified one, plus ${PHOTOS} photos of 100 KB (uploaded with tus) — and synced to the real server (createApp on SQLite, @hono/node-server on 127.0.0.1, in this process). Each run then enrols a fresh tablet of the same verifier (the real store on fake-indexeddb and the real SyncEngine, as in section 5; enrolment not timed) and times its first \`engine.sync()\`: the export signing key, the offline package (GET /api/my/assignments: units, the instrument, assignments), the pull pages (GET /api/sync/pull, 500 changes a page) each applied to the store, and the photo receipt. Bytes = response bodies the tablet read. Baseline, same run, measured right after: the very requests that sync made, sent again in the same order with fetch from the same process, each answer read and JSON-parsed, nothing stored — so the ratio is what validating and storing the pull costs on top of the server's work and HTTP. ${RUNS} runs, each a fresh tablet and store; the replay always follows the sync (its requests are known only then). Checked per run: the fresh store holds 47 verifications equal (level, notes, not-applicable, every check) to the first tablet's and to the records the server sent, and the unit's ${PHOTOS} evidence records.`,
  context,
  async run(): Promise<Result[]> {
    const server = await startDemoServer('pull');
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const stores: TelusurStore[] = [];
    const runs: RunFigures[] = [];
    let mutations = 0;
    let checks = 0;
    try {
      const { verifierId } = await server.verifierWithUnit({
        email: 'tarik@uji.test',
        name: 'Verifikator Tarik',
        unitCode: 'TARIK.1',
        unitName: 'Unit tarik penuh',
      });
      const indicators = listIndicators(spbe2020);
      /** Enrol a new tablet of the verifier: its store, token and engine over `fetchImpl`. */
      const tablet = async (label: string, fetchImpl: typeof fetch) => {
        const store = await openNodeStore(`pull-${randomBytes(4).toString('hex')}`);
        stores.push(store);
        const enrolled = await server.enrol(verifierId, store.deviceId, label);
        await store.adoptIdentity(enrolled.device.id);
        const token = enrolled.token;
        const engine = new SyncEngine(
          store,
          fetchTransport({
            baseUrl,
            token: () => token,
            fetch: fetchImpl,
            uploader: tusUploader({
              endpoint: `${baseUrl}/api/files/`,
              token: () => token,
              source: async (blob) => Buffer.from(await blob.arrayBuffer()),
            }),
          }),
          store.deviceId,
        );
        return { store, engine, token };
      };

      // The first tablet verifies the whole unit and syncs it (not timed).
      const first = await tablet('Tablet lapangan', (u, i) => fetch(u, i));
      await first.engine.sync();
      const [assessment] = await first.store.assessments.list();
      if (!assessment) throw new Error('the first tablet received no assessment');
      const a = assessment.id;
      for (const ind of indicators) {
        const level = 1 + (ind.no % 5);
        await first.store.verifications.update(a, ind.no, {
          verifiedLevel: level,
          notes: `Diverifikasi di lokasi: dokumen indikator ${ind.no} diperiksa bersama OPD.`,
        });
        for (let l = 1; l <= level; l++)
          for (const [k] of (ind.spec.levels?.[l - 1]?.evidence ?? []).entries()) {
            await first.store.verifications.setCheck(a, ind.no, l, k, {
              state: 'present',
              note: `Ada, halaman ${k + 1}`,
            });
            checks++;
          }
      }
      for (let k = 0; k < PHOTOS; k++) {
        const bytes = new Uint8Array(new ArrayBuffer(100_000));
        randomFillSync(bytes);
        bytes[0] = 0xff;
        bytes[1] = 0xd8;
        await first.store.evidence.add({
          assessmentId: a,
          indicatorNo: indicators[k]?.no ?? 1,
          blob: new Blob([bytes], { type: 'image/jpeg' }),
          name: `foto-${k + 1}.jpg`,
          width: 1600,
          height: 1200,
          location: null,
        });
      }
      mutations = await first.store.outbox.count();
      for (let i = 0; (await first.store.outbox.count()) > 0 || i === 0; i++) {
        if (i > 5) throw new Error('the first tablet could not push its unit');
        await first.engine.sync();
      }
      if (first.engine.getStatus().receipts[a]?.confirmed !== PHOTOS)
        throw new Error(`receipt ${JSON.stringify(first.engine.getStatus().receipts[a])}`);
      const expected = (await first.store.verifications.listByAssessment(a)).map((v) =>
        essence(v as unknown as Record<string, unknown>),
      );
      if (expected.length !== indicators.length)
        throw new Error(`first tablet holds ${expected.length} verifications`);

      for (let run = 0; run < RUNS; run++) {
        const sent: Sent[] = [];
        const statuses: number[] = [];
        let bodyBytes = 0;
        let wireBytes = 0;
        // The tablet's fetch, recording each request and the size of each answer's body.
        const recording = async (url: string | URL | Request, init?: RequestInit) => {
          const u = new URL(String(url));
          const headers: Record<string, string> = {};
          new Headers(init?.headers).forEach((v, k) => {
            headers[k] = v;
          });
          sent.push({
            method: init?.method ?? 'GET',
            path: `${u.pathname}${u.search}`,
            headers,
            body: typeof init?.body === 'string' ? init.body : null,
          });
          const res = await fetch(url, init);
          const buf = await res.arrayBuffer();
          statuses.push(res.status);
          bodyBytes += buf.byteLength;
          wireBytes += Number(res.headers.get('content-length') ?? buf.byteLength);
          return new Response(res.status === 304 ? null : buf, {
            status: res.status,
            statusText: res.statusText,
            headers: res.headers,
          });
        };
        const fresh = await tablet(`Tablet baru ${run + 1}`, recording as typeof fetch);
        const timeSync = async () => {
          const t = performance.now();
          await fresh.engine.sync();
          return performance.now() - t;
        };
        // The same requests again, answers read and parsed, nothing stored.
        const replay = async () => {
          const t = performance.now();
          for (const s of sent) {
            const res = await fetch(`${baseUrl}${s.path}`, {
              method: s.method,
              headers: s.headers,
              ...(s.body !== null ? { body: s.body } : {}),
            });
            const text = await res.text();
            if (text) JSON.parse(text);
          }
          return performance.now() - t;
        };
        const ms = await timeSync();
        // The baseline always follows: its requests are only known once the sync made them.
        const rawMs = await replay();
        // Sanity: the fresh store holds the unit as the first tablet and the server have it.
        const got = (await fresh.store.verifications.listByAssessment(a)).map((v) =>
          essence(v as unknown as Record<string, unknown>),
        );
        if (JSON.stringify(got) !== JSON.stringify(expected))
          throw new Error(`run ${run + 1}: the fresh tablet's verifications differ`);
        const served = new Map<string, Record<string, unknown>>();
        for (const s of sent.filter((x) => x.path.startsWith('/api/sync/pull'))) {
          const res = await fetch(`${baseUrl}${s.path}`, { headers: s.headers });
          const page = (await res.json()) as {
            changes: { entity: string; id: string; fields: Record<string, unknown> }[];
          };
          for (const c of page.changes)
            if (c.entity === 'verification')
              served.set(c.id, { ...(served.get(c.id) ?? {}), ...c.fields });
        }
        const fromServer = [...served.values()].map(essence);
        const byNo = (xs: string[]) =>
          [...xs].sort((x, y) => {
            const n = (s: string) =>
              (JSON.parse(s) as [string, unknown][]).find(([k]) => k === 'indicatorNo')?.[1] as
                | number
                | undefined;
            return (n(x) ?? 0) - (n(y) ?? 0);
          });
        if (JSON.stringify(byNo(fromServer)) !== JSON.stringify(byNo(expected)))
          throw new Error(
            `run ${run + 1}: the server's records differ from the first tablet's (${fromServer.length} served)`,
          );
        const evidence = await fresh.store.evidence.listByAssessment(a);
        if (evidence.length !== PHOTOS)
          throw new Error(`run ${run + 1}: the fresh tablet lists ${evidence.length} photos`);
        if ((await fresh.store.outbox.count()) !== 0)
          throw new Error(`run ${run + 1}: the fresh tablet has something to push`);
        runs.push({ ms, rawMs, bodyBytes, wireBytes, requests: sent, statuses });
        process.stdout.write(`[run ${run + 1}: ${ms.toFixed(0)} vs ${rawMs.toFixed(0)} ms] `);
      }
    } finally {
      for (const s of stores) s.close();
      await server.close();
    }

    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    const r0 = runs[0] as RunFigures;
    const kinds = r0.requests
      .map((s, i) => `${s.method} ${s.path.split('?')[0]} (${r0.statuses[i]})`)
      .join(', ');
    const pulls = r0.requests.filter((s) => s.path.startsWith('/api/sync/pull')).length;
    context.push(
      `The unit on the server: ${mutations.toLocaleString('en-US')} pushed mutations from the first tablet (47 levels and notes, ${checks.toLocaleString('en-US')} evidence checks, ${PHOTOS} evidence records; the photos' bytes are not part of a pull). The fresh tablet's first sync made ${r0.requests.length} requests: ${kinds}; ${pulls} pull page(s). Body bytes read per run: ${runs.map((r) => kb(r.bodyBytes)).join(', ')} (Content-Length where sent, else the body read: ${kb(median(runs.map((r) => r.wireBytes)))}; the server does not compress here — a reverse proxy in front may).`,
      `Per run, sync vs replay: ${runs.map((r) => `${r.ms.toFixed(0)} vs ${r.rawMs.toFixed(0)} ms`).join('; ')}. The baseline always follows the timed sync (its requests are only known once the sync has made them); both hit a warm server from the second run on.`,
    );
    return [
      ratioResult({
        module: MODULE,
        name: NAME,
        unit: 'ms',
        subject: runs.map((r) => r.ms),
        baseline: runs.map((r) => r.rawMs),
        baselineName: 'the same requests replayed with fetch, answers parsed, nothing stored',
        goal: null,
        note: `47 verifications (${checks} evidence checks) + ${PHOTOS} evidence records; ${r0.requests.length} requests; checked equal to the first tablet's and the server's records`,
      }),
      valueResult({
        module: MODULE,
        name: `${NAME}: bytes received`,
        unit: 'B',
        values: runs.map((r) => r.bodyBytes),
        goal: null,
        note: 'response bodies of the first sync (offline package, pull pages, receipt, signing key), uncompressed',
      }),
    ];
  },
};
