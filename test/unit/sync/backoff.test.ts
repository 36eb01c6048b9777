import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/sync';

describe('sync retry backoff', () => {
  it('doubles per failure, stays within [half, full] of the step, and is capped', () => {
    const o = { baseBackoffMs: 1000, maxBackoffMs: 16_000 };
    expect(backoffDelay(1, { ...o, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...o, random: () => 1 })).toBe(1000);
    expect(backoffDelay(3, { ...o, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(20, { ...o, random: () => 1 })).toBe(16_000);
  });

  it('spreads fifty tablets that failed together over the window (jitter)', () => {
    const delays = Array.from({ length: 50 }, () => backoffDelay(4, { baseBackoffMs: 1000 }));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8000);
    expect(new Set(delays.map((d) => Math.round(d / 100))).size).toBeGreaterThan(10);
  });
});
