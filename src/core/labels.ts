/**
 * Names of synced fields as a verifier knows them, and the sentences that explain a refused
 * value, in Indonesian and English. One source for the tablet's validation messages, the
 * server's per-mutation rejections and the coordinator's audit list, so a refusal reads the
 * same wherever the verifier meets it.
 */

import type { UnitKind } from './api/enums';
import { STAGE_LABELS, stageOfField } from './workflow';

/** Names of fields as the verifier knows them, Indonesian and English. */
const FIELD_LABELS: Record<string, [string, string]> = {
  periodId: ['Periode', 'Period'],
  unitId: ['Unit', 'Unit'],
  frameworkId: ['Instrumen', 'Instrument'],
  status: ['Status', 'Status'],
  submittedAt: ['Waktu pengiriman', 'Submission time'],
  assessmentId: ['Penilaian', 'Assessment'],
  indicatorNo: ['Nomor indikator', 'Indicator number'],
  selfLevel: ['Level penilaian mandiri', 'Self-assessed level'],
  selfJustification: ['Penjelasan penilaian mandiri', 'Self-assessment justification'],
  verifiedLevel: ['Level hasil verifikasi', 'Verified level'],
  sourceValue: ['Nilai indeks luar', 'Outside index value'],
  notApplicable: ['Tidak berlaku', 'Not applicable'],
  naReason: ['Alasan tidak berlaku', 'Reason for not applicable'],
  notes: ['Catatan', 'Notes'],
  reviewComment: ['Komentar tinjauan', 'Review comment'],
  rekomendasi: ['Rekomendasi', 'Recommendation'],
  penjelasanFakta: ['Penjelasan: fakta', 'Explanation: facts'],
  penjelasanAnalisis: ['Penjelasan: analisis', 'Explanation: analysis'],
  penjelasanJustifikasi: ['Penjelasan: justifikasi', 'Explanation: justification'],
  penjelasanFiles: ['Berkas yang dirujuk penjelasan', 'Files the explanation cites'],
  url: ['Tautan', 'Link'],
  checkedAt: ['Tanggal tautan diperiksa', 'Date the link was checked'],
  sha256: ['Sidik berkas', 'File fingerprint'],
  name: ['Nama berkas', 'File name'],
  mime: ['Jenis berkas', 'File type'],
  bytes: ['Ukuran berkas', 'File size'],
  width: ['Lebar gambar', 'Image width'],
  height: ['Tinggi gambar', 'Image height'],
  capturedAt: ['Waktu pengambilan', 'Capture time'],
  location: ['Lokasi', 'Location'],
  deleted: ['Status hapus', 'Deleted flag'],
  capturedAtSource: ['Sumber waktu pengambilan', 'Capture time source'],
  proves: ['Dokumen yang dibuktikan', 'Document it proves'],
  verifierName: ['Nama verifikator', 'Verifier name'],
  verifierRole: ['Jabatan verifikator', 'Verifier role'],
  verifierSignature: ['Tanda tangan verifikator', 'Verifier signature'],
  representativeName: ['Nama perwakilan unit', 'Unit representative name'],
  representativeRole: ['Jabatan perwakilan unit', 'Unit representative role'],
  representativeSignature: ['Tanda tangan perwakilan unit', 'Unit representative signature'],
  place: ['Tempat', 'Place'],
  signedAt: ['Waktu penandatanganan', 'Signing time'],
  summary: ['Catatan umum', 'General notes'],
  verifierNip: ['NIP verifikator', 'Verifier NIP'],
  representativeNip: ['NIP perwakilan unit', 'Unit representative NIP'],
  partial: ['Verifikasi sebagian', 'Partial verification'],
  signedDigest: ['Sidik penandatanganan', 'Signing fingerprint'],
  signedResults: ['Hasil yang ditandatangani', 'Signed results'],
  verifierSignedOver: [
    'Hasil di bawah tanda tangan verifikator',
    'Results under the verifier signature',
  ],
  representativeSignedOver: [
    'Hasil di bawah tanda tangan perwakilan unit',
    'Results under the unit representative signature',
  ],
  kind: ['Jenis komentar', 'Comment kind'],
  body: ['Isi komentar', 'Comment'],
  author: ['Penulis', 'Author'],
  createdAt: ['Waktu dibuat', 'Creation time'],
  id: ['Pengenal', 'Identifier'],
  deviceId: ['Identitas tablet', 'Tablet identity'],
  bundleSecret: ['Kunci tanda tangan berkas ekspor', 'Export file signing key'],
};

/**
 * A unit's verification status as people read it (tablet, coordinator pages and exports),
 * Indonesian and English — the one wording of `ASSESSMENT_STATUSES`.
 */
export const STATUS_LABELS = {
  belum: ['belum mulai', 'not started'],
  sedang: ['sedang', 'in progress'],
  selesai: ['selesai', 'finished'],
  terkirim: ['terkirim', 'sent'],
  disetujui: ['disetujui', 'approved'],
  dikembalikan: ['dikembalikan', 'returned'],
  dibuka: ['dibuka kembali', 'reopened'],
  diperbaiki: ['diperbaiki, menunggu keputusan', 'corrected, awaiting decision'],
} as const satisfies Record<string, readonly [string, string]>;

type StatusKey = `status_${keyof typeof STATUS_LABELS}`;

/**
 * A unit's kind as people read it (lower case, as it sits in a sentence or a table cell);
 * the one wording of `UNIT_KINDS` for the tablet and the coordinator pages.
 */
export const UNIT_KIND_LABELS = {
  pemda: ['pemerintah daerah', 'local government'],
  opd: ['perangkat daerah', 'agency (OPD)'],
  kecamatan: ['kecamatan', 'district (kecamatan)'],
  kelurahan: ['kelurahan', 'sub-district (kelurahan)'],
} as const satisfies Record<UnitKind, readonly [string, string]>;

type KindKey = `kind_${keyof typeof UNIT_KIND_LABELS}`;

/**
 * Headings of units grouped by kind (the tablet's unit list), in the order a Pemda reads
 * them: the local government itself, its agencies, its kecamatan, its kelurahan. A
 * kecamatan is a kind of its own, never listed among the agencies (OPD).
 */
export const UNIT_KIND_GROUPS = {
  pemda: ['Pemerintah Daerah', 'Local government'],
  opd: ['Perangkat Daerah (OPD)', 'Agencies (OPD)'],
  kecamatan: ['Kecamatan', 'Districts (kecamatan)'],
  kelurahan: ['Kelurahan', 'Sub-districts (kelurahan)'],
} as const satisfies Record<UnitKind, readonly [string, string]>;

/** The group heading of a unit kind; an unknown kind gets its name with a capital letter. */
export function unitKindGroupLabel(kind: string, locale: 'id' | 'en' = 'id'): string {
  const known = (UNIT_KIND_GROUPS as Record<string, readonly [string, string]>)[kind];
  if (known) return known[locale === 'en' ? 1 : 0];
  const name = unitKindLabel(kind, locale);
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * "Not applicable" where a level would stand: the short mark of a table cell (`na`), its
 * full words for the mark's tooltip (`naTitle`), and the mark with its words where there
 * is room and no tooltip can be read, as on a touch screen's chip (`naLong`). One
 * abbreviation on every page and on paper: "TB" (tidak berlaku) in Indonesian, "N/A" in
 * English.
 */
export const NOT_APPLICABLE_LABELS = {
  na: ['TB', 'N/A'],
  naTitle: ['tidak berlaku', 'not applicable'],
  naLong: ['TB (tidak berlaku)', 'N/A (not applicable)'],
} as const satisfies Record<string, readonly [string, string]>;

/** One label of `table` in `locale`; a key the table lacks is shown as it is. */
function pick(
  table: Record<string, readonly [string, string]>,
  key: string,
  locale: 'id' | 'en',
): string {
  const pair = table[key];
  return pair ? pair[locale === 'en' ? 1 : 0] : key;
}

/** A label table as message-table entries (`<prefix><key>`) for one language. */
function messagesOf(
  table: Record<string, readonly [string, string]>,
  prefix: string,
  locale: 'id' | 'en',
): Record<string, string> {
  const i = locale === 'en' ? 1 : 0;
  const out: Record<string, string> = {};
  for (const [key, pair] of Object.entries(table)) out[`${prefix}${key}`] = pair[i];
  return out;
}

/** One status as people read it; an unknown status is shown as it is. */
export function statusLabel(status: string, locale: 'id' | 'en' = 'id'): string {
  return pick(STATUS_LABELS, status, locale);
}

/** The status labels as message-table entries (`status_<status>`) for one language. */
export function statusMessages(locale: 'id' | 'en'): Record<StatusKey, string> {
  return messagesOf(STATUS_LABELS, 'status_', locale) as Record<StatusKey, string>;
}

/** One unit kind as people read it (`pemerintah daerah`); an unknown kind is shown as it is. */
export function unitKindLabel(kind: string, locale: 'id' | 'en' = 'id'): string {
  return pick(UNIT_KIND_LABELS, kind, locale);
}

/** The unit kind labels as message-table entries (`kind_<kind>`) for one language. */
export function unitKindMessages(locale: 'id' | 'en'): Record<KindKey, string> {
  return messagesOf(UNIT_KIND_LABELS, 'kind_', locale) as Record<KindKey, string>;
}

/** The not-applicable mark and its tooltip as message-table entries (`na`, `naTitle`). */
export function notApplicableMessages(
  locale: 'id' | 'en',
): Record<keyof typeof NOT_APPLICABLE_LABELS, string> {
  return messagesOf(NOT_APPLICABLE_LABELS, '', locale) as Record<
    keyof typeof NOT_APPLICABLE_LABELS,
    string
  >;
}

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
  const stage = stageOfField(field);
  if (stage) {
    const [id, en] = STAGE_LABELS[stage];
    return [`Nilai tahap ${id.toLowerCase()}`, `${en} value`];
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
            `${id} terlalu panjang (paling banyak ${detail.maximum.toLocaleString('id-ID')} karakter). Persingkat lalu simpan lagi.`,
            `${en} is too long (at most ${detail.maximum.toLocaleString('en-GB')} characters). Shorten it and save again.`,
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

/** Fields that say which record a change belongs to (unit, assessment, indicator, period). */
const RECORD_IDENTITY_FIELDS: ReadonlySet<string> = new Set([
  'assessmentId',
  'indicatorNo',
  'periodId',
  'unitId',
  'frameworkId',
]);

/**
 * The fields of a change worth showing a person: its content, not the ids that place the
 * record (those are shown as the unit and indicator already) — unless `named` (the field a
 * refusal is about) is one of them.
 */
export function contentFields<T>(entries: [string, T][], named?: string | null): [string, T][] {
  return entries.filter(([f]) => f === named || !RECORD_IDENTITY_FIELDS.has(f));
}
