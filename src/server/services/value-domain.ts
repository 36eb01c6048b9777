import { type EntityName, type Framework, valueProblem } from '../../core';

/**
 * Which values a record field may hold is the indicator's business (its instrument's value
 * domain: whole levels 1–5, or 1,00–5,00 with two decimals): the wire schema lets any
 * 1–5 with two decimals through, the instrument decides. Every edge that takes an indicator
 * value — a tablet's push, an export file, a conflict resolution, penilaian mandiri (JSON
 * and CSV) — refuses one outside the domain with core `valueProblem`'s message, so no
 * stored value ever reaches `computeIndex` (which throws `ValueDomainError`) or is dropped.
 */

/** Verification fields holding an indicator value. */
export const VALUE_FIELDS: ReadonlySet<string> = new Set(['verifiedLevel', 'selfLevel']);

/** What a refusal says: core valueProblem's two messages. */
export type ValueRefusal = NonNullable<ReturnType<typeof valueProblem>>;

/**
 * Why `value` written to `entity.field` of indicator `indicatorNo` is not a value the
 * instrument takes there, or null (another field, null = not assessed, a value of the
 * domain, or an indicator that cannot be told — such a record enters no index).
 */
export function fieldValueProblem(
  fw: Framework,
  entity: EntityName,
  field: string,
  indicatorNo: number | null,
  value: unknown,
): ValueRefusal | null {
  if (entity !== 'verification' || !VALUE_FIELDS.has(field) || indicatorNo === null) return null;
  return valueProblem(fw, indicatorNo, value);
}

/** The Problem parameters of a refusal (`value_out_of_domain`). */
export function refusalParams(p: ValueRefusal): { detail: string; detailEn: string } {
  return { detail: p.message, detailEn: p.messageEn };
}
