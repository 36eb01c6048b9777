import {
  type AuditLocale,
  earlierStages,
  LEGACY_STAGES,
  PeriodStagesSchema,
  type Stage,
  StageSchema,
  type StageValue,
  stageField,
  stageValueOf,
  type ZoneCode,
} from '../../core';
import type { Period, StageKey, Verification, VerificationChanges } from '../../store';
import { clockText } from './clock';

/**
 * The stages of a period as the tablet's reference tables hold it, and the one the tablet
 * works in. A period stored before stages were kept (or a training one) has none: it reads
 * as core's LEGACY_STAGES (penilaian mandiri, then verifikasi dokumen) at `dokumen`, what
 * Telusur did until then. A current stage missing from the list falls back the same way.
 */
export function periodStages(period: Period | null | undefined): {
  stages: readonly Stage[];
  current: Stage;
} {
  const listed = PeriodStagesSchema.safeParse(period?.stages);
  const stages: readonly Stage[] = listed.success ? listed.data : LEGACY_STAGES;
  const current = StageSchema.safeParse(period?.currentStage);
  if (current.success && stages.includes(current.data)) return { stages, current: current.data };
  if (!listed.success) return { stages, current: 'dokumen' };
  return { stages, current: stages[stages.length - 1] as Stage };
}

/**
 * The changes of ONE save when the verifier gives (or clears, `value` null) the value of an
 * indicator in `stage`: the stage's own value with who and when (`stages.<stage>`), and the
 * verified value with it — except in penilaian mandiri, whose value is the internal team's
 * and leaves the verified value untouched. `extra` (e.g. the outside index `sourceValue`)
 * is saved in the same mutation.
 *
 * @param by the name of the person giving the value, as the tablet knows it
 * @param at the edit's time on the tablet (epoch ms)
 */
export function stageValueChanges(
  stage: Stage,
  value: number | null,
  by: string,
  at: number,
  extra: VerificationChanges = {},
): VerificationChanges {
  const own: StageValue = { value, by: by.slice(0, 200), at };
  const key = stageField(stage) as StageKey;
  if (stage === 'mandiri') return { ...extra, [key]: own } as VerificationChanges;
  return { ...extra, verifiedLevel: value, [key]: own } as VerificationChanges;
}

/** One earlier stage's value as shown beside the input: value, who and when (when known). */
export interface EarlierValue {
  stage: Stage;
  value: number | null;
  by: string | null;
  at: number | null;
}

/**
 * The values of the stages before `current`, earliest first (core stageValueOf: penilaian
 * mandiri falls back to the imported self level, then without who and when). A stage with
 * no value is listed with value null, so the verifier sees it was not given.
 */
export function earlierValues(
  v: Verification | undefined,
  stages: readonly Stage[],
  current: Stage,
): EarlierValue[] {
  const fields = (v ?? {}) as Record<string, unknown>;
  return earlierStages(stages, current).map((stage) => {
    const own = fields[stageField(stage)] as StageValue | null | undefined;
    const given = own && typeof own === 'object' ? own : null;
    return {
      stage,
      value: stageValueOf(fields, stage),
      by: given?.by || null,
      at: given?.at ?? null,
    };
  });
}

/**
 * The value the level picker shows as chosen in `stage`: that stage's own value. After a
 * move (dokumen → interviu) nothing is chosen until the verifier gives the interview's value,
 * so an earlier stage's value is never mistaken for an answer in this one (the earlier values
 * are listed beside it). A record from before stages were recorded (a verified value and no
 * stage field at all) shows its verified value, which is the value of the stage it was made in.
 */
export function pickerValue(v: Verification | undefined, stage: Stage): number | null {
  const own = ownStageValue(v, stage);
  if (own) return own.value;
  if (stage === 'mandiri' || !v) return null;
  const fields = v as Record<string, unknown>;
  const anyStage = Object.keys(fields).some((k) => k.startsWith('stages.') && fields[k] != null);
  return anyStage ? null : (v.verifiedLevel ?? null);
}

/** The value of `stage` stored on the verification (its own field only), or undefined. */
export function ownStageValue(v: Verification | undefined, stage: Stage): StageValue | undefined {
  const own = (v as Record<string, unknown> | undefined)?.[stageField(stage)];
  return own && typeof own === 'object' ? (own as StageValue) : undefined;
}

/**
 * The sector service a Pemda chose for indicator `no` in this period ("Perizinan
 * Berusaha"), or null when the period names none (SPBE 2020 indicators 45–47).
 */
export function sectorServiceOf(period: Period | null | undefined, no: number): string | null {
  const list = period?.sectorServices;
  if (!Array.isArray(list)) return null;
  for (const s of list as unknown[]) {
    const e = s as { indicatorNo?: unknown; name?: unknown };
    if (e?.indicatorNo === no && typeof e.name === 'string' && e.name.trim()) return e.name.trim();
  }
  return null;
}

/** When a stage's value was given, as every tablet time: "2 Okt 2026, 09.00 WIB" (lib/clock.ts). */
export function stageWhen(at: number, locale: AuditLocale, zone: ZoneCode): string {
  return clockText(at, locale, zone);
}

/**
 * Insert a standard recommendation into the rekomendasi text: appended after what is
 * written (a blank line between), or replacing it when `replace` or when empty.
 */
export function insertRecommendation(current: string, text: string, replace: boolean): string {
  if (replace || current.trim() === '') return text;
  return `${current.replace(/\s+$/, '')}\n\n${text}`;
}
