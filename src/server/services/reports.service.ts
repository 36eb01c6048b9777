import { type CitySummary, DEFAULT_ZONE_CODE, formatInZone } from '../../core';
import { Problem } from '../problems';
import { type CityIndexService, namedCityIndicators } from './city-index';
import { BaseService, type ServiceDeps } from './context';
import type { DashboardService } from './dashboard.service';
import { type ExportFile, exportFilename } from './exports/file';
import { levelsCsv, levelsXlsx } from './exports/levels';
import { loadLevelsExport } from './exports/levels-data';
import {
  hashStored,
  indexWorkbook,
  type PackageEntry,
  type PackageSource,
  packageFits,
  packageSlug,
  packageZip,
  unitEntries,
  unitFolder,
} from './exports/national-package';
import type { FilesService } from './files.service';
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
    private readonly files: FilesService,
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

  /**
   * The national evidence package of a period (exports/national-package.ts says how files
   * are named): of one unit (`unitId`), or of the Pemda as a whole (null: every unit of the
   * period with an assessment, one folder each). Holds the live evidence files the server
   * holds, each re-hashed from the store before anything is sent, and `indeks.xlsx`.
   *
   * Memory: the metadata of the package's files (a few hundred bytes each) and the index
   * workbook are held; file bytes only stream, one chunk at a time (`packageZip`).
   *
   * @throws Problem 404 `not_found` for an unknown period, or a unit without an assessment
   *   in it; 409 `evidence_hash_mismatch` (nothing sent) when a stored file does not match
   *   its SHA-256 or cannot be read, naming unit, indicator and file; 409
   *   `national_package_too_large` beyond a plain zip's 65,535 files or 4 GiB
   */
  async nationalPackage(periodId: string, unitId: string | null): Promise<ExportFile> {
    const { period, fw } = await this.cities.periodWithFramework(periodId);
    const generatedAt = this.now();
    const organisation = await this.repos.organisation.get();
    const zone = organisation?.zone ?? DEFAULT_ZONE_CODE;
    const units = (await this.repos.reporting.unitProgress(period.id)).filter(
      (u) => u.assessmentId !== null && (unitId === null || u.unitId === unitId),
    );
    if (unitId !== null && units.length === 0)
      throw new Problem('not_found', { what: 'Penilaian unit', whatEn: 'Unit assessment' });
    units.sort((a, b) => a.code.localeCompare(b.code));

    const entries: PackageEntry[] = [];
    for (const u of units) {
      // One unit's evidence and verification records at a time.
      const fields = await this.repos.sync.fieldsOfAssessment(u.assessmentId as string);
      const own = fields.filter((f) => f.entity === 'verification' || f.entity === 'evidenceFile');
      const shas = own.flatMap((f) =>
        f.entity === 'evidenceFile' && f.field === 'sha256' && typeof f.value === 'string'
          ? [f.value]
          : [],
      );
      // The table, not the store: every listed file is read and hashed below, so one the
      // store lost or damaged refuses the package by name instead of leaving it out.
      const held = await this.repos.files.heldAmong(shas);
      entries.push(
        ...unitEntries(
          { code: u.code, name: u.name, fw, fields: own },
          unitId === null ? unitFolder(u.code, u.name) : '',
          held,
        ),
      );
    }

    // A plain zip holds at most 65,535 files and 4 GiB: checked before hashing (without the
    // index) and again once the index is built.
    if (!packageFits(entries, 0))
      throw new Problem('national_package_too_large', { files: entries.length });

    const evidence = this.files.evidence;
    const source: PackageSource = {
      open: async function* (sha) {
        yield* (await evidence.open(sha)) as AsyncIterable<Uint8Array>;
      },
    };
    // Every file is checked before the first byte is sent: a mismatch refuses the package.
    const checked = new Set<string>();
    for (const e of entries) {
      if (checked.has(e.sha256)) continue;
      if ((await hashStored(source, e.sha256)) !== e.sha256)
        throw new Problem('evidence_hash_mismatch', {
          unit: `${e.unitName} (${e.unitCode})`,
          indicator: e.indicatorNo,
          file: e.originalName || e.path,
        });
      checked.add(e.sha256);
    }

    const one = unitId === null ? null : units[0];
    const info: [string, string][] = [
      ['Paket bukti dukung nasional', organisation?.name ?? ''],
      ['Periode', `${period.name} (${period.year})`],
      ['Instrumen', `${fw.name} (${fw.id} v${fw.version})`],
      ['Unit', one ? `${one.name} (${one.code})` : 'Seluruh unit pemerintah daerah'],
      ['Dibuat', formatInZone(generatedAt, zone, 'id')],
      ['Jumlah berkas', String(entries.length)],
      ['Pola nama berkas', 'I<indikator 2 digit>_L<level>_<butir 2 digit>_<judul>.<ekstensi>'],
      ['Tanpa butir', 'L0_00: berkas yang tidak dikaitkan dengan butir bukti mana pun'],
    ];
    const index = await indexWorkbook(entries, info, zone, generatedAt);
    if (!packageFits(entries, index.length))
      throw new Problem('national_package_too_large', { files: entries.length });
    const what = `paket-bukti-${one ? packageSlug(one.code) : 'pemda'}`;
    return packageZip(
      exportFilename(period.name, what, generatedAt, 'zip', zone),
      index,
      entries,
      source,
      generatedAt,
      zone,
    );
  }
}
