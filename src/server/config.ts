/** Tunables of one server process. Everything has a safe default; tests override a few. */
export interface AppConfig {
  /** App version reported by /api/health. */
  version: string;
  sessionTtlMs: number;
  enrolmentTtlMs: number;
  /** Failed logins per account+IP within the window before 429. */
  loginMaxFailures: number;
  /** Failed enrolment codes per IP within the window before 429. */
  enrolMaxFailures: number;
  failureWindowMs: number;
  /** Largest accepted request body on /api (bytes). */
  bodyLimitBytes: number;
  /** Use X-Forwarded-For for the client IP (only behind a reverse proxy you control). */
  trustProxy: boolean;
  /** Built PWA to serve (index.html, sw.js, assets/); null = API only. */
  staticDir: string | null;
  /** scrypt cost for new password hashes (stored with each hash, so it can be raised later). */
  scrypt: { N: number; r: number; p: number };
  /** Minimum gap between two last-seen writes of one tablet. */
  deviceSeenThrottleMs: number;
  /** Largest accepted push body (a batch may carry signatures of ~400 kB each). */
  pushBodyLimitBytes: number;
  /** Largest accepted tablet export file (bundle) on import. */
  bundleBodyLimitBytes: number;
  /**
   * PostgreSQL timeouts (ms) of every transaction that writes the sync change log, set with
   * SET LOCAL so they bind only those transactions: waiting for the change-log writer lock
   * (a push that waits longer answers a retryable 503 `server_busy`), any one statement,
   * and idling inside the transaction (a frozen process loses its connection, and with it
   * the lock, instead of stalling every other push).
   */
  syncLockTimeoutMs: number;
  syncStatementTimeoutMs: number;
  syncIdleInTransactionTimeoutMs: number;
  /**
   * Checked from a bundle's zip directory before anything is inflated (issue 11 §5): total
   * uncompressed bytes, number of entries, and compression ratio (uncompressed : compressed,
   * per entry and over the whole file) above which the file is refused as a zip bomb.
   */
  bundleLimits: { maxUncompressedBytes: number; maxEntries: number; maxRatio: number };
  /**
   * Server secret (env TELUSUR_SECRET, at least 32 characters) from which every device's
   * bundle-signing secret is derived; null = a random key the server keeps in its database.
   */
  secret: string | null;
  /** Evidence uploads (tus). */
  files: FilesConfig;
}

/**
 * Where resumable evidence uploads are staged: `file` (a directory under the blob
 * directory, default) or `s3` (an S3-compatible bucket through the optional package
 * `@tus/s3-store`, for several server processes). Verified files always end up
 * content-addressed in the blob directory.
 */
export interface FilesConfig {
  store: 'file' | 's3';
  /** Largest evidence file (bytes); matches core's evidenceFile.bytes limit. */
  maxBytes: number;
  s3: {
    bucket: string;
    region: string;
    endpoint?: string | undefined;
    accessKeyId?: string | undefined;
    secretAccessKey?: string | undefined;
    forcePathStyle?: boolean | undefined;
  } | null;
}

export const DEFAULT_CONFIG: AppConfig = {
  version: '0.0.0',
  sessionTtlMs: 12 * 60 * 60 * 1000,
  enrolmentTtlMs: 30 * 60 * 1000,
  loginMaxFailures: 5,
  enrolMaxFailures: 10,
  failureWindowMs: 15 * 60 * 1000,
  bodyLimitBytes: 4 * 1024 * 1024,
  trustProxy: false,
  staticDir: null,
  // OWASP password storage cheat sheet: N=2^14, r=8, p=5 (16 MiB per hash).
  scrypt: { N: 2 ** 14, r: 8, p: 5 },
  deviceSeenThrottleMs: 60_000,
  pushBodyLimitBytes: 32 * 1024 * 1024,
  bundleBodyLimitBytes: 512 * 1024 * 1024,
  syncLockTimeoutMs: 10_000,
  syncStatementTimeoutMs: 60_000,
  syncIdleInTransactionTimeoutMs: 30_000,
  bundleLimits: { maxUncompressedBytes: 512 * 1024 * 1024, maxEntries: 20_000, maxRatio: 100 },
  secret: null,
  files: { store: 'file', maxBytes: 25 * 1024 * 1024, s3: null },
};

/**
 * DEFAULT_CONFIG overridden by `partial`; `secret` falls back to env TELUSUR_SECRET.
 * Throws when that secret is shorter than 32 characters (bundle signatures would be guessable).
 */
export function resolveConfig(partial: Partial<AppConfig> = {}): AppConfig {
  const secret = partial.secret ?? (process.env.TELUSUR_SECRET || null);
  if (secret !== null && secret.length < 32)
    throw new Error('TELUSUR_SECRET must be at least 32 characters (e.g. openssl rand -hex 32)');
  return {
    ...DEFAULT_CONFIG,
    ...partial,
    scrypt: { ...DEFAULT_CONFIG.scrypt, ...partial.scrypt },
    files: { ...DEFAULT_CONFIG.files, ...partial.files },
    bundleLimits: { ...DEFAULT_CONFIG.bundleLimits, ...partial.bundleLimits },
    secret,
  };
}
