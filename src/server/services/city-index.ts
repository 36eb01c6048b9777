import {
  type CitySummaryIndicator,
  type Consolidation,
  compileFramework,
  computeIndex,
  type Framework,
  type IndexResult,
  type IndexSummary,
  type LevelMap,
  type LevelSource,
  listIndicators,
  notApplicableRuleOf,
  type Stage,
  type StageIndex,
  stageValueOf,
} from '../../core';
import type { SelfLevelRow, StageCell, VerificationCell } from '../db/reporting.repository';
import type { Period } from '../domain';
import { BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';
import type { PeriodsService } from './periods.service';

/**
 * The city consolidation rule: what "the city's level" of an indicator is. Dashboard, plan,
 * reports and exports all read it from here, so the city index means one thing everywhere
 * (review shows one unit's own indices and shares only `summarise`).
 *
 * Why this rule: the SPBE evaluation scores the Pemerintah Daerah as a whole, so the city
 * level is the level of the city-level unit (kind `pemda`), not an average of sub-units.
 * Sub-units (OPD, kecamatan, kelurahan) are the field evidence behind it: the dashboard shows
 * them in the heatmap, the over-claims and the plan's "held back by" lists, but they never
 * enter the city index. A verified level is the verifier's finding and overrides the city's
 * own statement; until the verifier has set one, the self-assessed level (penilaian mandiri)
 * stands, so the index is complete from the first day and grows more verified over time.
 *
 * The rule as implemented:
 * 1. The city-level unit is, among the units of kind `pemda` in code order, the first with an
 *    assessment in the period; else the first with a self-assessed level in the period; else
 *    the first one; with no pemda unit at all there is none (every indicator unassessed).
 * 2. Per indicator of the period's instrument: the verified level of that unit's assessment
 *    (verification field `verifiedLevel`, when not null) → source `verified`; else its
 *    self-assessed level (the `self_assessments` table, not the tablet's copy) → source
 *    `self`; else no level → source `none`.
 * 3. The index is the OFFICIAL one (core `computeIndex`, rule `official`): the instrument's
 *    own method. PermenPANRB 59/2020 and 8/2026 score every indicator (level 1 already means
 *    absent or draft), so an indicator the verifier marked not applicable counts as level 1
 *    (instrument rule `notApplicable: "level-1"`, the default) — leaving it out and
 *    renormalising would raise the index above what the evaluation gives. Only an instrument
 *    that says `notApplicable: "exclude"` leaves such indicators out. An indicator valued
 *    from another agency's index without a value counts as 1 (8/2026). Not-applicable
 *    indicators keep their levels in the list and count neither as verified, self nor
 *    unassessed in the consolidation counts.
 * 4. The self index (the city's own statement) is computed from the self-assessed levels
 *    alone, official rule.
 * Every response carries the counts per source, so a Kepala Bidang sees how much of the
 * index is verified. Unit-level figures that leave not-applicable indicators out are
 * Telusur's own (rule `internal`) and are labelled so wherever they appear.
 */

/** Machine name of the rule, as responses carry it in `consolidation.rule`. */
export const CONSOLIDATION_RULE = 'pemda_verified_else_self' satisfies Consolidation['rule'];

const RULE_HEAD =
  'Level kota per indikator = level terverifikasi unit Pemerintah Daerah (jenis pemda) bila sudah diverifikasi, selain itu level penilaian mandiri kota. Indeks dihitung dengan metode resmi instrumen: ';

/** The rule in one Indonesian sentence, for the exports' Info lines (instruments that count not applicable as level 1, without outside indices). */
export const CONSOLIDATION_RULE_ID = `${RULE_HEAD}indikator yang dinyatakan tidak berlaku dihitung sebagai level 1 (setiap indikator dinilai).`;

/**
 * The consolidation rule of an instrument, in one Indonesian sentence: how it counts not
 * applicable, and — only when it has any — outside-index indicators without a value.
 */
export function consolidationRuleId(fw: Framework): string {
  const na =
    notApplicableRuleOf(fw) === 'exclude'
      ? 'indikator yang dinyatakan tidak berlaku dikeluarkan dan bobot lainnya dinormalkan ulang (aturan instrumen ini)'
      : 'indikator yang dinyatakan tidak berlaku dihitung sebagai level 1 (setiap indikator dinilai)';
  const outside = compileFramework(fw).indicators.some((i) => i.spec.source)
    ? ', dan indikator bernilai indeks instansi lain yang belum diisi dihitung 1'
    : '';
  return `${RULE_HEAD}${na}${outside}.`;
}

export interface CityIndicator {
  no: number;
  self: number | null;
  verified: number | null;
  /** The consolidated level (verified, else self). */
  level: number | null;
  source: LevelSource;
  notApplicable: boolean;
}

/** The city-level unit (kind pemda) whose levels are consolidated. */
export type CityUnit = NonNullable<Consolidation['unit']>;

export interface CityLevels {
  /** The city-level unit whose levels are consolidated; null when none exists. */
  unit: CityUnit | null;
  assessmentId: string | null;
  indicators: CityIndicator[];
  /** For core computeIndex / planImprovement. */
  consolidated: LevelMap;
  self: LevelMap;
  notApplicable: number[];
}

/** The city's levels and both of its indices, computed once per request and passed along. */
export interface CityIndex {
  levels: CityLevels;
  consolidation: Consolidation;
  /** Index of the self-assessed levels (the city's own statement), official rule. */
  self: IndexResult;
  /** Index of the consolidated levels, official rule (not applicable counts as level 1). */
  consolidated: IndexResult;
}

/** A period with its instrument and city index: what dashboard, plan and reports start from. */
export interface PeriodCity {
  period: Period;
  fw: Framework;
  city: CityIndex;
}

/** One indicator's consolidated level: the verified level, else the self-assessed one (rule 2). */
export function consolidateLevel(
  self: number | null,
  verified: number | null,
): { level: number | null; source: LevelSource } {
  if (verified !== null) return { level: verified, source: 'verified' };
  if (self !== null) return { level: self, source: 'self' };
  return { level: null, source: 'none' };
}

/**
 * The city levels of every indicator of `fw` from the city-level unit's rows (rules 2–3).
 * Pure: `selfRows` are the unit's self-assessed levels, `cells` its assessment's
 * verification cells (cells without an indicator number are ignored). Indicators absent
 * from both are `none`.
 */
export function consolidateCity(
  fw: Framework,
  unit: CityUnit | null,
  assessmentId: string | null,
  selfRows: readonly Pick<SelfLevelRow, 'indicatorNo' | 'level'>[],
  cells: readonly Pick<VerificationCell, 'indicatorNo' | 'verifiedLevel' | 'notApplicable'>[],
): CityLevels {
  const self = new Map(selfRows.map((r) => [r.indicatorNo, r.level]));
  const cellByNo = new Map(
    cells.filter((c) => c.indicatorNo !== null).map((c) => [c.indicatorNo as number, c]),
  );
  const indicators: CityIndicator[] = listIndicators(fw).map((ind) => {
    const s = self.get(ind.no) ?? null;
    const cell = cellByNo.get(ind.no);
    const v = cell?.verifiedLevel ?? null;
    return {
      no: ind.no,
      self: s,
      verified: v,
      ...consolidateLevel(s, v),
      notApplicable: cell?.notApplicable ?? false,
    };
  });
  return {
    unit,
    assessmentId,
    indicators,
    consolidated: Object.fromEntries(indicators.map((i) => [i.no, i.level])),
    self: Object.fromEntries(indicators.map((i) => [i.no, i.self])),
    notApplicable: indicators.filter((i) => i.notApplicable).map((i) => i.no),
  };
}

/** How many applicable indicators came from which source (rule 3: not-applicable ones apart). */
export function consolidationOf(levels: CityLevels): Consolidation {
  const applicable = levels.indicators.filter((i) => !i.notApplicable);
  return {
    rule: CONSOLIDATION_RULE,
    unit: levels.unit,
    assessmentId: levels.assessmentId,
    verifiedCount: applicable.filter((i) => i.source === 'verified').length,
    selfOnlyCount: applicable.filter((i) => i.source === 'self').length,
    unassessedCount: applicable.filter((i) => i.source === 'none').length,
    notApplicable: levels.notApplicable,
  };
}

/** The city index of consolidated `levels`: both indices (rules 3–4) and the counts. */
export function cityIndexOf(fw: Framework, levels: CityLevels): CityIndex {
  return {
    levels,
    consolidation: consolidationOf(levels),
    self: computeIndex(fw, levels.self, { rule: 'official' }),
    consolidated: computeIndex(fw, levels.consolidated, {
      notApplicable: levels.notApplicable,
      rule: 'official',
    }),
  };
}

/** The city's indicators with their names, group names and weights (summary page, exports). */
export function namedCityIndicators(fw: Framework, levels: CityLevels): CitySummaryIndicator[] {
  const c = compileFramework(fw);
  const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
  return levels.indicators.map((i): CitySummaryIndicator => {
    const ind = c.byNo.get(i.no);
    return {
      ...i,
      name: ind?.spec.name ?? '',
      groups: (ind?.path ?? []).map((g) => groupName.get(g) ?? g),
      weight: ind?.spec.weight ?? 0,
    };
  });
}

/** The summary fields of a core index result (groups left out); the index stays exact. */
export function summarise(r: IndexResult): IndexSummary {
  return {
    index: r.index,
    predicate: r.predicate,
    complete: r.complete,
    assessedCount: r.assessedCount,
    applicableCount: r.applicableCount,
    rule: r.rule,
    renormalised: r.renormalised,
    notApplicableAsLevel1: r.notApplicableAsLevel1,
    missingSourceAsLevel1: r.missingSourceAsLevel1,
  };
}

/**
 * The index of one unit (or of the city, given the city-level unit's rows) in each of
 * `stages`: per indicator the stage's own value (verification field `stages.<stage>`), and
 * for penilaian mandiri without one the self-assessed level of the `self_assessments` table
 * (core `stageValueOf`, as rule 2 reads self levels); then core `computeIndex`, official
 * rule, not-applicable marks as in rule 3. An indicator without a value in a stage leaves
 * that stage's index incomplete. Pure.
 *
 * @param selfRows the unit's self-assessed levels
 * @param cells the stage fields of the unit's assessment's verifications
 * @returns one entry per stage, in the order given; `valued` counts indicators with a value
 */
export function stageIndices(
  fw: Framework,
  stages: readonly Stage[],
  selfRows: readonly Pick<SelfLevelRow, 'indicatorNo' | 'level'>[],
  cells: readonly StageCell[],
): StageIndex[] {
  const self = new Map(selfRows.map((r) => [r.indicatorNo, r.level]));
  const cellByNo = new Map(
    cells.filter((c) => c.indicatorNo !== null).map((c) => [c.indicatorNo as number, c]),
  );
  const indicators = listIndicators(fw);
  const notApplicable = indicators
    .filter((i) => cellByNo.get(i.no)?.notApplicable)
    .map((i) => i.no);
  return stages.map((stage) => {
    const levels: Record<number, number | null> = {};
    for (const ind of indicators) {
      const fields = { ...cellByNo.get(ind.no)?.fields, selfLevel: self.get(ind.no) ?? null };
      levels[ind.no] = stageValueOf(fields, stage);
    }
    return {
      stage,
      valued: Object.values(levels).filter((v) => v !== null).length,
      index: summarise(computeIndex(fw, levels, { notApplicable, rule: 'official' })),
    };
  });
}

/** Reads a period's city index from the database (rule 1 picks the unit, then the pure rule). */
export class CityIndexService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly periods: PeriodsService,
    private readonly frameworks: FrameworksService,
  ) {
    super(deps);
  }

  /** Period and its instrument (404 `not_found` for an unknown period). */
  async periodWithFramework(periodId: string): Promise<{ period: Period; fw: Framework }> {
    const period = await this.periods.get(periodId);
    return { period, fw: await this.frameworks.get(period.frameworkId) };
  }

  /** Period, instrument and city index in one go (404 `not_found` for an unknown period). */
  async forPeriod(periodId: string): Promise<PeriodCity> {
    const { period, fw } = await this.periodWithFramework(periodId);
    return { period, fw, city: await this.of(period, fw) };
  }

  /** The city index of a period: a handful of queries, whatever the number of units. */
  async of(period: Period, fw: Framework): Promise<CityIndex> {
    const { unit, assessmentId } = await this.cityUnit(period.id);
    const [selfRows, cells] = await Promise.all([
      unit ? this.repos.reporting.selfLevels(period.id, [unit.id]) : [],
      assessmentId ? this.repos.reporting.verificationCells([assessmentId]) : [],
    ]);
    return cityIndexOf(fw, consolidateCity(fw, unit, assessmentId, selfRows, cells));
  }

  /** Rule 1: which pemda unit stands for the city in this period, and its assessment. */
  async cityUnit(
    periodId: string,
  ): Promise<{ unit: CityUnit | null; assessmentId: string | null }> {
    const pemdas = await this.repos.reporting.unitsOfKind('pemda');
    for (const p of pemdas) {
      const a = await this.repos.assignments.findAssessment(periodId, p.id);
      if (a) return { unit: p, assessmentId: a.id };
    }
    for (const p of pemdas)
      if ((await this.repos.reporting.selfLevels(periodId, [p.id])).length > 0)
        return { unit: p, assessmentId: null };
    return { unit: pemdas[0] ?? null, assessmentId: null };
  }
}
