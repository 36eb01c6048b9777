import {
  checkField,
  cumulativeGap,
  type Framework,
  formatValue,
  type IndicatorSource,
  levelName,
  listIndicators,
  valueDomainOf,
  valueFromSource,
  valueProblem,
} from '../../core';
import type { Verification } from '../../store';
import { parseDecimal } from '../../ui/format';
import type { Locale } from '../../ui/i18n';
import { translate } from '../i18n';
import { checksOf } from './progress';

/**
 * Indicator values as a verifier types and reads them on the tablet: whole levels 1–5, or
 * (PermenPANRB 8/2026) assessor values 1,00–5,00 typed with a decimal comma or point; the
 * outside index of an indicator valued from another agency's index; and the warning when a
 * chosen level is above what its evidence supports. Pure, so unit tests pin the rules.
 */

/** Why a typed value is not saved, in both languages (as core's `valueProblem` says it). */
export interface ValueProblem {
  message: string;
  messageEn: string;
}

/** An indicator's value with the name of the whole level it reached: "1,25 · Merintis". */
export function valueLabel(fw: Framework, no: number, value: number, locale: Locale): string {
  return `${formatValue(value, locale, valueDomainOf(fw, no))} · ${levelName(fw, no, value)}`;
}

/** A number for messages: "87,5" (no trailing zeros), English "87.5". */
function plain(n: number, locale: Locale): string {
  const s = String(Number(n.toFixed(6)));
  return locale === 'id' ? s.replace('.', ',') : s;
}

function bothLanguages(
  key: 'valueNotNumber' | 'sourceOutOfRange',
  vars: (locale: Locale) => Record<string, string>,
): ValueProblem {
  return {
    message: translate('id', key, vars('id')),
    messageEn: translate('en', key, vars('en')),
  };
}

/**
 * The value a verifier typed for an indicator, checked against its domain (whole level 1–5,
 * or 1,00–5,00 with at most two decimals): `{ value }` to save (null clears it), or
 * `{ problem }` to show at the field — nothing is saved then.
 */
export function readValue(
  fw: Framework,
  no: number,
  text: string,
): { value: number | null } | { problem: ValueProblem } {
  const parsed = parseDecimal(text);
  if (parsed === 'invalid')
    return { problem: bothLanguages('valueNotNumber', () => ({ text: text.trim() })) };
  const problem = valueProblem(fw, no, parsed);
  if (problem) return { problem: { message: problem.message, messageEn: problem.messageEn } };
  return { value: parsed };
}

/** The outside index an indicator is valued from (PermenPANRB 8/2026), or undefined. */
export function sourceOf(fw: Framework, no: number): IndicatorSource | undefined {
  return listIndicators(fw).find((i) => i.no === no)?.spec.source;
}

/** The range an outside index is entered in: the instrument's `range`, else 1–5. */
export function sourceRange(src: IndicatorSource): { min: number; max: number } {
  return src.range ?? { min: 1, max: 5 };
}

/**
 * The outside index a verifier typed, and the indicator value it gives: `{ sourceValue,
 * verifiedLevel }` to save together (both null clear it), or `{ problem }` when the text is
 * not a number, lies outside the index's range, or maps to a value the indicator does not take.
 */
export function readSource(
  fw: Framework,
  no: number,
  src: IndicatorSource,
  text: string,
): { sourceValue: number | null; verifiedLevel: number | null } | { problem: ValueProblem } {
  const parsed = parseDecimal(text);
  if (parsed === 'invalid')
    return { problem: bothLanguages('valueNotNumber', () => ({ text: text.trim() })) };
  if (parsed === null) return { sourceValue: null, verifiedLevel: null };
  const value = valueFromSource(src, parsed);
  if (value === null) {
    const { min, max } = sourceRange(src);
    return {
      problem: bothLanguages('sourceOutOfRange', (l) => ({
        index: src.index,
        min: plain(min, l),
        max: plain(max, l),
        value: plain(parsed, l),
      })),
    };
  }
  const problem = valueProblem(fw, no, value);
  if (problem) return { problem: { message: problem.message, messageEn: problem.messageEn } };
  return { sourceValue: parsed, verifiedLevel: value };
}

/** An outside index for display: as typed, without trailing zeros ("87,5"). */
export function formatSource(value: number, locale: Locale): string {
  return plain(value, locale);
}

/**
 * Levels are cumulative: when the verified value's whole level is above the highest level
 * whose expected evidence is all marked present, which level's evidence is incomplete
 * ("Level 4 dipilih, tetapi bukti level 2 belum lengkap"); null when the value is supported,
 * not set, marked not applicable, or comes from an outside index.
 */
export function cumulativeWarning(
  fw: Framework,
  v: Verification | undefined,
): { claimed: number; firstIncomplete: number } | null {
  if (!v || v.notApplicable) return null;
  const checks = checksOf(v);
  return cumulativeGap(
    fw,
    v.indicatorNo,
    v.verifiedLevel,
    (level, i) => checks.get(checkField(level, i))?.state,
  );
}
