import {
  beritaAcaraId,
  completeness,
  resultsInput,
  type SignedResults,
  type SigningRecord,
  type SigningResult,
  type SigningView,
  signaturesBound,
  signingInput,
  signingState,
  timeDoubtful,
} from '../../core';
import type { SigningClockRow } from '../db/reporting.repository';
import { sha256Hex } from '../lib/crypto';
import type { FieldState } from '../sync-domain';

/** What signing reads of a stored field (the exports read no more than this). */
type SignedField = Pick<FieldState, 'entity' | 'recordId' | 'field' | 'value'>;

/**
 * The berita acara's signing as the server reads it from its record store: core's
 * `signingInput` over the stored results and signatories, hashed here with node:crypto
 * (the tablet hashes the same text with crypto.subtle), compared with the stored digest;
 * and each signature's binding to the results it was drawn over (`signaturesBound`).
 */

type Fields = ReadonlyMap<string, unknown>;

const str = (r: Fields | undefined, f: string): string => {
  const v = r?.get(f);
  return typeof v === 'string' ? v : '';
};
const num = (r: Fields | undefined, f: string): number | null => {
  const v = r?.get(f);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** The per-indicator results of an assessment's verification records. */
function resultsOf(fields: readonly SignedField[]): SigningResult[] {
  const byRecord = new Map<string, Map<string, unknown>>();
  for (const f of fields) {
    if (f.entity !== 'verification') continue;
    let r = byRecord.get(f.recordId);
    if (!r) {
      r = new Map();
      byRecord.set(f.recordId, r);
    }
    r.set(f.field, f.value);
  }
  const out: SigningResult[] = [];
  for (const [id, r] of byRecord) {
    const no = num(r, 'indicatorNo') ?? Number(id.slice(id.lastIndexOf(':') + 1));
    if (!Number.isInteger(no)) continue;
    out.push({
      no,
      verifiedLevel: num(r, 'verifiedLevel'),
      notApplicable: r.get('notApplicable') === true,
      naReason: str(r, 'naReason'),
      notes: str(r, 'notes'),
    });
  }
  return out.sort((a, b) => a.no - b.no);
}

/**
 * Whether a signing time is doubtful (clock-check.ts): the tablet's clock was measured far
 * from the server's at the push that carried `signedAt` (`clock`, reporting repository
 * `signingClocks`), or the signing claims a time later than the server received it (a
 * clock running ahead, also without a measurement: export files, older tablets). No
 * signing time, nothing doubtful.
 */
export function signingTimeDoubtful(
  signedAt: number | null,
  clock: Pick<SigningClockRow, 'serverAt' | 'clockSkewMs'> | null | undefined,
): boolean {
  if (signedAt === null || !clock) return false;
  return timeDoubtful({
    editedAt: signedAt,
    receivedAt: clock.serverAt,
    skewMs: clock.clockSkewMs,
  });
}

/**
 * The signing of an assessment from all of its stored fields (`fieldsOfAssessment`):
 * state (`unsigned` / `signed` / `void`), time (and whether it is doubtful, from `clock`:
 * how the stored `signedAt` came in), stored digest, `partial`, the results as signed, and
 * today's completeness over the instrument's indicators (`indicatorNos`).
 */
export function readSigning(
  assessmentId: string,
  fields: readonly SignedField[],
  indicatorNos: readonly number[],
  clock?: Pick<SigningClockRow, 'serverAt' | 'clockSkewMs'> | null,
): SigningView {
  const id = beritaAcaraId(assessmentId);
  const ba = new Map<string, unknown>();
  for (const f of fields)
    if (f.entity === 'beritaAcara' && f.recordId === id) ba.set(f.field, f.value);
  const results = resultsOf(fields);
  const signature = (f: string): string | null => {
    const v = str(ba, f);
    return v ? sha256Hex(v) : null;
  };
  const signedAt = num(ba, 'signedAt');
  const partial = ba.get('partial') === true;
  const record: SigningRecord = {
    results,
    verifierName: str(ba, 'verifierName'),
    verifierRole: str(ba, 'verifierRole'),
    verifierNip: str(ba, 'verifierNip'),
    verifierSignatureSha256: signature('verifierSignature'),
    representativeName: str(ba, 'representativeName'),
    representativeRole: str(ba, 'representativeRole'),
    representativeNip: str(ba, 'representativeNip'),
    representativeSignatureSha256: signature('representativeSignature'),
    place: str(ba, 'place'),
    signedAt,
    partial,
  };
  const digest = str(ba, 'signedDigest') || null;
  const stored = ba.get('signedResults');
  // A signature drawn over other results than these does not hold, even when a tablet
  // computed a matching digest over it (re-signing with the voided version's images).
  const bound = signaturesBound(
    {
      verifierSignedOver: str(ba, 'verifierSignedOver') || null,
      representativeSignedOver: str(ba, 'representativeSignedOver') || null,
    },
    sha256Hex(resultsInput(results)),
  );
  return {
    state: signingState({ signedAt, signedDigest: digest }, sha256Hex(signingInput(record)), bound),
    signedAt,
    timeDoubtful: signingTimeDoubtful(signedAt, clock),
    digest,
    partial,
    results: stored && typeof stored === 'object' ? (stored as SignedResults) : null,
    completeness: completeness(indicatorNos, results),
  };
}

/** The version token of an assessment's records: the change-log seq of its latest change. */
export function recordVersion(fields: readonly FieldState[]): number {
  return fields.reduce((max, f) => Math.max(max, f.updatedSeq), 0);
}
