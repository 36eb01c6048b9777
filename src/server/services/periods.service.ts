import {
  DEFAULT_STAGES,
  type PeriodType,
  PLAN_STEP_CAP,
  parseFramework,
  type SectorService,
  type Stage,
  uuidv7,
  valueProblem,
} from '../../core';
import type { PeriodPatch } from '../db/periods.repository';
import type { Period, PeriodStatus } from '../domain';
import { fieldProblem, Problem } from '../problems';
import { BaseService } from './context';

export interface NewPeriod {
  name: string;
  year: number;
  frameworkId: string;
  targetIndex: number;
  /** Level-steps per indicator the plan may take (PLAN_STEP_CAP; default 2). */
  planStepCap?: number | undefined;
  /** Tablets stamp the period's photos (default off). */
  photoStamp?: boolean | undefined;
  /** The period's stages in order (default: all five); the current stage is the first. */
  stages?: Stage[] | undefined;
  /**
   * The stage the period starts in (one of `stages`; default the first). Not part of the
   * API body (a coordinator moves a period on, audited): the demo seed uses it to start its
   * periods in verifikasi dokumen, the self-assessment being imported already.
   */
  currentStage?: Stage | undefined;
  periodType?: PeriodType | undefined;
  skNumber?: string | undefined;
  skDate?: string | null | undefined;
  skSignedBy?: string | undefined;
  sectorServices?: SectorService[] | undefined;
  status?: PeriodStatus | undefined;
  demo?: boolean;
}

/**
 * Evaluation periods (name, year, instrument, target index, plan step cap, photo stamp,
 * status draft → active → closed).
 */
export class PeriodsService extends BaseService {
  list(): Promise<Period[]> {
    return this.repos.periods.list();
  }

  async get(id: string): Promise<Period> {
    const p = await this.repos.periods.findById(id);
    if (!p) throw new Problem('not_found', { what: 'Periode', whatEn: 'Period' });
    return p;
  }

  async create(input: NewPeriod): Promise<Period> {
    await this.assertFramework(input.frameworkId);
    return this.repos.periods.insert({
      id: uuidv7(this.now()),
      name: input.name.trim(),
      year: input.year,
      frameworkId: input.frameworkId,
      targetIndex: input.targetIndex,
      planStepCap: input.planStepCap ?? PLAN_STEP_CAP.default,
      photoStamp: input.photoStamp ?? false,
      stages: input.stages ?? [...DEFAULT_STAGES],
      currentStage:
        input.currentStage && (input.stages ?? DEFAULT_STAGES).includes(input.currentStage)
          ? input.currentStage
          : ((input.stages ?? DEFAULT_STAGES)[0] as Stage),
      periodType: input.periodType ?? 'evaluasi',
      skNumber: input.skNumber?.trim() ?? '',
      skDate: input.skDate ?? null,
      skSignedBy: input.skSignedBy?.trim() ?? '',
      sectorServices: input.sectorServices ?? [],
      status: input.status ?? 'draft',
      demo: input.demo ?? false,
      now: this.now(),
    });
  }

  /**
   * Change a period. The instrument can only change while no unit is assigned (the
   * assessments are bound to it) and while every penilaian mandiri value already entered is
   * a value of the new instrument (a decimal 2,5 has no place on whole levels: refused
   * rather than dropped, so no index ever meets a value outside its domain); a period with
   * assignments cannot go back to draft.
   *
   * @throws Problem 404 `not_found`, 409 `period_in_use`, 422 `validation_failed` (unknown
   *   instrument; issue code `value_out_of_domain` naming the first value that does not fit)
   */
  async update(id: string, patch: PeriodPatch): Promise<Period> {
    const current = await this.get(id);
    const assessments = await this.repos.assignments.countAssessmentsForPeriod(id);
    if (patch.frameworkId !== undefined && patch.frameworkId !== current.frameworkId) {
      if (assessments > 0) throw new Problem('period_in_use');
      await this.assertFramework(patch.frameworkId);
      await this.assertSelfLevelsFit(id, patch.frameworkId);
    }
    if (patch.status === 'draft' && current.status !== 'draft' && assessments > 0)
      throw new Problem('period_in_use');
    await this.repos.periods.update(id, { ...patch, name: patch.name?.trim() }, this.now());
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    await this.get(id);
    if ((await this.repos.assignments.countAssessmentsForPeriod(id)) > 0)
      throw new Problem('period_in_use');
    await this.repos.periods.delete(id);
  }

  /** 409 when the period is closed (no more edits to its data). */
  async assertOpen(id: string): Promise<Period> {
    const p = await this.get(id);
    if (p.status === 'closed') throw new Problem('period_closed');
    return p;
  }

  private async assertSelfLevelsFit(periodId: string, frameworkId: string): Promise<void> {
    const doc = await this.repos.frameworks.findDocument(frameworkId);
    if (!doc) return;
    const fw = parseFramework(JSON.parse(doc.json));
    for (const r of await this.repos.reporting.selfLevels(periodId)) {
      const p = valueProblem(fw, r.indicatorNo, r.level);
      if (p)
        throw fieldProblem(
          'frameworkId',
          p.code,
          `Penilaian mandiri yang sudah diisi tidak sesuai dengan instrumen ini. ${p.message}`,
          `The penilaian mandiri already entered does not fit this instrument. ${p.messageEn}`,
        );
    }
  }

  private async assertFramework(id: string): Promise<void> {
    if (!(await this.repos.frameworks.findDocument(id))) {
      throw fieldProblem(
        'frameworkId',
        'unknown_reference',
        'Instrumen tidak ditemukan.',
        'Instrument not found.',
      );
    }
  }
}
