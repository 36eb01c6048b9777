import type { CitySummary } from '../../core';
import { type CityIndexService, namedCityIndicators } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import type { DashboardService } from './dashboard.service';
import type { ExportFile } from './exports/file';
import { levelsCsv, levelsXlsx } from './exports/levels';
import { loadLevelsExport } from './exports/levels-data';
import type { PlanService } from './plan.service';

/**
 * Reports (Indonesian): the city summary (data for the printable page with its charts) and
 * the exports of unit × indicator levels (services/exports/ writes the files). Each request
 * reads the period's city index once (city-index.ts) and hands it to every part it builds.
 */

export class ReportsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly cities: CityIndexService,
    private readonly dashboards: DashboardService,
    private readonly plans: PlanService,
  ) {
    super(deps);
  }

  /**
   * Everything the printable city summary shows: indices, charts' data, progress,
   * over-claims, plan (to the period's target).
   *
   * @throws Problem 404 `not_found` for an unknown period
   */
  async summary(periodId: string): Promise<CitySummary> {
    const pc = await this.cities.forPeriod(periodId);
    const [view, plan] = await Promise.all([
      this.dashboards.dashboardFor(pc, {}, { limit: 1 }),
      this.plans.planFor(pc),
    ]);
    return {
      period: view.period,
      framework: view.framework,
      generatedAt: this.now(),
      consolidation: view.consolidation,
      city: view.city,
      groups: view.groups,
      progress: view.progress,
      overclaims: view.overclaims,
      indicators: namedCityIndicators(pc.fw, pc.city.levels),
      plan,
    };
  }

  /**
   * The unit × indicator levels of a period as CSV (exports/levels.ts says what it holds).
   *
   * @throws Problem 404 `not_found` for an unknown period
   */
  async levelsCsv(periodId: string): Promise<ExportFile> {
    return levelsCsv(await this.levelsExport(periodId));
  }

  /**
   * The same levels as XLSX, streamed while the workbook is written.
   *
   * @throws Problem 404 `not_found` for an unknown period
   */
  async levelsXlsx(periodId: string): Promise<ExportFile> {
    return levelsXlsx(await this.levelsExport(periodId));
  }

  private async levelsExport(periodId: string) {
    return loadLevelsExport(this.repos, await this.cities.forPeriod(periodId), this.now());
  }
}
