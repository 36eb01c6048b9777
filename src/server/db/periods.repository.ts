import type { Kysely, Selectable } from 'kysely';
import type { PeriodPatch, SectorService, Stage, StageChange } from '../../core';
import type { Period } from '../domain';
import type { Database, PeriodsTable } from './database';

function toPeriod(r: Selectable<PeriodsTable>): Period {
  return {
    id: r.id,
    name: r.name,
    year: r.year,
    frameworkId: r.frameworkId,
    targetIndex: Number(r.targetIndex),
    planStepCap: Number(r.planStepCap),
    photoStamp: Number(r.photoStamp) === 1,
    stages: JSON.parse(r.stages) as Stage[],
    currentStage: r.currentStage,
    periodType: r.periodType,
    skNumber: r.skNumber,
    skDate: r.skDate,
    skSignedBy: r.skSignedBy,
    sectorServices: JSON.parse(r.sectorServices) as SectorService[],
    status: r.status,
    demo: r.demo === 1,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** The fields a change sets (the API's PATCH body, validated). */
export type { PeriodPatch };

export class PeriodsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Period[]> {
    const rows = await this.db
      .selectFrom('periods')
      .selectAll()
      .orderBy('year', 'desc')
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(toPeriod);
  }

  async findById(id: string): Promise<Period | null> {
    const r = await this.db
      .selectFrom('periods')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toPeriod(r) : null;
  }

  async findByIds(ids: readonly string[]): Promise<Period[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('periods')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('year', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(toPeriod);
  }

  async insert(p: Omit<Period, 'createdAt' | 'updatedAt'> & { now: number }): Promise<Period> {
    const row = {
      id: p.id,
      name: p.name,
      year: p.year,
      frameworkId: p.frameworkId,
      targetIndex: p.targetIndex,
      planStepCap: p.planStepCap,
      photoStamp: p.photoStamp ? 1 : 0,
      stages: JSON.stringify(p.stages),
      currentStage: p.currentStage,
      periodType: p.periodType,
      skNumber: p.skNumber,
      skDate: p.skDate,
      skSignedBy: p.skSignedBy,
      sectorServices: JSON.stringify(p.sectorServices),
      status: p.status,
      demo: p.demo ? 1 : 0,
      createdAt: p.now,
      updatedAt: p.now,
    };
    await this.db.insertInto('periods').values(row).execute();
    return toPeriod(row);
  }

  async update(id: string, patch: PeriodPatch, now: number): Promise<void> {
    const set: Partial<PeriodsTable> = { updatedAt: now };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.year !== undefined) set.year = patch.year;
    if (patch.frameworkId !== undefined) set.frameworkId = patch.frameworkId;
    if (patch.targetIndex !== undefined) set.targetIndex = patch.targetIndex;
    if (patch.planStepCap !== undefined) set.planStepCap = patch.planStepCap;
    if (patch.photoStamp !== undefined) set.photoStamp = patch.photoStamp ? 1 : 0;
    if (patch.stages !== undefined) set.stages = JSON.stringify(patch.stages);
    if (patch.periodType !== undefined) set.periodType = patch.periodType;
    if (patch.skNumber !== undefined) set.skNumber = patch.skNumber;
    if (patch.skDate !== undefined) set.skDate = patch.skDate;
    if (patch.skSignedBy !== undefined) set.skSignedBy = patch.skSignedBy;
    if (patch.sectorServices !== undefined)
      set.sectorServices = JSON.stringify(patch.sectorServices);
    if (patch.status !== undefined) set.status = patch.status;
    await this.db.updateTable('periods').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('periods').where('id', '=', id).execute();
  }

  /**
   * Move the current stage from `from` to `to` when it still is `from` (a compare-and-set,
   * so two coordinators' moves cannot both pass), recording the move. Returns false (and
   * writes nothing) when the current stage is no longer `from`. Run it in a transaction.
   */
  async moveStage(
    move: { id: string; periodId: string; from: Stage; to: Stage; accountId: string },
    now: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('periods')
      .set({ currentStage: move.to, updatedAt: now })
      .where('id', '=', move.periodId)
      .where('currentStage', '=', move.from)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    await this.db
      .insertInto('periodStageChanges')
      .values({
        id: move.id,
        periodId: move.periodId,
        fromStage: move.from,
        toStage: move.to,
        accountId: move.accountId,
        at: now,
      })
      .execute();
    return true;
  }

  /** Every move of a period's stage, oldest first, with the account's name ('' when gone). */
  async stageChanges(periodId: string): Promise<StageChange[]> {
    const rows = await this.db
      .selectFrom('periodStageChanges as c')
      .leftJoin('accounts as a', 'a.id', 'c.accountId')
      .select(['c.id', 'c.periodId', 'c.fromStage', 'c.toStage', 'c.accountId', 'c.at', 'a.name'])
      .where('c.periodId', '=', periodId)
      .orderBy('c.at')
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      periodId: r.periodId,
      from: r.fromStage,
      to: r.toStage,
      accountId: r.accountId,
      accountName: r.name ?? '',
      at: Number(r.at),
    }));
  }

  async countUsingFramework(frameworkId: string): Promise<number> {
    const r = await this.db
      .selectFrom('periods')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('frameworkId', '=', frameworkId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
