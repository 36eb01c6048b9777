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

/** Names of fields as the verifier knows them, Indonesian and English. */
const FIELD_LABELS: Record<string, [string, string]> = {
  periodId: ['Periode', 'Period'],
  unitId: ['Unit', 'Unit'],
  frameworkId: ['Instrumen', 'Instrument'],
  status: ['Status', 'Status'],
  submittedAt: ['Waktu pengiriman', 'Submission time'],
  assessmentId: ['Penilaian', 'Assessment'],
  indicatorNo: ['Nomor indikator', 'Indicator number'],
  selfLevel: ['Tingkat penilaian mandiri', 'Self-assessed level'],
  selfJustification: ['Penjelasan penilaian mandiri', 'Self-assessment justification'],
  verifiedLevel: ['Tingkat hasil verifikasi', 'Verified level'],
  notApplicable: ['Tidak berlaku', 'Not applicable'],
  naReason: ['Alasan tidak berlaku', 'Reason for not applicable'],
  notes: ['Catatan', 'Notes'],
  reviewComment: ['Komentar tinjauan', 'Review comment'],
  sha256: ['Sidik berkas', 'File fingerprint'],
  name: ['Nama berkas', 'File name'],
  mime: ['Jenis berkas', 'File type'],
  bytes: ['Ukuran berkas', 'File size'],
  width: ['Lebar gambar', 'Image width'],
  height: ['Tinggi gambar', 'Image height'],
  capturedAt: ['Waktu pengambilan', 'Capture time'],
  location: ['Lokasi', 'Location'],
  deleted: ['Status hapus', 'Deleted flag'],
  verifierName: ['Nama verifikator', 'Verifier name'],
  verifierRole: ['Jabatan verifikator', 'Verifier role'],
  verifierSignature: ['Tanda tangan verifikator', 'Verifier signature'],
  representativeName: ['Nama perwakilan unit', 'Unit representative name'],
  representativeRole: ['Jabatan perwakilan unit', 'Unit representative role'],
  representativeSignature: ['Tanda tangan perwakilan unit', 'Unit representative signature'],
  place: ['Tempat', 'Place'],
  signedAt: ['Waktu penandatanganan', 'Signing time'],
  summary: ['Ringkasan', 'Summary'],
  body: ['Isi komentar', 'Comment'],
  author: ['Penulis', 'Author'],
  createdAt: ['Waktu dibuat', 'Creation time'],
  id: ['Pengenal', 'Identifier'],
  deviceId: ['Identitas tablet', 'Tablet identity'],
  bundleSecret: ['Kunci tanda tangan berkas ekspor', 'Export file signing key'],
};

/** The field's name for a person: `Catatan`, `Catatan bukti level 3 no. 1`, or the raw name. */
export function fieldLabel(field: string): [string, string] {
  const check = /^checks\.(\d+)\.(\d+)$/.exec(field);
  if (check) {
    const [level, index] = [check[1], Number(check[2]) + 1];
    return [
      `Catatan bukti level ${level} no. ${index}`,
      `Evidence note, level ${level} no. ${index}`,
    ];
  }
  return FIELD_LABELS[field] ?? [field, field];
}

/** Details that make a problem's sentence precise. */
export interface ProblemDetail {
  /** 1-based position of the first refused character (unsafe_text). */
  position?: number;
  /** Why the character is refused (unsafe_text). */
  kind?: 'control' | 'surrogate';
  /** Largest allowed length or value (too_long). */
  maximum?: number;
}

/**
 * The readable sentences of one field problem, Indonesian and English. Written for the
 * verifier: what is wrong with which field and what to do, never a schema message.
 */
export function describeProblem(
  field: string,
  message: string,
  detail: ProblemDetail = {},
): [string, string] {
  const [id, en] = fieldLabel(field);
  const at = detail.position === undefined ? '' : ` (posisi ${detail.position})`;
  const atEn = detail.position === undefined ? '' : ` (position ${detail.position})`;
  switch (message) {
    case 'unsafe_text':
      return detail.kind === 'surrogate'
        ? [
            `${id} berisi karakter rusak (separuh emoji atau simbol)${at} yang tidak dapat disimpan. Hapus karakter itu lalu simpan lagi.`,
            `${en} contains a broken character (half of an emoji or symbol)${atEn} that cannot be saved. Remove it and save again.`,
          ]
        : [
            `${id} berisi karakter kontrol tak terlihat${at}, biasanya terbawa saat menempel dari PDF. Hapus karakter itu (atau ketik ulang bagian itu) lalu simpan lagi.`,
            `${en} contains an invisible control character${atEn}, usually carried in when pasting from a PDF. Remove it (or retype that part) and save again.`,
          ];
    case 'time_out_of_range':
      return [
        `${id} berada di luar rentang yang diterima (1 Januari 2000 sampai 1 Januari 2100). Periksa tanggal dan jam tablet, lalu isi lagi.`,
        `${en} is outside the accepted range (1 January 2000 to 1 January 2100). Check the tablet's date and time and enter it again.`,
      ];
    case 'too_long':
      return detail.maximum === undefined
        ? [`${id} terlalu panjang.`, `${en} is too long.`]
        : [
            `${id} terlalu panjang (paling banyak ${detail.maximum} karakter). Persingkat lalu simpan lagi.`,
            `${en} is too long (at most ${detail.maximum} characters). Shorten it and save again.`,
          ];
    case 'unknown field':
      return [`${id} bukan isian yang dikenal.`, `${en} is not a known field.`];
    case 'cannot change after creation':
      return [`${id} tidak dapat diubah setelah dibuat.`, `${en} cannot be changed once created.`];
    case 'required for a new record':
      return [`${id} wajib diisi.`, `${en} is required.`];
    default:
      return [`${id} tidak valid.`, `${en} is not valid.`];
  }
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
