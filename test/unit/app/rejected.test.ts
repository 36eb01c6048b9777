import { beforeAll, describe, expect, it } from 'vitest';
import { removedCount } from '../../../src/app/lib/clean-input';
import {
  describeRejected,
  fixPath,
  shorten,
  showValue,
  VALUE_PREVIEW_CHARS,
} from '../../../src/app/lib/rejected';
import { type Rejection, spbe2020, verificationId } from '../../../src/core';
import type { RejectedChange } from '../../../src/store';
import { formatBytes } from '../../../src/ui/format';
import { loadEnglish } from '../../../src/ui/i18n';

const ASSESSMENT = 'a-1';

function entry(
  changes: Record<string, unknown>,
  rejection: Partial<Rejection> = {},
  entity: RejectedChange['mutation']['entity'] = 'verification',
): RejectedChange {
  const at = Date.UTC(2024, 4, 6, 9, 30);
  return {
    id: 'dev-1:7',
    deviceId: 'dev-1',
    seq: 7,
    mutation: {
      deviceId: 'dev-1',
      seq: 7,
      entity,
      id: verificationId(ASSESSMENT, 1),
      changes,
      baseVersions: {},
      hlc: '0000000000001:0000:dev-1',
      at,
    },
    assessmentId: ASSESSMENT,
    indicatorNo: entity === 'verification' ? 1 : null,
    rejection: {
      code: 'not_assigned',
      message: 'Unit "Kelurahan Bulakan" tidak (lagi) ditugaskan kepada Anda.',
      messageEn: 'The unit "Kelurahan Bulakan" is not (or no longer) assigned to you.',
      entity,
      recordId: verificationId(ASSESSMENT, 1),
      assessmentId: ASSESSMENT,
      unitId: 'u-1',
      unitName: 'Kelurahan Bulakan',
      indicatorNo: entity === 'verification' ? 1 : null,
      field: null,
      at,
      retryable: true,
      ...rejection,
    },
    rejectedAt: at,
  };
}

// The tablet's English texts are a chunk the app loads after its first paint.
beforeAll(() => loadEnglish());

describe('the "Ditolak server" list describes a refused change in words', () => {
  it('leaves out the ids that place the record (shown as unit and indicator already), unless the refusal is about one', () => {
    // A verifier's first edit of an indicator carries its identity fields too.
    const first = entry({ assessmentId: ASSESSMENT, indicatorNo: 1, notes: 'SK ada' });
    expect(
      describeRejected(first, { unitName: null, framework: spbe2020 }, 'id').fields.map(
        (f) => f.label,
      ),
    ).toEqual(['Catatan']);
    const aboutId = entry({ indicatorNo: 1, notes: 'x' }, { field: 'indicatorNo' });
    expect(
      describeRejected(aboutId, { unitName: null, framework: spbe2020 }, 'id').fields.map(
        (f) => f.label,
      ),
    ).toEqual(['Nomor indikator', 'Catatan']);
  });

  it('names the unit, the indicator by number and name, the field and the value sent, with the reason in the locale', () => {
    const long = `SK Tim SPBE ${'ditandatangani camat '.repeat(10)}`;
    const e = entry({ notes: long, verifiedLevel: 3 });
    const id = describeRejected(e, { unitName: null, framework: spbe2020 }, 'id');
    const indicator1 = spbe2020.groups[0]?.groups?.[0]?.indicators?.[0]?.name;
    expect(indicator1).toBeTruthy();
    expect(id).toMatchObject({
      unitName: 'Kelurahan Bulakan',
      indicatorNo: 1,
      indicatorName: indicator1,
      reason: 'Unit "Kelurahan Bulakan" tidak (lagi) ditugaskan kepada Anda.',
      canRetry: true,
    });
    expect(id.fields.map((f) => f.label)).toEqual(['Catatan', 'Level hasil verifikasi']);
    expect(id.fields[0]?.value.endsWith('…')).toBe(true);
    expect([...(id.fields[0]?.value ?? '')].length).toBe(VALUE_PREVIEW_CHARS);
    expect(id.fields[1]?.value).toBe('level 3');

    const en = describeRejected(e, { unitName: null, framework: spbe2020 }, 'en');
    expect(en.reason).toBe('The unit "Kelurahan Bulakan" is not (or no longer) assigned to you.');
    expect(en.fields.map((f) => f.label)).toEqual(['Notes', 'Verified level']);
    expect(fixPath(en)).toBe(`/kerja/a/${ASSESSMENT}/i/1`);
  });

  it('puts the field the server named first, and offers "Kirim ulang" only where sending again can help', () => {
    const bad = entry(
      { verifiedLevel: 2, notes: 'x' },
      { code: 'validation_failed', field: 'notes', retryable: false },
    );
    const v = describeRejected(bad, { unitName: 'Unit', framework: null }, 'id');
    expect(v.fields[0]?.field).toBe('notes');
    expect(v.canRetry).toBe(true); // fixable here, then sent again
    const immutable = entry({ indicatorNo: 2 }, { code: 'immutable_field', retryable: false });
    expect(describeRejected(immutable, { unitName: null, framework: null }, 'id').canRetry).toBe(
      false,
    );
  });

  it('a refused berita acara change opens the berita acara; a status change opens the unit', () => {
    const ba = entry({ place: 'Cilegon' }, {}, 'beritaAcara');
    expect(fixPath(describeRejected(ba, { unitName: null, framework: null }, 'id'))).toBe(
      `/kerja/a/${ASSESSMENT}/berita-acara`,
    );
    const status = entry({ status: 'sedang' }, {}, 'assessment');
    expect(fixPath(describeRejected(status, { unitName: null, framework: null }, 'id'))).toBe(
      `/kerja/a/${ASSESSMENT}`,
    );
  });
});

describe('values as a person reads them', () => {
  it('checks, signatures, empty values, booleans and times', () => {
    expect(showValue('checks.3.0', { state: 'missing', note: 'SK belum ada' }, 'id')).toBe(
      'Tidak ada — SK belum ada',
    );
    expect(showValue('checks.3.0', { state: null, note: '' }, 'en')).toBe('not judged');
    expect(showValue('verifierSignature', 'data:image/png;base64,AAAA', 'id')).toBe(
      '(tanda tangan)',
    );
    expect(showValue('notes', null, 'id')).toBe('(dikosongkan)');
    expect(showValue('notes', '', 'en')).toBe('(cleared)');
    expect(showValue('notApplicable', true, 'id')).toBe('ya');
    expect(showValue('status', 'sedang', 'en')).toBe('in progress');
    expect(showValue('signedAt', Date.UTC(2024, 4, 6, 3), 'en')).toBe('6 May 2024, 10:00 WIB');
    // In the organisation's zone, with its label: a Pemda in Papua reads its own clock.
    expect(showValue('signedAt', Date.UTC(2024, 4, 6, 3), 'id', 'WIT')).toBe(
      '6 Mei 2024, 12.00 WIT',
    );
    // A broken clock's value is shown as a number, never as "Invalid Date".
    expect(showValue('signedAt', 8.7e15, 'id')).toBe('8700000000000000');
  });

  it('stage values, file sizes, image sizes and fingerprints in words, never as JSON', () => {
    const at = Date.UTC(2026, 11, 1, 11, 8);
    const stage = showValue('stages.dokumen', { value: 3.25, by: 'Verifikator Satu', at }, 'id');
    expect(stage).toBe('3,25 — Verifikator Satu, 1 Des 2026, 18.08 WIB');
    expect(stage).not.toContain('{');
    expect(showValue('stages.dokumen', { value: 3.25, by: 'Verifikator Satu', at }, 'en')).toMatch(
      /^3\.25 — Verifikator Satu, /,
    );
    expect(showValue('bytes', 11306, 'id')).toBe(formatBytes(11306, 'id'));
    expect(showValue('bytes', 11306, 'id')).not.toBe('11306');
    expect(showValue('width', 320, 'en')).toBe('320 px');
    expect(
      showValue('sha256', 'ed3b58804ef154610c4224994c9d9dbdfcf1827172096746149c28469020697b', 'id'),
    ).toBe('ed3b58804ef1…');
  });

  it('shortening never cuts an emoji in half', () => {
    const s = `${'a'.repeat(78)}😀😀😀`;
    const out = shorten(s);
    expect(out).toBe(`${'a'.repeat(78)}😀…`);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false);
  });
});

describe('cleaning pasted text', () => {
  it('counts the characters the server would refuse', () => {
    expect(removedCount('Perwali\u0000 No. 12\u0000')).toBe(2);
    expect(removedCount('a\uD800b\u0007c')).toBe(2);
    expect(removedCount('tab\tand\nlines\r\n stay')).toBe(0);
    // NFC alone is not a removal (the store normalises, silently).
    expect(removedCount('Cafe\u0301')).toBe(0);
  });
});
