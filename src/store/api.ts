/**
 * The public contract of the tablet store: what the app, sync and tests call. The
 * implementation lives in the modules next to this one (open, write, repositories,
 * evidence, outbox, remote, identity, health, export-import); `openStore` returns it.
 */
import type { EntityName, EvidenceCheck, Mutation, MutationResult, TabletAction } from '../core';
import type {
  ApplyRemoteResult,
  Assessment,
  AssessmentChanges,
  AssessmentFields,
  Assignment,
  BeritaAcara,
  BeritaAcaraChanges,
  BlobMode,
  Comment,
  CommentChanges,
  Conflict,
  EvictionWitness,
  EvidenceFile,
  FileFailure,
  Framework,
  ImportResult,
  NewComment,
  NewEvidence,
  PendingUpload,
  Period,
  PurgeResult,
  RebaseInput,
  RebaseResult,
  RejectedChange,
  ReleaseCheck,
  StorageHealth,
  SyncLog,
  SyncLogEntry,
  Unit,
  UnsentSummary,
  Verification,
  VerificationChanges,
} from './types';

/** The subset of `navigator.storage` the store uses (injectable for tests). */
export interface StorageManagerLike {
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
  estimate?(): Promise<{ usage?: number; quota?: number }>;
}

export interface StoreOptions {
  /** IndexedDB database name. Default `telusur`. */
  name?: string;
  /** Device clock (ms). Default Date.now. */
  now?: () => number;
  /** IndexedDB implementation (tests pass fake-indexeddb). Default: the global one. */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  /** 'auto' (default) probes whether Blobs round-trip; the others force a mode (tests). */
  blobMode?: 'auto' | BlobMode;
  /** Where the eviction detector remembers that this database existed. Default: localStorage when present. */
  witness?: EvictionWitness | null;
  /** Default `navigator.storage`. */
  storageManager?: StorageManagerLike | null;
  /**
   * IndexedDB commit durability. Default 'strict': a save is flushed to disk before it is
   * reported, so it survives a power loss or forced reboot, not only a closed tab.
   */
  durability?: 'strict' | 'relaxed' | 'default';
  /** Test hook: called inside every write transaction after its writes; throwing aborts it. */
  testHooks?: { beforeCommit?: (operation: string) => void };
}

export interface VerificationRepository {
  get(assessmentId: string, indicatorNo: number): Promise<Verification | null>;
  /** All indicators of an assessment that have a record, ordered by indicator number. */
  listByAssessment(assessmentId: string): Promise<Verification[]>;
  /** Save changed fields of one indicator (creates the record when absent). Resolves once durable. */
  update(
    assessmentId: string,
    indicatorNo: number,
    changes: VerificationChanges,
  ): Promise<Verification>;
  /** Save one evidence check (`checks.<level>.<index>`) of an indicator: typed shorthand for update. */
  setCheck(
    assessmentId: string,
    indicatorNo: number,
    level: number,
    index: number,
    check: EvidenceCheck,
  ): Promise<Verification>;
}

export interface AssessmentRepository {
  get(id: string): Promise<Assessment | null>;
  list(): Promise<Assessment[]>;
  findByUnit(periodId: string, unitId: string): Promise<Assessment | null>;
  /** Start an assessment on this tablet (status 'sedang' unless given). */
  create(
    fields: Pick<AssessmentFields, 'periodId' | 'unitId' | 'frameworkId'> &
      Partial<AssessmentFields> & { id?: string },
  ): Promise<Assessment>;
  /** Save changed fields; creates the record when absent if periodId, unitId and frameworkId are given. */
  update(id: string, changes: AssessmentChanges): Promise<Assessment>;
}

export interface BeritaAcaraRepository {
  get(assessmentId: string): Promise<BeritaAcara | null>;
  update(assessmentId: string, changes: BeritaAcaraChanges): Promise<BeritaAcara>;
}

export interface CommentRepository {
  add(comment: NewComment): Promise<Comment>;
  update(id: string, changes: CommentChanges): Promise<Comment>;
  listByAssessment(assessmentId: string): Promise<Comment[]>;
  listByIndicator(assessmentId: string, indicatorNo: number): Promise<Comment[]>;
}

export interface EvidenceRepository {
  /** Hash, store the file once per content, and record its metadata with an outbox entry. */
  add(input: NewEvidence): Promise<EvidenceFile>;
  get(id: string): Promise<EvidenceFile | null>;
  listByIndicator(
    assessmentId: string,
    indicatorNo: number,
    options?: { includeDeleted?: boolean },
  ): Promise<EvidenceFile[]>;
  listByAssessment(
    assessmentId: string,
    options?: { includeDeleted?: boolean },
  ): Promise<EvidenceFile[]>;
  /**
   * Mark deleted (a synced change) and drop the file's bytes when no other photo record of
   * this tablet shows the same file: the verifier chose to remove it.
   */
  remove(id: string): Promise<void>;
  /**
   * Link the file to the expected document it proves (`<level>.<index>`, core `provesRef`)
   * or unlink it (null): a synced change. ValidationError for a malformed value.
   */
  link(id: string, proves: string | null): Promise<EvidenceFile>;
  /** Remove the bytes of files the server confirmed by hash whose metadata the server accepted. */
  purgeConfirmed(receiptHashes: string[]): Promise<PurgeResult>;
}

export interface BlobRepository {
  get(sha256: string): Promise<Blob | null>;
  has(sha256: string): Promise<boolean>;
  /**
   * Files the server does not hold yet (for upload), each with its last failed attempt
   * (`failure`, null when none) so one bad file is named and never stops the others.
   */
  listPendingUpload(): Promise<PendingUpload[]>;
  /** The server holds the file: it leaves the pending list (and its failure is cleared). */
  markUploaded(sha256: string): Promise<void>;
  /**
   * Record a failed upload attempt of a stored file (`attempts` counts up from 1). The file
   * stays pending; nothing is deleted. A hash not stored here is ignored.
   */
  markFailed(sha256: string, failure: Omit<FileFailure, 'attempts'>): Promise<void>;
  /** Forget the file's failure (e.g. before the verifier tries it again). */
  clearFailure(sha256: string): Promise<void>;
  /**
   * Put back on the pending list the files of an assessment that this tablet holds and
   * counted as uploaded, whose evidence record the server has accepted (nothing unsent or
   * refused about it), but that the server's receipt (`receiptHashes`) does not list: the
   * upload "succeeded" here without the server keeping it. Returns the hashes requeued.
   */
  requeueMissing(assessmentId: string, receiptHashes: readonly string[]): Promise<string[]>;
}

export interface ReferenceRepository {
  putPeriods(rows: Period[]): Promise<void>;
  putUnits(rows: Unit[]): Promise<void>;
  putAssignments(rows: Assignment[]): Promise<void>;
  putFrameworks(rows: Framework[]): Promise<void>;
  removeAssignments(ids: string[]): Promise<void>;
  listPeriods(): Promise<Period[]>;
  getPeriod(id: string): Promise<Period | null>;
  listUnits(): Promise<Unit[]>;
  getUnit(id: string): Promise<Unit | null>;
  listAssignments(periodId?: string): Promise<Assignment[]>;
  listFrameworks(): Promise<Framework[]>;
  getFramework(id: string): Promise<Framework | null>;
  /**
   * Replace the improvement actions (tindak lanjut) this tablet holds with the offline
   * package's set, in ONE transaction: actions absent from `rows` are dropped (withdrawn, or
   * no longer on a unit of this verifier), the others written as given. Rows are expected
   * already checked against core TabletActionSchema (sync does). Sync calls it only when the
   * package carries `actions`, so an older server leaves the stored set as it is.
   */
  replaceActions(rows: TabletAction[]): Promise<void>;
  /**
   * The actions on unit `unitId` or owned by it, of every period and instrument, once each,
   * ordered by due date, then indicator number, then id. Empty when none.
   */
  listActionsForUnit(unitId: string): Promise<TabletAction[]>;
  /**
   * The actions on (or owned by) unit `unitId` for indicator `indicatorNo` of instrument
   * `frameworkId` (indicator numbers mean nothing across instruments), ordered as
   * `listActionsForUnit`.
   */
  listActionsForIndicator(
    unitId: string,
    frameworkId: string,
    indicatorNo: number,
  ): Promise<TabletAction[]>;
}

export interface ConflictRepository {
  put(conflicts: Conflict[]): Promise<void>;
  listByAssessment(
    assessmentId: string,
    options?: { includeResolved?: boolean },
  ): Promise<Conflict[]>;
  listOpen(): Promise<Conflict[]>;
  markResolved(id: string): Promise<void>;
  /**
   * Settle a conflict with a chosen value (the tablet's, the server's, or a merge) as an
   * ordinary change based on the server's version, so it syncs back and the server applies
   * it (or, for the server's own value, closes the conflict as "same").
   */
  resolve(id: string, value: unknown): Promise<void>;
  /**
   * Settle several conflicts of ONE record at once, as one ordinary change (one outbox
   * mutation): e.g. the verified value and the stage value one tap gave (`verifiedLevel`
   * and `stages.<stage>`). Throws RecordNotFoundError for an unknown conflict,
   * ValidationError when the conflicts belong to different records or a value is refused.
   */
  resolveTogether(choices: readonly { id: string; value: unknown }[]): Promise<void>;
}

/** A push answer as `outbox.settle` takes it (core PushResponse without conflicts). */
export interface SettleAnswer {
  appliedThrough: number;
  results: MutationResult[];
  /**
   * The identity the push was made under. When given and the tablet has since taken
   * another identity (outbox renumbered), the answer is refused instead of dropping the
   * renumbered rows. Sync should always pass it.
   */
  deviceId?: string;
}

export interface OutboxApi {
  /** The oldest unsent mutations, in seq order (all under the current `deviceId`, refreshed here). */
  peek(limit: number): Promise<Mutation[]>;
  /**
   * Apply a push answer in ONE transaction: for results at or below
   * `appliedThrough`, fields the server applied or already held (`applied`/`same`) get the
   * server's version (unless a later unsent change of the same field waits); `rejected`
   * mutations move to the "Ditolak server" list (`store.rejected`) with the server's reason,
   * and their record goes back to the server's value (refused fields without a later unsent
   * edit lose version and value, a record the server never had is removed, the record is
   * asked for again: `rejected.refetchWanted`); every outbox row at or below `appliedThrough` is dropped. Rows above it stay.
   *
   * @returns `removed` (outbox rows dropped, rejected ones included) and `rejected` (how many of
   *   them went to the list).
   * @throws IdentityConflictError (nothing changed) when `appliedThrough` is above the highest
   *   seq this tablet issued, or the answer is for an identity the tablet has left.
   */
  settle(answer: SettleAnswer): Promise<{ removed: number; rejected: number }>;
  count(): Promise<number>;
  countByAssessment(assessmentId: string): Promise<number>;
  /** Highest seq ever issued on this device (0 before the first change). */
  lastSeq(): Promise<number>;
}

/** The "Ditolak server" list: changes the server refused, kept until the verifier acts. */
export interface RejectedApi {
  /** Entries, newest first; one assessment's when `assessmentId` is given. */
  list(assessmentId?: string): Promise<RejectedChange[]>;
  count(): Promise<number>;
  countByAssessment(assessmentId: string): Promise<number>;
  /**
   * Queue the refused change's values again as one new change (next seq, current base
   * versions) and remove the entry, in one transaction. The record went back to the server's
   * value when the change was refused, so the values come from the entry, except a field
   * with a later unsent edit (the verifier's fix), which goes with its current value. A
   * record removed then (the server never had it) is made again from the entry.
   *
   * @returns the new mutation, or null when nothing is left to send (the record is gone and
   *   the entry cannot make it again; the entry is removed).
   * @throws ValidationError (entry kept, nothing queued) while a value is still invalid, e.g.
   *   a note still holding U+0000 — the verifier fixes the field first.
   * @throws RecordNotFoundError when there is no entry `id`.
   */
  retry(id: string): Promise<Mutation | null>;
  /**
   * Remove the entry for good (the app asks for explicit confirmation first). Settling the
   * refusal already put the record back to the server's value; a field still holding the
   * refused value (an entry stored by an older app) is put back here the same way: it
   * loses its version and value, and the record is asked for again on the next pull
   * (`refetchWanted`). No-op if absent.
   */
  discard(id: string): Promise<void>;
  /** Record ids the next pull asks the server for again (whole), oldest first. */
  refetchWanted(): Promise<string[]>;
  /** The server sent these records again (the pull page holding them is stored). */
  refetched(ids: readonly string[]): Promise<void>;
  /**
   * JSON text of the entries (all, or one assessment's), for the verifier to save or hand
   * over: `{format: 'telusur-rejected', version: 1, exportedAt, deviceId, entries}`.
   */
  exportJson(assessmentId?: string): Promise<string>;
}

/** The sync history (meta table): what the storage page shows after a reload. */
export interface SyncLogApi {
  /** The last successful sync's time and the latest runs, newest first. */
  read(): Promise<SyncLog>;
  /**
   * Add a finished run (the sync engine calls this at the end of every run). A run that
   * ended like the newest entry and moved nothing is folded into it (`runs` + 1); at most
   * SYNC_LOG_LIMIT entries are kept. An `ok` run becomes the last success.
   *
   * @returns the history as stored now.
   */
  record(run: Omit<SyncLogEntry, 'runs'>): Promise<SyncLog>;
}

export interface CursorApi {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

export interface TelusurStore {
  readonly name: string;
  /** This tablet's CURRENT device identity (changes with `adoptIdentity`). */
  readonly deviceId: string;
  readonly schemaVersion: number;
  readonly blobMode: BlobMode;
  readonly assessments: AssessmentRepository;
  readonly verifications: VerificationRepository;
  readonly beritaAcara: BeritaAcaraRepository;
  readonly comments: CommentRepository;
  readonly evidence: EvidenceRepository;
  readonly blobs: BlobRepository;
  readonly reference: ReferenceRepository;
  readonly conflicts: ConflictRepository;
  readonly outbox: OutboxApi;
  readonly rejected: RejectedApi;
  readonly cursors: CursorApi;
  /**
   * Take a new device identity (after enrolment, or when the server says another
   * tablet uses this one's seqs). In ONE transaction every unsent outbox row is rewritten
   * under `deviceId` with seqs 1..n in the old order (content and HLC unchanged), the seq
   * clock continues from n, and the device meta is updated; the eviction witness follows.
   * Rejected entries keep their old id. Adopting the current identity changes nothing.
   *
   * @returns how many outbox rows were renumbered.
   * @throws ValidationError when `deviceId` is empty, longer than 64 or unsafe text.
   */
  adoptIdentity(deviceId: string): Promise<{ renumbered: number }>;
  /**
   * Re-base on a server restored from a backup (sync engine, after taking a fresh identity),
   * in ONE transaction, losing nothing this tablet holds:
   * - a synced field whose value the restored server lacks (its version here is beyond the
   *   restored one, or — untrusted — it differs) is queued to be sent again with the
   *   restored version as its base (untrusted: 0), so it applies unless somebody wrote the
   *   field on the restored server since, which the server records as a conflict; a field
   *   only the server writes takes the restored server's value instead;
   * - a field holding the restored server's value takes its version;
   * - every unsent change keeps its values and gets base versions the restored server knows;
   * - the outbox is renumbered 1.. under the current identity, re-sent changes first;
   * - every stored file is put back on the upload list (the upload step skips those the
   *   server's receipt lists); the given cursors are written.
   */
  rebase(input: RebaseInput): Promise<RebaseResult>;
  /** The bundle signing secret of the CURRENT identity (64 hex), or null when none is known. */
  getBundleSecret(): Promise<string | null>;
  /**
   * Keep (or with null forget) the bundle signing secret of the current identity.
   * @throws ValidationError unless 64 hex digits.
   */
  setBundleSecret(secret: string | null): Promise<void>;
  /**
   * What releasing this tablet would lose: unsent changes and files, entries of the
   * "Ditolak server" list, the time of the latest export, and whether export files made
   * after them hold every one of them.
   */
  releaseCheck(): Promise<ReleaseCheck>;
  /**
   * Apply one pulled record (no outbox) in one transaction, field by field as core
   * `decideRemoteField` says: `applied`, `pending` (an unsent local edit waits for the push)
   * or `stale` (this version or a newer one is held); fields this app version cannot read
   * are left out and listed in `skipped`. A record new to the tablet starts from core's
   * RECORD_DEFAULTS; `hlc` advances the tablet's clock past the server's.
   *
   * @throws ValidationError (nothing changed) when a readable field has no server version.
   */
  applyRemote(
    entity: EntityName,
    id: string,
    fields: Record<string, unknown>,
    versions: Record<string, number>,
    hlc?: string,
  ): Promise<ApplyRemoteResult>;
  watch<T>(
    query: (store: TelusurStore) => Promise<T>,
    onValue: (value: T) => void,
    onError?: (error: unknown) => void,
  ): () => void;
  health(): Promise<StorageHealth>;
  /**
   * Unsent work for the whole tablet and per assessment, counted once for every screen
   * (home cards, storage page): outbox changes, files the server does not hold (once per
   * content), refused changes and failed uploads. One read transaction.
   */
  unsent(): Promise<UnsentSummary>;
  /** The sync history kept across reloads (see SyncLogApi). */
  readonly syncLog: SyncLogApi;
  /**
   * Ask the browser to keep this origin's data (`navigator.storage.persist()`) and record
   * the request and its answer (`health().persistence`), so a refusal can be told.
   * Resolves false when the browser refuses or cannot tell; never throws.
   */
  requestPersistence(): Promise<boolean>;
  /** The verifier has read that the browser refused persistent storage (told once). */
  acknowledgePersistenceNotice(): Promise<void>;
  acknowledgeEviction(): Promise<void>;
  /**
   * The export file of one assessment (zip, see bundle-format.ts), signed with `manifest.sig`
   * when the bundle secret of the current identity is known. The export is recorded (time,
   * the changes, files and refused changes it holds) for `releaseCheck`.
   * @throws RecordNotFoundError when the assessment is not on this tablet.
   */
  exportAssessment(assessmentId: string): Promise<Uint8Array>;
  importBundle(bytes: Uint8Array): Promise<ImportResult>;
  /**
   * Delete this database (e.g. resetting training mode) and forget it in the eviction witness.
   * Refused with UnsentDataError while changes or files have not reached the server or refused
   * changes wait in the "Ditolak server" list, unless `discardUnsent` is set.
   */
  destroy(options?: { discardUnsent?: boolean }): Promise<void>;
  close(): void;
  /**
   * Called when another tab opens a newer schema version (an app update): this connection is
   * closed so the upgrade can run, and this tab must reload before it can save again.
   */
  onUpgradeElsewhere(fn: () => void): () => void;
}
