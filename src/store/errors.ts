import { describeProblem } from '../core';

export { describeProblem, fieldLabel, type ProblemDetail } from '../core';

/**
 * Typed errors of the tablet store. Every error a caller can see is a StoreError with a
 * stable `code`, an Indonesian `message` fit to show a verifier, and `messageEn`.
 */

export type StoreErrorCode =
  | 'storage-full'
  | 'invalid'
  | 'not-found'
  | 'bundle-corrupt'
  | 'bundle-foreign'
  | 'bundle-integrity'
  | 'bundle-version'
  | 'unsent-data'
  | 'identity-conflict'
  | 'approved'
  | 'unavailable';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly messageEn: string;
  constructor(code: StoreErrorCode, message: string, messageEn: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StoreError';
    this.code = code;
    this.messageEn = messageEn;
  }
}

/** The device ran out of storage. Nothing of the failed write was saved; earlier writes are intact. */
export class StorageFullError extends StoreError {
  constructor(cause?: unknown) {
    super(
      'storage-full',
      'Penyimpanan tablet penuh. Perubahan terakhir belum tersimpan; data yang sudah tersimpan tetap aman. Sinkronkan atau ekspor data, lalu kosongkan ruang penyimpanan dan coba lagi.',
      'Tablet storage is full. The last change was not saved; everything saved earlier is safe. Sync or export your data, free some space and try again.',
      cause,
    );
    this.name = 'StorageFullError';
  }
}

export interface FieldProblem {
  field: string;
  /**
   * Machine code of the problem: core's zod message (`unsafe_text`, `time_out_of_range`, …),
   * or the store's own (`unknown field`, `cannot change after creation`, `required for a new
   * record`, `too_long`, `wrong_type`, `invalid`).
   */
  message: string;
  /** One readable sentence naming the field and what to do, Indonesian (filled when absent). */
  text?: string;
  /** The same in English. */
  textEn?: string;
}

/** A value did not pass core's field schema (or the field is unknown). Nothing was written. */
export class ValidationError extends StoreError {
  readonly problems: FieldProblem[];
  /** The entity whose fields were refused (`verification`, `beritaAcara`, …). */
  readonly entity: string;
  constructor(entity: string, problems: FieldProblem[]) {
    const described = problems.map((p) => {
      if (p.text !== undefined && p.textEn !== undefined) return p;
      const [text, textEn] = describeProblem(p.field, p.message);
      return { ...p, text, textEn };
    });
    super(
      'invalid',
      `${described.map((p) => p.text).join(' ')} Tidak ada yang disimpan.`,
      `${described.map((p) => p.textEn).join(' ')} Nothing was saved.`,
    );
    this.name = 'ValidationError';
    this.problems = described;
    this.entity = entity;
  }
}

/**
 * An edit of a record of a verification the coordinator approved (`disetujui`): it is
 * read-only on the tablet until the coordinator reopens it. Nothing was saved.
 */
export class ApprovedRecordError extends StoreError {
  /** The approved assessment. */
  readonly assessmentId: string;
  constructor(assessmentId: string) {
    super(
      'approved',
      'Verifikasi unit ini sudah disetujui koordinator dan hanya dapat dibaca; perubahan tidak disimpan. Minta koordinator membukanya kembali bila ada yang perlu diperbaiki.',
      'This unit’s verification was approved by the coordinator and is read-only; the change was not saved. Ask the coordinator to reopen it if something needs correcting.',
    );
    this.name = 'ApprovedRecordError';
    this.assessmentId = assessmentId;
  }
}

export class RecordNotFoundError extends StoreError {
  constructor(what: string, id: string) {
    super('not-found', `${what} tidak ditemukan: ${id}`, `${what} not found: ${id}`);
    this.name = 'RecordNotFoundError';
  }
}

/** A destructive action was refused because the tablet still holds work the server lacks. */
export class UnsentDataError extends StoreError {
  readonly unsyncedMutations: number;
  readonly unsyncedFiles: number;
  /** Changes the server refused that still wait in the "Ditolak server" list. */
  readonly rejectedChanges: number;
  constructor(unsyncedMutations: number, unsyncedFiles: number, rejectedChanges = 0) {
    const rejected =
      rejectedChanges > 0
        ? [
            ` ${rejectedChanges} perubahan ditolak server masih menunggu keputusan (kirim ulang, ekspor, atau buang).`,
            ` ${rejectedChanges} changes refused by the server still await a decision (send again, export or discard).`,
          ]
        : ['', ''];
    super(
      'unsent-data',
      `Masih ada ${unsyncedMutations} perubahan dan ${unsyncedFiles} berkas yang belum terkirim ke server.${rejected[0]} Sinkronkan atau ekspor data terlebih dahulu.`,
      `${unsyncedMutations} changes and ${unsyncedFiles} files have not reached the server yet.${rejected[1]} Sync or export first.`,
    );
    this.name = 'UnsentDataError';
    this.unsyncedMutations = unsyncedMutations;
    this.unsyncedFiles = unsyncedFiles;
    this.rejectedChanges = rejectedChanges;
  }
}

/**
 * The server's answer cannot belong to this tablet's identity: it says it handled a seq this
 * tablet never issued (another tablet shares the identity, e.g. a cloned browser profile or a
 * restored backup), or it answers a push made under an identity this tablet has since left.
 * Nothing was changed; the outbox is intact. The sync engine takes a fresh identity.
 */
export class IdentityConflictError extends StoreError {
  readonly appliedThrough: number;
  readonly lastSeq: number;
  constructor(appliedThrough: number, lastSeq: number, detail: string) {
    super(
      'identity-conflict',
      'Identitas tablet ini dipakai juga oleh perangkat lain (mis. profil peramban disalin). Perubahan yang belum terkirim tetap aman; tablet akan meminta identitas baru dan mengirim ulang.',
      `This tablet's identity is also used by another device (e.g. a copied browser profile). Unsent changes are safe; the tablet will take a new identity and send them again. (${detail})`,
    );
    this.name = 'IdentityConflictError';
    this.appliedThrough = appliedThrough;
    this.lastSeq = lastSeq;
  }
}

export type BundleErrorCode =
  | 'bundle-corrupt'
  | 'bundle-foreign'
  | 'bundle-integrity'
  | 'bundle-version';

const BUNDLE_MESSAGES: Record<BundleErrorCode, [string, string]> = {
  'bundle-corrupt': [
    'Berkas ekspor rusak atau tidak lengkap dan tidak dapat dibaca. Tidak ada data yang diubah. Minta berkas ekspor baru dari tablet asal.',
    'The export file is damaged or incomplete and cannot be read. No data was changed. Ask for a new export from the source tablet.',
  ],
  'bundle-foreign': [
    'Berkas ini bukan berkas ekspor Telusur. Tidak ada data yang diubah.',
    'This file is not a Telusur export file. No data was changed.',
  ],
  'bundle-integrity': [
    'Isi berkas ekspor tidak cocok dengan daftar periksanya (berkas diubah atau rusak). Tidak ada data yang diubah.',
    'The export file does not match its checksums (it was altered or damaged). No data was changed.',
  ],
  'bundle-version': [
    'Berkas ekspor dibuat oleh versi Telusur yang lebih baru. Perbarui aplikasi lalu coba lagi. Tidak ada data yang diubah.',
    'The export file was made by a newer version of Telusur. Update the app and try again. No data was changed.',
  ],
};

/** An import bundle was refused as a whole; nothing was changed. `detail` says why (English, for support). */
export class BundleError extends StoreError {
  readonly detail: string;
  constructor(code: BundleErrorCode, detail: string, cause?: unknown) {
    const [id, en] = BUNDLE_MESSAGES[code];
    super(code, id, `${en} (${detail})`, cause);
    this.name = 'BundleError';
    this.detail = detail;
  }
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);

/**
 * True when the error (or anything it wraps) says the disk or the origin's quota is full:
 * a DOMException QuotaExceededError, Chrome's AbortError whose transaction error is
 * a QuotaExceededError, Dexie's wrapped errors (`inner`), and `cause` chains.
 */
export function isQuotaError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const o = e as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown };
    if (typeof o.name === 'string' && QUOTA_NAMES.has(o.name)) return true;
    stack.push(o.inner, o.cause);
    if (Array.isArray(o.failures)) stack.push(...o.failures);
  }
  return false;
}

/** Map anything thrown by IndexedDB/Dexie to what callers may see. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  // Dexie wraps errors thrown inside a transaction whose name matches one of its own.
  const inner = (error as { inner?: unknown } | null)?.inner;
  if (inner instanceof StoreError) return inner;
  if (isQuotaError(error)) return new StorageFullError(error);
  return error;
}
