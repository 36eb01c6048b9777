import { describe, expect, it } from 'vitest';
import {
  actionDisplayStatus,
  computeIndex,
  daysOverdue,
  defaultActionTitle,
  IsoDateSchema,
  isoDayInZone,
  listIndicators,
  pemdi2026,
  promisedEvidence,
  promisedLevels,
  spbe2020,
} from '../../../src/core';

/** Core rules of improvement actions (tindak lanjut, issue 18). */

describe('display status and overdue days', () => {
  const open = { status: 'berjalan' as const, dueDate: '2026-11-30' };

  it('is on time on the due day itself and late the day after, by whole days', () => {
    expect(actionDisplayStatus(open, '2026-11-30')).toBe('berjalan');
    expect(daysOverdue(open, '2026-11-30')).toBe(0);
    expect(actionDisplayStatus(open, '2026-12-01')).toBe('terlambat');
    expect(daysOverdue(open, '2026-12-01')).toBe(1);
    // Across a month and a leap day.
    expect(daysOverdue({ status: 'rencana', dueDate: '2024-02-28' }, '2024-03-01')).toBe(2);
  });

  it('never counts a done action as late', () => {
    const done = { status: 'selesai' as const, dueDate: '2020-01-01' };
    expect(actionDisplayStatus(done, '2026-12-01')).toBe('selesai');
    expect(daysOverdue(done, '2026-12-01')).toBe(0);
  });

  it('takes the calendar day of the organisation’s zone', () => {
    // 1 December 2026, 18:30 UTC is already 01:30 on the 2nd in Jakarta (UTC+7).
    const ms = Date.UTC(2026, 11, 1, 18, 30);
    expect(isoDayInZone(ms, 'UTC')).toBe('2026-12-01');
    expect(isoDayInZone(ms, 'Asia/Jakarta')).toBe('2026-12-02');
    expect(isoDayInZone(ms, 'Asia/Jayapura')).toBe('2026-12-02');
  });
});

describe('the plan’s arithmetic', () => {
  it('lifts indicators to their highest target, never lowers, and leaves the rest', () => {
    const now = { 1: 2, 2: 3, 3: null };
    const promised = promisedLevels(now, [
      { indicatorNo: 1, targetLevel: 3 },
      { indicatorNo: 1, targetLevel: 4 },
      { indicatorNo: 2, targetLevel: 2 },
      { indicatorNo: 3, targetLevel: 2 },
    ]);
    expect(promised).toEqual({ 1: 4, 2: 3, 3: 2 });
    expect(now).toEqual({ 1: 2, 2: 3, 3: null });
  });

  it('gives an index computeIndex agrees with, above the index now', () => {
    const now = Object.fromEntries(listIndicators(spbe2020).map((i) => [i.no, 2]));
    const promised = promisedLevels(now, [{ indicatorNo: 1, targetLevel: 4 }]);
    expect(computeIndex(spbe2020, promised).index).toBeGreaterThan(
      computeIndex(spbe2020, now).index as number,
    );
  });
});

describe('defaults from the instrument', () => {
  it('promises the evidence of the target level and titles the action with the level name', () => {
    const ind = listIndicators(spbe2020)[2];
    const evidence = promisedEvidence(spbe2020, ind?.no as number, 3);
    expect(evidence.length).toBeGreaterThan(0);
    expect(defaultActionTitle(spbe2020, 3, 3)).toBe('Capai level 3 (Terdefinisi) pada indikator 3');
    expect(defaultActionTitle(spbe2020, 3, 3, 'en')).toBe(
      'Reach level 3 (Terdefinisi) on indicator 3',
    );
  });

  it('writes a fractional Pemdi 2026 target with a decimal comma and no level name', () => {
    const no = listIndicators(pemdi2026)[0]?.no as number;
    expect(defaultActionTitle(pemdi2026, no, 2.5)).toBe(`Capai level 2,5 pada indikator ${no}`);
    expect(promisedEvidence(pemdi2026, 999, 3)).toEqual([]);
  });
});

describe('due dates', () => {
  it('are days of the calendar', () => {
    expect(IsoDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(IsoDateSchema.safeParse('2023-02-29').success).toBe(false);
    expect(IsoDateSchema.safeParse('2024-04-31').success).toBe(false);
    expect(IsoDateSchema.safeParse('2024-4-1').success).toBe(false);
  });
});
