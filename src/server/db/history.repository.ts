import type { Kysely } from 'kysely';
import type { ActionStatus } from '../../core';
import type { Database } from './database';

/** One improvement action as the history counts it: its period, stored status and due date. */
export interface HistoryActionRow {
  periodId: string;
  status: ActionStatus;
  /** `YYYY-MM-DD`. */
  dueDate: string;
}

/** One official value of a period (the KemenPANRB result imported into it). */
export interface HistoryOfficialRow {
  periodId: string;
  indicatorNo: number;
  value: number;
}

/**
 * What the index history (GET /api/history) reads for many periods at once: the official
 * values and the improvement actions of every period, one query each whatever the number of
 * periods. The city levels come from the city-index rule's own reader (services/city-index).
 */
export class HistoryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Official values of `periodIds`, by period then indicator number (none: empty). */
  async officialValues(periodIds: readonly string[]): Promise<HistoryOfficialRow[]> {
    if (periodIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('officialResults')
      .select(['periodId', 'indicatorNo', 'value'])
      .where('periodId', 'in', [...periodIds])
      .orderBy('periodId')
      .orderBy('indicatorNo')
      .execute();
    // PostgreSQL answers double precision as a number already; Number() keeps SQLite honest.
    return rows.map((r) => ({ ...r, value: Number(r.value) }));
  }

  /** Status and due date of every action of `periodIds` (any unit, any origin). */
  async actionRows(periodIds: readonly string[]): Promise<HistoryActionRow[]> {
    if (periodIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('actions')
      .select(['periodId', 'status', 'dueDate'])
      .where('periodId', 'in', [...periodIds])
      .execute();
    return rows;
  }
}
