/**
 * UUIDv7: time-ordered ids made on the device, so records created offline on many
 * tablets never collide and sort roughly by creation time.
 *
 * @example
 *   const id = uuidv7(); // '0190a6f2-5c3e-7b1a-8f00-…'
 */
export function uuidv7(
  now: number = Date.now(),
  random: (bytes: Uint8Array) => void = fillRandom,
): string {
  const bytes = new Uint8Array(16);
  random(bytes);
  const ms = Math.max(0, Math.floor(now));
  // 48-bit big-endian millisecond timestamp.
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = Math.floor(ms / 2 ** 24) & 0xff;
  bytes[3] = Math.floor(ms / 2 ** 16) & 0xff;
  bytes[4] = Math.floor(ms / 2 ** 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a lower-case hyphenated UUID of any version. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

function fillRandom(bytes: Uint8Array): void {
  // Web Crypto exists in browsers, workers and Node ≥ 19 as a global.
  (
    globalThis as unknown as { crypto: { getRandomValues(b: Uint8Array): Uint8Array } }
  ).crypto.getRandomValues(bytes);
}
