/**
 * Domain types of the sync record store (DESIGN §5, issue 6), as the sync services speak
 * them. Values are decoded JSON; rows stay inside the repositories.
 */
import type { Conflict, EntityName, MutationOutcome, Rejection } from '../core';

/** Who or what produced a change; kept in the change log for the audit trail. */
export type ChangeSource =
  | 'push' // a tablet's push
  | 'bundle' // a tablet's export file, imported by a coordinator
  | 'assignment' // the assessment created by an assignment
  | 'self_assessment' // self-assessed levels set or imported by a coordinator
  | 'resolution' // a coordinator resolved a conflict
  | 'review'; // a coordinator's review (issue 7)

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
}

/** A change about to be logged (its seq comes from the database). */
export type NewChange = Omit<ChangeEntry, 'seq' | 'value'> & { valueJson: string };

/** How a conflict ended. */
export type ConflictResolution =
  | 'local' // the tablet that raised it wrote again on the server's version: its value won
  | 'server_kept' // the tablet sent the server's value back: the server's value won
  | 'superseded' // someone else wrote the field afterwards
  | 'coordinator'; // a coordinator chose the value

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

/** A conflict for people: the wire shape plus names, labels and the resolution. */
export interface ConflictView extends Conflict {
  baseVersion: number;
  localDeviceLabel: string | null;
  serverDeviceLabel: string | null;
  createdAt: number;
  resolvedAt: number | null;
  resolvedBy: string | null;
  resolution: ConflictResolution | null;
  periodId: string | null;
  unitId: string | null;
}

/** One line of the audit trail: who changed what, when (device and server time), from which tablet. */
export interface AuditEntry {
  seq: number;
  entity: EntityName;
  recordId: string;
  field: string;
  value: unknown;
  /** Long values (signatures) are cut to keep the list readable. */
  valueTruncated: boolean;
  version: number;
  source: ChangeSource;
  account: { id: string; name: string } | null;
  device: { id: string; label: string | null } | null;
  deviceSeq: number | null;
  deviceAt: number | null;
  serverAt: number;
}

/** An evidence file the server holds, verified by hash. */
export interface HeldFile {
  sha256: string;
  bytes: number;
  mime: string;
  receivedAt: number;
  receivedByDevice: string | null;
}

/**
 * A mutation the server refused (issue 11), as kept for the coordinator's audit: the wire
 * rejection plus which tablet sent it, its seq and the mutation as received.
 */
export interface StoredRejection extends Rejection {
  id: string;
  deviceId: string;
  /** The tablet's label and its verifier's name, when the device is enrolled here. */
  deviceLabel: string | null;
  verifierName: string | null;
  seq: number;
  source: Extract<ChangeSource, 'push' | 'bundle'>;
  /** The mutation as received (decoded JSON). */
  mutation: unknown;
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
}
