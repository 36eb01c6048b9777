import { createHash } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  BLANK,
  closingSentence,
  commentedIndicators,
  dayAndDate,
  isProvisional,
  latestCoordinatorComment,
  openingClose,
  openingLead,
  printedResults,
} from '../../../src/app/lib/berita-acara';
import {
  completenessOf,
  currentSigningState,
  groupedDigest,
  recordDigest,
  resultsDigest,
  sha256Hex,
  signingChanges,
} from '../../../src/app/lib/signing';
import { signatureStale, signingInput, spbe2020 } from '../../../src/core';
import type { BeritaAcara, Comment, Verification } from '../../../src/store';
import { verificationRecord } from '../../helpers/records';

const A = 'a-1';
// Monday 30 November 2026, 09.06 in Jakarta (UTC+7).
const SIGNED_AT = Date.UTC(2026, 10, 30, 2, 6);
const PNG = 'data:image/png;base64,iVBORw0KGgo=';

function verification(no: number, over: Partial<Verification> = {}): Verification {
  return verificationRecord(A, no, over);
}

function beritaAcara(over: Partial<BeritaAcara> = {}): BeritaAcara {
  return {
    id: `${A}:ba`,
    assessmentId: A,
    verifierName: 'Verifikator Satu',
    verifierRole: 'Verifikator Diskominfo',
    verifierSignature: PNG,
    verifierNip: '19800101 200501 2 001',
    representativeName: 'Lurah Bulakan',
    representativeRole: 'Lurah',
    representativeSignature: PNG,
    representativeNip: '',
    place: 'Kantor Kelurahan Bulakan',
    signedAt: null,
    summary: '',
    partial: false,
    signedDigest: null,
    signedResults: null,
    ...over,
  } as BeritaAcara;
}

describe('the words of the berita acara', () => {
  it('opens with day, date and place in the tablet’s time zone, or blanks for a draft', () => {
    const tz = process.env.TZ;
    // The tablet's own zone names the day: a tablet in Cilegon is on Western Indonesia Time.
    process.env.TZ = 'Asia/Jakarta';
    onTestFinished(() => {
      process.env.TZ = tz;
    });
    expect(dayAndDate('id', SIGNED_AT)).toEqual({ day: 'Senin', date: '30 November 2026' });
    expect(openingLead('id', { signedAt: SIGNED_AT, place: 'Kantor Kelurahan Bulakan' })).toBe(
      'Pada hari ini, Senin tanggal 30 November 2026, bertempat di Kantor Kelurahan Bulakan, kami yang bertanda tangan di bawah ini:',
    );
    expect(openingLead('en', { signedAt: SIGNED_AT, place: 'Aula' })).toBe(
      'On this day, Monday 30 November 2026, at Aula, we the undersigned:',
    );
    expect(openingLead('id', { signedAt: null, place: '  ' })).toBe(
      `Pada hari ini, ${BLANK} tanggal ${BLANK}, bertempat di ${BLANK}, kami yang bertanda tangan di bawah ini:`,
    );
  });

  it('says what was verified, and a partial verification in capitals with its count', () => {
    const p = { unit: 'Kelurahan Bulakan', period: 'Evaluasi SPBE 2023', framework: 'SPBE 2020' };
    expect(openingClose('id', { ...p, partial: false, verified: 47, total: 47 })).toBe(
      'telah melakukan verifikasi atas penilaian mandiri Kelurahan Bulakan pada Evaluasi SPBE 2023 dengan instrumen SPBE 2020, dengan hasil sebagai berikut.',
    );
    expect(openingClose('id', { ...p, partial: true, verified: 2, total: 47 })).toContain(
      'VERIFIKASI SEBAGIAN: 2 dari 47 indikator diverifikasi',
    );
    expect(openingClose('en', { ...p, partial: true, verified: 2, total: 47 })).toContain(
      'PARTIAL VERIFICATION: 2 of 47',
    );
    expect(closingSentence('id')).toMatch(/^Demikian berita acara ini dibuat/);
  });

  it('marks a predikat provisional when partial or incomplete', () => {
    expect(isProvisional({ partial: false, complete: true })).toBe(false);
    expect(isProvisional({ partial: true, complete: true })).toBe(true);
    expect(isProvisional({ partial: false, complete: false })).toBe(true);
  });

  it('lists the commented indicators and the coordinator’s latest overall comment of a kind', () => {
    const vs = [
      verification(7, { reviewComment: 'Foto buram' }),
      verification(2, { reviewComment: '  ' }),
      verification(3, { reviewComment: 'SK belum ada' }),
    ];
    expect(commentedIndicators(vs)).toEqual([3, 7]);
    const comment = (over: Partial<Comment>): Comment =>
      ({
        id: String(over.createdAt),
        assessmentId: A,
        indicatorNo: null,
        body: '',
        author: 'Koordinator',
        createdAt: 0,
        kind: 'return',
        ...over,
      }) as Comment;
    const comments = [
      comment({ createdAt: 1, body: 'lama' }),
      comment({ createdAt: 3, body: 'baru' }),
      comment({ createdAt: 5, body: 'pada indikator', indicatorNo: 4 }),
      comment({ createdAt: 9, body: 'dibuka', kind: 'reopen' }),
    ];
    expect(latestCoordinatorComment(comments, 'return')?.body).toBe('baru');
    expect(latestCoordinatorComment(comments, 'reopen')?.body).toBe('dibuka');
    expect(latestCoordinatorComment([], 'return')).toBeNull();
  });

  it('prints the signed snapshot while the signing holds, else today’s results', () => {
    const today = [verification(1, { verifiedLevel: 4, notes: 'baru' })];
    const snapshot = {
      results: [{ no: 1, verifiedLevel: 2, notApplicable: false, naReason: '', notes: 'lama' }],
    };
    expect(printedResults(true, snapshot, today).get(1)).toMatchObject({
      verifiedLevel: 2,
      notes: 'lama',
    });
    expect(printedResults(false, snapshot, today).get(1)).toMatchObject({
      verifiedLevel: 4,
      notes: 'baru',
    });
  });
});

describe('signing on the tablet', () => {
  it('hashes with crypto.subtle exactly as node:crypto does', async () => {
    const text = 'Berita acara — Kelurahan Bulakan';
    expect(await sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    expect(groupedDigest('0123456789abcdef')).toBe('0123 4567 89ab cdef');
  });

  it('digests core’s signing input, signature data URLs entering as their hashes', async () => {
    const ba = beritaAcara();
    const vs = [verification(1, { verifiedLevel: 3, notes: 'SK ada' })];
    const png = createHash('sha256').update(PNG).digest('hex');
    const expected = createHash('sha256')
      .update(
        signingInput({
          results: [
            { no: 1, verifiedLevel: 3, notApplicable: false, naReason: '', notes: 'SK ada' },
          ],
          verifierName: 'Verifikator Satu',
          verifierRole: 'Verifikator Diskominfo',
          verifierNip: '19800101 200501 2 001',
          verifierSignatureSha256: png,
          representativeName: 'Lurah Bulakan',
          representativeRole: 'Lurah',
          representativeNip: '',
          representativeSignatureSha256: png,
          place: 'Kantor Kelurahan Bulakan',
          signedAt: SIGNED_AT,
          partial: true,
        }),
      )
      .digest('hex');
    expect(await recordDigest(ba, vs, { signedAt: SIGNED_AT, partial: true })).toBe(expected);
  });

  it('signs a version that holds until a result, a signatory or a signature changes', async () => {
    const vs = [verification(1, { verifiedLevel: 3 })];
    const unsigned = beritaAcara();
    expect(await currentSigningState(unsigned, vs)).toBe('unsigned');
    const changes = await signingChanges(spbe2020, unsigned, vs, SIGNED_AT, true);
    expect(changes.signedResults).toMatchObject({
      verified: 1,
      total: 47,
      index: 3,
      predicate: 'Baik',
    });
    const signed = beritaAcara({ ...changes });
    expect(await currentSigningState(signed, vs)).toBe('signed');
    expect(await currentSigningState(signed, [verification(1, { verifiedLevel: 4 })])).toBe('void');
    expect(await currentSigningState({ ...signed, verifierNip: '1' }, vs)).toBe('void');
    expect(await currentSigningState({ ...signed, representativeSignature: null }, vs)).toBe(
      'void',
    );
    // A verification record without any result changes nothing (the other end may lack it).
    expect(await currentSigningState(signed, [...vs, verification(9)])).toBe('signed');
  });

  it('re-signs changed results only with signatures drawn over them, never the voided version’s', async () => {
    // Signed at 2,75-like figures: both signatures drawn over indicator 1 at level 3.
    const before = [verification(1, { verifiedLevel: 3 })];
    const drawn = await resultsDigest(before);
    const first = beritaAcara({ verifierSignedOver: drawn, representativeSignedOver: drawn });
    const signed = beritaAcara({
      ...first,
      ...(await signingChanges(spbe2020, first, before, SIGNED_AT, true)),
    });
    expect(await currentSigningState(signed, before)).toBe('signed');

    // Indicator 1 changed: void, and both stored signatures are stale for the new figures.
    const after = [verification(1, { verifiedLevel: 4 })];
    expect(await currentSigningState(signed, after)).toBe('void');
    const now = await resultsDigest(after);
    expect(signatureStale(signed.verifierSignature, signed.verifierSignedOver, now)).toBe(true);
    expect(
      signatureStale(signed.representativeSignature, signed.representativeSignedOver, now),
    ).toBe(true);

    // "Sign again" carrying the same signatures onto the new version does not hold.
    const carried = beritaAcara({
      ...signed,
      ...(await signingChanges(spbe2020, signed, after, SIGNED_AT + 8 * 60_000, true)),
    });
    expect(await currentSigningState(carried, after)).toBe('void');

    // Both persons sign again over the new figures: it holds.
    const PNG2 = 'data:image/png;base64,iVBORw0KGgoAAAA=';
    const redrawn = beritaAcara({
      ...signed,
      verifierSignature: PNG2,
      verifierSignedOver: now,
      representativeSignature: PNG2,
      representativeSignedOver: now,
    });
    expect(signatureStale(redrawn.verifierSignature, redrawn.verifierSignedOver, now)).toBe(false);
    const resigned = beritaAcara({
      ...redrawn,
      ...(await signingChanges(spbe2020, redrawn, after, SIGNED_AT + 9 * 60_000, true)),
    });
    expect(await currentSigningState(resigned, after)).toBe('signed');
    // Only one of them signed again: still void.
    expect(
      await currentSigningState(
        beritaAcara({
          ...resigned,
          representativeSignature: PNG,
          representativeSignedOver: drawn,
          ...(await signingChanges(
            spbe2020,
            { ...resigned, representativeSignature: PNG, representativeSignedOver: drawn },
            after,
            SIGNED_AT + 10 * 60_000,
            true,
          )),
        }),
        after,
      ),
    ).toBe('void');
  });

  it('counts what signing still waits for over the instrument', () => {
    const done = completenessOf(spbe2020, [
      verification(1, { verifiedLevel: 2 }),
      verification(2, { notApplicable: true, naReason: 'Tidak ada pusat data' }),
      verification(3, { notApplicable: true }),
    ]);
    expect(done).toMatchObject({ total: 47, verified: 1, notApplicable: 1, complete: false });
    expect(done.missingReason).toEqual([3]);
    expect(done.missing).toHaveLength(44);
  });
});
