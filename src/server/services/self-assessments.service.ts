import {
  type CsvRowProblem,
  type CsvRowReport,
  computeIndex,
  type Framework,
  listIndicators,
  type SelfAssessmentImportSummary,
  type UnitSelfAssessment,
  unitCodeLookup,
  valueProblem,
} from '../../core';
import { inTransaction } from '../db/repositories';
import type { LevelInput } from '../db/self-assessments.repository';
import type { SelfAssessmentLevel } from '../domain';
import { Problem } from '../problems';
import { type ActorId, BaseService, type ServiceDeps } from './context';
import { type CsvColumn, readCsvImport, rejectRows, rowProblem as rp } from './csv-import';
import type { FrameworksService } from './frameworks.service';
import { materialiseSelfLevels } from './materialise';
import type { PeriodsService } from './periods.service';
import type { UnitsService } from './units.service';

/**
 * Columns of the penilaian mandiri import file (README "CSV files"): the same names the
 * levels export writes for the same facts.
 */
export const SELF_ASSESSMENT_CSV_COLUMNS = {
  unitCode: { header: 'kode_unit', aliases: ['unit_code'], required: true },
  indicatorNo: { header: 'no_indikator', aliases: ['indicator_no'], required: true },
  level: { header: 'level_mandiri', aliases: ['level'], required: true },
  justification: { header: 'penjelasan_mandiri', aliases: ['justification'], required: false },
} as const satisfies Record<string, CsvColumn>;
const MAX_JUSTIFICATION = 10_000;
const MAX_IMPORT_ROWS = 100_000;

/** Self-assessed levels (penilaian mandiri) per unit and period: entered as JSON or imported as CSV. */
export class SelfAssessmentsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly periods: PeriodsService,
    private readonly units: UnitsService,
    private readonly frameworks: FrameworksService,
  ) {
    super(deps);
  }

  /**
   * A unit's self-assessed levels in a period, with their index.
   *
   * @throws Problem 404 `not_found` (period or unit)
   */
  async get(periodId: string, unitId: string): Promise<UnitSelfAssessment> {
    const period = await this.periods.get(periodId);
    await this.units.get(unitId);
    const fw = await this.frameworks.get(period.frameworkId);
    const rows = await this.repos.selfAssessments.listForUnits(periodId, [unitId]);
    return this.summarise(fw, periodId, unitId, period.frameworkId, rows);
  }

  /**
   * Replace the unit's whole set of levels for the period.
   *
   * @throws Problem 404 `not_found`, 409 `period_closed`, 422 `validation_failed` (an
   *   indicator not in the instrument, or given twice; `value_out_of_domain`: a value its
   *   indicator does not take — 2,5 on a whole-level indicator, 1,175 anywhere)
   */
  async put(
    periodId: string,
    unitId: string,
    levels: readonly Omit<LevelInput, 'unitId'>[],
    actor: ActorId,
  ): Promise<UnitSelfAssessment> {
    const period = await this.periods.assertOpen(periodId);
    await this.units.get(unitId);
    const fw = await this.frameworks.get(period.frameworkId);
    const known = new Set(listIndicators(fw).map((i) => i.no));
    const seen = new Set<number>();
    const issues: { path: string; code: string; id: string; en: string }[] = [];
    levels.forEach((l, i) => {
      const no = l.indicatorNo;
      const domain = known.has(no) ? valueProblem(fw, no, l.level) : null;
      if (!known.has(no))
        issues.push({
          path: `levels.${i}.indicatorNo`,
          code: 'unknown_indicator',
          id: `indikator ${no} tidak ada pada instrumen periode ini`,
          en: `indicator ${no} is not part of this period's instrument`,
        });
      else if (seen.has(no))
        issues.push({
          path: `levels.${i}.indicatorNo`,
          code: 'duplicate',
          id: `indikator ${no} muncul dua kali`,
          en: `indicator ${no} appears twice`,
        });
      else if (domain)
        issues.push({
          path: `levels.${i}.level`,
          code: domain.code,
          id: domain.message,
          en: domain.messageEn,
        });
      seen.add(no);
    });
    if (issues.length) {
      throw new Problem('validation_failed', {}, (lang: 'id' | 'en') => ({
        issues: issues.map((x) => ({
          path: x.path,
          code: x.code,
          message: lang === 'en' ? x.en : x.id,
        })),
      }));
    }
    const now = this.now();
    await inTransaction(this.deps.db, async (repos) => {
      await repos.selfAssessments.deleteForUnit(periodId, unitId);
      await repos.selfAssessments.upsertMany(
        periodId,
        levels.map((l) => ({ ...l, unitId })),
        now,
        actor,
      );
      await materialiseSelfLevels(repos, periodId, [unitId], actor, now);
    });
    return this.get(periodId, unitId);
  }

  /**
   * Import penilaian mandiri levels (`kode_unit,no_indikator,level_mandiri,penjelasan_mandiri`,
   * or the English `unit_code,indicator_no,level,justification`; the last column optional):
   * all rows valid → upserted together, else a per-row report and nothing saved. A level is
   * a whole level, or on a decimal instrument a value with at most two decimals written
   * with a decimal comma or point (`2,5`, `1.25`); a value its indicator does not take is
   * reported `value_out_of_domain`.
   *
   * @throws Problem 404 `not_found`, 409 `period_closed`; 422 `csv_encoding`, `csv_header`,
   *   `csv_empty`, `csv_invalid` (csv-import.ts, and the per-row report)
   */
  async importCsv(
    periodId: string,
    text: string,
    actor: ActorId,
  ): Promise<SelfAssessmentImportSummary> {
    const period = await this.periods.assertOpen(periodId);
    const fw = await this.frameworks.get(period.frameworkId);
    const known = new Set(listIndicators(fw).map((i) => i.no));
    const { rows, headers: col } = readCsvImport(
      text,
      SELF_ASSESSMENT_CSV_COLUMNS,
      MAX_IMPORT_ROWS,
    );
    // `kode_unit` finds its unit in any letter case (core unitCodeKey).
    const unitByCode = unitCodeLookup(await this.repos.units.list());
    const reports: CsvRowReport[] = [];
    const seen = new Map<string, number>();
    const out: LevelInput[] = [];
    for (const row of rows) {
      const problems: CsvRowProblem[] = [];
      const { unitCode, indicatorNo: noText, level: levelText, justification } = row.cells;
      const unit = unitByCode(unitCode);
      if (!unitCode)
        problems.push(
          rp(col.unitCode, 'required', 'kode unit wajib diisi', 'unit code is required'),
        );
      else if (!unit)
        problems.push(
          rp(
            col.unitCode,
            'unknown_unit',
            `unit "${unitCode}" tidak ada di server`,
            `unit "${unitCode}" does not exist on the server`,
          ),
        );
      const no = /^\d{1,3}$/.test(noText) ? Number(noText) : Number.NaN;
      if (!known.has(no))
        problems.push(
          rp(
            col.indicatorNo,
            'unknown_indicator',
            `indikator "${noText}" tidak ada pada instrumen ${fw.id}`,
            `indicator "${noText}" is not in instrument ${fw.id}`,
          ),
        );
      const level = /^\d{1,3}(?:[.,]\d{1,6})?$/.test(levelText)
        ? Number(levelText.replace(',', '.'))
        : Number.NaN;
      // An unknown indicator is reported as such; its value has no domain to check.
      const domain = !Number.isNaN(level) && known.has(no) ? valueProblem(fw, no, level) : null;
      if (Number.isNaN(level))
        problems.push(
          rp(
            col.level,
            'invalid_level',
            'level harus berupa angka 1 sampai 5',
            'level must be a number from 1 to 5',
          ),
        );
      else if (domain) problems.push(rp(col.level, domain.code, domain.message, domain.messageEn));
      if (justification.length > MAX_JUSTIFICATION)
        problems.push(
          rp(
            col.justification,
            'too_long',
            `penjelasan maksimal ${MAX_JUSTIFICATION} karakter`,
            `justification is at most ${MAX_JUSTIFICATION} characters`,
          ),
        );
      const key = `${unit?.id}|${no}`;
      if (unit && known.has(no) && seen.has(key))
        problems.push(
          rp(
            col.indicatorNo,
            'duplicate',
            `unit dan indikator yang sama sudah ada di baris ${seen.get(key)}`,
            `same unit and indicator as line ${seen.get(key)}`,
          ),
        );
      seen.set(key, seen.get(key) ?? row.line);
      if (problems.length) reports.push({ line: row.line, problems });
      else if (unit) out.push({ unitId: unit.id, indicatorNo: no, level, justification });
    }
    if (reports.length) rejectRows(reports);
    const now = this.now();
    await inTransaction(this.deps.db, async (repos) => {
      await repos.selfAssessments.upsertMany(periodId, out, now, actor);
      await materialiseSelfLevels(
        repos,
        periodId,
        out.map((l) => l.unitId),
        actor,
        now,
      );
    });
    return { units: new Set(out.map((l) => l.unitId)).size, levels: out.length };
  }

  private summarise(
    fw: Framework,
    periodId: string,
    unitId: string,
    frameworkId: string,
    rows: SelfAssessmentLevel[],
  ): UnitSelfAssessment {
    const levels = Object.fromEntries(rows.map((r) => [r.indicatorNo, r.level]));
    const result = computeIndex(fw, levels, { rule: 'official' });
    return {
      periodId,
      unitId,
      frameworkId,
      levels: rows.map(({ indicatorNo, level, justification, updatedAt }) => ({
        indicatorNo,
        level,
        justification,
        updatedAt,
      })),
      index: result.index,
      predicate: result.predicate,
      assessedCount: result.assessedCount,
      indicatorCount: result.applicableCount,
    };
  }
}
