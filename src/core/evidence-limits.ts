/**
 * How large an evidence file may be, per kind of file. One table for the tablet's picker,
 * the wire schema and the server's upload endpoint, so the message a verifier gets names
 * the limit that applies to that very file (a 25 MB PDF is told "maks. 20 MB", not the
 * photo limit).
 */

const MIB = 1024 * 1024;

/**
 * Kinds of evidence file with their own limits. Real submissions come as photos and PDFs,
 * but also as office documents and spreadsheets (DOCX, XLSX, ODT, ODS) and archives (ZIP,
 * RAR) — pemdi-2026.md §1 "Evidence formats". Those are kept as opaque files: stored,
 * hashed, uploaded and downloaded, never opened or rendered.
 */
export type EvidenceKind = 'photo' | 'pdf' | 'document' | 'spreadsheet' | 'archive';

/** MIME type of each accepted evidence format, with its usual extension and kind. */
export const EVIDENCE_FORMATS = {
  'image/jpeg': { ext: 'jpg', kind: 'photo' },
  'image/png': { ext: 'png', kind: 'photo' },
  'image/webp': { ext: 'webp', kind: 'photo' },
  'application/pdf': { ext: 'pdf', kind: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    ext: 'docx',
    kind: 'document',
  },
  'application/vnd.oasis.opendocument.text': { ext: 'odt', kind: 'document' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    ext: 'xlsx',
    kind: 'spreadsheet',
  },
  'application/vnd.oasis.opendocument.spreadsheet': { ext: 'ods', kind: 'spreadsheet' },
  'application/zip': { ext: 'zip', kind: 'archive' },
  'application/vnd.rar': { ext: 'rar', kind: 'archive' },
} as const satisfies Record<string, { ext: string; kind: EvidenceKind }>;

export type EvidenceMime = keyof typeof EVIDENCE_FORMATS;
/** Every accepted evidence MIME type (the wire schema's list). */
export const EVIDENCE_MIME_TYPES = Object.keys(EVIDENCE_FORMATS) as [
  EvidenceMime,
  ...EvidenceMime[],
];

/** Extension (no dot, lower case) → MIME type, for files a browser reports without a type. */
export const EVIDENCE_MIME_BY_EXTENSION: Readonly<Record<string, EvidenceMime>> =
  Object.fromEntries([
    ...Object.entries(EVIDENCE_FORMATS).map(([mime, f]) => [f.ext, mime as EvidenceMime]),
    ['jpeg', 'image/jpeg'],
  ]);

/**
 * The evidence MIME type of a picked file: its declared type when accepted, else the one
 * its extension names (browsers report `""` or `application/octet-stream` for RAR and
 * sometimes for ODS); null when neither is an accepted format.
 */
export function evidenceMimeOf(name: string, declared: string): EvidenceMime | null {
  if (Object.hasOwn(EVIDENCE_FORMATS, declared)) return declared as EvidenceMime;
  if (declared === 'application/x-rar-compressed' || declared === 'application/x-rar')
    return 'application/vnd.rar';
  if (declared === 'application/x-zip-compressed') return 'application/zip';
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase();
  return ext ? (EVIDENCE_MIME_BY_EXTENSION[ext] ?? null) : null;
}

/**
 * Whether a file of this type is served and shown only as a download (never rendered in the
 * page or opened inline): every format but images and PDF.
 */
export function isDownloadOnly(mime: string): boolean {
  const kind = evidenceKindOf(mime);
  return kind !== 'photo' && kind !== 'pdf';
}

export interface EvidenceLimit {
  /** Largest file the tablet accepts from the camera or the file picker. */
  pickedBytes: number;
  /** Largest file stored and uploaded (what the server accepts). */
  storedBytes: number;
}

/**
 * A photo is shrunk on the tablet (≤ 2000 px, about 400 KB) before it is stored, so a large
 * camera original is fine to pick; the stored limit only bounds what reaches the server. A
 * PDF is kept as it is: what is picked is what is sent, so both limits are the same.
 */
export const EVIDENCE_LIMITS = {
  photo: { pickedBytes: 40 * MIB, storedBytes: 25 * MIB },
  pdf: { pickedBytes: 20 * MIB, storedBytes: 20 * MIB },
  document: { pickedBytes: 20 * MIB, storedBytes: 20 * MIB },
  spreadsheet: { pickedBytes: 20 * MIB, storedBytes: 20 * MIB },
  archive: { pickedBytes: 50 * MIB, storedBytes: 50 * MIB },
} as const satisfies Record<EvidenceKind, EvidenceLimit>;

/** The largest stored evidence file of any kind: the cap of the wire schema and of uploads. */
export const MAX_EVIDENCE_BYTES = Math.max(
  ...Object.values(EVIDENCE_LIMITS).map((l) => l.storedBytes),
);

/** The kind of an evidence file by its MIME type; null for a type that is no evidence. */
export function evidenceKindOf(mime: string): EvidenceKind | null {
  return Object.hasOwn(EVIDENCE_FORMATS, mime) ? EVIDENCE_FORMATS[mime as EvidenceMime].kind : null;
}

/** Kinds as people read them in a limit line ("Dokumen (DOCX, ODT) maks. 20 MB"). */
export const EVIDENCE_KIND_LABELS = {
  photo: ['Foto', 'Photo'],
  pdf: ['PDF', 'PDF'],
  document: ['Dokumen (DOCX, ODT)', 'Document (DOCX, ODT)'],
  spreadsheet: ['Lembar kerja (XLSX, ODS)', 'Spreadsheet (XLSX, ODS)'],
  archive: ['Arsip (ZIP, RAR)', 'Archive (ZIP, RAR)'],
} as const satisfies Record<EvidenceKind, readonly [string, string]>;

/**
 * The limit (bytes) for a file of this MIME type when picked or when stored and uploaded;
 * null for a type that is no evidence.
 *
 * @example
 *   evidenceLimitBytes('application/pdf', 'picked'); // 20 971 520
 */
export function evidenceLimitBytes(mime: string, stage: 'picked' | 'stored'): number | null {
  const kind = evidenceKindOf(mime);
  if (!kind) return null;
  const limit: EvidenceLimit = EVIDENCE_LIMITS[kind];
  return stage === 'picked' ? limit.pickedBytes : limit.storedBytes;
}

/** A limit as people read it: "20 MB" (whole megabytes, as every limit above is). */
export function formatLimit(bytes: number): string {
  return `${Math.round(bytes / MIB)} MB`;
}

/**
 * The type a stored file's first bytes show, for the formats that are ever rendered (JPEG
 * `FF D8` (start of image), PNG `89 50 4E 47`, WebP `RIFF….WEBP`, PDF `%PDF`); null for anything else.
 * A declared type is never enough to render a file: the server serves a photo or PDF inline
 * only when its bytes are what its record says.
 */
export function sniffRenderableMime(
  head: Uint8Array,
): 'image/jpeg' | 'image/png' | 'image/webp' | 'application/pdf' | null {
  const is = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (is(0xff, 0xd8)) return 'image/jpeg';
  if (is(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  const webp = [0x57, 0x45, 0x42, 0x50].every((b, i) => head[8 + i] === b);
  if (is(0x52, 0x49, 0x46, 0x46) && webp) return 'image/webp';
  if (is(0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
  return null;
}

/** The short type badge of an evidence file ("DOCX", "PDF", "JPG"); null for no evidence type. */
export function evidenceBadge(mime: string): string | null {
  return Object.hasOwn(EVIDENCE_FORMATS, mime)
    ? EVIDENCE_FORMATS[mime as EvidenceMime].ext.toUpperCase()
    : null;
}

/**
 * The limit line a picker shows: each kind with its stored limit, e.g. "Foto maks. 25 MB ·
 * PDF maks. 20 MB · …" (`locale` 'en': "Photo max. 25 MB · …").
 */
export function evidenceLimitsLine(locale: 'id' | 'en'): string {
  const i = locale === 'en' ? 1 : 0;
  const max = locale === 'en' ? 'max.' : 'maks.';
  return (Object.keys(EVIDENCE_LIMITS) as EvidenceKind[])
    .map(
      (k) => `${EVIDENCE_KIND_LABELS[k][i]} ${max} ${formatLimit(EVIDENCE_LIMITS[k].pickedBytes)}`,
    )
    .join(' · ');
}

/**
 * A kind as it reads inside a sentence: "foto", "PDF", "dokumen (DOCX, ODT)" ("Berkas
 * dokumen (DOCX, ODT) terlalu besar"); English with `locale` 'en'.
 */
export function evidenceKindPhrase(kind: EvidenceKind, locale: 'id' | 'en'): string {
  const label = EVIDENCE_KIND_LABELS[kind][locale === 'en' ? 1 : 0];
  return label.replace(/^[A-Z][a-z]/, (m) => m.toLowerCase());
}
