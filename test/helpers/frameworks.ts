import type { Framework, GroupSpec } from '../../src/core';

/** A small valid 3-level instrument for tests: 2 domains, 3 aspects, 5 indicators, weights sum to 10. */
export function tinyFramework(): Framework {
  return {
    id: 'mini',
    version: '1',
    name: 'Instrumen mini',
    basis: 'Uji',
    scales: { process: ['R', 'Tk', 'Td', 'TT', 'O'] },
    predicates: [
      { name: 'Memuaskan', min: 4.2 },
      { name: 'Sangat Baik', min: 3.5 },
      { name: 'Baik', min: 2.6 },
      { name: 'Cukup', min: 1.8 },
      { name: 'Kurang', min: 1 },
    ],
    groups: [
      {
        id: 'D1',
        name: 'Domain satu',
        weight: 4,
        groups: [
          { id: 'A1', name: 'Aspek satu', weight: 4, indicators: [ind(1, 1.5), ind(2, 2.5)] },
        ],
      },
      {
        id: 'D2',
        name: 'Domain dua',
        weight: 6,
        groups: [
          { id: 'A2', name: 'Aspek dua', weight: 3, indicators: [ind(3, 3)] },
          { id: 'A3', name: 'Aspek tiga', weight: 3, indicators: [ind(4, 1), ind(5, 2)] },
        ],
      },
    ],
  };
}

/** A 2-level instrument (aspects → indicators) built from a list of indicator weights per aspect. */
export function flatFramework(
  aspects: number[][],
  predicates = tinyFramework().predicates,
): Framework {
  let no = 0;
  const groups: GroupSpec[] = aspects.map((weights, a) => ({
    id: `A${a + 1}`,
    name: `Aspek ${a + 1}`,
    weight: Number(weights.reduce((s, w) => s + w, 0).toFixed(6)),
    indicators: weights.map((w) => ind(++no, w)),
  }));
  return {
    id: 'flat',
    version: '1',
    name: 'Datar',
    basis: 'Uji',
    scales: { process: ['1', '2', '3', '4', '5'] },
    predicates,
    groups,
  };
}

export function ind(no: number, weight: number) {
  return { no, name: `Indikator ${no}`, weight, scale: 'process' };
}
