import { describe, expect, it } from 'vitest';
import { UNIT_KINDS } from '../../../src/core/api/enums';
import {
  fieldLabel,
  notApplicableMessages,
  unitKindGroupLabel,
  unitKindLabel,
  unitKindMessages,
} from '../../../src/core/labels';

describe('shared labels', () => {
  it('names fields as the tablet does (level, general notes)', () => {
    expect(fieldLabel('verifiedLevel')).toEqual(['Level hasil verifikasi', 'Verified level']);
    expect(fieldLabel('selfLevel')[0]).toBe('Level penilaian mandiri');
    expect(fieldLabel('summary')).toEqual(['Catatan umum', 'General notes']);
  });

  it('abbreviates not applicable as TB in Indonesian and N/A in English, with its words', () => {
    expect(notApplicableMessages('id')).toEqual({
      na: 'TB',
      naTitle: 'tidak berlaku',
      naLong: 'TB (tidak berlaku)',
    });
    expect(notApplicableMessages('en')).toEqual({
      na: 'N/A',
      naTitle: 'not applicable',
      naLong: 'N/A (not applicable)',
    });
  });

  it('heads unit groups by kind, a kecamatan apart from the agencies', () => {
    expect(UNIT_KINDS.map((k) => unitKindGroupLabel(k))).toEqual([
      'Pemerintah Daerah',
      'Perangkat Daerah (OPD)',
      'Kecamatan',
      'Kelurahan',
    ]);
    expect(unitKindGroupLabel('opd', 'en')).toBe('Agencies (OPD)');
    expect(unitKindGroupLabel('desa')).toBe('Desa');
  });

  it('names every unit kind in both languages, an unknown kind as it is', () => {
    const id = unitKindMessages('id');
    const en = unitKindMessages('en');
    for (const k of UNIT_KINDS) {
      expect(id[`kind_${k}`]).toBeTruthy();
      expect(en[`kind_${k}`]).toBeTruthy();
    }
    expect(unitKindLabel('pemda')).toBe('pemerintah daerah');
    expect(unitKindLabel('desa', 'en')).toBe('desa');
  });
});
