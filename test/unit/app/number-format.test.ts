import { describe, expect, it } from 'vitest';
import { formatBytes, formatNumber, formatPercent } from '../../../src/ui/format';

/** Numbers on the Indonesian screens carry a decimal comma; the English ones a point. */
describe('numbers as people in the locale write them', () => {
  it('weights: "1,3 %" in Indonesian, "1.3%" in English, whole weights without decimals', () => {
    expect(formatPercent('id', 1.3)).toBe('1,3 %');
    expect(formatPercent('en', 1.3)).toBe('1.3%');
    expect(formatPercent('id', 25)).toBe('25 %');
    expect(formatPercent('id', 2.125)).toBe('2,13 %');
  });

  it('counts with a thousands separator of the locale', () => {
    expect(formatNumber('id', 20000)).toBe('20.000');
    expect(formatNumber('en', 20000)).toBe('20,000');
  });

  it('byte sizes: "1,5 MB" in Indonesian, "1.5 MB" in English', () => {
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1,5 MB');
    expect(formatBytes(1.5 * 1024 * 1024, 'en')).toBe('1.5 MB');
    expect(formatBytes(40 * 1024, 'id')).toBe('40 KB');
    // A tiny file says its bytes, never "0 KB" (which reads as empty).
    expect(formatBytes(300, 'id')).toBe('300 B');
    expect(formatBytes(0, 'en')).toBe('0 B');
    expect(formatBytes(1024, 'id')).toBe('1 KB');
    expect(formatBytes(10 * 1024 ** 3, 'id')).toBe('10,00 GB');
    expect(formatBytes(null)).toBe('–');
  });
});
