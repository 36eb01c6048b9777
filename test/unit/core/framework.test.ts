import { describe, expect, it } from 'vitest';
import {
  FrameworkError,
  parseFramework,
  serializeFramework,
  valueDomainOf,
  valueFromSource,
} from '../../../src/core';
import { tinyFramework } from '../../helpers/frameworks';

function problemsOf(json: unknown) {
  try {
    parseFramework(json);
  } catch (e) {
    expect(e).toBeInstanceOf(FrameworkError);
    return (e as FrameworkError).problems;
  }
  throw new Error('expected the instrument to be refused');
}

describe('parseFramework', () => {
  it('accepts a valid 3-level instrument and returns it typed', () => {
    const fw = parseFramework(tinyFramework());
    expect(fw.groups[0]?.groups?.[0]?.indicators?.[1]?.weight).toBe(2.5);
  });

  it('explains weights that do not add up to the parent, naming the group', () => {
    const fw = tinyFramework();
    const aspect = fw.groups[0]?.groups?.[0];
    if (aspect?.indicators?.[0]) aspect.indicators[0].weight = 1.4;
    const problems = problemsOf(fw);
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'weight_sum', where: 'kelompok "D1" › kelompok "A1"' }),
    );
    expect(problems[0]?.message).toMatch(
      /bobot kelompok 4 tidak sama dengan jumlah bobot indikatornya \(3\.9\)/,
    );
  });

  it('treats 0.1 + 0.2 style float sums as equal (weights within 1e-9)', () => {
    const fw = tinyFramework();
    const a3 = fw.groups[1]?.groups?.[1];
    if (a3?.indicators) {
      a3.weight = 0.3;
      a3.indicators[0] = { ...a3.indicators[0], weight: 0.1 } as (typeof a3.indicators)[0];
      a3.indicators[1] = { ...a3.indicators[1], weight: 0.2 } as (typeof a3.indicators)[0];
    }
    if (fw.groups[1]) fw.groups[1].weight = 3.3;
    expect(() => parseFramework(fw)).not.toThrow();
  });

  it('refuses duplicate indicator numbers', () => {
    const fw = tinyFramework();
    const ind = fw.groups[1]?.groups?.[1]?.indicators?.[0];
    if (ind) ind.no = 2;
    expect(problemsOf(fw)).toContainEqual(
      expect.objectContaining({
        code: 'duplicate_indicator',
        message: expect.stringContaining('nomor indikator 2 sudah dipakai'),
      }),
    );
  });

  it('refuses predicate bands that overlap, are out of order, or leave gaps', () => {
    const overlap = tinyFramework();
    overlap.predicates[2] = { name: 'Baik', min: 3.5 };
    expect(problemsOf(overlap).map((p) => p.code)).toContain('band_order');

    const gapBottom = tinyFramework();
    gapBottom.predicates[4] = { name: 'Kurang', min: 1.2 };
    expect(problemsOf(gapBottom)).toContainEqual(
      expect.objectContaining({
        code: 'band_gap',
        message: expect.stringContaining('dari 1 sampai di bawah 1.2'),
      }),
    );

    const gapMax = tinyFramework();
    gapMax.predicates[3] = { name: 'Cukup', min: 1.8, max: 2.5 };
    expect(problemsOf(gapMax)).toContainEqual(
      expect.objectContaining({ code: 'band_gap', where: 'predikat "Cukup"' }),
    );

    const overlapMax = tinyFramework();
    overlapMax.predicates[3] = { name: 'Cukup', min: 1.8, max: 2.7 };
    expect(problemsOf(overlapMax).map((p) => p.code)).toContain('band_overlap');
  });

  it('refuses a level list that is not five long', () => {
    const fw = tinyFramework();
    const ind = fw.groups[0]?.groups?.[0]?.indicators?.[0];
    if (ind)
      ind.levels = [
        { criteria: 'a', evidence: [] },
        { criteria: 'b', evidence: [] },
      ];
    expect(problemsOf(fw)).toContainEqual(
      expect.objectContaining({
        code: 'level_count',
        where: 'kelompok "D1" › kelompok "A1" › indikator 1',
      }),
    );
  });

  it('refuses an unknown scale and a scale without five names', () => {
    const fw = tinyFramework();
    const ind = fw.groups[0]?.groups?.[0]?.indicators?.[0];
    if (ind) ind.scale = 'layanan';
    fw.scales.short = ['a', 'b'];
    const codes = problemsOf(fw).map((p) => p.code);
    expect(codes).toContain('unknown_scale');
    expect(codes).toContain('scale_length');
  });

  it('lists every problem at once, not only the first', () => {
    const fw = tinyFramework();
    const ind = fw.groups[0]?.groups?.[0]?.indicators?.[0];
    if (ind) ind.scale = 'x';
    fw.predicates[4] = { name: 'Kurang', min: 1.5 };
    if (fw.groups[1]) fw.groups[1].weight = 7;
    expect(
      problemsOf(fw)
        .map((p) => p.code)
        .sort(),
    ).toEqual(['band_gap', 'unknown_scale', 'weight_sum']);
  });

  it('names structural problems in coordinator words with the place they occur', () => {
    const fw = tinyFramework() as unknown as {
      groups: { groups: { indicators: Record<string, unknown>[] }[] }[];
    };
    const target = fw.groups[1]?.groups[0]?.indicators[0];
    if (target) target.weight = 'tiga';
    const problems = problemsOf(fw);
    expect(problems).toEqual([
      expect.objectContaining({
        where: 'kelompok "D2" › kelompok "A2" › indikator 3 › bobot',
        message: 'harus berupa angka',
      }),
    ]);
    expect(problemsOf({}).map((p) => p.where)).toEqual(
      expect.arrayContaining([
        'kode',
        'versi',
        'nama',
        'dasar hukum',
        'skala',
        'predikat',
        'kelompok',
      ]),
    );
    expect(problemsOf('not json object')[0]?.where).toBe('berkas instrumen');
  });

  it('refuses a group with both sub-groups and indicators, or neither', () => {
    const fw = tinyFramework();
    const d1 = fw.groups[0];
    if (d1) d1.indicators = [{ no: 9, name: 'x', weight: 1, scale: 'process' }];
    expect(problemsOf(fw).map((p) => p.code)).toContain('group_shape');
  });

  it('round-trips: parse → serialise → parse is stable', () => {
    const once = parseFramework(tinyFramework());
    const twice = parseFramework(serializeFramework(once));
    expect(twice).toEqual(once);
    expect(JSON.stringify(serializeFramework(twice))).toBe(
      JSON.stringify(serializeFramework(once)),
    );
  });

  it('reads value domains, the not-applicable rule and the index scale, with defaults', () => {
    const base = parseFramework(tinyFramework());
    expect(valueDomainOf(base, 1)).toBe('level');
    const fw = tinyFramework();
    const a3 = fw.groups[1]?.groups?.[1];
    if (a3?.indicators?.[0]) a3.indicators[0].values = 'level';
    const dec = parseFramework({ ...fw, values: 'decimal', indexScale: 'process' });
    expect(valueDomainOf(dec, 1)).toBe('decimal');
    expect(valueDomainOf(dec, 4)).toBe('level');
  });

  it('refuses a wrong value domain, an unknown index scale and a broken outside-index source, with their place', () => {
    const fw = tinyFramework() as unknown as Record<string, unknown>;
    const d1 = (
      fw.groups as Array<{ groups: Array<{ indicators: Array<Record<string, unknown>> }> }>
    )[0];
    const first = d1?.groups[0]?.indicators[0] as Record<string, unknown>;
    first.source = {
      index: 'Indeks SDI',
      agency: 'Bappenas',
      mapping: [
        { min: 50, value: 3 },
        { min: 80, value: 5 },
      ],
    };
    const problems = problemsOf({ ...fw, values: 'pecahan', indexScale: 'tidak-ada' });
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'bad_choice',
        where: 'jenis nilai',
        message: 'harus salah satu dari: level, decimal',
      }),
    );
    const problems2 = problemsOf({ ...fw, indexScale: 'tidak-ada' });
    expect(problems2.map((p) => [p.code, p.where])).toEqual(
      expect.arrayContaining([
        ['unknown_scale', 'skala indeks'],
        ['source_range', 'kelompok "D1" › kelompok "A1" › indikator 1 › sumber indeks luar'],
        [
          'band_order',
          'kelompok "D1" › kelompok "A1" › indikator 1 › sumber indeks luar › pemetaan ke-2',
        ],
      ]),
    );
    first.source = { index: 'Indeks SDI', agency: 'Bappenas', kode: 'x' };
    expect(problemsOf(fw)).toContainEqual(
      expect.objectContaining({ code: 'unknown_field', message: 'kolom tidak dikenal: kode' }),
    );
  });

  it('maps an outside index to a value, and refuses a raw value outside its range', () => {
    const src = {
      index: 'Indeks X',
      agency: 'Y',
      range: { min: 0, max: 100 },
      mapping: [
        { min: 80, value: 5 },
        { min: 60, value: 4 },
        { min: 40, value: 3 },
        { min: 20, value: 2 },
      ],
    };
    expect(valueFromSource(src, 80)).toBe(5);
    expect(valueFromSource(src, 79.9)).toBe(4);
    expect(valueFromSource(src, 5)).toBe(1);
    expect(valueFromSource(src, 101)).toBeNull();
    // Without a mapping the outside index is on 1–5 already: the value itself, two decimals.
    expect(valueFromSource({ index: 'I', agency: 'A' }, 2.345)).toBe(2.35);
    expect(valueFromSource({ index: 'I', agency: 'A' }, 0.5)).toBeNull();
  });
});

describe('outside index with linear interpolation', () => {
  it('reproduces the KemenPANRB module examples for Indeks SDI (25 → 2,00; 68,75 → 3,75)', () => {
    const sdi = {
      index: 'Indeks SDI',
      agency: 'Bappenas',
      range: { min: 0, max: 100 },
      interpolate: 'linear' as const,
      mapping: [
        { min: 100, value: 5 },
        { min: 75, value: 4 },
        { min: 62.5, value: 3.5 },
        { min: 37.5, value: 2.5 },
        { min: 12.5, value: 1.5 },
        { min: 0, value: 1 },
      ],
    };
    expect(valueFromSource(sdi, 25)).toBe(2);
    expect(valueFromSource(sdi, 68.75)).toBe(3.75);
    expect(valueFromSource(sdi, 100)).toBe(5);
    expect(valueFromSource(sdi, 0)).toBe(1);
    expect(valueFromSource({ ...sdi, interpolate: 'step' }, 68.75)).toBe(3.5);
  });
});
