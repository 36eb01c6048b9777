import type { Kysely } from 'kysely';
import type { SelfAssessmentLevel } from '../domain';
import { chunks } from './chunks';
import type { Database } from './database';

const CHUNK = 500;

export interface LevelInput {
  unitId: string;
  indicatorNo: number;
  level: number;
  justification: string;
}

/** Self-assessed levels (penilaian mandiri) per period × unit × indicator. */
export class SelfAssessmentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listForUnits(periodId: string, unitIds: readonly string[]): Promise<SelfAssessmentLevel[]> {
    const out: SelfAssessmentLevel[] = [];
    for (const part of chunks(unitIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('selfAssessments')
        .select(['periodId', 'unitId', 'indicatorNo', 'level', 'justification', 'updatedAt'])
        .where('periodId', '=', periodId)
        .where('unitId', 'in', part)
        .orderBy('unitId')
        .orderBy('indicatorNo')
        .execute();
      out.push(...rows);
    }
    return out;
  }

  async deleteForUnit(periodId: string, unitId: string): Promise<void> {
    await this.db
      .deleteFrom('selfAssessments')
      .where('periodId', '=', periodId)
      .where('unitId', '=', unitId)
      .execute();
  }

  /** Insert or replace levels (one row per unit × indicator). */
  async upsertMany(
    periodId: string,
    levels: readonly LevelInput[],
    now: number,
    by: string | null,
  ): Promise<void> {
    for (const part of chunks(levels, CHUNK)) {
      await this.db
        .insertInto('selfAssessments')
        .values(
          part.map((l) => ({
            periodId,
            unitId: l.unitId,
            indicatorNo: l.indicatorNo,
            level: l.level,
            justification: l.justification,
            updatedAt: now,
            updatedBy: by,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['periodId', 'unitId', 'indicatorNo']).doUpdateSet((eb) => ({
            level: eb.ref('excluded.level'),
            justification: eb.ref('excluded.justification'),
            updatedAt: eb.ref('excluded.updatedAt'),
            updatedBy: eb.ref('excluded.updatedBy'),
          })),
        )
        .execute();
    }
  }
}
