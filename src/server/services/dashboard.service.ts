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
import type {
  OverclaimPair,
  OverclaimRow,
  ReportingFingerprint,
  UnitProgressRow,
} from '../db/reporting.repository';
import { groupBy } from '../lib/group-by';
import { type CityIndexService, type PeriodCity, stageIndices, summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import { readSigning } from './signing';

/**
 * The coordinator's dashboard: each unit's progress, the city index (city-index.ts says
 * what the city's level of an indicator is) with its domain and aspect indices, a page of
 * the units × indicators heatmap, and the indicators most often over-claimed.
 *
 * At 10,000 units × 47 indicators nearly all of a recomputation is the period-wide
 * aggregates (progress counts over 470,000 verified levels, 470,000 self levels matched to
 * them for the over-claims), so those are kept per period in this process and brought up
 * to date per request from what changed (`DashboardService.bring`; docs/architecture.md §8
 * says why that is never stale, across processes too).
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

/** Periods whose aggregates one process keeps (the least recently used goes first). */
const CACHE_ENTRIES = 8;
/** Beyond this many assessments changed since the cached state, recompute the whole period. */
const CHANGED_MAX = 2000;

/** A period's aggregates as of a database fingerprint (every unit, unfiltered). */
interface PeriodState {
  fingerprint: ReportingFingerprint;
  /** Every unit's progress row, in code order. */
  rows: UnitProgressRow[];
  /** Assessment → its indicators compared for the over-claims. */
  pairs: Map<string, OverclaimPair[]>;
}

/**
 * A filter applied to a period's aggregates, as the SQL of `unitProgress` and `overclaims`
 * applies it (a kecamatan filter keeps the kecamatan and its children); over-claims summed
 * per indicator over the kept units, steps lost back to hundredths.
 */
function filtered(state: PeriodState, filter: UnitFilter): PeriodAggregates {
  const rows = state.rows.filter(
    (r) =>
      (!filter.parentId || r.parentId === filter.parentId || r.unitId === filter.parentId) &&
      (!filter.kind || r.kind === filter.kind),
  );
  const sums = new Map<number, OverclaimRow>();
  for (const r of rows) {
    if (!r.assessmentId) continue;
    for (const p of state.pairs.get(r.assessmentId) ?? []) {
      let o = sums.get(p.indicatorNo);
      if (!o) {
        o = { indicatorNo: p.indicatorNo, compared: 0, lowered: 0, raised: 0, stepsLost: 0 };
        sums.set(p.indicatorNo, o);
      }
      o.compared++;
      if (p.verified < p.self) {
        o.lowered++;
        o.stepsLost += p.self - p.verified;
      } else if (p.verified > p.self) o.raised++;
    }
  }
  const over = [...sums.values()]
    .map((o) => ({ ...o, stepsLost: Math.round(o.stepsLost * 100) / 100 }))
    .sort((x, y) => x.indicatorNo - y.indicatorNo);
  return { rows, over };
}

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
   * Per period, its aggregates as of a database fingerprint, brought up to date by the next
   * request (`bring`). A promise chain: each request's update starts from the previous one's
   * result, so updates never interleave and concurrent requests share the work.
   */
  private readonly states = new Map<string, Promise<PeriodState>>();

  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
  ) {
    super(deps);
  }

  /**
   * Every unit's progress and the over-claims of a period (filtered). With the cache (the
   * default), the database's fingerprint is read first, on every call, then the period's
   * cached aggregates are brought up to it (`bring`), and the filter applied in memory;
   * `read.cache: false` runs the aggregation queries over the whole period instead.
   */
  private async aggregates(
    periodId: string,
    filter: UnitFilter,
    read: DashboardRead,
  ): Promise<PeriodAggregates> {
    const fingerprint = read.cache === false ? null : await this.repos.reporting.fingerprint();
    if (fingerprint === null) {
      const [rows, over] = await Promise.all([
        this.repos.reporting.unitProgress(periodId, filter),
        this.repos.reporting.overclaims(periodId, filter),
      ]);
      return { rows, over };
    }
    const prev = this.states.get(periodId);
    const next = (async () => {
      const old = prev ? await prev.catch(() => null) : null;
      return this.bring(periodId, old, fingerprint);
    })();
    this.states.delete(periodId);
    this.states.set(periodId, next);
    for (const k of this.states.keys()) {
      if (this.states.size <= CACHE_ENTRIES) break;
      this.states.delete(k);
    }
    // A failed read is not kept: the next call starts afresh.
    next.catch(() => {
      if (this.states.get(periodId) === next) this.states.delete(periodId);
    });
    return filtered(await next, filter);
  }

  /**
   * The period's aggregates as of at least `fp`, from `old` (as of its own fingerprint):
   * - no state, or the structure version moved (a unit, assessment, self level… written
   *   outside the change log): everything recomputed;
   * - the change-log head moved: only the assessments the new changes name recomputed
   *   (their progress row and compared pairs; beyond CHANGED_MAX of them, everything);
   * - the files version moved: the evidence counts of the period re-read.
   * A part of `old` already newer than `fp` (a concurrent request read a later fingerprint
   * first) is kept. Each part is read after the fingerprint, so it holds at least every
   * write that fingerprint counts; a write committed later moves the next one.
   */
  private async bring(
    periodId: string,
    old: PeriodState | null,
    fp: ReportingFingerprint,
  ): Promise<PeriodState> {
    const reporting = this.repos.reporting;
    const full = async (): Promise<PeriodState> => {
      const [rows, pairs] = await Promise.all([
        reporting.unitProgress(periodId),
        reporting.overclaimPairs(periodId),
      ]);
      return { fingerprint: fp, rows, pairs };
    };
    if (!old) return full();
    const newer = (a: string, b: string) => BigInt(a) > BigInt(b);
    if (old.fingerprint.structure !== fp.structure)
      return newer(old.fingerprint.structure, fp.structure) ? old : full();
    let { rows, pairs } = old;
    if (fp.seq > old.fingerprint.seq) {
      const changed = await reporting.changedAssessments(old.fingerprint.seq, fp.seq, CHANGED_MAX);
      if (changed === null) return full();
      const known = new Set(rows.map((r) => r.assessmentId));
      const ids = changed.filter((id) => known.has(id));
      if (ids.length > 0) {
        const [fresh, freshPairs] = await Promise.all([
          reporting.unitProgress(periodId, {}, ids),
          reporting.overclaimPairs(periodId, ids),
        ]);
        const byAssessment = new Map(fresh.map((r) => [r.assessmentId, r]));
        rows = rows.map((r) => (r.assessmentId && byAssessment.get(r.assessmentId)) || r);
        pairs = new Map(pairs);
        for (const id of ids) pairs.set(id, freshPairs.get(id) ?? []);
      }
    }
    if (newer(fp.files, old.fingerprint.files)) {
      const counts = await reporting.fileCounts(periodId);
      rows = rows.map((r) => {
        const c = r.assessmentId ? counts.get(r.assessmentId) : undefined;
        return { ...r, files: c?.files ?? 0, filesHeld: c?.held ?? 0 };
      });
    }
    return {
      fingerprint: {
        seq: Math.max(fp.seq, old.fingerprint.seq),
        structure: fp.structure,
        files: newer(old.fingerprint.files, fp.files) ? old.fingerprint.files : fp.files,
      },
      rows,
      pairs,
    };
  }

  /**
   * The dashboard of a period: progress of every (filtered) unit, the city index and its
   * groups (self vs consolidated), a page of the units × indicators heatmap, over-claims.
   * A constant number of queries whatever the number of units; the period-wide aggregates
   * (progress, over-claims) are kept per process and brought up to the database's
   * fingerprint on every call (`aggregates`; `read.cache: false` recomputes them whole).
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
