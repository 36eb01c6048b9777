import * as z from 'zod/mini';
import { FrameworkRefSchema, IndexSummarySchema } from './dashboard';
import { count, LevelSourceSchema, levelValue, ms } from './wire';

/**
 * The official result KemenPANRB publishes for the Pemda, imported into a period, next to the
 * local verification (issue 17; README "Hasil resmi").
 *
 * - PUT /api/periods/:id/official takes the file (CSV as the template, or XLSX, first sheet,
 *   same columns) and replaces the period's whole set in one transaction; every row is
 *   checked first and any bad row refuses the whole file (422 `official_invalid` with
 *   `details.rows`: CsvRowReport per row, the row number as the file shows it).
 * - GET /api/periods/:id/official compares it with the city's consolidated levels (the
 *   city-index rule, ADR 0002) and with the previous period of the same instrument.
 *
 * Every index here is EXACT and computed with the instrument's official rule (core
 * `computeIndex`); pages show it with core `describeIndex` (rounded half up, predicate from
 * the exact value). Differences are exact too (hundredths of a level).
 */

/** Query of PUT /api/periods/:id/official: the uploaded file's name, kept with the values. */
export const OfficialImportQuery = z.object({
  file: z.optional(z.string().check(z.maxLength(255))),
});

/** Where the previous period's value of an indicator comes from. */
export const PREVIOUS_SOURCES = ['official', 'verified', 'self'] as const;
export const PreviousSourceSchema = z.enum(PREVIOUS_SOURCES);
export type PreviousSource = z.infer<typeof PreviousSourceSchema>;

/** The last import of the period's official result; null when none was imported. */
export const OfficialImportInfoSchema = z.strictObject({
  at: ms,
  /** Account id of the coordinator who imported it (null for the system). */
  by: z.nullable(z.string()),
  byName: z.nullable(z.string()),
  /** The file's name as uploaded ('' when the client gave none). */
  sourceName: z.string(),
  indicatorCount: count,
  /** How many imports the period has had (a re-import replaces the values, the log stays). */
  importCount: count,
});
export type OfficialImportInfo = z.infer<typeof OfficialImportInfoSchema>;

/** A period a comparison refers to. */
export const PeriodRefSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  year: z.int(),
  frameworkId: z.string(),
});
export type PeriodRef = z.infer<typeof PeriodRefSchema>;

/**
 * The previous period of the same instrument (latest earlier by year, then creation), and
 * where its values come from: its own official result when one was imported (`official`),
 * else its city levels by the city-index rule (`city`: verified, else self, per indicator).
 */
export const PreviousPeriodSchema = z.strictObject({
  period: PeriodRefSchema,
  source: z.enum(['official', 'city']),
});
export type PreviousPeriod = z.infer<typeof PreviousPeriodSchema>;

/** One indicator of the comparison. */
export const OfficialIndicatorSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  /** As imported; null when no official result is imported. */
  official: z.nullable(levelValue),
  /** The cell as the imported file wrote it ("1,17"); null as above. */
  published: z.nullable(z.string()),
  /** The city's consolidated level (verified, else self; city-index rule). */
  local: z.nullable(levelValue),
  localSource: LevelSourceSchema,
  /** The city's penilaian mandiri. */
  self: z.nullable(levelValue),
  /** local − official, exact to the hundredth; null when either is missing. */
  difference: z.nullable(z.number()),
  /** The local verification gave more than the official result (local > official). */
  higherThanOfficial: z.boolean(),
  /** The previous period's value (see `previous.source`); null without one. */
  previous: z.nullable(levelValue),
  previousSource: z.nullable(PreviousSourceSchema),
  /** The official value is below the previous period's value. */
  fell: z.boolean(),
});
export type OfficialIndicator = z.infer<typeof OfficialIndicatorSchema>;

/** Answer of GET /api/periods/:id/official. */
export const OfficialComparisonSchema = z.strictObject({
  period: PeriodRefSchema,
  framework: FrameworkRefSchema,
  imported: z.nullable(OfficialImportInfoSchema),
  /** computeIndex of the official values (official rule). */
  official: IndexSummarySchema,
  /** The city index of the local verification (city-index rule). */
  local: IndexSummarySchema,
  /** The city's penilaian mandiri index. */
  self: IndexSummarySchema,
  previous: z.nullable(PreviousPeriodSchema),
  /**
   * The latest earlier period when it is on another instrument (e.g. Pemantauan SPBE 2025 on
   * 59/2020 before Evaluasi Pemdi 2026): not compared per indicator, because indicator
   * numbers and scales differ between instruments (47 indicators vs 20; indicator 5 of one is
   * not indicator 5 of the other). Null when there is none or it is the same instrument.
   */
  otherInstrument: z.nullable(PeriodRefSchema),
  indicators: z.array(OfficialIndicatorSchema),
  higherThanOfficialCount: count,
  fellCount: count,
});
export type OfficialComparison = z.infer<typeof OfficialComparisonSchema>;
