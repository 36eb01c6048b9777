import { MAX_EVIDENCE_BYTES } from '../core';

/** Tunables of one server process. Everything has a safe default; tests override a few. */
export interface AppConfig {
  /** App version reported by /api/health. */
  version: string;
  sessionTtlMs: number;
  enrolmentTtlMs: number;
  /** Failed logins per account+IP within the window before 429. */
  loginMaxFailures: number;
  /** Failed logins per client address (any account) within the window before 429. */
  loginMaxFailuresPerClient: number;
  /**
   * Password checks (scrypt) running at once in this process, and how many more may wait
   * for a slot; beyond that a login is answered 429 `login_busy` at once, so a flood of
   * logins cannot queue up behind the hashing and make a real login take seconds.
   */
  passwordHashConcurrency: number;
  passwordHashQueue: number;
  /** Failed enrolment codes per IP within the window before 429. */
  enrolMaxFailures: number;
  failureWindowMs: number;
  /** Largest accepted request body on /api (bytes). */
  bodyLimitBytes: number;
  /**
   * Reverse proxies in front of the server whose X-Forwarded-For / X-Forwarded-Proto entries
   * are trusted (env TRUST_PROXY=N; `1`/`true` = one). 0 = none: the socket address is the
   * client and forwarded headers are ignored. See `parseTrustProxy`.
   */
  trustProxy: number;
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
   * Checked from a bundle's zip directory before anything is inflated, so a zip bomb costs nothing:
   * total uncompressed bytes, number of entries, and compression ratio (uncompressed : compressed,
   * per entry and over the whole file) above which the file is refused as a zip bomb.
   */
  bundleLimits: { maxUncompressedBytes: number; maxEntries: number; maxRatio: number };
  /**
   * Server secret (env TELUSUR_SECRET, at least 32 characters) from which every device's
   * bundle-signing secret is derived; null = a random key the server keeps in its database.
   */
  secret: string | null;
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
  /** Evidence uploads (tus). */
  files: FilesConfig;
}

/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage, s3rver…) reached through the
 * optional packages `@aws-sdk/client-s3` and `@tus/s3-store` (optionalDependencies).
 */
export interface S3Config {
  bucket: string;
  region: string;
  /** Endpoint of an S3-compatible server (unset: AWS). */
  endpoint?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** Path-style addressing (`http://host/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean | undefined;
  /** Key prefix of every object Telusur writes (`''` or ending in `/`). */
  prefix: string;
  /**
   * When the AWS SDK adds checksums to requests (its `requestChecksumCalculation`):
   * `when_supported` (the SDK's default since 3.729: CRC32 trailers in aws-chunked bodies)
   * or `when_required`, which S3-compatible servers that do not decode chunked checksums
   * need (else every upload fails). Default: `when_required` with an endpoint, else
   * `when_supported`.
   */
  checksums: 'when_supported' | 'when_required';
}

/**
 * Where evidence files live. Verified files: `store` — `file` (content-addressed in the blob
 * directory, default) or `s3` (a bucket every server process reads). Unfinished resumable
 * uploads (tus): `staging` — `file` (a directory; shared by all processes when they run on
 * one machine or mount it) or `s3` (the bucket, through `@tus/s3-store`).
 */
export interface FilesConfig {
  store: 'file' | 's3';
  staging: 'file' | 's3';
  /** Staging directory when `staging` is `file`; null = `<blob directory>/uploads`. */
  stagingDir: string | null;
  /**
   * Largest evidence file (bytes) of any kind; core's EVIDENCE_LIMITS gives each kind its
   * own (a PDF is refused above its own limit).
   */
  maxBytes: number;
  /**
   * An unfinished upload expires this long after its creation (advertised as tus
   * `Upload-Expires`); afterwards it answers 410 and its staging bytes are deleted.
   */
  uploadExpiryMs: number;
  /** How often the server deletes expired staging uploads (0 = never on its own). */
  cleanupIntervalMs: number;
  /**
   * Declared bytes of unfinished uploads one tablet (device) may have open at once; a new
   * upload beyond it is refused with 413 `upload_quota`.
   */
  maxOpenBytesPerDevice: number;
  /** Required when `store` or `staging` is `s3`. */
  s3: S3Config | null;
}

export const DEFAULT_CONFIG: AppConfig = {
  version: '0.0.0',
  sessionTtlMs: 12 * 60 * 60 * 1000,
  enrolmentTtlMs: 30 * 60 * 1000,
  loginMaxFailures: 5,
  loginMaxFailuresPerClient: 30,
  passwordHashConcurrency: 4,
  passwordHashQueue: 8,
  enrolMaxFailures: 10,
  failureWindowMs: 15 * 60 * 1000,
  bodyLimitBytes: 4 * 1024 * 1024,
  trustProxy: 0,
  staticDir: null,
  // OWASP password storage cheat sheet: N=2^14, r=8, p=5 (16 MiB per hash).
  scrypt: { N: 2 ** 14, r: 8, p: 5 },
  deviceSeenThrottleMs: 60_000,
  pushBodyLimitBytes: 32 * 1024 * 1024,
  bundleBodyLimitBytes: 512 * 1024 * 1024,
  bundleLimits: { maxUncompressedBytes: 512 * 1024 * 1024, maxEntries: 20_000, maxRatio: 100 },
  secret: null,
  syncLockTimeoutMs: 10_000,
  syncStatementTimeoutMs: 60_000,
  syncIdleInTransactionTimeoutMs: 30_000,
  files: {
    store: 'file',
    staging: 'file',
    stagingDir: null,
    maxBytes: MAX_EVIDENCE_BYTES,
    uploadExpiryMs: 7 * 24 * 60 * 60 * 1000,
    cleanupIntervalMs: 60 * 60 * 1000,
    maxOpenBytesPerDevice: 256 * 1024 * 1024,
    s3: null,
  },
};

/**
 * Proxy hops from env TRUST_PROXY: unset, empty, `0` or `false` → 0; `1` or `true` → 1;
 * a whole number N → N. Throws on anything else (a typo must not silently trust headers).
 *
 * @example
 *   parseTrustProxy('2'); // 2: nginx behind a load balancer
 */
export function parseTrustProxy(raw: string | undefined): number {
  const v = (raw ?? '').trim().toLowerCase();
  if (v === '' || v === '0' || v === 'false') return 0;
  if (v === 'true') return 1;
  if (/^[1-9][0-9]?$/.test(v)) return Number(v);
  throw new Error(`TRUST_PROXY must be a number of proxy hops (0-99) or true/false, not "${raw}"`);
}

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
