import * as z from 'zod/mini';
import { safeText, timeMs } from './text';
import { PERIOD_TYPES, STAGES, type Stage } from './workflow';

/**
 * Schemas of the workflow's values (./workflow holds the facts and rules): stages, a stage's
 * value, period types, sector services, calendar dates. Apart so the tablet's first screen,
 * which only reads stages, never loads zod; the store, sync and the server validate with them.
 */

export const StageSchema = z.enum(STAGES);

/**
 * A period's chosen stages: at least one, no repeats, in the order of `STAGES` (a stage
 * never comes before one it follows in the evaluation).
 */
export const PeriodStagesSchema = z.array(StageSchema).check(
  z.minLength(1),
  z.maxLength(STAGES.length),
  z.refine(
    (list) =>
      list.every((s, i) => i === 0 || STAGES.indexOf(s) > STAGES.indexOf(list[i - 1] as Stage)),
    'stages in the order of the evaluation, each once',
  ),
);

/**
 * A verification's value in one stage, with who gave it and when (the edit's time on the
 * tablet, epoch ms). Kept in the dynamic field `stages.<stage>` of the verification, so
 * each stage's value syncs, merges and conflicts like every other field. `value` null
 * means the value was cleared in that stage.
 */
export const StageValueSchema = z.object({
  value: z.nullable(
    z.number().check(
      z.gte(1),
      z.lte(5),
      z.refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'at most two decimals'),
    ),
  ),
  by: safeText(200),
  at: timeMs(),
});
export type StageValue = z.infer<typeof StageValueSchema>;

export const PeriodTypeSchema = z.enum(PERIOD_TYPES);

/**
 * The sector service a Pemda chose for one of the service indicators of SPBE 2020
 * (indicators 45–47 "Layanan Publik Sektor 1–3", PermenPANRB 59/2020 Lampiran), named per
 * period and shown on that indicator.
 */
export const SectorServiceSchema = z.object({
  indicatorNo: z.int().check(z.gte(1), z.lte(999)),
  name: safeText(200).check(z.minLength(1)),
});
export type SectorService = z.infer<typeof SectorServiceSchema>;

/** Whether `YYYY-MM-DD` names a day of the calendar (no 30 February, no 31 April). */
function isCalendarDay(s: string): boolean {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** An ISO calendar date (`YYYY-MM-DD`) of a real day, as an SK's date or a due date is written. */
export const IsoDateSchema = z
  .string()
  .check(
    z.regex(/^(20\d\d|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD'),
    z.refine(isCalendarDay, 'YYYY-MM-DD'),
  );
