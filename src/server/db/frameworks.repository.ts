import type { Kysely } from 'kysely';
import type { FrameworkSummary } from '../domain';
import type { Database } from './database';

/** Instruments (frameworks) stored as JSON documents; built-in ones are copied in at start. */
export class FrameworksRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<FrameworkSummary[]> {
    const rows = await this.db
      .selectFrom('frameworks')
      .select(['id', 'version', 'name', 'builtIn', 'createdAt'])
      .select((eb) =>
        eb
          .selectFrom('periods')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('periods.frameworkId', '=', 'frameworks.id')
          .as('periodCount'),
      )
      .orderBy('builtIn', 'desc')
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      version: r.version,
      name: r.name,
      builtIn: r.builtIn === 1,
      createdAt: r.createdAt,
      periodCount: Number(r.periodCount ?? 0),
    }));
  }

  async findDocument(id: string): Promise<{ json: string; builtIn: boolean } | null> {
    const r = await this.db
      .selectFrom('frameworks')
      .select(['json', 'builtIn'])
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? { json: r.json, builtIn: r.builtIn === 1 } : null;
  }

  async findDocuments(ids: readonly string[]): Promise<{ id: string; json: string }[]> {
    if (ids.length === 0) return [];
    return this.db
      .selectFrom('frameworks')
      .select(['id', 'json'])
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
  }

  async insert(f: {
    id: string;
    version: string;
    name: string;
    json: string;
    builtIn: boolean;
    now: number;
    createdBy: string | null;
  }): Promise<void> {
    await this.db
      .insertInto('frameworks')
      .values({
        id: f.id,
        version: f.version,
        name: f.name,
        json: f.json,
        builtIn: f.builtIn ? 1 : 0,
        createdAt: f.now,
        createdBy: f.createdBy,
      })
      .execute();
  }

  /** Replace a stored document's text (version, name, JSON) in place; everything else stays. */
  async updateDocument(f: {
    id: string;
    version: string;
    name: string;
    json: string;
  }): Promise<void> {
    await this.db
      .updateTable('frameworks')
      .set({ version: f.version, name: f.name, json: f.json })
      .where('id', '=', f.id)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('frameworks').where('id', '=', id).execute();
  }
}
