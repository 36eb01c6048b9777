import { describe, expect, it } from 'vitest';
import {
  builtInFrameworks,
  computeIndex,
  describeIndex,
  levelName,
  listIndicators,
  parseFramework,
  pemdi2026,
  planImprovement,
  spbe2020,
  valueFromSource,
} from '../../../src/core';
import pemdi from '../../fixtures/frameworks/pemdi-2026.json';

describe('built-in SPBE PermenPANRB 59/2020 instrument', () => {
  it('has 4 domains, 8 aspects and 47 indicators with the published weights', () => {
    expect(builtInFrameworks.map((f) => f.id)).toContain('spbe-2020');
    expect(spbe2020.groups.map((d) => [d.id, d.weight])).toEqual([
      ['D1', 13],
      ['D2', 25],
      ['D3', 16.5],
      ['D4', 45.5],
    ]);
    const aspects = spbe2020.groups.flatMap((d) => d.groups ?? []);
    expect(aspects.map((a) => a.weight)).toEqual([13, 10, 10, 5, 12, 4.5, 27.5, 18]);
    const inds = listIndicators(spbe2020);
    expect(inds.map((i) => i.no)).toEqual(Array.from({ length: 47 }, (_, i) => i + 1));
    const weightOf = (no: number) => inds.find((i) => i.no === no)?.spec.weight;
    expect([weightOf(1), weightOf(11), weightOf(21), weightOf(32), weightOf(47)]).toEqual([
      1.3, 2.5, 1.5, 2.75, 3,
    ]);
  });

  it('uses the process scale for indicators 1–31 and the service scale for 32–47', () => {
    const inds = listIndicators(spbe2020);
    expect(inds.filter((i) => i.spec.scale === 'process').map((i) => i.no)).toEqual(
      Array.from({ length: 31 }, (_, i) => i + 1),
    );
    expect(spbe2020.scales.process?.[0]).toBe('Rintisan');
    // Level 3 is "Terdefinisi" as the regulation's own table (Lampiran I, Tabel 1) is quoted;
    // "Terstandarisasi" appears only in training slides.
    expect(spbe2020.scales.process?.[2]).toBe('Terdefinisi');
    const nameOf = (no: number) => inds.find((i) => i.no === no)?.spec.name;
    expect([nameOf(13), nameOf(19)]).toEqual([
      'Keterpaduan Rencana dan Anggaran SPBE',
      'Pelaksanaan Tim Koordinasi SPBE',
    ]);
    expect(spbe2020.scales.service?.[4]).toBe('Optimalisasi');
  });

  it('gives every indicator five levels with criteria and evidence hints', () => {
    for (const ind of listIndicators(spbe2020)) {
      expect(ind.spec.levels).toHaveLength(5);
      for (const level of ind.spec.levels ?? []) {
        expect(level.criteria.length).toBeGreaterThan(20);
        expect(level.evidence.length).toBeGreaterThan(0);
      }
    }
  });

  it('has the five predicates of the regulation', () => {
    expect(spbe2020.predicates).toEqual([
      { name: 'Memuaskan', min: 4.2 },
      { name: 'Sangat Baik', min: 3.5 },
      { name: 'Baik', min: 2.6 },
      { name: 'Cukup', min: 1.8 },
      { name: 'Kurang', min: 1 },
    ]);
  });

  it('scores the regulation’s extremes and a mid vector', () => {
    const lv = (f: (no: number) => number) =>
      Object.fromEntries(listIndicators(spbe2020).map((i) => [i.no, f(i.no)]));
    expect(
      computeIndex(
        spbe2020,
        lv(() => 1),
      ),
    ).toMatchObject({ index: 1, predicate: 'Kurang' });
    expect(
      computeIndex(
        spbe2020,
        lv(() => 5),
      ),
    ).toMatchObject({ index: 5, predicate: 'Memuaskan' });
    // Domain 4 (services, 45.5 %) at 3, the rest at 2: (54.5×2 + 45.5×3)/100 = 2.455 → Cukup.
    const r = computeIndex(
      spbe2020,
      lv((no) => (no >= 32 ? 3 : 2)),
    );
    expect(r.index).toBeCloseTo(2.455, 12);
    expect(r.predicate).toBe('Cukup');
    expect(r.groups.find((g) => g.id === 'D4')?.index).toBe(3);
  });

  it('plans Cilegon-style improvement from 2.1 to 3.0 with the fewest steps', () => {
    // All at 2 → index 2.00; 3.00 needs +100 weight-levels. Heaviest steps first: the six
    // 3.00-weight services × 3 steps = 54, then 2.75-weight steps: ⌈46 / 2.75⌉ = 17 → 35 steps,
    // concentrated on 6 + ⌈17 / 3⌉ = 12 indicators.
    const levels = Object.fromEntries(listIndicators(spbe2020).map((i) => [i.no, 2]));
    const plan = planImprovement(spbe2020, levels, 3.0);
    expect(plan.reachable).toBe(true);
    // +100 weight-levels needed; the heaviest steps are the 3.00-weight services (6 × up to 3 steps).
    expect(plan.resultingIndex).toBeGreaterThanOrEqual(3);
    expect(plan.steps.length).toBe(35);
    expect(plan.indicatorsTouched).toBe(12);
  });
});

describe('a 2-level instrument (aspects → indicators)', () => {
  it('parses and scores the Pemdi 2026 sample', () => {
    const fw = parseFramework(pemdi);
    expect(fw.groups).toHaveLength(7);
    expect(listIndicators(fw)).toHaveLength(20);
    const all3 = Object.fromEntries(listIndicators(fw).map((i) => [i.no, 3]));
    expect(computeIndex(fw, all3)).toMatchObject({ index: 3, predicate: 'Baik' });
    const r = computeIndex(fw, { ...all3, 20: 1 });
    expect(r.index).toBeCloseTo((85 * 3 + 15) / 100, 12);
    // Pemdi 2026 bands differ from SPBE 2020: Baik starts at 2.5 and Memuaskan at 4.0.
    expect(r.predicate).toBe('Baik');
    expect(
      computeIndex(fw, Object.fromEntries(listIndicators(fw).map((i) => [i.no, 4]))).predicate,
    ).toBe('Memuaskan');
  });
});

describe('built-in Pemdi PermenPANRB 8/2026 instrument', () => {
  const inds = listIndicators(pemdi2026);
  const weightOf = (no: number) => inds.find((i) => i.no === no)?.spec.weight;

  it('has 7 aspects and 20 indicators with the published weights, no domains', () => {
    expect(builtInFrameworks.map((f) => f.id)).toEqual(['spbe-2020', 'pemdi-2026']);
    expect(pemdi2026.groups.map((a) => [a.id, a.weight, a.groups === undefined])).toEqual([
      ['A1', 10, true],
      ['A2', 10, true],
      ['A3', 15, true],
      ['A4', 15, true],
      ['A5', 10, true],
      ['A6', 15, true],
      ['A7', 25, true],
    ]);
    expect(inds.map((i) => i.no)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(inds.map((i) => i.spec.weight)).toEqual([
      5, 5, 5, 5, 5, 3, 3, 4, 4, 4, 3, 4, 5, 5, 4, 4, 4, 3, 10, 15,
    ]);
    expect(weightOf(20)).toBe(15);
  });

  it('has the Pemdi bands, one level scale, decimal values and no "not applicable"', () => {
    expect(pemdi2026.predicates).toEqual([
      { name: 'Memuaskan', min: 4 },
      { name: 'Sangat Baik', min: 3.5 },
      { name: 'Baik', min: 2.5 },
      { name: 'Cukup', min: 1.5 },
      { name: 'Kurang', min: 1 },
    ]);
    expect(pemdi2026.scales).toEqual({
      pemdi: ['Merintis', 'Membangun', 'Berkembang', 'Melembaga', 'Unggul'],
    });
    expect([pemdi2026.values, pemdi2026.notApplicable, pemdi2026.indexScale]).toEqual([
      'decimal',
      'level-1',
      'pemdi',
    ]);
    expect(levelName(pemdi2026, 20, 1.25)).toBe('Merintis');
  });

  it('values indicators 5, 6, 7 and 18 from other agencies’ indices; criteria for all 20', () => {
    expect(inds.filter((i) => i.spec.source).map((i) => i.no)).toEqual([5, 6, 7, 18]);
    for (const ind of inds) {
      expect(ind.spec.levels).toHaveLength(5);
      for (const level of ind.spec.levels ?? []) {
        expect(level.criteria.length).toBeGreaterThan(20);
        expect(level.evidence.length).toBeGreaterThan(0);
      }
    }
    for (const ind of inds) {
      const src = ind.spec.source;
      if (!src) continue;
      const lo = src.range?.min ?? 1;
      const hi = src.range?.max ?? 5;
      // Every raw value in range maps to a value 1–5; out of range is refused, not guessed.
      expect(valueFromSource(src, lo)).toBeGreaterThanOrEqual(1);
      expect(valueFromSource(src, hi)).toBeLessThanOrEqual(5);
      expect(valueFromSource(src, hi + 1)).toBeNull();
    }
  });

  it('scores fractional assessor values by IA = Σ(wI·NI)/wA and Index = Σ(wA·IA)/100', () => {
    const values: Record<number, number> = {};
    for (const i of inds) values[i.no] = [1.17, 1.25, 1.5, 2.5, 1.26][i.no % 5] as number;
    const r = computeIndex(pemdi2026, values);
    let total = 0;
    for (const a of pemdi2026.groups) {
      const ia =
        (a.indicators ?? []).reduce((s, i) => s + i.weight * (values[i.no] as number), 0) /
        a.weight;
      expect(r.groups.find((g) => g.id === a.id)?.index).toBeCloseTo(ia, 12);
      total += a.weight * ia;
    }
    expect(r.index).toBeCloseTo(total / 100, 12);
    const shown = describeIndex(pemdi2026, r.index, 'id', r.predicate);
    expect(shown.value).toBe((Math.round(total + 1e-9) / 100).toFixed(2).replace('.', ','));
    expect(shown.levelName).toBe('Merintis');
    // A missing outside index counts as 1 once anything is assessed.
    const missing = computeIndex(pemdi2026, { ...values, 5: null, 6: null });
    expect(missing.missingSourceAsLevel1).toBe(2);
    // The internal figure only differs in not-applicable indicators, not in this rule.
    expect(
      computeIndex(pemdi2026, { ...values, 5: null, 6: null }, { rule: 'internal' }).index,
    ).toBe(missing.index);
    expect(missing.index).toBeCloseTo(
      (total - 5 * (values[5] as number) - 3 * (values[6] as number) + 5 + 3) / 100,
      12,
    );
  });
});
