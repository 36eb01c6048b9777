// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import type { SignedResults } from '../../core/entities-schema';
import { type Framework, listIndicators } from '../../core/framework';
import {
  type Completeness,
  completeness,
  resultsInput,
  type SigningRecord,
  type SigningResult,
  type SigningState,
  signaturesBound,
  signedResultsOf,
  signingInput,
  signingState,
} from '../../core/record-state';
import type { BeritaAcara, BeritaAcaraChanges, Verification } from '../../store';

/**
 * Signing the berita acara on the tablet: the digest of core's canonical signing input
 * (crypto.subtle SHA-256), what a signing stores, and whether the stored signing still
 * holds. Core decides what signing covers (record-state.ts); this file only hashes.
 */

/** Hex SHA-256 of a text's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Signatures are data URLs of up to 400 KB, hashed again at every render of a unit's
 * screens; their hashes are kept by value (a few per tablet session).
 */
const signatureHashes = new Map<string, Promise<string>>();
function signatureSha256(dataUrl: string | null | undefined): Promise<string | null> {
  if (!dataUrl) return Promise.resolve(null);
  let hash = signatureHashes.get(dataUrl);
  if (!hash) {
    if (signatureHashes.size > 16) signatureHashes.clear();
    hash = sha256Hex(dataUrl);
    signatureHashes.set(dataUrl, hash);
  }
  return hash;
}

/** Each verification's result as signing covers it (level, not applicable, reason, notes). */
export function signingResults(verifications: Iterable<Verification>): SigningResult[] {
  return [...verifications].map((v) => ({
    no: v.indicatorNo,
    verifiedLevel: v.verifiedLevel ?? null,
    notApplicable: v.notApplicable === true,
    naReason: v.naReason ?? '',
    notes: v.notes ?? '',
  }));
}

/** How complete the record is for signing, over the instrument's indicators in order. */
export function completenessOf(
  framework: Framework,
  verifications: Iterable<Verification>,
): Completeness {
  return completeness(
    listIndicators(framework).map((i) => i.no),
    signingResults(verifications),
  );
}

/**
 * The hex digest of a berita acara over these results, with `at` (signing time) and
 * `partial` as given (a signing about to be made), else as stored. A berita acara record
 * from before these fields existed reads as empty NIPs and not partial.
 */
export async function recordDigest(
  ba: BeritaAcara | null,
  verifications: Iterable<Verification>,
  at?: { signedAt: number; partial: boolean },
): Promise<string> {
  const [verifierSignatureSha256, representativeSignatureSha256] = await Promise.all([
    signatureSha256(ba?.verifierSignature),
    signatureSha256(ba?.representativeSignature),
  ]);
  const record: SigningRecord = {
    results: signingResults(verifications),
    verifierName: ba?.verifierName ?? '',
    verifierRole: ba?.verifierRole ?? '',
    verifierNip: ba?.verifierNip ?? '',
    verifierSignatureSha256,
    representativeName: ba?.representativeName ?? '',
    representativeRole: ba?.representativeRole ?? '',
    representativeNip: ba?.representativeNip ?? '',
    representativeSignatureSha256,
    place: ba?.place ?? '',
    signedAt: at ? at.signedAt : (ba?.signedAt ?? null),
    partial: at ? at.partial : ba?.partial === true,
  };
  return sha256Hex(signingInput(record));
}

/**
 * What signing writes into the berita acara at `signedAt`: the time, the partial choice,
 * the digest and the results snapshot (index and predikat as of now) that printed and
 * coordinator views show under the signatures.
 */
export async function signingChanges(
  framework: Framework,
  ba: BeritaAcara | null,
  verifications: readonly Verification[],
  signedAt: number,
  partial: boolean,
): Promise<BeritaAcaraChanges & { signedResults: SignedResults }> {
  return {
    signedAt,
    partial,
    signedDigest: await recordDigest(ba, verifications, { signedAt, partial }),
    signedResults: signedResultsOf(framework, signingResults(verifications)),
  };
}

/**
 * The hex digest of the results as they are now (`resultsInput`): what a signature drawn now
 * is bound to (`verifierSignedOver`, `representativeSignedOver`).
 */
export function resultsDigest(verifications: Iterable<Verification>): Promise<string> {
  return sha256Hex(resultsInput(signingResults(verifications)));
}

/**
 * The signing state of the record as it is now: unsigned, signed, or void — also void when a
 * signature was drawn over other results than today's (core `signaturesBound`).
 */
export async function currentSigningState(
  ba: BeritaAcara | null,
  verifications: Iterable<Verification>,
): Promise<SigningState> {
  if (!ba || ba.signedAt == null || !ba.signedDigest) return 'unsigned';
  const list = [...verifications];
  const [digest, results] = await Promise.all([recordDigest(ba, list), resultsDigest(list)]);
  return signingState(
    { signedAt: ba.signedAt, signedDigest: ba.signedDigest },
    digest,
    signaturesBound(ba, results),
  );
}

/** A digest for people: groups of four hex digits, so a printed line can wrap and be read. */
export function groupedDigest(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Whether a NIP (Nomor Induk Pegawai) as typed is acceptable on the berita acara: empty (the
 * form allows leaving it out), or 18 digits, spaces allowed as separators
 * ("19800101 200501 1 001").
 */
export function nipValid(nip: string | null | undefined): boolean {
  const bare = (nip ?? '').replace(/ /g, '');
  return bare === '' || /^[0-9]{18}$/.test(bare);
}
