import { describe, expect, it } from 'vitest';
import { describePlace } from '../../../../src/app/pwa/place';

describe('describePlace (which tab holds the input)', () => {
  it('names a unit screen by the screen and the unit in its heading', () => {
    expect(describePlace('/kerja/a/abc-1/berita-acara', ' Kelurahan\n  Sukamaju ')).toEqual({
      screen: 'beritaAcara',
      name: 'Kelurahan Sukamaju',
    });
    expect(describePlace('/latihan/a/latihan-2026-sukamaju/i/12', 'Kelurahan X')).toEqual({
      screen: 'indicator',
      no: 12,
      name: 'Kelurahan X',
    });
    expect(describePlace('/kerja/a/abc-1/ringkasan', 'Dinas Y').screen).toBe('summary');
    expect(describePlace('/kerja/a/abc-1', 'Dinas Y')).toEqual({
      screen: 'checklist',
      name: 'Dinas Y',
    });
  });

  it('names the other screens without a unit', () => {
    expect(describePlace('/', 'Unit yang ditugaskan')).toEqual({ screen: 'home' });
    expect(describePlace('/penyimpanan', 'x')).toEqual({ screen: 'storage' });
    expect(describePlace('/masuk', 'x')).toEqual({ screen: 'signIn' });
    expect(describePlace('/koordinator/unit', 'Unit')).toEqual({ screen: 'other', name: 'Unit' });
    expect(describePlace('/tidak-ada', null)).toEqual({ screen: 'other', name: undefined });
  });
});
