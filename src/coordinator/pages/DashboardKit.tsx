import './Reports.css';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Locale, useLocale } from '../../i18n';
import { ApiError, api, readToken } from '../api';
import type { Period, UnitKind } from '../types';
import { useLoad } from '../ui';

/**
 * Shared pieces of the dashboard, plan, review and report pages (issue 7): the JSON shapes
 * they read (mirroring src/server/services/{dashboard,review,reports}.service.ts), their
 * dictionary (Indonesian default, English mirror; printed reports are always Indonesian),
 * the period picker, images fetched with the session token, downloads. Text from users is
 * always rendered as text, never as HTML.
 */

// --- API shapes -----------------------------------------------------------------------

export type ProgressStatus =
  | 'belum'
  | 'sedang'
  | 'selesai'
  | 'terkirim'
  | 'disetujui'
  | 'dikembalikan';
export const PROGRESS_STATUSES: readonly ProgressStatus[] = [
  'belum',
  'sedang',
  'selesai',
  'terkirim',
  'disetujui',
  'dikembalikan',
];
export type LevelSource = 'verified' | 'self' | 'none';

export interface IndexSummary {
  index: number | null;
  predicate: string | null;
  complete: boolean;
  assessedCount: number;
  applicableCount: number;
  renormalised: boolean;
}

export interface Consolidation {
  rule: string;
  unit: { id: string; code: string; name: string } | null;
  assessmentId: string | null;
  verifiedCount: number;
  selfOnlyCount: number;
  unassessedCount: number;
  notApplicable: number[];
}

export interface GroupIndices {
  id: string;
  name: string;
  depth: number;
  parentId: string | null;
  weight: number;
  self: number | null;
  consolidated: number | null;
}

export interface UnitProgress {
  unitId: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  assessmentId: string | null;
  assigned: boolean;
  status: ProgressStatus;
  storedStatus: string | null;
  done: number;
  verified: number;
  notApplicable: number;
  indicatorCount: number;
  files: number;
  filesHeld: number;
  updatedAt: number | null;
}

export interface Overclaim {
  no: number;
  name: string;
  compared: number;
  lowered: number;
  raised: number;
  stepsLost: number;
  share: number;
}

export interface FrameworkRef {
  id: string;
  name: string;
  version: string;
}

export interface DashboardView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: { self: IndexSummary; consolidated: IndexSummary; target: number };
  groups: GroupIndices[];
  progress: { total: number; assigned: number; byStatus: Record<ProgressStatus, number> };
  units: UnitProgress[];
  unitCount: number;
  offset: number;
  limit: number;
  heatmap: {
    indicators: { no: number; name: string; groupId: string }[];
    rows: {
      unitId: string;
      assessmentId: string;
      code: string;
      name: string;
      self: (number | null)[];
      verified: (number | null)[];
      notApplicable: number[];
      index: number | null;
    }[];
  };
  overclaims: Overclaim[];
  kecamatan: { id: string; name: string }[];
}

export interface PlanItem {
  no: number;
  name: string;
  groups: string[];
  weight: number;
  from: number;
  to: number;
  steps: number;
  effort: number;
  source: LevelSource;
  criteria: string | null;
  evidence: string[];
  heldBackBy: {
    total: number;
    units: { unitId: string; code: string; name: string; level: number }[];
  };
}

export interface PlanView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  target: number;
  options: { effort: Record<string, number>; fixed: number[] };
  current: IndexSummary;
  plannerIndex: number;
  resultingIndex: number;
  resultingPredicate: string | null;
  reachable: boolean;
  maxIndex: number;
  totalEffort: number;
  stepCount: number;
  indicatorsTouched: number;
  items: PlanItem[];
  indicators: {
    no: number;
    name: string;
    level: number | null;
    source: LevelSource;
    weight: number;
  }[];
}

export interface EvidenceFileView {
  recordId: string;
  sha256: string;
  name: string;
  mime: string;
  bytes: number;
  capturedAt: number | null;
  held: boolean;
}

export interface IndicatorReview {
  no: number;
  name: string;
  groups: string[];
  selfLevel: number | null;
  selfJustification: string;
  verifiedLevel: number | null;
  notApplicable: boolean;
  naReason: string;
  notes: string;
  reviewComment: string;
  checks: {
    level: number;
    index: number;
    evidence: string;
    state: 'present' | 'missing' | 'inadequate' | null;
    note: string;
  }[];
  files: EvidenceFileView[];
  openConflicts: number;
}

export interface AssessmentDetail {
  assessment: {
    id: string;
    periodId: string;
    unitId: string;
    status: string;
    progress: ProgressStatus;
    submittedAt: number | null;
    updatedAt: number;
  };
  unit: { id: string; code: string; name: string; kind: UnitKind; parentName: string | null };
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  indices: { self: IndexSummary; verified: IndexSummary };
  indicators: IndicatorReview[];
  beritaAcara: {
    verifierName: string;
    verifierRole: string;
    verifierSignature: string | null;
    representativeName: string;
    representativeRole: string;
    representativeSignature: string | null;
    place: string;
    signedAt: number | null;
    summary: string;
    signatureRejected: boolean;
  } | null;
  comments: {
    id: string;
    indicatorNo: number | null;
    body: string;
    author: string;
    createdAt: number | null;
  }[];
  files: { total: number; held: number };
  openConflicts: number;
  review: {
    decidable: boolean;
    last: { status: string; by: string | null; at: number } | null;
    changedSinceDecision: boolean;
  };
}

export interface CitySummary {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: DashboardView['city'];
  groups: GroupIndices[];
  progress: DashboardView['progress'];
  overclaims: Overclaim[];
  indicators: {
    no: number;
    name: string;
    groups: string[];
    weight: number;
    self: number | null;
    verified: number | null;
    level: number | null;
    source: LevelSource;
    notApplicable: boolean;
  }[];
  plan: PlanView;
}

export interface AuditEntry {
  seq: number;
  entity: string;
  recordId: string;
  field: string;
  value: unknown;
  valueTruncated: boolean;
  version: number;
  source: string;
  account: { id: string; name: string } | null;
  device: { id: string; label: string | null } | null;
  deviceAt: number | null;
  serverAt: number;
}

// --- dictionary -----------------------------------------------------------------------

const id = {
  dashboardTitle: 'Dasbor evaluasi',
  planTitle: 'Rencana peningkatan indeks',
  reviewTitle: 'Tinjau verifikasi',
  reportsTitle: 'Laporan & ekspor',
  unitReportTitle: 'Laporan hasil verifikasi unit',
  cityReportTitle: 'Laporan ringkasan indeks SPBE kota',
  period: 'Periode',
  noPeriods: 'Belum ada periode evaluasi.',
  kecamatan: 'Kecamatan',
  allKecamatan: 'Semua kecamatan',
  unitKind: 'Jenis unit',
  allKinds: 'Semua jenis',
  kind_pemda: 'pemerintah daerah',
  kind_opd: 'perangkat daerah',
  kind_kecamatan: 'kecamatan',
  kind_kelurahan: 'kelurahan',
  cityIndex: 'Indeks kota',
  consolidatedIndex: 'Indeks kota (konsolidasi)',
  selfIndex: 'Indeks penilaian mandiri',
  verifiedIndex: 'Indeks terverifikasi',
  target: 'Target',
  consolidationRule:
    'Cara menghitung: untuk setiap indikator dipakai level terverifikasi unit {unit}; bila indikator itu belum diverifikasi, dipakai level penilaian mandiri kota. Indikator yang dinyatakan tidak berlaku dikeluarkan dan bobot indikator lain dinormalkan ulang. Nilai unit-unit lain tidak dirata-ratakan: unit-unit itu adalah bukti lapangan di peta panas, daftar selisih dan rencana.',
  consolidationCounts:
    '{verified} indikator terverifikasi, {self} dari penilaian mandiri, {none} belum dinilai, {na} tidak berlaku.',
  noCityUnit: 'Belum ada unit berjenis pemerintah daerah; indeks kota belum dapat dihitung.',
  renormalised: 'bobot dinormalkan ulang (ada indikator tidak berlaku)',
  domainsAspects: 'Domain dan aspek: mandiri vs konsolidasi',
  group: 'Domain / aspek',
  self: 'Mandiri',
  verified: 'Verifikasi',
  consolidated: 'Konsolidasi',
  progress: 'Kemajuan unit',
  progressSummary: '{assigned} dari {total} unit ditugaskan.',
  status_belum: 'belum mulai',
  status_sedang: 'sedang',
  status_selesai: 'selesai',
  status_terkirim: 'terkirim',
  status_disetujui: 'disetujui',
  status_dikembalikan: 'dikembalikan',
  statusHelp:
    'Terkirim: berita acara sudah ditandatangani dan server telah menerima semua berkas bukti. Selesai: ditandatangani, berkas masih dalam perjalanan.',
  unit: 'Unit',
  code: 'Kode',
  status: 'Status',
  indicatorsDone: 'Indikator',
  files: 'Berkas',
  notAssigned: 'belum ditugaskan',
  assignedOnly: 'Hanya unit yang sudah ditugaskan',
  review: 'Tinjau',
  unitReport: 'Laporan',
  heatmap: 'Peta panas level terverifikasi',
  heatmapHelp:
    'Baris: unit; kolom: indikator. Warna menunjukkan level terverifikasi (1–5); garis merah: lebih rendah dari penilaian mandiri. Pilih sel untuk melihat bukti dan jejak perubahan.',
  heatmapEmpty: 'Belum ada unit yang ditugaskan pada pilihan ini.',
  cellLabel: '{unit}, indikator {no}: terverifikasi {v}, mandiri {s}',
  overclaims: 'Selisih klaim: indikator yang paling sering diturunkan verifikasi',
  overclaimsEmpty: 'Belum ada level terverifikasi yang dapat dibandingkan.',
  overclaimLine: '{lowered} dari {compared} unit diturunkan ({steps} langkah)',
  indicator: 'Indikator',
  level: 'Level',
  previous: '‹ Sebelumnya',
  next: 'Berikutnya ›',
  pageOf: 'Unit {from}–{to} dari {total}',
  close: 'Tutup',
  evidenceAndAudit: 'Bukti dan jejak perubahan',
  notes: 'Catatan verifikator',
  checks: 'Pemeriksaan bukti dukung',
  check_present: 'ada',
  check_missing: 'tidak ada',
  check_inadequate: 'tidak memadai',
  check_null: 'belum diperiksa',
  photos: 'Foto dan berkas bukti',
  noPhotos: 'Tidak ada berkas bukti.',
  fileNotHeld: 'belum diterima server',
  openFile: 'Buka berkas',
  audit: 'Jejak perubahan',
  noAudit: 'Belum ada perubahan tercatat.',
  auditBy: '{who} · {when}',
  source_push: 'tablet',
  source_bundle: 'berkas ekspor tablet',
  source_assignment: 'penugasan',
  source_self_assessment: 'penilaian mandiri',
  source_resolution: 'penyelesaian konflik',
  source_review: 'tinjauan koordinator',
  notApplicable: 'Tidak berlaku',
  reviewComment: 'Catatan koordinator',
  selfJustification: 'Alasan penilaian mandiri',
  // plan
  planIntro:
    'Langkah naik level paling sedikit (perencana inti) dari level kota saat ini ke target. Atur bobot usaha atau tandai indikator tetap, dan rencana dihitung ulang.',
  from: 'Saat ini',
  to: 'Wajib',
  currentToTarget: 'Dari {current} ke target {target}',
  planResult: '{steps} langkah pada {n} indikator → indeks {result} ({predicate})',
  planUnreachable:
    'Target tidak dapat dicapai dengan indikator yang boleh diubah (paling tinggi {max}).',
  planAlready: 'Indeks kota sudah mencapai target.',
  evidenceNeeded: 'Bukti yang diperlukan',
  heldBack: 'Unit yang masih di bawah level wajib',
  heldBackNone: 'tidak ada unit terverifikasi di bawah level ini',
  heldBackMore: '… dan {n} unit lainnya',
  settings: 'Bobot usaha dan indikator tetap',
  effort: 'Bobot usaha',
  fixed: 'Tetap',
  targetIndex: 'Target indeks',
  resetSettings: 'Kembalikan ke awal',
  print: 'Cetak',
  printHint: 'Gunakan "Simpan sebagai PDF" pada dialog cetak untuk berkas PDF A4.',
  generatedAt: 'Dibuat {time}',
  sourceVerified: 'terverifikasi',
  sourceSelf: 'mandiri',
  sourceNone: 'belum dinilai',
  // review
  backToDashboard: '‹ Dasbor',
  reviewIntro:
    'Periksa level, bukti dan berita acara, lalu setujui atau kembalikan dengan catatan per indikator. Keputusan dan catatan sampai ke tablet pada sinkronisasi berikutnya.',
  notDecidable:
    'Verifikasi ini belum selesai di tablet (berita acara belum ditandatangani dan dikirim) atau periodenya sudah ditutup; belum dapat diputuskan.',
  lastDecision: 'Keputusan terakhir: {status} oleh {by}, {when}.',
  changedSince:
    'Tablet mengubah data setelah keputusan terakhir. Periksa ulang sebelum memutuskan.',
  openConflicts: 'Ada {n} konflik terbuka pada unit ini.',
  filesReceived: '{held} dari {total} berkas bukti diterima server.',
  commentFor: 'Catatan untuk indikator {no}',
  approve: 'Setujui',
  returnWithComments: 'Kembalikan dengan catatan',
  approved: 'Verifikasi disetujui. Tablet menerimanya pada sinkronisasi berikutnya.',
  returned:
    'Verifikasi dikembalikan dengan catatan. Tablet menerimanya pada sinkronisasi berikutnya.',
  beritaAcara: 'Berita acara',
  verifierSide: 'Verifikator',
  representativeSide: 'Perwakilan unit',
  place: 'Tempat',
  signedAt: 'Ditandatangani',
  notSigned: 'belum ditandatangani',
  noSignature: 'tanpa tanda tangan',
  signatureOf: 'Tanda tangan {name}',
  signatureRejected: 'Sebuah tanda tangan tidak berformat PNG dan tidak ditampilkan.',
  noBeritaAcara: 'Berita acara belum diisi.',
  tabletComments: 'Komentar dari tablet',
  onlyWithData: 'Hanya indikator yang sudah diverifikasi',
  indicatorsHeading: 'Indikator',
  differs: 'berbeda',
  // reports
  reportsIntro:
    'Laporan untuk rapat pimpinan dan ekspor data. Laporan dapat dicetak ke A4 (atau disimpan sebagai PDF) lewat menu cetak peramban.',
  exports: 'Ekspor data',
  exportsHelp:
    'Level unit × indikator (mandiri, verifikasi), indeks per unit dan status bukti. CSV: pemisah titik koma dan desimal koma (Excel berbahasa Indonesia); XLSX: lembar Info, Kota, Indeks unit, Level. Setiap berkas mencantumkan periode, instrumen dan waktu pembuatan.',
  downloadCsv: 'Unduh CSV',
  downloadXlsx: 'Unduh XLSX',
  downloading: 'Mengunduh…',
  downloaded: 'Berkas "{name}" diunduh.',
  cityReport: 'Ringkasan kota',
  unitReports: 'Laporan per unit',
  unitReportsHelp:
    'Berita acara, tanda tangan, foto bukti dan level per indikator; dapat dicetak ke A4.',
  planSummary: 'Rencana peningkatan',
  perIndicator: 'Level kota per indikator',
  source: 'Sumber',
  aspectsChart: 'Indeks per aspek',
  domainsChart: 'Indeks per domain',
  progressChart: 'Kemajuan verifikasi',
  instrument: 'Instrumen',
  yes: 'ya',
  no: 'tidak',
  na: 'TB',
  evidenceStatus: 'Bukti',
  evidence_ok: 'lengkap',
  evidence_problem: 'ada kekurangan',
  evidence_none: 'belum diperiksa',
  loadError: 'Data tidak dapat dimuat.',
} as const;

type Dict = Record<keyof typeof id, string>;

const en: Dict = {
  dashboardTitle: 'Evaluation dashboard',
  planTitle: 'Index improvement plan',
  reviewTitle: 'Review verification',
  reportsTitle: 'Reports & exports',
  unitReportTitle: 'Unit verification report',
  cityReportTitle: 'City SPBE index summary report',
  period: 'Period',
  noPeriods: 'No evaluation period yet.',
  kecamatan: 'Kecamatan',
  allKecamatan: 'All kecamatan',
  unitKind: 'Unit kind',
  allKinds: 'All kinds',
  kind_pemda: 'local government',
  kind_opd: 'agency (OPD)',
  kind_kecamatan: 'kecamatan',
  kind_kelurahan: 'kelurahan',
  cityIndex: 'City index',
  consolidatedIndex: 'City index (consolidated)',
  selfIndex: 'Self-assessment index',
  verifiedIndex: 'Verified index',
  target: 'Target',
  consolidationRule:
    'How it is computed: for each indicator the verified level of {unit} is used; where that indicator is not verified yet, the city’s self-assessed level. Indicators found not applicable are left out and the other weights renormalised. Other units are not averaged in: they are the field evidence shown in the heatmap, the over-claims and the plan.',
  consolidationCounts:
    '{verified} indicators verified, {self} self-assessed, {none} not assessed, {na} not applicable.',
  noCityUnit: 'There is no local-government unit yet; the city index cannot be computed.',
  renormalised: 'weights renormalised (some indicators not applicable)',
  domainsAspects: 'Domains and aspects: self vs consolidated',
  group: 'Domain / aspect',
  self: 'Self',
  verified: 'Verified',
  consolidated: 'Consolidated',
  progress: 'Unit progress',
  progressSummary: '{assigned} of {total} units assigned.',
  status_belum: 'not started',
  status_sedang: 'in progress',
  status_selesai: 'finished',
  status_terkirim: 'sent',
  status_disetujui: 'approved',
  status_dikembalikan: 'returned',
  statusHelp:
    'Sent: berita acara signed and every evidence file received by the server. Finished: signed, files still on their way.',
  unit: 'Unit',
  code: 'Code',
  status: 'Status',
  indicatorsDone: 'Indicators',
  files: 'Files',
  notAssigned: 'not assigned',
  assignedOnly: 'Assigned units only',
  review: 'Review',
  unitReport: 'Report',
  heatmap: 'Heatmap of verified levels',
  heatmapHelp:
    'Rows: units; columns: indicators. Colour shows the verified level (1–5); red line: below the self-assessment. Choose a cell to see its evidence and audit trail.',
  heatmapEmpty: 'No unit is assigned for this selection yet.',
  cellLabel: '{unit}, indicator {no}: verified {v}, self {s}',
  overclaims: 'Over-claims: indicators verification lowers most often',
  overclaimsEmpty: 'No verified level to compare yet.',
  overclaimLine: '{lowered} of {compared} units lowered ({steps} steps)',
  indicator: 'Indicator',
  level: 'Level',
  previous: '‹ Previous',
  next: 'Next ›',
  pageOf: 'Units {from}–{to} of {total}',
  close: 'Close',
  evidenceAndAudit: 'Evidence and audit trail',
  notes: 'Verifier’s notes',
  checks: 'Evidence checks',
  check_present: 'present',
  check_missing: 'missing',
  check_inadequate: 'inadequate',
  check_null: 'not checked',
  photos: 'Photos and evidence files',
  noPhotos: 'No evidence files.',
  fileNotHeld: 'not yet received by the server',
  openFile: 'Open file',
  audit: 'Audit trail',
  noAudit: 'No change recorded yet.',
  auditBy: '{who} · {when}',
  source_push: 'tablet',
  source_bundle: 'tablet export file',
  source_assignment: 'assignment',
  source_self_assessment: 'self-assessment',
  source_resolution: 'conflict resolution',
  source_review: 'coordinator review',
  notApplicable: 'Not applicable',
  reviewComment: 'Coordinator’s comment',
  selfJustification: 'Self-assessment justification',
  planIntro:
    'The fewest level-steps (core planner) from the city’s current levels to the target. Set effort weights or mark indicators fixed and the plan is recomputed.',
  from: 'Now',
  to: 'Required',
  currentToTarget: 'From {current} to target {target}',
  planResult: '{steps} steps on {n} indicators → index {result} ({predicate})',
  planUnreachable:
    'The target cannot be reached with the indicators allowed to change (at most {max}).',
  planAlready: 'The city index already meets the target.',
  evidenceNeeded: 'Evidence needed',
  heldBack: 'Units still below the required level',
  heldBackNone: 'no verified unit below this level',
  heldBackMore: '… and {n} more units',
  settings: 'Effort weights and fixed indicators',
  effort: 'Effort',
  fixed: 'Fixed',
  targetIndex: 'Target index',
  resetSettings: 'Reset',
  print: 'Print',
  printHint: 'Choose "Save as PDF" in the print dialog for an A4 PDF.',
  generatedAt: 'Generated {time}',
  sourceVerified: 'verified',
  sourceSelf: 'self-assessed',
  sourceNone: 'not assessed',
  backToDashboard: '‹ Dashboard',
  reviewIntro:
    'Check levels, evidence and the berita acara, then approve or return with comments per indicator. The decision and comments reach the tablet at its next sync.',
  notDecidable:
    'This verification is not finished on the tablet yet (berita acara not signed and sent) or its period is closed; it cannot be decided yet.',
  lastDecision: 'Last decision: {status} by {by}, {when}.',
  changedSince: 'The tablet changed data after the last decision. Check again before deciding.',
  openConflicts: 'This unit has {n} open conflicts.',
  filesReceived: '{held} of {total} evidence files received by the server.',
  commentFor: 'Comment on indicator {no}',
  approve: 'Approve',
  returnWithComments: 'Return with comments',
  approved: 'Verification approved. The tablet receives it at its next sync.',
  returned: 'Verification returned with comments. The tablet receives it at its next sync.',
  beritaAcara: 'Berita acara',
  verifierSide: 'Verifier',
  representativeSide: 'Unit representative',
  place: 'Place',
  signedAt: 'Signed',
  notSigned: 'not signed',
  noSignature: 'no signature',
  signatureOf: 'Signature of {name}',
  signatureRejected: 'A signature was not a PNG image and is not shown.',
  noBeritaAcara: 'The berita acara is not filled in yet.',
  tabletComments: 'Comments from the tablet',
  onlyWithData: 'Only indicators already verified',
  indicatorsHeading: 'Indicators',
  differs: 'differs',
  reportsIntro:
    'Reports for the leadership meeting and data exports. Reports print to A4 (or save as PDF) from the browser’s print menu.',
  exports: 'Data exports',
  exportsHelp:
    'Unit × indicator levels (self, verified), per-unit indices and evidence status. CSV: semicolon separator and decimal comma (Indonesian Excel); XLSX: sheets Info, Kota, Indeks unit, Level. Every file names the period, instrument and time of export.',
  downloadCsv: 'Download CSV',
  downloadXlsx: 'Download XLSX',
  downloading: 'Downloading…',
  downloaded: 'File "{name}" downloaded.',
  cityReport: 'City summary',
  unitReports: 'Unit reports',
  unitReportsHelp:
    'Berita acara, signatures, evidence photos and levels per indicator; printable to A4.',
  planSummary: 'Improvement plan',
  perIndicator: 'City level per indicator',
  source: 'Source',
  aspectsChart: 'Index per aspect',
  domainsChart: 'Index per domain',
  progressChart: 'Verification progress',
  instrument: 'Instrument',
  yes: 'yes',
  no: 'no',
  na: 'N/A',
  evidenceStatus: 'Evidence',
  evidence_ok: 'complete',
  evidence_problem: 'shortcomings',
  evidence_none: 'not checked',
  loadError: 'The data could not be loaded.',
};

export type RKey = keyof typeof id;
export type RT = (key: RKey, vars?: Record<string, string | number>) => string;
const dicts: Record<Locale, Dict> = { id, en };

export function rt(locale: Locale, key: RKey, vars?: Record<string, string | number>): string {
  let s = dicts[locale][key];
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Texts of these pages in the UI language. */
export function useRT(): RT {
  const locale = useLocale((s) => s.locale);
  return (key, vars) => rt(locale, key, vars);
}

/** True when the dictionary has this key (labels built from server values). */
export function isKey(k: string): k is RKey {
  return Object.hasOwn(id, k);
}

/** Texts of printed reports: always Indonesian (official documents). */
export const rtId: RT = (key, vars) => rt('id', key, vars);

/** Time in Western Indonesia Time for reports: "2 Oktober 2023 pukul 08.00 WIB". */
export function formatWib(ms: number | null | undefined, locale: Locale = 'id'): string {
  if (ms === null || ms === undefined) return '–';
  const s = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: 'Asia/Jakarta',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(ms));
  return `${s} WIB`;
}

// --- period picker --------------------------------------------------------------------

function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}

/** Replace some query parameters of the current URL (no navigation, no history entry). */
export function setQuery(values: Record<string, string | null | undefined>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
}

/** The periods and the chosen one (`?periode=`; default the first active, else the newest). */
export function usePeriod(): {
  periods: Period[];
  periodId: string;
  setPeriodId(id: string): void;
  error: ApiError | null;
  loading: boolean;
} {
  const loaded = useLoad(() => api<{ periods: Period[] }>('GET', '/api/periods'), []);
  const periods = loaded.data?.periods ?? [];
  const [periodId, setPeriod] = useState(() => queryParam('periode') ?? '');
  useEffect(() => {
    if (periods.length === 0) return;
    if (periodId && periods.some((p) => p.id === periodId)) return;
    const first = periods.find((p) => p.status === 'active') ?? periods[0];
    if (first) setPeriod(first.id);
  }, [periods, periodId]);
  return {
    periods,
    periodId,
    setPeriodId: (v) => {
      setQuery({ periode: v });
      setPeriod(v);
    },
    error: loaded.error,
    loading: loaded.loading,
  };
}

export function PeriodSelect(props: {
  periods: Period[];
  value: string;
  onChange(id: string): void;
}) {
  const t = useRT();
  return (
    <div>
      <label for="r-period">{t('period')}</label>
      <select
        id="r-period"
        data-testid="period-select"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.periods.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.year})
          </option>
        ))}
      </select>
    </div>
  );
}

// --- files with the session token -----------------------------------------------------

/** GET a file with the session token (an <img src> or a link cannot send it). */
export async function fetchBlob(path: string): Promise<{ blob: Blob; filename: string | null }> {
  const token = readToken();
  let res: Response;
  try {
    res = await fetch(path, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network', rt(useLocale.getState().locale, 'loadError'));
  }
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    let code = `http_${res.status}`;
    try {
      const p = (await res.json()) as { message?: string; code?: string };
      message = p.message ?? message;
      code = p.code ?? code;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, code, message);
  }
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  const plain = /filename="([^"]+)"/i.exec(cd);
  const filename = star ? decodeURIComponent(star[1] as string) : (plain?.[1] ?? null);
  return { blob: await res.blob(), filename };
}

/** Download an export (attachment) and save it under the server's file name. */
export async function download(path: string, fallback: string): Promise<string> {
  const { blob, filename } = await fetchBlob(path);
  const name = filename ?? fallback;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

const IMAGE_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/**
 * Download address of an evidence file: by hash, naming the record being viewed so the name
 * and type served are that record's (another record may name the same bytes differently).
 */
function fileUrl(file: EvidenceFileView): string {
  return `/api/files/by-hash/${encodeURIComponent(file.sha256)}?record=${encodeURIComponent(file.recordId)}`;
}

/** An evidence photo by hash (GET /api/files/by-hash/…), shown from a blob: URL. */
export function EvidenceThumb({ file, size = 120 }: { file: EvidenceFileView; size?: number }) {
  const t = useRT();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const image = IMAGE_MIMES.has(file.mime);
  useEffect(() => {
    if (!file.held || !image) return;
    let live = true;
    let made: string | null = null;
    fetchBlob(fileUrl(file)).then(
      ({ blob }) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.sha256, file.held, image]);
  const open = async () => {
    const { blob } = await fetchBlob(fileUrl(file));
    const u = URL.createObjectURL(blob);
    window.open(u, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(u), 60_000);
  };
  return (
    <figure class="r-thumb" data-testid="evidence-thumb" data-sha256={file.sha256}>
      {url ? (
        <img src={url} alt={file.name} width={size} height={size} loading="lazy" />
      ) : (
        <div class="r-thumb-empty" style={{ width: `${size}px`, height: `${size}px` }}>
          {!file.held ? t('fileNotHeld') : failed ? '!' : image ? '…' : file.mime}
        </div>
      )}
      <figcaption class="small">
        {file.name}
        {file.held && !image ? (
          <>
            {' '}
            <button type="button" class="no-print" onClick={() => void open()}>
              {t('openFile')}
            </button>
          </>
        ) : null}
      </figcaption>
    </figure>
  );
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

/** A berita acara signature: only a PNG data URL is ever put into <img src>. */
export function Signature({ value, name }: { value: string | null; name: string }) {
  const t = useRT();
  if (!value || !PNG_DATA_URL.test(value)) return <p class="muted small">{t('noSignature')}</p>;
  return (
    <img
      class="r-signature"
      src={value}
      alt={t('signatureOf', { name: name || '–' })}
      data-testid="signature-image"
    />
  );
}

// --- small pieces ---------------------------------------------------------------------

export function StatusPill({ status }: { status: ProgressStatus | string }) {
  const t = useRT();
  const key = `status_${status}` as RKey;
  const known = (PROGRESS_STATUSES as readonly string[]).includes(status);
  return (
    <span class={`pill r-status r-status-${known ? status : 'belum'}`} data-status={status}>
      {known ? t(key) : status}
    </span>
  );
}

/** A level 1–5 as a coloured chip (empty when unassessed). */
export function Level({ value, na = false }: { value: number | null; na?: boolean }) {
  const t = useRT();
  if (na) return <span class="r-lv r-lv-na">{t('na')}</span>;
  return <span class={`r-lv r-lv-${value ?? 0}`}>{value ?? '–'}</span>;
}

export function Section(props: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card r-section" data-testid={props.testId}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** Plain text of an audit value (never markup). */
export function auditText(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
