/**
 * Domain types the services speak and the routes serialise. The API's JSON shapes are the
 * contract in src/core/api (re-exported here so services keep one import); what never leaves
 * the server (enrolments, the caller) is declared here. Repositories convert rows (0/1
 * flags, snake_case) into these; nothing above the repositories sees a row type.
 */
import type { Account, Device } from '../core';

export {
  type Account,
  type Assessment,
  type Assignment,
  type Device,
  type DeviceRevokedReason,
  type FrameworkSummary,
  PERIOD_STATUSES,
  type Period,
  type PeriodStatus,
  ROLES,
  type Role,
  type SelfAssessmentLevel,
  UNIT_KINDS,
  type Unit,
  type UnitKind,
} from '../core';

/** A one-time enrolment code as stored (its hash only), and the tablet it became. */
export interface Enrolment {
  id: string;
  verifierId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  deviceId: string | null;
}

/** Who is calling: a coordinator/viewer/verifier session, or an enrolled tablet. */
export interface Principal {
  account: Account;
  kind: 'session' | 'device';
  /** Set for device tokens. */
  device: Device | null;
  /** Set for sessions. */
  sessionExpiresAt: number | null;
  tokenHash: string;
}
