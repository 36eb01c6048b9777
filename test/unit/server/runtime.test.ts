import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import {
  filesConfigFromEnv,
  findRepositoryRoot,
  packageVersion,
  pgPoolFromEnv,
  repositoryRoot,
  startupLockTimeoutMsFromEnv,
  syncTimeoutsFromEnv,
} from '../../../src/server/runtime';

const REPO = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

describe('where the server finds its repository', () => {
  it('is the folder of package.json named telusur, from source or from a build at any depth', () => {
    expect(repositoryRoot()).toBe(REPO);
    expect(packageVersion()).toBe(
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version,
    );
    const home = mkdtempSync(join(tmpdir(), 'telusur-root-'));
    try {
      writeFileSync(join(home, 'package.json'), JSON.stringify({ name: 'telusur' }));
      // A package.json of something else on the way up is passed by.
      mkdirSync(join(home, 'build/server/chunks'), { recursive: true });
      writeFileSync(join(home, 'build/package.json'), JSON.stringify({ name: 'other' }));
      writeFileSync(join(home, 'build/server/package.json'), '{ not json');
      expect(findRepositoryRoot(join(home, 'build/server/chunks'))).toBe(home);
      expect(findRepositoryRoot(join(home, 'build/server'))).toBe(home);
      rmSync(join(home, 'package.json'));
      expect(findRepositoryRoot(join(home, 'build/server/chunks'))).toBeNull();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('server settings from the environment', () => {
  it('takes the upload expiry and per-tablet staging cap an operator sets, defaulting to 7 days and 256 MB', () => {
    expect(filesConfigFromEnv({})).toMatchObject({
      uploadExpiryMs: 7 * 24 * 3_600_000,
      maxOpenBytesPerDevice: 256 * 1_048_576,
    });
    expect(
      filesConfigFromEnv({ UPLOAD_EXPIRY_HOURS: '48', UPLOAD_STAGING_MB_PER_TABLET: '64' }),
    ).toMatchObject({ uploadExpiryMs: 48 * 3_600_000, maxOpenBytesPerDevice: 64 * 1_048_576 });
    // The S3 staging honours them too.
    expect(
      filesConfigFromEnv({ FILES_STORE: 's3', S3_BUCKET: 'b', UPLOAD_EXPIRY_HOURS: '12' }),
    ).toMatchObject({ store: 's3', uploadExpiryMs: 12 * 3_600_000 });
  });

  it('takes PostgreSQL sync timeouts, and refuses to start on a value it would ignore', () => {
    expect(syncTimeoutsFromEnv({})).toEqual({
      syncLockTimeoutMs: DEFAULT_CONFIG.syncLockTimeoutMs,
      syncStatementTimeoutMs: DEFAULT_CONFIG.syncStatementTimeoutMs,
      syncIdleInTransactionTimeoutMs: DEFAULT_CONFIG.syncIdleInTransactionTimeoutMs,
    });
    expect(syncTimeoutsFromEnv({ SYNC_LOCK_TIMEOUT_MS: '2500' }).syncLockTimeoutMs).toBe(2500);
    expect(() => syncTimeoutsFromEnv({ SYNC_LOCK_TIMEOUT_MS: '2s' })).toThrow(
      /SYNC_LOCK_TIMEOUT_MS must be a positive whole number/,
    );
    expect(() => filesConfigFromEnv({ UPLOAD_EXPIRY_HOURS: '0' })).toThrow(/UPLOAD_EXPIRY_HOURS/);
  });

  it('sizes the PostgreSQL pool per process (10 connections, 10 s to get one, idle 30 s) and refuses a bad value by name', () => {
    expect(pgPoolFromEnv({})).toEqual({
      poolMax: 10,
      connectTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
    });
    expect(
      pgPoolFromEnv({ PG_POOL_MAX: '4', PG_CONNECT_TIMEOUT_MS: '2500', PG_IDLE_TIMEOUT_MS: ' ' }),
    ).toEqual({ poolMax: 4, connectTimeoutMs: 2500, idleTimeoutMs: 30_000 });
    expect(() => pgPoolFromEnv({ PG_POOL_MAX: '0' })).toThrow(
      /PG_POOL_MAX must be a positive whole number \(got "0"\)/,
    );
    expect(() => pgPoolFromEnv({ PG_CONNECT_TIMEOUT_MS: '10s' })).toThrow(/PG_CONNECT_TIMEOUT_MS/);
    expect(() => pgPoolFromEnv({ PG_IDLE_TIMEOUT_MS: '-1' })).toThrow(/PG_IDLE_TIMEOUT_MS/);
    expect(startupLockTimeoutMsFromEnv({})).toBe(300_000);
    expect(startupLockTimeoutMsFromEnv({ STARTUP_LOCK_TIMEOUT_MS: '60000' })).toBe(60_000);
    expect(() => startupLockTimeoutMsFromEnv({ STARTUP_LOCK_TIMEOUT_MS: '1.5' })).toThrow(
      /STARTUP_LOCK_TIMEOUT_MS/,
    );
  });
});
