import { describe, expect, it } from 'vitest';
import {
  ENROLMENT_ALPHABET,
  hashPassword,
  newEnrolmentCode,
  newToken,
  normaliseEnrolmentCode,
  sha256Hex,
  verifyPassword,
} from '../../../src/server/lib/crypto';

const COST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('verifies the right password only, with the cost stored in the hash', async () => {
    const h = await hashPassword('telusur-demo', COST);
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifyPassword('telusur-demo', h, COST)).toBe(true);
    expect(await verifyPassword('telusur-Demo', h, COST)).toBe(false);
    expect(await hashPassword('telusur-demo', COST)).not.toBe(h);
  });

  it('treats composed and decomposed unicode passwords alike', async () => {
    // "á" typed as one code point on one keyboard and as a + combining accent on another.
    const h = await hashPassword('kat\u00e1 sandi', COST);
    expect(await verifyPassword('kata\u0301 sandi', h, COST)).toBe(true);
    expect(await verifyPassword('kata sandi', h, COST)).toBe(false);
  });

  it('fails closed on a missing or malformed hash', async () => {
    expect(await verifyPassword('x', null, COST)).toBe(false);
    expect(await verifyPassword('x', 'plain', COST)).toBe(false);
  });
});

describe('tokens and enrolment codes', () => {
  it('makes 256-bit opaque tokens with a kind prefix', () => {
    const t = newToken('tld');
    expect(t).toMatch(/^tld_[A-Za-z0-9_-]{43}$/);
    expect(newToken('tld')).not.toBe(t);
    expect(sha256Hex(t)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes 8-character codes from an alphabet without look-alikes', () => {
    expect(ENROLMENT_ALPHABET).not.toMatch(/[01ILO]/);
    for (let i = 0; i < 200; i++)
      expect(newEnrolmentCode()).toMatch(new RegExp(`^[${ENROLMENT_ALPHABET}]{8}$`));
    expect(normaliseEnrolmentCode(' k7qm-2xpa ')).toBe('K7QM2XPA');
  });
});
