import * as z from 'zod/mini';

/**
 * Text and time values as both ends accept them. One definition, used by the
 * tablet store before it saves and by the server at the wire, so the tablet never keeps a
 * value the server will refuse.
 *
 * - Control characters other than tab, line feed and carriage return (U+0000–U+001F,
 *   U+007F) are refused: PDF viewers paste U+0000, and PostgreSQL cannot store it in text.
 * - Lone UTF-16 surrogates (half of an emoji cut by a length limit or a bad paste) are
 *   refused: they are not Unicode text and cannot be encoded as UTF-8.
 * - Text is normalised to NFC, so the same note typed on two keyboards (é as one code point
 *   or as e + combining accent) is the same value, never a conflict.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const CONTROL_RE_G = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_RE_G =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type UnsafeTextKind = 'control' | 'surrogate';

/** Message of a refused text value (zod issue message); the UI maps it to its language. */
export const UNSAFE_TEXT_MESSAGE = 'unsafe_text';
/** Message of a refused time value. */
export const TIME_RANGE_MESSAGE = 'time_out_of_range';

/**
 * The first character the wire refuses in `s`, or null when `s` is acceptable.
 *
 * @returns `{ index, kind }` — UTF-16 index of the character and why it is refused.
 * @example findUnsafeText('a\u0000b') // { index: 1, kind: 'control' }
 */
export function findUnsafeText(s: string): { index: number; kind: UnsafeTextKind } | null {
  const control = CONTROL_RE.exec(s);
  const surrogate = LONE_SURROGATE_RE.exec(s);
  if (!control && !surrogate) return null;
  if (control && (!surrogate || control.index < surrogate.index))
    return { index: control.index, kind: 'control' };
  return { index: (surrogate as RegExpExecArray).index, kind: 'surrogate' };
}

/**
 * Text as it may be stored: refused characters removed (control characters except tab and
 * line breaks; lone surrogates) and normalised to NFC. For cleaning a paste where it is typed.
 *
 * @example cleanText('Cata\u0000tan') // 'Catatan'
 */
export function cleanText(s: string): string {
  return s.replace(CONTROL_RE_G, '').replace(LONE_SURROGATE_RE_G, '').normalize('NFC');
}

/**
 * Schema of a user text field of at most `max` UTF-16 units: NFC-normalised, no control
 * characters (tab, CR, LF allowed), no lone surrogates. Fails with message `unsafe_text`.
 */
export function safeText(max: number) {
  return z.string().check(
    z.refine((s) => findUnsafeText(s) === null, UNSAFE_TEXT_MESSAGE),
    z.normalize('NFC'),
    z.maxLength(max),
  );
}

/** Earliest and latest instant (epoch ms) a record may carry: 2000-01-01 and 2100-01-01 UTC. */
export const MIN_TIME_MS = Date.UTC(2000, 0, 1);
export const MAX_TIME_MS = Date.UTC(2100, 0, 1);

/**
 * Schema of an instant in epoch milliseconds within [2000-01-01, 2100-01-01] (UTC). A value
 * outside (e.g. a `signedAt` of 8.7e15 from a broken clock) is refused with `time_out_of_range`:
 * JavaScript dates end at 8.64e15 and such a value blanks every page that prints it.
 */
export function timeMs() {
  return z
    .int()
    .check(z.gte(MIN_TIME_MS, TIME_RANGE_MESSAGE), z.lte(MAX_TIME_MS, TIME_RANGE_MESSAGE));
}
