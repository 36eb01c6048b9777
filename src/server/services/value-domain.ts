import { type EntityName, type Framework, STAGE_FIELD_RE, valueProblem } from '../../core';

/**
 * Which values a record field may hold is the indicator's business (its instrument's value
 * domain: whole levels 1–5, or 1,00–5,00 with two decimals): the wire schema lets any
 * 1–5 with two decimals through, the instrument decides. Every edge that takes an indicator
 * value — a tablet's push, an export file, a conflict resolution, penilaian mandiri (JSON
 * and CSV) — refuses one outside the domain with core `valueProblem`'s message, so no
 * stored value ever reaches `computeIndex` (which throws `ValueDomainError`) or is dropped.
 */

/** Verification fields holding an indicator value (besides the stage values `stages.<s>`). */
export const VALUE_FIELDS: ReadonlySet<string> = new Set(['verifiedLevel', 'selfLevel']);

/** Whether a verification field holds an indicator value: a level field or a stage value. */
export function isValueField(field: string): boolean {
  return VALUE_FIELDS.has(field) || STAGE_FIELD_RE.test(field);
}

/**
 * The indicator value a field's raw value carries: the number itself, or a stage value's
 * `value` (core StageValue `{value, by, at}`); null when there is none to check.
 */
export function indicatorValueOf(field: string, raw: unknown): unknown {
  if (!STAGE_FIELD_RE.test(field)) return raw;
  if (raw && typeof raw === 'object' && 'value' in raw) return (raw as { value: unknown }).value;
  return null;
}

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
  if (entity !== 'verification' || !isValueField(field) || indicatorNo === null) return null;
  return valueProblem(fw, indicatorNo, indicatorValueOf(field, value));
}

/** The Problem parameters of a refusal (`value_out_of_domain`). */
export function refusalParams(p: ValueRefusal): { detail: string; detailEn: string } {
  return { detail: p.message, detailEn: p.messageEn };
}
