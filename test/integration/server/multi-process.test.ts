import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInFrameworks, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';
import { resolveConfig } from '../../../src/server/config';
import { openDatabase } from '../../../src/server/db/connect';
import { migrationNames } from '../../../src/server/db/migrate';
import { silentLogger } from '../../../src/server/ops/logger';
import { STARTUP_LOCK_KEY, startUp } from '../../../src/server/ops/startup';
import {
  DEMO_ACCOUNTS,
  DEMO_OWNER,
  DEMO_PASSWORD,
  DEMO_PERIOD_NAME,
} from '../../../src/server/seed';
import { createServices } from '../../../src/server/services';
import { PG_URL, TEST_CONFIG } from '../../helpers/server-context';
import { soakReport } from '../../helpers/sync-invariants';
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopGently,
} from '../../helpers/sync-process';

/**
 * Several real server processes (`node --import tsx src/server/main.ts`) on ONE PostgreSQL
 * schema, the way a load balancer runs them:
 *  - started at the same moment on an EMPTY schema, all become healthy; the schema then holds
 *    one demo (each demo account once, one demo period), each built-in instrument once and
 *    each migration recorded once; exactly one process says it seeded, the others that they
 *    found it done. A process started later finds everything done and seeds nothing.
 *  - 40 simultaneous wrong-password logins for one account, spread over the processes (and
 *    again all on one), are answered exactly loginMaxFailures (5) × 401 and 35 × 429: the
 *    counter is one atomic upsert per attempt in the shared database. (The same burst
 *    in-process on SQLite and PostgreSQL: test/integration/server/hardening.test.ts.)
 *
 * Quick run: 1 start-up trial; `npm run soak` sets TELUSUR_STARTUP_TRIALS=3.
 */
const TRIALS = Math.max(1, Number(process.env.TELUSUR_STARTUP_TRIALS ?? 1));
const PROCESSES = 3;
const START_TIMEOUT_MS = 120_000;

const SEEDED = /demo seeded by this process/;
const FOUND = /accounts already present .*nothing seeded/;

/** Everything the schema holds that a second start-up or seed would double. */
async function census(admin: pg.Pool, schema: string) {
  const q = async <R extends object>(text: string) =>
    (await admin.query<R & pg.QueryResultRow>(text.replaceAll('$S', schema))).rows;
  return {
    accounts: (
      await q<{ email: string; n: number }>(
        'select email, count(*)::int as n from $S.accounts group by email order by email',
      )
    ).map((r) => `${r.email}×${r.n}`),
    demoPeriods: (
      await q<{ n: number }>(
        `select count(*)::int as n from $S.periods where name = '${DEMO_PERIOD_NAME}'`,
      )
    )[0]?.n,
    units: (await q<{ n: number }>('select count(*)::int as n from $S.units'))[0]?.n,
    builtIns: (
      await q<{ id: string; n: number }>(
        'select id, count(*)::int as n from $S.frameworks where built_in = 1 group by id order by id',
      )
    ).map((r) => `${r.id}×${r.n}`),
    migrations: (
      await q<{ name: string; n: number }>(
        'select name, count(*)::int as n from $S.kysely_migration group by name order by name',
      )
    ).map((r) => `${r.name}×${r.n}`),
  };
}

/** POST /api/auth/login over real HTTP; resolves with the status and the problem code. */
async function login(url: string, email: string, password: string) {
  const r = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
    body: JSON.stringify({ email, password }),
  });
  const body = (await r.json().catch(() => null)) as { code?: string } | null;
  return { status: r.status, code: body?.code ?? null, retryAfter: r.headers.get('retry-after') };
}

function tally(answers: { status: number; code: string | null }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = `${a.status} ${a.code ?? ''}`.trim();
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

// PostgreSQL only: on SQLite one process owns the database file (docs/deploy.md), so there
// is no second process to race. Runs whenever TELUSUR_PG_URL is set (test/run.mjs; CI).
describe.skipIf(!PG_URL)('several server processes on one PostgreSQL schema', () => {
  const admin = PG_URL ? new pg.Pool({ connectionString: PG_URL, max: 2 }) : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'telusur-multi-'));
  const schemas: string[] = [];
  let running: ServerProcess[] = [];
  /** The processes of the last start-up race (the login bursts go to them). */
  let racers: ServerProcess[] = [];
  /** The schema (and environment) of the last trial, kept running for the later tests. */
  let last: { schema: string; env: Record<string, string> } | null = null;
  const figures = {
    trials: 0,
    processes: PROCESSES,
    seeders: [] as number[],
    startMs: [] as number[],
  };

  const envFor = (schema: string): Record<string, string> => {
    const url = new URL(PG_URL as string);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return {
      DATABASE_URL: url.toString(),
      NODE_ENV: 'development',
      DATA_DIR: join(dataDir, schema),
      STATIC_DIR: join(dataDir, 'no-pwa'),
      LOG_LEVEL: 'info',
    };
  };

  /** Start a process that should refuse to start; the error text (or 'started'). */
  const startOrWhy = (env: Record<string, string>) =>
    freePort()
      .then((port) => startServerProcess(env, port, START_TIMEOUT_MS))
      .then(
        (p) => {
          running.push(p);
          return 'started';
        },
        (e: unknown) => String(e),
      );

  const stopAll = async () => {
    await Promise.all(running.map((p) => stopGently(p).catch(() => undefined)));
    running = [];
  };

  afterAll(async () => {
    await stopAll();
    if (admin) {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (let trial = 1; trial <= TRIALS; trial++) {
    it(
      `start-up race, trial ${trial}/${TRIALS}: ${PROCESSES} processes at once on an empty schema → all healthy, one demo, each built-in and migration once`,
      async () => {
        if (!admin) throw new Error('no PostgreSQL');
        await stopAll();
        const schema = `mp_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        await admin.query(`CREATE SCHEMA ${schema}`);
        const env = envFor(schema);
        const ports = await Promise.all(Array.from({ length: PROCESSES }, () => freePort()));
        const started = performance.now();
        const settled = await Promise.allSettled(
          ports.map((port) => startServerProcess(env, port, START_TIMEOUT_MS)),
        );
        figures.startMs.push(Math.round(performance.now() - started));
        running = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        const failures = settled.flatMap((s) =>
          s.status === 'rejected' ? [String(s.reason)] : [],
        );
        expect(failures, 'every process becomes healthy').toEqual([]);

        const c = await census(admin, schema);
        expect(c.accounts).toEqual(
          [...DEMO_ACCOUNTS, DEMO_OWNER].map((a) => `${a.email}×1`).sort(),
        );
        expect(c.demoPeriods).toBe(1);
        expect(c.builtIns).toEqual(builtInFrameworks.map((f) => `${f.id}×1`).sort());
        expect(c.migrations).toEqual(migrationNames().map((n) => `${n}×1`));

        // Exactly one process seeded; the others say they found it done.
        const outputs = running.map((p) => p.output());
        const seeders = outputs.filter((o) => SEEDED.test(o));
        expect(seeders.length, outputs.join('\n-----\n')).toBe(1);
        expect(outputs.filter((o) => FOUND.test(o)).length).toBe(PROCESSES - 1);
        for (const o of outputs) expect(o).not.toMatch(/duplicate key|uncaught exception/);
        figures.seeders.push(seeders.length);
        figures.trials++;
        last = { schema, env };
        racers = [...running];
      },
      START_TIMEOUT_MS * 2,
    );
  }

  it(
    'a process started later finds everything done and seeds nothing',
    async () => {
      if (!admin || !last) throw new Error('no trial ran');
      const before = await census(admin, last.schema);
      const fourth = await startServerProcess(last.env, await freePort(), START_TIMEOUT_MS);
      running.push(fourth);
      expect(fourth.output()).toMatch(FOUND);
      expect(fourth.output()).not.toMatch(SEEDED);
      expect(fourth.output()).not.toMatch(/migrations applied/);
      expect(await census(admin, last.schema)).toEqual(before);
    },
    START_TIMEOUT_MS,
  );

  it('login limiter across processes: of 40 simultaneous wrong passwords for one account, spread over every process, exactly 5 are checked (401) and 35 refused (429)', async () => {
    const urls = racers.map((p) => p.url);
    expect(urls.length).toBeGreaterThanOrEqual(PROCESSES);
    const email = DEMO_ACCOUNTS[2].email;
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        login(urls[i % urls.length] as string, email, `salah-${i}`),
      ),
    );
    expect(tally(burst)).toEqual({ '401 invalid_credentials': 5, '429 too_many_attempts': 35 });
    expect(Number(burst.find((b) => b.status === 429)?.retryAfter)).toBeGreaterThan(0);
    // The limit holds on every process: even the right password is not checked now.
    for (const url of urls) expect((await login(url, email, DEMO_PASSWORD)).status).toBe(429);
    // Another account is not locked by it.
    expect((await login(urls[1] as string, DEMO_ACCOUNTS[0].email, DEMO_PASSWORD)).status).toBe(
      200,
    );
  }, 60_000);

  it('login limiter within one process: of 40 simultaneous wrong passwords for one account, exactly 5 are checked (401) and 35 refused (429)', async () => {
    const url = racers[0]?.url as string;
    const email = DEMO_ACCOUNTS[3].email;
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(url, email, `salah-${i}`)),
    );
    expect(tally(burst)).toEqual({ '401 invalid_credentials': 5, '429 too_many_attempts': 35 });
    soakReport(
      'startup-race',
      { ...figures, loginBurst: 40, loginChecked: 5 },
      `${PROCESSES} processes started at once on an empty PostgreSQL schema: all healthy, one demo, each built-in once; login limit exact across processes`,
      figures.seeders.every((n) => n === 1) && figures.trials === TRIALS,
    );
  }, 60_000);

  it('names each process in pg_stat_activity (application_name telusur-<pid>)', async () => {
    if (!admin) throw new Error('no PostgreSQL');
    const r = await admin.query<{ app: string }>(
      "select distinct application_name as app from pg_stat_activity where application_name like 'telusur-%'",
    );
    const names = r.rows.map((x) => x.app);
    for (const p of racers) expect(names).toContain(`telusur-${p.proc.pid}`);
  });

  it(
    'waits for a start-up in progress elsewhere, names who holds it, and gives up after STARTUP_LOCK_TIMEOUT_MS with one line',
    async () => {
      if (!admin || !last) throw new Error('no trial ran');
      const holder = new pg.Client({
        connectionString: PG_URL,
        application_name: 'upgrade-in-progress',
        options: `-c search_path=${last.schema}`,
      });
      await holder.connect();
      try {
        const k = await holder.query<{ k: number }>(
          'select hashtext(current_schema()) & 2147483647 as k',
        );
        await holder.query('select pg_advisory_lock($1, $2)', [STARTUP_LOCK_KEY, k.rows[0]?.k]);
        // Gives up: exit 1 and one line naming the setting and the holder.
        const refused = await startOrWhy({ ...last.env, STARTUP_LOCK_TIMEOUT_MS: '1500' });
        expect(refused).toMatch(/server exited \(1\)/);
        expect(refused).toMatch(
          /\[telusur\] .*lock held by: upgrade-in-progress \(backend pid \d+\).*STARTUP_LOCK_TIMEOUT_MS/,
        );
        // Waits while it is held, and starts once it is released.
        const port = await freePort();
        // Named on its own, so another process trying a start-up lock at the same time (a
        // parallel suite, the soak's other lane: pg_stat_activity spans every database) is
        // not taken for this one.
        const waiter = `telusur-waiter-${randomBytes(4).toString('hex')}`;
        const url = new URL(last.env.DATABASE_URL as string);
        url.searchParams.set('application_name', waiter);
        const waiting = startServerProcess(
          { ...last.env, DATABASE_URL: url.toString() },
          port,
          START_TIMEOUT_MS,
        );
        // Until its lock connection has tried (and failed) to take the lock at least once.
        for (let i = 0; ; i++) {
          const r = await admin.query(
            "select 1 from pg_stat_activity where application_name = $1 and query like '%pg_try_advisory_lock%'",
            [waiter],
          );
          if (r.rowCount) break;
          if (i > 600) throw new Error('the waiting process never tried the start-up lock');
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 500));
        const health = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
        expect(health, 'not serving while the start-up lock is held elsewhere').toBeNull();
        await holder.query('select pg_advisory_unlock_all()');
        const p = await waiting;
        running.push(p);
        expect(p.output()).toMatch(
          /another process is preparing the database \(upgrade-in-progress \(backend pid \d+\)/,
        );
        expect(p.output()).toMatch(FOUND);
      } finally {
        await holder.end();
      }
    },
    START_TIMEOUT_MS * 2,
  );

  it(
    'answers 503 database_busy (Retry-After, Indonesian or English) when every pool connection stays busy past PG_CONNECT_TIMEOUT_MS, and serves again after',
    async () => {
      if (!admin || !last) throw new Error('no trial ran');
      // One pool connection; start-up still works (its lock has a connection of its own).
      const p = await startServerProcess(
        { ...last.env, PG_POOL_MAX: '1', PG_CONNECT_TIMEOUT_MS: '500' },
        await freePort(),
        START_TIMEOUT_MS,
      );
      running.push(p);
      const blocker = await admin.connect();
      try {
        await blocker.query('begin');
        await blocker.query(`lock table ${last.schema}.accounts in access exclusive mode`);
        // This login holds the process's only connection, waiting for the table …
        const first = login(p.url, DEMO_OWNER.email, 'salah');
        for (let i = 0; ; i++) {
          const r = await admin.query(
            "select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'",
            [`telusur-${p.proc.pid}`],
          );
          if (r.rowCount) break;
          if (i > 600) throw new Error('the first login never waited for the table');
          await new Promise((r) => setTimeout(r, 50));
        }
        // … so the next ones wait for a connection, and are answered 503 after 500 ms.
        const id = await login(p.url, DEMO_OWNER.email, 'salah');
        expect([id.status, id.code, id.retryAfter]).toEqual([503, 'database_busy', '2']);
        const en = await fetch(`${p.url}/api/auth/login`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'accept-language': 'en',
            [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          },
          body: JSON.stringify({ email: DEMO_OWNER.email, password: 'salah' }),
        });
        const body = (await en.json()) as { code: string; message: string };
        expect([en.status, body.code]).toEqual([503, 'database_busy']);
        expect(body.message).toMatch(/too many requests at once.*try again/i);
        await blocker.query('rollback');
        expect((await first).status).toBe(401);
      } finally {
        await blocker.query('rollback').catch(() => undefined);
        blocker.release();
      }
      expect((await login(p.url, DEMO_OWNER.email, DEMO_PASSWORD)).status).toBe(200);
      expect(p.output()).toMatch(/database pool exhausted/);
      expect(p.output()).not.toMatch(/"level":"error"/);
    },
    START_TIMEOUT_MS,
  );

  it(
    'refuses to start on a bad pool setting, naming it',
    async () => {
      if (!last) throw new Error('no trial ran');
      const r = await startOrWhy({ ...last.env, PG_POOL_MAX: 'sepuluh' });
      expect(r).toMatch(/server exited \(1\)/);
      expect(r).toMatch(
        /\[telusur\] PG_POOL_MAX must be a positive whole number \(got "sepuluh"\)/,
      );
    },
    START_TIMEOUT_MS,
  );

  it(
    'stops with one line naming DATABASE_URL (no stack trace) when the database does not exist or nothing listens',
    async () => {
      if (!last) throw new Error('no trial ran');
      const missing = new URL(PG_URL as string);
      missing.pathname = '/telusur_no_such_db';
      const closed = new URL(PG_URL as string);
      closed.port = '1';
      for (const url of [missing, closed]) {
        const r = await startOrWhy({ ...last.env, DATABASE_URL: url.toString() });
        expect(r).toMatch(/server exited \(1\)/);
        expect(r).toMatch(/\[telusur\] basis data .* tidak dapat dipakai .*check DATABASE_URL/);
        expect(r).not.toMatch(/uncaught exception|\n\s+at /);
      }
    },
    START_TIMEOUT_MS,
  );

  it(
    'start-ups that take no lock (an older Telusur next to this one) do not crash on what another one inserted first',
    async () => {
      if (!admin) throw new Error('no PostgreSQL');
      const schema = `mp_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      await admin.query(`CREATE SCHEMA ${schema}`);
      const handles = Array.from({ length: 3 }, () =>
        openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 3 }),
      );
      try {
        const outcomes = await Promise.all(
          handles.map((h, i) =>
            startUp(
              // The first takes the lock; the other two behave like a version without it.
              i === 0 ? h : { ...h, dedicatedClient: undefined },
              createServices({ db: h.db, clock: Date.now, config: resolveConfig(TEST_CONFIG) }),
              { demo: true, log: silentLogger(), lockTimeoutMs: 60_000 },
            ),
          ),
        );
        expect(outcomes.filter((o) => o.demo === 'seeded')).toHaveLength(1);
        expect(outcomes.filter((o) => o.demo === 'present')).toHaveLength(2);
        const c = await census(admin, schema);
        expect(c.accounts).toEqual(
          [...DEMO_ACCOUNTS, DEMO_OWNER].map((a) => `${a.email}×1`).sort(),
        );
        expect(c.demoPeriods).toBe(1);
        expect(c.builtIns).toEqual(builtInFrameworks.map((f) => `${f.id}×1`).sort());
        expect(c.migrations).toEqual(migrationNames().map((n) => `${n}×1`));
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
    },
    START_TIMEOUT_MS,
  );
});
