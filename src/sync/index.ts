/**
 * Client sync engine (DESIGN §5): push the outbox, pull the server's change log, upload
 * evidence files resumably, check receipts; scheduled on open, on `online`, on an
 * interval with backoff, and on demand.
 */
export {
  type ReceiptState,
  SyncEngine,
  type SyncProgress,
  type SyncReport,
  type SyncStatus,
  type SyncStore,
} from './engine';
export { backoffDelay, type SchedulerOptions, SyncScheduler } from './scheduler';
export {
  type FetchLike,
  type FetchTransportOptions,
  fetchTransport,
  type OfflinePackage,
  SyncHttpError,
  type SyncTransport,
  type UploadProgress,
} from './transport';
export { type TusUploaderOptions, tusUploader } from './tus-upload';
