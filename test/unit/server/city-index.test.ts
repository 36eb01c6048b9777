import { describe, expect, it } from 'vitest';
import { computeIndex, listIndicators, spbe2020 } from '../../../src/core';
import {
  cityIndexOf,
  consolidateCity,
  consolidateLevel,
  consolidationOf,
} from '../../../src/server/services/city-index';

const NOS = listIndicators(spbe2020).map((i) => i.no);
const CITY = { id: 'u-pemda', code: '36.72', name: 'Pemerintah Kota Cilegon' };

/** A verification cell as the reporting repository reads it. */
function cell(indicatorNo: number | null, verifiedLevel: number | null, notApplicable = false) {
  return { indicatorNo, verifiedLevel, notApplicable };
}

describe('consolidateLevel: verified, else self-assessed, else none', () => {
  it('takes the verified level over the self-assessed one, whichever is higher', () => {
    expect(consolidateLevel(4, 2)).toEqual({ level: 2, source: 'verified' });
    expect(consolidateLevel(1, 3)).toEqual({ level: 3, source: 'verified' });
  });

  it('falls back to the self-assessed level, then to nothing', () => {
    expect(consolidateLevel(3, null)).toEqual({ level: 3, source: 'self' });
    expect(consolidateLevel(null, 5)).toEqual({ level: 5, source: 'verified' });
    expect(consolidateLevel(null, null)).toEqual({ level: null, source: 'none' });
  });
});

describe('consolidateCity', () => {
  it('gives every indicator of the instrument a level and a source', () => {
    const city = consolidateCity(
      spbe2020,
      CITY,
      'a-1',
      [
        { indicatorNo: 1, level: 3 },
        { indicatorNo: 2, level: 2 },
        { indicatorNo: 3, level: 4 },
      ],
      [cell(1, 1), cell(3, null), cell(5, 2), cell(null, 5)],
    );
    expect(city.indicators).toHaveLength(NOS.length);
    const by = new Map(city.indicators.map((i) => [i.no, i]));
    // Verified lowers the self-assessed level.
    expect(by.get(1)).toEqual({
      no: 1,
      self: 3,
      verified: 1,
      level: 1,
      source: 'verified',
      notApplicable: false,
    });
    // No verification cell: the self-assessed level stands.
    expect(by.get(2)).toMatchObject({ self: 2, verified: null, level: 2, source: 'self' });
    // A cell without a verified level does not hide the self-assessed one.
    expect(by.get(3)).toMatchObject({ self: 4, verified: null, level: 4, source: 'self' });
    // Verified without a self-assessed level.
    expect(by.get(5)).toMatchObject({ self: null, verified: 2, level: 2, source: 'verified' });
    // Neither: unassessed.
    expect(by.get(4)).toMatchObject({ self: null, verified: null, level: null, source: 'none' });
    expect(city.consolidated).toMatchObject({ 1: 1, 2: 2, 3: 4, 4: null, 5: 2 });
    expect(city.self).toMatchObject({ 1: 3, 2: 2, 3: 4, 4: null, 5: null });
    expect(city).toMatchObject({ unit: CITY, assessmentId: 'a-1', notApplicable: [] });
  });

  it('ignores cells of indicators the instrument does not have', () => {
    const city = consolidateCity(spbe2020, CITY, 'a-1', [], [cell(999, 5)]);
    expect(city.indicators.every((i) => i.source === 'none')).toBe(true);
  });

  it('keeps a not-applicable indicator’s levels, apart from the counts, and counts it as level 1 in the official index', () => {
    const self = NOS.map((no) => ({ indicatorNo: no, level: 2 }));
    const city = consolidateCity(spbe2020, CITY, 'a-1', self, [cell(1, 4), cell(46, 3, true)]);
    expect(city.notApplicable).toEqual([46]);
    expect(city.indicators.find((i) => i.no === 46)).toMatchObject({
      level: 3,
      source: 'verified',
      notApplicable: true,
    });
    expect(consolidationOf(city)).toEqual({
      rule: 'pemda_verified_else_self',
      unit: CITY,
      assessmentId: 'a-1',
      verifiedCount: 1,
      selfOnlyCount: NOS.length - 2,
      unassessedCount: 0,
      notApplicable: [46],
    });
    const index = cityIndexOf(spbe2020, city);
    // PermenPANRB 59/2020 scores every indicator: not applicable is level 1, nothing left out.
    expect(index.consolidated).toMatchObject({
      rule: 'official',
      renormalised: false,
      notApplicableAsLevel1: 1,
      applicableCount: NOS.length,
      complete: true,
    });
    expect(index.consolidated.index).toBe(
      computeIndex(spbe2020, { ...city.consolidated, 46: 1 }).index,
    );
    // Leaving it out (Telusur's internal figure) would give a higher index.
    const internal = computeIndex(spbe2020, city.consolidated, {
      notApplicable: [46],
      rule: 'internal',
    });
    expect(internal.index as number).toBeGreaterThan(index.consolidated.index as number);
    // The self index is the city's own statement: no verified level in it.
    expect(index.self).toEqual(computeIndex(spbe2020, city.self));
    expect(index.self.notApplicableAsLevel1).toBe(0);
  });

  it('without a city-level unit every indicator is unassessed and the index is empty', () => {
    const city = consolidateCity(spbe2020, null, null, [], []);
    const index = cityIndexOf(spbe2020, city);
    expect(index.consolidation).toMatchObject({
      unit: null,
      assessmentId: null,
      verifiedCount: 0,
      selfOnlyCount: 0,
      unassessedCount: NOS.length,
    });
    expect(index.consolidated.index).toBeNull();
    expect(index.self.index).toBeNull();
  });
});
