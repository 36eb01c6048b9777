import { describe, expect, it } from 'vitest';
import { listIndicators, pemdi2026 } from '../../../src/core';
import {
  compareIndicators,
  countActions,
  indexChange,
} from '../../../src/server/services/history.service';

/**
 * The index history's pure rules: indicator changes exact to the hundredth and sorted by
 * size, changes of exact indices without float noise, actions counted by display status.
 */
describe('index history rules', () => {
  const nos = listIndicators(pemdi2026).map((i) => i.no);

  it('compares decimal values exactly, largest change first, and skips indicators missing a value', () => {
    const from = {
      [nos[0] as number]: 1.1,
      [nos[1] as number]: 2,
      [nos[2] as number]: 3,
      [nos[3] as number]: 1.5,
    };
    const to = {
      [nos[0] as number]: 1.3,
      [nos[1] as number]: 2.75,
      [nos[2] as number]: 2.5,
      [nos[4] as number]: 2,
    };
    const r = compareIndicators(pemdi2026, from, to);
    // 1,3 − 1,1 is 0,2 exactly (as floats it is 0,2000000000000002).
    expect(r.rose.map((x) => [x.no, x.change])).toEqual([
      [nos[1], 0.75],
      [nos[0], 0.2],
    ]);
    expect(r.fell.map((x) => [x.no, x.from, x.to, x.change])).toEqual([[nos[2], 3, 2.5, -0.5]]);
    // Indicator 4 has no value in the second period, 5 none in the first: in no list.
    expect(r.unchangedCount).toBe(0);
  });

  it('breaks ties by indicator number and counts the unchanged', () => {
    const from = Object.fromEntries(nos.map((n) => [n, 2]));
    const to = Object.fromEntries(nos.map((n, i) => [n, i === 5 || i === 2 ? 3 : 2]));
    const r = compareIndicators(pemdi2026, from, to);
    expect(r.rose.map((x) => x.no)).toEqual([nos[2], nos[5]]);
    expect(r.unchangedCount).toBe(nos.length - 2);
  });

  it('gives the change of two exact indices without float noise, null when one is missing', () => {
    expect(indexChange(1.98, 2.1)).toBe(0.12);
    expect(indexChange(2.1, 1.845)).toBe(-0.255);
    expect(indexChange(null, 2)).toBeNull();
  });

  it('counts actions by display status on the organisation’s day', () => {
    const rows = [
      { periodId: 'p', status: 'selesai' as const, dueDate: '2026-01-01' },
      { periodId: 'p', status: 'berjalan' as const, dueDate: '2026-11-30' },
      { periodId: 'p', status: 'rencana' as const, dueDate: '2026-12-01' },
      { periodId: 'p', status: 'rencana' as const, dueDate: '2026-11-01' },
    ];
    expect(countActions(rows, '2026-12-01')).toEqual({
      rencana: 1,
      berjalan: 0,
      terlambat: 2,
      selesai: 1,
      total: 4,
    });
  });
});
