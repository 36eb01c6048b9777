import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { expect, it } from 'vitest';
import type { SyncEngine } from '../../../src/sync';
import {
  describeSync,
  enrolTablet,
  newTeam,
  photoBytes,
  seededRandom,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import { expectExactlyOnce, IssuedLog } from '../../helpers/sync-invariants';
import { NO_FAULTS, startFaultyProxy } from '../../helpers/sync-proxy';

/**
 * Over real HTTP (the app on @hono/node-server, tus uploads with tus-js-client's Node build)
 * through a proxy that drops, delays, resets mid-body, loses answers and duplicates
 * requests, three tablets edit and photograph concurrently. Afterwards (network healed):
 * 0 mutations lost, 0 applied twice, every evidence file held by the server, verified by
 * hash, and listed in the receipt each tablet checks.
 */
describeSync('sync over a faulty network', (ctx) => {
  it('loses nothing, doubles nothing, and proves every file received', async () => {
    const h = ctx();
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    const rng = seededRandom(20261128);
    const proxy = await startFaultyProxy((server.address() as AddressInfo).port, rng, {
      drop: 0.06,
      resetMidBody: 0.1,
      resetResponse: 0.08,
      duplicate: 0.08,
      delay: 0.2,
      maxDelayMs: 40,
    });
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
      const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
      const a = team.assessmentIds[0] as string;
      const coordinator = await h.base.login('coordinator');
      const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
      const tablets: Tablet[] = [
        await enrolTablet(h.call, coordinator, v0.id, 'Tablet A'),
        await enrolTablet(h.call, coordinator, v0.id, 'Tablet B'),
        await enrolTablet(h.call, coordinator, v1.id, 'Tablet C'),
      ];
      const baseUrl = `http://127.0.0.1:${proxy.port}`;
      const engines: SyncEngine[] = tablets.map((t) =>
        tabletEngine(t, (url, init) => fetch(url, init), { baseUrl, uploads: true }),
      );
      const issued = new IssuedLog();
      const stores = tablets.map((t) => t.store);
      let photo = 0;
      for (let round = 0; round < 8; round++) {
        for (const [i, t] of tablets.entries()) {
          for (let k = 0; k < 3; k++) {
            const no = 1 + Math.floor(rng() * 4);
            await t.store.verifications.update(a, no, {
              verifiedLevel: 1 + Math.floor(rng() * 5),
              notes: `catatan ${round}-${i}-${k}`,
            });
          }
          if ((round + i) % 2 === 0) {
            photo++;
            await t.store.evidence.add({
              assessmentId: a,
              indicatorNo: 1 + (photo % 4),
              blob: new Blob([photoBytes(60_000 + Math.floor(rng() * 140_000))], {
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

      proxy.faults = NO_FAULTS;
      for (let r = 0; r < 2; r++) for (const e of engines) await syncHard(e, 5);

      const once = await expectExactlyOnce(h.base.db, stores, issued);
      expect(once.applied).toBeGreaterThan(0);

      // Every file: held, stored under its hash with the right bytes, on every receipt.
      const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
      expect(receipt.status).toBe(200);
      const held = new Set<string>(receipt.body.hashes);
      for (const [i, t] of tablets.entries()) {
        const local = await t.store.evidence.listByAssessment(a);
        expect(local.filter((f) => !held.has(f.sha256)).map((f) => f.name)).toEqual([]);
        expect(await t.store.blobs.listPendingUpload()).toEqual([]);
        // What the tablet shows: "semua N berkas diterima server" (its evidence list includes
        // the other tablets' photos, pulled as records).
        expect(engines[i]?.getStatus().receipts[a]).toMatchObject({
          local: photo,
          confirmed: photo,
        });
      }
      expect(held.size).toBe(photo);
      for (const sha of held) {
        const bytes = readFileSync(h.services.files.blobs.path(sha));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
      }
      // The faults did happen.
      expect(proxy.stats.dropped).toBeGreaterThan(0);
      expect(proxy.stats.resetMidBody).toBeGreaterThan(0);
      expect(proxy.stats.resetResponse).toBeGreaterThan(0);
      expect(proxy.stats.duplicated).toBeGreaterThan(0);
    } finally {
      await proxy.close();
      server.close();
    }
  }, 90_000);
});
