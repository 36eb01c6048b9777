import type * as z from 'zod/mini';
import type {
  Assignment as ApiAssignment,
  Period as ApiPeriod,
  Unit as ApiUnit,
  ENTITY_FIELDS,
  EntityName,
  EvidenceCheck,
  Framework,
  Mutation,
  MutationResult,
  Rejection,
  Stage,
  StageValue,
  TabletAction,
  Conflict as WireConflict,
} from '../core';

/** Field values of a synced entity, as core's schemas define them. */
export type EntityFields<E extends EntityName> = {
  -readonly [K in keyof (typeof ENTITY_FIELDS)[E]]: z.output<(typeof ENTITY_FIELDS)[E][K]>;
};

/** Evidence-check field of a verification: `checks.<level>.<index>` (see core `checkField`). */
export type CheckKey = `checks.${number}.${number}`;

export type AssessmentFields = EntityFields<'assessment'>;
/** A verification's value in one stage: `stages.<stage>` (see core `stageField`). */
export type StageKey = `stages.${Stage}`;

export type VerificationFields = EntityFields<'verification'> & {
  [key: CheckKey]: EvidenceCheck;
} & { [key in StageKey]?: StageValue | null };
export type EvidenceFileFields = EntityFields<'evidenceFile'>;
export type BeritaAcaraFields = EntityFields<'beritaAcara'>;
export type CommentFields = EntityFields<'comment'>;

export type Assessment = { id: string } & AssessmentFields;
export type Verification = { id: string } & VerificationFields;
export type EvidenceFile = { id: string } & EvidenceFileFields;
export type BeritaAcara = { id: string } & BeritaAcaraFields;
export type Comment = { id: string } & CommentFields;

/** What an edit of an indicator may change (its identity is given separately). */
export type VerificationChanges = Partial<Omit<VerificationFields, 'assessmentId' | 'indicatorNo'>>;
export type AssessmentChanges = Partial<AssessmentFields>;
export type BeritaAcaraChanges = Partial<Omit<BeritaAcaraFields, 'assessmentId'>>;
export type CommentChanges = Partial<Pick<CommentFields, 'body'>>;

export interface NewEvidence {
  assessmentId: string;
  indicatorNo: number;
  blob: Blob;
  name: string;
  /** Defaults to `blob.type`. */
  mime?: EvidenceFileFields['mime'];
  width: number | null;
  height: number | null;
  /** Device time of capture (ms). Defaults to now. */
  capturedAt?: number;
  /** Where `capturedAt` comes from (camera EXIF or the moment it reached the app). */
  capturedAtSource?: EvidenceFileFields['capturedAtSource'];
  location: { lat: number; lng: number } | null;
  /** The expected document it proves (`<level>.<index>`), or null. */
  proves?: string | null;
  /**
   * Link evidence: the http(s) address the file (a screenshot of it) shows; null or absent
   * for a plain file. Validated by core's EvidenceUrlSchema (ValidationError otherwise).
   */
  url?: string | null;
  /** When the verifier checked the link (ms); defaults to now for link evidence, null otherwise. */
  checkedAt?: number | null;
}

export interface NewComment {
  assessmentId: string;
  indicatorNo: number | null;
  body: string;
  author: string;
}

// --- Reference data (server-owned, written by sync without outbox) --------------------
//
// The rows of the verifier's offline package (core api's Period, Unit, Assignment), of
// which the store requires only what the tablet reads. The rest is kept as it came, not
// required, on purpose: the training workspace writes bare rows, and an export file of an
// earlier app version carries what that version stored.

export type Period = Pick<ApiPeriod, 'id' | 'name' | 'frameworkId'> & { [extra: string]: unknown };

export type Unit = Pick<ApiUnit, 'id' | 'name'> &
  Partial<Pick<ApiUnit, 'parentId'>> & { [extra: string]: unknown };

export type Assignment = Pick<ApiAssignment, 'id' | 'periodId' | 'unitId'> & {
  [extra: string]: unknown;
};

/** An improvement action (tindak lanjut) as the tablet holds it: core TabletAction, read-only. */
export type { Framework, Mutation, MutationResult, Rejection, TabletAction };

/**
 * A change the server refused. It left the outbox (its seq is consumed on the
 * server) and waits in the "Ditolak server" list until the verifier sends it again as a new
 * change or discards it; it is never dropped on its own.
 */
export interface RejectedChange {
  /** `${deviceId}:${seq}` of the refused mutation (kept when the tablet changes identity). */
  id: string;
  deviceId: string;
  seq: number;
  /** The mutation as it was sent. */
  mutation: Mutation;
  /** The unit's assessment, when known (the outbox row's, else the server's). */
  assessmentId: string | null;
  indicatorNo: number | null;
  /** Why, as the server sent it (code, Indonesian and English message, unit, field…). */
  rejection: Rejection;
  /** Tablet clock (ms) when the refusal was recorded. */
  rejectedAt: number;
}

/** Why the last upload of an evidence file failed (named, so one bad file never hides the rest). */
export interface FileFailure {
  /** `local`: this tablet could not read the stored file; `server`: the server refused it. */
  source: 'local' | 'server';
  /** Problem code, e.g. `hash_mismatch`, `blob_unreadable`. */
  code: string;
  /** Readable reason (Indonesian, as shown). */
  message: string;
  /** Tablet clock (ms) of the last failure. */
  at: number;
  /** Failed attempts so far. */
  attempts: number;
}

/** A file waiting for upload, with its last failure when an attempt failed. */
export interface PendingUpload {
  sha256: string;
  bytes: number;
  mime: string;
  failure: FileFailure | null;
}

/** What releasing this tablet ("Lepas tablet") would lose, see TelusurStore.releaseCheck. */
export interface ReleaseCheck {
  /** Changes saved here and not yet handled by the server. */
  unsentChanges: number;
  /** Evidence files the server has not confirmed. */
  unsentFiles: number;
  /** Entries of the "Ditolak server" list. */
  rejected: number;
  /** Tablet clock (ms) of the latest export file made here, or null. */
  lastExportAt: number | null;
  /**
   * True when every unsent change, unsent file and rejected entry is in an export file made
   * after it (or nothing is unsent). False when anything would exist only on this tablet.
   */
  exportCoversUnsent: boolean;
}

/**
 * This tablet's part in a conflict: `raised` — its edit was not applied (`localValue` is
 * this tablet's value, it chooses); `disputed` — another tablet's edit was not applied over
 * the value this tablet wrote (`serverValue` is this tablet's value; it is told and may take
 * the other one). Rows stored before roles existed are `raised`.
 */
export type ConflictRole = 'raised' | 'disputed';

/**
 * A field on which the server kept its value and a tablet's edit was not applied: the wire
 * conflict (core) as stored here. It differs on purpose: `localDeviceId` is not kept (only
 * conflicts this tablet takes part in are stored, with its `role`); rows written by earlier
 * app versions (store schema 1–3, see test/fixtures/store) have no `localAuthor` and no
 * `role`; the times are read as nullable (the screen shows "–"), and anything else a stored
 * or imported row carries is kept.
 */
export type Conflict = Pick<
  WireConflict,
  | 'id'
  | 'entity'
  | 'recordId'
  | 'field'
  | 'assessmentId'
  | 'localValue'
  | 'serverValue'
  | 'serverVersion'
  | 'serverAuthor'
  | 'resolved'
> & {
  localAuthor?: string | null;
  localAt: number | null;
  serverAt: number | null;
  /** Absent on rows stored before roles existed: `raised`. */
  role?: ConflictRole;
  [extra: string]: unknown;
};

/**
 * What this tablet holds that the server does not have yet: for one unit, or for the whole
 * tablet. Every screen that counts unsent work reads these numbers (`store.unsent()`), so the
 * home card and the storage page never disagree.
 */
export interface UnsentCounts {
  /** Changes saved here and not yet handled by the server (the outbox). */
  changes: number;
  /**
   * Evidence files the server does not hold yet, counted once per content (SHA-256): a
   * photo used on two indicators is one file to send.
   */
  files: number;
  /** Their size (bytes). */
  bytes: number;
  /** Entries of the "Ditolak server" list. */
  rejected: number;
  /** Of `files`, those whose last upload attempt failed. */
  failedFiles: number;
}

/** `UnsentCounts` for the tablet (`total`) and per assessment (only those with something). */
export interface UnsentSummary {
  total: UnsentCounts;
  byAssessment: Record<string, UnsentCounts>;
}

/** How a sync run ended, as the sync history lists it. */
export type SyncOutcome = 'ok' | 'failed' | 'offline';

/** One sync run in the tablet's sync history (`store.syncLog`), kept across reloads. */
/**
 * What `rebase` needs: the restored server's records at its restore point, and whether that
 * point is history this tablet shares with it (the incarnation it last synced with is the
 * restored backup's).
 */
export interface RebaseInput {
  /** Per record (`<entity>\u0000<id>`): the restored server's field values and versions. */
  restored: ReadonlyMap<
    string,
    { fields: Readonly<Record<string, unknown>>; versions: Readonly<Record<string, number>> }
  >;
  /**
   * True when versions at or below the restore point are shared history: re-sent values are
   * based on the restored version (applied unless someone wrote the field since the restore).
   * False when the tablet cannot tell (restored twice, a backup older than incarnations): a
   * re-sent value that differs from the server's becomes a conflict for a person.
   */
  trusted: boolean;
  /** Sync cursors written in the same transaction (the pull cursor, the incarnation). */
  cursors: Readonly<Record<string, string>>;
}

/** What `rebase` did. */
export interface RebaseResult {
  /** Changes (one per record) queued to send the server values it lacks. */
  resent: number;
  /** Fields in those changes. */
  resentFields: number;
  /** Server-only values the restore lost, replaced by the restored server's. */
  taken: number;
  /** Unsent changes whose base versions were moved back to the shared history. */
  rebasedOutbox: number;
}

export interface SyncLogEntry {
  /** Tablet clock (ms) when the run ended. */
  at: number;
  /**
   * `ok`: every step went through; `failed`: the server was reached but a step failed
   * there or on the tablet; `offline`: the server could not be reached.
   */
  outcome: SyncOutcome;
  /** Changes the server handled in this run (refused ones included). */
  sent: number;
  /** Of those, how many it refused (they went to the "Ditolak server" list). */
  rejected: number;
  /** Evidence files uploaded. */
  uploaded: number;
  /** Changes received from the server. */
  received: number;
  /** Conflicts opened or still open after the run. */
  conflicts: number;
  /** Files whose upload failed in this run. */
  failedFiles: number;
  /** Why the run failed, in words as the verifier saw it then; null when it did not fail. */
  error: { code: string; message: string; source: 'network' | 'server' | 'local' } | null;
  /**
   * Something the run did that the verifier should know beyond the counts, in words (e.g.
   * "Server dipulihkan dari cadangan; 12 perubahan dikirim ulang"); absent when nothing.
   */
  notice?: { code: string; message: string; messageEn: string };
  /**
   * Runs folded into this entry: consecutive runs that ended the same way and moved
   * nothing (the scheduler's quiet syncs, retries while offline) count up instead of
   * pushing older entries out.
   */
  runs: number;
}

/** The tablet's sync history: the last successful sync and the latest runs, newest first. */
export interface SyncLog {
  /** Tablet clock (ms) of the latest sync that went through; null before the first. */
  lastSuccessAt: number | null;
  /** At most `SYNC_LOG_LIMIT` entries, newest first. */
  entries: SyncLogEntry[];
}

/** The latest request for persistent storage (`requestPersistence`) and its answer. */
export interface PersistenceRequest {
  /** Tablet clock (ms) of the request. */
  askedAt: number;
  /** The browser granted it. */
  granted: boolean;
  /** The verifier has read the notice that the browser refused (shown once). */
  noticeSeen: boolean;
}

export interface StorageHealth {
  /** Browser promised not to evict this origin's data (navigator.storage.persisted()). */
  persisted: boolean;
  /** The latest request for persistence and the browser's answer; null when never asked. */
  persistence: PersistenceRequest | null;
  /** Bytes used / available to this origin, or null when the browser does not say. */
  usage: number | null;
  quota: number | null;
  /** Changes saved on this tablet and not yet accepted by the server (`unsent().total`). */
  unsyncedMutations: number;
  /** Evidence files the server has not yet confirmed, and their bytes (`unsent().total`). */
  unsyncedFiles: number;
  unsyncedBytes: number;
  /** Changes the server refused, waiting in the "Ditolak server" list. */
  rejectedChanges: number;
  /** Unsent evidence files whose last upload attempt failed. */
  failedFiles: number;
  /** The local database vanished since an earlier start (eviction). Stays true until acknowledged. */
  evicted: boolean;
  eviction: { detectedAt: number; previousDeviceId: string | null } | null;
}

export interface PurgeResult {
  purged: string[];
  kept: { sha256: string; reason: 'not-stored' | 'metadata-unsent' }[];
}

export interface ApplyRemoteResult {
  /** Fields written with the server's value and version. */
  applied: string[];
  /** Fields with an unsent local edit: left as they are (the push reports the conflict). */
  pending: string[];
  /** Fields whose server version is not newer than the local one. */
  stale: string[];
  /** Server fields this app version cannot read (unknown, or invalid even after cleaning): left out. */
  skipped: { field: string; message: string }[];
}

export interface ImportResult {
  assessmentId: string;
  /** Records that were absent here and were restored from the bundle. */
  inserted: number;
  /** Records that already existed here and were left as they are. */
  skipped: number;
  /** Files restored (already present files are not counted). */
  files: number;
  /** The bundle's unsent changes of restored records, queued again for sync on this tablet. */
  requeued: number;
}

/** A small key/value place outside IndexedDB used to notice that the database vanished. */
export interface EvictionWitness {
  read(): string | null;
  write(value: string): void;
  /** Forget the database (a deliberate delete is not an eviction). */
  clear?(): void;
}

export type BlobMode = 'blob' | 'arraybuffer';
