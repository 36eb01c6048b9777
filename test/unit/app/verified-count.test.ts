import { describe, expect, it } from 'vitest';
import { isVerified, naWithoutReason, verifiedCount } from '../../../src/app/lib/progress';
import { completenessOf } from '../../../src/app/lib/signing';
import { spbe2020 } from '../../../src/core';
import type { Verification } from '../../../src/store';
import { verificationRecord } from '../../helpers/records';

/**
 * "n/47 terverifikasi" is one figure: the home card, the checklist and the berita acara
 * count an indicator marked not applicable only once its reason is written, as signing does.
 */

const A = 'a-1';

function verification(no: number, over: Partial<Verification> = {}): Verification {
  return verificationRecord(A, no, over);
}

describe('one definition of "terverifikasi"', () => {
  const rows = [
    verification(1, { verifiedLevel: 3 }),
    verification(2, { verifiedLevel: 2 }),
    verification(3, { notApplicable: true, naReason: 'Unit tidak mengelola aplikasi umum' }),
    verification(4, { verifiedLevel: 1 }),
    // Marked not applicable, reason still empty: not done yet.
    verification(5, { notApplicable: true, naReason: '  ' }),
    // Only a note so far.
    verification(6, { notes: 'SK belum ditemukan' }),
  ];

  it('counts levels and not-applicable-with-reason, as the berita acara does', () => {
    expect(verifiedCount(spbe2020, rows)).toEqual({ verified: 4, total: 47 });
    const ba = completenessOf(spbe2020, rows);
    expect(ba.verified + ba.notApplicable).toBe(4);
  });

  it('says which rows count and which not-applicable rows still miss their reason', () => {
    expect(rows.map((v) => isVerified(v))).toEqual([true, true, true, true, false, false]);
    expect(rows.map((v) => naWithoutReason(v))).toEqual([false, false, false, false, true, false]);
    expect(isVerified(undefined)).toBe(false);
  });

  it('ignores records of indicators the instrument does not have', () => {
    expect(verifiedCount(spbe2020, [verification(99, { verifiedLevel: 3 })]).verified).toBe(0);
  });
});
