/**
 * Client sync engine: push the outbox, pull the server's change log, upload
 * evidence files resumably, check receipts; scheduled on open, on `online`, on an
 * interval with backoff, and on demand. Every request is bounded by a timeout; a refused
 * change or a bad file never holds back the rest.
 */
export {
  DEFAULT_UPLOAD_CONCURRENCY,
  type FailedFile,
  type IdentityChange,
  type IdentityChangeReason,
  type LockManagerLike,
  PUSH_BUDGET_BYTES,
  type ReceiptState,
  SyncEngine,
  type SyncEngineOptions,
  type SyncErrorSource,
  SyncLocalError,
  type SyncLock,
  type SyncProgress,
  type SyncReport,
  type SyncStatus,
  type SyncStore,
  type TabletOrganisation,
  webSyncLock,
} from './engine';
export { backoffDelay, type SchedulerOptions, SyncScheduler } from './scheduler';
export {
  DEFAULT_HEALTH_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  type FetchLike,
  type FetchTransportOptions,
  fetchTransport,
  type OfflinePackage,
  type PackageNotModified,
  SyncHttpError,
  type SyncTransport,
  type UploadProgress,
} from './transport';
export {
  DEFAULT_STALL_TIMEOUT_MS,
  StallError,
  StallGuardStack,
  type TusUploaderOptions,
  tusUploader,
} from './tus-upload';
