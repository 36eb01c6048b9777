import type { Kysely, Selectable } from 'kysely';
import type { Account, Device, DeviceRevokedReason, Enrolment } from '../domain';
import { toAccount } from './accounts.repository';
import type { Database, DevicesTable, EnrolmentsTable } from './database';

/** What a device row says of the device (never its token hash, nor who revoked it). */
type DeviceColumns = Omit<Selectable<DevicesTable>, 'tokenHash' | 'revokedBy'>;

function toDevice(r: DeviceColumns): Device {
  return {
    id: r.id,
    verifierId: r.verifierId,
    label: r.label,
    createdAt: r.createdAt,
    lastSeenAt: r.lastSeenAt,
    revokedAt: r.revokedAt,
    revokedReason: revokedReason(r.revokedAt, r.revokedReason),
    origin: r.origin === 'rotate' ? 'rotate' : 'enrol',
    rotatedFrom: r.rotatedFrom,
    previousDeviceId: r.previousDeviceId,
  };
}

/**
 * Rows revoked before migration 2026_12_03_0200 carry no reason: a coordinator or a logout
 * revoked them (tablets could not release themselves yet).
 */
function revokedReason(at: number | null, reason: string | null): DeviceRevokedReason | null {
  if (at === null) return null;
  return reason === 'released' ? 'released' : 'revoked';
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

  /**
   * A new device identity (enrolment or rotation). Ids are always fresh: an identity is
   * never re-issued, so its sequence numbers belong to one tablet only.
   */
  async insertDevice(d: {
    id: string;
    verifierId: string;
    label: string;
    tokenHash: string;
    now: number;
    origin: 'enrol' | 'rotate';
    rotatedFrom: string | null;
    previousDeviceId: string | null;
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
      origin: d.origin,
      rotatedFrom: d.rotatedFrom,
      previousDeviceId: d.previousDeviceId,
      revokedReason: null,
    };
    await this.db.insertInto('devices').values(row).execute();
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
        'devices.revokedReason as deviceRevokedReason',
        'devices.origin as deviceOrigin',
        'devices.rotatedFrom as deviceRotatedFrom',
        'devices.previousDeviceId as devicePreviousDeviceId',
      ])
      .where('devices.tokenHash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      account: toAccount(row),
      device: toDevice({
        id: row.deviceId,
        verifierId: row.id,
        label: row.deviceLabel,
        createdAt: row.deviceCreatedAt,
        lastSeenAt: row.deviceLastSeenAt,
        revokedAt: row.deviceRevokedAt,
        revokedReason: row.deviceRevokedReason,
        origin: row.deviceOrigin,
        rotatedFrom: row.deviceRotatedFrom,
        previousDeviceId: row.devicePreviousDeviceId,
      }),
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

  /** Identities made by rotation for a verifier's tablets since `since` (epoch ms). */
  async countRotationsSince(verifierId: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('verifierId', '=', verifierId)
      .where('origin', '=', 'rotate')
      .where('createdAt', '>=', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
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

  /**
   * Stop a device's token from working (`revoked` by a coordinator or a logout, or
   * `released` by the tablet itself). A device revoked already keeps its first reason.
   */
  async revoke(
    id: string,
    now: number,
    by: string,
    reason: DeviceRevokedReason = 'revoked',
  ): Promise<void> {
    await this.db
      .updateTable('devices')
      .set({ revokedAt: now, revokedBy: by, revokedReason: reason })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .execute();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('devices').set({ lastSeenAt: now }).where('id', '=', id).execute();
  }

  /**
   * The value of the named server key, creating it with `candidate` when absent. Insert-if-
   * absent then read, so concurrent processes on one database all end up with the first
   * value written.
   */
  async ensureServerKey(name: string, candidate: string, now: number): Promise<string> {
    await this.db
      .insertInto('serverKeys')
      .values({ name, value: candidate, createdAt: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('serverKeys')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }

  /**
   * Whether the verifier holds the assessment now or held it earlier: an assignment row,
   * the device still holding it from a pull (its `device_scopes` grant, dropped only by the
   * first pull after a withdrawal — a tablet that works offline never makes that pull), or
   * changes its tablets wrote to it (a push or an imported bundle of one of its devices —
   * possible only while assigned), so an export made before a withdrawal still imports.
   */
  async verifierHadAssessment(
    verifierId: string,
    assessmentId: string,
    deviceId: string,
  ): Promise<boolean> {
    const assigned = await this.db
      .selectFrom('assignments')
      .select('id')
      .where('verifierId', '=', verifierId)
      .where('assessmentId', '=', assessmentId)
      .limit(1)
      .executeTakeFirst();
    if (assigned) return true;
    const granted = await this.db
      .selectFrom('deviceScopes')
      .select('deviceId')
      .where('deviceId', '=', deviceId)
      .where('assessmentId', '=', assessmentId)
      .limit(1)
      .executeTakeFirst();
    if (granted) return true;
    const wrote = await this.db
      .selectFrom('changes')
      .select('seq')
      .where('assessmentId', '=', assessmentId)
      .where('accountId', '=', verifierId)
      .where('source', 'in', ['push', 'bundle'])
      .limit(1)
      .executeTakeFirst();
    return wrote !== undefined;
  }
}
