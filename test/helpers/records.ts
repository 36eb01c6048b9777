import { RECORD_DEFAULTS } from '../../src/core';
import type { Verification } from '../../src/store';

/**
 * A verification record of indicator `no` in assessment `assessmentId`, as the store would
 * hold it: core's record defaults (so a field added there reaches every test), then `over`.
 */
export function verificationRecord(
  assessmentId: string,
  no: number,
  over: Partial<Verification> = {},
): Verification {
  return {
    ...RECORD_DEFAULTS.verification,
    id: `${assessmentId}:${no}`,
    assessmentId,
    indicatorNo: no,
    ...over,
  } as Verification;
}
