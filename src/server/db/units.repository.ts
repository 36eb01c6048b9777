import { type Kysely, type Selectable, sql } from 'kysely';
import { unitCodeKey, unitCodeLookup } from '../../core';
import type { Unit, UnitKind } from '../domain';
import { chunks } from './chunks';
import type { Database, UnitsTable } from './database';

function toUnit(r: Selectable<UnitsTable>): Unit {
  return {
    id: r.id,
    parentId: r.parentId,
    kind: r.kind,
    name: r.name,
    code: r.code,
    demo: r.demo === 1,
  };
}

const CHUNK = 500;

export class UnitsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<Unit[]> {
    const rows = await this.db.selectFrom('units').selectAll().orderBy('code').execute();
    return rows.map(toUnit);
  }

  async findById(id: string): Promise<Unit | null> {
    const r = await this.db.selectFrom('units').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toUnit(r) : null;
  }

  /**
   * The unit of a code under the case-insensitive rule of core `unitCodeKey` (`36.72.opd.01`
   * finds `36.72.OPD.01`); null if none. See `sameCode` for data from before the rule.
   */
  async findByCode(code: string): Promise<Unit | null> {
    return unitCodeLookup(await this.sameCode(code))(code) ?? null;
  }

  /**
   * Every unit whose code equals `code` but for letter case, in code order: one at most,
   * unless the database holds units created before the rule (migration
   * 2026_12_11_0100_unit_code_case_insensitive keeps those). Uses the `lower(code)` index.
   */
  async sameCode(code: string): Promise<Unit[]> {
    const rows = await this.db
      .selectFrom('units')
      .selectAll()
      .where(sql`lower(${sql.ref('code')})`, '=', unitCodeKey(code))
      .orderBy('code')
      .execute();
    return rows.map(toUnit);
  }

  async findByIds(ids: readonly string[]): Promise<Unit[]> {
    const out: Unit[] = [];
    for (const part of chunks(ids, CHUNK)) {
      const rows = await this.db.selectFrom('units').selectAll().where('id', 'in', part).execute();
      out.push(...rows.map(toUnit));
    }
    return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  }

  async insertMany(units: readonly Unit[], now: number): Promise<void> {
    // Parents first, so the self-referencing foreign key holds row by row.
    for (const part of chunks(units, CHUNK)) {
      await this.db
        .insertInto('units')
        .values(
          part.map((u) => ({
            id: u.id,
            parentId: u.parentId,
            kind: u.kind,
            name: u.name,
            code: u.code,
            demo: u.demo ? 1 : 0,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .execute();
    }
  }

  async update(
    id: string,
    patch: {
      name?: string | undefined;
      kind?: UnitKind | undefined;
      code?: string | undefined;
      parentId?: string | null | undefined;
    },
    now: number,
  ): Promise<void> {
    const set: Partial<UnitsTable> = { updatedAt: now };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.kind !== undefined) set.kind = patch.kind;
    if (patch.code !== undefined) set.code = patch.code;
    if (patch.parentId !== undefined) set.parentId = patch.parentId;
    await this.db.updateTable('units').set(set).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('units').where('id', '=', id).execute();
  }

  async childCount(id: string): Promise<number> {
    const r = await this.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parentId', '=', id)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
