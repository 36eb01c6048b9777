import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/** Every secret-handling helper of the server lives here. */

const KEY_LEN = 32;

function scryptAsync(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LEN,
      { N, r, p, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * Hash a password with scrypt; the cost parameters travel with the hash.
 *
 * @example
 *   const stored = await hashPassword('rahasia', { N: 16384, r: 8, p: 5 });
 */
export async function hashPassword(
  password: string,
  cost: { N: number; r: number; p: number },
): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, cost.N, cost.r, cost.p);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

const DUMMY_SALT = Buffer.alloc(16, 7);

/** Constant-work check; a null or malformed hash still costs one scrypt (no account probing by timing). */
export async function verifyPassword(
  password: string,
  stored: string | null,
  fallbackCost: { N: number; r: number; p: number },
): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await scryptAsync(password, DUMMY_SALT, fallbackCost.N, fallbackCost.r, fallbackCost.p);
    return false;
  }
  const [, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64');
  const actual = await scryptAsync(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
  );
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Opaque bearer token: prefix + 32 random bytes (base64url). Only its sha256 is stored. */
export function newToken(prefix: 'tls' | 'tld'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
export const ENROLMENT_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_LENGTH = 8;

/** A fresh one-time enrolment code such as `K7QM2XPA` (31^8 ≈ 8.5 × 10^11 possibilities). */
export function newEnrolmentCode(): string {
  let code = '';
  for (let i = 0; i < ENROLMENT_CODE_LENGTH; i++)
    code += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)];
  return code;
}

/**
 * A generated account password (owner accounts): four groups of four characters of
 * ENROLMENT_ALPHABET in lower case, e.g. `k7qm-2xpa-r9tb-hw4e` — readable aloud and typed on a
 * phone without confusing 0/O or 1/l; 31^16 ≈ 2^79 possibilities.
 */
export function newReadablePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += ENROLMENT_ALPHABET[randomInt(ENROLMENT_ALPHABET.length)];
    groups.push(s.toLowerCase());
  }
  return groups.join('-');
}

/** Canonical form of a typed code: upper-case, spaces and dashes removed. */
export function normaliseEnrolmentCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
