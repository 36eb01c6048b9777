/**
 * The life of one unit's verification record, in one place for the tablet and the server:
 * which state each assessment status stands for, who may move it where, when the tablet
 * may edit it, what signing covers (the canonical signing input both ends hash), whether
 * a signature still holds, and whether a record is complete enough to sign.
 *
 * States (the statuses of entities.ts `ASSESSMENT_STATUSES`):
 * - draft: `belum`, `sedang`, `dibuka` (reopened by the coordinator after approval);
 * - signed (sent): `selesai` (signed on the tablet), `terkirim` (it reached the server);
 * - returned: `dikembalikan` (the coordinator returned it with comments);
 * - re-signed: `diperbaiki` (signed again after a return or a reopening; the coordinator
 *   sees "diperbaiki, menunggu keputusan");
 * - approved: `disetujui` — read-only on the tablet until the coordinator reopens it.
 *
 * Signing is never a stored flag: the berita acara keeps the digest of what was signed
 * (`signedDigest`) and the state is derived by comparing it with the digest of the record
 * as it is now (`signingState`). Core gives the canonical text; each end hashes it with
 * its own SHA-256 (tablet: crypto.subtle, server: node:crypto). Core has no crypto.
 */
import type { AssessmentStatus } from './entities';
import type { SignedResults } from './entities-schema';
import { type Framework, listIndicators } from './framework';
import { computeIndex } from './scoring';

/** The states of the record life cycle; each status stands for one. */
export const RECORD_STATES = ['draft', 'signed', 'returned', 'resigned', 'approved'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

/** The record state each assessment status stands for. */
export const STATUS_STATE: Readonly<Record<AssessmentStatus, RecordState>> = {
  belum: 'draft',
  sedang: 'draft',
  dibuka: 'draft',
  selesai: 'signed',
  terkirim: 'signed',
  dikembalikan: 'returned',
  diperbaiki: 'resigned',
  disetujui: 'approved',
};

/** The record state of a status; an unknown status (an older or forged value) counts as draft. */
export function recordStateOf(status: string): RecordState {
  return Object.hasOwn(STATUS_STATE, status) ? STATUS_STATE[status as AssessmentStatus] : 'draft';
}

/**
 * Assessment statuses only a coordinator sets (approve, return, reopen), never a tablet: a
 * push setting one is refused `field_not_writable` (merge.ts `tabletWriteRefusal`).
 */
export const COORDINATOR_STATUSES: ReadonlySet<unknown> = new Set<AssessmentStatus>([
  'disetujui',
  'dikembalikan',
  'dibuka',
]);

/**
 * False only for an approved record (`disetujui`): the tablet refuses every edit of it,
 * and the server rejects every pushed change under it (`assessment_approved`), until the
 * coordinator reopens it (`dibuka`).
 */
export function tabletMayEdit(status: string): boolean {
  return status !== 'disetujui';
}

/**
 * Whether a tablet may move a record from status `from` to `to`: never out of an approved
 * record, never into a coordinator status; any other move is the verifier's (a draft may
 * be signed, a signed record edited again — which voids its signature, see signingState).
 */
export function tabletMayMove(from: string, to: string): boolean {
  return tabletMayEdit(from) && !COORDINATOR_STATUSES.has(to);
}

/**
 * The status a tablet sets when the verifier signs the berita acara: `selesai` the first
 * time, `diperbaiki` when signing again after a return or a reopening (or again after
 * that), so the coordinator sees "diperbaiki, menunggu keputusan". Null for an approved
 * record (it cannot be signed).
 */
export function statusAfterSigning(status: string): AssessmentStatus | null {
  switch (recordStateOf(status)) {
    case 'approved':
      return null;
    case 'returned':
    case 'resigned':
      return 'diperbaiki';
    default:
      return status === 'dibuka' ? 'diperbaiki' : 'selesai';
  }
}

/** The coordinator's decisions on a record. */
export const RECORD_DECISIONS = ['approve', 'return', 'reopen'] as const;
export type RecordDecision = (typeof RECORD_DECISIONS)[number];

/** The status each decision sets. */
export const DECISION_STATUS: Readonly<Record<RecordDecision, AssessmentStatus>> = {
  approve: 'disetujui',
  return: 'dikembalikan',
  reopen: 'dibuka',
};

/**
 * Statuses each decision may be taken from: approve and return from a signed, re-signed
 * or already decided record (changing an earlier decision, which the coordinator's page
 * confirms first); reopen only from an approved one.
 */
export const DECISION_FROM: Readonly<Record<RecordDecision, ReadonlySet<string>>> = {
  approve: new Set(['selesai', 'terkirim', 'diperbaiki', 'disetujui', 'dikembalikan']),
  return: new Set(['selesai', 'terkirim', 'diperbaiki', 'disetujui', 'dikembalikan']),
  reopen: new Set(['disetujui']),
};

/** Whether the coordinator may take `decision` on a record whose status is `status`. */
export function decisionAllowed(status: string, decision: RecordDecision): boolean {
  return DECISION_FROM[decision].has(status);
}

/** The decision a status records, or null when the coordinator has not decided. */
export function decisionOf(status: string): RecordDecision | null {
  for (const d of RECORD_DECISIONS) if (DECISION_STATUS[d] === status) return d;
  return null;
}

// ---------------------------------------------------------------------------------------
// Signing

/** One indicator's result as signing covers it. */
export interface SigningResult {
  no: number;
  verifiedLevel: number | null;
  notApplicable: boolean;
  naReason: string;
  notes: string;
}

/**
 * What a signature covers. Signatures enter as the hex SHA-256 of their data URL (UTF-8),
 * so the signing input stays small and a changed or removed signature changes the digest.
 */
export interface SigningRecord {
  /** Every indicator's result; the order and indicators without any result do not matter. */
  results: readonly SigningResult[];
  verifierName: string;
  verifierRole: string;
  verifierNip: string;
  /** Hex SHA-256 of the verifier's signature data URL, null when there is none. */
  verifierSignatureSha256: string | null;
  representativeName: string;
  representativeRole: string;
  representativeNip: string;
  representativeSignatureSha256: string | null;
  place: string;
  signedAt: number | null;
  partial: boolean;
}

/** Verification fields a signing covers (the results of `SigningResult`). */
const SIGNED_VERIFICATION_FIELDS: ReadonlySet<string> = new Set([
  'verifiedLevel',
  'notApplicable',
  'naReason',
  'notes',
]);
/** Berita acara fields a signing covers: signatories, signatures, place, time, partial. */
const SIGNED_BERITA_ACARA_FIELDS: ReadonlySet<string> = new Set([
  'verifierName',
  'verifierRole',
  'verifierNip',
  'verifierSignature',
  'representativeName',
  'representativeRole',
  'representativeNip',
  'representativeSignature',
  'place',
  'signedAt',
  'partial',
  'signedDigest',
  'verifierSignedOver',
  'representativeSignedOver',
]);

/**
 * Whether changing this field of a record changes what a signing covers (`signingInput`),
 * so that a signed berita acara becomes void: a result of a verification, or a signatory,
 * signature, place, time or `partial` of the berita acara (or its stored digest).
 */
export function signingCovers(entity: string, field: string): boolean {
  if (entity === 'verification') return SIGNED_VERIFICATION_FIELDS.has(field);
  return entity === 'beritaAcara' && SIGNED_BERITA_ACARA_FIELDS.has(field);
}

const nfc = (s: string): string => s.normalize('NFC');

/** True when a result says nothing (no level, applicable, no reason, no notes). */
function emptyResult(r: SigningResult): boolean {
  return r.verifiedLevel === null && !r.notApplicable && r.naReason === '' && r.notes === '';
}

/** The results as signing covers them: without empty ones, by number, text NFC-normalised. */
function canonicalResults(results: readonly SigningResult[]) {
  return results
    .filter((x) => !emptyResult(x))
    .map((x) => ({
      no: x.no,
      verifiedLevel: x.verifiedLevel,
      notApplicable: x.notApplicable,
      naReason: nfc(x.naReason),
      notes: nfc(x.notes),
    }))
    .sort((a, b) => a.no - b.no);
}

/**
 * The canonical text of the results a person saw when drawing their signature; its hex
 * SHA-256 is stored beside the signature (`verifierSignedOver`, `representativeSignedOver`).
 * The same results give the same text as in `signingInput` (empty ones left out, order and
 * NFC do not matter).
 */
export function resultsInput(results: readonly SigningResult[]): string {
  return `telusur-hasil-v1|${JSON.stringify(canonicalResults(results))}`;
}

/**
 * Whether each signature was drawn over the results as they are now (`resultsDigest`, the
 * hex SHA-256 of `resultsInput`). A signature must only stand on figures its signer saw: once
 * the results change, signing again needs both persons to sign again, never the images of the
 * voided version. A signature without a binding (null: drawn by an app from before bindings
 * were kept) is not judged here, so records signed then keep holding; the tablet itself never
 * signs with one (`signatureStale`).
 */
export function signaturesBound(
  ba: {
    verifierSignedOver?: string | null;
    representativeSignedOver?: string | null;
  },
  resultsDigest: string,
): boolean {
  return [ba.verifierSignedOver, ba.representativeSignedOver].every(
    (b) => b == null || b === resultsDigest,
  );
}

/**
 * Whether a present signature was not drawn over the results as they are now (`resultsDigest`)
 * — a different binding, or none at all — so the tablet asks that person to sign again
 * before the record may be signed.
 */
export function signatureStale(
  signature: string | null | undefined,
  signedOver: string | null | undefined,
  resultsDigest: string | null,
): boolean {
  return !!signature && resultsDigest !== null && signedOver !== resultsDigest;
}

/**
 * The canonical text a berita acara's signing covers; its hex SHA-256 is `signedDigest`.
 * `telusur-berita-acara-v1|` followed by JSON with a fixed key order: the results sorted by
 * indicator number without empty ones (a verification record one end holds and the other
 * does not changes nothing), text NFC-normalised, then signatories, place, time, partial.
 *
 * @example
 *   const digest = sha256Hex(signingInput(record)); // tablet: crypto.subtle, server: node:crypto
 */
export function signingInput(r: SigningRecord): string {
  const body = {
    results: canonicalResults(r.results),
    verifier: {
      name: nfc(r.verifierName),
      role: nfc(r.verifierRole),
      nip: nfc(r.verifierNip),
      signature: r.verifierSignatureSha256,
    },
    representative: {
      name: nfc(r.representativeName),
      role: nfc(r.representativeRole),
      nip: nfc(r.representativeNip),
      signature: r.representativeSignatureSha256,
    },
    place: nfc(r.place),
    signedAt: r.signedAt,
    partial: r.partial,
  };
  return `telusur-berita-acara-v1|${JSON.stringify(body)}`;
}

/** Whether the berita acara's signatures hold: never signed, signed as it is, or void. */
export const SIGNING_STATES = ['unsigned', 'signed', 'void'] as const;
export type SigningState = (typeof SIGNING_STATES)[number];

/**
 * The signing state of a berita acara: `unsigned` without a signing time or digest,
 * `signed` when the digest of the record as it is now (`currentDigest`, the SHA-256 of
 * `signingInput` over today's results and signatories with the stored `signedAt` and
 * `partial`) equals the stored one, else `void` — a result, a signatory or a signature
 * changed after signing ("Tanda tangan batal: hasil berubah setelah ditandatangani —
 * tandatangani ulang"). `bound` false (see `signaturesBound`: a signature drawn over other
 * results than today's) voids it too, whatever the digest says.
 */
export function signingState(
  ba: { signedAt: number | null; signedDigest: string | null } | null | undefined,
  currentDigest: string | null,
  bound = true,
): SigningState {
  if (!ba || ba.signedAt === null || !ba.signedDigest) return 'unsigned';
  return bound && currentDigest === ba.signedDigest ? 'signed' : 'void';
}

// ---------------------------------------------------------------------------------------
// Completeness

/** How far a record's indicators are done, as signing needs to know. */
export interface Completeness {
  /** Indicators of the instrument. */
  total: number;
  /** Indicators with a verified level (and not marked not applicable). */
  verified: number;
  /** Indicators marked not applicable with a reason. */
  notApplicable: number;
  /** Indicators neither verified nor marked not applicable, in instrument order. */
  missing: number[];
  /** Indicators marked not applicable without a reason, in instrument order. */
  missingReason: number[];
  /** Nothing missing: every indicator verified or not applicable with a reason. */
  complete: boolean;
}

/**
 * Completeness of a record over the instrument's indicators (`indicatorNos`, in order). An
 * indicator counts as done when it has a verified level, or is marked not applicable
 * with a non-blank reason; a result for a number outside the list is ignored.
 */
export function completeness(
  indicatorNos: readonly number[],
  results: readonly Pick<SigningResult, 'no' | 'verifiedLevel' | 'notApplicable' | 'naReason'>[],
): Completeness {
  const byNo = new Map(results.map((r) => [r.no, r]));
  const out: Completeness = {
    total: indicatorNos.length,
    verified: 0,
    notApplicable: 0,
    missing: [],
    missingReason: [],
    complete: false,
  };
  for (const no of indicatorNos) {
    const r = byNo.get(no);
    if (r?.notApplicable) {
      if (r.naReason.trim() === '') out.missingReason.push(no);
      else out.notApplicable += 1;
    } else if (r && r.verifiedLevel !== null) out.verified += 1;
    else out.missing.push(no);
  }
  out.complete = out.missing.length === 0 && out.missingReason.length === 0;
  return out;
}

/**
 * Whether a predikat must carry the large "SEMENTARA" mark (screen, paper and exports):
 * the verifier chose a partial verification ("verifikasi sebagian"), or the index does not
 * cover every applicable indicator (`complete` false: some indicator neither verified nor
 * marked not applicable with a reason). Both ends ask this one rule.
 */
export function isProvisional(p: { partial: boolean; complete: boolean }): boolean {
  return p.partial || !p.complete;
}

/** Why signing is refused: indicators left undone without choosing "verifikasi sebagian". */
export type SigningRefusal = 'incomplete';

/**
 * Why the verifier may not sign now, or null when they may: an incomplete record is signed
 * only when `partial` ("verifikasi sebagian") is chosen, and is then printed as such.
 */
export function signingRefusal(c: Completeness, partial: boolean): SigningRefusal | null {
  return c.complete || partial ? null : 'incomplete';
}

/**
 * The results snapshot stored with a signing (`signedResults`): the non-empty results by
 * indicator number and the verified index with its predikat as they were then. A partial
 * record's predikat is printed only under a large "SEMENTARA" mark.
 */
export function signedResultsOf(fw: Framework, results: readonly SigningResult[]): SignedResults {
  const nos = listIndicators(fw).map((i) => i.no);
  const kept = results.filter((r) => !emptyResult(r)).sort((a, b) => a.no - b.no);
  const levels: Record<number, number | null> = {};
  for (const r of kept) levels[r.no] = r.notApplicable ? null : r.verifiedLevel;
  const idx = computeIndex(fw, levels, {
    notApplicable: kept.filter((r) => r.notApplicable).map((r) => r.no),
  });
  const c = completeness(nos, kept);
  return {
    results: kept.map((r) => ({
      no: r.no,
      verifiedLevel: r.verifiedLevel,
      notApplicable: r.notApplicable,
      naReason: r.naReason,
      notes: r.notes,
    })),
    index: idx.index,
    predicate: idx.predicate,
    verified: c.verified + c.notApplicable,
    total: c.total,
  };
}
