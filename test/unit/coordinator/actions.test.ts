import { describe, expect, it } from 'vitest';
import {
  badLink,
  defaultDueDate,
  dueDateProblem,
  evidenceLines,
  firstLine,
  formatIsoDate,
  hasAction,
  nextLevelAbove,
  percentOf,
  planActionRows,
  rowErrors,
} from '../../../src/coordinator/actions';

describe('tindak lanjut helpers of the coordinator pages', () => {
  it('puts the default due date six months ahead, on the last day of a shorter month', () => {
    expect(defaultDueDate('2026-12-01')).toBe('2027-06-01');
    expect(defaultDueDate('2026-08-31')).toBe('2027-02-28');
    expect(defaultDueDate('2027-08-31')).toBe('2028-02-29');
    expect(defaultDueDate('2026-03-15')).toBe('2026-09-15');
  });

  it('turns plan steps into one row per indicator at its highest target', () => {
    const rows = planActionRows([
      { no: 7, name: 'B', from: 2, to: 3, evidence: ['e3'] },
      { no: 2, name: 'A', from: 1, to: 2, evidence: ['a2'] },
      { no: 7, name: 'B', from: 3, to: 4, evidence: ['e4'] },
    ]);
    expect(rows).toEqual([
      { indicatorNo: 2, name: 'A', from: 1, target: 2, evidence: ['a2'] },
      { indicatorNo: 7, name: 'B', from: 2, target: 4, evidence: ['e4'] },
    ]);
  });

  it('sees an action for the same unit, indicator and at least the target, open or done', () => {
    const actions = [
      { unitId: 'u', indicatorNo: 3, targetLevel: 3, status: 'berjalan' },
      { unitId: 'u', indicatorNo: 4, targetLevel: 4, status: 'selesai' },
    ];
    expect(hasAction(actions, 'u', 3, 3)).toBe(true);
    expect(hasAction(actions, 'u', 3, 2)).toBe(true);
    expect(hasAction(actions, 'u', 3, 4)).toBe(false);
    expect(hasAction(actions, 'u', 4, 4)).toBe(true);
    expect(hasAction(actions, 'v', 3, 3)).toBe(false);
  });

  it('aims a rekomendasi at the next whole level above the verified one', () => {
    expect(nextLevelAbove(2, 'level')).toBe(3);
    expect(nextLevelAbove(1.25, 'decimal')).toBe(2);
    expect(nextLevelAbove(null, 'level')).toBe(2);
    expect(nextLevelAbove(4.5, 'decimal')).toBe(5);
    expect(nextLevelAbove(5, 'level')).toBeNull();
  });

  it('titles from the first written line, cut to the limit', () => {
    expect(firstLine('\n  Susun SOP data  \nlalu tetapkan', 100)).toBe('Susun SOP data');
    expect(firstLine('abcdefghij', 5)).toBe('abcd…');
    expect(firstLine('   ', 5)).toBe('');
  });

  it('writes a due date as the Pemda does, without a zone moving the day', () => {
    expect(formatIsoDate('2026-12-31', 'id')).toBe('31 Desember 2026');
    expect(formatIsoDate('2026-01-01', 'en')).toBe('1 January 2026');
  });

  it('reads evidence lines and percentages', () => {
    expect(evidenceLines(' SK \n\n  SOP\r\n')).toEqual(['SK', 'SOP']);
    expect(percentOf(1, 3)).toBe(33);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('finds the refused rows of a bulk request in a problem’s details', () => {
    const m = rowErrors({
      issues: [
        { path: 'actions.2.targetLevel', message: 'terlalu rendah' },
        { path: 'dueDate', message: 'x' },
      ],
      rows: [{ row: 1, code: 'unit_not_found', message: 'unit tidak ada' }],
    });
    expect([...m]).toEqual([
      [2, 'terlalu rendah'],
      [0, 'unit tidak ada'],
    ]);
    expect(rowErrors(undefined).size).toBe(0);
  });

  it('refuses an empty, impossible, out-of-range or past due date, and takes today', () => {
    const today = '2026-12-01';
    expect(dueDateProblem('', today)).toBe('actionDueRequired');
    expect(dueDateProblem('2020-01-01', today)).toBe('actionDuePast');
    expect(dueDateProblem('2026-11-30', today)).toBe('actionDuePast');
    expect(dueDateProblem('2026-12-01', today)).toBeUndefined();
    expect(dueDateProblem('2027-06-01', today)).toBeUndefined();
    expect(dueDateProblem('1999-12-31', today)).toBe('actionDueInvalid');
    expect(dueDateProblem('2101-01-01', today)).toBe('actionDueInvalid');
    expect(dueDateProblem('2027-02-30', today)).toBe('actionDueInvalid');
    expect(dueDateProblem('12/01/2027', today)).toBe('actionDueInvalid');
    // The edit form keeps an unchanged late date by passing no "today".
    expect(dueDateProblem('2020-01-01', '')).toBeUndefined();
  });

  it('finds the first evidence link that is not http(s)', () => {
    expect(badLink(['https://drive.google.com/x', 'http://a.id'])).toBeUndefined();
    expect(badLink(['https://a.id', 'ftp://x', 'www.a.id'])).toBe('ftp://x');
    expect(badLink(['https://'])).toBe('https://');
  });
});
