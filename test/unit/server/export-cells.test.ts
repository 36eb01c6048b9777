import { describe, expect, it } from 'vitest';
import { pemdi2026, spbe2020 } from '../../../src/core';
import { column, csvLines, xlsxFormat, xlsxValue } from '../../../src/server/services/exports/file';
import { exportShape, predicateText } from '../../../src/server/services/exports/levels';

/** One CSV cell as the export writes a value of this kind. */
const csv = (kind: 'index' | 'decimal' | 'number', v: number) =>
  csvLines([column('x', kind, 8, (r: number) => r)])
    .row(v)
    .replace('\r\n', '');

describe('export cells', () => {
  it.each([
    [22 / 6, '3,67', 3.67],
    [7 / 6, '1,17', 1.17],
    [2.645, '2,65', 2.65],
    [3.0049, '3,00', 3],
    [1.845, '1,85', 1.85],
  ])('an index %d is written rounded half up: %s', (index, text, number) => {
    expect(csv('index', index)).toBe(text);
    expect(xlsxValue('index', index)).toBe(number);
    expect(xlsxFormat('index')).toBe('0.00');
  });

  it('writes an outside index with the digits it was published with', () => {
    expect(csv('number', 68.2)).toBe('68,2');
    expect(csv('number', 3.456)).toBe('3,456');
    expect(xlsxValue('number', 3.456)).toBe(3.456);
    expect(xlsxFormat('number')).toBeUndefined();
  });

  it('writes a decimal indicator value with two decimals', () => {
    expect(csv('decimal', 2.5)).toBe('2,50');
    expect(csv('decimal', 3)).toBe('3,00');
    expect(xlsxValue('decimal', 1.17)).toBe(1.17);
    expect(xlsxFormat('decimal')).toBe('0.00');
  });

  it('writes the predicate of the exact value, with the exact value beside a rounded figure across a band edge', () => {
    // SPBE 2020: Baik from 2,60. Exact 2,5972… shows 2,60 but is Cukup.
    expect(predicateText(spbe2020, { index: 2.5972850678733033, predicate: 'Cukup' })).toBe(
      'Cukup (2,597 — predikat dari nilai tepat)',
    );
    expect(predicateText(spbe2020, { index: 22 / 6, predicate: 'Sangat Baik' }, true)).toBe(
      'Sangat Baik (SEMENTARA)',
    );
    expect(predicateText(spbe2020, { index: null, predicate: null })).toBe('');
  });

  it('shapes the columns after the instrument', () => {
    expect(exportShape(spbe2020)).toEqual({
      values: 'int',
      levelNames: false,
      sourceValues: false,
    });
    expect(exportShape(pemdi2026)).toEqual({
      values: 'decimal',
      levelNames: true,
      sourceValues: true,
    });
  });
});

describe('consolidation rule sentence', () => {
  it('mentions outside indices only for an instrument that has them', async () => {
    const { consolidationRuleId } = await import('../../../src/server/services/city-index');
    expect(consolidationRuleId(spbe2020)).not.toMatch(/instansi lain/);
    expect(consolidationRuleId(spbe2020)).toMatch(/tidak berlaku dihitung sebagai level 1/);
    expect(consolidationRuleId(pemdi2026)).toMatch(
      /indeks instansi lain yang belum diisi dihitung 1\.$/,
    );
  });
});
