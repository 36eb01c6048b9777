import { describe, expect, it } from 'vitest';
import { fieldValue } from '../../../src/coordinator/values';

describe('a refused or conflicting value as the coordinator reads it', () => {
  it('a stage value as the value and who gave it, not as JSON', () => {
    const v = { value: 3, by: 'Verifikator Satu', at: 1796148641361 };
    expect(fieldValue('stages.dokumen', v, 'id')).toBe('level 3 — Verifikator Satu');
    expect(fieldValue('stages.interviu', { ...v, value: 2.75 }, 'en')).toBe(
      'value 2.75 — Verifikator Satu',
    );
    expect(fieldValue('stages.dokumen', { value: null, by: 'A', at: 1 }, 'id')).toBe(
      '(dikosongkan) — A',
    );
  });

  it('a file fingerprint by its first characters; levels, statuses and text as before', () => {
    const sha = 'ed3b58804ef154610c4224994c9d9dbdfcf1827172096746149c28469020697b';
    expect(fieldValue('sha256', sha, 'id')).toBe('ed3b58804ef1…');
    expect(fieldValue('verifiedLevel', 4, 'id')).toBe('level 4');
    expect(fieldValue('verifiedLevel', 2.5, 'id')).toBe('nilai 2,50');
    expect(fieldValue('status', 'sedang', 'en')).toBe('in progress');
    expect(fieldValue('notes', 'SK ada', 'id')).toBe('SK ada');
  });
});
