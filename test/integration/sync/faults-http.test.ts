import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { BlobStore } from '../../../src/server/lib/blob-store';
import type { SyncEngine } from '../../../src/sync';
import { sampleMemory } from '../../helpers/memory-sampler';
import {
  describeSync,
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  seededRandom,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import {
  checkExactlyOnce,
  expectExactlyOnce,
  IssuedLog,
  soakReport,
} from '../../helpers/sync-invariants';
import { NO_FAULTS, type ProxyFaults, startFaultyProxy } from '../../helpers/sync-proxy';

/**
 * Over real HTTP (the app on @hono/node-server, tus uploads with tus-js-client's Node build)
 * through a proxy that drops, delays, resets mid-body, loses answers and duplicates
 * requests, three tablets edit and photograph concurrently. Afterwards (network healed):
 * 0 mutations lost, 0 applied twice, every evidence file held by the server, verified by
 * hash, and listed in the receipt each tablet checks.
 *
 * Sizes are the quick run's unless set by environment (`npm run soak` runs the full size: 20
 * tablets × 500 edits × 50 photos at 20 % faults, never healed).
 */
const num = (name: string, quick: number) => Number(process.env[name] ?? quick);
/** Tablets; every three share one unit (two of one verifier, one of another). */
const DEVICES = num('TELUSUR_CHAOS_DEVICES', 3);
const ROUNDS = num('TELUSUR_CHAOS_ROUNDS', 8);
/** Edits per tablet per round. */
const EDITS = num('TELUSUR_CHAOS_EDITS', 3);
/** A photo when (round + tablet index) % PHOTO_EVERY === 0. */
const PHOTO_EVERY = num('TELUSUR_CHAOS_PHOTO_EVERY', 2);
/** Edits go to indicators 1..INDICATORS (few: many overlapping edits, conflicts). */
const INDICATORS = num('TELUSUR_CHAOS_INDICATORS', 4);
/** Total fault rate, split evenly over drop / reset mid-body / reset response / duplicate. */
const FAULT_RATE = process.env.TELUSUR_CHAOS_FAULT_RATE;
/** '0': keep the faults on while draining too (the network never heals). */
const HEAL = process.env.TELUSUR_CHAOS_HEAL !== '0';
const TIMEOUT = num('TELUSUR_CHAOS_TIMEOUT_MS', 90_000);
const QUICK_FAULTS: ProxyFaults = {
  drop: 0.06,
  resetMidBody: 0.1,
  resetResponse: 0.08,
  duplicate: 0.08,
  delay: 0.2,
  maxDelayMs: 40,
};
const FAULTS: ProxyFaults = FAULT_RATE
  ? {
      drop: Number(FAULT_RATE) / 4,
      resetMidBody: Number(FAULT_RATE) / 4,
      resetResponse: Number(FAULT_RATE) / 4,
      duplicate: Number(FAULT_RATE) / 4,
      delay: 0.2,
      maxDelayMs: 40,
    }
  : QUICK_FAULTS;

describeSync('sync over a faulty network', (ctx, dialect) => {
  it(
    'loses nothing, doubles nothing, and proves every file received',
    async () => {
      const started = performance.now();
      const h = ctx();
      // The soak's memory figures: the server runs in this process (with the tablets' stores
      // and the proxy), sampled from before it listens until the drain is over.
      const memory = process.env.TELUSUR_SOAK_REPORT ? sampleMemory(250) : null;
      const server = await listenHttp(h);
      const rng = seededRandom(20261128);
      const proxy = await startFaultyProxy(server.port, rng, FAULTS);
      // Each kind of fault surely hits the requests it matters most for; more come at random.
      proxy.force('resetMidBody', /^PATCH \/api\/files\//);
      proxy.force('resetResponse', /^PATCH \/api\/files\//);
      proxy.force('duplicate', /^PATCH \/api\/files\//);
      proxy.force('duplicate', /^POST \/api\/files\//);
      proxy.force('resetMidBody', /^POST \/api\/sync\/push/);
      proxy.force('resetResponse', /^POST \/api\/sync\/push/);
      proxy.force('duplicate', /^POST \/api\/sync\/push/);
      proxy.force('drop', /^GET \/api\/sync\/pull/);
      proxy.force('resetResponse', /^GET \/api\/sync\/pull/);
      try {
        // One unit per three tablets (A and B of one verifier, C of another).
        const coordinator = await h.base.login('coordinator');
        const units: string[] = [];
        const tablets: Tablet[] = [];
        /** Index into `units` of each tablet. */
        const unitOf: number[] = [];
        for (let u = 0; u * 3 < DEVICES; u++) {
          const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
          units.push(team.assessmentIds[0] as string);
          const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
          for (let k = 0; k < 3 && tablets.length < DEVICES; k++) {
            const label = `Tablet ${DEVICES > 3 ? `${u + 1}` : ''}${'ABC'[k]}`;
            tablets.push(await enrolTablet(h.call, coordinator, (k < 2 ? v0 : v1).id, label));
            unitOf.push(u);
          }
        }
        const photosOf = units.map(() => 0);
        let photoBytesSent = 0;
        const baseUrl = `http://127.0.0.1:${proxy.port}`;
        const engines: SyncEngine[] = tablets.map((t) =>
          tabletEngine(t, (url, init) => fetch(url, init), { baseUrl, uploads: true }),
        );
        const issued = new IssuedLog();
        const stores = tablets.map((t) => t.store);
        let photo = 0;
        for (let round = 0; round < ROUNDS; round++) {
          for (const [i, t] of tablets.entries()) {
            const a = units[unitOf[i] as number] as string;
            for (let k = 0; k < EDITS; k++) {
              const no = 1 + Math.floor(rng() * INDICATORS);
              await t.store.verifications.update(a, no, {
                verifiedLevel: 1 + Math.floor(rng() * 5),
                notes: `catatan ${round}-${i}-${k}`,
              });
            }
            if ((round + i) % PHOTO_EVERY === 0) {
              photo++;
              const u = unitOf[i] as number;
              photosOf[u] = (photosOf[u] ?? 0) + 1;
              const bytes = photoBytes(60_000 + Math.floor(rng() * 140_000));
              photoBytesSent += bytes.length;
              await t.store.evidence.add({
                assessmentId: a,
                indicatorNo: 1 + (photo % INDICATORS),
                blob: new Blob([bytes], {
                  type: 'image/jpeg',
                }),
                name: `foto-${photo}.jpg`,
                width: 800,
                height: 600,
                location: null,
              });
            }
          }
          await issued.collect(stores);
          await Promise.all(engines.map((e) => e.sync().catch(() => undefined)));
        }
        await issued.collect(stores);

        if (HEAL) {
          proxy.faults = NO_FAULTS;
          for (let r = 0; r < 2; r++) for (const e of engines) await syncHard(e, 5);
        } else {
          // Still 20 % faults: each tablet retries until one whole sync gets through (twice,
          // so every tablet also pulls what the others sent in the first pass).
          for (let r = 0; r < 2; r++) await Promise.all(engines.map((e) => syncHard(e, 400)));
        }

        if (memory) {
          const mem = memory.stop();
          const c = await checkExactlyOnce(h.base.db, stores, issued);
          let verified = 0;
          let missing = 0;
          for (const [u, a] of units.entries()) {
            const r = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
            const hashes = new Set<string>(r.body?.hashes ?? []);
            for (const [i, t] of tablets.entries())
              if (unitOf[i] === u)
                for (const f of await t.store.evidence.listByAssessment(a))
                  if (!hashes.has(f.sha256)) missing++;
            for (const sha of hashes) {
              const bytes = readFileSync((h.services.files.evidence as BlobStore).path(sha));
              if (createHash('sha256').update(bytes).digest('hex') === sha) verified++;
            }
          }
          const faults =
            proxy.stats.dropped +
            proxy.stats.resetMidBody +
            proxy.stats.resetResponse +
            proxy.stats.duplicated;
          const lost = c.unaccounted.length + c.undelivered.length + c.cursorMismatch.length;
          soakReport(
            'chaos',
            {
              dialect,
              devices: tablets.length,
              units: units.length,
              mutations: c.mutations,
              fieldWrites: c.fields,
              applied: c.applied,
              conflicts: c.conflicts,
              files: photo,
              fileBytes: photoBytesSent,
              hashesVerified: verified,
              filesMissingOnReceipt: missing,
              lost,
              duplicated: c.duplicated.length,
              requests: proxy.stats.requests,
              faults,
              faultRate: faults / proxy.stats.requests,
              proxy: { ...proxy.stats },
              healedBeforeDrain: HEAL,
              seconds: (performance.now() - started) / 1000,
              memory: mem,
            },
            'lost 0, duplicated 0, hashes verified 100 %',
            lost === 0 && c.duplicated.length === 0 && verified === photo && missing === 0,
          );
        }

        const once = await expectExactlyOnce(h.base.db, stores, issued);
        expect(once.applied).toBeGreaterThan(0);

        // Every file: held, stored under its hash with the right bytes, on every receipt.
        let heldTotal = 0;
        for (const [u, a] of units.entries()) {
          const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
          expect(receipt.status).toBe(200);
          const held = new Set<string>(receipt.body.hashes);
          for (const [i, t] of tablets.entries()) {
            if (unitOf[i] !== u) continue;
            const local = await t.store.evidence.listByAssessment(a);
            expect(local.filter((f) => !held.has(f.sha256)).map((f) => f.name)).toEqual([]);
            expect(await t.store.blobs.listPendingUpload()).toEqual([]);
            // What the tablet shows: "semua N berkas diterima server" (its evidence list includes
            // the other tablets' photos, pulled as records).
            expect(engines[i]?.getStatus().receipts[a]).toMatchObject({
              local: photosOf[u],
              confirmed: photosOf[u],
            });
          }
          expect(held.size).toBe(photosOf[u]);
          heldTotal += held.size;
          for (const sha of held) {
            const bytes = readFileSync((h.services.files.evidence as BlobStore).path(sha));
            expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
          }
        }
        expect(heldTotal).toBe(photo);
        // The faults did happen.
        expect(proxy.stats.dropped).toBeGreaterThan(0);
        expect(proxy.stats.resetMidBody).toBeGreaterThan(0);
        expect(proxy.stats.resetResponse).toBeGreaterThan(0);
        expect(proxy.stats.duplicated).toBeGreaterThan(0);
      } finally {
        await proxy.close();
        void server.close();
      }
    },
    TIMEOUT,
  );
});
