import * as z from 'zod/mini';
import { ActionCountsSchema } from './actions';
import { FrameworkRefSchema, IndexSummarySchema } from './dashboard';
import { PeriodRefSchema } from './official';
import { count, levelValue, PeriodStatusSchema } from './wire';

/**
 * The index over the years (issue 18): every period of the organisation, oldest first,
 * across instruments (SPBE PermenPANRB 59/2020 periods and Pemdi PermenPANRB 8/2026
 * periods). Every index is EXACT and computed with the instrument's official rule (core
 * `computeIndex`); pages round half up with `describeIndex`.
 */

/** A group (domain, aspect) of one period's instrument with its three indices. */
export const HistoryGroupSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  depth: count,
  self: z.nullable(z.number()),
  verified: z.nullable(z.number()),
  official: z.nullable(z.number()),
});
export type HistoryGroup = z.infer<typeof HistoryGroupSchema>;

/** One period of the history. */
export const HistoryPeriodSchema = z.strictObject({
  period: z.strictObject({ ...PeriodRefSchema.shape, status: PeriodStatusSchema }),
  framework: FrameworkRefSchema,
  /** The city's penilaian mandiri. */
  self: IndexSummarySchema,
  /** The city index of the verification (city-index rule: verified, else self). */
  verified: IndexSummarySchema,
  /** computeIndex of the imported official result; null when none was imported. */
  official: z.nullable(IndexSummarySchema),
  groups: z.array(HistoryGroupSchema),
  /** Improvement actions made in the period, by display status. */
  actions: ActionCountsSchema,
});
export type HistoryPeriod = z.infer<typeof HistoryPeriodSchema>;

/**
 * Which values an indicator comparison reads: both periods' official results when both
 * were imported, else both periods' city levels (city-index rule). Never one of each.
 */
export const HISTORY_BASES = ['official', 'city'] as const;
export const HistoryBasisSchema = z.enum(HISTORY_BASES);
export type HistoryBasis = z.infer<typeof HistoryBasisSchema>;

/** An indicator whose value changed between two periods of the same instrument. */
export const HistoryIndicatorChangeSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  from: z.nullable(levelValue),
  to: z.nullable(levelValue),
  /** to − from, exact to the hundredth; null when either is missing. */
  change: z.nullable(z.number()),
});
export type HistoryIndicatorChange = z.infer<typeof HistoryIndicatorChangeSchema>;

/**
 * Two consecutive periods. Same instrument: indicators that rose or fell (`rose`, `fell`,
 * by size of change, largest first) and group indices side by side. Another instrument
 * (`sameInstrument` false): only the overall index is compared, because the instruments'
 * aspects, indicators and scales differ (47 indicators in 4 domains vs 20 in 7 aspects;
 * indicator 5 of one is not indicator 5 of the other) — the page says so.
 */
export const HistoryStepSchema = z.strictObject({
  fromPeriodId: z.string(),
  toPeriodId: z.string(),
  sameInstrument: z.boolean(),
  /** null when `sameInstrument` is false. */
  basis: z.nullable(HistoryBasisSchema),
  /** Overall verified (city) index change, exact; null when either is missing. */
  verifiedChange: z.nullable(z.number()),
  /** Overall official index change, exact; null unless both periods have an official result. */
  officialChange: z.nullable(z.number()),
  rose: z.array(HistoryIndicatorChangeSchema),
  fell: z.array(HistoryIndicatorChangeSchema),
  unchangedCount: count,
});
export type HistoryStep = z.infer<typeof HistoryStepSchema>;

/** Answer of GET /api/history (coordinator, viewer): periods by year, then creation. */
export const HistorySchema = z.strictObject({
  periods: z.array(HistoryPeriodSchema),
  steps: z.array(HistoryStepSchema),
});
export type History = z.infer<typeof HistorySchema>;
