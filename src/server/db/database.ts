/**
 * Table interfaces of the server database, as Kysely sees them through CamelCasePlugin
 * (columns are snake_case in SQL, camelCase here). Conventions, same on SQLite and
 * PostgreSQL: ids are text, times are epoch milliseconds (bigint), flags are 0/1 integers,
 * JSON documents are text. Only repositories import this file.
 */

import type { Generated } from 'kysely';
// The columns' closed vocabularies are the API's (one list each, in core).
import type {
  ActionOrigin,
  ActionStatus,
  LogoMime,
  OrganisationKind,
  PeriodStatus,
  PeriodType,
  Role,
  Stage,
  UnitKind,
  ZoneCode,
} from '../../core';
import type { ConflictRecord, FieldState, NewChange } from '../sync-domain';

export interface AccountsTable {
  id: string;
  /** Lower-cased; unique. */
  email: string;
  name: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash`; null for verifiers who only use enrolled tablets. */
  passwordHash: string | null;
  active: number;
  demo: number;
  /** An owner account's unit; null for other roles. */
  unitId: Generated<string | null>;
  createdAt: number;
  updatedAt: number;
}

export interface SessionsTable {
  /** sha256 (hex) of the bearer token; the token itself is never stored. */
  tokenHash: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

/** One rate-limit counter (login, enrolment): attempts in the window that began at `windowStart`. */
export interface AuthAttemptsTable {
  /** sha256 of `scope|subject|client`, so the table holds no e-mail or IP addresses. */
  key: string;
  count: number;
  windowStart: number;
}

export interface EnrolmentsTable {
  id: string;
  verifierId: string;
  codeHash: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  deviceId: string | null;
}

export interface DevicesTable {
  id: string;
  verifierId: string;
  label: string;
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
  /** `enrol` | `rotate`: how this identity was issued. */
  origin: Generated<string>;
  /** The identity whose token asked for this one (rotation), else null. */
  rotatedFrom: string | null;
  /** The id the tablet claimed at enrolment (audit only; ids are always issued fresh). */
  previousDeviceId: string | null;
  /**
   * `revoked` | `released`; null while active, and for rows revoked before migration
   * 2026_12_03_0200 added the column (a coordinator or a logout revoked those).
   */
  revokedReason: string | null;
}

export interface FrameworksTable {
  id: string;
  version: string;
  name: string;
  /** The instrument document (core `serializeFramework`). */
  json: string;
  builtIn: number;
  createdAt: number;
  createdBy: string | null;
}

export interface PeriodsTable {
  id: string;
  name: string;
  year: number;
  frameworkId: string;
  targetIndex: number;
  /** Level-steps per indicator the plan may take in the period (1–4). */
  planStepCap: number;
  /** 1 when tablets burn the unit/indicator/time stamp into the period's photos. */
  photoStamp: number;
  /** JSON array of core `Stage`s, in order. */
  stages: string;
  currentStage: Stage;
  periodType: PeriodType;
  skNumber: string;
  /** YYYY-MM-DD, or null until known. */
  skDate: string | null;
  skSignedBy: string;
  /** JSON array of core `SectorService`s. */
  sectorServices: string;
  status: PeriodStatus;
  demo: number;
  createdAt: number;
  updatedAt: number;
}

/** Every move of a period's current stage (audit). */
export interface PeriodStageChangesTable {
  id: string;
  periodId: string;
  fromStage: Stage;
  toStage: Stage;
  accountId: string;
  at: number;
}

/** One indicator of a period's official result (KemenPANRB), as imported. */
export interface OfficialResultsTable {
  periodId: string;
  indicatorNo: number;
  /** 1–5, at most two decimals (the instrument's value domain). */
  value: number;
  /** The cell as the imported file wrote it ("1,17"). */
  published: string;
  importedAt: number;
  importedBy: string | null;
  sourceName: string;
}

/** One import of a period's official result (kept when a later import replaces it). */
export interface OfficialResultImportsTable {
  id: string;
  periodId: string;
  accountId: string | null;
  at: number;
  sourceName: string;
  indicatorCount: number;
}

export interface UnitsTable {
  id: string;
  parentId: string | null;
  kind: UnitKind;
  name: string;
  code: string;
  demo: number;
  createdAt: number;
  updatedAt: number;
}

export interface SelfAssessmentsTable {
  periodId: string;
  unitId: string;
  indicatorNo: number;
  /** A whole level, or two decimals on a decimal instrument (double precision on PostgreSQL). */
  level: number;
  justification: string;
  updatedAt: number;
  updatedBy: string | null;
}

export interface AssessmentsTable {
  id: string;
  periodId: string;
  unitId: string;
  frameworkId: string;
  status: string;
  submittedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface AssignmentsTable {
  id: string;
  periodId: string;
  unitId: string;
  verifierId: string;
  assessmentId: string;
  createdAt: number;
  createdBy: string | null;
}

// --- sync record store ---------------------------------------------------------------

// The sync record store holds the domain shapes of sync-domain.ts as they are, but for
// values (canonical JSON text, sorted keys) and closed vocabularies (plain text here).

/** The current value of every synced field (sync-domain FieldState without the decoded value). */
export interface RecordFieldsTable extends Omit<FieldState, 'entity' | 'value'> {
  entity: string;
}

/** The change log: one row per applied field write (sync-domain NewChange). */
export interface ChangesTable extends Omit<NewChange, 'entity' | 'source'> {
  /** Server sequence (identity / autoincrement); generated on insert. */
  seq: Generated<number>;
  entity: string;
  /** push | bundle | assignment | self_assessment | resolution | review */
  source: string;
}

export interface DeviceCursorsTable {
  deviceId: string;
  lastSeq: number;
  updatedAt: number;
}

export interface DeviceAppliedSeqsTable {
  deviceId: string;
  seq: number;
}

export interface DeviceScopesTable {
  deviceId: string;
  assessmentId: string;
  grantedCursor: number;
  grantedAt: number;
}

/** A conflict as stored (sync-domain ConflictRecord), both values as canonical JSON. */
export interface ConflictsTable
  extends Omit<ConflictRecord, 'entity' | 'localValue' | 'serverValue' | 'resolution'> {
  entity: string;
  localValueJson: string;
  serverValueJson: string;
  resolution: string | null;
}

export interface FilesTable {
  sha256: string;
  bytes: number;
  mime: string;
  receivedAt: number;
  receivedByDevice: string | null;
}

/** A device that proved it holds a file's bytes (uploaded them, or sent them in an export file). */
export interface FileHoldersTable {
  sha256: string;
  deviceId: string;
  receivedAt: number;
}

/** An unfinished tus upload: who started it and how many bytes it declared. */
export interface TusUploadsTable {
  id: string;
  deviceId: string;
  verifierId: string;
  bytes: number;
  /** Wall-clock ms of creation (the tus library's clock, which judges expiry). */
  createdAt: number;
}

export interface EvidenceRefsTable {
  sha256: string;
  recordId: string;
  assessmentId: string;
}

/**
 * Content hash and outcome of every (device, seq) handled since migration 2026_12_03_0100:
 * exactly-once with content, so a reused seq with other content is told apart from a retry.
 */
export interface DeviceSeqHashesTable {
  deviceId: string;
  seq: number;
  /** Hex SHA-256 of canonical JSON of {entity, id, changes, baseVersions, hlc, at}. */
  contentHash: string;
  /** applied | same | conflict | rejected */
  outcome: string;
  /** push | bundle */
  source: string;
  handledAt: number;
}

/** A mutation the server refused (its seq consumed), kept for the audit and repeated answers. */
export interface SyncRejectionsTable {
  id: string;
  deviceId: string;
  seq: number;
  source: string;
  code: string;
  message: string;
  messageEn: string;
  entity: string;
  recordId: string;
  assessmentId: string | null;
  unitId: string | null;
  unitName: string | null;
  indicatorNo: number | null;
  field: string | null;
  mutationJson: string;
  retryable: number;
  at: number;
}

/**
 * Named random keys the server makes once: `bundle` derives each device's
 * bundle-signing secret unless TELUSUR_SECRET is set. Not part of the data: a wipe keeps it.
 */
export interface ServerKeysTable {
  name: string;
  /** Hex of 32 random bytes. */
  value: string;
  createdAt: number;
}

/**
 * The organisation this server works for: one row (id `org`) once set up, none before. The
 * logo's bytes are base64 text in `logoData` (null without a logo; the other logo columns
 * are null with it).
 */
export interface OrganisationTable {
  id: string;
  name: string;
  kind: OrganisationKind;
  zone: ZoneCode;
  logoMime: LogoMime | null;
  logoSha256: string | null;
  logoBytes: number | null;
  logoData: string | null;
  updatedAt: number;
  /** The coordinator who changed it last; null for the admin CLI and the demo seed. */
  updatedBy: string | null;
}

/** One life of this database (see migration 2026_12_07_0500 and core IncarnationSchema). */
export interface ServerIncarnationsTable {
  id: string;
  /** 1, 2, …: the current incarnation has the highest. */
  ordinal: number;
  parentId: string | null;
  /** Highest change-log seq of the restored backup; null when not restored. */
  restoredThrough: number | string | null;
  createdAt: number;
}

/** An improvement action (tindak lanjut, issue 18). */
export interface ActionsTable {
  id: string;
  periodId: string;
  frameworkId: string;
  indicatorNo: number;
  unitId: string;
  ownerUnitId: string;
  ownerPerson: string;
  title: string;
  fromLevel: number | null;
  /** LevelSource: verified / self / none. */
  fromSource: string;
  targetLevel: number;
  /** YYYY-MM-DD. */
  dueDate: string;
  /** JSON array of text. */
  evidenceJson: string;
  status: ActionStatus;
  origin: ActionOrigin;
  originRef: string | null;
  closingNote: string | null;
  /** JSON array of URLs. */
  linksJson: string;
  closedAt: number | null;
  closedBy: string | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  version: number;
}

export interface ActionFilesTable {
  actionId: string;
  sha256: string;
  name: string;
  mime: string;
  bytes: number;
  addedAt: number;
  addedBy: string | null;
}

export interface ActionCommentsTable {
  id: string;
  actionId: string;
  at: number;
  accountId: string | null;
  text: string;
}

/**
 * One row (id 1): goes up, by trigger, with every write to a table the dashboard aggregates
 * outside the change log (migration 2026_12_10_0100; services/dashboard.service.ts).
 */
export interface ReportingVersionTable {
  id: number;
  version: number | string;
}

export interface Database {
  actions: ActionsTable;
  actionFiles: ActionFilesTable;
  actionComments: ActionCommentsTable;
  organisation: OrganisationTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  authAttempts: AuthAttemptsTable;
  enrolments: EnrolmentsTable;
  devices: DevicesTable;
  frameworks: FrameworksTable;
  periods: PeriodsTable;
  periodStageChanges: PeriodStageChangesTable;
  officialResults: OfficialResultsTable;
  officialResultImports: OfficialResultImportsTable;
  units: UnitsTable;
  selfAssessments: SelfAssessmentsTable;
  assessments: AssessmentsTable;
  assignments: AssignmentsTable;
  recordFields: RecordFieldsTable;
  changes: ChangesTable;
  deviceCursors: DeviceCursorsTable;
  deviceAppliedSeqs: DeviceAppliedSeqsTable;
  deviceScopes: DeviceScopesTable;
  conflicts: ConflictsTable;
  files: FilesTable;
  evidenceRefs: EvidenceRefsTable;
  fileHolders: FileHoldersTable;
  tusUploads: TusUploadsTable;
  serverKeys: ServerKeysTable;
  serverIncarnations: ServerIncarnationsTable;
  reportingVersion: ReportingVersionTable;
  deviceSeqHashes: DeviceSeqHashesTable;
  syncRejections: SyncRejectionsTable;
}

/** Every table, children before parents (the order a full wipe must delete in). */
export const TABLES_CHILD_FIRST = [
  'organisation',
  'actionComments',
  'actionFiles',
  'actions',
  'syncRejections',
  'deviceSeqHashes',
  'fileHolders',
  'tusUploads',
  'evidenceRefs',
  'files',
  'conflicts',
  'deviceScopes',
  'deviceAppliedSeqs',
  'deviceCursors',
  'changes',
  'recordFields',
  'assignments',
  'assessments',
  'selfAssessments',
  'periodStageChanges',
  'officialResults',
  'officialResultImports',
  'periods',
  'frameworks',
  'units',
  'enrolments',
  'devices',
  'sessions',
  'authAttempts',
  'accounts',
] as const satisfies readonly (keyof Database)[];

export type Dialect = 'sqlite' | 'postgres';
