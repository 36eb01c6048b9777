import { createHash } from 'node:crypto';
import { signingChanges } from '../../src/app/lib/signing';
import {
  beritaAcaraId,
  type Framework,
  type Mutation,
  resultsInput,
  type SigningResult,
  signedResultsOf,
  signingInput,
  spbe2020,
  statusAfterSigning,
} from '../../src/core';
import type { TelusurStore } from '../../src/store';

/**
 * Signing a berita acara as the tablet does, for tests that need a record the server
 * accepts as signed: on a tablet store with the tablet's own code, or as the raw mutation
 * a hand-made push carries (core's signing input hashed here with node:crypto).
 */

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The signatories a test berita acara carries unless told otherwise. */
export const SIGNATORIES = {
  verifierName: 'Verifikator Satu',
  verifierRole: 'Verifikator',
  verifierNip: '19800101 200501 1 001',
  representativeName: 'Kepala Unit',
  representativeRole: 'Kepala',
  representativeNip: '',
  place: 'Cilegon',
} as const;

/** A 1×1 PNG, as the signature pad saves it. */
export const SIGNATURE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * Sign the berita acara held on a tablet store over its current results at `at`, with the
 * tablet's own signing code (crypto.subtle, src/app/lib/signing.ts): writes `signedAt`,
 * `partial`, `signedDigest` and `signedResults` (fills in signatories when the record has
 * none), then the status signing sets (`selesai`, or `diperbaiki` after a return or
 * reopening). Returns the digest.
 */
export async function signOnStore(
  store: TelusurStore,
  assessmentId: string,
  at: number,
  options: { partial?: boolean; framework?: Framework } = {},
): Promise<string> {
  const existing = await store.beritaAcara.get(assessmentId);
  const ba = existing?.verifierName
    ? existing
    : await store.beritaAcara.update(assessmentId, {
        ...SIGNATORIES,
        verifierSignature: SIGNATURE_PNG,
        representativeSignature: SIGNATURE_PNG,
      });
  const changes = await signingChanges(
    options.framework ?? spbe2020,
    ba,
    await store.verifications.listByAssessment(assessmentId),
    at,
    options.partial ?? false,
  );
  await store.beritaAcara.update(assessmentId, changes);
  const status = (await store.assessments.get(assessmentId))?.status ?? 'sedang';
  const next = statusAfterSigning(status);
  if (next && next !== status) await store.assessments.update(assessmentId, { status: next });
  return changes.signedDigest as string;
}

/**
 * The berita acara mutation of a hand-made push signing these results at `at` with the
 * test signatories and PNG signatures.
 */
export function signingMutation(
  assessmentId: string,
  results: SigningResult[],
  at: number,
  partial = false,
  /**
   * The results each signature was drawn over (`verifierSignedOver`,
   * `representativeSignedOver`, from `resultsDigestOf`) and the images, else neither is sent.
   */
  drawn?: { signedOver: string; verifierPng?: string; representativePng?: string },
): Pick<Mutation, 'entity' | 'id' | 'changes'> {
  const verifierPng = drawn?.verifierPng ?? SIGNATURE_PNG;
  const representativePng = drawn?.representativePng ?? SIGNATURE_PNG;
  const digest = sha256(
    signingInput({
      ...SIGNATORIES,
      results,
      verifierSignatureSha256: sha256(verifierPng),
      representativeSignatureSha256: sha256(representativePng),
      signedAt: at,
      partial,
    }),
  );
  return {
    entity: 'beritaAcara',
    id: beritaAcaraId(assessmentId),
    changes: {
      assessmentId,
      ...SIGNATORIES,
      verifierSignature: verifierPng,
      representativeSignature: representativePng,
      signedAt: at,
      partial,
      signedDigest: digest,
      signedResults: signedResultsOf(spbe2020, results),
      ...(drawn
        ? { verifierSignedOver: drawn.signedOver, representativeSignedOver: drawn.signedOver }
        : {}),
    },
  };
}

/** The hex digest a signature drawn over these results is bound to (core `resultsInput`). */
export function resultsDigestOf(results: SigningResult[]): string {
  return sha256(resultsInput(results));
}

/** The results of a review detail (GET /api/reports/assessments/:id) as signing covers them. */
export function resultsOfDetail(detail: {
  indicators: readonly {
    no: number;
    verifiedLevel: number | null;
    notApplicable: boolean;
    naReason: string;
    notes: string;
  }[];
}): SigningResult[] {
  return detail.indicators.map((i) => ({
    no: i.no,
    verifiedLevel: i.verifiedLevel,
    notApplicable: i.notApplicable,
    naReason: i.naReason,
    notes: i.notes,
  }));
}
