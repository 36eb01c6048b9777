import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../src/server/app';
import { resolveConfig } from '../../../src/server/config';
import { openDatabase } from '../../../src/server/db/connect';
import { createServices } from '../../../src/server/services';
import { DIALECTS, PG_URL, TEST_CONFIG } from '../../helpers/server-context';
import {
  enrolTablet,
  httpCall,
  photoBytes,
  seededRandom,
  syncHard,
  tabletEngine,
} from '../../helpers/sync-harness';
import {
  checkExactlyOnce,
  expectExactlyOnce,
  IssuedLog,
  soakReport,
} from '../../helpers/sync-invariants';
import {
  freePort,
  killHard,
  type ServerProcess,
  startServerProcess,
  stopGently,
} from '../../helpers/sync-process';

/**
 * kill -9 of the real server process (SQLite file in a temp DATA_DIR, or a fresh
 * PostgreSQL schema) at a random moment while a tablet pushes edits and uploads photos
 * continuously; restart it, let the tablet resume. Every mutation the tablet ever queued
 * ends up on the server exactly once (acknowledged ones in particular: 0 lost), and every
 * photo is held, verified by hash, and on the receipt.
 *
 * Quick run: two kills. `npm run soak` sets TELUSUR_KILL9_PUSHES=1000: the tablet
 * keeps pushing until it has sent that many pushes, the server killed at random moments
 * throughout (up for TELUSUR_KILL9_UP_MS = "min,max" between kills).
 */
const PUSHES = Number(process.env.TELUSUR_KILL9_PUSHES ?? 0);
const [UP_MIN, UP_MAX] = (process.env.TELUSUR_KILL9_UP_MS ?? '300,1200').split(',').map(Number) as [
  number,
  number,
];
/** A photo with every n-th edit. */
const PHOTO_EVERY = Number(process.env.TELUSUR_KILL9_PHOTO_EVERY ?? 3);
const TIMEOUT = Number(process.env.TELUSUR_KILL9_TIMEOUT_MS ?? 120_000);
for (const dialect of DIALECTS) {
  // PostgreSQL only when TELUSUR_PG_URL is set (test/run.mjs sets it when a server answers).
  describe.skipIf(dialect === 'postgres' && !PG_URL)(`kill -9 of the server [${dialect}]`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'telusur-kill9-'));
    const schema = `k_${randomBytes(5).toString('hex')}`;
    let admin: pg.Pool | null = null;
    let server: ServerProcess | null = null;

    afterAll(async () => {
      if (server) await stopGently(server).catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    });

    it(
      'resumes after a hard kill with nothing lost and nothing doubled',
      async () => {
        const started = performance.now();
        const env: Record<string, string> = {
          DATA_DIR: dataDir,
          NODE_ENV: 'development',
          STATIC_DIR: join(dataDir, 'no-pwa'),
        };
        if (dialect === 'postgres') {
          admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
          await admin.query(`CREATE SCHEMA ${schema}`);
          const url = new URL(PG_URL as string);
          url.searchParams.set('options', `-c search_path=${schema}`);
          env.DATABASE_URL = url.toString();
        }
        // The database is prepared here, before the first start: a coordinator, a verifier
        // with one unit (so the tablet's first pull is small), and no demo seed.
        const prepared =
          dialect === 'sqlite'
            ? openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') })
            : openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
        let v1: { id: string };
        try {
          await prepareDatabase(prepared.db);
          const s = createServices({
            db: prepared.db,
            clock: Date.now,
            config: resolveConfig(TEST_CONFIG),
          });
          const coord = await s.accounts.create({
            email: 'koordinator@kill9.test',
            name: 'Koordinator',
            role: 'coordinator',
            password: 'sandi-rahasia',
          });
          v1 = await s.accounts.create({
            email: 'v@kill9.test',
            name: 'Verifikator',
            role: 'verifier',
          });
          const unit = await s.units.create({
            code: 'K9',
            name: 'Kota Uji',
            kind: 'pemda',
            parentId: null,
          });
          const period = await s.periods.create({
            name: 'Evaluasi uji',
            year: 2026,
            frameworkId: 'spbe-2020',
            targetIndex: 3,
            status: 'active',
          });
          await s.assignments.create(
            { periodId: period.id, verifierId: v1.id, unitIds: [unit.id] },
            coord.id,
          );
        } finally {
          await prepared.close();
        }
        const port = await freePort();
        server = await startServerProcess(env, port);
        const call = httpCall(server.url);
        const login = await call('POST', '/api/auth/login', {
          json: { email: 'koordinator@kill9.test', password: 'sandi-rahasia' },
        });
        const coordinator = login.body.token as string;
        const tablet = await enrolTablet(call, coordinator, v1.id, 'Tablet lapangan');
        // Pushes sent, and the highest seq the server acknowledged (appliedThrough of a 200).
        let pushes = 0;
        let pushesAnswered = 0;
        let ackedThrough = 0;
        const counting: typeof fetch = async (u, i) => {
          const isPush = String(u).endsWith('/api/sync/push');
          if (isPush) pushes++;
          const res = await fetch(u, i);
          if (isPush && res.status === 200) {
            const body = (await res
              .clone()
              .json()
              .catch(() => null)) as { appliedThrough?: number } | null;
            pushesAnswered++;
            ackedThrough = Math.max(ackedThrough, Number(body?.appliedThrough ?? 0));
          }
          return res;
        };
        const engine = tabletEngine(tablet, (u, i) => counting(u, i), {
          baseUrl: server.url,
          uploads: true,
          retryDelays: [0, 100, 200],
        });
        await syncHard(engine);
        const [first] = await tablet.store.assessments.list();
        const a = first?.id as string;
        expect(a).toBeTruthy();

        const rng = seededRandom(dialect === 'sqlite' ? 9 : 99);
        const issued = new IssuedLog();
        let stop = false;
        let photos = 0;
        let syncs = 0;
        const work = (async () => {
          for (let i = 0; !stop; i++) {
            await tablet.store.verifications.update(a, 1 + (i % 10), {
              verifiedLevel: 1 + (i % 5),
              notes: `langkah ${i}`,
            });
            if (i % PHOTO_EVERY === 0) {
              photos++;
              await tablet.store.evidence.add({
                assessmentId: a,
                indicatorNo: 1 + (i % 10),
                blob: new Blob([photoBytes(150_000 + Math.floor(rng() * 250_000))], {
                  type: 'image/jpeg',
                }),
                name: `foto-${i}.jpg`,
                width: 1024,
                height: 768,
                location: null,
              });
            }
            await issued.collect([tablet.store]);
            const ok = await engine.sync().then(
              () => true,
              () => false,
            );
            if (ok) syncs++;
            // The scheduler backs off while the server is away; so does this loop.
            else await new Promise((r) => setTimeout(r, 150));
          }
        })();

        // Hard kills at random moments (two, or until PUSHES pushes were sent), each followed
        // by a restart on the same data.
        let kills = 0;
        for (let k = 0; PUSHES > 0 ? pushes < PUSHES : k < 2; k++) {
          await new Promise((r) => setTimeout(r, UP_MIN + rng() * (UP_MAX - UP_MIN)));
          if (PUSHES > 0 && pushes >= PUSHES) break;
          await killHard(server);
          kills++;
          await new Promise((r) => setTimeout(r, 200));
          server = await startServerProcess(env, port);
        }
        await new Promise((r) => setTimeout(r, 500));
        stop = true;
        await work;
        await issued.collect([tablet.store]);
        await syncHard(engine, 10);
        await syncHard(engine, 10);
        const db =
          dialect === 'sqlite'
            ? openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') })
            : openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
        try {
          if (process.env.TELUSUR_SOAK_REPORT) {
            const c = await checkExactlyOnce(db.db, [tablet.store], issued);
            const seqOf = (key: string) => Number(key.split(':')[1]);
            const lostAcked = c.unaccounted.filter((k) => seqOf(k) <= ackedThrough).length;
            const receipt = await call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
            let verified = 0;
            for (const sha of (receipt.body?.hashes ?? []) as string[]) {
              const bytes = readFileSync(join(dataDir, 'files', sha.slice(0, 2), sha));
              if (createHash('sha256').update(bytes).digest('hex') === sha) verified++;
            }
            soakReport(
              'kill9',
              {
                dialect,
                pushes,
                pushesAnswered,
                kills,
                mutations: c.mutations,
                acknowledged: ackedThrough,
                lostAcknowledged: lostAcked,
                lostAny: c.unaccounted.length + c.undelivered.length,
                duplicated: c.duplicated.length,
                photos,
                hashesVerified: verified,
                seconds: (performance.now() - started) / 1000,
              },
              `≥ ${PUSHES || 'a few'} pushes with kills at random points: acknowledged mutations lost 0`,
              lostAcked === 0 &&
                c.unaccounted.length === 0 &&
                c.duplicated.length === 0 &&
                pushes >= PUSHES &&
                verified === photos,
            );
          }
          const once = await expectExactlyOnce(db.db, [tablet.store], issued);
          expect(once.applied).toBeGreaterThan(0);
        } finally {
          await db.close();
        }
        expect(syncs).toBeGreaterThan(0);
        const receipt = await call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
        const local = await tablet.store.evidence.listByAssessment(a);
        expect(local.length).toBe(photos);
        expect([...receipt.body.hashes].sort()).toEqual(
          [...new Set(local.map((f) => f.sha256))].sort(),
        );
        expect(engine.getStatus().receipts[a]).toMatchObject({ local: photos, confirmed: photos });
        for (const sha of receipt.body.hashes as string[]) {
          const bytes = readFileSync(join(dataDir, 'files', sha.slice(0, 2), sha));
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
        }
      },
      TIMEOUT,
    );
  });
}
