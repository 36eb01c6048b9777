import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { parseTrustProxy, resolveConfig } from './config';
import { TusEndpoint } from './http/tus';
import { PgAdvisoryLocker } from './http/tus-locker';
import { openEvidenceStore } from './lib/evidence-stores';
import { createLogger, logLevelFromEnv } from './ops/logger';
import { GracefulShutdown } from './ops/shutdown';
import { startUpOrExit } from './ops/startup';
import {
  blobDirFromEnv,
  filesConfigFromEnv,
  openFromEnv,
  packageVersion,
  pgPoolFromEnv,
  shutdownGraceMsFromEnv,
  startupLockTimeoutMsFromEnv,
  staticDirFromEnv,
  syncTimeoutsFromEnv,
} from './runtime';
import { DEMO_ACCOUNTS, DEMO_OWNER, DEMO_PASSWORD, demoBanner } from './seed';
import { createServices } from './services';

// Node entry: `npm start` / `npm run serve`. One process serves the built PWA and /api.
// Env: PORT (8080), HOST (0.0.0.0), DATA_DIR (./data), DATABASE_URL (postgres://… → PostgreSQL),
// STATIC_DIR (default dist/), TRUST_PROXY=N behind N reverse proxies (1/true = one; client address
// from the right of X-Forwarded-For), NODE_ENV=production (no demo seed).
// Evidence files: BLOB_DIR (default DATA_DIR/files); FILES_STORE=s3 keeps them in a bucket (S3_BUCKET,
// S3_REGION, S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE, S3_PREFIX,
// S3_CHECKSUMS; needs `npm install @aws-sdk/client-s3 @tus/s3-store`); UPLOAD_STAGING,
// UPLOAD_STAGING_DIR, UPLOAD_EXPIRY_HOURS (168), UPLOAD_STAGING_MB_PER_TABLET (256); see runtime.ts.
// PostgreSQL sync limits: SYNC_LOCK_TIMEOUT_MS, SYNC_STATEMENT_TIMEOUT_MS,
// SYNC_IDLE_IN_TRANSACTION_TIMEOUT_MS (see runtime.ts). PostgreSQL pool of this process:
// PG_POOL_MAX (10), PG_CONNECT_TIMEOUT_MS (10000), PG_IDLE_TIMEOUT_MS (30000); start-up waits
// up to STARTUP_LOCK_TIMEOUT_MS (300000) for another process's (docs/deploy.md).
// Operations: LOG_LEVEL (info; JSON lines on stdout, see ops/logger.ts), SHUTDOWN_GRACE_MS
// (25000: open requests may finish this long after SIGTERM/SIGINT, see ops/shutdown.ts).

const production = process.env.NODE_ENV === 'production';

/**
 * PORT from the environment: 8080 when unset or empty, else a whole number 0–65535 (0 = any
 * free port).
 * @throws Error naming PORT for anything else.
 */
function portFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 8080;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new Error(`PORT must be a whole number from 0 to 65535 (got "${raw}")`);
  return n;
}

/**
 * Every setting read from the environment at once, so a bad one stops the start with one
 * line naming it (not a stack trace) before anything is opened.
 */
function settingsFromEnv() {
  try {
    return {
      port: portFromEnv(process.env.PORT),
      level: logLevelFromEnv(),
      graceMs: shutdownGraceMsFromEnv(),
      trustProxy: parseTrustProxy(process.env.TRUST_PROXY),
      files: filesConfigFromEnv(),
      syncTimeouts: syncTimeoutsFromEnv(),
      pgPool: pgPoolFromEnv(),
      startupLockTimeoutMs: startupLockTimeoutMsFromEnv(),
    };
  } catch (e) {
    process.stderr.write(`[telusur] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}

const settings = settingsFromEnv();
const port = settings.port;
const log = createLogger({ level: settings.level });
const graceMs = settings.graceMs;
// A crash is one more JSON line (with the stack) before the service manager restarts us.
process.on('uncaughtException', (err) => {
  log.fatal({ err }, 'uncaught exception');
  process.exit(1);
});
const handle = openFromEnv(process.env, settings.pgPool);
const config = resolveConfig({
  version: packageVersion(),
  staticDir: staticDirFromEnv(),
  trustProxy: settings.trustProxy,
  files: settings.files,
  ...settings.syncTimeouts,
});
const blobDir = blobDirFromEnv();
// The evidence store (BLOB_DIR or the S3 bucket), probed before anything is served: a missing
// package, wrong credentials or an unknown bucket stop the start with one line.
const evidence = await openEvidenceStore(config.files, blobDir).catch((e: unknown) => {
  process.stderr.write(`[telusur] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
if (handle.dialect === 'postgres' && evidence.kind === 'file')
  log.warn(
    `FILES_STORE=file on PostgreSQL: berkas bukti ada di ${evidence.where}; beberapa proses memerlukan BLOB_DIR bersama atau FILES_STORE=s3 / evidence files are in ${evidence.where}; several processes need a shared BLOB_DIR or FILES_STORE=s3`,
  );

const services = createServices({ db: handle.db, clock: Date.now, config, blobDir, evidence });
// Migrations, built-in instruments and (demo mode, no accounts) the demo seed, serialised
// across processes on PostgreSQL; refuses a newer database, backs SQLite up before
// migrating (ops/startup.ts, ops/upgrade.ts).
await startUpOrExit(handle, services, {
  demo: !production,
  log,
  lockTimeoutMs: settings.startupLockTimeoutMs,
});
if (
  !production &&
  (await services.accounts.count()) > 0 &&
  (await services.accounts.onlyDemoAccounts())
) {
  // Plain text on purpose (not a log line): the demo's passwords, readable on the console.
  console.log(
    demoBanner(
      [...DEMO_ACCOUNTS, DEMO_OWNER].map((a) => ({
        email: a.email,
        password: DEMO_PASSWORD,
        role: a.role,
      })),
    ),
  );
}

// Expired staging uploads are deleted now and every config.files.cleanupIntervalMs.
// On PostgreSQL (maybe several processes) the upload lock is shared through it (http/tus-locker.ts).
const tusLocker =
  handle.dialect === 'postgres' && process.env.DATABASE_URL
    ? await PgAdvisoryLocker.connect({ connectionString: process.env.DATABASE_URL, log })
    : null;
const tus = new TusEndpoint(
  config,
  blobDir,
  services.files,
  tusLocker ? { locker: tusLocker, log } : { log },
);
// Upload staging that cannot take an upload stops the start (not a 500 on the first photo).
await tus.checkStagingAtStart().catch((e: unknown) => {
  process.stderr.write(`[telusur] ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
const stopCleanup = tus.startCleanup(log);
const shutdown = new GracefulShutdown({
  log,
  graceMs,
  onBegin: stopCleanup,
  onClosed: async () => {
    await tus.settled();
    await tusLocker?.close();
    await handle.close();
  },
});
const app = createApp({
  db: handle.db,
  dialect: handle.dialect,
  config,
  blobDir,
  evidence,
  tus,
  log,
  draining: () => shutdown.draining,
});
const server = serve(
  { fetch: app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' },
  (info) => {
    log.info(
      {
        port: info.port,
        address: info.address,
        dialect: handle.dialect,
        database: handle.where,
        pwa: config.staticDir,
        version: config.version,
      },
      `listening on http://localhost:${info.port} (version ${config.version})${config.staticDir ? '' : '; PWA not built: run `npm run build`'}`,
    );
  },
);
shutdown.attach(server as Server);
process.on('SIGTERM', () => void shutdown.begin('SIGTERM'));
process.on('SIGINT', () => void shutdown.begin('SIGINT'));
