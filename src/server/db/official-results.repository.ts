import type { Kysely } from 'kysely';
import type { Database, OfficialResultsTable } from './database';

/** One indicator's official value as stored. */
export type OfficialResultRow = OfficialResultsTable;

/** What one import brings: the values and where they came from. */
export interface OfficialImport {
  id: string;
  periodId: string;
  values: readonly { indicatorNo: number; value: number; published: string }[];
  at: number;
  by: string | null;
  sourceName: string;
}

/**
 * The official result KemenPANRB publishes for the Pemda, per period × indicator, and the log
 * of its imports (migration 2026_12_08_0500_official_results).
 */
export class OfficialResultsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The period's official values in indicator order (empty when none was imported). */
  async listForPeriod(periodId: string): Promise<OfficialResultRow[]> {
    return this.db
      .selectFrom('officialResults')
      .selectAll()
      .where('periodId', '=', periodId)
      .orderBy('indicatorNo')
      .execute();
  }

  /** Which of `periodIds` have an official result (to pick a previous period's source). */
  async periodsWithResults(periodIds: readonly string[]): Promise<Set<string>> {
    if (periodIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('officialResults')
      .select('periodId')
      .distinct()
      .where('periodId', 'in', periodIds)
      .execute();
    return new Set(rows.map((r) => r.periodId));
  }

  /**
   * Replace the period's whole set with `imp.values` and log the import. Call inside a
   * transaction (repositories.ts `inTransaction`): the old set is gone only if the new one
   * is written.
   */
  async replace(imp: OfficialImport): Promise<void> {
    await this.db.deleteFrom('officialResults').where('periodId', '=', imp.periodId).execute();
    if (imp.values.length > 0)
      await this.db
        .insertInto('officialResults')
        .values(
          imp.values.map((v) => ({
            periodId: imp.periodId,
            indicatorNo: v.indicatorNo,
            value: v.value,
            published: v.published,
            importedAt: imp.at,
            importedBy: imp.by,
            sourceName: imp.sourceName,
          })),
        )
        .execute();
    await this.db
      .insertInto('officialResultImports')
      .values({
        id: imp.id,
        periodId: imp.periodId,
        accountId: imp.by,
        at: imp.at,
        sourceName: imp.sourceName,
        indicatorCount: imp.values.length,
      })
      .execute();
  }

  /** How many imports the period has had (each re-import adds one). */
  async importCount(periodId: string): Promise<number> {
    const r = await this.db
      .selectFrom('officialResultImports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('periodId', '=', periodId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
