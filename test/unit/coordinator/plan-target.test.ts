import { describe, expect, it } from 'vitest';
import { targetValid } from '../../../src/coordinator/pages/Plan';

describe('plan target as typed', () => {
  it('takes an index 1–5 with a decimal comma or point, or nothing (the period’s own)', () => {
    for (const ok of ['', '3', '2,75', '3.5', '1', '5,00']) expect(targetValid(ok)).toBe(true);
  });

  it('refuses what the server would refuse, so the page explains it instead', () => {
    for (const bad of ['abc', '0,5', '5,01', '6', '2,755', '3,', ',5', '-1'])
      expect(targetValid(bad)).toBe(false);
  });
});
