/**
 * Domain types of the sync record store (every synced field with its version, the change
 * log, conflicts), as the sync services speak them. Values are decoded JSON; rows stay
 * inside the repositories.
 */
import type { ChangeSource, ConflictResolution, EntityName, MutationOutcome, Stage } from '../core';

// The shapes coordinators read are the API contract's (src/core/api/sync-audit.ts).
export type {
  AuditEntry,
  ChangeSource,
  ConflictResolution,
  ConflictView,
  StoredRejection,
} from '../core';

/** The current value of one field of one synced record. */
export interface FieldState {
  entity: EntityName;
  recordId: string;
  field: string;
  value: unknown;
  /** Canonical JSON of `value` (sorted keys): equal values have equal text. */
  valueJson: string;
  version: number;
  assessmentId: string;
  updatedSeq: number;
  updatedByDevice: string | null;
  updatedByAccount: string | null;
  deviceAt: number | null;
  serverAt: number;
  hlc: string | null;
}

/** A row of the change log (one applied field write). */
export interface ChangeEntry {
  seq: number;
  entity: EntityName;
  recordId: string;
  field: string;
  value: unknown;
  version: number;
  assessmentId: string;
  source: ChangeSource;
  deviceId: string | null;
  deviceSeq: number | null;
  accountId: string | null;
  deviceAt: number | null;
  serverAt: number;
  hlc: string | null;
  /**
   * The sending tablet's clock minus the server's (ms) at the push that carried it; null
   * for server-made changes, export files and tablets that did not report their clock.
   */
  clockSkewMs: number | null;
}

/** A change about to be logged (its seq comes from the database). */
export type NewChange = Omit<ChangeEntry, 'seq' | 'value'> & { valueJson: string };

/** A conflict as stored: both values, both authors, and how it ended. */
export interface ConflictRecord {
  id: string;
  entity: EntityName;
  recordId: string;
  field: string;
  assessmentId: string;
  localValue: unknown;
  serverValue: unknown;
  baseVersion: number;
  serverVersion: number;
  localDeviceId: string;
  localDeviceSeq: number;
  localAccountId: string | null;
  localAt: number;
  /** Hybrid clock of the tablet's edit (null for conflicts recorded before it was kept). */
  localHlc: string | null;
  /** When the server received the tablet's edit (null: before it was kept). */
  localReceivedAt: number | null;
  /** The tablet's clock minus the server's at that push (null: not reported). */
  localClockSkewMs: number | null;
  serverAt: number;
  serverAccountId: string | null;
  serverDeviceId: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: ConflictResolution | null;
  /** Highest change-log seq when it was resolved (pull sends it to cursors at or below). */
  resolvedSeq: number | null;
}

/** An evidence file the server holds, verified by hash. */
export interface HeldFile {
  sha256: string;
  bytes: number;
  mime: string;
  receivedAt: number;
  receivedByDevice: string | null;
}

/** What became of one (device, seq) the server handled, with the hash of its content. */
export interface HandledSeq {
  seq: number;
  /** Hex SHA-256 of canonical JSON of {entity, id, changes, baseVersions, hlc, at}. */
  contentHash: string;
  outcome: MutationOutcome;
}

/**
 * PostgreSQL timeouts (ms) of a transaction that writes the change log (SET LOCAL): lock
 * waits, any one statement, idling inside the transaction. Ignored on SQLite.
 */
export interface WriterTimeouts {
  lockMs: number;
  statementMs: number;
  idleInTransactionMs: number;
}

/** An assessment with the names a rejection or a people-facing list shows. */
export interface AssessmentContext {
  id: string;
  unitId: string;
  unitName: string;
  periodId: string;
  periodName: string;
  periodStatus: string;
  /** The period's instrument: it decides which values an indicator takes. */
  frameworkId: string;
  /** The period's stages (core workflow.ts): a stage value outside them is refused. */
  periodStages: readonly Stage[];
  /** The stage the period is in now: its value is always open to tablets. */
  periodCurrentStage: Stage;
}
