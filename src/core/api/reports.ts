import * as z from 'zod/mini';
import { CityOverviewSchema, PlanViewSchema } from './dashboard';
import { LevelSourceSchema, levelValue } from './wire';

/** One indicator of the city: both levels, the consolidated one and where it came from. */
export const CitySummaryIndicatorSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  /** Names of the groups from the domain down to the aspect. */
  groups: z.array(z.string()),
  weight: z.number(),
  self: z.nullable(levelValue),
  verified: z.nullable(levelValue),
  /** The consolidated level (verified, else self). */
  level: z.nullable(levelValue),
  source: LevelSourceSchema,
  notApplicable: z.boolean(),
});
export type CitySummaryIndicator = z.infer<typeof CitySummaryIndicatorSchema>;

/**
 * Answer of GET /api/reports/periods/:periodId/summary: everything the printable city
 * summary shows (indices, the charts' data, progress, over-claims, the plan).
 */
export const CitySummarySchema = z.strictObject({
  ...CityOverviewSchema.shape,
  indicators: z.array(CitySummaryIndicatorSchema),
  plan: PlanViewSchema,
});
export type CitySummary = z.infer<typeof CitySummarySchema>;
