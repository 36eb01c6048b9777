import {
  type BundleSecret,
  type DeviceIdentity,
  type EnrolmentTicket,
  type EnrolResult,
  uuidv7,
} from '../../core';
import { inTransaction } from '../db/repositories';
import type { Device, Principal } from '../domain';
import { newEnrolmentCode, newToken, normaliseEnrolmentCode, sha256Hex } from '../lib/crypto';
import { qrSvg } from '../lib/qr';
import { Problem } from '../problems';
import type { AccountsService } from './accounts.service';
import type { AuthService } from './auth.service';
import { BundleKeys } from './bundle-keys';
import { BaseService, type ServiceDeps } from './context';

/** Most identities a verifier's tablets may take by rotation within an hour (stops a runaway loop). */
export const MAX_ROTATIONS_PER_HOUR = 10;
const HOUR_MS = 3_600_000;

/** Scheme of the enrolment QR code: `telusur-enrol:K7QM2XPA`. */
export const ENROL_URI_PREFIX = 'telusur-enrol:';

/**
 * Tablet enrolment (one-time code → long-lived device token), identity rotation and
 * release, bundle-signing secrets, listing and revocation. Every enrolment and every
 * rotation issues a new device identity, never an old one again: a (device, seq) pair then
 * belongs to exactly one tablet's outbox, even after a clone or a change of hands.
 */
export class DevicesService extends BaseService {
  readonly bundleKeys: BundleKeys;

  constructor(
    deps: ServiceDeps,
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
  ) {
    super(deps);
    this.bundleKeys = new BundleKeys(this.repos.devices, deps.config.secret, () => this.now());
  }

  async createEnrolment(verifierId: string, createdBy: string): Promise<EnrolmentTicket> {
    const verifier = await this.accounts.getVerifier(verifierId);
    if (!verifier.active) throw new Problem('not_a_verifier');
    const now = this.now();
    const expiresAt = now + this.deps.config.enrolmentTtlMs;
    for (let attempt = 0; ; attempt++) {
      const code = newEnrolmentCode();
      try {
        const e = await this.repos.devices.insertEnrolment({
          id: uuidv7(now),
          verifierId,
          codeHash: sha256Hex(code),
          createdBy,
          now,
          expiresAt,
        });
        const uri = `${ENROL_URI_PREFIX}${code}`;
        return {
          id: e.id,
          verifierId,
          code,
          displayCode: `${code.slice(0, 4)}-${code.slice(4)}`,
          expiresAt,
          uri,
          qrSvg: qrSvg(uri),
        };
      } catch (err) {
        // A collision of two live codes is astronomically unlikely; retry a few times anyway.
        if (attempt >= 3) throw err;
      }
    }
  }

  /**
   * A tablet presents a code (typed or scanned) and receives a NEW device identity: a
   * server-made id, its token and its bundle secret. A `claimedDeviceId` (the tablet's own
   * id, sent by apps before protocol 2) is only recorded as `previousDeviceId` for the
   * audit: the same tablet enrolling twice gets two identities, and a tablet that was
   * revoked or released can be enrolled for any verifier. Wrong codes count towards the
   * per-address limit (429 `too_many_attempts`); unknown, used or expired codes → 400
   * `enrolment_invalid`.
   */
  async enrol(
    rawCode: string,
    label: string,
    ip: string,
    claimedDeviceId?: string | undefined,
  ): Promise<EnrolResult> {
    // Counted before the code is looked at (atomically), so of a burst of parallel guesses
    // at most enrolMaxFailures are ever checked; a successful enrolment is taken back.
    const attempt = await this.auth.reserveAttempt([
      { key: sha256Hex(`enrol|${ip}`), max: this.deps.config.enrolMaxFailures },
    ]);
    const code = normaliseEnrolmentCode(
      rawCode.startsWith(ENROL_URI_PREFIX) ? rawCode.slice(ENROL_URI_PREFIX.length) : rawCode,
    );
    const now = this.now();
    const result = await inTransaction(this.deps.db, async (repos) => {
      const enrolment = await repos.devices.consumeEnrolment(sha256Hex(code), now);
      if (!enrolment) return null;
      const verifier = await repos.accounts.findById(enrolment.verifierId);
      if (!verifier?.active || verifier.role !== 'verifier') return null;
      const token = newToken('tld');
      const device = await repos.devices.insertDevice({
        id: uuidv7(now),
        verifierId: verifier.id,
        label: label.trim(),
        tokenHash: sha256Hex(token),
        now,
        origin: 'enrol',
        rotatedFrom: null,
        previousDeviceId: claimedDeviceId ?? null,
      });
      await repos.devices.linkEnrolment(enrolment.id, device.id);
      return {
        token,
        device,
        verifier: { id: verifier.id, name: verifier.name, email: verifier.email },
      };
    });
    if (!result) {
      await attempt.failed();
      throw new Problem('enrolment_invalid');
    }
    await attempt.succeeded();
    // Outside the transaction: the first derivation may create the server key (SQLite has
    // one connection, which the transaction would hold).
    return { ...result, bundleSecret: await this.bundleKeys.secretFor(result.device.id) };
  }

  /**
   * A fresh identity for the calling tablet's enrolment (asked for when its seqs collided with
   * another copy's): same verifier and label, `origin: 'rotate'`, `rotatedFrom` = the caller's
   * device id. The caller's own identity stays valid — if the tablet was cloned, the other copy
   * keeps using it. Throws 403 `forbidden` for a browser session (only a tablet token may rotate).
   */
  async rotate(principal: Principal): Promise<DeviceIdentity> {
    const from = this.tabletOf(principal);
    const now = this.now();
    // A tablet rotates when it finds its identity shared (a cloned profile, a restored
    // backup): rare. A client rotating in a loop would fill the device list; stop it.
    const recent = await this.repos.devices.countRotationsSince(from.verifierId, now - HOUR_MS);
    if (recent >= MAX_ROTATIONS_PER_HOUR)
      throw new Problem('rotation_limited', {}, undefined, { 'Retry-After': '3600' });
    const token = newToken('tld');
    const device = await this.repos.devices.insertDevice({
      id: uuidv7(now),
      verifierId: from.verifierId,
      label: from.label,
      tokenHash: sha256Hex(token),
      now,
      origin: 'rotate',
      rotatedFrom: from.id,
      previousDeviceId: null,
    });
    return {
      deviceId: device.id,
      token,
      bundleSecret: await this.bundleKeys.secretFor(device.id),
    };
  }

  /** The calling tablet's bundle secret (tablets enrolled before protocol 2 have none yet). */
  async bundleSecret(principal: Principal): Promise<BundleSecret> {
    const device = this.tabletOf(principal);
    return { deviceId: device.id, bundleSecret: await this.bundleKeys.secretFor(device.id) };
  }

  /**
   * The tablet lets go of its identity ("Lepas tablet", so it can change hands): the device
   * is revoked with reason `released` and its token stops working (401 `device_revoked`). The tablet
   * checks beforehand that nothing is unsent; the server keeps everything it received.
   */
  async release(principal: Principal): Promise<Device> {
    const device = this.tabletOf(principal);
    await this.repos.devices.revoke(device.id, this.now(), principal.account.id, 'released');
    return (await this.repos.devices.findById(device.id)) as Device;
  }

  /**
   * Every identity of a verifier's tablets, newest first: enrolled or rotated (with
   * `rotatedFrom`), active, revoked or released (`revokedReason`). 404 for an unknown verifier.
   */
  async listForVerifier(verifierId: string): Promise<Device[]> {
    await this.accounts.getVerifier(verifierId);
    return this.repos.devices.listForVerifier(verifierId);
  }

  /**
   * The coordinator revokes a tablet (reason `revoked`): the identity given and every identity
   * linked to it by rotation (the ones it came from and the ones taken from it), since a
   * rotation leaves the earlier identity working for a copied tablet — revoking one of them
   * alone would leave the lost or stolen tablet syncing. 404 for an unknown id.
   */
  async revoke(deviceId: string, by: string): Promise<Device> {
    const device = await this.repos.devices.findById(deviceId);
    if (!device) throw new Problem('not_found', { what: 'Tablet', whatEn: 'Tablet' });
    const all = await this.repos.devices.listForVerifier(device.verifierId);
    const lineage = new Set([deviceId]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of all) {
        if (d.rotatedFrom === null) continue;
        // Taken from a member (descendant), or a member was taken from it (ancestor).
        const next = lineage.has(d.rotatedFrom) ? d.id : lineage.has(d.id) ? d.rotatedFrom : null;
        if (next !== null && !lineage.has(next)) {
          lineage.add(next);
          grew = true;
        }
      }
    }
    const now = this.now();
    for (const id of lineage) await this.repos.devices.revoke(id, now, by);
    return (await this.repos.devices.findById(deviceId)) as Device;
  }

  private tabletOf(principal: Principal): Device {
    if (principal.kind !== 'device' || !principal.device) throw new Problem('forbidden');
    return principal.device;
  }
}
