import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { ApiError, api, writeToken } from '../../../src/coordinator/api';
import { PROTOCOL_HEADER, ProblemBodySchema, ReadinessSchema } from '../../../src/core';
import { createApp } from '../../../src/server/app';
import { resolveConfig } from '../../../src/server/config';
import { createLogger } from '../../../src/server/ops/logger';
import { GracefulShutdown } from '../../../src/server/ops/shutdown';
import { PEMDA_CODE } from '../../../src/server/seed';
import { createServices } from '../../../src/server/services';
import { edit } from '../../helpers/raw-push';
import {
  createServerContext,
  describeEachDialect,
  requestsTo,
  type ServerContext,
  TEST_CONFIG,
} from '../../helpers/server-context';

/**
 * Operations on the in-process app: the request log (one JSON line per request, with the
 * route pattern and the caller, never a secret), the request id (kept when safe, echoed,
 * quoted in 5xx problem bodies) and /api/ready (database, evidence file store, draining).
 * The graceful shutdown of the real process is proven in operations-process.test.ts.
 */

type Line = Record<string, unknown>;

/** An app on the context's database whose log lines land in `lines` (raw text in `raw`). */
function loggedApp(
  ctx: ServerContext,
  options: { blobDir?: string; draining?: () => boolean; hookable?: boolean } = {},
) {
  const lines: Line[] = [];
  const raw: string[] = [];
  const log = createLogger({
    level: 'info',
    destination: {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s) as Line);
      },
    },
  });
  const services = createServices({
    db: ctx.db,
    clock: () => ctx.clock.now,
    config: resolveConfig(TEST_CONFIG),
    ...(options.blobDir ? { blobDir: options.blobDir } : {}),
  });
  const app = createApp({
    db: ctx.db,
    dialect: ctx.dialect,
    clock: () => ctx.clock.now,
    config: TEST_CONFIG,
    services,
    log,
    ...(options.blobDir ? { blobDir: options.blobDir } : {}),
    ...(options.draining ? { draining: options.draining } : {}),
  });
  return { app, call: requestsTo(app), lines, raw, services };
}

/** The request lines (msg "request"), newest last. */
const requestLines = (lines: Line[]) => lines.filter((l) => l.msg === 'request');

const temps: string[] = [];
const tempDir = (tag: string) => {
  const d = mkdtempSync(join(tmpdir(), `telusur-ops-${tag}-`));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

describeEachDialect('operations: request log and request id', (ctx) => {
  it('writes one line per request: route pattern, status, ms, the signed-in account; never the query or a token', async () => {
    const { call, lines, raw } = loggedApp(ctx());
    const coordinator = await ctx().login('coordinator');
    const unitId = await ctx().unitId(PEMDA_CODE);
    const r = await call('GET', `/api/units/${unitId}?token=rahasia-di-query&x=1`, {
      token: coordinator,
    });
    expect(r.status).toBe(200);
    const [line] = requestLines(lines);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/api/units/:id',
      status: 200,
      accountId: await ctx().accountId('coordinator'),
      role: 'coordinator',
      requestId: r.headers.get('x-request-id'),
    });
    expect(typeof line?.ms).toBe('number');
    expect(Date.parse(String(line?.time))).not.toBeNaN();
    expect(line).not.toHaveProperty('deviceId');
    const text = raw.join('');
    expect(text).not.toContain(unitId);
    expect(text).not.toContain('rahasia-di-query');
    expect(text).not.toContain(coordinator);
  });

  it('logs a login without its password or the token it hands out, and an anonymous caller as nobody', async () => {
    const { call, lines, raw } = loggedApp(ctx());
    const r = await call('POST', '/api/auth/login', {
      json: { email: 'koordinator@cilegon.demo', password: 'telusur-demo' },
    });
    expect(r.status).toBe(200);
    const bad = await call('POST', '/api/auth/login', {
      json: { email: 'koordinator@cilegon.demo', password: 'salah-sandi-rahasia' },
    });
    expect(bad.status).toBe(401);
    const [ok, refused] = requestLines(lines);
    expect(ok).toMatchObject({ route: '/api/auth/login', method: 'POST', status: 200 });
    expect(refused).toMatchObject({ route: '/api/auth/login', status: 401 });
    expect(ok).not.toHaveProperty('accountId');
    const text = raw.join('');
    for (const secret of ['telusur-demo', 'salah-sandi-rahasia', r.body.token as string])
      expect(text).not.toContain(secret);
  });

  it("names a tablet's device; an unmatched path is logged as its path without the query", async () => {
    const { call, lines, raw } = loggedApp(ctx());
    const tablet = await ctx().enrol(await ctx().accountId('verifier1'), 'Tablet log');
    const pull = await call('GET', '/api/sync/pull?cursor=0', { token: tablet.token });
    expect(pull.status).toBe(200);
    const missing = await call('GET', '/api/tidak-ada/123?kunci=rahasia');
    expect(missing.status).toBe(404);
    const [p, m] = requestLines(lines);
    expect(p).toMatchObject({
      route: '/api/sync/pull',
      status: 200,
      role: 'verifier',
      accountId: await ctx().accountId('verifier1'),
      deviceId: tablet.deviceId,
    });
    expect(m).toMatchObject({ route: '/api/tidak-ada/123', status: 404 });
    const text = raw.join('');
    expect(text).not.toContain(tablet.token);
    expect(text).not.toContain('rahasia');
  });

  it('keeps a safe incoming X-Request-Id and replaces an unsafe one', async () => {
    const { call, lines } = loggedApp(ctx());
    const kept = await call('GET', '/api/health', { headers: { 'X-Request-Id': 'lb-7.a_B-9' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7.a_B-9');
    const refused = ['dua kata', 'a'.repeat(65), 'x"}{"level":"fatal', 'id\u00e9'];
    for (const incoming of refused) {
      const r = await call('GET', '/api/health', { headers: { 'X-Request-Id': incoming } });
      const id = r.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{16}$/);
      expect(id).not.toBe(incoming);
    }
    const none = await call('GET', '/api/health');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
    const ids = requestLines(lines).map((l) => l.requestId);
    expect(ids[0]).toBe('lb-7.a_B-9');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a server failure answers problem JSON with the request id, and logs the error under the same id', async () => {
    const { call, lines, raw, services } = loggedApp(ctx());
    const tablet = await ctx().enrol(await ctx().accountId('verifier2'), 'Tablet gagal');
    services.sync.hooks.beforePushCommit = async () => {
      throw new Error('disk penuh');
    };
    try {
      const r = await call('POST', '/api/sync/push', {
        token: tablet.token,
        json: {
          deviceId: tablet.deviceId,
          mutations: [edit(tablet, 1, 'verification', 'tidak-ada:1', { notes: 'x' })],
        },
        lang: 'en',
      });
      expect(r.status).toBe(500);
      const body = z.parse(ProblemBodySchema, r.body);
      expect(body.code).toBe('internal_error');
      expect(body.requestId).toBe(r.headers.get('x-request-id'));
      expect(r.text).not.toContain('disk penuh');
      const failed = lines.find((l) => l.msg === 'request failed');
      expect(failed).toMatchObject({
        level: 'error',
        requestId: body.requestId,
        route: '/api/sync/push',
        err: { message: 'disk penuh' },
      });
      expect(requestLines(lines).at(-1)).toMatchObject({
        level: 'error',
        status: 500,
        requestId: body.requestId,
        deviceId: tablet.deviceId,
      });
      expect(raw.join('')).not.toContain(tablet.token);
    } finally {
      services.sync.hooks.beforePushCommit = undefined;
    }
    // A client error names no request id in its body (the header still carries it).
    const notFound = await call('GET', '/api/units/tidak-ada', {
      token: await ctx().login('coordinator'),
    });
    expect(notFound.status).toBe(404);
    expect(notFound.body).not.toHaveProperty('requestId');
    expect(notFound.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });
});

describeEachDialect('operations: /api/ready', (ctx, dialect) => {
  it('is ready when the database answers and files can be written; public, uncached, for any app version', async () => {
    const { call } = loggedApp(ctx(), { blobDir: tempDir('ready') });
    const variants: Record<string, string>[] = [{}, { [PROTOCOL_HEADER]: '999' }];
    for (const headers of variants) {
      const r = await call('GET', '/api/ready', { headers, noProtocol: true });
      expect(r.status).toBe(200);
      expect(z.parse(ReadinessSchema, r.body)).toEqual({
        ok: true,
        state: 'ready',
        db: 'ok',
        files: 'ok',
      });
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers 503 naming the file store while it cannot be written, without its path, and recovers', async () => {
    const base = tempDir('files');
    const blobDir = join(base, 'files');
    const { call, lines } = loggedApp(ctx(), { blobDir });
    expect((await call('GET', '/api/ready')).status).toBe(200);
    // The evidence directory is gone and a plain file sits in its place (a lost mount, a
    // wrong path): nothing can be written under it, not even as root.
    rmSync(blobDir, { recursive: true, force: true });
    writeFileSync(blobDir, 'kein Verzeichnis');
    const r = await call('GET', '/api/ready');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ok: false, state: 'not_ready', db: 'ok', files: 'unavailable' });
    expect(r.text).not.toContain(base);
    // The operator finds the reason in the log.
    expect(lines.find((l) => l.msg === 'readiness check failed')).toMatchObject({
      level: 'warn',
      check: 'files',
    });
    rmSync(blobDir, { force: true });
    mkdirSync(blobDir);
    expect((await call('GET', '/api/ready')).status).toBe(200);
  });

  it('answers 503 naming the database when it does not answer', async () => {
    const own = await createServerContext(dialect, { seed: false });
    const { call } = loggedApp(own, { blobDir: tempDir('db') });
    expect((await call('GET', '/api/ready')).status).toBe(200);
    await own.close();
    const r = await call('GET', '/api/ready');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ok: false, state: 'not_ready', db: 'unreachable', files: 'ok' });
  });

  it('answers 503 draining once shutdown has begun, while health still answers', async () => {
    const shutdown = new GracefulShutdown({
      log: createLogger({ level: 'silent' }),
      graceMs: 1000,
      exit: () => undefined,
    });
    const { call } = loggedApp(ctx(), { draining: () => shutdown.draining });
    expect((await call('GET', '/api/ready')).status).toBe(200);
    expect(await shutdown.begin('SIGTERM')).toBe(0);
    const r = await call('GET', '/api/ready');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ ok: false, state: 'draining', db: 'skipped', files: 'skipped' });
    expect((await call('GET', '/api/health')).status).toBe(200);
  });
});

describeEachDialect('operations: the request id reaches the coordinator', (_ctx, dialect) => {
  it('a server failure seen by the coordinator pages carries the id IT finds in the log', async () => {
    const own = await createServerContext(dialect, { seed: true });
    const { app, lines } = loggedApp(own, { blobDir: tempDir('coord') });
    const token = await own.login('coordinator');
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => app.request(url, init));
    try {
      writeToken(token);
      expect((await api('GET /api/periods')).periods.length).toBeGreaterThan(0);
      // The database goes away under the running server: a real server-side failure.
      await own.close();
      const failed = await api('GET /api/periods').then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBeInstanceOf(ApiError);
      const e = failed as ApiError;
      expect(e.status).toBeGreaterThanOrEqual(500);
      expect(e.requestId).toMatch(/^[0-9a-f]{16}$/);
      expect(requestLines(lines).at(-1)).toMatchObject({
        route: '/api/periods',
        status: e.status,
        requestId: e.requestId,
      });
    } finally {
      writeToken(null);
      vi.unstubAllGlobals();
    }
  });
});
