import type { Kysely, Selectable } from 'kysely';
import type { Account, Device, Enrolment } from '../domain';
import { toAccount } from './accounts.repository';
import type { Database, DevicesTable, EnrolmentsTable } from './database';

function toDevice(r: Selectable<DevicesTable>): Device {
  return {
    id: r.id,
    verifierId: r.verifierId,
    label: r.label,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    revokedAt: r.revokedAt,
  };
}

function toEnrolment(r: Selectable<EnrolmentsTable>): Enrolment {
  return {
    id: r.id,
    verifierId: r.verifierId,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    usedAt: r.usedAt,
    deviceId: r.deviceId,
  };
}

/** Enrolled tablets and the one-time enrolment codes that create them. */
export class DevicesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertEnrolment(e: {
    id: string;
    verifierId: string;
    codeHash: string;
    createdBy: string;
    now: number;
    expiresAt: number;
  }): Promise<Enrolment> {
    const row = {
      id: e.id,
      verifierId: e.verifierId,
      codeHash: e.codeHash,
      createdBy: e.createdBy,
      createdAt: e.now,
      expiresAt: e.expiresAt,
      usedAt: null,
      deviceId: null,
    };
    await this.db.insertInto('enrolments').values(row).execute();
    return toEnrolment(row);
  }

  /**
   * Mark an unused, unexpired enrolment as used; atomic, so one code enrols one tablet
   * even under concurrent attempts. Returns null when the code is unknown, used or expired.
   */
  async consumeEnrolment(codeHash: string, now: number): Promise<Enrolment | null> {
    const result = await this.db
      .updateTable('enrolments')
      .set({ usedAt: now })
      .where('codeHash', '=', codeHash)
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', now)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const row = await this.db
      .selectFrom('enrolments')
      .selectAll()
      .where('codeHash', '=', codeHash)
      .executeTakeFirstOrThrow();
    return toEnrolment(row);
  }

  async linkEnrolment(enrolmentId: string, deviceId: string): Promise<void> {
    await this.db
      .updateTable('enrolments')
      .set({ deviceId })
      .where('id', '=', enrolmentId)
      .execute();
  }

  async insertDevice(d: {
    id: string;
    verifierId: string;
    label: string;
    tokenHash: string;
    now: number;
  }): Promise<Device> {
    const row = {
      id: d.id,
      verifierId: d.verifierId,
      label: d.label,
      tokenHash: d.tokenHash,
      createdAt: d.now,
      lastSeenAt: d.now,
      revokedAt: null,
      revokedBy: null,
    };
    await this.db.insertInto('devices').values(row).execute();
    return toDevice(row);
  }

  /** The same tablet enrolling again: new token and label, no longer revoked; id (and sync position) kept. */
  async reenrol(d: { id: string; label: string; tokenHash: string; now: number }): Promise<Device> {
    await this.db
      .updateTable('devices')
      .set({
        label: d.label,
        tokenHash: d.tokenHash,
        lastSeenAt: d.now,
        revokedAt: null,
        revokedBy: null,
      })
      .where('id', '=', d.id)
      .execute();
    const row = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', d.id)
      .executeTakeFirstOrThrow();
    return toDevice(row);
  }

  async findWithAccount(tokenHash: string): Promise<{ device: Device; account: Account } | null> {
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('accounts', 'accounts.id', 'devices.verifierId')
      .selectAll('accounts')
      .select([
        'devices.id as deviceId',
        'devices.label as deviceLabel',
        'devices.createdAt as deviceCreatedAt',
        'devices.lastSeenAt as deviceLastSeenAt',
        'devices.revokedAt as deviceRevokedAt',
      ])
      .where('devices.tokenHash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      account: toAccount(row),
      device: {
        id: row.deviceId,
        verifierId: row.id,
        label: row.deviceLabel,
        createdAt: row.deviceCreatedAt,
        lastSeenAt: row.deviceLastSeenAt,
        revokedAt: row.deviceRevokedAt,
      },
    };
  }

  async findById(id: string): Promise<Device | null> {
    const row = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toDevice(row) : null;
  }

  async listForVerifier(verifierId: string): Promise<Device[]> {
    const rows = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('verifierId', '=', verifierId)
      .orderBy('createdAt', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toDevice);
  }

  async revoke(id: string, now: number, by: string): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ revokedAt: now, revokedBy: by })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .execute();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('devices').set({ lastSeenAt: now }).where('id', '=', id).execute();
  }
}
