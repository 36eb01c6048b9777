import { describe, expect, it } from 'vitest';
import {
  builtInFrameworks,
  computeIndex,
  listIndicators,
  parseFramework,
  planImprovement,
  spbe2020,
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
