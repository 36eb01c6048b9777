/**
 * How large an evidence file may be, per kind of file. One table for the tablet's picker,
 * the wire schema and the server's upload endpoint, so the message a verifier gets names
 * the limit that applies to that very file (a 25 MB PDF is told "maks. 20 MB", not the
 * photo limit).
 */

const MIB = 1024 * 1024;

/** Kinds of evidence file with their own limits. */
export type EvidenceKind = 'photo' | 'pdf';

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
} as const satisfies Record<EvidenceKind, EvidenceLimit>;

/** The largest stored evidence file of any kind: the cap of the wire schema and of uploads. */
export const MAX_EVIDENCE_BYTES = Math.max(
  ...Object.values(EVIDENCE_LIMITS).map((l) => l.storedBytes),
);

/** The kind of an evidence file by its MIME type; null for a type that is no evidence. */
export function evidenceKindOf(mime: string): EvidenceKind | null {
  if (mime === 'application/pdf') return 'pdf';
  return mime === 'image/jpeg' || mime === 'image/png' || mime === 'image/webp' ? 'photo' : null;
}

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
