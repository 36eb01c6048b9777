/**
 * 4. Server ingest: N simulated tablets push batches of 47 verification mutations to the real
 * server (`POST /api/sync/push` over HTTP on loopback, server in its own process) vs raw
 * transactional upserts of the same field rows plus one change-log row each, straight into
 * the server's own (migrated) tables — better-sqlite3 in WAL mode, and node-postgres.
 *
 * A "row" is one field write: one `record_fields` upsert and one `changes` insert. Each timed
 * batch is 47 mutations × 3 changed fields = 141 rows.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';
import { prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase, preparedOnce } from '../../src/server/db/connect';
import type { Database } from '../../src/server/db/database';
import { DEMO_ACCOUNTS, seedDemo } from '../../src/server/seed';
import { createServices } from '../../src/server/services';
import { ROOT, TMP } from './paths';
import {
  type BenchModule,
  median,
  notMeasured,
  type Result,
  ratioAtLeast,
  ratioResult,
} from './result';

const MODULE = 'ingest';
const DEVICES = 8;
const INDICATORS = 47;
const FIELDS = 3;
/** Timed batches per device per run. */
const BATCHES = 6;
const RUNS = 5;
const PG_URL = process.env.TELUSUR_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Device {
  deviceId: string;
  token: string;
  assessmentId: string;
  seq: number;
  /** Current server version per `${no}|${field}`. */
  versions: Map<string, number>;
  batch: number;
}

interface Mutation {
  deviceId: string;
  seq: number;
  entity: 'verification';
  id: string;
  changes: Record<string, unknown>;
  baseVersions: Record<string, number>;
  hlc: string;
  at: number;
}

/** The next batch of one device: every indicator changes verifiedLevel, notes and one check. */
function nextBatch(d: Device, create = false): Mutation[] {
  const k = ++d.batch;
  const at = Date.now();
  const out: Mutation[] = [];
  for (let no = 1; no <= INDICATORS; no++) {
    const changes: Record<string, unknown> = {
      verifiedLevel: ((k + no) % 5) + 1,
      notes: `Catatan verifikasi putaran ${k}, indikator ${no}: dokumen diperiksa di lokasi.`,
      'checks.1.0': { state: k % 2 ? 'present' : 'inadequate', note: `putaran ${k}` },
    };
    if (create) Object.assign(changes, { assessmentId: d.assessmentId, indicatorNo: no });
    const baseVersions: Record<string, number> = {};
    for (const f of Object.keys(changes)) baseVersions[f] = d.versions.get(`${no}|${f}`) ?? 0;
    out.push({
      deviceId: d.deviceId,
      seq: ++d.seq,
      entity: 'verification',
      id: `${d.assessmentId}:${no}`,
      changes,
      baseVersions,
      hlc: `${String(at).padStart(13, '0')}-0000-${d.deviceId}`,
      at,
    });
  }
  return out;
}

// ---- the server over HTTP ----------------------------------------------------------------

interface ServerProc {
  child: ChildProcess;
  port: number;
  devices: Device[];
}

function startServer(target: string, schema: string, blobDir: string): Promise<ServerProc> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(process.env.BENCH_INGEST_PROFILE
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_INGEST_PROFILE}`]
          : []),
        '--import',
        'tsx',
        join(ROOT, 'bench/lib/ingest-server.ts'),
        target,
        schema,
        String(DEVICES),
        blobDir,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${err.slice(-500)}`));
    }, 120_000);
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.stdout?.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const info = JSON.parse(out.slice(0, nl)) as {
        port: number;
        devices: { deviceId: string; token: string; assessmentId: string }[];
      };
      resolve({
        child,
        port: info.port,
        devices: info.devices.map((x) => ({ ...x, seq: 0, versions: new Map(), batch: 0 })),
      });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${err.slice(-800)}`));
    });
  });
}

async function stopServer(s: ServerProc): Promise<void> {
  if (s.child.exitCode !== null) return;
  const gone = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  if (s.child.exitCode === null) s.child.kill('SIGKILL');
}

interface PushResponse {
  appliedThrough: number;
  results: { seq: number; fields: Record<string, { outcome: string; version: number }> }[];
  conflicts: unknown[];
}

/** Push one batch; returns the number of field rows the server applied. */
async function push(port: number, d: Device, mutations: Mutation[]): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/sync/push`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${d.token}`,
      'content-type': 'application/json',
      [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
    },
    body: JSON.stringify({ deviceId: d.deviceId, mutations }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`push ${res.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as PushResponse;
  const last = mutations.at(-1)?.seq ?? 0;
  if (body.appliedThrough !== last)
    throw new Error(`push acknowledged ${body.appliedThrough}, sent through ${last}`);
  if (body.conflicts.length > 0) throw new Error(`push made ${body.conflicts.length} conflicts`);
  let applied = 0;
  const bySeq = new Map(mutations.map((m) => [m.seq, m]));
  for (const r of body.results) {
    const m = bySeq.get(r.seq);
    const no = Number(m?.id.split(':').at(-1));
    for (const [f, o] of Object.entries(r.fields)) {
      d.versions.set(`${no}|${f}`, o.version);
      if (o.outcome === 'applied') applied++;
    }
  }
  return applied;
}

/** All devices push `batches` batches each, concurrently. Returns [rows applied, ms]. */
async function serverRun(
  s: ServerProc,
  batches: number,
  create = false,
): Promise<[number, number]> {
  const t0 = performance.now();
  const rows = await Promise.all(
    s.devices.map(async (d) => {
      let n = 0;
      for (let b = 0; b < batches; b++) n += await push(s.port, d, nextBatch(d, create));
      return n;
    }),
  );
  return [rows.reduce((a, b) => a + b, 0), performance.now() - t0];
}

// ---- raw baselines ---------------------------------------------------------------------

interface RawRow {
  entity: string;
  recordId: string;
  field: string;
  valueJson: string;
  version: number;
  assessmentId: string;
  deviceId: string;
  deviceSeq: number;
  deviceAt: number;
  hlc: string;
}

/** The field rows a batch writes, with versions tracked in memory. */
function rowsOf(d: Device, mutations: Mutation[]): RawRow[] {
  const rows: RawRow[] = [];
  for (const m of mutations) {
    const no = Number(m.id.split(':').at(-1));
    for (const [field, value] of Object.entries(m.changes)) {
      const version = (d.versions.get(`${no}|${field}`) ?? 0) + 1;
      d.versions.set(`${no}|${field}`, version);
      rows.push({
        entity: m.entity,
        recordId: m.id,
        field,
        valueJson: JSON.stringify(value),
        version,
        assessmentId: d.assessmentId,
        deviceId: d.deviceId,
        deviceSeq: m.seq,
        deviceAt: m.at,
        hlc: m.hlc,
      });
    }
  }
  return rows;
}

function fakeDevices(): Device[] {
  return Array.from({ length: DEVICES }, (_, i) => ({
    deviceId: `0190a6f2-0000-7000-8000-${String(i).padStart(12, '0')}`,
    token: '',
    assessmentId: `0190a6f2-0000-7000-9000-${String(i).padStart(12, '0')}`,
    seq: 0,
    versions: new Map(),
    batch: 0,
  }));
}

const CHANGE_COLS =
  'entity, record_id, field, value_json, version, assessment_id, source, device_id, device_seq, account_id, device_at, server_at, hlc';
const FIELD_COLS =
  'entity, record_id, field, value_json, version, assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc';
const FIELD_UPDATE =
  'value_json = excluded.value_json, version = excluded.version, updated_seq = excluded.updated_seq, updated_by_device = excluded.updated_by_device, updated_by_account = excluded.updated_by_account, device_at = excluded.device_at, server_at = excluded.server_at, hlc = excluded.hlc';

/** Raw better-sqlite3: one transaction per batch, a prepared insert + upsert per row. */
class RawSqlite {
  private readonly db: SQLite.Database;
  private readonly tx: (rows: RawRow[]) => void;
  constructor(file: string) {
    this.db = new SQLite(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    const change = this.db.prepare(
      `INSERT INTO changes (${CHANGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, 'push', ?, ?, NULL, ?, ?, ?)`,
    );
    const upsert = this.db.prepare(
      `INSERT INTO record_fields (${FIELD_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?) ON CONFLICT (entity, record_id, field) DO UPDATE SET ${FIELD_UPDATE}`,
    );
    this.tx = this.db.transaction((rows: RawRow[]) => {
      const now = Date.now();
      for (const r of rows) {
        const seq = change.run(
          r.entity,
          r.recordId,
          r.field,
          r.valueJson,
          r.version,
          r.assessmentId,
          r.deviceId,
          r.deviceSeq,
          r.deviceAt,
          now,
          r.hlc,
        ).lastInsertRowid;
        upsert.run(
          r.entity,
          r.recordId,
          r.field,
          r.valueJson,
          r.version,
          r.assessmentId,
          seq,
          r.deviceId,
          r.deviceAt,
          now,
          r.hlc,
        );
      }
    });
  }
  /** Every device's batches, one writer (SQLite has one). */
  run(devices: Device[], batches: number, create = false): [number, number] {
    const work = devices.flatMap((d) =>
      Array.from({ length: batches }, () => rowsOf(d, nextBatch(d, create))),
    );
    const t0 = performance.now();
    for (const rows of work) this.tx(rows);
    return [work.reduce((n, r) => n + r.length, 0), performance.now() - t0];
  }
  close() {
    this.db.close();
  }
}

/** Raw node-postgres: one transaction per batch with a multi-row insert and a multi-row upsert; devices concurrent. */
class RawPg {
  private readonly pool: pg.Pool;
  constructor(url: string, schema: string) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: DEVICES,
      options: `-c search_path=${schema}`,
    });
  }
  private async batch(rows: RawRow[]) {
    const c = await this.pool.connect();
    try {
      const now = Date.now();
      await c.query('BEGIN');
      const cv: unknown[] = [];
      const cp = rows.map((r, i) => {
        cv.push(
          r.entity,
          r.recordId,
          r.field,
          r.valueJson,
          r.version,
          r.assessmentId,
          r.deviceId,
          r.deviceSeq,
          r.deviceAt,
          now,
          r.hlc,
        );
        const b = i * 11;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, 'push', $${b + 7}, $${b + 8}, NULL, $${b + 9}, $${b + 10}, $${b + 11})`;
      });
      const seqs = (
        await c.query<{ seq: number }>(
          `INSERT INTO changes (${CHANGE_COLS}) VALUES ${cp.join(', ')} RETURNING seq`,
          cv,
        )
      ).rows;
      const fv: unknown[] = [];
      const fp = rows.map((r, i) => {
        fv.push(
          r.entity,
          r.recordId,
          r.field,
          r.valueJson,
          r.version,
          r.assessmentId,
          seqs[i]?.seq,
          r.deviceId,
          r.deviceAt,
          now,
          r.hlc,
        );
        const b = i * 11;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, NULL, $${b + 9}, $${b + 10}, $${b + 11})`;
      });
      await c.query(
        `INSERT INTO record_fields (${FIELD_COLS}) VALUES ${fp.join(', ')} ON CONFLICT (entity, record_id, field) DO UPDATE SET ${FIELD_UPDATE}`,
        fv,
      );
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }
  async run(devices: Device[], batches: number, create = false): Promise<[number, number]> {
    const work = devices.map((d) =>
      Array.from({ length: batches }, () => rowsOf(d, nextBatch(d, create))),
    );
    const t0 = performance.now();
    await Promise.all(
      work.map(async (list) => {
        for (const rows of list) await this.batch(rows);
      }),
    );
    return [work.flat().reduce((n, r) => n + r.length, 0), performance.now() - t0];
  }
  close() {
    return this.pool.end();
  }
}

// ---- where the server's time goes (in-process, SQLite) ---------------------------------

interface Breakdown {
  perPushMs: number;
  queries: number;
  sqlMs: number;
  top: { sql: string; ms: number }[];
  rawPerBatchMs: number;
}

/**
 * The same push, called on the service in this process (no HTTP) with Kysely's query log:
 * how long one 47-mutation push takes and how much of it is SQL.
 */
async function breakdownSqlite(
  file: string,
  blobDir: string,
  rawMsPerRow: number,
): Promise<Breakdown> {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const log: { sql: string; ms: number }[] = [];
  let on = false;
  const db = new Kysely<Database>({
    // As the server's connection (connect.ts): each statement prepared once.
    dialect: new SqliteDialect({ database: preparedOnce(sqlite) }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
    log: (e) => {
      if (on) log.push({ sql: e.query.sql, ms: e.queryDurationMillis });
    },
  });
  try {
    await prepareDatabase(db);
    const s = createServices({
      db,
      clock: Date.now,
      config: resolveConfig({ scrypt: { N: 1024, r: 8, p: 1 } }),
      blobDir,
    });
    const demo = await seedDemo(s, { nodeEnv: 'test' });
    const coordinator = await db
      .selectFrom('accounts')
      .select('id')
      .where('email', '=', DEMO_ACCOUNTS[0].email)
      .executeTakeFirstOrThrow();
    const verifier = (await s.accounts.listVerifiers()).find(
      (v) => v.email === DEMO_ACCOUNTS[2].email,
    );
    if (!verifier) throw new Error('demo verifier missing');
    const unit = (await s.units.tree())[0];
    if (!unit) throw new Error('no unit');
    const { assignments } = await s.assignments.create(
      { periodId: demo.periodId, verifierId: verifier.id, unitIds: [unit.id] },
      coordinator.id,
    );
    const ticket = await s.devices.createEnrolment(verifier.id, coordinator.id);
    const enrolled = await s.devices.enrol(ticket.code, 'Bench', 'bench-breakdown');
    const principal = await s.auth.resolve(enrolled.token);
    const d: Device = {
      deviceId: enrolled.device.id,
      token: enrolled.token,
      assessmentId: assignments[0]?.assessmentId ?? '',
      seq: 0,
      versions: new Map(),
      batch: 0,
    };
    const pushOne = async (create = false) => {
      const r = await s.sync.push(principal, d.deviceId, nextBatch(d, create) as never);
      for (const x of r.results)
        for (const [f, o] of Object.entries(x.fields)) d.versions.set(`${x.seq}|${f}`, o.version);
    };
    await pushOne(true);
    for (let i = 0; i < 3; i++) await pushOne();
    const N = 10;
    on = true;
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await pushOne();
    const perPushMs = (performance.now() - t0) / N;
    on = false;
    const agg = new Map<string, number>();
    for (const q of log) {
      const key = q.sql.replace(/\((?:\?, )+\?\)(?:, \((?:\?, )+\?\))*/g, '(…)').slice(0, 60);
      agg.set(key, (agg.get(key) ?? 0) + q.ms / N);
    }
    return {
      perPushMs,
      queries: log.length / N,
      sqlMs: log.reduce((a, q) => a + q.ms, 0) / N,
      top: [...agg]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([sql, ms]) => ({ sql, ms })),
      rawPerBatchMs: rawMsPerRow * INDICATORS * FIELDS,
    };
  } finally {
    await db.destroy();
  }
}

// ---- module ----------------------------------------------------------------------------

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

/** A fresh database of the server's schema (migrations + built-in frameworks). */
async function migrated(options: { sqliteFile?: string; databaseUrl?: string; pgSchema?: string }) {
  const h = openDatabase(options);
  await prepareDatabase(h.db);
  await h.close();
}

interface Samples {
  server: number[];
  raw: number[];
  rows: number;
}

async function measure(
  server: ServerProc,
  raw: {
    run(d: Device[], b: number, create?: boolean): [number, number] | Promise<[number, number]>;
  },
): Promise<Samples> {
  const rawDevices = fakeDevices();
  // Warm-up: create every record (5 fields each), then one update batch each.
  await serverRun(server, 1, true);
  await serverRun(server, 1);
  await raw.run(rawDevices, 1, true);
  await raw.run(rawDevices, 1);
  const out: Samples = { server: [], raw: [], rows: 0 };
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? ['server', 'raw'] : ['raw', 'server'];
    for (const who of order) {
      if (who === 'server') {
        const [rows, ms] = await serverRun(server, BATCHES);
        if (rows !== DEVICES * BATCHES * INDICATORS * FIELDS)
          throw new Error(
            `server applied ${rows} rows, expected ${DEVICES * BATCHES * INDICATORS * FIELDS}`,
          );
        out.server.push((rows / ms) * 1000);
        out.rows = rows;
      } else {
        const [rows, ms] = await raw.run(rawDevices, BATCHES);
        out.raw.push((rows / ms) * 1000);
      }
    }
  }
  return out;
}

const context: string[] = [];
const SQLITE_NAME = 'ingest, SQLite: /api/sync/push vs raw better-sqlite3 WAL upserts + change log';
const PG_NAME = 'ingest, PostgreSQL: /api/sync/push vs raw pg upserts + change log';

export const serverIngest: BenchModule = {
  name: MODULE,
  title: '4. Server ingest (sync push)',
  description: `${DEVICES} simulated tablets (one verifier, ${DEVICES} enrolled devices, each its own assigned unit) push concurrently over HTTP on loopback to the real server (createApp, demo seed, production settings except password-hash cost) running in its own process; each push is one batch of ${INDICATORS} verification mutations changing ${FIELDS} fields (verifiedLevel, notes, one evidence check) = ${INDICATORS * FIELDS} rows, where a row is one field write: a \`record_fields\` upsert plus a \`changes\` (change-log) insert. Per run each device pushes ${BATCHES} batches in sequence, after a warm-up that creates the records. Baseline: the same rows written straight into the server's own migrated tables — better-sqlite3 (WAL, synchronous NORMAL as the server) one transaction per batch with prepared statements; node-postgres one transaction per batch with one multi-row insert and one multi-row upsert, devices concurrent. ${RUNS} runs, order alternating; figures in rows/s.`,
  context,
  async run(): Promise<Result[]> {
    const results: Result[] = [];
    const dir = join(TMP, `ingest-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    try {
      // SQLite
      {
        const serverFile = join(dir, 'server.sqlite');
        const rawFile = join(dir, 'raw.sqlite');
        await migrated({ sqliteFile: rawFile });
        const server = await startServer(serverFile, '-', join(dir, 'blobs-sqlite'));
        const raw = new RawSqlite(rawFile);
        try {
          const s = await measure(server, raw);
          await stopServer(server);
          const rawMsPerRow = 1000 / median(s.raw);
          const b = await breakdownSqlite(
            join(dir, 'breakdown.sqlite'),
            join(dir, 'blobs-b'),
            rawMsPerRow,
          );
          const topText = b.top.map((q) => `\`${q.sql}…\` ${q.ms.toFixed(1)} ms`).join('; ');
          context.push(
            `Where a SQLite push's time goes (in-process, no HTTP, Kysely query log, 10 pushes): ${b.perPushMs.toFixed(1)} ms per 47-mutation push, of which ${b.sqlMs.toFixed(1)} ms in ${b.queries.toFixed(0)} SQL statements (largest: ${topText}) and ${(b.perPushMs - b.sqlMs).toFixed(1)} ms in JavaScript; the raw baseline writes the same ${INDICATORS * FIELDS} rows in ≈ ${b.rawPerBatchMs.toFixed(1)} ms.`,
          );
          results.push(
            ratioResult({
              module: MODULE,
              ifMissed: `For 0.4× a 47-mutation push may take at most ${(b.rawPerBatchMs / 0.4).toFixed(1)} ms end to end (raw writes the same ${INDICATORS * FIELDS} rows in ${b.rawPerBatchMs.toFixed(1)} ms). In-process, before HTTP, a push takes ${b.perPushMs.toFixed(1)} ms: ${b.sqlMs.toFixed(1)} ms SQL in ${b.queries.toFixed(0)} statements (the merge has to read the records' current fields and open conflicts, the change-log insert maintains three indexes and record_fields five, and the commit writes every page they touched to the WAL) and ${(b.perPushMs - b.sqlMs).toFixed(1)} ms JavaScript (statements are prepared once per connection, and the change-log insert and the field upsert run one prepared single-row statement per row as the raw baseline does, so what is left is Kysely building the small statements and camel-casing result rows, schema validation of every field, canonical JSON and the content hash of every mutation, merge decisions, and garbage collection); HTTP, auth and JSON come on top. The raw baseline does no reads, validation or merging.`,
              name: SQLITE_NAME,
              unit: 'rows/s',
              subject: s.server,
              baseline: s.raw,
              baselineName: 'raw better-sqlite3, WAL, 1 tx per batch',
              goal: ratioAtLeast(0.4),
              note: `${s.rows.toLocaleString('en-US')} rows per run`,
            }),
          );
        } finally {
          raw.close();
          await stopServer(server);
        }
      }
      // PostgreSQL
      if (!(await reachable(PG_URL))) {
        results.push(
          notMeasured(
            MODULE,
            PG_NAME,
            'ratio ≥ 0.3',
            `PostgreSQL not reachable at ${new URL(PG_URL).host} (set TELUSUR_PG_URL)`,
          ),
        );
      } else {
        // A database of its own: the server's Kysely migrator looks for its bookkeeping
        // tables in every schema of a database, so a second migrated schema next to the test
        // suite's would confuse both.
        const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
        const dbName = `telusur_bench_${randomBytes(5).toString('hex')}`;
        const url = new URL(PG_URL);
        url.pathname = `/${dbName}`;
        const benchUrl = url.toString();
        try {
          await admin.query(`CREATE DATABASE ${dbName}`);
          const server = await startServer(benchUrl, 'public', join(dir, 'blobs-pg'));
          // Raw tables: exact copies (columns, identity, keys, indexes) of the server's.
          const setup = new pg.Pool({ connectionString: benchUrl, max: 1 });
          await setup.query(
            'CREATE SCHEMA raw; CREATE TABLE raw.record_fields (LIKE public.record_fields INCLUDING ALL); CREATE TABLE raw.changes (LIKE public.changes INCLUDING ALL);',
          );
          await setup.end();
          const raw = new RawPg(benchUrl, 'raw');
          try {
            const s = await measure(server, raw);
            const version = (
              await admin.query<{ v: string }>("SELECT current_setting('server_version') AS v")
            ).rows[0]?.v;
            context.push(
              `PostgreSQL ${version} at ${url.host} (a scratch database, dropped afterwards); server pool 10 connections, raw pool ${DEVICES}; raw tables are LIKE … INCLUDING ALL copies of the server's.`,
            );
            results.push(
              ratioResult({
                module: MODULE,
                name: PG_NAME,
                unit: 'rows/s',
                subject: s.server,
                baseline: s.raw,
                baselineName: 'raw pg, 1 tx per batch, multi-row statements',
                goal: ratioAtLeast(0.3),
                note: `${s.rows.toLocaleString('en-US')} rows per run`,
                ifMissed: `A push here takes ≈ ${((INDICATORS * FIELDS * 1000) / median(s.server)).toFixed(0)} ms of server throughput per batch vs ${((INDICATORS * FIELDS * 1000) / median(s.raw)).toFixed(1)} ms raw. Besides the per-push work measured on SQLite (reads for the merge, validation, statement building), two things stay serial: every push's JavaScript runs on the server's one Node thread, and the change-log lock (pg_advisory_xact_lock, so pulls never skip a later-committed seq — DESIGN §5) is held from a push's change-log insert to its commit (insert, field upsert, commit: three round trips and a WAL flush per push). A push's reads and merge decisions run before it, under locks of its own records and device only, so the ${DEVICES} devices' pushes overlap there; the raw baseline runs ${DEVICES} whole transactions in parallel.`,
              }),
            );
          } finally {
            await raw.close();
            await stopServer(server);
          }
        } finally {
          await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
          await admin.end();
        }
      }
      context.push(
        `Sanity: every push answered 200 with appliedThrough = its last seq, no conflicts, and exactly ${INDICATORS * FIELDS} applied field writes per batch.`,
      );
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
