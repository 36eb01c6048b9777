import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locker } from '@tus/server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { ValueDomainError } from '../core';
import { type AppConfig, resolveConfig } from './config';
import type { Database, Dialect } from './db/database';
import { isConnectTimeout, isPoolTimeout } from './db/errors';
import { migrateToLatest } from './db/migrate';
import type { AppEnv } from './http/env';
import { protocolGate } from './http/guard';
import { requestLog, routeOf } from './http/request-log';
import { problemResponse } from './http/respond';
import { securityHeaders } from './http/security';
import { staticSite } from './http/static';
import { TusEndpoint } from './http/tus';
import { type EvidenceStore, EvidenceStoreUnavailable } from './lib/evidence-store';
import { type Logger, silentLogger } from './ops/logger';
import { Problem, preferredLang } from './problems';
import { actionsRoutes } from './routes/actions.routes';
import { assignmentsRoutes } from './routes/assignments.routes';
import { authRoutes } from './routes/auth.routes';
import { conflictsRoutes } from './routes/conflicts.routes';
import { dashboardRoutes } from './routes/dashboard.routes';
import { devicesRoutes } from './routes/devices.routes';
import { filesRoutes } from './routes/files.routes';
import { frameworksRoutes } from './routes/frameworks.routes';
import { healthRoutes, readyRoutes } from './routes/health.routes';
import { historyRoutes } from './routes/history.routes';
import { organisationRoutes } from './routes/organisation.routes';
import { periodsRoutes } from './routes/periods.routes';
import { reportsRoutes } from './routes/reports.routes';
import { reviewRoutes } from './routes/review.routes';
import { syncRoutes } from './routes/sync.routes';
import { unitsRoutes } from './routes/units.routes';
import { verifiersRoutes } from './routes/verifiers.routes';
import { createServices, type Services } from './services';

export interface AppDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Epoch-ms clock; tests pass a controllable one. */
  clock?: () => number;
  config?: Partial<AppConfig>;
  /** Directory of evidence files: content-addressed store and tus staging (default: a temp directory). */
  blobDir?: string;
  /**
   * Where verified evidence lives (main.ts passes openEvidenceStore's, local or S3);
   * default: a local store in `blobDir`.
   */
  evidence?: EvidenceStore;
  /** Prebuilt services (tests that need a hook on them); default: built from the deps above. */
  services?: Services;
  /**
   * The tus endpoint (default: built from the services). main.ts passes its own to run
   * the expired-upload cleanup on a schedule and stop it on shutdown; tests to call it.
   */
  tus?: TusEndpoint;
  /**
   * The tus upload lock of the default tus endpoint (ignored when `tus` is given): several
   * processes on one PostgreSQL pass a PgAdvisoryLocker (http/tus-locker.ts); default: tus's
   * in-process MemoryLocker.
   */
  tusLocker?: Locker;
  /**
   * Request lines and server errors go here (see requestLog). Default: a silent logger, so
   * the in-process tests print nothing; main.ts passes its JSON logger.
   */
  log?: Logger;
  /**
   * True once shutdown has begun: /api/ready answers 503 `draining` (main.ts passes its
   * GracefulShutdown's). Default: never.
   */
  draining?: () => boolean;
}

/**
 * Migrate the schema and install the built-in instruments. Run once before serving
 * (main.ts, seed-cli.ts and the test context do).
 */
export async function prepareDatabase(
  db: Kysely<Database>,
  clock: () => number = Date.now,
): Promise<string[]> {
  const applied = await migrateToLatest(db);
  await createServices({ db, clock, config: resolveConfig() }).frameworks.installBuiltIns();
  return applied;
}

/** Seconds a client should wait after 503 `database_busy` (the pool was exhausted). */
const POOL_RETRY_AFTER_S = 2;

function isDbDown(err: unknown): boolean {
  if (isConnectTimeout(err)) return true;
  const code =
    err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    '57P01',
    '57P03',
    '53300',
    'SQLITE_BUSY',
  ].includes(code);
}

/** Staging parent when the evidence store is not a directory and no blobDir is given (tests). */
const DEFAULT_STAGING_PARENT = join(tmpdir(), `telusur-staging-${process.pid}`);

/**
 * The whole HTTP application: `/api/*` and (when `config.staticDir` is set) the built
 * PWA. No listening, no globals: tests call `app.request()` in-process.
 *
 * @example
 *   const app = createApp({ db, dialect: 'sqlite', clock: () => Date.now() });
 *   const res = await app.request('/api/health');
 */
export function createApp(deps: AppDeps) {
  const config = resolveConfig(deps.config);
  const services: Services =
    deps.services ??
    createServices({
      db: deps.db,
      clock: deps.clock ?? Date.now,
      config,
      blobDir: deps.blobDir,
      evidence: deps.evidence,
    });
  const evidence = services.files.evidence;
  const tus =
    deps.tus ??
    new TusEndpoint(
      config,
      deps.blobDir ?? (evidence.kind === 'file' ? evidence.where : DEFAULT_STAGING_PARENT),
      services.files,
      deps.tusLocker ? { locker: deps.tusLocker } : {},
    );
  const log = deps.log ?? silentLogger();

  const api = new Hono<AppEnv>()
    .route('/health', healthRoutes(services, { version: config.version, dialect: deps.dialect }))
    .route(
      '/ready',
      readyRoutes({
        db: () => services.ping(),
        files: async () => {
          await evidence.probe();
          await tus.checkStaging();
        },
        draining: deps.draining ?? (() => false),
        log,
      }),
    )
    .route('/', authRoutes(services, config))
    .route('/organisation', organisationRoutes(services))
    .route('/frameworks', frameworksRoutes(services))
    .route('/periods', periodsRoutes(services))
    .route('/units', unitsRoutes(services))
    .route('/verifiers', verifiersRoutes(services))
    .route('/devices', devicesRoutes(services, config))
    .route('/', assignmentsRoutes(services))
    .route('/sync', syncRoutes(services, config))
    .route('/', conflictsRoutes(services))
    .route('/files', filesRoutes(services, tus))
    .route('/dashboard', dashboardRoutes(services))
    .route('/history', historyRoutes(services))
    .route('/', reviewRoutes(services))
    .route('/reports', reportsRoutes(services))
    .route('/', actionsRoutes(services));

  const app = new Hono<AppEnv>();
  // Outermost: its line covers every answer, also those of the middleware below.
  app.use('*', requestLog(log));
  app.use('*', securityHeaders(config.trustProxy));
  app.use('*', async (c, next) => {
    c.set('lang', preferredLang(c.req.header('accept-language')));
    await next();
  });
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });
  // Sync pushes, bundle imports, tus uploads and action evidence files set their own
  // (larger) limits.
  const ownLimit = (path: string) =>
    path.startsWith('/api/files/') ||
    path === '/api/sync/push' ||
    path === '/api/sync/bundles' ||
    /^\/api\/actions\/[^/]+\/files$/.test(path);
  const apiLimit = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: (c) =>
      problemResponse(
        c,
        new Problem('payload_too_large', {
          limit: `${Math.round(config.bodyLimitBytes / 1024)} KiB`,
        }),
      ),
  });
  app.use('/api/*', (c, next) => (ownLimit(c.req.path) ? next() : apiLimit(c, next)));
  app.use('/api/*', async (c, next) => {
    // Ids and filters never contain NUL; PostgreSQL would refuse them with a server error.
    if (c.req.url.includes('%00')) throw new Problem('bad_request');
    return next();
  });
  app.use('/api/*', async (c, next) => {
    // Health stays reachable for every app version: it is how an old app learns it must
    // update. Readiness is asked by load balancers and monitors, which send no app version.
    if (c.req.path === '/api/health' || c.req.path === '/api/ready') return next();
    return protocolGate(false)(c, next);
  });
  if (config.staticDir) app.use('*', staticSite(config.staticDir));

  const routed = app.route('/api', api);

  routed.notFound((c) => {
    if (c.req.path === '/api' || c.req.path.startsWith('/api/'))
      return problemResponse(c, new Problem('route_not_found'));
    return c.text('Not found', 404);
  });
  routed.onError((err, c) => {
    if (err instanceof Problem) return problemResponse(c, err);
    if (err instanceof HTTPException) {
      if (err.status === 413)
        return problemResponse(
          c,
          new Problem('payload_too_large', {
            limit: `${Math.round(config.bodyLimitBytes / 1024)} KiB`,
          }),
        );
      if (err.status === 400) return problemResponse(c, new Problem('bad_json'));
    }
    if (err instanceof EvidenceStoreUnavailable) {
      log.warn(
        { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c), err },
        'evidence store unavailable',
      );
      return problemResponse(c, new Problem('files_unavailable'));
    }
    if (isPoolTimeout(err)) {
      // Retryable: the request waited PG_CONNECT_TIMEOUT_MS for one of PG_POOL_MAX busy
      // connections (docs/deploy.md, "Connection pools").
      log.warn(
        { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c) },
        'database pool exhausted: no free connection within PG_CONNECT_TIMEOUT_MS',
      );
      return problemResponse(
        c,
        new Problem('database_busy', {}, undefined, { 'Retry-After': String(POOL_RETRY_AFTER_S) }),
      );
    }
    if (isDbDown(err)) {
      log.warn(
        { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c), err },
        'database unavailable',
      );
      return problemResponse(c, new Problem('database_unavailable'));
    }
    if (err instanceof ValueDomainError) {
      // Every edge refuses values outside their indicator's domain; one found in storage
      // anyway is named (and logged) instead of answering a server error.
      log.error(
        {
          requestId: c.get('requestId'),
          method: c.req.method,
          route: routeOf(c),
          no: err.indicatorNo,
          reason: err.message,
        },
        'stored value out of its domain',
      );
      return problemResponse(
        c,
        new Problem('stored_value_out_of_domain', {
          no: err.indicatorNo,
          value: String(err.value).slice(0, 40),
        }),
      );
    }
    log.error(
      { requestId: c.get('requestId'), method: c.req.method, route: routeOf(c), err },
      'request failed',
    );
    return problemResponse(c, new Problem('internal_error'));
  });
  return routed;
}

/** Type of the app for `hc<AppType>` in the PWA (import type only). */
export type AppType = ReturnType<typeof createApp>;
