import {
  CHECK_FIELD_RE,
  computeIndex,
  cumulativeGap,
  type DashboardView,
  DEFAULT_PAGE,
  type HeatmapRow,
  listIndicators,
  MAX_PAGE,
  PROGRESS_STATUSES,
  type ProgressStatus,
  recordStateOf,
  type StagesView,
  type UnitFilter,
  type UnitProgress,
} from '../../core';
import type { OverclaimRow, UnitProgressRow } from '../db/reporting.repository';
import { groupBy } from '../lib/group-by';
import { type CityIndexService, type PeriodCity, stageIndices, summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import { readSigning } from './signing';

/**
 * The coordinator's dashboard: each unit's progress, the city index (city-index.ts says
 * what the city's level of an indicator is) with its domain and aspect indices, a page of
 * the units × indicators heatmap, and the indicators most often over-claimed.
 */

/**
 * The dashboard status of a unit, from its assessment's `status` field in the record
 * store plus whether the server holds its data:
 * - no assessment (not assigned), or `belum` with nothing verified → `belum`;
 * - `sedang` (or `belum` with something verified) → `sedang`;
 * - finished on the tablet (`selesai`, berita acara signed) → `terkirim` once the server
 *   holds every evidence file the assessment references (hash-verified), else `selesai`
 *   (finished, files still on their way);
 * - the coordinator's `disetujui` / `dikembalikan` / `dibuka`, and `diperbaiki` (re-signed
 *   after a return or reopening: "diperbaiki, menunggu keputusan"), as they are.
 */
export function progressStatus(
  row: Pick<UnitProgressRow, 'assessmentId' | 'status' | 'done' | 'files' | 'filesHeld'>,
): ProgressStatus {
  if (!row.assessmentId) return 'belum';
  switch (row.status) {
    case 'disetujui':
    case 'dikembalikan':
    case 'dibuka':
    case 'diperbaiki':
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

/** Units past draft: their berita acara was signed, so whether it still holds is worth reading. */
const pastDraft = (u: UnitProgress): boolean =>
  u.assessmentId !== null && recordStateOf(u.storedStatus ?? '') !== 'draft';

/** The period-wide aggregates of a dashboard: what costs, at 10,000 units, nearly all of it. */
interface PeriodAggregates {
  rows: UnitProgressRow[];
  over: OverclaimRow[];
}

/** Periods × filters whose aggregates one process keeps (the least recently used goes first). */
const CACHE_ENTRIES = 16;

/** How a dashboard is read. */
export interface DashboardRead {
  /**
   * Use the per-process aggregate cache (default true). False recomputes everything from the
   * database: what the cache is proved equal to.
   */
  cache?: boolean;
}

/** Which page of units a dashboard lists. */
export interface DashboardPage {
  offset?: number;
  limit?: number;
  /** List (and page) only units with an assessment in the period. */
  assignedOnly?: boolean;
}

export class DashboardService extends BaseService {
  /**
   * Period-wide aggregates by period and filter, each under the database fingerprint it was
   * read after (`ReportingRepository.fingerprint`). A promise, so concurrent requests share
   * one computation.
   */
  private readonly cache = new Map<
    string,
    { fingerprint: string; value: Promise<PeriodAggregates> }
  >();

  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
  ) {
    super(deps);
  }

  /**
   * Every unit's progress and the over-claims of a period (filtered): from the cache when the
   * database's fingerprint is the one they were read under, else recomputed. The fingerprint
   * is read on every call and before the aggregates, so whatever a write (in this process or
   * another sharing the database) committed before this call is in what it returns: a write
   * after the fingerprint read changes the next call's fingerprint, and at worst this call's
   * figures already include it.
   */
  private async aggregates(
    periodId: string,
    filter: UnitFilter,
    read: DashboardRead,
  ): Promise<PeriodAggregates> {
    const load = async (): Promise<PeriodAggregates> => {
      const [rows, over] = await Promise.all([
        this.repos.reporting.unitProgress(periodId, filter),
        this.repos.reporting.overclaims(periodId, filter),
      ]);
      return { rows, over };
    };
    if (read.cache === false) return load();
    const fingerprint = await this.repos.reporting.fingerprint();
    if (fingerprint === null) return load();
    const key = JSON.stringify([periodId, filter.parentId ?? null, filter.kind ?? null]);
    const hit = this.cache.get(key);
    if (hit && hit.fingerprint === fingerprint) {
      // Most recently used last: Map keeps insertion order.
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit.value;
    }
    const value = load();
    this.cache.delete(key);
    this.cache.set(key, { fingerprint, value });
    for (const k of this.cache.keys()) {
      if (this.cache.size <= CACHE_ENTRIES) break;
      this.cache.delete(k);
    }
    // A failed read is not kept: the next call tries again.
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }

  /**
   * The dashboard of a period: progress of every (filtered) unit, the city index and its
   * groups (self vs consolidated), a page of the units × indicators heatmap, over-claims.
   * A constant number of aggregation queries whatever the number of units; the period-wide
   * ones (progress, over-claims) are served from a cache while the database's fingerprint
   * has not moved (`read.cache: false` recomputes them).
   *
   * @throws Problem 404 `not_found` for an unknown period
   */
  async dashboard(
    periodId: string,
    filter: UnitFilter = {},
    page: DashboardPage = {},
    read: DashboardRead = {},
  ): Promise<DashboardView> {
    return this.dashboardFor(await this.cities.forPeriod(periodId), filter, page, read);
  }

  /**
   * How the index moved between the period's stages: the city's (the city-level unit of
   * rule 1, its stage values as `stageIndices` reads them) and each unit's that has an
   * assessment or a self level, in unit order. Four queries whatever the number of units.
   *
   * @throws Problem 404 `not_found` for an unknown period
   */
  async stages(periodId: string): Promise<StagesView> {
    const { period, fw } = await this.cities.periodWithFramework(periodId);
    const [units, cells, selfRows, city] = await Promise.all([
      this.repos.reporting.unitProgress(period.id),
      this.repos.reporting.stageCells(period.id),
      this.repos.reporting.selfLevels(period.id),
      this.cities.cityUnit(period.id),
    ]);
    const cellsOf = groupBy(cells, (c) => c.assessmentId);
    const selfOf = groupBy(selfRows, (r) => r.unitId);
    const indicesOf = (unitId: string | null, assessmentId: string | null) =>
      stageIndices(
        fw,
        period.stages,
        (unitId && selfOf.get(unitId)) || [],
        (assessmentId && cellsOf.get(assessmentId)) || [],
      );
    return {
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      city: {
        unit: city.unit,
        assessmentId: city.assessmentId,
        stages: indicesOf(city.unit?.id ?? null, city.assessmentId),
      },
      units: units
        .filter((u) => u.assessmentId !== null || selfOf.has(u.unitId))
        .map((u) => ({
          unitId: u.unitId,
          code: u.code,
          name: u.name,
          kind: u.kind,
          assessmentId: u.assessmentId,
          stages: indicesOf(u.unitId, u.assessmentId),
        })),
    };
  }

  /**
   * The page's units with whether their signatures hold (a unit past draft only): a void
   * signing shows as "tanda tangan batal" on its row. One read of the page's records.
   */
  private async withSigning(
    page: UnitProgress[],
    indicators: ReturnType<typeof listIndicators>,
  ): Promise<UnitProgress[]> {
    const ids = page.filter(pastDraft).map((u) => u.assessmentId as string);
    if (ids.length === 0) return page;
    const fields = groupBy(
      await this.repos.reporting.exportFields(ids, { record: true, checks: false }),
      (f) => f.assessmentId,
    );
    const nos = indicators.map((i) => i.no);
    return page.map((u) =>
      pastDraft(u)
        ? {
            ...u,
            signing: readSigning(
              u.assessmentId as string,
              fields.get(u.assessmentId ?? '') ?? [],
              nos,
            ).state,
          }
        : u,
    );
  }

  /** The dashboard from a city index already read in this request (the city summary reuses it). */
  async dashboardFor(
    { period, fw, city }: PeriodCity,
    filter: UnitFilter = {},
    page: DashboardPage = {},
    read: DashboardRead = {},
  ): Promise<DashboardView> {
    const periodId = period.id;
    const indicators = listIndicators(fw);
    const offset = Math.max(0, page.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, page.limit ?? DEFAULT_PAGE));
    const [{ rows, over }, kecamatan] = await Promise.all([
      this.aggregates(periodId, filter, read),
      this.repos.reporting.unitsOfKind('kecamatan'),
    ]);
    const units = rows.map((r) => toUnitProgress(r, indicators.length));
    const byStatus = Object.fromEntries(PROGRESS_STATUSES.map((s) => [s, 0])) as Record<
      ProgressStatus,
      number
    >;
    for (const u of units) if (u.assigned) byStatus[u.status]++;
    const listed = page.assignedOnly ? units.filter((u) => u.assigned) : units;
    const pageUnits = await this.withSigning(listed.slice(offset, offset + limit), indicators);

    // Heatmap of the page: verified and self levels per indicator, and where a verified
    // level claims more than its evidence supports (levels are cumulative). The evidence
    // checks are read for the page's assessments only: the cost grows with the page, never
    // with the period.
    const assessed = pageUnits.filter((u) => u.assessmentId !== null);
    const assessedIds = assessed.map((u) => u.assessmentId as string);
    const [cells, selfRows, checkFields] = await Promise.all([
      this.repos.reporting.verificationCells(assessedIds),
      this.repos.reporting.selfLevels(
        periodId,
        assessed.map((u) => u.unitId),
      ),
      assessedIds.length
        ? this.repos.reporting.exportFields(assessedIds, { record: false, checks: true })
        : [],
    ]);
    const cellsByAssessment = groupBy(cells, (c) => c.assessmentId);
    const selfByUnit = groupBy(selfRows, (r) => r.unitId);
    // `<recordId>|checks.<level>.<index>` → the evidence state the verifier set.
    const checkState = new Map<string, string>();
    for (const f of checkFields) {
      const state = (f.value as { state?: unknown } | null)?.state;
      if (CHECK_FIELD_RE.test(f.field) && typeof state === 'string')
        checkState.set(`${f.recordId}|${f.field}`, state);
    }
    const rowsOut: HeatmapRow[] = assessed.map((u) => {
      const verified: Record<number, number | null> = {};
      const recordOf = new Map<number, string>();
      const na: number[] = [];
      for (const c of cellsByAssessment.get(u.assessmentId as string) ?? []) {
        if (c.indicatorNo === null) continue;
        verified[c.indicatorNo] = c.verifiedLevel;
        recordOf.set(c.indicatorNo, c.recordId);
        if (c.notApplicable) na.push(c.indicatorNo);
      }
      const self = new Map((selfByUnit.get(u.unitId) ?? []).map((r) => [r.indicatorNo, r.level]));
      const gapOf = (no: number): number | null => {
        const recordId = recordOf.get(no);
        if (recordId === undefined || na.includes(no)) return null;
        return (
          cumulativeGap(fw, no, verified[no], (level, i) =>
            checkState.get(`${recordId}|checks.${level}.${i}`),
          )?.firstIncomplete ?? null
        );
      };
      return {
        unitId: u.unitId,
        assessmentId: u.assessmentId as string,
        code: u.code,
        name: u.name,
        self: indicators.map((i) => self.get(i.no) ?? null),
        verified: indicators.map((i) => verified[i.no] ?? null),
        notApplicable: na.sort((a, b) => a - b),
        cumulativeGap: indicators.map((i) => gapOf(i.no)),
        index: computeIndex(fw, verified, { notApplicable: na, rule: 'official' }).index,
      };
    });

    const { self: selfIndex, consolidated } = city;
    const names = new Map(indicators.map((i) => [i.no, i.spec.name]));
    return {
      period,
      framework: { id: fw.id, name: fw.name, version: fw.version },
      generatedAt: this.now(),
      consolidation: city.consolidation,
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
}

/**
 * A unit's progress row as the dashboard and the exports show it (`progressStatus`
 * derived; `signing` not read: the dashboard reads it for its page, the exports per record).
 */
export function toUnitProgress(r: UnitProgressRow, indicatorCount: number): UnitProgress {
  const { status: storedStatus, ...counts } = r;
  return {
    ...counts,
    assigned: r.assessmentId !== null,
    status: progressStatus(r),
    storedStatus,
    signing: null,
    indicatorCount,
  };
}
