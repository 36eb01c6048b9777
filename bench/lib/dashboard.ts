/**
 * 6. Dashboard aggregation: the coordinator's dashboard (`services.dashboard.dashboard`,
 * what GET /api/dashboard/:periodId answers) over a period with 10,000 units × 47
 * indicators, every one verified and self-assessed, on SQLite and on PostgreSQL.
 *
 * The scratch databases are migrated and demo-seeded by the server's own code, then the
 * 10,000 units are added with bulk SQL (INSERT … SELECT over recursive CTEs, the same
 * statements on both databases): units, assessments, assignments, 47 self-assessed levels
 * each, and per verification record the fields a tablet's push leaves in the record store
 * (assessmentId, indicatorNo, verifiedLevel, notes, notApplicable), plus 3 evidence files
 * per unit (references, records, 90 % held). The change log is not filled by the bulk load.
 *
 * The dashboard caches its period-wide aggregates under a database fingerprint read on
 * every call (dashboard.service.ts), so the timed calls measure what a coordinator gets while
 * nothing changes; the first call after a real tablet push (through `services.sync.push`,
 * which moves the fingerprint) is measured apart, as information. Both are checked equal to
 * a full recomputation (cache bypassed).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { MAX_PAGE } from '../../src/core';
import { prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import type { Database } from '../../src/server/db/database';
import { ReportingRepository } from '../../src/server/db/reporting.repository';
import { DEMO_ACCOUNTS, PEMDA_CODE, seedDemo } from '../../src/server/seed';
import { createServices } from '../../src/server/services';
import { TMP } from './paths';
import {
  atMost,
  type BenchModule,
  notMeasured,
  type Result,
  ratioResult,
  valueResult,
} from './result';

const MODULE = 'dashboard';
const UNITS = Number(process.env.BENCH_DASHBOARD_UNITS ?? 10_000);
const INDICATORS = 47;
const FILES_PER_UNIT = 3;
const RUNS = 5;
/** First calls after a push (each after its own push). */
const AFTER_PUSH_RUNS = 3;
const GOAL_MS = 500;
const PG_URL = process.env.TELUSUR_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const context: string[] = [];

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Bulk rows for UNITS units (BENCH_DASHBOARD_UNITS, default 10,000) × 47 indicators, one
 * statement per table, identical SQL on both databases. Also the export benchmark's seed
 * (bench/lib/export.ts): call it on a migrated, demo-seeded database.
 */
export async function seedUnits(
  db: Kysely<Database>,
  periodId: string,
  pemdaId: string,
  verifierId: string,
): Promise<void> {
  // Literal, not a parameter: PostgreSQL would type a parameter in a SELECT list as text.
  const now = sql.lit(Date.now());
  const series = sql`with recursive u(i) as (select 1 union all select i + 1 from u where i < ${sql.lit(UNITS)}), ind(n) as (select 1 union all select n + 1 from ind where n < ${sql.lit(INDICATORS)})`;
  // Self level 1–5; the verified level one lower for a third of the cells (over-claims),
  // one higher for a seventh; 2.5 % marked not applicable.
  const self = sql`(1 + (i * 3 + n * 7) % 5)`;
  const verified = sql`(case when (i + n) % 3 = 0 and (i * 3 + n * 7) % 5 > 0 then (i * 3 + n * 7) % 5 when (i + n) % 7 = 0 and (i * 3 + n * 7) % 5 < 4 then 2 + (i * 3 + n * 7) % 5 else 1 + (i * 3 + n * 7) % 5 end)`;
  const aid = sql`'bench-a-' || i`;
  await sql`${series} insert into units (id, parent_id, kind, name, code, demo, created_at, updated_at)
    select 'bench-u-' || i, ${pemdaId}, 'opd', 'Unit uji beban ' || i, 'BEBAN.' || (100000 + i), 0, ${now}, ${now} from u`.execute(
    db,
  );
  await sql`${series} insert into assessments (id, period_id, unit_id, framework_id, status, submitted_at, created_at, updated_at)
    select ${aid}, ${periodId}, 'bench-u-' || i, 'spbe-2020', case when i % 4 = 0 then 'sedang' else 'selesai' end, null, ${now}, ${now} from u`.execute(
    db,
  );
  await sql`${series} insert into assignments (id, period_id, unit_id, verifier_id, assessment_id, created_at, created_by)
    select 'bench-g-' || i, ${periodId}, 'bench-u-' || i, ${verifierId}, ${aid}, ${now}, null from u`.execute(
    db,
  );
  await sql`${series} insert into self_assessments (period_id, unit_id, indicator_no, level, justification, updated_at, updated_by)
    select ${periodId}, 'bench-u-' || i, n, ${self}, 'Penilaian mandiri', ${now}, null from u cross join ind`.execute(
    db,
  );
  const fields = sql`, f(k) as (select 1 union all select k + 1 from f where k < 5)`;
  await sql`${series}${fields} insert into record_fields (entity, record_id, field, value_json, version, assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc)
    select 'verification', ${aid} || ':' || n,
      case k when 1 then 'assessmentId' when 2 then 'indicatorNo' when 3 then 'verifiedLevel' when 4 then 'notes' else 'notApplicable' end,
      case k when 1 then '"' || ${aid} || '"' when 2 then cast(n as text) when 3 then cast(${verified} as text)
        when 4 then '"Dokumen indikator ' || n || ' diperiksa di lokasi."'
        else case when (i * 11 + n) % 40 = 0 then 'true' else 'false' end end,
      1, ${aid}, i, null, null, ${now}, ${now}, null
    from u cross join ind cross join f`.execute(db);
  // The assessment's status record, as a tablet's push leaves it.
  await sql`${series} insert into record_fields (entity, record_id, field, value_json, version, assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc)
    select 'assessment', ${aid}, 'status', case when i % 4 = 0 then '"sedang"' else '"selesai"' end, 1, ${aid}, i, null, null, ${now}, ${now}, null from u`.execute(
    db,
  );
  // Evidence: FILES_PER_UNIT photos per unit, 90 % of them held by the server.
  const files = sql`, ev(k) as (select 1 union all select k + 1 from ev where k < ${sql.lit(FILES_PER_UNIT)})`;
  const evFields = sql`, f(j) as (select 1 union all select j + 1 from f where j < 4)`;
  await sql`${series}${files} insert into evidence_refs (sha256, record_id, assessment_id)
    select 'beban-' || i || '-' || k, 'bench-e-' || i || '-' || k, ${aid} from u cross join ev`.execute(
    db,
  );
  await sql`${series}${files} insert into files (sha256, bytes, mime, received_at, received_by_device)
    select 'beban-' || i || '-' || k, 300000, 'image/jpeg', ${now}, null from u cross join ev where (i + k) % 10 <> 0`.execute(
    db,
  );
  await sql`${series}${files}${evFields} insert into record_fields (entity, record_id, field, value_json, version, assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc)
    select 'evidenceFile', 'bench-e-' || i || '-' || k,
      case j when 1 then 'assessmentId' when 2 then 'indicatorNo' when 3 then 'sha256' else 'deleted' end,
      case j when 1 then '"' || ${aid} || '"' when 2 then cast(1 + (i + k) % 47 as text) when 3 then '"beban-' || i || '-' || k || '"' else 'false' end,
      1, ${aid}, i, null, null, ${now}, ${now}, null
    from u cross join ev cross join f`.execute(db);
}

interface Measured {
  samples: number[];
  /** The first call after each of AFTER_PUSH_RUNS tablet pushes. */
  afterPush: number[];
  /** The warm-up call: the first of the process, every aggregate computed whole. */
  firstMs: number;
  raw: number[];
  seedSeconds: number;
  rows: number;
  parts: { name: string; ms: number }[];
  units: number;
  heatmapRows: number;
}

async function measure(
  open: () => ReturnType<typeof openDatabase>,
  afterSeed: (db: Kysely<Database>) => Promise<void>,
): Promise<Measured> {
  const handle = open();
  try {
    const db = handle.db;
    await prepareDatabase(db);
    const services = createServices({
      db,
      clock: Date.now,
      config: resolveConfig({ scrypt: { N: 1024, r: 8, p: 1 } }),
    });
    const demo = await seedDemo(services, { nodeEnv: 'test' });
    const pemda = (await services.units.tree()).find((u) => u.code === PEMDA_CODE);
    const verifier = (await services.accounts.listVerifiers()).find(
      (v) => v.email === DEMO_ACCOUNTS[2].email,
    );
    const coordinator = await db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', DEMO_ACCOUNTS[0].email)
      .executeTakeFirst();
    if (!pemda || !verifier || !coordinator) throw new Error('demo seed incomplete');
    const t0 = performance.now();
    await seedUnits(db, demo.periodId, pemda.id, verifier.id);
    await afterSeed(db);
    const seedSeconds = (performance.now() - t0) / 1000;
    const rows = Number(
      (
        await db
          .selectFrom('recordFields')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

    // Raw lower bound: one GROUP BY over the verified-level index (what "progress" needs at least).
    const raw = async () => {
      const t = performance.now();
      await sql`select assessment_id, count(*) from record_fields where entity = 'verification' and field = 'verifiedLevel' and value_json <> 'null' group by assessment_id`.execute(
        db,
      );
      return performance.now() - t;
    };
    const call = async () => {
      const t = performance.now();
      const view = await services.dashboard.dashboard(demo.periodId);
      return { ms: performance.now() - t, view };
    };
    // Warm-up (statement caches, buffer pool / page cache), then RUNS timed calls, each
    // next to a raw GROUP BY, alternating order.
    const first = await call();
    await raw();
    if (first.view.progress.total < UNITS)
      throw new Error(`dashboard lists ${first.view.progress.total} units`);
    const samples: number[] = [];
    const raws: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      if (r % 2) {
        raws.push(await raw());
        samples.push((await call()).ms);
      } else {
        samples.push((await call()).ms);
        raws.push(await raw());
      }
    }
    // Sanity: what the timed calls served equals a full recomputation (cache bypassed).
    const same = async (why: string) => {
      const served = await services.dashboard.dashboard(demo.periodId);
      const fresh = await services.dashboard.dashboard(demo.periodId, {}, {}, { cache: false });
      const strip = (v: object) => JSON.stringify({ ...v, generatedAt: 0 });
      if (strip(served) !== strip(fresh))
        throw new Error(`dashboard ${why} differs from a full recomputation`);
      return served;
    };
    await same('after the timed calls');
    // The first call after a tablet push: a real push of one verified level (a bench unit's
    // record, assigned to the demo verifier) through the sync service, then one call.
    const ticket = await services.devices.createEnrolment(verifier.id, coordinator.id);
    const enrolled = await services.devices.enrol(
      ticket.code,
      'Bench dashboard',
      'bench-dashboard',
    );
    const principal = await services.auth.resolve(enrolled.token);
    const afterPush: number[] = [];
    // The pushed units' verified counts, from a page that holds them (units in code order:
    // the demo's 72, then the bench's).
    const verifiedOf = async (unitId: string) =>
      (await services.dashboard.dashboard(demo.periodId, {}, { limit: MAX_PAGE })).units.find(
        (u) => u.unitId === unitId,
      )?.verified;
    for (let r = 0; r < AFTER_PUSH_RUNS; r++) {
      const unitId = `bench-u-${r + 1}`;
      const before = await verifiedOf(unitId);
      if (before === undefined) throw new Error(`${unitId} not on the first page`);
      const at = Date.now();
      const deviceId = enrolled.device.id;
      await services.sync.push(principal, deviceId, [
        {
          deviceId,
          seq: r + 1,
          entity: 'verification',
          id: `bench-a-${r + 1}:1`,
          changes: { verifiedLevel: null },
          baseVersions: { verifiedLevel: 1 },
          hlc: `${String(at).padStart(13, '0')}-0000-${deviceId}`,
          at,
        },
      ] as never);
      afterPush.push((await call()).ms);
      // Sanity: the push shows (one verified level fewer).
      const after = await verifiedOf(unitId);
      if (after !== before - 1) throw new Error(`push not shown: ${before} → ${after} verified`);
    }
    await same('after the pushes');
    // Where the time goes: the repository queries the dashboard runs, each timed alone.
    const repo = new ReportingRepository(db);
    const page = first.view.units.slice(0, first.view.limit);
    const timed = async (name: string, f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      return { name, ms: performance.now() - t };
    };
    const parts = [
      await timed('unitProgress (all units)', () => repo.unitProgress(demo.periodId)),
      await timed('overclaims (all units)', () => repo.overclaims(demo.periodId)),
      await timed(`verificationCells (page of ${page.length})`, () =>
        repo.verificationCells(
          page.filter((u) => u.assessmentId).map((u) => u.assessmentId as string),
        ),
      ),
      await timed(`selfLevels (page of ${page.length})`, () =>
        repo.selfLevels(
          demo.periodId,
          page.map((u) => u.unitId),
        ),
      ),
    ];
    return {
      samples,
      afterPush,
      firstMs: first.ms,
      raw: raws,
      seedSeconds,
      rows,
      parts,
      units: first.view.progress.total,
      heatmapRows: first.view.heatmap.rows.length,
    };
  } finally {
    await handle.close();
  }
}

function results(name: string, m: Measured, dbLabel: string): Result[] {
  const partsText = m.parts.map((p) => `${p.name} ${p.ms.toFixed(0)} ms`).join(', ');
  context.push(
    `${dbLabel}: ${m.units.toLocaleString('en-US')} units in the period, ${m.rows.toLocaleString('en-US')} record-store rows; seeded in ${m.seedSeconds.toFixed(0)} s. Dashboard calls: ${m.samples.map((s) => `${s.toFixed(0)} ms`).join(', ')} (heatmap page ${m.heatmapRows} rows); first call after each of ${AFTER_PUSH_RUNS} pushes: ${m.afterPush.map((s) => `${s.toFixed(0)} ms`).join(', ')}; the process's first call (everything computed whole, as after a coordinator's edit of units, assignments or self levels): ${m.firstMs.toFixed(0)} ms. The queries alone: ${partsText}.`,
  );
  return [
    valueResult({
      module: MODULE,
      name,
      unit: 'ms',
      values: m.samples,
      goal: atMost(GOAL_MS, 'ms'),
      note: `median of ${RUNS} calls after a warm-up, nothing written in between (period aggregates from the cache, its fingerprint read per call); whole dashboard view (progress of every unit, city index, groups, heatmap page, over-claims), checked equal to a full recomputation`,
      ifMissed: `${dbLabel}: with the period aggregates cached, a call still reads the fingerprint, the city index and the page (heatmap cells, self levels, evidence checks, signing fields of ${m.heatmapRows} rows) and builds the view in JavaScript; recomputing the aggregates takes ${partsText}.`,
    }),
    valueResult({
      module: MODULE,
      name: `${name}: first call after a tablet push`,
      unit: 'ms',
      values: m.afterPush,
      goal: null,
      note: `median of ${AFTER_PUSH_RUNS} calls, each the first after a real push of one verified level (services.sync.push): the fingerprint moved, so the period aggregates are recomputed (${partsText}); checked to show the push`,
    }),
    ratioResult({
      module: MODULE,
      name: `${name}: vs one raw GROUP BY over the verified levels`,
      unit: 'ms',
      subject: m.samples,
      baseline: m.raw,
      baselineName: 'raw SQL: verified levels counted per assessment (index-only)',
      goal: null,
      note: 'how far the whole view is from the cheapest aggregation it contains',
    }),
  ];
}

const SQLITE_NAME = 'dashboard, 10,000 units × 47 indicators, SQLite';
const PG_NAME = 'dashboard, 10,000 units × 47 indicators, PostgreSQL';

export const dashboard: BenchModule = {
  name: MODULE,
  title: '6. Dashboard aggregation',
  description: `\`services.dashboard.dashboard(periodId)\` (the view GET /api/dashboard/:periodId returns, default page of units) on a period with ${UNITS.toLocaleString('en-US')} units × ${INDICATORS} indicators (plus the demo's 72 units), every indicator self-assessed and verified, ${FILES_PER_UNIT} evidence files per unit. Scratch databases migrated and demo-seeded by the server's code; the bulk rows added with INSERT … SELECT (same SQL on both): per verification the fields a push leaves (assessmentId, indicatorNo, verifiedLevel, notes, notApplicable); the change log left empty (not read). SQLite: a file in WAL mode, as the server opens it, no ANALYZE (the server never runs it). PostgreSQL: a scratch database of its own, ANALYZE after the bulk load (as autovacuum would soon do), dropped afterwards. Median of ${RUNS} calls after one warm-up, nothing written in between: the period aggregates (progress of every unit, over-claims) come from the per-process cache, validated per call by a fingerprint query (change-log head + trigger-bumped reporting version); absolute goal, with a raw GROUP BY measured alongside for scale. Information row: the first call after each of ${AFTER_PUSH_RUNS} real tablet pushes (recomputes the aggregates). Both checked equal to a full recomputation (cache bypassed).`,
  context,
  async run(): Promise<Result[]> {
    const out: Result[] = [];
    const dir = join(TMP, `dashboard-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    try {
      const s = await measure(
        () => openDatabase({ sqliteFile: join(dir, 'dashboard.sqlite') }),
        async () => undefined,
      );
      out.push(...results(SQLITE_NAME, s, 'SQLite'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (!(await reachable(PG_URL))) {
      out.push(
        notMeasured(
          MODULE,
          PG_NAME,
          `≤ ${GOAL_MS.toLocaleString('en-US')} ms`,
          `PostgreSQL not reachable at ${new URL(PG_URL).host} (set TELUSUR_PG_URL)`,
        ),
      );
      return out;
    }
    const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    const dbName = `telusur_bench_dash_${randomBytes(5).toString('hex')}`;
    const url = new URL(PG_URL);
    url.pathname = `/${dbName}`;
    try {
      await admin.query(`CREATE DATABASE ${dbName}`);
      const p = await measure(
        () => openDatabase({ databaseUrl: url.toString(), pgPoolSize: 10 }),
        async (db) => {
          await sql`analyze`.execute(db);
        },
      );
      const version = (
        await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")
      ).rows[0]?.v;
      out.push(...results(PG_NAME, p, `PostgreSQL ${version}`));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
    return out;
  },
};
