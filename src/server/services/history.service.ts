import {
  ACTION_DISPLAY_STATUSES,
  type ActionCounts,
  actionDisplayStatus,
  computeIndex,
  DEFAULT_ZONE_CODE,
  type Framework,
  type History,
  type HistoryBasis,
  type HistoryIndicatorChange,
  type HistoryPeriod,
  type HistoryStep,
  type IndexResult,
  isoDayInZone,
  type LevelMap,
  listIndicators,
  toHundredths,
  ZONE_IANA,
} from '../../core';
import type { HistoryActionRow } from '../db/history.repository';
import type { Period } from '../domain';
import { groupBy } from '../lib/group-by';
import { type CityIndex, type CityIndexService, summarise } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';

/**
 * The index over the years (issue 18, README "Riwayat indeks"): every period of the
 * organisation that has left draft, oldest first, with the city's three indices — the
 * penilaian mandiri, the city index of the verification (city-index.ts rule: verified,
 * else self) and the official result where one was imported — per group and overall, and
 * what changed between consecutive periods.
 *
 * Draft periods are left out: a period in preparation has no evaluation yet and would show
 * as an empty point between real ones.
 */

/** Everything the history needs of one period, read once. */
interface PeriodFacts {
  period: Period;
  fw: Framework;
  city: CityIndex;
  /** The imported official values, or null when none was imported. */
  official: LevelMap | null;
  officialIndex: IndexResult | null;
}

/** `a` comes before `b`: an earlier year, or the same year and created earlier (then id). */
export function periodOrder(a: Period, b: Period): number {
  if (a.year !== b.year) return a.year - b.year;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * `to − from` of two exact indices (core `computeIndex`, ratios of integers): the float
 * noise of the subtraction (below 10⁻¹²) is removed, nothing is rounded to display
 * precision; null when either is missing.
 */
export function indexChange(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  return Math.round((to - from) * 1e12) / 1e12;
}

/**
 * Action counts of one period by display status (core `actionDisplayStatus` on `today`, the
 * organisation's calendar day), and the total.
 */
export function countActions(rows: readonly HistoryActionRow[], today: string): ActionCounts {
  const counts = Object.fromEntries(ACTION_DISPLAY_STATUSES.map((s) => [s, 0])) as Omit<
    ActionCounts,
    'total'
  >;
  for (const r of rows) counts[actionDisplayStatus(r, today)]++;
  return { ...counts, total: rows.length };
}

/**
 * The indicators of one instrument compared between two periods: `from` and `to` are the
 * values each period is read with (both official, or both city levels). An indicator with a
 * value in both either rose, fell (exact change in hundredths) or stayed; one missing a
 * value in either period is in none of the three. Rose and fell are sorted by the size of
 * the change, largest first, then by indicator number.
 */
export function compareIndicators(
  fw: Framework,
  from: LevelMap,
  to: LevelMap,
): { rose: HistoryIndicatorChange[]; fell: HistoryIndicatorChange[]; unchangedCount: number } {
  const rose: HistoryIndicatorChange[] = [];
  const fell: HistoryIndicatorChange[] = [];
  let unchangedCount = 0;
  for (const ind of listIndicators(fw)) {
    const a = from[ind.no] ?? null;
    const b = to[ind.no] ?? null;
    if (a === null || b === null) continue;
    const change = (toHundredths(b) - toHundredths(a)) / 100;
    const row = { no: ind.no, name: ind.spec.name, from: a, to: b, change };
    if (change > 0) rose.push(row);
    else if (change < 0) fell.push(row);
    else unchangedCount++;
  }
  const bySize = (x: HistoryIndicatorChange, y: HistoryIndicatorChange) =>
    Math.abs(y.change ?? 0) - Math.abs(x.change ?? 0) || x.no - y.no;
  return { rose: rose.sort(bySize), fell: fell.sort(bySize), unchangedCount };
}

export class HistoryService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
    private readonly frameworks: FrameworksService,
  ) {
    super(deps);
  }

  /**
   * The organisation's index history: periods (draft left out) by year then creation, each
   * with its self, verified (city-index rule) and official indices, exact, overall and per
   * group, and its improvement actions by display status; and one step per pair of
   * consecutive periods. A step between periods of one instrument compares indicators —
   * on both periods' official values when both were imported (`basis: 'official'`), else on
   * both periods' city levels (`'city'`), never one of each; a step across instruments
   * compares only the overall indices (`sameInstrument: false`, `basis: null`, no lists).
   * A handful of queries per period (the city-index reader), two for all periods together.
   */
  async history(): Promise<History> {
    const periods = (await this.repos.periods.list())
      .filter((p) => p.status !== 'draft')
      .sort(periodOrder);
    const ids = periods.map((p) => p.id);
    const [officialRows, actionRows, org] = await Promise.all([
      this.repos.history.officialValues(ids),
      this.repos.history.actionRows(ids),
      this.repos.organisation.get(),
    ]);
    const officialOf = groupBy(officialRows, (r) => r.periodId);
    const actionsOf = groupBy(actionRows, (r) => r.periodId);
    const today = isoDayInZone(this.now(), ZONE_IANA[org?.zone ?? DEFAULT_ZONE_CODE]);

    const fws = new Map<string, Framework>();
    const facts: PeriodFacts[] = [];
    for (const period of periods) {
      let fw = fws.get(period.frameworkId);
      if (!fw) {
        fw = await this.frameworks.get(period.frameworkId);
        fws.set(period.frameworkId, fw);
      }
      const rows = officialOf.get(period.id);
      const official = rows?.length
        ? Object.fromEntries(rows.map((r) => [r.indicatorNo, r.value]))
        : null;
      facts.push({
        period,
        fw,
        city: await this.cities.of(period, fw),
        official,
        officialIndex: official ? computeIndex(fw, official, { rule: 'official' }) : null,
      });
    }

    return {
      periods: facts.map((f) =>
        this.periodOf(f, countActions(actionsOf.get(f.period.id) ?? [], today)),
      ),
      steps: facts.slice(1).map((to, i) => stepOf(facts[i] as PeriodFacts, to)),
    };
  }

  private periodOf(f: PeriodFacts, actions: ActionCounts): HistoryPeriod {
    const { period, fw, city, officialIndex } = f;
    return {
      period: {
        id: period.id,
        name: period.name,
        year: period.year,
        frameworkId: period.frameworkId,
        status: period.status,
      },
      framework: { id: fw.id, name: fw.name, version: fw.version },
      self: summarise(city.self),
      verified: summarise(city.consolidated),
      official: officialIndex ? summarise(officialIndex) : null,
      // The three results come from one instrument: their groups are the same, in order.
      groups: city.consolidated.groups.map((g, i) => ({
        id: g.id,
        name: g.name,
        depth: g.depth,
        self: city.self.groups[i]?.index ?? null,
        verified: g.index,
        official: officialIndex?.groups[i]?.index ?? null,
      })),
      actions,
    };
  }
}

/** The step from one period to the next (see `HistoryService.history`). */
function stepOf(from: PeriodFacts, to: PeriodFacts): HistoryStep {
  const sameInstrument = from.period.frameworkId === to.period.frameworkId;
  const officialChange = indexChange(
    from.officialIndex?.index ?? null,
    to.officialIndex?.index ?? null,
  );
  const base = {
    fromPeriodId: from.period.id,
    toPeriodId: to.period.id,
    sameInstrument,
    verifiedChange: indexChange(from.city.consolidated.index, to.city.consolidated.index),
    officialChange,
  };
  // Another instrument: its indicator 5 is not this one's indicator 5, its groups differ.
  if (!sameInstrument) return { ...base, basis: null, rose: [], fell: [], unchangedCount: 0 };
  const basis: HistoryBasis = from.official && to.official ? 'official' : 'city';
  const compared =
    basis === 'official'
      ? compareIndicators(to.fw, from.official as LevelMap, to.official as LevelMap)
      : compareIndicators(to.fw, from.city.levels.consolidated, to.city.levels.consolidated);
  return { ...base, basis, ...compared };
}
