/**
 * How close a text field is to its `maxlength`, so the limit is shown before it bites: a
 * browser silently drops every key typed past `maxlength`, and a verifier typing a long
 * note would otherwise keep typing into nothing.
 */

/** Share of the limit from which the field shows its count ("19.950 / 20.000 karakter"). */
export const TEXT_LIMIT_WARN_SHARE = 0.9;

/**
 * The field's length against its limit: null while well under it (below 90 %, or no
 * limit), `near` from 90 % on, `full` once the field holds `max` characters (what the
 * browser counts for `maxlength`: UTF-16 code units, as `value.length`).
 *
 * @param length the field's `value.length`
 * @param max the field's `maxLength` (undefined or ≤ 0: no limit)
 * @returns `{ state, length, max }` or null
 */
export function textLimit(
  length: number,
  max: number | undefined,
): { state: 'near' | 'full'; length: number; max: number } | null {
  if (max === undefined || max <= 0) return null;
  if (length >= max) return { state: 'full', length: max, max };
  if (length >= Math.ceil(max * TEXT_LIMIT_WARN_SHARE)) return { state: 'near', length, max };
  return null;
}
