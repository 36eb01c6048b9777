import { serve } from '@hono/node-server';
import { formatIndex } from '../core';
import { createApp } from './app';
import { parseTrustProxy, resolveConfig } from './config';
import { TusEndpoint } from './http/tus';
import { upgradeOrExit } from './ops/upgrade';
import {
  blobDirFromEnv,
  filesConfigFromEnv,
  openFromEnv,
  packageVersion,
  staticDirFromEnv,
  syncTimeoutsFromEnv,
} from './runtime';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoBanner, seedDemo } from './seed';
import { createServices } from './services';

// Node entry: `npm start` / `npm run serve`. One process serves the built PWA and /api.
// Env: PORT (8080), HOST (0.0.0.0), DATA_DIR (./data), DATABASE_URL (postgres://… → PostgreSQL),
// STATIC_DIR (default dist/), TRUST_PROXY=N behind N reverse proxies (1/true = one; client address
// from the right of X-Forwarded-For), NODE_ENV=production (no demo seed).
// Evidence files: BLOB_DIR (default DATA_DIR/files); FILES_STORE=s3 stages tus uploads in S3
// (S3_BUCKET, S3_REGION, S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE=1;
// needs `npm install @tus/s3-store`); UPLOAD_EXPIRY_HOURS (168), UPLOAD_STAGING_MB_PER_TABLET (256).
// PostgreSQL sync limits: SYNC_LOCK_TIMEOUT_MS, SYNC_STATEMENT_TIMEOUT_MS,
// SYNC_IDLE_IN_TRANSACTION_TIMEOUT_MS (see runtime.ts).

const production = process.env.NODE_ENV === 'production';
const port = Number(process.env.PORT ?? 8080);
const handle = openFromEnv();
const config = resolveConfig({
  version: packageVersion(),
  staticDir: staticDirFromEnv(),
  trustProxy: parseTrustProxy(process.env.TRUST_PROXY),
  files: filesConfigFromEnv(),
  ...syncTimeoutsFromEnv(),
});
const blobDir = blobDirFromEnv();

// Refuses a database of a newer version; on SQLite backs up before migrating (ops/upgrade.ts).
const applied = await upgradeOrExit(handle, { log: (line) => console.log(`[telusur] ${line}`) });
if (applied.length) console.log(`[telusur] migrations applied: ${applied.join(', ')}`);

const services = createServices({ db: handle.db, clock: Date.now, config, blobDir });
if ((await services.accounts.count()) === 0) {
  if (production) {
    console.warn(
      '[telusur] empty database and NODE_ENV=production: no demo data seeded; create accounts before use',
    );
  } else {
    const demo = await seedDemo(services);
    console.log(
      `[telusur] demo seeded: ${demo.units} units, city self-assessment index ${formatIndex(demo.cityIndex, 'en')} (SPBE 2023), ${formatIndex(demo.pemdiCityIndex, 'en')} (Pemdi 2026)`,
    );
  }
}
if (
  !production &&
  (await services.accounts.count()) > 0 &&
  (await services.accounts.onlyDemoAccounts())
) {
  console.log(
    demoBanner(
      DEMO_ACCOUNTS.map((a) => ({ email: a.email, password: DEMO_PASSWORD, role: a.role })),
    ),
  );
}

// Expired staging uploads are deleted now and every config.files.cleanupIntervalMs.
const tus = new TusEndpoint(config, services.files.blobs.dir, services.files);
const stopCleanup = tus.startCleanup();
const app = createApp({ db: handle.db, dialect: handle.dialect, config, blobDir, tus });
const server = serve(
  { fetch: app.fetch, port, hostname: process.env.HOST ?? '0.0.0.0' },
  (info) => {
    console.log(`[telusur] ${handle.dialect} at ${handle.where}`);
    console.log(`[telusur] PWA: ${config.staticDir ?? '(not built: run `npm run build`)'}`);
    console.log(`[telusur] listening on http://localhost:${info.port} (version ${config.version})`);
  },
);

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  stopCleanup();
  console.log(`[telusur] ${signal}: finishing open requests, then closing the database`);
  const force = setTimeout(() => {
    console.error('[telusur] shutdown timed out; exiting');
    process.exit(1);
  }, 10_000);
  force.unref();
  server.close(() => {
    handle
      .close()
      .catch((e) => console.error('[telusur] closing the database failed:', e))
      .finally(() => process.exit(0));
  });
  // Idle keep-alive connections would otherwise hold close() open.
  (server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
