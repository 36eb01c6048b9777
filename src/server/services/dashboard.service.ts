import {
  compileFramework,
  computeIndex,
  type Framework,
  type IndexResult,
  type LevelMap,
  listIndicators,
  MAX_LEVEL,
  MIN_LEVEL,
  planImprovement,
} from '../../core';
import type { UnitFilter, UnitProgressRow } from '../db/reporting.repository';
import type { Period, UnitKind } from '../domain';
import { fieldProblem } from '../problems';
import { BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';
import type { PeriodsService } from './periods.service';

/**
 * The coordinator's dashboard and improvement plan (issue 7).
 *
 * Consolidation (what "the city's level" of an indicator is): the evaluation scores the
 * Pemerintah Daerah as a whole, so the city level of an indicator is the level of the
 * city-level unit (the unit of kind `pemda`): its VERIFIED level where the verifier has set
 * one, else its SELF-ASSESSED level (penilaian mandiri), else unassessed. Indicators the
 * verifier marked not applicable are left out and the remaining weights renormalised
 * (core `computeIndex`). Sub-units (OPD, kecamatan, kelurahan) do not average into the city
 * index: they are the field evidence behind it, shown in the heatmap, the over-claims and
 * the plan's "held back by" lists. Every response says how many indicators came from which
 * source, so a Kepala Bidang sees how much of the index is verified.
 */

/** Progress of one unit as the dashboard shows it (derived, see `progressStatus`). */
export const PROGRESS_STATUSES = [
  'belum',
  'sedang',
  'selesai',
  'terkirim',
  'disetujui',
  'dikembalikan',
] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

/**
 * The dashboard status of a unit, from its assessment's `status` field in the record
 * store plus whether the server holds its data:
 * - no assessment (not assigned), or `belum` with nothing verified → `belum`;
 * - `sedang` (or `belum` with something verified) → `sedang`;
 * - finished on the tablet (`selesai`, berita acara signed) → `terkirim` once the server
 *   holds every evidence file the assessment references (hash-verified), else `selesai`
 *   (finished, files still on their way);
 * - the coordinator's `disetujui` / `dikembalikan` as they are.
 */
export function progressStatus(
  row: Pick<UnitProgressRow, 'assessmentId' | 'status' | 'done' | 'files' | 'filesHeld'>,
): ProgressStatus {
  if (!row.assessmentId) return 'belum';
  switch (row.status) {
    case 'disetujui':
    case 'dikembalikan':
      return row.status;
    case 'selesai':
    case 'terkirim':
      return row.filesHeld >= row.files ? 'terkirim' : 'selesai';
    case 'sedang':
      return 'sedang';
    default:
      return row.done > 0 ? 'sedang' : 'belum';
  }
}

export interface IndexSummary {
  index: number | null;
  predicate: string | null;
  complete: boolean;
  assessedCount: number;
  applicableCount: number;
  renormalised: boolean;
}

export function summarise(r: IndexResult): IndexSummary {
  return {
    index: r.index,
    predicate: r.predicate,
    complete: r.complete,
    assessedCount: r.assessedCount,
    applicableCount: r.applicableCount,
    renormalised: r.renormalised,
  };
}

/** Where a consolidated city level came from. */
export type LevelSource = 'verified' | 'self' | 'none';

export interface CityIndicator {
  no: number;
  self: number | null;
  verified: number | null;
  /** The consolidated level (verified, else self). */
  level: number | null;
  source: LevelSource;
  notApplicable: boolean;
}

export interface CityLevels {
  /** The city-level unit (kind pemda) whose levels are consolidated; null when none exists. */
  unit: { id: string; code: string; name: string } | null;
  assessmentId: string | null;
  indicators: CityIndicator[];
  /** For core computeIndex / planImprovement. */
  consolidated: LevelMap;
  self: LevelMap;
  notApplicable: number[];
}

export interface Consolidation {
  rule: 'pemda_verified_else_self';
  unit: CityLevels['unit'];
  assessmentId: string | null;
  verifiedCount: number;
  selfOnlyCount: number;
  unassessedCount: number;
  notApplicable: number[];
}

export interface GroupIndices {
  id: string;
  name: string;
  depth: number;
  parentId: string | null;
  weight: number;
  self: number | null;
  consolidated: number | null;
}

export interface UnitProgress {
  unitId: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  assessmentId: string | null;
  assigned: boolean;
  status: ProgressStatus;
  /** The assessment's `status` field as stored (null without an assessment). */
  storedStatus: string | null;
  done: number;
  verified: number;
  notApplicable: number;
  indicatorCount: number;
  files: number;
  filesHeld: number;
  updatedAt: number | null;
}

export interface HeatmapRow {
  unitId: string;
  assessmentId: string;
  code: string;
  name: string;
  /** Per indicator in `heatmap.indicators` order. */
  self: (number | null)[];
  verified: (number | null)[];
  notApplicable: number[];
  /** The unit's verified index (not-applicable renormalised). */
  index: number | null;
}

export interface Overclaim {
  no: number;
  name: string;
  compared: number;
  lowered: number;
  raised: number;
  stepsLost: number;
  /** lowered / compared. */
  share: number;
}

export interface FrameworkRef {
  id: string;
  name: string;
  version: string;
}

export interface DashboardView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: { self: IndexSummary; consolidated: IndexSummary; target: number };
  groups: GroupIndices[];
  filter: UnitFilter;
  /** Counts over the filtered units; `byStatus` counts assigned units only. */
  progress: { total: number; assigned: number; byStatus: Record<ProgressStatus, number> };
  /** The page of units (only assigned ones when asked), in code order. */
  units: UnitProgress[];
  /** Units the page was cut from (all filtered units, or the assigned ones). */
  unitCount: number;
  offset: number;
  limit: number;
  heatmap: { indicators: { no: number; name: string; groupId: string }[]; rows: HeatmapRow[] };
  overclaims: Overclaim[];
  kecamatan: { id: string; name: string }[];
}

export interface PlanOptionsInput {
  target?: number | undefined;
  effort?: Readonly<Record<number, number>> | undefined;
  fixed?: readonly number[] | undefined;
}

export interface PlanItem {
  no: number;
  name: string;
  /** Names of the groups from the domain down to the aspect. */
  groups: string[];
  weight: number;
  from: number;
  to: number;
  steps: number;
  effort: number;
  source: LevelSource;
  /** Criteria of the required level, and the evidence it needs (instrument levels[].evidence). */
  criteria: string | null;
  evidence: string[];
  heldBackBy: {
    total: number;
    units: { unitId: string; code: string; name: string; level: number }[];
  };
}

export interface PlanView {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  target: number;
  options: { effort: Record<number, number>; fixed: number[] };
  current: IndexSummary;
  /** The planner's starting index (unassessed indicators counted as level 1). */
  plannerIndex: number;
  resultingIndex: number;
  resultingPredicate: string | null;
  reachable: boolean;
  maxIndex: number;
  totalEffort: number;
  stepCount: number;
  indicatorsTouched: number;
  items: PlanItem[];
  /** Every indicator, for the effort / fixed controls. */
  indicators: {
    no: number;
    name: string;
    level: number | null;
    source: LevelSource;
    weight: number;
  }[];
}

/** Units the dashboard lists per page (the heatmap shows the same page). */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 1000;

export class DashboardService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly periods: PeriodsService,
    private readonly frameworks: FrameworksService,
  ) {
    super(deps);
  }

  /** Period and its instrument (404 for an unknown period). */
  async periodWithFramework(periodId: string): Promise<{ period: Period; fw: Framework }> {
    const period = await this.periods.get(periodId);
    return { period, fw: await this.frameworks.get(period.frameworkId) };
  }

  /** The city-level unit's levels, consolidated as described at the top of this file. */
  async cityLevels(period: Period, fw: Framework): Promise<CityLevels> {
    const pemdas = await this.repos.reporting.unitsOfKind('pemda');
    let unit: CityLevels['unit'] = null;
    let assessmentId: string | null = null;
    for (const p of pemdas) {
      const a = await this.repos.assignments.findAssessment(period.id, p.id);
      if (a) {
        unit = p;
        assessmentId = a.id;
        break;
      }
    }
    if (!unit) {
      for (const p of pemdas) {
        if ((await this.repos.reporting.selfLevels(period.id, [p.id])).length > 0) {
          unit = p;
          break;
        }
      }
    }
    unit ??= pemdas[0] ?? null;
    const selfRows = unit ? await this.repos.reporting.selfLevels(period.id, [unit.id]) : [];
    const cells = assessmentId ? await this.repos.reporting.verificationCells([assessmentId]) : [];
    const self = new Map(selfRows.map((r) => [r.indicatorNo, r.level]));
    const cellByNo = new Map(
      cells.filter((c) => c.indicatorNo !== null).map((c) => [c.indicatorNo as number, c]),
    );
    const indicators: CityIndicator[] = listIndicators(fw).map((ind) => {
      const s = self.get(ind.no) ?? null;
      const cell = cellByNo.get(ind.no);
      const v = cell?.verifiedLevel ?? null;
      const level = v ?? s;
      return {
        no: ind.no,
        self: s,
        verified: v,
        level,
        source: v !== null ? 'verified' : s !== null ? 'self' : 'none',
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

  consolidation(city: CityLevels): Consolidation {
    const applicable = city.indicators.filter((i) => !i.notApplicable);
    return {
      rule: 'pemda_verified_else_self',
      unit: city.unit,
      assessmentId: city.assessmentId,
      verifiedCount: applicable.filter((i) => i.source === 'verified').length,
      selfOnlyCount: applicable.filter((i) => i.source === 'self').length,
      unassessedCount: applicable.filter((i) => i.source === 'none').length,
      notApplicable: city.notApplicable,
    };
  }

  /**
   * The dashboard of a period: progress of every (filtered) unit, the city index and its
   * groups (self vs consolidated), a page of the units × indicators heatmap, over-claims.
   * A constant number of aggregation queries whatever the number of units.
   */
  async dashboard(
    periodId: string,
    filter: UnitFilter = {},
    page: { offset?: number; limit?: number; assignedOnly?: boolean } = {},
  ): Promise<DashboardView> {
    const { period, fw } = await this.periodWithFramework(periodId);
    const indicators = listIndicators(fw);
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, page.limit ?? DEFAULT_PAGE));
    const [city, rows, over, kecamatan] = await Promise.all([
      this.cityLevels(period, fw),
      this.repos.reporting.unitProgress(periodId, filter),
      this.repos.reporting.overclaims(periodId, filter),
      this.repos.reporting.unitsOfKind('kecamatan'),
    ]);
    const units = rows.map((r) => toUnitProgress(r, indicators.length));
    const byStatus = Object.fromEntries(PROGRESS_STATUSES.map((s) => [s, 0])) as Record<
      ProgressStatus,
      number
    >;
    for (const u of units) if (u.assigned) byStatus[u.status]++;
    const listed = page.assignedOnly ? units.filter((u) => u.assigned) : units;
    const pageUnits = listed.slice(offset, offset + limit);

    // Heatmap of the page: verified and self levels per indicator.
    const assessed = pageUnits.filter((u) => u.assessmentId !== null);
    const [cells, selfRows] = await Promise.all([
      this.repos.reporting.verificationCells(assessed.map((u) => u.assessmentId as string)),
      this.repos.reporting.selfLevels(
        periodId,
        assessed.map((u) => u.unitId),
      ),
    ]);
    const cellsByAssessment = groupBy(cells, (c) => c.assessmentId);
    const selfByUnit = groupBy(selfRows, (r) => r.unitId);
    const rowsOut: HeatmapRow[] = assessed.map((u) => {
      const verified: Record<number, number | null> = {};
      const na: number[] = [];
      for (const c of cellsByAssessment.get(u.assessmentId as string) ?? []) {
        if (c.indicatorNo === null) continue;
        verified[c.indicatorNo] = c.verifiedLevel;
        if (c.notApplicable) na.push(c.indicatorNo);
      }
      const self = new Map((selfByUnit.get(u.unitId) ?? []).map((r) => [r.indicatorNo, r.level]));
      return {
        unitId: u.unitId,
        assessmentId: u.assessmentId as string,
        code: u.code,
        name: u.name,
        self: indicators.map((i) => self.get(i.no) ?? null),
        verified: indicators.map((i) => verified[i.no] ?? null),
        notApplicable: na.sort((a, b) => a - b),
        index: computeIndex(fw, verified, { notApplicable: na }).index,
      };
    });

    const selfIndex = computeIndex(fw, city.self);
    const consolidated = computeIndex(fw, city.consolidated, { notApplicable: city.notApplicable });
    const names = new Map(indicators.map((i) => [i.no, i.spec.name]));
    return {
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      consolidation: this.consolidation(city),
      city: {
        self: summarise(selfIndex),
        consolidated: summarise(consolidated),
        target: period.targetIndex,
      },
      groups: consolidated.groups.map((g, i) => ({
        id: g.id,
        name: g.name,
        depth: g.depth,
        parentId: g.parentId,
        weight: g.weight,
        self: selfIndex.groups[i]?.index ?? null,
        consolidated: g.index,
      })),
      filter,
      progress: {
        total: units.length,
        assigned: units.filter((u) => u.assigned).length,
        byStatus,
      },
      units: pageUnits,
      unitCount: listed.length,
      offset,
      limit,
      heatmap: {
        indicators: indicators.map((i) => ({
          no: i.no,
          name: i.spec.name,
          groupId: i.path.at(-1) ?? '',
        })),
        rows: rowsOut,
      },
      overclaims: over
        .filter((o) => o.compared > 0 && names.has(o.indicatorNo))
        .map((o) => ({
          no: o.indicatorNo,
          name: names.get(o.indicatorNo) ?? '',
          compared: o.compared,
          lowered: o.lowered,
          raised: o.raised,
          stepsLost: o.stepsLost,
          share: o.lowered / o.compared,
        }))
        .sort((a, b) => b.lowered - a.lowered || b.stepsLost - a.stepsLost || a.no - b.no),
      kecamatan: kecamatan.map((k) => ({ id: k.id, name: k.name })),
    };
  }

  /**
   * The fewest level-steps (core planImprovement) from the consolidated city levels to the
   * target (the period's, unless given), with the coordinator's effort weights and fixed
   * indicators; per raised indicator the evidence the required level needs and the units
   * whose verified level is still below it.
   */
  async plan(periodId: string, input: PlanOptionsInput = {}): Promise<PlanView> {
    const { period, fw } = await this.periodWithFramework(periodId);
    const c = compileFramework(fw);
    const known = new Set(c.indicators.map((i) => i.no));
    const effort: Record<number, number> = {};
    for (const [k, v] of Object.entries(input.effort ?? {})) {
      const no = Number(k);
      if (!known.has(no))
        throw fieldProblem(
          'effort',
          'unknown_indicator',
          `Indikator ${k} tidak ada dalam instrumen.`,
          `Indicator ${k} is not in the instrument.`,
        );
      if (v !== 1) effort[no] = v;
    }
    const fixed = [...new Set(input.fixed ?? [])].sort((a, b) => a - b);
    const unknownFixed = fixed.find((no) => !known.has(no));
    if (unknownFixed !== undefined)
      throw fieldProblem(
        'fixed',
        'unknown_indicator',
        `Indikator ${unknownFixed} tidak ada dalam instrumen.`,
        `Indicator ${unknownFixed} is not in the instrument.`,
      );
    const target = input.target ?? period.targetIndex;
    const city = await this.cityLevels(period, fw);
    const current = computeIndex(fw, city.consolidated, { notApplicable: city.notApplicable });
    let plan: ReturnType<typeof planImprovement>;
    try {
      plan = planImprovement(fw, city.consolidated, target, {
        notApplicable: city.notApplicable,
        fixed,
        effort,
      });
    } catch (e) {
      if (e instanceof RangeError)
        throw fieldProblem(
          'effort',
          'unplannable',
          'Rencana tidak dapat dihitung dengan bobot instrumen ini.',
          'No plan can be computed with these instrument weights.',
        );
      throw e;
    }
    const raised = new Map<number, { from: number; to: number; steps: number }>();
    for (const s of plan.steps) {
      const r = raised.get(s.no);
      if (r) {
        r.to = s.to;
        r.steps++;
      } else raised.set(s.no, { from: s.from, to: s.to, steps: 1 });
    }
    const held = await this.repos.reporting.holdingBack(
      periodId,
      new Map([...raised].map(([no, r]) => [no, r.to])),
      { excludeUnitId: city.unit?.id ?? null, perIndicator: 10 },
    );
    const heldBy = groupBy(held, (h) => h.indicatorNo);
    const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
    const byNo = new Map(city.indicators.map((i) => [i.no, i]));
    const items: PlanItem[] = [];
    for (const [no, r] of raised) {
      const ind = c.byNo.get(no);
      if (!ind) continue;
      const spec = ind.spec.levels?.[r.to - MIN_LEVEL];
      const rows = heldBy.get(no) ?? [];
      items.push({
        no,
        name: ind.spec.name,
        groups: ind.path.map((id) => groupName.get(id) ?? id),
        weight: ind.spec.weight,
        from: r.from,
        to: r.to,
        steps: r.steps,
        effort: effort[no] ?? 1,
        source: byNo.get(no)?.source ?? 'none',
        criteria: spec?.criteria ?? null,
        evidence: spec?.evidence ?? [],
        heldBackBy: {
          total: rows[0]?.total ?? 0,
          units: rows.map((h) => ({
            unitId: h.unitId,
            code: h.code,
            name: h.name,
            level: h.level,
          })),
        },
      });
    }
    const resulting = computeIndex(
      fw,
      { ...city.consolidated, ...Object.fromEntries([...raised].map(([no, r]) => [no, r.to])) },
      { notApplicable: city.notApplicable },
    );
    return {
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      consolidation: this.consolidation(city),
      target,
      options: { effort, fixed },
      current: summarise(current),
      plannerIndex: plan.currentIndex,
      resultingIndex: plan.resultingIndex,
      resultingPredicate: resulting.predicate,
      reachable: plan.reachable,
      maxIndex: plan.maxIndex,
      totalEffort: plan.totalEffort,
      stepCount: plan.steps.length,
      indicatorsTouched: plan.indicatorsTouched,
      items,
      indicators: c.indicators.map((i) => ({
        no: i.no,
        name: i.spec.name,
        level: byNo.get(i.no)?.level ?? null,
        source: byNo.get(i.no)?.source ?? 'none',
        weight: i.spec.weight,
      })),
    };
  }
}

export function toUnitProgress(r: UnitProgressRow, indicatorCount: number): UnitProgress {
  return {
    unitId: r.unitId,
    code: r.code,
    name: r.name,
    kind: r.kind,
    parentId: r.parentId,
    assessmentId: r.assessmentId,
    assigned: r.assessmentId !== null,
    status: progressStatus(r),
    storedStatus: r.status,
    done: r.done,
    verified: r.verified,
    notApplicable: r.notApplicable,
    indicatorCount,
    files: r.files,
    filesHeld: r.filesHeld,
    updatedAt: r.updatedAt,
  };
}

export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** A level 1..5 (validation of inputs that name levels). */
export function isLevel(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_LEVEL && n <= MAX_LEVEL;
}
