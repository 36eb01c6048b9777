import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_STATUSES,
  COORDINATOR_STATUSES,
  completeness,
  DECISION_STATUS,
  decisionAllowed,
  decisionOf,
  ENTITY_FIELDS,
  listIndicators,
  RECORD_DEFAULTS,
  recordStateOf,
  type SigningRecord,
  type SigningResult,
  STATUS_STATE,
  signedResultsOf,
  signingInput,
  signingRefusal,
  signingState,
  spbe2020,
  statusAfterSigning,
  tabletMayEdit,
  tabletMayMove,
  tabletWriteRefusal,
} from '../../../src/core';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const result = (no: number, over: Partial<SigningResult> = {}): SigningResult => ({
  no,
  verifiedLevel: 3,
  notApplicable: false,
  naReason: '',
  notes: '',
  ...over,
});

const record = (over: Partial<SigningRecord> = {}): SigningRecord => ({
  results: [result(1), result(2, { verifiedLevel: 4, notes: 'SK ada' })],
  verifierName: 'Verifikator Satu',
  verifierRole: 'Verifikator',
  verifierNip: '19800101 200501 1 001',
  verifierSignatureSha256: sha('data:image/png;base64,AAAA'),
  representativeName: 'Lurah Bulakan',
  representativeRole: 'Lurah',
  representativeNip: '',
  representativeSignatureSha256: sha('data:image/png;base64,BBBB'),
  place: 'Bulakan',
  signedAt: Date.UTC(2024, 10, 30, 2, 6),
  partial: false,
  ...over,
});

describe('record states: one status list, each standing for one state', () => {
  it('maps every status to a state, the two new ones included', () => {
    for (const s of ASSESSMENT_STATUSES) expect(STATUS_STATE[s]).toBeDefined();
    expect(recordStateOf('dibuka')).toBe('draft');
    expect(recordStateOf('diperbaiki')).toBe('resigned');
    expect(recordStateOf('disetujui')).toBe('approved');
    expect(recordStateOf('dikembalikan')).toBe('returned');
    expect(recordStateOf('terkirim')).toBe('signed');
    expect(recordStateOf('ngawur')).toBe('draft');
  });

  it('keeps approve, return and reopen for the coordinator', () => {
    expect([...COORDINATOR_STATUSES].sort()).toEqual(['dibuka', 'dikembalikan', 'disetujui']);
    for (const s of COORDINATOR_STATUSES)
      expect(tabletWriteRefusal('assessment', 'status', s, true)).toBe('field_not_writable');
    expect(tabletWriteRefusal('assessment', 'status', 'diperbaiki', true)).toBeNull();
  });

  it('locks the tablet out of an approved record only', () => {
    for (const s of ASSESSMENT_STATUSES) expect(tabletMayEdit(s)).toBe(s !== 'disetujui');
    expect(tabletMayMove('disetujui', 'sedang')).toBe(false);
    expect(tabletMayMove('dibuka', 'sedang')).toBe(true);
    expect(tabletMayMove('sedang', 'disetujui')).toBe(false);
    expect(tabletMayMove('dikembalikan', 'diperbaiki')).toBe(true);
  });

  it('signs to selesai the first time and to diperbaiki after a return or reopening', () => {
    expect(statusAfterSigning('belum')).toBe('selesai');
    expect(statusAfterSigning('sedang')).toBe('selesai');
    expect(statusAfterSigning('selesai')).toBe('selesai');
    expect(statusAfterSigning('dikembalikan')).toBe('diperbaiki');
    expect(statusAfterSigning('diperbaiki')).toBe('diperbaiki');
    expect(statusAfterSigning('dibuka')).toBe('diperbaiki');
    expect(statusAfterSigning('disetujui')).toBeNull();
  });

  it('allows each decision from its states only', () => {
    expect(decisionAllowed('selesai', 'approve')).toBe(true);
    expect(decisionAllowed('diperbaiki', 'return')).toBe(true);
    expect(decisionAllowed('disetujui', 'return')).toBe(true);
    expect(decisionAllowed('sedang', 'approve')).toBe(false);
    expect(decisionAllowed('dibuka', 'approve')).toBe(false);
    expect(decisionAllowed('disetujui', 'reopen')).toBe(true);
    expect(decisionAllowed('dikembalikan', 'reopen')).toBe(false);
    expect(DECISION_STATUS.reopen).toBe('dibuka');
    expect(decisionOf('dikembalikan')).toBe('return');
    expect(decisionOf('diperbaiki')).toBeNull();
  });
});

describe('berita acara fields', () => {
  it('defaults the signing lock to unsigned, complete-only, no NIP', () => {
    expect(RECORD_DEFAULTS.beritaAcara).toMatchObject({
      verifierNip: '',
      representativeNip: '',
      partial: false,
      signedDigest: null,
      signedResults: null,
    });
    expect(RECORD_DEFAULTS.comment).toMatchObject({ kind: 'verifier' });
  });

  it('accepts an 18-digit NIP written with spaces and refuses a long one', () => {
    const nip = ENTITY_FIELDS.beritaAcara.verifierNip;
    expect(nip.safeParse('19800101 200501 1 001').success).toBe(true);
    expect(nip.safeParse('1'.repeat(31)).success).toBe(false);
  });

  it('lets a tablet write only verifier comments', () => {
    expect(tabletWriteRefusal('comment', 'kind', 'verifier', false)).toBeNull();
    expect(tabletWriteRefusal('comment', 'kind', 'return', false)).toBe('field_not_writable');
    expect(tabletWriteRefusal('comment', 'kind', 'verifier', true)).toBe('immutable_field');
  });
});

describe('signing input and state', () => {
  it('is the same text whatever the order of results and without empty ones', () => {
    const a = signingInput(record());
    const b = signingInput(
      record({
        results: [
          result(2, { verifiedLevel: 4, notes: 'SK ada' }),
          result(7, { verifiedLevel: null }),
          result(1),
        ],
      }),
    );
    expect(b).toBe(a);
    expect(a.startsWith('telusur-berita-acara-v1|')).toBe(true);
  });

  it('normalises text so the same name typed as NFD signs equally', () => {
    const nfc = signingInput(record({ place: 'Kecamatan Bulakan Café' }));
    const nfd = signingInput(record({ place: 'Kecamatan Bulakan Café'.normalize('NFD') }));
    expect(nfd).toBe(nfc);
  });

  it('changes with every result, signatory, signature, place, time and partial', () => {
    const base = signingInput(record());
    const variants: Partial<SigningRecord>[] = [
      {
        results: [
          result(1, { verifiedLevel: 4 }),
          result(2, { verifiedLevel: 4, notes: 'SK ada' }),
        ],
      },
      { results: [result(1, { notes: 'x' }), result(2, { verifiedLevel: 4, notes: 'SK ada' })] },
      {
        results: [
          result(1, { notApplicable: true, naReason: 'tidak ada layanan' }),
          result(2, { verifiedLevel: 4, notes: 'SK ada' }),
        ],
      },
      { verifierName: 'Verifikator Dua' },
      { verifierRole: 'Ketua tim' },
      { verifierNip: '19800101 200501 1 002' },
      { verifierSignatureSha256: null },
      { representativeName: 'Sekretaris Lurah' },
      { representativeRole: 'Sekretaris' },
      { representativeNip: '1' },
      { representativeSignatureSha256: sha('data:image/png;base64,CCCC') },
      { place: 'Kantor Lurah' },
      { signedAt: Date.UTC(2024, 10, 30, 2, 7) },
      { partial: true },
    ];
    for (const v of variants) expect(signingInput(record(v))).not.toBe(base);
  });

  it('derives unsigned, signed and void from the stored and current digests', () => {
    const digest = sha(signingInput(record()));
    expect(signingState(null, digest)).toBe('unsigned');
    expect(signingState({ signedAt: null, signedDigest: null }, digest)).toBe('unsigned');
    expect(signingState({ signedAt: 1, signedDigest: null }, digest)).toBe('unsigned');
    expect(signingState({ signedAt: 1, signedDigest: digest }, digest)).toBe('signed');
    const changed = sha(signingInput(record({ verifierSignatureSha256: null })));
    expect(signingState({ signedAt: 1, signedDigest: digest }, changed)).toBe('void');
  });
});

describe('completeness before signing', () => {
  const nos = [1, 2, 3, 4];

  it('counts verified and not applicable with a reason; lists what is missing', () => {
    const c = completeness(nos, [
      result(1),
      result(2, { verifiedLevel: null, notApplicable: true, naReason: 'Tidak ada' }),
      result(3, { verifiedLevel: null, notApplicable: true, naReason: '  ' }),
      result(9),
    ]);
    expect(c).toEqual({
      total: 4,
      verified: 1,
      notApplicable: 1,
      missing: [4],
      missingReason: [3],
      complete: false,
    });
    expect(signingRefusal(c, false)).toBe('incomplete');
    expect(signingRefusal(c, true)).toBeNull();
  });

  it('is complete when every indicator is done', () => {
    const c = completeness(
      nos,
      nos.map((no) => result(no)),
    );
    expect(c.complete).toBe(true);
    expect(signingRefusal(c, false)).toBeNull();
  });

  it('snapshots the signed results with their index and predikat', () => {
    const all = listIndicators(spbe2020).map((i) => result(i.no));
    const full = signedResultsOf(spbe2020, all);
    expect(full.total).toBe(47);
    expect(full.verified).toBe(47);
    expect(full.index).toBe(3);
    expect(full.predicate).toBeTruthy();
    const one = signedResultsOf(spbe2020, [result(1), result(2, { verifiedLevel: null })]);
    expect(one.results.map((r) => r.no)).toEqual([1]);
    expect(one.verified).toBe(1);
    expect(ENTITY_FIELDS.beritaAcara.signedResults.safeParse(full).success).toBe(true);
  });
});
