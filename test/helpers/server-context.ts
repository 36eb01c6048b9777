import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';
import { createApp, prepareDatabase } from '../../src/server/app';
import { type AppConfig, resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import type { Database, Dialect } from '../../src/server/db/database';
import { MaintenanceRepository } from '../../src/server/db/maintenance.repository';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoSummary, seedDemo } from '../../src/server/seed';
import { createServices, type Services } from '../../src/server/services';

/** PostgreSQL for the integration suite; test/run.mjs sets it when a server answers (CI requires it). */
export const PG_URL = process.env.TELUSUR_PG_URL;

/** 2 October 2023, 08:00 WIB: inside the demo evaluation period. */
export const T0 = Date.UTC(2023, 9, 2, 1, 0, 0);

/** Cheap scrypt so the suites stay fast; production cost is in DEFAULT_CONFIG. */
export const TEST_CONFIG: Partial<AppConfig> = { scrypt: { N: 1024, r: 8, p: 1 }, version: 'test' };

export type DemoLogin = 'coordinator' | 'viewer' | 'verifier1' | 'verifier2';
const LOGIN_EMAIL: Record<DemoLogin, string> = {
  coordinator: DEMO_ACCOUNTS[0].email,
  viewer: DEMO_ACCOUNTS[1].email,
  verifier1: DEMO_ACCOUNTS[2].email,
  verifier2: DEMO_ACCOUNTS[3].email,
};

export interface CallOptions {
  token?: string | undefined;
  /** JSON-encoded as the body. */
  json?: unknown;
  /** Sent as is (with `contentType`): text, or bytes (a logo image). */
  body?: string | Uint8Array;
  contentType?: string;
  lang?: string;
  headers?: Record<string, string>;
  /** Leave out the protocol header (default: sent). */
  noProtocol?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  body: any;
  text: string;
}

export interface ServerContext {
  dialect: Dialect;
  db: Kysely<Database>;
  app: ReturnType<typeof createApp>;
  services: Services;
  clock: { now: number; advance(ms: number): void };
  /** Present when the suite was seeded with the demo. */
  demo: DemoSummary | null;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Bearer token of a demo account (cached per context). */
  login(who: DemoLogin): Promise<string>;
  /** Enrol a tablet for a verifier account; returns its device token and id. */
  enrol(verifierId: string, label?: string): Promise<{ token: string; deviceId: string }>;
  /** Id of a demo unit by code. */
  unitId(code: string): Promise<string>;
  accountId(who: DemoLogin): Promise<string>;
  rowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** Seed the Cilegon demo (default true). */
  seed?: boolean;
  /** Run migrations (default true). */
  migrate?: boolean;
  config?: Partial<AppConfig>;
}

/** A fresh database of `dialect` (SQLite in memory, or a new PostgreSQL schema), migrated, seeded, with the app on top. */
export async function createServerContext(
  dialect: Dialect,
  options: ContextOptions = {},
): Promise<ServerContext> {
  let schema: string | null = null;
  let admin: pg.Pool | null = null;
  const handle = await (async () => {
    if (dialect === 'sqlite') return openDatabase({ sqliteFile: ':memory:' });
    if (!PG_URL) throw new Error('TELUSUR_PG_URL is not set');
    schema = `t_${randomBytes(6).toString('hex')}`;
    admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    return openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 5 });
  })();
  const clock = {
    now: T0,
    advance(ms: number) {
      clock.now += ms;
    },
  };
  const now = () => clock.now;
  const config = { ...TEST_CONFIG, ...options.config };
  if (options.migrate !== false) await prepareDatabase(handle.db, now);
  const services = createServices({ db: handle.db, clock: now, config: resolveConfig(config) });
  const demo =
    options.migrate !== false && options.seed !== false
      ? await seedDemo(services, { nodeEnv: 'test' })
      : null;
  const app = createApp({ db: handle.db, dialect, clock: now, config });
  const tokens = new Map<DemoLogin, string>();

  const call = requestsTo(app);

  const ctx: ServerContext = {
    dialect,
    db: handle.db,
    app,
    services,
    clock,
    demo,
    call,
    async login(who) {
      const hit = tokens.get(who);
      if (hit) return hit;
      const r = await call('POST', '/api/auth/login', {
        json: { email: LOGIN_EMAIL[who], password: DEMO_PASSWORD },
      });
      if (r.status !== 200) throw new Error(`login ${who} failed: ${r.status} ${r.text}`);
      tokens.set(who, r.body.token);
      return r.body.token as string;
    },
    async enrol(verifierId, label = 'Tablet uji') {
      const coordinator = await ctx.login('coordinator');
      const e = await call('POST', `/api/verifiers/${verifierId}/enrolments`, {
        token: coordinator,
      });
      if (e.status !== 201) throw new Error(`enrolment failed: ${e.status} ${e.text}`);
      const d = await call('POST', '/api/devices/enrol', { json: { code: e.body.code, label } });
      if (d.status !== 201) throw new Error(`enrol failed: ${d.status} ${d.text}`);
      return { token: d.body.token, deviceId: d.body.device.id };
    },
    async unitId(code) {
      const u = (await services.units.tree()).find((x) => x.code === code);
      if (!u) throw new Error(`no unit ${code}`);
      return u.id;
    },
    async accountId(who) {
      const found = await services.accounts.listVerifiers();
      if (who === 'verifier1' || who === 'verifier2') {
        const v = found.find((a) => a.email === LOGIN_EMAIL[who]);
        if (!v) throw new Error(`no ${who}`);
        return v.id;
      }
      const r = await call('GET', '/api/me', { token: await ctx.login(who) });
      return r.body.account.id;
    },
    rowCounts: () => new MaintenanceRepository(handle.db).rowCounts(),
    async close() {
      await handle.close();
      if (admin && schema) {
        await (admin as pg.Pool).query(`DROP SCHEMA ${schema} CASCADE`);
        await (admin as pg.Pool).end();
      }
    },
  };
  return ctx;
}

/** Every dialect the suites run on; PostgreSQL only when TELUSUR_PG_URL is set. */
export const DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/**
 * Run the same suite on SQLite and PostgreSQL, each with a fresh database.
 *
 * @example
 *   describeEachDialect('periods', (ctx) => { it('lists', async () => { … ctx().call(…) … }); });
 */
export function describeEachDialect(
  title: string,
  suite: (ctx: () => ServerContext, dialect: Dialect) => void,
  options: ContextOptions = {},
): void {
  for (const dialect of DIALECTS) {
    // PostgreSQL is optional on a developer machine (test/run.mjs sets TELUSUR_PG_URL when a
    // server answers); CI requires it, so there it always runs.
    describe.skipIf(dialect === 'postgres' && !PG_URL)(`${title} [${dialect}]`, () => {
      let ctx: ServerContext | undefined;
      beforeAll(async () => {
        ctx = await createServerContext(dialect, options);
      });
      afterAll(async () => {
        await ctx?.close();
      });
      suite(() => {
        if (!ctx) throw new Error('server context not ready');
        return ctx;
      }, dialect);
    });
  }
}

/** In-process requests to an app the way the tablet and the coordinator pages send them. */
export function requestsTo(app: {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}) {
  return async (method: string, path: string, o: CallOptions = {}): Promise<CallResult> => {
    const headers: Record<string, string> = { ...o.headers };
    if (!o.noProtocol && !(PROTOCOL_HEADER in headers))
      headers[PROTOCOL_HEADER] = String(PROTOCOL_VERSION);
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.lang) headers['accept-language'] = o.lang;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    } else if (o.body !== undefined) {
      body = typeof o.body === 'string' ? o.body : new Uint8Array(o.body);
      if (o.contentType) headers['content-type'] = o.contentType;
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
}
