import Dexie, { liveQuery, type PromiseExtended, type Table } from 'dexie';
import {
  beritaAcaraId,
  checkField,
  cleanText,
  decodeHlc,
  ENTITY_NAMES,
  type EntityName,
  type EvidenceCheck,
  encodeHlc,
  fieldSchema,
  findUnsafeText,
  type Mutation,
  type MutationResult,
  mutationKey,
  type Rejection,
  receiveHlc,
  tickHlc,
  uuidv7,
  verificationId,
} from '../core';
import { probeBlobMode, sha256Hex, toBlob } from './blobs';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './bundle-format';
import {
  describeProblem,
  type FieldProblem,
  IdentityConflictError,
  type ProblemDetail,
  RecordNotFoundError,
  StoreError,
  toStoreError,
  UnsentDataError,
  ValidationError,
} from './errors';
import {
  assessmentIdOf,
  type BlobRow,
  CURRENT_SCHEMA_VERSION,
  declareSchema,
  ENTITY_TABLE,
  type MetaRow,
  type OutboxRow,
  type RecordRow,
  TelusurDb,
} from './schema';
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
  RejectedChange,
  ReleaseCheck,
  StorageHealth,
  Unit,
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
   * Apply a push answer in ONE transaction (issue 11 §1): for results at or below
   * `appliedThrough`, fields the server applied or already held (`applied`/`same`) get the
   * server's version (unless a later unsent change of the same field waits); `rejected`
   * mutations move to the "Ditolak server" list (`store.rejected`) with the server's reason;
   * every outbox row at or below `appliedThrough` is dropped. Rows above it stay.
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

/** The "Ditolak server" list: changes the server refused (issue 11 §1). */
export interface RejectedApi {
  /** Entries, newest first; one assessment's when `assessmentId` is given. */
  list(assessmentId?: string): Promise<RejectedChange[]>;
  count(): Promise<number>;
  countByAssessment(assessmentId: string): Promise<number>;
  /**
   * Queue the CURRENT local values of the refused change's fields again as one new change
   * (next seq, current base versions) and remove the entry, in one transaction.
   *
   * @returns the new mutation, or null when nothing is left to send (the record or all its
   *   fields are gone; the entry is removed).
   * @throws ValidationError (entry kept, nothing queued) while a value is still invalid, e.g.
   *   a note still holding U+0000 — the verifier fixes the field first.
   * @throws RecordNotFoundError when there is no entry `id`.
   */
  retry(id: string): Promise<Mutation | null>;
  /** Remove the entry for good (the app asks for explicit confirmation first). No-op if absent. */
  discard(id: string): Promise<void>;
  /**
   * JSON text of the entries (all, or one assessment's), for the verifier to save or hand
   * over: `{format: 'telusur-rejected', version: 1, exportedAt, deviceId, entries}`.
   */
  exportJson(assessmentId?: string): Promise<string>;
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
   * Take a new device identity (issue 11 §3: after enrolment, or when the server says another
   * tablet uses this one's seqs). In ONE transaction every unsent outbox row is rewritten
   * under `deviceId` with seqs 1..n in the old order (content and HLC unchanged), the seq
   * clock continues from n, and the device meta is updated; the eviction witness follows.
   * Rejected entries keep their old id. Adopting the current identity changes nothing.
   *
   * @returns how many outbox rows were renumbered.
   * @throws ValidationError when `deviceId` is empty, longer than 64 or unsafe text.
   */
  adoptIdentity(deviceId: string): Promise<{ renumbered: number }>;
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
  requestPersistence(): Promise<boolean>;
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

// ---------------------------------------------------------------------------------------

const CLOCK = 'clock';
/** Conflicts are not an entity; errors about a missing one name the verification table. */
const CONFLICT_ERROR_ENTITY = 'verification' as const;
const DEVICE = 'device';
const MARKER = 'marker';
const EVICTION = 'eviction';
/** Bundle signing secret: `{ deviceId, secret }` (valid only for that identity). */
const BUNDLE_SECRET = 'bundle-secret';
/** Export files made on this tablet: `{ byAssessment: Record<assessmentId, ExportRecord> }`. */
const EXPORTS = 'exports';

interface ClockRow extends MetaRow {
  seq: number;
  hlc: string | null;
}

interface DeviceRow extends MetaRow {
  deviceId: string;
  createdAt?: number;
  /** Identities this database had before (adoptIdentity), oldest first. */
  previous?: string[];
  adoptedAt?: number;
}

/** What one export file held, to tell whether the unsent work is in an export (releaseCheck). */
interface ExportRecord {
  /** Tablet clock (ms) of the export. */
  at: number;
  /** Identity the outbox rows were under, and the seq clock then: rows of the assessment with seq ≤ it were in the file. */
  deviceId: string;
  seq: number;
  /** Evidence files in the file. */
  files: string[];
  /** Ids of refused changes in the file. */
  rejected: string[];
}

interface ExportsRow extends MetaRow {
  byAssessment: Record<string, ExportRecord>;
}

const HEX_SECRET_RE = /^[0-9a-f]{64}$/;

/** Values a record gets when created locally or by the server without them. Not sent. */
const DEFAULTS: Record<EntityName, Record<string, unknown>> = {
  assessment: { status: 'belum', submittedAt: null },
  verification: {
    selfLevel: null,
    selfJustification: '',
    verifiedLevel: null,
    notApplicable: false,
    naReason: '',
    notes: '',
    reviewComment: '',
  },
  evidenceFile: { width: null, height: null, location: null, deleted: false },
  beritaAcara: {
    verifierName: '',
    verifierRole: '',
    verifierSignature: null,
    representativeName: '',
    representativeRole: '',
    representativeSignature: null,
    place: '',
    signedAt: null,
    summary: '',
  },
  comment: { indicatorNo: null },
};

/** Fields fixed at creation; a later edit may not change them. */
const IMMUTABLE: Record<EntityName, ReadonlySet<string>> = {
  assessment: new Set(['periodId', 'unitId', 'frameworkId']),
  verification: new Set(['assessmentId', 'indicatorNo']),
  evidenceFile: new Set([
    'assessmentId',
    'indicatorNo',
    'sha256',
    'mime',
    'bytes',
    'width',
    'height',
    'capturedAt',
    'location',
  ]),
  beritaAcara: new Set(['assessmentId']),
  comment: new Set(['assessmentId', 'indicatorNo', 'author', 'createdAt']),
};

/** Fields a newly created record must have. */
const REQUIRED: Record<EntityName, readonly string[]> = {
  assessment: ['periodId', 'unitId', 'frameworkId'],
  verification: ['assessmentId', 'indicatorNo'],
  evidenceFile: ['assessmentId', 'indicatorNo', 'sha256', 'name', 'mime', 'bytes', 'capturedAt'],
  beritaAcara: ['assessmentId'],
  comment: ['assessmentId', 'body', 'author', 'createdAt'],
};

interface SchemaIssue {
  code?: string;
  message: string;
  path?: PropertyKey[];
  maximum?: unknown;
  origin?: string;
}

/** A readable problem for one refused value (core's schema issue → store code and sentences). */
function problemOf(field: string, value: unknown, issue: SchemaIssue | undefined): FieldProblem {
  const detail: ProblemDetail = {};
  let message: string;
  if (issue?.message === 'unsafe_text' || issue?.message === 'time_out_of_range') {
    message = issue.message;
    // The text may be the value itself or a part of it (an evidence check's note).
    let text: unknown = value;
    for (const key of issue.path ?? []) text = (text as Record<PropertyKey, unknown>)?.[key];
    const found = typeof text === 'string' ? findUnsafeText(text) : null;
    if (found) {
      detail.position = found.index + 1;
      detail.kind = found.kind;
    }
  } else if (issue?.code === 'too_big' && issue.origin === 'string') {
    message = 'too_long';
    if (typeof issue.maximum === 'number') detail.maximum = issue.maximum;
  } else if (issue?.code === 'invalid_type') {
    message = 'wrong_type';
  } else {
    message = 'invalid';
  }
  const [text, textEn] = describeProblem(field, message, detail);
  return { field, message, text, textEn };
}

/**
 * Values as core's field schemas parse them (text NFC-normalised): what is saved and sent,
 * never the raw input. Throws ValidationError naming every refused field in readable words.
 */
function validate(entity: EntityName, changes: Record<string, unknown>): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const schema = fieldSchema(entity, field);
    if (!schema) {
      problems.push({ field, message: 'unknown field' });
      continue;
    }
    const r = schema.safeParse(value);
    if (r.success) out[field] = r.data;
    else problems.push(problemOf(field, value, r.error.issues[0] as SchemaIssue | undefined));
  }
  if (problems.length > 0) throw new ValidationError(entity, problems);
  return out;
}

/** Every string inside a value passed through core's cleanText (evidence checks hold notes). */
function cleanStrings(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)]));
  return value;
}

/**
 * Values pulled from the server, as this tablet may keep them. The server is the record of
 * truth, so one value this app version cannot read must not stall every later pull (the
 * cursor would never move): a text holding characters core now refuses (data older than
 * that rule) is kept cleaned, and a field still unreadable after that — unknown to this app
 * version, or out of range — is left out and reported in `skipped`.
 */
function readServerFields(
  entity: EntityName,
  fields: Record<string, unknown>,
): { clean: Record<string, unknown>; skipped: { field: string; message: string }[] } {
  const clean: Record<string, unknown> = {};
  const skipped: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const schema = fieldSchema(entity, field);
    if (!schema) {
      skipped.push({ field, message: 'unknown field' });
      continue;
    }
    const r = schema.safeParse(value);
    if (r.success) {
      clean[field] = r.data;
      continue;
    }
    const repaired = schema.safeParse(cleanStrings(value));
    if (repaired.success) clean[field] = repaired.data;
    else skipped.push({ field, message: r.error.issues[0]?.message ?? 'invalid' });
  }
  if (skipped.length > 0)
    console.warn(`Telusur: server values this app cannot read were left out (${entity})`, skipped);
  return { clean, skipped };
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function toDomain<T>(row: RecordRow | undefined): T | null {
  if (!row) return null;
  const { _versions: _, ...rest } = row;
  return rest as T;
}

function rowsToDomain<T>(rows: RecordRow[]): T[] {
  return rows.map((r) => toDomain<T>(r) as T);
}

function byNumber(field: string) {
  return (a: RecordRow, b: RecordRow) =>
    Number(a[field] ?? 0) - Number(b[field] ?? 0) || (a.id < b.id ? -1 : 1);
}

async function blobBytes(data: Blob | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
}

/** The secret in a bundle-secret meta row when it belongs to `deviceId`, else null. */
function secretOf(row: MetaRow | undefined, deviceId: string): string | null {
  return row && row.deviceId === deviceId && typeof row.secret === 'string' ? row.secret : null;
}

function defaultWitness(name: string): EvictionWitness | null {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls) return null;
  const key = `telusur:store:${name}:device`;
  return {
    read: () => ls.getItem(key),
    write: (value) => ls.setItem(key, value),
    clear: () => ls.removeItem(key),
  };
}

interface Context {
  db: TelusurDb;
  name: string;
  deviceId: string;
  now: () => number;
  blobMode: BlobMode;
  storage: StorageManagerLike | null;
  hooks: StoreOptions['testHooks'];
  witness: EvictionWitness | null;
}

/**
 * Open (creating or upgrading) the tablet database. Resolves once the device id, eviction
 * check and Blob probe are done.
 */
export async function openStore(options: StoreOptions = {}): Promise<TelusurStore> {
  const name = options.name ?? 'telusur';
  const now = options.now ?? Date.now;
  const deps: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {};
  if (options.indexedDB) deps.indexedDB = options.indexedDB;
  if (options.IDBKeyRange) deps.IDBKeyRange = options.IDBKeyRange;
  const durability = options.durability ?? 'strict';
  const db = new TelusurDb(name, {
    ...deps,
    ...(durability === 'default' ? {} : { chromeTransactionDurability: durability }),
  });
  declareSchema(db);
  try {
    await db.open();
  } catch (e) {
    const mapped = toStoreError(e);
    if (mapped instanceof StoreError) throw mapped;
    throw new StoreError(
      'unavailable',
      'Basis data tablet tidak dapat dibuka. Tutup tab Telusur lain lalu coba lagi; jika tetap gagal, jangan hapus data situs dan hubungi admin.',
      'The tablet database cannot be opened. Close other Telusur tabs and try again; if it still fails, do not clear site data and contact support.',
      e,
    );
  }

  const witness = options.witness === undefined ? defaultWitness(name) : options.witness;
  let witnessed: string | null = null;
  try {
    witnessed = witness?.read() ?? null;
  } catch {
    witnessed = null;
  }
  const deviceId = await db
    .transaction('rw', db.meta, async () => {
      const [device, marker, clock, eviction] = await db.meta.bulkGet([
        DEVICE,
        MARKER,
        CLOCK,
        EVICTION,
      ]);
      const id = typeof device?.deviceId === 'string' ? device.deviceId : uuidv7(now());
      // An identity this database left (adoptIdentity) is not a sign of eviction: the tab
      // may have closed between the commit and the witness update.
      const previous = Array.isArray(device?.previous) ? (device.previous as string[]) : [];
      const vanished =
        witnessed !== null && (!marker || (witnessed !== id && !previous.includes(witnessed)));
      if (vanished && !eviction) {
        await db.meta.put({ key: EVICTION, detectedAt: now(), previousDeviceId: witnessed });
      }
      if (!device) await db.meta.put({ key: DEVICE, deviceId: id, createdAt: now() });
      if (!marker) await db.meta.put({ key: MARKER, deviceId: id, createdAt: now() });
      if (!clock) await db.meta.put({ key: CLOCK, seq: 0, hlc: null } satisfies ClockRow);
      return id;
    })
    .catch((e: unknown) => {
      throw toStoreError(e);
    });
  try {
    witness?.write(deviceId);
  } catch {
    // A witness that cannot be written only weakens eviction detection.
  }
  if ((await db.meta.get(EVICTION)) !== undefined) {
    console.error(
      'Telusur: the local database was lost (evicted) since an earlier start; see store.health().',
    );
  }

  const blobMode =
    options.blobMode && options.blobMode !== 'auto' ? options.blobMode : await probeBlobMode(db);
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  const storage =
    options.storageManager === undefined ? (nav?.storage ?? null) : options.storageManager;
  return new Store({
    db,
    name,
    deviceId,
    now,
    blobMode,
    storage,
    hooks: options.testHooks,
    witness,
  });
}

class Store implements TelusurStore {
  readonly name: string;
  readonly schemaVersion = CURRENT_SCHEMA_VERSION;
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
  private readonly c: Context;
  private readonly db: TelusurDb;

  get deviceId(): string {
    return this.c.deviceId;
  }

  constructor(c: Context) {
    this.c = c;
    this.db = c.db;
    this.name = c.name;
    this.blobMode = c.blobMode;
    const db = c.db;

    this.verifications = {
      get: (assessmentId, no) =>
        this.read(() =>
          db.verifications
            .get(verificationId(assessmentId, no))
            .then((r) => toDomain<Verification>(r)),
        ),
      listByAssessment: (assessmentId) =>
        this.read(() =>
          db.verifications
            .where('assessmentId')
            .equals(assessmentId)
            .toArray()
            .then((rows) => rowsToDomain<Verification>(rows.sort(byNumber('indicatorNo')))),
        ),
      update: (assessmentId, no, changes) =>
        this.save<Verification>('verification', verificationId(assessmentId, no), changes, {
          assessmentId,
          indicatorNo: no,
        }),
      setCheck: (assessmentId, no, level, index, check) =>
        this.verifications.update(assessmentId, no, { [checkField(level, index)]: check }),
    };

    this.assessments = {
      get: (id) => this.read(() => db.assessments.get(id).then((r) => toDomain<Assessment>(r))),
      list: () =>
        this.read(() => db.assessments.toArray().then((rows) => rowsToDomain<Assessment>(rows))),
      findByUnit: (periodId, unitId) =>
        this.read(() =>
          db.assessments
            .where('[periodId+unitId]')
            .equals([periodId, unitId])
            .first()
            .then((r) => toDomain<Assessment>(r)),
        ),
      create: ({ id, ...fields }) =>
        this.save<Assessment>(
          'assessment',
          id ?? uuidv7(this.c.now()),
          { status: 'sedang', ...fields },
          {},
          'create',
        ),
      update: (id, changes) => this.save<Assessment>('assessment', id, changes, {}),
    };

    this.beritaAcara = {
      get: (assessmentId) =>
        this.read(() =>
          db.beritaAcara.get(beritaAcaraId(assessmentId)).then((r) => toDomain<BeritaAcara>(r)),
        ),
      update: (assessmentId, changes) =>
        this.save<BeritaAcara>('beritaAcara', beritaAcaraId(assessmentId), changes, {
          assessmentId,
        }),
    };

    const commentsOf = (assessmentId: string, indicatorNo?: number) =>
      this.read(() =>
        (indicatorNo === undefined
          ? db.comments.where('assessmentId').equals(assessmentId)
          : db.comments.where('[assessmentId+indicatorNo]').equals([assessmentId, indicatorNo])
        )
          .toArray()
          .then((rows) => rowsToDomain<Comment>(rows.sort(byNumber('createdAt')))),
      );
    this.comments = {
      add: ({ assessmentId, indicatorNo, body, author }) => {
        const at = this.c.now();
        return this.save<Comment>(
          'comment',
          uuidv7(at),
          { body },
          { assessmentId, indicatorNo, author, createdAt: at },
          'create',
        );
      },
      update: (id, changes) => this.save<Comment>('comment', id, changes, null),
      listByAssessment: (assessmentId) => commentsOf(assessmentId),
      listByIndicator: (assessmentId, indicatorNo) => commentsOf(assessmentId, indicatorNo),
    };

    const live = (rows: RecordRow[], includeDeleted?: boolean) =>
      rowsToDomain<EvidenceFile>(
        rows.filter((r) => includeDeleted || r.deleted !== true).sort(byNumber('capturedAt')),
      );
    this.evidence = {
      add: (input) => this.addEvidence(input),
      get: (id) => this.read(() => db.evidenceFiles.get(id).then((r) => toDomain<EvidenceFile>(r))),
      listByIndicator: (assessmentId, no, options) =>
        this.read(() =>
          db.evidenceFiles
            .where('[assessmentId+indicatorNo]')
            .equals([assessmentId, no])
            .toArray()
            .then((rows) => live(rows, options?.includeDeleted)),
        ),
      listByAssessment: (assessmentId, options) =>
        this.read(() =>
          db.evidenceFiles
            .where('assessmentId')
            .equals(assessmentId)
            .toArray()
            .then((rows) => live(rows, options?.includeDeleted)),
        ),
      remove: async (id) => {
        const removed = await this.save('evidenceFile', id, { deleted: true }, null);
        await this.dropOrphanBytes(String((removed as { sha256: unknown }).sha256));
      },
      purgeConfirmed: (hashes) => this.purgeConfirmed(hashes),
    };

    this.blobs = {
      get: (sha) =>
        this.read(() => db.blobs.get(sha).then((r) => (r ? toBlob(r.data, r.mime) : null))),
      has: (sha) =>
        this.read(() =>
          db.blobs
            .where('sha256')
            .equals(sha)
            .count()
            .then((n) => n > 0),
        ),
      listPendingUpload: () =>
        this.read(() =>
          db.transaction('r', [db.blobs, db.evidenceFiles], async () => {
            const shas = (await db.blobs.where('uploaded').equals(0).primaryKeys()) as string[];
            const [info, failures] = await Promise.all([this.fileInfo(shas), this.failures()]);
            return shas.map((sha) => ({
              ...(info.get(sha) ?? { sha256: sha, bytes: 0, mime: 'application/octet-stream' }),
              failure: failures.get(sha) ?? null,
            }));
          }),
        ),
      markUploaded: (sha) =>
        this.write(
          () =>
            db.blobs
              .where('sha256')
              .equals(sha)
              .modify({ uploaded: 1, failure: null })
              .then(() => undefined),
          'blobs.markUploaded',
        ),
      markFailed: (sha, failure) =>
        this.write(
          () =>
            db.transaction('rw', db.blobs, async () => {
              await db.blobs
                .where('sha256')
                .equals(sha)
                .modify((row) => {
                  row.failure = {
                    source: failure.source,
                    code: failure.code,
                    message: failure.message,
                    at: failure.at,
                    attempts: (row.failure?.attempts ?? 0) + 1,
                  };
                });
              this.c.hooks?.beforeCommit?.('blobs.markFailed');
            }),
          'blobs.markFailed',
        ),
      clearFailure: (sha) =>
        this.write(
          () =>
            db.blobs
              .where('sha256')
              .equals(sha)
              .modify({ failure: null })
              .then(() => undefined),
          'blobs.clearFailure',
        ),
      requeueMissing: (assessmentId, receiptHashes) => {
        const held = new Set(receiptHashes);
        return this.write(
          () =>
            db.transaction('rw', [db.blobs, db.evidenceFiles, db.outbox, db.rejected], async () => {
              const records = (
                await db.evidenceFiles.where('assessmentId').equals(assessmentId).toArray()
              ).filter((r) => r.deleted !== true && !held.has(String(r.sha256)));
              if (records.length === 0) return [];
              const refused = new Set(
                (await db.rejected.where('assessmentId').equals(assessmentId).toArray())
                  .filter((r) => r.mutation.entity === 'evidenceFile')
                  .map((r) => r.mutation.id),
              );
              const requeued: string[] = [];
              for (const r of records) {
                const sha = String(r.sha256);
                if (refused.has(r.id) || requeued.includes(sha)) continue;
                const unsent = await db.outbox
                  .where('[entity+id]')
                  .equals(['evidenceFile', r.id])
                  .count();
                if (unsent > 0) continue;
                const blob = await db.blobs.get(sha);
                if (blob?.uploaded !== 1) continue;
                await db.blobs.update(sha, { uploaded: 0 });
                requeued.push(sha);
              }
              this.c.hooks?.beforeCommit?.('blobs.requeueMissing');
              return requeued;
            }),
          'blobs.requeueMissing',
        );
      },
    };

    const putAll = <T>(table: Table<T, string>, rows: T[]) =>
      this.write(
        () => db.transaction('rw', table, () => table.bulkPut(rows)).then(() => undefined),
        'reference.put',
      );
    this.reference = {
      putPeriods: (rows) => putAll(db.periods, rows),
      putUnits: (rows) => putAll(db.units, rows),
      putAssignments: (rows) => putAll(db.assignments, rows),
      putFrameworks: (rows) => putAll(db.frameworks, rows),
      removeAssignments: (ids) =>
        this.write(() => db.assignments.bulkDelete(ids), 'reference.remove'),
      listPeriods: () => this.read(() => db.periods.toArray()),
      getPeriod: (id) => this.read(() => db.periods.get(id).then((r) => r ?? null)),
      listUnits: () => this.read(() => db.units.toArray()),
      getUnit: (id) => this.read(() => db.units.get(id).then((r) => r ?? null)),
      listAssignments: (periodId) =>
        this.read(() =>
          periodId === undefined
            ? db.assignments.toArray()
            : db.assignments.where('periodId').equals(periodId).toArray(),
        ),
      listFrameworks: () => this.read(() => db.frameworks.toArray()),
      getFramework: (id) => this.read(() => db.frameworks.get(id).then((r) => r ?? null)),
    };

    this.conflicts = {
      put: (rows) =>
        this.write(
          () =>
            db.transaction('rw', [db.conflicts, db.outbox], async () => {
              // A conflict this tablet settled, whose settling change is still unsent, stays
              // settled: a server list fetched before that change arrived would reopen it.
              const local = await db.conflicts.bulkGet(rows.map((r) => r.id));
              const keep: Conflict[] = [];
              for (const [i, row] of rows.entries()) {
                const mine = local[i];
                if (!row.resolved && mine?.resolved) {
                  const pending = await db.outbox
                    .where('[entity+id]')
                    .equals([row.entity, row.recordId])
                    .filter((m) => Object.hasOwn(m.changes, row.field))
                    .count();
                  if (pending > 0) continue;
                }
                keep.push(row);
              }
              await db.conflicts.bulkPut(keep);
            }),
          'conflicts.put',
        ),
      listByAssessment: (assessmentId, options) =>
        this.read(() =>
          db.conflicts
            .where('assessmentId')
            .equals(assessmentId)
            .toArray()
            .then((rows) => rows.filter((r) => options?.includeResolved || !r.resolved)),
        ),
      listOpen: () => this.read(() => db.conflicts.filter((r) => !r.resolved).toArray()),
      markResolved: (id) =>
        this.write(
          () => db.conflicts.update(id, { resolved: true }).then(() => undefined),
          'conflicts.resolve',
        ),
      resolve: (id, value) => this.resolveConflict(id, value),
    };

    this.outbox = {
      // Reading the device row with the batch keeps `deviceId` right for the push of it,
      // even when another tab took a new identity since this one last wrote.
      peek: (limit) =>
        this.read(() =>
          db.transaction('r', db.outbox, db.meta, async () => {
            const [rows, device] = await Promise.all([
              db.outbox.limit(limit).toArray(),
              db.meta.get(DEVICE),
            ]);
            this.deviceFrom(device);
            return rows.map(({ assessmentId: _, ...m }) => m);
          }),
        ),
      settle: (answer) => this.settle(answer),
      count: () => this.read(() => db.outbox.count()),
      countByAssessment: (assessmentId) =>
        this.read(() => db.outbox.where('assessmentId').equals(assessmentId).count()),
      lastSeq: () =>
        this.read(() =>
          db.meta.bulkGet([CLOCK, DEVICE]).then(([clock, device]) => {
            this.deviceFrom(device);
            return Number((clock as ClockRow | undefined)?.seq ?? 0);
          }),
        ),
    };

    const newestFirst = (a: RejectedChange, b: RejectedChange) =>
      b.rejectedAt - a.rejectedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    const listRejected = (assessmentId?: string) =>
      (assessmentId === undefined
        ? db.rejected.toArray()
        : db.rejected.where('assessmentId').equals(assessmentId).toArray()
      ).then((rows) => rows.sort(newestFirst));
    this.rejected = {
      list: (assessmentId) => this.read(() => listRejected(assessmentId)),
      count: () => this.read(() => db.rejected.count()),
      countByAssessment: (assessmentId) =>
        this.read(() => db.rejected.where('assessmentId').equals(assessmentId).count()),
      retry: (id) => this.retryRejected(id),
      discard: (id) =>
        this.write(
          () =>
            db.transaction('rw', db.rejected, async () => {
              await db.rejected.delete(id);
              this.c.hooks?.beforeCommit?.('rejected.discard');
            }),
          'rejected.discard',
        ),
      exportJson: (assessmentId) =>
        this.read(() =>
          listRejected(assessmentId).then((entries) =>
            JSON.stringify(
              {
                format: 'telusur-rejected',
                version: 1,
                exportedAt: this.c.now(),
                deviceId: this.c.deviceId,
                ...(assessmentId === undefined ? {} : { assessmentId }),
                entries,
              },
              null,
              2,
            ),
          ),
        ),
    };

    this.cursors = {
      get: (name) =>
        this.read(() =>
          db.meta
            .get(`cursor:${name}`)
            .then((r) => (typeof r?.value === 'string' ? r.value : null)),
        ),
      set: (name, value) =>
        this.write(
          () => db.meta.put({ key: `cursor:${name}`, value }).then(() => undefined),
          'cursor.set',
        ),
    };
  }

  // --- plumbing ---------------------------------------------------------------------

  private read<T>(fn: () => PromiseLike<T> | Promise<T>): Promise<T> {
    return Promise.resolve(fn()).catch((e: unknown) => {
      throw toStoreError(e);
    });
  }

  private write<T>(fn: () => PromiseLike<T> | Promise<T>, _operation: string): Promise<T> {
    return this.read(fn);
  }

  private table(entity: EntityName): Table<RecordRow, string> {
    return this.db[ENTITY_TABLE[entity]];
  }

  /**
   * Validate, then in ONE transaction: read the row and the device clock, write the row, append
   * the outbox mutation with the next seq, advance the clock. `identity` are the fields a new
   * row gets (sent with its first mutation); null means the record must exist.
   */
  private save<T>(
    entity: EntityName,
    id: string,
    changes: object,
    identity: Record<string, unknown> | null,
    mode: 'upsert' | 'create' = 'upsert',
  ): Promise<T> {
    let clean: Record<string, unknown>;
    let ident: Record<string, unknown> | null;
    try {
      clean = validate(entity, changes as Record<string, unknown>);
      ident = identity && validate(entity, identity);
    } catch (e) {
      return Promise.reject(e);
    }
    const db = this.db;
    const table = this.table(entity);
    return this.write(
      () =>
        db.transaction('rw', table, db.outbox, db.meta, () =>
          this.stage(entity, id, clean, ident, mode, table).then(
            ({ row }) => toDomain<T>(row) as T,
          ),
        ),
      `${entity}.save`,
    );
  }

  /**
   * The body of a record write; must run inside a rw transaction over the table, outbox and
   * meta. Fields in `force` are sent even when unchanged (an unchanged fixed field is then
   * allowed). The device id is read in the transaction, so a tab that missed another tab's
   * `adoptIdentity` still writes under the current identity. `mutation` is null when nothing
   * changed.
   */
  private stage(
    entity: EntityName,
    id: string,
    changes: Record<string, unknown>,
    identity: Record<string, unknown> | null,
    mode: 'upsert' | 'create',
    table: Table<RecordRow, string>,
    force: ReadonlySet<string> = new Set(),
  ): PromiseExtended<{ row: RecordRow; mutation: OutboxRow | null }> {
    const db = this.db;
    return Dexie.Promise.all([table.get(id), db.meta.bulkGet([CLOCK, DEVICE])]).then(
      ([row, [clockRow, deviceRow]]) => {
        let base: RecordRow;
        const effective: Record<string, unknown> = {};
        if (row) {
          if (mode === 'create')
            throw new ValidationError(entity, [{ field: 'id', message: `record ${id} exists` }]);
          const fixed = IMMUTABLE[entity];
          const problems: FieldProblem[] = [];
          for (const [f, v] of Object.entries(changes)) {
            const unchanged = same(row[f], v);
            if (unchanged && !force.has(f)) continue;
            if (fixed.has(f) && !unchanged)
              problems.push({ field: f, message: 'cannot change after creation' });
            else effective[f] = v;
          }
          if (problems.length > 0) throw new ValidationError(entity, problems);
          base = row;
        } else {
          if (!identity) throw new RecordNotFoundError(entity, id);
          Object.assign(effective, identity, changes);
          const missing = REQUIRED[entity].filter((f) => effective[f] === undefined);
          if (missing.length > 0) {
            throw new ValidationError(
              entity,
              missing.map((field) => ({ field, message: 'required for a new record' })),
            );
          }
          base = { id, ...DEFAULTS[entity], _versions: {} };
        }
        const fields = Object.keys(effective);
        if (fields.length === 0) return { row: base, mutation: null };

        const deviceId = this.deviceFrom(deviceRow);
        const clock = clockRow as ClockRow | undefined;
        const at = this.c.now();
        const seq = (clock?.seq ?? 0) + 1;
        const hlc = encodeHlc(tickHlc(clock?.hlc ? decodeHlc(clock.hlc) : null, deviceId, at));
        const baseVersions: Record<string, number> = {};
        for (const f of fields) baseVersions[f] = base._versions[f] ?? 0;
        const next: RecordRow = {
          ...base,
          ...effective,
          _versions: { ...base._versions, ...baseVersions },
        };
        const mutation: OutboxRow = {
          deviceId,
          seq,
          entity,
          id,
          changes: effective,
          baseVersions,
          hlc,
          at,
          assessmentId: assessmentIdOf(entity, next),
        };
        return Dexie.Promise.all([
          table.put(next),
          db.outbox.add(mutation),
          db.meta.put({ key: CLOCK, seq, hlc } satisfies ClockRow),
        ]).then(() => {
          this.c.hooks?.beforeCommit?.(`${entity}.save`);
          return { row: next, mutation };
        });
      },
    );
  }

  /** The identity in a device meta row (remembered as the current one), else the known one. */
  private deviceFrom(row: MetaRow | undefined): string {
    if (typeof row?.deviceId === 'string') this.c.deviceId = row.deviceId;
    return this.c.deviceId;
  }

  /** Last failed upload per file hash (only failed rows are read, through the `failure.at` index). */
  private async failures(): Promise<Map<string, FileFailure>> {
    const rows = await this.db.blobs.orderBy('failure.at').toArray();
    const out = new Map<string, FileFailure>();
    for (const r of rows) if (r.failure && r.uploaded === 0) out.set(r.sha256, r.failure);
    return out;
  }

  private async resolveConflict(id: string, value: unknown): Promise<void> {
    const db = this.db;
    const conflict = await this.read(() => db.conflicts.get(id));
    if (!conflict) throw new RecordNotFoundError(CONFLICT_ERROR_ENTITY, id);
    const table = this.table(conflict.entity);
    const clean = validate(conflict.entity, { [conflict.field]: value });
    await this.write(
      () =>
        db.transaction('rw', [table, db.outbox, db.meta, db.conflicts], async () => {
          const row = await table.get(conflict.recordId);
          if (!row) throw new RecordNotFoundError(conflict.entity, conflict.recordId);
          // The choice is made knowing the server's value: base the change on its version.
          await table.put({
            ...row,
            _versions: { ...row._versions, [conflict.field]: conflict.serverVersion },
          });
          await this.stage(
            conflict.entity,
            conflict.recordId,
            clean,
            null,
            'upsert',
            table,
            new Set([conflict.field]),
          );
          await db.conflicts.update(id, { resolved: true });
        }),
      'conflict.resolve',
    );
  }

  private async addEvidence(input: NewEvidence): Promise<EvidenceFile> {
    const at = this.c.now();
    const mime = input.mime ?? input.blob.type;
    const bytes = await input.blob.arrayBuffer();
    const sha256 = await sha256Hex(bytes);
    const fields = validate('evidenceFile', {
      assessmentId: input.assessmentId,
      indicatorNo: input.indicatorNo,
      sha256,
      name: input.name,
      mime,
      bytes: bytes.byteLength,
      width: input.width,
      height: input.height,
      capturedAt: input.capturedAt ?? at,
      location: input.location,
      deleted: false,
    });
    const db = this.db;
    const blobRow: BlobRow = {
      sha256,
      data: this.blobMode === 'blob' ? new Blob([bytes], { type: mime }) : bytes,
      mime,
      bytes: bytes.byteLength,
      uploaded: 0,
      storedAt: at,
      failure: null,
    };
    return this.write(
      () =>
        db.transaction('rw', [db.evidenceFiles, db.blobs, db.outbox, db.meta], () =>
          db.blobs
            .where('sha256')
            .equals(sha256)
            .count()
            .then((n) => (n > 0 ? undefined : db.blobs.add(blobRow)))
            .then(() =>
              this.stage('evidenceFile', uuidv7(at), {}, fields, 'create', db.evidenceFiles),
            )
            .then(({ row }) => toDomain<EvidenceFile>(row) as EvidenceFile),
        ),
      'evidence.add',
    );
  }

  private async fileInfo(
    shas: string[],
  ): Promise<Map<string, { sha256: string; bytes: number; mime: string }>> {
    const info = new Map<string, { sha256: string; bytes: number; mime: string }>();
    if (shas.length === 0) return info;
    const rows = await this.db.evidenceFiles.where('sha256').anyOf(shas).toArray();
    for (const r of rows) {
      const sha = String(r.sha256);
      if (!info.has(sha))
        info.set(sha, { sha256: sha, bytes: Number(r.bytes), mime: String(r.mime) });
    }
    return info;
  }

  /**
   * The verifier removed a photo: its bytes go too, unless another photo record still shows
   * them. Nothing waits to be uploaded for a photo that no longer exists (a damaged photo
   * removed would otherwise fail on every sync and block releasing the tablet).
   */
  private dropOrphanBytes(sha256: string): Promise<void> {
    const db = this.db;
    return this.write(
      () =>
        db.transaction('rw', [db.blobs, db.evidenceFiles], async () => {
          const live = (await db.evidenceFiles.where('sha256').equals(sha256).toArray()).some(
            (r) => r.deleted !== true,
          );
          if (!live) await db.blobs.delete(sha256);
          this.c.hooks?.beforeCommit?.('evidence.dropBytes');
        }),
      'evidence.dropBytes',
    );
  }

  private purgeConfirmed(receiptHashes: string[]): Promise<PurgeResult> {
    const db = this.db;
    const hashes = [...new Set(receiptHashes)];
    return this.write(
      () =>
        db.transaction('rw', [db.blobs, db.evidenceFiles, db.outbox], async () => {
          const result: PurgeResult = { purged: [], kept: [] };
          for (const sha of hashes) {
            if ((await db.blobs.where('sha256').equals(sha).count()) === 0) {
              result.kept.push({ sha256: sha, reason: 'not-stored' });
              continue;
            }
            const files = await db.evidenceFiles.where('sha256').equals(sha).primaryKeys();
            let unsent = 0;
            for (const fileId of files) {
              unsent += await db.outbox
                .where('[entity+id]')
                .equals(['evidenceFile', fileId])
                .count();
            }
            if (unsent > 0) {
              result.kept.push({ sha256: sha, reason: 'metadata-unsent' });
              continue;
            }
            await db.blobs.delete(sha);
            result.purged.push(sha);
          }
          this.c.hooks?.beforeCommit?.('evidence.purge');
          return result;
        }),
      'evidence.purge',
    );
  }

  // --- sync ---------------------------------------------------------------------------

  applyRemote(
    entity: EntityName,
    id: string,
    fields: Record<string, unknown>,
    versions: Record<string, number>,
    hlc?: string,
  ): Promise<ApplyRemoteResult> {
    let clean: Record<string, unknown>;
    let unreadable: ApplyRemoteResult['skipped'];
    try {
      ({ clean, skipped: unreadable } = readServerFields(entity, fields));
      const missing = Object.keys(clean).filter(
        (f) => !Number.isInteger(versions[f]) || (versions[f] ?? -1) < 0,
      );
      if (missing.length > 0) {
        throw new ValidationError(
          entity,
          missing.map((field) => ({ field, message: 'missing server version' })),
        );
      }
    } catch (e) {
      return Promise.reject(e);
    }
    const db = this.db;
    const table = this.table(entity);
    return this.write(
      () =>
        db.transaction('rw', table, db.outbox, db.meta, async () => {
          const [row, pendingRows] = await Promise.all([
            table.get(id),
            db.outbox.where('[entity+id]').equals([entity, id]).toArray(),
          ]);
          const pendingFields = new Set(pendingRows.flatMap((m) => Object.keys(m.changes)));
          const result: ApplyRemoteResult = {
            applied: [],
            pending: [],
            stale: [],
            skipped: unreadable,
          };
          const next: RecordRow = row
            ? { ...row, _versions: { ...row._versions } }
            : { id, ...DEFAULTS[entity], _versions: {} };
          for (const [f, value] of Object.entries(clean)) {
            const version = versions[f] ?? 0;
            if (pendingFields.has(f)) result.pending.push(f);
            else if (row && (row._versions[f] ?? 0) >= version) result.stale.push(f);
            else {
              next[f] = value;
              next._versions[f] = version;
              result.applied.push(f);
            }
          }
          if (result.applied.length > 0) await table.put(next);
          if (hlc) {
            const clock = (await db.meta.get(CLOCK)) as ClockRow | undefined;
            const merged = receiveHlc(
              clock?.hlc ? decodeHlc(clock.hlc) : null,
              decodeHlc(hlc),
              this.deviceId,
              this.c.now(),
            );
            await db.meta.put({
              key: CLOCK,
              seq: clock?.seq ?? 0,
              hlc: encodeHlc(merged),
            } satisfies ClockRow);
          }
          this.c.hooks?.beforeCommit?.('applyRemote');
          return result;
        }),
      'applyRemote',
    );
  }

  private entityTables(): Table<RecordRow, string>[] {
    return ENTITY_NAMES.map((e) => this.table(e));
  }

  private settle(answer: SettleAnswer): Promise<{ removed: number; rejected: number }> {
    const db = this.db;
    const through = answer.appliedThrough;
    return this.write(
      () =>
        db.transaction(
          'rw',
          [db.outbox, db.rejected, db.meta, ...this.entityTables()],
          async () => {
            const [clockRow, deviceRow] = await db.meta.bulkGet([CLOCK, DEVICE]);
            const lastSeq = Number((clockRow as ClockRow | undefined)?.seq ?? 0);
            const deviceId = this.deviceFrom(deviceRow);
            if (answer.deviceId !== undefined && answer.deviceId !== deviceId) {
              throw new IdentityConflictError(
                through,
                lastSeq,
                `answer for ${answer.deviceId}, tablet is now ${deviceId}`,
              );
            }
            // The server claims seqs this tablet never issued: another device shares the
            // identity. Dropping our rows on its word would lose them.
            if (through > lastSeq) {
              throw new IdentityConflictError(
                through,
                lastSeq,
                `appliedThrough ${through} above last issued seq ${lastSeq}`,
              );
            }
            const settled = await db.outbox.where('seq').belowOrEqual(through).toArray();
            if (settled.length === 0) return { removed: 0, rejected: 0 };
            const later = await db.outbox.where('seq').above(through).toArray();
            const fieldKey = (entity: string, id: string, field: string) =>
              `${entity}\u0000${id}\u0000${field}`;
            const waiting = new Set(
              later.flatMap((m) => Object.keys(m.changes).map((f) => fieldKey(m.entity, m.id, f))),
            );
            const results = new Map(
              answer.results.filter((r) => r.seq <= through).map((r) => [r.seq, r]),
            );
            const at = this.c.now();
            const refused: RejectedChange[] = [];
            // Per record: the server version of each of our fields it applied or already held.
            const known = new Map<
              string,
              { entity: EntityName; id: string; fields: Map<string, [unknown, number]> }
            >();
            // Only rows the answer speaks for leave the outbox. A row at or below
            // `appliedThrough` without a result (seqs the server took from an export file, or
            // an answer cut short) stays and is sent again: the server then answers it as a
            // duplicate with its stored outcome — a refusal included — never silently.
            const handled: number[] = [];
            for (const row of settled) {
              const result = results.get(row.seq);
              if (!result) continue;
              handled.push(row.seq);
              const { assessmentId, ...mutation } = row;
              if (result.outcome === 'rejected') {
                refused.push(
                  await this.rejectedEntry(mutation, assessmentId, result.rejection, at),
                );
                continue;
              }
              const recordKey = `${row.entity}\u0000${row.id}`;
              const entry = known.get(recordKey) ?? {
                entity: row.entity,
                id: row.id,
                fields: new Map<string, [unknown, number]>(),
              };
              for (const [f, o] of Object.entries(result.fields)) {
                if (o.outcome === 'conflict' || !Object.hasOwn(row.changes, f)) continue;
                // A later unsent edit of the field is based on the old version: leave it.
                if (waiting.has(fieldKey(row.entity, row.id, f))) continue;
                entry.fields.set(f, [row.changes[f], o.version]);
              }
              known.set(recordKey, entry);
            }
            for (const { entity, id, fields } of known.values()) {
              if (fields.size === 0) continue;
              const table = this.table(entity);
              const current = await table.get(id);
              if (!current) continue;
              const next: RecordRow = { ...current, _versions: { ...current._versions } };
              let changed = false;
              for (const [f, [value, version]] of fields) {
                if ((current._versions[f] ?? 0) >= version) continue;
                next[f] = value;
                next._versions[f] = version;
                changed = true;
              }
              if (changed) await table.put(next);
            }
            if (refused.length > 0) await db.rejected.bulkPut(refused);
            await db.outbox.bulkDelete(handled);
            this.c.hooks?.beforeCommit?.('outbox.settle');
            return { removed: handled.length, rejected: refused.length };
          },
        ),
      'outbox.settle',
    );
  }

  /** The "Ditolak server" entry of a refused mutation (inside a transaction over the entity tables). */
  private async rejectedEntry(
    mutation: Mutation,
    assessmentId: string | undefined,
    rejection: Rejection | null,
    at: number,
  ): Promise<RejectedChange> {
    const record = await this.table(mutation.entity).get(mutation.id);
    const fromChange = mutation.changes.indicatorNo;
    const indicatorNo =
      rejection?.indicatorNo ??
      (typeof fromChange === 'number'
        ? fromChange
        : typeof record?.indicatorNo === 'number'
          ? record.indicatorNo
          : null);
    const assessment =
      assessmentId ??
      rejection?.assessmentId ??
      (record ? assessmentIdOf(mutation.entity, record) : null);
    return {
      id: mutationKey(mutation),
      deviceId: mutation.deviceId,
      seq: mutation.seq,
      mutation,
      assessmentId: assessment,
      indicatorNo,
      // A rejection without a reason is still shown, never dropped.
      rejection: rejection ?? {
        code: 'rejected',
        message: 'Perubahan ini ditolak server tanpa keterangan.',
        messageEn: 'The server refused this change without giving a reason.',
        entity: mutation.entity,
        recordId: mutation.id,
        assessmentId: assessment,
        unitId: null,
        unitName: null,
        indicatorNo,
        field: null,
        at,
        retryable: false,
      },
      rejectedAt: at,
    };
  }

  private retryRejected(id: string): Promise<Mutation | null> {
    const db = this.db;
    return this.write(
      () =>
        db.transaction(
          'rw',
          [db.rejected, db.outbox, db.meta, ...this.entityTables()],
          async () => {
            const entry = await db.rejected.get(id);
            if (!entry) throw new RecordNotFoundError('Perubahan ditolak', id);
            const { entity, id: recordId, changes } = entry.mutation;
            const table = this.table(entity);
            const row = await table.get(recordId);
            const fields = Object.keys(changes).filter((f) => row && row[f] !== undefined);
            let queued: Mutation | null = null;
            if (row && fields.length > 0) {
              // The values as they are now (the verifier may have fixed them), checked again:
              // an invalid one throws and the entry stays.
              const values = validate(entity, Object.fromEntries(fields.map((f) => [f, row[f]])));
              const { mutation } = await this.stage(
                entity,
                recordId,
                values,
                null,
                'upsert',
                table,
                new Set(fields),
              );
              if (mutation) {
                const { assessmentId: _, ...m } = mutation;
                queued = m;
              }
            }
            await db.rejected.delete(id);
            this.c.hooks?.beforeCommit?.('rejected.retry');
            return queued;
          },
        ),
      'rejected.retry',
    );
  }

  async adoptIdentity(deviceId: string): Promise<{ renumbered: number }> {
    if (
      typeof deviceId !== 'string' ||
      deviceId.length === 0 ||
      deviceId.length > 64 ||
      findUnsafeText(deviceId) !== null
    ) {
      throw new ValidationError('device', [{ field: 'deviceId', message: 'invalid' }]);
    }
    const db = this.db;
    const result = await this.write(
      () =>
        db.transaction('rw', [db.outbox, db.meta], async () => {
          const [deviceRow, markerRow, clockRow, exportsRow] = await db.meta.bulkGet([
            DEVICE,
            MARKER,
            CLOCK,
            EXPORTS,
          ]);
          const old = this.deviceFrom(deviceRow);
          if (old === deviceId) return { renumbered: 0 };
          const rows = await db.outbox.orderBy('seq').toArray();
          const renumbered = rows.map((m, i) => ({ ...m, deviceId, seq: i + 1 }));
          await db.outbox.clear();
          await db.outbox.bulkAdd(renumbered);
          const clock = clockRow as ClockRow | undefined;
          await db.meta.put({
            key: CLOCK,
            seq: renumbered.length,
            hlc: clock?.hlc ?? null,
          } satisfies ClockRow);
          const device = deviceRow as DeviceRow | undefined;
          await db.meta.put({
            ...device,
            key: DEVICE,
            deviceId,
            previous: [...(device?.previous ?? []), old],
            adoptedAt: this.c.now(),
          } satisfies DeviceRow);
          if (markerRow) await db.meta.put({ ...markerRow, deviceId });
          // Export records name the rows they hold by seq: carry them over to the new numbers.
          const exports = exportsRow as ExportsRow | undefined;
          if (exports) {
            const byAssessment: Record<string, ExportRecord> = {};
            for (const [a, rec] of Object.entries(exports.byAssessment)) {
              if (rec.deviceId !== old) {
                byAssessment[a] = rec;
                continue;
              }
              let seq = 0;
              rows.forEach((m, i) => {
                if (m.assessmentId === a && m.seq <= rec.seq) seq = i + 1;
              });
              byAssessment[a] = { ...rec, deviceId, seq };
            }
            await db.meta.put({ key: EXPORTS, byAssessment } satisfies ExportsRow);
          }
          this.c.hooks?.beforeCommit?.('adoptIdentity');
          return { renumbered: renumbered.length };
        }),
      'adoptIdentity',
    );
    this.c.deviceId = deviceId;
    try {
      this.c.witness?.write(this.c.deviceId);
    } catch {
      // The device row remembers the old identity, so a stale witness is not read as eviction.
    }
    return result;
  }

  getBundleSecret(): Promise<string | null> {
    const db = this.db;
    return this.read(() =>
      db.transaction('r', db.meta, async () => {
        const [secretRow, deviceRow] = await db.meta.bulkGet([BUNDLE_SECRET, DEVICE]);
        return secretOf(secretRow, this.deviceFrom(deviceRow));
      }),
    );
  }

  setBundleSecret(secret: string | null): Promise<void> {
    const hex = secret?.toLowerCase() ?? null;
    if (hex !== null && !HEX_SECRET_RE.test(hex)) {
      return Promise.reject(
        new ValidationError('device', [{ field: 'bundleSecret', message: 'invalid' }]),
      );
    }
    const db = this.db;
    return this.write(
      () =>
        db.transaction('rw', db.meta, async () => {
          if (hex === null) {
            await db.meta.delete(BUNDLE_SECRET);
            return;
          }
          const deviceId = this.deviceFrom(await db.meta.get(DEVICE));
          await db.meta.put({ key: BUNDLE_SECRET, deviceId, secret: hex });
        }),
      'bundleSecret.set',
    );
  }

  releaseCheck(): Promise<ReleaseCheck> {
    const db = this.db;
    return this.read(() =>
      db.transaction('r', [db.outbox, db.blobs, db.rejected, db.meta], async () => {
        const [outbox, pendingFiles, rejected, exportsRow] = await Promise.all([
          db.outbox.toArray(),
          db.blobs.where('uploaded').equals(0).primaryKeys() as Promise<string[]>,
          db.rejected.toArray(),
          db.meta.get(EXPORTS),
        ]);
        const records = Object.values((exportsRow as ExportsRow | undefined)?.byAssessment ?? {});
        const byAssessment = (exportsRow as ExportsRow | undefined)?.byAssessment ?? {};
        const exportedFiles = new Set(records.flatMap((r) => r.files));
        const covered =
          outbox.every((m) => {
            const rec = m.assessmentId === undefined ? undefined : byAssessment[m.assessmentId];
            return rec !== undefined && rec.deviceId === m.deviceId && m.seq <= rec.seq;
          }) &&
          pendingFiles.every((sha) => exportedFiles.has(sha)) &&
          rejected.every((r) =>
            r.assessmentId === null
              ? false
              : (byAssessment[r.assessmentId]?.rejected ?? []).includes(r.id),
          );
        return {
          unsentChanges: outbox.length,
          unsentFiles: pendingFiles.length,
          rejected: rejected.length,
          lastExportAt: records.length > 0 ? Math.max(...records.map((r) => r.at)) : null,
          exportCoversUnsent: covered,
        };
      }),
    );
  }

  watch<T>(
    query: (store: TelusurStore) => Promise<T>,
    onValue: (value: T) => void,
    onError?: (error: unknown) => void,
  ): () => void {
    const subscription = liveQuery(() => query(this)).subscribe({
      next: onValue,
      error: (e: unknown) => {
        const mapped = toStoreError(e);
        if (onError) onError(mapped);
        else console.error('Telusur store watch failed', mapped);
      },
    });
    return () => subscription.unsubscribe();
  }

  // --- health -------------------------------------------------------------------------

  async health(): Promise<StorageHealth> {
    const sm = this.c.storage;
    const [persisted, estimate] = await Promise.all([
      sm?.persisted ? sm.persisted().catch(() => false) : Promise.resolve(false),
      sm?.estimate ? sm.estimate().catch(() => null) : Promise.resolve(null),
    ]);
    const db = this.db;
    const counts = await this.read(() =>
      db.transaction(
        'r',
        [db.outbox, db.blobs, db.evidenceFiles, db.rejected, db.meta],
        async () => {
          const unsyncedMutations = await db.outbox.count();
          const shas = (await db.blobs.where('uploaded').equals(0).primaryKeys()) as string[];
          const info = await this.fileInfo(shas);
          let unsyncedBytes = 0;
          for (const sha of shas) unsyncedBytes += info.get(sha)?.bytes ?? 0;
          const rejectedChanges = await db.rejected.count();
          const failedFiles = (await this.failures()).size;
          const eviction = await db.meta.get(EVICTION);
          return {
            unsyncedMutations,
            unsyncedFiles: shas.length,
            unsyncedBytes,
            rejectedChanges,
            failedFiles,
            eviction,
          };
        },
      ),
    );
    const ev = counts.eviction;
    return {
      persisted,
      usage: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
      unsyncedMutations: counts.unsyncedMutations,
      unsyncedFiles: counts.unsyncedFiles,
      unsyncedBytes: counts.unsyncedBytes,
      rejectedChanges: counts.rejectedChanges,
      failedFiles: counts.failedFiles,
      evicted: ev !== undefined,
      eviction: ev
        ? {
            detectedAt: Number(ev.detectedAt),
            previousDeviceId: typeof ev.previousDeviceId === 'string' ? ev.previousDeviceId : null,
          }
        : null,
    };
  }

  async requestPersistence(): Promise<boolean> {
    const sm = this.c.storage;
    if (!sm?.persist) return false;
    try {
      return await sm.persist();
    } catch {
      return false;
    }
  }

  acknowledgeEviction(): Promise<void> {
    return this.write(() => this.db.meta.delete(EVICTION), 'eviction.ack');
  }

  // --- export / import ----------------------------------------------------------------

  async exportAssessment(assessmentId: string): Promise<Uint8Array> {
    const db = this.db;
    const snapshot = await this.read(() =>
      db.transaction('r', db.tables, async () => {
        const assessment = await db.assessments.get(assessmentId);
        if (!assessment) throw new RecordNotFoundError('Penilaian', assessmentId);
        const byAssessment = (t: Table<RecordRow, string>) =>
          t.where('assessmentId').equals(assessmentId).toArray();
        const records: BundleManifest['records'] = {
          assessment: [assessment],
          verification: (await byAssessment(db.verifications)).sort(byNumber('indicatorNo')),
          evidenceFile: (await byAssessment(db.evidenceFiles)).sort(byNumber('capturedAt')),
          beritaAcara: await byAssessment(db.beritaAcara),
          comment: (await byAssessment(db.comments)).sort(byNumber('createdAt')),
        };
        const periodId = String(assessment.periodId);
        const unitId = String(assessment.unitId);
        const [period, unit, framework, assignments, conflicts, outbox, rejected, meta] =
          await Promise.all([
            db.periods.get(periodId),
            db.units.get(unitId),
            db.frameworks.get(String(assessment.frameworkId)),
            db.assignments
              .where('unitId')
              .equals(unitId)
              .filter((a) => a.periodId === periodId)
              .toArray(),
            db.conflicts.where('assessmentId').equals(assessmentId).toArray(),
            db.outbox.where('assessmentId').equals(assessmentId).sortBy('seq'),
            db.rejected.where('assessmentId').equals(assessmentId).sortBy('seq'),
            db.meta.bulkGet([DEVICE, CLOCK, BUNDLE_SECRET]),
          ]);
        const shas = [...new Set(records.evidenceFile.map((r) => String(r.sha256)))];
        const blobs = (await db.blobs.bulkGet(shas)).filter((b): b is BlobRow => b !== undefined);
        const [deviceRow, clockRow, secretRow] = meta;
        const deviceId = this.deviceFrom(deviceRow);
        return {
          records,
          period,
          unit,
          framework,
          assignments,
          conflicts,
          outbox,
          rejected,
          blobs,
          deviceId,
          seq: Number((clockRow as ClockRow | undefined)?.seq ?? 0),
          secret: secretOf(secretRow, deviceId),
        };
      }),
    );
    const files = new Map<string, Uint8Array>();
    for (const b of snapshot.blobs) files.set(b.sha256, await blobBytes(b.data));
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      exportedAt: this.c.now(),
      schemaVersion: CURRENT_SCHEMA_VERSION,
      deviceId: snapshot.deviceId,
      assessmentId,
      records: snapshot.records,
      conflicts: snapshot.conflicts,
      reference: {
        periods: snapshot.period ? [snapshot.period] : [],
        units: snapshot.unit ? [snapshot.unit] : [],
        assignments: snapshot.assignments,
        frameworks: snapshot.framework ? [snapshot.framework] : [],
      },
      outbox: snapshot.outbox.map(({ assessmentId: _, ...m }) => m),
      files: snapshot.blobs.map((b) => ({
        sha256: b.sha256,
        bytes: b.bytes,
        mime: b.mime,
        path: `files/${b.sha256}`,
      })),
      rejected: snapshot.rejected,
    };
    const { buildBundle } = await import('./bundle');
    const bundle = await buildBundle(
      manifest,
      files,
      snapshot.secret ? { deviceId: snapshot.deviceId, secret: snapshot.secret } : null,
    );
    await this.recordExport(assessmentId, {
      at: manifest.exportedAt,
      deviceId: snapshot.deviceId,
      seq: snapshot.seq,
      files: snapshot.blobs.map((b) => b.sha256),
      rejected: snapshot.rejected.map((r) => r.id),
    });
    return bundle;
  }

  /** Remember what an export file holds (the latest per assessment), for releaseCheck. */
  private recordExport(assessmentId: string, record: ExportRecord): Promise<void> {
    const db = this.db;
    return this.write(
      () =>
        db.transaction('rw', db.meta, async () => {
          const row = (await db.meta.get(EXPORTS)) as ExportsRow | undefined;
          await db.meta.put({
            key: EXPORTS,
            byAssessment: { ...row?.byAssessment, [assessmentId]: record },
          } satisfies ExportsRow);
          this.c.hooks?.beforeCommit?.('export.record');
        }),
      'export.record',
    );
  }

  async importBundle(bytes: Uint8Array): Promise<ImportResult> {
    const { parseBundle } = await import('./bundle');
    const { manifest, files } = await parseBundle(bytes);
    const db = this.db;
    const at = this.c.now();
    return this.write(
      () =>
        db.transaction('rw', db.tables, async () => {
          const result: ImportResult = {
            assessmentId: manifest.assessmentId,
            inserted: 0,
            skipped: 0,
            files: 0,
            requeued: 0,
          };
          const restored = new Set<string>();
          for (const [entity, rows] of Object.entries(manifest.records) as [
            EntityName,
            RecordRow[],
          ][]) {
            const table = this.table(entity);
            const existing = await table.bulkGet(rows.map((r) => r.id));
            const fresh = rows.filter((_, i) => existing[i] === undefined);
            await table.bulkAdd(fresh.map((r) => ({ ...DEFAULTS[entity], ...r })));
            for (const r of fresh) restored.add(`${entity}\u0000${r.id}`);
            result.inserted += fresh.length;
            result.skipped += rows.length - fresh.length;
          }
          const addMissing = async <T extends { id: string }>(
            table: Table<T, string>,
            rows: T[],
          ) => {
            const existing = await table.bulkGet(rows.map((r) => r.id));
            await table.bulkAdd(rows.filter((_, i) => existing[i] === undefined));
          };
          await addMissing(db.conflicts, manifest.conflicts);
          await addMissing(db.periods, manifest.reference.periods);
          await addMissing(db.units, manifest.reference.units);
          await addMissing(db.assignments, manifest.reference.assignments);
          await addMissing(db.frameworks, manifest.reference.frameworks);
          // Refused changes travel with the export so none is lost on the way.
          await addMissing(db.rejected, manifest.rejected ?? []);
          for (const f of manifest.files) {
            const data = files.get(f.sha256);
            if (!data || (await db.blobs.get(f.sha256))) continue;
            const buffer = data.slice().buffer;
            await db.blobs.add({
              sha256: f.sha256,
              data: this.blobMode === 'blob' ? new Blob([buffer], { type: f.mime }) : buffer,
              mime: f.mime,
              bytes: f.bytes,
              uploaded: 0,
              storedAt: at,
              failure: null,
            });
            result.files++;
          }
          // Unsent changes of records restored here would otherwise never reach the server:
          // queue them again as this tablet's own (the server treats equal values as no-ops).
          const requeue = manifest.outbox
            .filter((m) => restored.has(`${m.entity}\u0000${m.id}`))
            .sort((a, b) => a.seq - b.seq);
          if (requeue.length > 0) {
            const [clockRow, deviceRow] = await db.meta.bulkGet([CLOCK, DEVICE]);
            const clock = clockRow as ClockRow | undefined;
            const deviceId = this.deviceFrom(deviceRow);
            let seq = clock?.seq ?? 0;
            let hlc = clock?.hlc ? decodeHlc(clock.hlc) : null;
            for (const m of requeue) {
              seq += 1;
              hlc = tickHlc(hlc, deviceId, at);
              await db.outbox.add({
                ...m,
                deviceId,
                seq,
                hlc: encodeHlc(hlc),
                assessmentId: manifest.assessmentId,
              });
            }
            await db.meta.put({
              key: CLOCK,
              seq,
              hlc: hlc ? encodeHlc(hlc) : null,
            } satisfies ClockRow);
            result.requeued = requeue.length;
          }
          this.c.hooks?.beforeCommit?.('importBundle');
          return result;
        }),
      'importBundle',
    );
  }

  async destroy(options: { discardUnsent?: boolean } = {}): Promise<void> {
    if (!options.discardUnsent) {
      const h = await this.health();
      if (h.unsyncedMutations > 0 || h.unsyncedFiles > 0 || h.rejectedChanges > 0) {
        throw new UnsentDataError(h.unsyncedMutations, h.unsyncedFiles, h.rejectedChanges);
      }
    }
    await this.write(() => this.db.delete(), 'destroy');
    try {
      this.c.witness?.clear?.();
    } catch {
      // Nothing to forget.
    }
  }

  onUpgradeElsewhere(fn: () => void): () => void {
    const handler = () => {
      // Close at once: the other tab's upgrade waits for every older connection.
      this.db.close();
      fn();
      return false;
    };
    this.db.on('versionchange', handler);
    return () => this.db.on('versionchange').unsubscribe(handler);
  }

  close(): void {
    this.db.close();
  }
}
