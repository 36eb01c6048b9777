import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import type { Dialect } from '../../src/server/db/database';
import { createServices } from '../../src/server/services';
import type { SyncEngine } from '../../src/sync';
import { pgUrl } from './ops-cli';
import { PG_URL, TEST_CONFIG } from './server-context';
import { photoBytes, syncHard, type Tablet, tabletEngine } from './sync-harness';
import { IssuedLog } from './sync-invariants';

/**
 * A verifier working on a real tablet engine against a real server process over HTTP, for the
 * suites that do something to the server while the field keeps pushing (backup, restore,
 * going live): values, notes and a photo every other edit, synced after each edit, with every
 * issued change logged and the server's acknowledgements counted.
 */
export interface FieldWork {
  engine: SyncEngine;
  /** The tablet's first assessment (after the first sync). */
  assessmentId: string;
  /** Every change the tablet issued, by `deviceId:seq`. */
  issued: IssuedLog;
  /** 200 answers to a push so far. */
  acks(): number;
  /** The highest seq the server acknowledged (appliedThrough of a 200 to a push). */
  ackedThrough(): number;
  /** Resolve once at least `n` pushes have been acknowledged. */
  untilAcks(n: number): Promise<void>;
  /** Start editing in the background (indicators 1..`indicators`, round robin). */
  start(indicators: number): void;
  /** Stop editing and wait for the current round to end. */
  stop(): Promise<void>;
}

/**
 * Sync `tablet` once against `baseUrl` (uploads on) and make it ready to keep working.
 * @throws when the first sync never succeeds or the tablet has no assessment.
 */
export async function fieldWork(tablet: Tablet, baseUrl: string): Promise<FieldWork> {
  let acks = 0;
  let ackedThrough = 0;
  const engine = tabletEngine(
    tablet,
    async (u, i) => {
      const res = await fetch(u, i);
      if (String(u).endsWith('/api/sync/push') && res.status === 200) {
        const body = (await res.clone().json()) as { appliedThrough?: number };
        ackedThrough = Math.max(ackedThrough, Number(body.appliedThrough ?? 0));
        acks++;
      }
      return res;
    },
    { baseUrl, uploads: true },
  );
  await syncHard(engine);
  const [first] = await tablet.store.assessments.list();
  const assessmentId = first?.id as string;
  expect(assessmentId).toBeTruthy();
  const issued = new IssuedLog();
  let working = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    engine,
    assessmentId,
    issued,
    acks: () => acks,
    ackedThrough: () => ackedThrough,
    async untilAcks(n) {
      while (acks < n) await new Promise((r) => setTimeout(r, 50));
    },
    start(indicators) {
      working = true;
      loop = (async () => {
        for (let i = 0; working; i++) {
          const no = 1 + (i % indicators);
          await tablet.store.verifications.update(assessmentId, no, {
            verifiedLevel: 1 + (i % 5),
            notes: `Dokumen diperiksa (${i})`,
          });
          if (i % 2 === 0)
            await tablet.store.evidence.add({
              assessmentId,
              indicatorNo: no,
              blob: new Blob([photoBytes(50_000 + (i % 7) * 10_000)], { type: 'image/jpeg' }),
              name: `dokumen-${i}.jpg`,
              width: 1024,
              height: 768,
              location: null,
            });
          await issued.collect([tablet.store]);
          // A failed round (the server stopping, a timeout) is retried by the next one.
          await engine.sync().catch(() => undefined);
        }
      })();
    },
    async stop() {
      working = false;
      await loop;
    },
  };
}

/** A server's data for the process suites: where it lives and who can log in. */
export interface FieldTarget {
  /** A temp folder of the suite (the data, archives, restore targets go under it). */
  work: string;
  /** The server's environment: DATA_DIR (and DATABASE_URL on PostgreSQL), no demo, no PWA. */
  env: Record<string, string>;
  /** The PostgreSQL schema (a restore of its backup goes into one of the same name). */
  schema: string;
  verifierId: string;
  /** The verifier's one assessment. */
  assessmentId: string;
  coordinator: { email: string; password: string };
  /** Drop the PostgreSQL schema and remove the temp folder. */
  cleanup(): Promise<void>;
}

/**
 * A fresh database for a real server process, filled without the demo: a coordinator, one
 * verifier assigned one unit of an active SPBE 2020 period. SQLite in a temp DATA_DIR, or a new
 * PostgreSQL schema of PG_URL.
 */
export async function fieldTarget(dialect: Dialect, label: string): Promise<FieldTarget> {
  const work = mkdtempSync(join(tmpdir(), `telusur-${label}-`));
  const dataDir = join(work, 'data');
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    NODE_ENV: 'development',
    STATIC_DIR: join(work, 'no-pwa'),
  };
  const schema = `f_${randomBytes(5).toString('hex')}`;
  let admin: pg.Pool | null = null;
  if (dialect === 'postgres') {
    admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    env.DATABASE_URL = pgUrl(PG_URL as string, schema);
  }
  const coordinator = { email: `koordinator@${label}.test`, password: `sandi-rahasia-${label}` };
  const handle =
    dialect === 'sqlite'
      ? openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') })
      : openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
  let verifierId: string;
  let assessmentId: string;
  try {
    await prepareDatabase(handle.db);
    const s = createServices({
      db: handle.db,
      clock: Date.now,
      config: resolveConfig(TEST_CONFIG),
    });
    const coord = await s.accounts.create({
      ...coordinator,
      name: 'Koordinator',
      role: 'coordinator',
    });
    const v = await s.accounts.create({
      email: `v@${label}.test`,
      name: 'Verifikator',
      role: 'verifier',
    });
    const unit = await s.units.create({
      code: 'UJI',
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
      { periodId: period.id, verifierId: v.id, unitIds: [unit.id] },
      coord.id,
    );
    verifierId = v.id;
    assessmentId = (await s.assignments.list({ periodId: period.id }))[0]?.assessmentId as string;
  } finally {
    await handle.close();
  }
  return {
    work,
    env,
    schema,
    verifierId,
    assessmentId,
    coordinator,
    async cleanup() {
      rmSync(work, { recursive: true, force: true });
      if (admin) {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      }
    },
  };
}
