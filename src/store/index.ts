/**
 * Telusur tablet store: the verifier's work lives here until the server has it.
 *
 *   const store = await openStore();                  // IndexedDB 'telusur', device id, Blob probe
 *   await store.verifications.update(aId, 7, { verifiedLevel: 3, notes: 'SK ada' });
 *   await store.verifications.setCheck(aId, 7, 3, 0, { state: 'present', note: '' }); // checks.3.0
 *   const rows = await store.verifications.listByAssessment(aId);
 *   const stop = store.watch((s) => s.verifications.listByAssessment(aId), render); // live, across tabs
 *
 * Guarantees
 * - A resolved write is committed (durability 'strict' by default) in ONE transaction with its
 *   outbox mutation `{deviceId, seq, entity, id, changes, baseVersions, hlc, at}`; a failed write
 *   leaves neither. `seq` is allocated inside that transaction: +1 per mutation, no gaps, across
 *   reloads and tabs. Values are checked with core's field schemas first (ValidationError).
 * - Records: `assessments` (get, list, findByUnit, create, update), `verifications` (get,
 *   listByAssessment, update — creates the row, setCheck), `beritaAcara` (get, update), `comments` (add,
 *   update, listByAssessment, listByIndicator), `evidence` (add — SHA-256, bytes stored once per
 *   content; get, listByIndicator, listByAssessment, remove — soft delete; purgeConfirmed).
 *   Unchanged fields are not re-sent; fields fixed at creation cannot be edited.
 * - `blobs.get(sha)` returns a Blob whether the browser stores Blobs or (older iPadOS) bytes.
 * - Sync: `outbox.peek(limit) / settle(answer) / count() / countByAssessment(id) /
 *   lastSeq()`, `applyRemote(entity, id, fields, versions, hlc?)` (no outbox; a field with an
 *   unsent local edit is left alone and reported `pending`, an older version `stale`),
 *   `blobs.listPendingUpload() / markUploaded(sha)`, `conflicts.*`, `cursors.get/set`,
 *   `reference.put*` (server-owned periods, units, assignments, frameworks; list/get for the UI),
 *   `reference.replaceActions` / `listActionsForUnit` / `listActionsForIndicator` (improvement
 *   actions from the offline package, read-only here; schema v7).
 * - Push answers and refusals: `outbox.settle(answer)` applies a push answer in one transaction (versions of
 *   applied/same fields recorded, refused changes moved to `rejected`, rows ≤ appliedThrough
 *   dropped; IdentityConflictError for an answer beyond the last issued seq); `rejected.*`
 *   (list newest first, counts, retry — current values as a new change, refused while still
 *   invalid —, discard, exportJson); `blobs.markFailed/clearFailure` and failures on
 *   `listPendingUpload`; `adoptIdentity(id)` renumbers unsent rows under a new identity;
 *   `get/setBundleSecret` (exports are signed with `manifest.sig` when known); `releaseCheck()`.
 *   ValidationError messages name each field and say what to do (control characters, broken
 *   characters, time range, length); saved values are core's parsed ones (NFC text).
 * - `health()`: persisted, usage/quota, unsynced mutations/files/bytes, refused changes, failed
 *   files, `evicted` (the database
 *   vanished since an earlier start; stays set until `acknowledgeEviction()`);
 *   `requestPersistence()` asks for `navigator.storage.persist()` and keeps the answer
 *   (`health().persistence`, a refusal told once: `acknowledgePersistenceNotice()`).
 * - `unsent()`: the one count of unsent work (changes, files once per content, refused,
 *   failed uploads) for the tablet and per assessment; every screen reads it.
 * - `syncLog.read() / record(run)`: the last successful sync and the latest runs (at most
 *   SYNC_LOG_LIMIT, quiet repeats folded), kept in the meta table across reloads.
 * - Errors are StoreError subclasses with Indonesian `message` and `messageEn`: StorageFullError
 *   (quota, however the browser wraps it — earlier writes intact), ValidationError,
 *   RecordNotFoundError, UnsentDataError, BundleError (export file corrupt/foreign/tampered/too
 *   new; nothing changed).
 * - Nothing unsent is deleted automatically: `evidence.purgeConfirmed(receiptHashes)` drops only
 *   bytes the server receipt lists AND whose metadata mutations were acknowledged;
 *   `destroy({ discardUnsent? })` deletes the database only when nothing is unsent (or when told
 *   to discard, e.g. training reset) and clears the eviction witness.
 * - `exportAssessment(id)` → zip bytes (manifest.json + manifest.sha256 + files/<sha256>);
 *   `importBundle(bytes)` restores absent records and files and requeues their unsent changes;
 *   idempotent.
 *
 * Where each part lives: api.ts (this contract), open.ts (opening, the device identity at
 * open, the assembled store), write.ts (the single write path: row + outbox + clock in one
 * transaction), repositories.ts (records, reference data, conflicts, cursors), evidence.ts
 * (photos and their bytes), outbox.ts (push answers, refused changes), remote.ts (pull
 * application), identity.ts, health.ts, counts.ts (unsent work), sync-log.ts (sync
 * history), export-import.ts; context.ts holds what they share,
 * schema.ts the database versions. The merge rules (fixed fields, defaults, pull decision)
 * are core's merge.ts, shared with the server.
 */
export type {
  AssessmentRepository,
  BeritaAcaraRepository,
  BlobRepository,
  CommentRepository,
  ConflictRepository,
  CursorApi,
  EvidenceRepository,
  OutboxApi,
  ReferenceRepository,
  RejectedApi,
  SettleAnswer,
  StorageManagerLike,
  StoreOptions,
  SyncLogApi,
  TelusurStore,
  VerificationRepository,
} from './api';
export { sha256Hex } from './blobs';
export {
  BUNDLE_FORMAT,
  BUNDLE_SIGNATURE_ENTRY,
  BUNDLE_VERSION,
  type BundleFile,
  type BundleManifest,
  type BundleSignature,
} from './bundle-format';
export {
  ApprovedRecordError,
  BundleError,
  type BundleErrorCode,
  describeProblem,
  type FieldProblem,
  fieldLabel,
  IdentityConflictError,
  isQuotaError,
  RecordNotFoundError,
  StorageFullError,
  StoreError,
  type StoreErrorCode,
  UnsentDataError,
  ValidationError,
} from './errors';
export { openStore } from './open';
export { mayRetryRefusal } from './outbox';
export { CURRENT_SCHEMA_VERSION } from './schema';
export { SYNC_LOG_LIMIT } from './sync-log';
export type * from './types';
