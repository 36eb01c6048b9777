import { beforeAll, describe, expect, it } from 'vitest';
import {
  cumulativeWarning,
  readSource,
  readValue,
  sourceOf,
  sourceRange,
  valueLabel,
} from '../../../src/app/lib/values';
import {
  checkField,
  type IndicatorSource,
  pemdi2026,
  spbe2020,
  valueFromSource,
} from '../../../src/core';
import type { Verification } from '../../../src/store';
import { parseDecimal } from '../../../src/ui/format';
import { loadEnglish } from '../../../src/ui/i18n';
import { verificationRecord } from '../../helpers/records';

const A = 'a-1';

function verification(no: number, over: Partial<Verification> = {}): Verification {
  return verificationRecord(A, no, over);
}

/** Every evidence item of `level` of a Pemdi indicator marked `state`. */
function checks(no: number, level: number, state: 'present' | 'missing') {
  const ind = pemdi2026.groups.flatMap((g) => g.indicators ?? []).find((i) => i.no === no);
  const items = ind?.levels?.[level - 1]?.evidence ?? [];
  return Object.fromEntries(items.map((_, i) => [checkField(level, i), { state, note: '' }]));
}

// The tablet's English texts are a chunk the app loads after its first paint.
beforeAll(() => loadEnglish());

describe('a value typed on the tablet keyboard', () => {
  it('reads a decimal comma or point, and nothing else', () => {
    expect(parseDecimal('2,5')).toBe(2.5);
    expect(parseDecimal('2.5')).toBe(2.5);
    expect(parseDecimal(' 1,25 ')).toBe(1.25);
    expect(parseDecimal('3')).toBe(3);
    expect(parseDecimal('')).toBeNull();
    expect(parseDecimal('   ')).toBeNull();
    for (const bad of ['2,5,1', 'abc', '1e3', '2,', ',5', '2 5', '1.000,5', 'Infinity'])
      expect(parseDecimal(bad), bad).toBe('invalid');
  });

  it('on a Pemdi indicator takes 1,00–5,00 with two decimals and names the level reached', () => {
    expect(readValue(pemdi2026, 1, '1,25')).toEqual({ value: 1.25 });
    expect(readValue(pemdi2026, 1, '2.5')).toEqual({ value: 2.5 });
    expect(readValue(pemdi2026, 1, '5')).toEqual({ value: 5 });
    expect(readValue(pemdi2026, 1, '')).toEqual({ value: null });
    expect(valueLabel(pemdi2026, 1, 1.25, 'id')).toBe('1,25 · Merintis');
    expect(valueLabel(pemdi2026, 1, 2.5, 'en')).toBe('2.50 · Membangun');
    expect(valueLabel(pemdi2026, 1, 5, 'id')).toBe('5,00 · Unggul');
  });

  it('refuses a value outside the domain with a readable reason, in both languages', () => {
    for (const text of ['5,01', '0,99', '1,255', '0']) {
      const r = readValue(pemdi2026, 1, text);
      expect(r, text).toHaveProperty('problem');
      if ('problem' in r) {
        expect(r.problem.message).toMatch(/^Indikator 1: nilai harus 1,00–5,00/);
        expect(r.problem.messageEn).toMatch(/^Indicator 1: the value must be 1.00–5.00/);
      }
    }
    const word = readValue(pemdi2026, 1, 'dua');
    expect(word).toEqual({
      problem: {
        message: '"dua" bukan angka. Tulis nilai seperti 2,5 atau 1,25.',
        messageEn: '"dua" is not a number. Write a value such as 2.5 or 1.25.',
      },
    });
    // SPBE 2020 takes whole levels only.
    const half = readValue(spbe2020, 1, '2,5');
    expect(half).toHaveProperty('problem');
    if ('problem' in half) expect(half.problem.message).toMatch(/level bulat 1–5/);
    expect(readValue(spbe2020, 1, '3')).toEqual({ value: 3 });
  });
});

describe('an indicator valued from an outside index', () => {
  const sdi = sourceOf(pemdi2026, 5) as IndicatorSource;
  const ips = sourceOf(pemdi2026, 7) as IndicatorSource;

  it('is found by number; evidence-based indicators have none', () => {
    expect(sdi.index).toMatch(/Satu Data Indonesia/);
    expect(sourceRange(sdi)).toEqual({ min: 0, max: 100 });
    expect(sourceRange(ips)).toEqual({ min: 1, max: 5 });
    expect(sourceOf(pemdi2026, 1)).toBeUndefined();
    expect(sourceOf(spbe2020, 5)).toBeUndefined();
  });

  it('stores the index as published and the value it maps to', () => {
    expect(readSource(pemdi2026, 5, sdi, '68,75')).toEqual({
      sourceValue: 68.75,
      verifiedLevel: valueFromSource(sdi, 68.75),
    });
    expect(readSource(pemdi2026, 5, sdi, '100')).toEqual({ sourceValue: 100, verifiedLevel: 5 });
    expect(readSource(pemdi2026, 5, sdi, '0')).toEqual({ sourceValue: 0, verifiedLevel: 1 });
    // An index already on 1–5 is the value (two decimals).
    expect(readSource(pemdi2026, 7, ips, '2,97')).toEqual({
      sourceValue: 2.97,
      verifiedLevel: 2.97,
    });
    // Emptied: both go, and the official index counts it as 1 again.
    expect(readSource(pemdi2026, 5, sdi, '')).toEqual({ sourceValue: null, verifiedLevel: null });
  });

  it('refuses an index outside its range, naming the range', () => {
    expect(readSource(pemdi2026, 5, sdi, '150')).toEqual({
      problem: {
        message: 'Nilai indeks harus antara 0 dan 100, bukan 150.',
        messageEn: 'The index value must lie between 0 and 100, not 150.',
      },
    });
    expect(readSource(pemdi2026, 7, ips, '6,5')).toEqual({
      problem: {
        message: 'Nilai indeks harus antara 1 dan 5, bukan 6,5.',
        messageEn: 'The index value must lie between 1 and 5, not 6.5.',
      },
    });
    expect(readSource(pemdi2026, 5, sdi, 'tinggi')).toHaveProperty('problem');
  });
});

describe('cumulative levels', () => {
  it('warns when the chosen level is above what the evidence marked present supports', () => {
    expect(cumulativeWarning(pemdi2026, verification(1, { verifiedLevel: 4 }))).toEqual({
      claimed: 4,
      firstIncomplete: 2,
    });
    const level2Done = verification(1, { verifiedLevel: 4, ...checks(1, 2, 'present') });
    expect(cumulativeWarning(pemdi2026, level2Done)).toEqual({ claimed: 4, firstIncomplete: 3 });
    const supported = verification(1, {
      verifiedLevel: 3.75,
      ...checks(1, 2, 'present'),
      ...checks(1, 3, 'present'),
    });
    expect(cumulativeWarning(pemdi2026, supported)).toBeNull();
  });

  it('a missing document below the chosen level is named, a decimal is judged by its whole level', () => {
    const gap = verification(1, {
      verifiedLevel: 2.5,
      ...checks(1, 2, 'present'),
      [checkField(2, 1)]: { state: 'missing', note: 'SK belum ada' },
    });
    expect(cumulativeWarning(pemdi2026, gap)).toEqual({ claimed: 2, firstIncomplete: 2 });
    expect(cumulativeWarning(pemdi2026, verification(1, { verifiedLevel: 1.9 }))).toBeNull();
  });

  it('says nothing without a value, when not applicable, or for an outside index', () => {
    expect(cumulativeWarning(pemdi2026, undefined)).toBeNull();
    expect(cumulativeWarning(pemdi2026, verification(1))).toBeNull();
    expect(
      cumulativeWarning(pemdi2026, verification(1, { verifiedLevel: 4, notApplicable: true })),
    ).toBeNull();
    expect(
      cumulativeWarning(pemdi2026, verification(5, { verifiedLevel: 4, sourceValue: 80 })),
    ).toBeNull();
    // SPBE 2020 levels are cumulative too.
    expect(cumulativeWarning(spbe2020, verification(1, { verifiedLevel: 3 }))).toEqual({
      claimed: 3,
      firstIncomplete: 2,
    });
  });
});
