import {
  DEFAULT_STAGES,
  nextStage,
  type PeriodType,
  PLAN_STEP_CAP,
  parseFramework,
  type SectorService,
  type Stage,
  type StageChange,
  stageLabel,
  uuidv7,
  valueProblem,
} from '../../core';
import type { PeriodPatch } from '../db/periods.repository';
import { inTransaction } from '../db/repositories';
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
      currentStage: (input.stages ?? DEFAULT_STAGES)[0] as Stage,
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
   *   instrument; issue code `value_out_of_domain` naming the first value that does not fit;
   *   `official_result_bound` when an official result was imported for the instrument)
   */
  async update(id: string, patch: PeriodPatch): Promise<Period> {
    const current = await this.get(id);
    const assessments = await this.repos.assignments.countAssessmentsForPeriod(id);
    if (patch.frameworkId !== undefined && patch.frameworkId !== current.frameworkId) {
      if (assessments > 0) throw new Problem('period_in_use');
      await this.assertFramework(patch.frameworkId);
      await this.assertSelfLevelsFit(id, patch.frameworkId);
      // The official result was published for this instrument's indicators: on another one
      // its numbers name other indicators (and a 1,17 has no place on whole levels).
      if ((await this.repos.officialResults.listForPeriod(id)).length > 0)
        throw fieldProblem(
          'frameworkId',
          'official_result_bound',
          'Periode ini sudah memiliki hasil resmi untuk instrumennya; instrumen tidak dapat diganti.',
          'This period already has an official result for its instrument; the instrument cannot change.',
        );
    }
    if (patch.status === 'draft' && current.status !== 'draft' && assessments > 0)
      throw new Problem('period_in_use');
    // The tablets work in the current stage: a list without it would leave them nowhere.
    if (patch.stages !== undefined && !patch.stages.includes(current.currentStage))
      throw fieldProblem(
        'stages',
        'current_stage_missing',
        `Tahap yang sedang berjalan ("${stageLabel(current.currentStage)}") harus tetap ada dalam daftar tahap.`,
        `The current stage ("${stageLabel(current.currentStage, 'en')}") must stay in the list of stages.`,
      );
    // The stages already passed are history (the index per stage starts from them, the stage
    // moves are audited): the list up to the current stage is kept as it is — no past stage
    // removed, none inserted before the current one. Later stages stay free to change.
    if (patch.stages !== undefined) {
      const upTo = (list: readonly Stage[]) =>
        list.slice(0, list.indexOf(current.currentStage) + 1);
      const before = upTo(current.stages);
      const after = upTo(patch.stages);
      if (before.length !== after.length || before.some((x, i) => x !== after[i]))
        throw fieldProblem(
          'stages',
          'stage_history_locked',
          `Tahap yang sudah dilalui (${before.map((x) => stageLabel(x)).join(', ')}) tidak dapat diubah; hanya tahap setelah tahap berjalan yang dapat ditambah atau dihapus.`,
          `Stages already passed (${before.map((x) => stageLabel(x, 'en')).join(', ')}) cannot change; only stages after the current one can be added or removed.`,
        );
    }
    await this.repos.periods.update(id, { ...patch, name: patch.name?.trim() }, this.now());
    return this.get(id);
  }

  /**
   * Move a period to its next stage (a coordinator's action, recorded with who and when in
   * the same transaction). Tablets learn the new stage from their offline package.
   *
   * @param from the stage the coordinator saw as current
   * @param to the stage right after `from` in the period's list
   * @throws Problem 404 `not_found`, 409 `period_closed`, 409 `stage_changed` (the current
   *   stage is no longer `from`), 422 `stage_not_next` (`to` is not the next stage)
   */
  async moveStage(id: string, from: Stage, to: Stage, accountId: string): Promise<Period> {
    const period = await this.assertOpen(id);
    const stale = () =>
      new Problem('stage_changed', {
        current: stageLabel(period.currentStage),
        currentEn: stageLabel(period.currentStage, 'en'),
      });
    if (period.currentStage !== from) throw stale();
    const next = nextStage(period.stages, from);
    if (to !== next)
      throw new Problem('stage_not_next', {
        from: stageLabel(from),
        fromEn: stageLabel(from, 'en'),
        ...(next ? { next: stageLabel(next), nextEn: stageLabel(next, 'en') } : {}),
      });
    const now = this.now();
    const moved = await inTransaction(this.deps.db, (repos) =>
      repos.periods.moveStage({ id: uuidv7(now), periodId: id, from, to, accountId }, now),
    );
    if (!moved) {
      const latest = await this.get(id);
      throw new Problem('stage_changed', {
        current: stageLabel(latest.currentStage),
        currentEn: stageLabel(latest.currentStage, 'en'),
      });
    }
    return this.get(id);
  }

  /** Every move of the period's stage, oldest first (404 `not_found` for an unknown period). */
  async stageChanges(id: string): Promise<StageChange[]> {
    await this.get(id);
    return this.repos.periods.stageChanges(id);
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
