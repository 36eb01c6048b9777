import { uuidv7 } from '../../core';
import { inTransaction } from '../db/repositories';
import type { Account, Device } from '../domain';
import { newEnrolmentCode, newToken, normaliseEnrolmentCode, sha256Hex } from '../lib/crypto';
import { qrSvg } from '../lib/qr';
import { Problem } from '../problems';
import type { AccountsService } from './accounts.service';
import type { AuthService } from './auth.service';
import { BaseService, type ServiceDeps } from './context';

export interface EnrolmentTicket {
  id: string;
  verifierId: string;
  /** Shown once; only its hash is stored. */
  code: string;
  /** The code as shown to people: `K7QM-2XPA`. */
  displayCode: string;
  expiresAt: number;
  /** What the QR code encodes; the app's enrol screen accepts it scanned or typed. */
  uri: string;
  qrSvg: string;
}

export interface EnrolResult {
  /** Shown once to the tablet; only its hash is stored. */
  token: string;
  device: Device;
  verifier: Pick<Account, 'id' | 'name' | 'email'>;
}

/** Scheme of the enrolment QR code: `telusur-enrol:K7QM2XPA`. */
export const ENROL_URI_PREFIX = 'telusur-enrol:';

/** Tablet enrolment (one-time code → long-lived device token), listing and revocation. */
export class DevicesService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
  ) {
    super(deps);
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
   * A tablet presents a code (typed or scanned) and receives its device token. With
   * `deviceId` (the tablet store's id) the device gets that id, so the pushes the tablet
   * signs with it are accepted (issue 6); the same tablet enrolling again for the same
   * verifier keeps its id and sync position with a new token.
   */
  async enrol(
    rawCode: string,
    label: string,
    ip: string,
    deviceId?: string | undefined,
  ): Promise<EnrolResult> {
    const key = sha256Hex(`enrol|${ip}`);
    await this.auth.assertNotLimited(key, this.deps.config.enrolMaxFailures);
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
      const existing = deviceId ? await repos.devices.findById(deviceId) : null;
      if (existing && existing.verifierId !== verifier.id) throw new Problem('device_id_taken');
      const fields = {
        verifierId: verifier.id,
        label: label.trim(),
        tokenHash: sha256Hex(token),
        now,
      };
      const device = existing
        ? await repos.devices.reenrol({ ...fields, id: existing.id })
        : await repos.devices.insertDevice({ ...fields, id: deviceId ?? uuidv7(now) });
      await repos.devices.linkEnrolment(enrolment.id, device.id);
      return {
        token,
        device,
        verifier: { id: verifier.id, name: verifier.name, email: verifier.email },
      };
    });
    if (!result) {
      await this.auth.recordFailure(key);
      throw new Problem('enrolment_invalid');
    }
    return result;
  }

  async listForVerifier(verifierId: string): Promise<Device[]> {
    await this.accounts.getVerifier(verifierId);
    return this.repos.devices.listForVerifier(verifierId);
  }

  async revoke(deviceId: string, by: string): Promise<Device> {
    const device = await this.repos.devices.findById(deviceId);
    if (!device) throw new Problem('not_found', { what: 'Tablet', whatEn: 'Tablet' });
    await this.repos.devices.revoke(deviceId, this.now(), by);
    return (await this.repos.devices.findById(deviceId)) as Device;
  }
}
