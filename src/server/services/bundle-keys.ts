import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { bundleSigningInput } from '../../core';
import type { DevicesRepository } from '../db/devices.repository';

/** Name of the server key in `server_keys` that bundle secrets derive from. */
const BUNDLE_KEY = 'bundle';

/**
 * Per-device bundle-signing secrets (an export file proves which tablet made it), derived and never
 * stored: secret = hex HMAC-SHA256(serverKey, 'bundle-secret|' + deviceId). The server key is
 * TELUSUR_SECRET when configured, else 32 random bytes created once in the database
 * (insert-if-absent, so every process on that database derives the same secrets). Rotating the
 * server key invalidates every tablet's secret; tablets fetch theirs again with POST
 * /api/devices/bundle-secret.
 */
export class BundleKeys {
  private key: Promise<Buffer> | null = null;

  constructor(
    private readonly repo: Pick<DevicesRepository, 'ensureServerKey'>,
    private readonly configured: string | null,
    private readonly now: () => number,
  ) {}

  /** The device's secret: 64 lowercase hex digits (the HMAC key is the 32 bytes they encode). */
  async secretFor(deviceId: string): Promise<string> {
    const key = await this.serverKey();
    return createHmac('sha256', key).update(`bundle-secret|${deviceId}`, 'utf8').digest('hex');
  }

  /**
   * Whether `mac` (hex, any case) is the device's signature of a manifest whose SHA-256 is
   * `manifestSha256` (hex): HMAC-SHA256(secret bytes, bundleSigningInput(…)), compared in
   * constant time. False for anything that is not 64 hex digits.
   */
  async verify(deviceId: string, manifestSha256: string, mac: string): Promise<boolean> {
    if (!/^[0-9a-fA-F]{64}$/.test(mac)) return false;
    const secret = Buffer.from(await this.secretFor(deviceId), 'hex');
    const expected = createHmac('sha256', secret)
      .update(bundleSigningInput(manifestSha256, deviceId), 'utf8')
      .digest();
    return timingSafeEqual(expected, Buffer.from(mac, 'hex'));
  }

  private serverKey(): Promise<Buffer> {
    if (this.configured !== null) return Promise.resolve(Buffer.from(this.configured, 'utf8'));
    this.key ??= this.repo
      .ensureServerKey(BUNDLE_KEY, randomBytes(32).toString('hex'), this.now())
      .then((hex) => Buffer.from(hex, 'hex'))
      .catch((e: unknown) => {
        // Not cached: the next call tries the database again.
        this.key = null;
        throw e;
      });
    return this.key;
  }
}
