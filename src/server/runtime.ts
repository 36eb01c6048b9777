import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppConfig, DEFAULT_CONFIG, type FilesConfig } from './config';
import {
  type DatabaseHandle,
  DEFAULT_PG_CONNECT_TIMEOUT_MS,
  DEFAULT_PG_IDLE_TIMEOUT_MS,
  DEFAULT_PG_POOL_MAX,
  openDatabase,
} from './db/connect';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './ops/shutdown';

/** Set by the server build (`vite build --mode server`) to the package version; absent from source. */
declare const __TELUSUR_BUILD_VERSION__: string | undefined;

/**
 * The nearest folder at or above `from` holding Telusur's package.json (name "telusur"), or
 * null. Searched rather than fixed because this module runs from src/server/ (tsx, tests) and
 * from the compiled build (build/server/ or its chunks/), at different depths.
 */
export function findRepositoryRoot(from: string): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg?.name === 'telusur') return dir;
    } catch {
      // no (readable) package.json here: keep looking upward
    }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Repository root, independent of the working directory: found from this module's location,
 * else (a build copied away from its repository) the working directory.
 */
const ROOT = findRepositoryRoot(dirname(fileURLToPath(import.meta.url))) ?? process.cwd();

/** The folder that holds package.json, dist/ and build/ (see findRepositoryRoot). */
export function repositoryRoot(): string {
  return ROOT;
}

/** PostgreSQL connection settings of one server process (see pgPoolFromEnv). */
export interface PgPoolSettings {
  /** Connections this process's pool opens at most. */
  poolMax: number;
  /** ms a query waits for a pool connection, or for a new connection, before it fails. */
  connectTimeoutMs: number;
  /** ms after which an idle pool connection is closed. */
  idleTimeoutMs: number;
}

/**
 * PostgreSQL pool of this process from PG_POOL_MAX (10), PG_CONNECT_TIMEOUT_MS (10 000)
 * and PG_IDLE_TIMEOUT_MS (30 000). Size them against max_connections: docs/deploy.md,
 * "Connection pools". Read (and checked) on SQLite as well, so a typo is found before the
 * move to PostgreSQL.
 * @throws Error naming a variable set to anything but a positive whole number.
 */
export function pgPoolFromEnv(env: NodeJS.ProcessEnv = process.env): PgPoolSettings {
  return {
    poolMax: positiveInt(env, 'PG_POOL_MAX', DEFAULT_PG_POOL_MAX),
    connectTimeoutMs: positiveInt(env, 'PG_CONNECT_TIMEOUT_MS', DEFAULT_PG_CONNECT_TIMEOUT_MS),
    idleTimeoutMs: positiveInt(env, 'PG_IDLE_TIMEOUT_MS', DEFAULT_PG_IDLE_TIMEOUT_MS),
  };
}

/**
 * Open the database the environment asks for: DATABASE_URL (postgres://…, pooled as
 * `pool` says; connections named `telusur-<pid>`) or DATA_DIR/telusur.sqlite.
 * @throws Error naming a PG_* variable that is set wrong (when `pool` is not given).
 */
export function openFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  pool: PgPoolSettings = pgPoolFromEnv(env),
): DatabaseHandle {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  return openDatabase({
    databaseUrl: env.DATABASE_URL,
    sqliteFile: join(dataDir, 'telusur.sqlite'),
    pgPoolSize: pool.poolMax,
    pgConnectTimeoutMs: pool.connectTimeoutMs,
    pgIdleTimeoutMs: pool.idleTimeoutMs,
  });
}

/**
 * The running server's version: the one it was compiled from (build), else package.json's
 * (source); '0.0.0' when neither is readable.
 */
export function packageVersion(): string {
  if (typeof __TELUSUR_BUILD_VERSION__ === 'string') return __TELUSUR_BUILD_VERSION__;
  try {
    return String(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** The built PWA: STATIC_DIR, else `dist/` at the repository root; null when not built. */
export function staticDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = resolve(env.STATIC_DIR ?? join(ROOT, 'dist'));
  return existsSync(join(dir, 'index.html')) ? dir : null;
}

/** Evidence files: BLOB_DIR, else DATA_DIR/files. */
export function blobDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.BLOB_DIR ?? join(env.DATA_DIR ?? './data', 'files'));
}

/**
 * A positive whole number from the environment, or `fallback` when unset or empty.
 * @throws Error naming the variable when it is set to anything else (the server must not start
 *   on a setting it would silently ignore).
 */
function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new Error(`${name} must be a positive whole number (got "${raw}")`);
  return n;
}

/** `file` or `s3` from `name` (unset or empty: `fallback`); anything else throws. */
function storeKind(env: NodeJS.ProcessEnv, name: string, fallback: 'file' | 's3'): 'file' | 's3' {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return fallback;
  if (raw === 'file' || raw === 's3') return raw;
  throw new Error(`${name} must be "file" or "s3" (got "${env[name]}")`);
}

/**
 * Where evidence files live, from the environment:
 *  - FILES_STORE: `file` (default; verified files in BLOB_DIR) or `s3` (in a bucket);
 *  - UPLOAD_STAGING: `file` or `s3` (default: as FILES_STORE); UPLOAD_STAGING_DIR (default
 *    BLOB_DIR/uploads) for `file`, on a mount every process shares when there are several;
 *  - with `s3` anywhere: S3_BUCKET (required), S3_REGION (us-east-1), S3_ENDPOINT (unset:
 *    AWS), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (unset: the AWS SDK's own chain),
 *    S3_FORCE_PATH_STYLE=1, S3_PREFIX (key prefix, e.g. `telusur/`), S3_CHECKSUMS
 *    (`when_required` | `when_supported`; default when_required with S3_ENDPOINT — see
 *    S3Config.checksums);
 *  - UPLOAD_EXPIRY_HOURS (unfinished uploads are deleted after it; default 168 = 7 days) and
 *    UPLOAD_STAGING_MB_PER_TABLET (unfinished bytes one tablet may hold; default 256).
 * @throws Error naming the variable that is missing or wrong.
 */
export function filesConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FilesConfig {
  const store = storeKind(env, 'FILES_STORE', 'file');
  const staging = storeKind(env, 'UPLOAD_STAGING', store);
  const stagingDir = env.UPLOAD_STAGING_DIR?.trim() ? resolve(env.UPLOAD_STAGING_DIR) : null;
  const base: FilesConfig = {
    ...DEFAULT_CONFIG.files,
    store,
    staging,
    stagingDir,
    uploadExpiryMs:
      positiveInt(env, 'UPLOAD_EXPIRY_HOURS', DEFAULT_CONFIG.files.uploadExpiryMs / 3_600_000) *
      3_600_000,
    maxOpenBytesPerDevice:
      positiveInt(
        env,
        'UPLOAD_STAGING_MB_PER_TABLET',
        DEFAULT_CONFIG.files.maxOpenBytesPerDevice / 1_048_576,
      ) * 1_048_576,
  };
  if (store !== 's3' && staging !== 's3') return base;
  const which = store === 's3' ? 'FILES_STORE=s3' : 'UPLOAD_STAGING=s3';
  if (!env.S3_BUCKET?.trim()) throw new Error(`${which} needs S3_BUCKET`);
  const endpoint = env.S3_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^/]/.test(endpoint))
    throw new Error(`S3_ENDPOINT must be an http(s) URL (got "${endpoint}")`);
  const checksums = (env.S3_CHECKSUMS ?? '').trim().toLowerCase();
  if (checksums !== '' && checksums !== 'when_required' && checksums !== 'when_supported')
    throw new Error(
      `S3_CHECKSUMS must be "when_required" or "when_supported" (got "${env.S3_CHECKSUMS}")`,
    );
  const prefix = (env.S3_PREFIX ?? '').trim();
  if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/')))
    throw new Error(`S3_PREFIX must end with "/" and not start with one (got "${prefix}")`);
  const keyId = env.S3_ACCESS_KEY_ID?.trim() || undefined;
  const secret = env.S3_SECRET_ACCESS_KEY?.trim() || undefined;
  if (Boolean(keyId) !== Boolean(secret))
    throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all');
  return {
    ...base,
    s3: {
      bucket: env.S3_BUCKET.trim(),
      region: env.S3_REGION?.trim() || 'us-east-1',
      endpoint,
      accessKeyId: keyId,
      secretAccessKey: secret,
      forcePathStyle: env.S3_FORCE_PATH_STYLE === '1' || env.S3_FORCE_PATH_STYLE === 'true',
      prefix,
      checksums:
        checksums === 'when_required' || checksums === 'when_supported'
          ? checksums
          : endpoint
            ? 'when_required'
            : 'when_supported',
    },
  };
}

/**
 * PostgreSQL sync transaction limits (so a frozen writer cannot stall every push) from
 * SYNC_LOCK_TIMEOUT_MS (10 000), SYNC_STATEMENT_TIMEOUT_MS (60 000) and
 * SYNC_IDLE_IN_TRANSACTION_TIMEOUT_MS (30 000).
 * @throws Error naming a variable set to anything but a positive whole number.
 */
export function syncTimeoutsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Pick<
  AppConfig,
  'syncLockTimeoutMs' | 'syncStatementTimeoutMs' | 'syncIdleInTransactionTimeoutMs'
> {
  return {
    syncLockTimeoutMs: positiveInt(env, 'SYNC_LOCK_TIMEOUT_MS', DEFAULT_CONFIG.syncLockTimeoutMs),
    syncStatementTimeoutMs: positiveInt(
      env,
      'SYNC_STATEMENT_TIMEOUT_MS',
      DEFAULT_CONFIG.syncStatementTimeoutMs,
    ),
    syncIdleInTransactionTimeoutMs: positiveInt(
      env,
      'SYNC_IDLE_IN_TRANSACTION_TIMEOUT_MS',
      DEFAULT_CONFIG.syncIdleInTransactionTimeoutMs,
    ),
  };
}

/**
 * SHUTDOWN_GRACE_MS: how long open requests may take to finish after SIGTERM/SIGINT before
 * they are cut (default 25 000; keep it below the service manager's stop timeout).
 * @throws Error naming the variable when it is set to anything but a positive whole number.
 */
export function shutdownGraceMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInt(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS);
}

/** Default of STARTUP_LOCK_TIMEOUT_MS: 5 minutes (a long migration on a large database). */
export const DEFAULT_STARTUP_LOCK_TIMEOUT_MS = 300_000;

/**
 * STARTUP_LOCK_TIMEOUT_MS: how long a starting process waits for another process's
 * start-up (migrations, built-in instruments, demo seed) on PostgreSQL before it gives up
 * with one line naming the holder (default 300 000; see ops/startup.ts).
 * @throws Error naming the variable when it is set to anything but a positive whole number.
 */
export function startupLockTimeoutMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInt(env, 'STARTUP_LOCK_TIMEOUT_MS', DEFAULT_STARTUP_LOCK_TIMEOUT_MS);
}
