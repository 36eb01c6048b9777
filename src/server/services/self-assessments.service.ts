import { computeIndex, type Framework, listIndicators } from '../../core';
import { inTransaction } from '../db/repositories';
import type { LevelInput } from '../db/self-assessments.repository';
import type { SelfAssessmentLevel } from '../domain';
import { CsvSyntaxError, parseCsv } from '../lib/csv';
import { Problem } from '../problems';
import { type ActorId, BaseService, type ServiceDeps } from './context';
import type { FrameworksService } from './frameworks.service';
import { materialiseSelfLevels } from './materialise';
import type { PeriodsService } from './periods.service';
import type { RowProblem, RowReport, UnitsService } from './units.service';

export const SELF_ASSESSMENT_CSV_HEADER = [
  'unit_code',
  'indicator_no',
  'level',
  'justification',
] as const;
const MAX_JUSTIFICATION = 10_000;
const MAX_IMPORT_ROWS = 100_000;

export interface UnitSelfAssessment {
  periodId: string;
  unitId: string;
  frameworkId: string;
  levels: Omit<SelfAssessmentLevel, 'periodId' | 'unitId'>[];
  /** Index of the self-assessed levels (core computeIndex); null while nothing is entered. */
  index: number | null;
  predicate: string | null;
  assessedCount: number;
  indicatorCount: number;
}

function rp(column: string, code: string, message: string, messageEn: string): RowProblem {
  return { column, code, message, messageEn };
}

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

  async get(periodId: string, unitId: string): Promise<UnitSelfAssessment> {
    const period = await this.periods.get(periodId);
    await this.units.get(unitId);
    const fw = await this.frameworks.get(period.frameworkId);
    const rows = await this.repos.selfAssessments.listForUnits(periodId, [unitId]);
    return this.summarise(fw, periodId, unitId, period.frameworkId, rows);
  }

  /** Replace the unit's whole set of levels for the period. */
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
    const issues: { path: string; code: string; no: number }[] = [];
    levels.forEach((l, i) => {
      if (!known.has(l.indicatorNo))
        issues.push({
          path: `levels.${i}.indicatorNo`,
          code: 'unknown_indicator',
          no: l.indicatorNo,
        });
      else if (seen.has(l.indicatorNo))
        issues.push({ path: `levels.${i}.indicatorNo`, code: 'duplicate', no: l.indicatorNo });
      seen.add(l.indicatorNo);
    });
    if (issues.length) {
      throw new Problem('validation_failed', {}, (lang: 'id' | 'en') => ({
        issues: issues.map((x) => ({
          path: x.path,
          code: x.code,
          message:
            x.code === 'duplicate'
              ? lang === 'en'
                ? `indicator ${x.no} appears twice`
                : `indikator ${x.no} muncul dua kali`
              : lang === 'en'
                ? `indicator ${x.no} is not part of this period's instrument`
                : `indikator ${x.no} tidak ada pada instrumen periode ini`,
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

  /** Import `unit_code,indicator_no,level,justification`; all rows valid → upserted together, else a per-row report. */
  async importCsv(
    periodId: string,
    text: string,
    actor: ActorId,
  ): Promise<{ units: number; levels: number }> {
    const period = await this.periods.assertOpen(periodId);
    const fw = await this.frameworks.get(period.frameworkId);
    const known = new Set(listIndicators(fw).map((i) => i.no));
    let table: ReturnType<typeof parseCsv>;
    try {
      table = parseCsv(text);
    } catch (e) {
      if (e instanceof CsvSyntaxError) {
        throw new Problem(
          'csv_invalid',
          { count: 1 },
          {
            rows: [
              {
                line: e.line,
                problems: [
                  rp(
                    '',
                    'unterminated_quote',
                    'tanda kutip tidak ditutup',
                    'unterminated quoted field',
                  ),
                ],
              },
            ],
            total: 1,
          },
        );
      }
      throw e;
    }
    const col = SELF_ASSESSMENT_CSV_HEADER.map((h) => table.header.indexOf(h));
    if (col.slice(0, 3).some((i) => i < 0))
      throw new Problem('csv_header', { expected: SELF_ASSESSMENT_CSV_HEADER.join(',') });
    if (table.rows.length === 0) throw new Problem('csv_empty');
    if (table.rows.length > MAX_IMPORT_ROWS) {
      throw new Problem(
        'csv_invalid',
        { count: 1 },
        {
          rows: [
            {
              line: 1,
              problems: [
                rp(
                  '',
                  'too_many_rows',
                  `maksimal ${MAX_IMPORT_ROWS} baris per impor`,
                  `at most ${MAX_IMPORT_ROWS} rows per import`,
                ),
              ],
            },
          ],
          total: 1,
        },
      );
    }
    const unitsByCode = new Map((await this.repos.units.list()).map((u) => [u.code, u]));
    const cell = (cells: string[], i: number) => {
      const c = col[i] as number;
      return c < 0 ? '' : (cells[c] ?? '').trim();
    };
    const reports: RowReport[] = [];
    const seen = new Map<string, number>();
    const out: LevelInput[] = [];
    for (const row of table.rows) {
      const problems: RowProblem[] = [];
      const unitCode = cell(row.cells, 0);
      const noText = cell(row.cells, 1);
      const levelText = cell(row.cells, 2);
      const justification = cell(row.cells, 3);
      const unit = unitsByCode.get(unitCode);
      if (!unitCode)
        problems.push(
          rp('unit_code', 'required', 'kode unit wajib diisi', 'unit code is required'),
        );
      else if (!unit)
        problems.push(
          rp(
            'unit_code',
            'unknown_unit',
            `unit "${unitCode}" tidak ada di server`,
            `unit "${unitCode}" does not exist on the server`,
          ),
        );
      const no = /^\d{1,3}$/.test(noText) ? Number(noText) : Number.NaN;
      if (!known.has(no))
        problems.push(
          rp(
            'indicator_no',
            'unknown_indicator',
            `indikator "${noText}" tidak ada pada instrumen ${fw.id}`,
            `indicator "${noText}" is not in instrument ${fw.id}`,
          ),
        );
      const level = /^[1-5]$/.test(levelText) ? Number(levelText) : Number.NaN;
      if (Number.isNaN(level))
        problems.push(
          rp(
            'level',
            'invalid_level',
            'level harus bilangan bulat 1 sampai 5',
            'level must be a whole number from 1 to 5',
          ),
        );
      if (justification.length > MAX_JUSTIFICATION)
        problems.push(
          rp(
            'justification',
            'too_long',
            `penjelasan maksimal ${MAX_JUSTIFICATION} karakter`,
            `justification is at most ${MAX_JUSTIFICATION} characters`,
          ),
        );
      const key = `${unitCode}|${no}`;
      if (unit && known.has(no) && seen.has(key))
        problems.push(
          rp(
            'indicator_no',
            'duplicate',
            `unit dan indikator yang sama sudah ada di baris ${seen.get(key)}`,
            `same unit and indicator as line ${seen.get(key)}`,
          ),
        );
      seen.set(key, seen.get(key) ?? row.line);
      if (problems.length) reports.push({ line: row.line, problems });
      else if (unit) out.push({ unitId: unit.id, indicatorNo: no, level, justification });
    }
    if (reports.length) {
      throw new Problem(
        'csv_invalid',
        { count: reports.length },
        { rows: reports.slice(0, 500), total: reports.length },
      );
    }
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
    const result = computeIndex(fw, levels);
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
