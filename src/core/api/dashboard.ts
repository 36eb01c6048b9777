import * as z from 'zod/mini';
import { SIGNING_STATES } from '../record-state';
import { StageSchema } from '../workflow-schema';
import { DEFAULT_PAGE, MAX_PAGE } from './enums';
import { PeriodSchema } from './setup';
import {
  count,
  IndexRuleSchema,
  idField,
  LevelSourceSchema,
  levelValue,
  ms,
  ProgressStatusSchema,
  queryInt,
  twoDecimals,
  UnitKindSchema,
} from './wire';

/**
 * The coordinator's dashboard of a period and its improvement plan (GET /api/dashboard/…).
 *
 * "The city's level" of an indicator is the level of the city-level unit (kind `pemda`): its
 * verified level where the verifier set one, else its penilaian mandiri, else unassessed
 * (rule `pemda_verified_else_self`). Sub-units are the field evidence behind it (heatmap,
 * over-claims, "held back by"), never averaged into it.
 *
 * Every index in these answers is EXACT (unrounded) and computed with the instrument's
 * official rule unless it says `rule: "internal"`; pages show it with core `describeIndex`
 * (rounded half up, the predicate from the exact value, the level name of the instrument's
 * `indexScale`, and the note when rounding crossed a band edge), reading the instrument from
 * GET /api/frameworks/:id (`framework.id`). Indicator values (levels) may carry two decimals
 * on a decimal instrument (PermenPANRB 8/2026); pages write them with core `formatValue`.
 */

/** An index as core computeIndex summarises it (exact value; pages round with core). */
export const IndexSummarySchema = z.strictObject({
  index: z.nullable(z.number()),
  /** From the exact index and the instrument's bands. */
  predicate: z.nullable(z.string()),
  complete: z.boolean(),
  assessedCount: count,
  applicableCount: count,
  /**
   * `official`: the instrument's method (not applicable counts as level 1 unless the
   * instrument says otherwise). `internal`: Telusur's own unit figure, not-applicable
   * indicators left out — to be shown labelled as internal, never as the official index.
   */
  rule: IndexRuleSchema,
  /** Indicators marked not applicable were left out and the other weights renormalised. */
  renormalised: z.boolean(),
  /** Indicators marked not applicable that the official rule counted as level 1. */
  notApplicableAsLevel1: count,
  /** Outside-index indicators without a value, counted as 1 (PermenPANRB 8/2026). */
  missingSourceAsLevel1: count,
});
export type IndexSummary = z.infer<typeof IndexSummarySchema>;

/** Name of the consolidation rule every city index follows. */
export const CONSOLIDATION_RULES = ['pemda_verified_else_self'] as const;

/** How the city's levels were consolidated, and how many came from which source. */
export const ConsolidationSchema = z.strictObject({
  rule: z.enum(CONSOLIDATION_RULES),
  /** The city-level unit whose levels are consolidated; null when none exists. */
  unit: z.nullable(z.strictObject({ id: z.string(), code: z.string(), name: z.string() })),
  assessmentId: z.nullable(z.string()),
  verifiedCount: count,
  selfOnlyCount: count,
  unassessedCount: count,
  notApplicable: z.array(z.int()),
});
export type Consolidation = z.infer<typeof ConsolidationSchema>;

/** The instrument a view was computed with. */
export const FrameworkRefSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  version: z.string(),
});
export type FrameworkRef = z.infer<typeof FrameworkRefSchema>;

/** One group (domain, aspect) of the instrument: its self-assessed and consolidated index. */
export const GroupIndicesSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  depth: count,
  parentId: z.nullable(z.string()),
  weight: z.number(),
  self: z.nullable(z.number()),
  consolidated: z.nullable(z.number()),
});
export type GroupIndices = z.infer<typeof GroupIndicesSchema>;

/** The city's self-assessed and consolidated index against the period's target. */
export const CityIndicesSchema = z.strictObject({
  self: IndexSummarySchema,
  consolidated: IndexSummarySchema,
  target: z.number(),
});
export type CityIndices = z.infer<typeof CityIndicesSchema>;

/** Units counted over the filter; `byStatus` counts assigned units only. */
export const ProgressCountsSchema = z.strictObject({
  total: count,
  assigned: count,
  byStatus: z.record(ProgressStatusSchema, count),
});
export type ProgressCounts = z.infer<typeof ProgressCountsSchema>;

/** Progress of one unit's verification in the period. */
export const UnitProgressSchema = z.strictObject({
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  kind: UnitKindSchema,
  parentId: z.nullable(z.string()),
  assessmentId: z.nullable(z.string()),
  assigned: z.boolean(),
  status: ProgressStatusSchema,
  /** The assessment's `status` field as stored (null without an assessment). */
  storedStatus: z.nullable(z.string()),
  /**
   * Whether the berita acara's signatures hold (`void`: "tanda tangan batal", a result or
   * signature changed after signing), read for a listed unit past draft; null when not read
   * (no assessment, a draft, or a row not on the dashboard's page).
   */
  signing: z.nullable(z.enum(SIGNING_STATES)),
  done: count,
  verified: count,
  notApplicable: count,
  indicatorCount: count,
  files: count,
  filesHeld: count,
  updatedAt: z.nullable(ms),
});
export type UnitProgress = z.infer<typeof UnitProgressSchema>;

/** One unit's row of the units × indicators heatmap. */
export const HeatmapRowSchema = z.strictObject({
  unitId: z.string(),
  assessmentId: z.string(),
  code: z.string(),
  name: z.string(),
  /** Per indicator, in `heatmap.indicators` order. */
  self: z.array(z.nullable(levelValue)),
  verified: z.array(z.nullable(levelValue)),
  notApplicable: z.array(z.int()),
  /**
   * Per indicator, in `heatmap.indicators` order: the first level (from 2 up to the verified
   * one) whose expected evidence the verifier has not all marked present — levels are
   * cumulative, so the cell reads "Level 4, bukti level 2 belum lengkap" — or null when the
   * verified level is supported (or unset, level 1, or valued from an outside index). Core
   * `cumulativeGap` over the verification's `checks.<level>.<i>` states.
   */
  cumulativeGap: z.array(z.nullable(z.int())),
  /** The unit's verified index, official rule (not applicable counts as level 1); exact. */
  index: z.nullable(z.number()),
});
export type HeatmapRow = z.infer<typeof HeatmapRowSchema>;

/** An indicator where verifiers lowered self-assessed levels. */
export const OverclaimSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  compared: count,
  lowered: count,
  raised: count,
  /** Sum of the level-steps lost where lowered (two decimals on a decimal instrument). */
  stepsLost: z.number().check(z.gte(0)),
  /** lowered / compared. */
  share: z.number(),
});
export type Overclaim = z.infer<typeof OverclaimSchema>;

/** The dashboard's unit filter, as applied. */
export const UnitFilterSchema = z.strictObject({
  parentId: z.optional(z.string()),
  kind: z.optional(UnitKindSchema),
});
export type UnitFilter = z.infer<typeof UnitFilterSchema>;

/** How every city-level view (dashboard, plan, city summary) begins. */
export const CityViewHeadSchema = z.strictObject({
  period: PeriodSchema,
  /** The instrument the view was computed with. */
  framework: FrameworkRefSchema,
  generatedAt: ms,
  consolidation: ConsolidationSchema,
});

/** The city's picture that the dashboard and the printed city summary share. */
export const CityOverviewSchema = z.strictObject({
  ...CityViewHeadSchema.shape,
  city: CityIndicesSchema,
  groups: z.array(GroupIndicesSchema),
  progress: ProgressCountsSchema,
  overclaims: z.array(OverclaimSchema),
});

// --- index per stage ----------------------------------------------------------------------

/**
 * The index of one stage: the stage's value per indicator (core `stageValueOf`: penilaian
 * mandiri falls back to the self-assessed level) through core `computeIndex`, official rule.
 * `valued` counts the indicators that hold a value in that stage; an indicator without one
 * leaves the index incomplete (`index.complete` false), never counted as 1.
 */
export const StageIndexSchema = z.strictObject({
  stage: StageSchema,
  valued: count,
  index: IndexSummarySchema,
});
export type StageIndex = z.infer<typeof StageIndexSchema>;

/** One unit's indices per stage of the period (units with an assessment or a self level). */
export const UnitStagesSchema = z.strictObject({
  unitId: z.string(),
  code: z.string(),
  name: z.string(),
  kind: UnitKindSchema,
  assessmentId: z.nullable(z.string()),
  /** In the order of the period's stages. */
  stages: z.array(StageIndexSchema),
});
export type UnitStages = z.infer<typeof UnitStagesSchema>;

/**
 * Answer of GET /api/dashboard/:periodId/stages: how the index moved between the period's
 * stages, for the city (the city-level unit's stage values, as the city rule reads
 * `verifiedLevel`) and per unit in code order. Indices exact; pages round with core.
 */
export const StagesViewSchema = z.strictObject({
  period: PeriodSchema,
  framework: FrameworkRefSchema,
  generatedAt: ms,
  city: z.strictObject({
    unit: z.nullable(z.strictObject({ id: z.string(), code: z.string(), name: z.string() })),
    assessmentId: z.nullable(z.string()),
    stages: z.array(StageIndexSchema),
  }),
  units: z.array(UnitStagesSchema),
});
export type StagesView = z.infer<typeof StagesViewSchema>;

/** Answer of GET /api/dashboard/:periodId. */
export const DashboardViewSchema = z.strictObject({
  ...CityOverviewSchema.shape,
  filter: UnitFilterSchema,
  /** The page of units (only assigned ones when asked), in code order. */
  units: z.array(UnitProgressSchema),
  /** Units the page was cut from (all filtered units, or the assigned ones). */
  unitCount: count,
  offset: count,
  limit: count,
  heatmap: z.strictObject({
    indicators: z.array(z.strictObject({ no: z.int(), name: z.string(), groupId: z.string() })),
    rows: z.array(HeatmapRowSchema),
  }),
  kecamatan: z.array(z.strictObject({ id: z.string(), name: z.string() })),
});
export type DashboardView = z.infer<typeof DashboardViewSchema>;

/** GET /api/dashboard/:periodId query. */
export const DashboardQuery = z.object({
  parentId: z.optional(idField),
  kind: z.optional(UnitKindSchema),
  offset: z._default(queryInt(0, 10_000_000), 0),
  limit: z._default(queryInt(1, MAX_PAGE), DEFAULT_PAGE),
  /** `true`: list (and page) only units with an assessment in the period. */
  assigned: z._default(z.enum(['true', 'false']), 'false'),
});
export type DashboardQueryInput = z.input<typeof DashboardQuery>;

// --- improvement plan -----------------------------------------------------------------

/** One indicator the plan raises, with the evidence it needs and the units still below. */
export const PlanItemSchema = z.strictObject({
  no: z.int(),
  name: z.string(),
  /** Names of the groups from the domain down to the aspect. */
  groups: z.array(z.string()),
  weight: z.number(),
  /** The value now (two decimals on a decimal instrument: 1.25 → 2 is one step). */
  from: levelValue,
  /** The whole level the plan raises it to. */
  to: z.int(),
  steps: count,
  effort: z.number(),
  source: LevelSourceSchema,
  /** Marked not applicable by the verifier: officially counted as level 1, so `from` is 1. */
  notApplicable: z.boolean(),
  /** Criteria of the required level, and the evidence it needs (instrument levels[].evidence). */
  criteria: z.nullable(z.string()),
  evidence: z.array(z.string()),
  heldBackBy: z.strictObject({
    total: count,
    units: z.array(
      z.strictObject({
        unitId: z.string(),
        code: z.string(),
        name: z.string(),
        level: levelValue,
      }),
    ),
  }),
});
export type PlanItem = z.infer<typeof PlanItemSchema>;

/** Answer of GET /api/dashboard/:periodId/plan (and part of the city summary). */
export const PlanViewSchema = z.strictObject({
  ...CityViewHeadSchema.shape,
  target: z.number(),
  /** Effort weights other than 1 (JSON keys are indicator numbers) and fixed indicators. */
  options: z.strictObject({
    effort: z.record(z.string(), z.number()),
    fixed: z.array(z.int()),
  }),
  current: IndexSummarySchema,
  /** The planner's starting index (unassessed indicators counted as level 1); exact. */
  plannerIndex: z.number(),
  resultingIndex: z.number(),
  resultingPredicate: z.nullable(z.string()),
  reachable: z.boolean(),
  /**
   * The index the listed steps aim for: the target, or — when it is out of reach — the best
   * index reachable (two decimals, rounded down so the steps reach it), so a coordinator
   * still gets the plan that gets closest.
   */
  stepsTarget: z.number(),
  /**
   * The period's cap of level-steps per indicator (period setting `planStepCap`) that the
   * plan kept to.
   */
  maxStepsPerIndicator: z.int(),
  /**
   * The target is out of reach only because of the cap: without it the plan would reach
   * it. The page says "target tidak tercapai dengan batas N langkah per indikator; yang
   * dapat dicapai: `maxIndex`".
   */
  capLimited: z.boolean(),
  /** The highest index reachable within the cap; exact. */
  maxIndex: z.number(),
  totalEffort: z.number(),
  stepCount: count,
  indicatorsTouched: count,
  items: z.array(PlanItemSchema),
  /** Every indicator, for the effort / fixed controls. */
  indicators: z.array(
    z.strictObject({
      no: z.int(),
      name: z.string(),
      level: z.nullable(levelValue),
      source: LevelSourceSchema,
      /** Marked not applicable: officially level 1 whatever `level` says. */
      notApplicable: z.boolean(),
      weight: z.number(),
    }),
  ),
});
export type PlanView = z.infer<typeof PlanViewSchema>;

/**
 * GET /api/dashboard/:periodId/plan query: `target=3.5`, `effort=12:2,13:0.5` (indicator:
 * weight, 0 < weight ≤ 1000) → { 12: 2, 13: 0.5 }, `fixed=5,7` → [5, 7].
 */
export const PlanQuery = z.object({
  target: z.optional(z.coerce.number().check(z.gte(1), z.lte(5), twoDecimals)),
  effort: z.pipe(
    z.optional(z.string().check(z.maxLength(4000))),
    z.transform((s, ctx) => {
      const out: Record<number, number> = {};
      for (const part of listParts(s)) {
        const m = /^\s*(\d{1,3})\s*:\s*(\d{1,4}(?:\.\d{1,3})?)\s*$/.exec(part);
        const value = Number(m?.[2]);
        if (!m || !(value > 0) || value > 1000) {
          ctx.issues.push({
            code: 'custom',
            input: s,
            message: `"${part.slice(0, 20)}": no:bobot, bobot 0 < x ≤ 1000`,
          });
          return z.NEVER;
        }
        out[Number(m[1])] = value;
      }
      return out;
    }),
  ),
  fixed: z.pipe(
    z.optional(z.string().check(z.maxLength(4000))),
    z.transform((s, ctx) => {
      const out: number[] = [];
      for (const part of listParts(s)) {
        const r = queryInt(1, 999).safeParse(part.trim());
        if (!r.success) {
          ctx.issues.push({
            code: 'custom',
            input: s,
            message: `"${part.slice(0, 20)}": nomor indikator`,
          });
          return z.NEVER;
        }
        out.push(r.data);
      }
      return out;
    }),
  ),
});
export type PlanQueryInput = z.input<typeof PlanQuery>;

/** The non-blank comma-separated parts of an optional query value. */
function listParts(s: string | undefined): string[] {
  return (s ?? '').split(',').filter((p) => p.trim() !== '');
}
