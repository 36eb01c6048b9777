/**
 * Domain types the services speak and the routes serialise (the API's JSON shapes).
 * Repositories convert rows (0/1 flags, snake_case) into these; nothing above the
 * repositories sees a row type.
 */
import type { PeriodStatus, Role, UnitKind } from './db/database';

export type { PeriodStatus, Role, UnitKind };
export const ROLES = ['coordinator', 'viewer', 'verifier'] as const satisfies readonly Role[];
export const UNIT_KINDS = [
  'pemda',
  'opd',
  'kecamatan',
  'kelurahan',
] as const satisfies readonly UnitKind[];
export const PERIOD_STATUSES = [
  'draft',
  'active',
  'closed',
] as const satisfies readonly PeriodStatus[];

export interface Account {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  demo: boolean;
  hasPassword: boolean;
  createdAt: number;
}

export interface Device {
  id: string;
  verifierId: string;
  label: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** `revoked` (coordinator or logout) or `released` (the tablet let go of it); null while active. */
  revokedReason: DeviceRevokedReason | null;
  /** How the identity was issued: a one-time enrolment code, or rotation of another identity. */
  origin: 'enrol' | 'rotate';
  /** For `rotate`: the identity whose token asked for this one (it stays valid). */
  rotatedFrom: string | null;
  /** The id the tablet claimed at enrolment (audit only; the server always issues a fresh id). */
  previousDeviceId: string | null;
}

export type DeviceRevokedReason = 'revoked' | 'released';

export interface Enrolment {
  id: string;
  verifierId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  deviceId: string | null;
}

export interface FrameworkSummary {
  id: string;
  version: string;
  name: string;
  builtIn: boolean;
  createdAt: number;
  /** Number of periods that use it (a framework in use is immutable). */
  periodCount: number;
}

export interface Period {
  id: string;
  name: string;
  year: number;
  frameworkId: string;
  targetIndex: number;
  status: PeriodStatus;
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface Unit {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  demo: boolean;
}

export interface SelfAssessmentLevel {
  periodId: string;
  unitId: string;
  indicatorNo: number;
  level: number;
  justification: string;
  updatedAt: number;
}

/** The sync record of one unit's verification in one period (core ENTITY_FIELDS.assessment + id). */
export interface Assessment {
  id: string;
  periodId: string;
  unitId: string;
  frameworkId: string;
  status: string;
  submittedAt: number | null;
  updatedAt: number;
}

export interface Assignment {
  id: string;
  periodId: string;
  unitId: string;
  verifierId: string;
  assessmentId: string;
  createdAt: number;
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
