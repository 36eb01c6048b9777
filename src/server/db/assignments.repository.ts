import type { Kysely, Selectable } from 'kysely';
import type { AssignmentFilter } from '../../core';
import type { Assessment, Assignment } from '../domain';
import type { AssessmentsTable, Database } from './database';

function toAssessment(r: Selectable<AssessmentsTable>): Assessment {
  return {
    id: r.id,
    periodId: r.periodId,
    unitId: r.unitId,
    frameworkId: r.frameworkId,
    status: r.status,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt,
  };
}

/** Which assignments a list holds (the API's query, validated). */
export type { AssignmentFilter };

/** Assignments (unit × period × verifier) and the assessment record each one points at. */
export class AssignmentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: AssignmentFilter): Promise<Assignment[]> {
    let q = this.db
      .selectFrom('assignments')
      .select(['id', 'periodId', 'unitId', 'verifierId', 'assessmentId', 'createdAt']);
    if (filter.periodId !== undefined) q = q.where('periodId', '=', filter.periodId);
    if (filter.verifierId !== undefined) q = q.where('verifierId', '=', filter.verifierId);
    if (filter.unitId !== undefined) q = q.where('unitId', '=', filter.unitId);
    return q.orderBy('createdAt').orderBy('id').execute();
  }

  async findById(id: string): Promise<Assignment | null> {
    const r = await this.db
      .selectFrom('assignments')
      .select(['id', 'periodId', 'unitId', 'verifierId', 'assessmentId', 'createdAt'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<Assignment[]> {
    const out: Assignment[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      out.push(
        ...(await this.db
          .selectFrom('assignments')
          .select(['id', 'periodId', 'unitId', 'verifierId', 'assessmentId', 'createdAt'])
          .where('id', 'in', ids.slice(i, i + 500))
          .execute()),
      );
    }
    return out;
  }

  async find(periodId: string, unitId: string, verifierId: string): Promise<Assignment | null> {
    const r = await this.db
      .selectFrom('assignments')
      .select(['id', 'periodId', 'unitId', 'verifierId', 'assessmentId', 'createdAt'])
      .where('periodId', '=', periodId)
      .where('unitId', '=', unitId)
      .where('verifierId', '=', verifierId)
      .executeTakeFirst();
    return r ?? null;
  }

  async insert(a: Assignment & { createdBy: string | null }): Promise<void> {
    await this.db.insertInto('assignments').values(a).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('assignments').where('id', '=', id).execute();
  }

  async countForPeriod(periodId: string): Promise<number> {
    const r = await this.db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('periodId', '=', periodId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countForUnit(unitId: string): Promise<number> {
    const r = await this.db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('unitId', '=', unitId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // --- assessments ----------------------------------------------------------------

  async findAssessment(periodId: string, unitId: string): Promise<Assessment | null> {
    const r = await this.db
      .selectFrom('assessments')
      .selectAll()
      .where('periodId', '=', periodId)
      .where('unitId', '=', unitId)
      .executeTakeFirst();
    return r ? toAssessment(r) : null;
  }

  async findAssessmentById(id: string): Promise<Assessment | null> {
    const r = await this.db
      .selectFrom('assessments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toAssessment(r) : null;
  }

  async findAssessmentsByIds(ids: readonly string[]): Promise<Assessment[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('assessments')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
    return rows.map(toAssessment);
  }

  async countAssessmentsForPeriod(periodId: string): Promise<number> {
    const r = await this.db
      .selectFrom('assessments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('periodId', '=', periodId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countAssessmentsForUnit(unitId: string): Promise<number> {
    const r = await this.db
      .selectFrom('assessments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('unitId', '=', unitId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async insertAssessment(a: {
    id: string;
    periodId: string;
    unitId: string;
    frameworkId: string;
    now: number;
  }): Promise<Assessment> {
    const row = {
      id: a.id,
      periodId: a.periodId,
      unitId: a.unitId,
      frameworkId: a.frameworkId,
      status: 'belum',
      submittedAt: null,
      createdAt: a.now,
      updatedAt: a.now,
    };
    await this.db.insertInto('assessments').values(row).execute();
    return toAssessment(row);
  }
}
