import { describe, expect, it } from 'vitest';
import { decimalText, parseDecimal } from '../../../src/coordinator/values';

describe('decimal numbers as a coordinator types them', () => {
  it('reads a decimal comma and a decimal point alike, whatever the page’s language', () => {
    expect(parseDecimal('3,5')).toBe(3.5);
    expect(parseDecimal('3.5')).toBe(3.5);
    expect(parseDecimal(' 12 ')).toBe(12);
    expect(parseDecimal('0,25')).toBe(0.25);
  });

  it('refuses what is not one plain number', () => {
    for (const bad of ['', 'abc', '-1', '1.000,5', '1,2,3', ',5', '3,', '1e3', '+2'])
      expect(parseDecimal(bad)).toBeNaN();
  });

  it('writes a number with the page’s decimal mark', () => {
    expect(decimalText(1.5, 'id')).toBe('1,5');
    expect(decimalText(1.5, 'en')).toBe('1.5');
    expect(decimalText(2, 'id')).toBe('2');
  });
});
