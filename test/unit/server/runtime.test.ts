import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/server/config';
import { filesConfigFromEnv, syncTimeoutsFromEnv } from '../../../src/server/runtime';

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
});
