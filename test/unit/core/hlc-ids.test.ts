import { describe, expect, it } from 'vitest';
import {
  compareHlc,
  decodeHlc,
  encodeHlc,
  isUuid,
  receiveHlc,
  tickHlc,
  uuidv7,
} from '../../../src/core';

describe('uuidv7', () => {
  it('makes valid, unique, time-ordered ids', () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(isUuid(a)).toBe(true);
    expect(a[14]).toBe('7');
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7())).size).toBe(1000);
  });
});

describe('hybrid logical clock', () => {
  it('orders events of one device strictly even when the wall clock goes backwards', () => {
    let h = tickHlc(null, 'dev', 1000);
    const seen = [encodeHlc(h)];
    for (const now of [1000, 999, 500, 1001, 1001]) {
      h = tickHlc(h, 'dev', now);
      seen.push(encodeHlc(h));
    }
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('after receiving a clock from the future, local events sort after it', () => {
    const remote = { ms: 5000, counter: 3, node: 'srv' };
    const next = receiveHlc({ ms: 100, counter: 0, node: 'dev' }, remote, 'dev', 200);
    expect(compareHlc(next, remote)).toBeGreaterThan(0);
    expect(decodeHlc(encodeHlc(next))).toEqual(next);
  });
});
