import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ActionOrigin, ActionStatus } from '../../core';
import { chunks } from './chunks';
import type { ActionsTable, Database } from './database';

const CHUNK = 500;

/** An action as stored (JSON columns decoded, numbers as numbers). */
export interface ActionRow {
  id: string;
  periodId: string;
  frameworkId: string;
  indicatorNo: number;
  unitId: string;
  ownerUnitId: string;
  ownerPerson: string;
  title: string;
  fromLevel: number | null;
  fromSource: string;
  targetLevel: number;
  dueDate: string;
  evidence: string[];
  status: ActionStatus;
  origin: ActionOrigin;
  originRef: string | null;
  closingNote: string | null;
  links: string[];
  closedAt: number | null;
  closedBy: string | null;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  version: number;
}

export interface ActionFileRow {
  actionId: string;
  sha256: string;
  name: string;
  mime: string;
  bytes: number;
  addedAt: number;
  addedBy: string | null;
}

export interface ActionCommentRow {
  id: string;
  actionId: string;
  at: number;
  accountId: string | null;
  text: string;
}

/** What may change in one update (besides version and updatedAt, always set). */
export type ActionChange = Partial<
  Pick<
    ActionRow,
    | 'ownerUnitId'
    | 'ownerPerson'
    | 'title'
    | 'targetLevel'
    | 'dueDate'
    | 'evidence'
    | 'status'
    | 'closingNote'
    | 'links'
    | 'closedAt'
    | 'closedBy'
  >
>;

/** Filter of `list`: every given condition holds. */
export interface ActionFilter {
  periodId?: string | undefined;
  unitId?: string | undefined;
  /** Owner unit among these. */
  ownerUnitIds?: readonly string[] | undefined;
  indicatorNo?: number | undefined;
  /** The action's unit OR its owner unit among these (an owner's or a verifier's scope). */
  touching?: readonly string[] | undefined;
}

function parseList(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function toRow(r: Selectable<ActionsTable>): ActionRow {
  return {
    id: r.id,
    periodId: r.periodId,
    frameworkId: r.frameworkId,
    indicatorNo: Number(r.indicatorNo),
    unitId: r.unitId,
    ownerUnitId: r.ownerUnitId,
    ownerPerson: r.ownerPerson,
    title: r.title,
    fromLevel: r.fromLevel === null ? null : Number(r.fromLevel),
    fromSource: r.fromSource,
    targetLevel: Number(r.targetLevel),
    dueDate: r.dueDate,
    evidence: parseList(r.evidenceJson),
    status: r.status,
    origin: r.origin,
    originRef: r.originRef,
    closingNote: r.closingNote,
    links: parseList(r.linksJson),
    closedAt: r.closedAt === null ? null : Number(r.closedAt),
    closedBy: r.closedBy,
    createdAt: Number(r.createdAt),
    createdBy: r.createdBy,
    updatedAt: Number(r.updatedAt),
    version: Number(r.version),
  };
}

/**
 * Improvement actions (tindak lanjut, issue 18), their evidence files and comments. Every
 * change of an action is a compare-and-set on its `version` (optimistic concurrency).
 */
export class ActionsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(a: Omit<ActionRow, 'version'>): Promise<void> {
    const { evidence, links, ...rest } = a;
    const row: Insertable<ActionsTable> = {
      ...rest,
      evidenceJson: JSON.stringify(evidence),
      linksJson: JSON.stringify(links),
      version: 1,
    };
    await this.db.insertInto('actions').values(row).execute();
  }

  async findById(id: string): Promise<ActionRow | null> {
    const r = await this.db
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toRow(r) : null;
  }

  /** Actions matching `f`, by due date, then indicator number, then id. */
  async list(f: ActionFilter = {}): Promise<ActionRow[]> {
    if (f.ownerUnitIds?.length === 0 || f.touching?.length === 0) return [];
    let q = this.db.selectFrom('actions').selectAll();
    if (f.periodId !== undefined) q = q.where('periodId', '=', f.periodId);
    if (f.unitId !== undefined) q = q.where('unitId', '=', f.unitId);
    if (f.indicatorNo !== undefined) q = q.where('indicatorNo', '=', f.indicatorNo);
    if (f.ownerUnitIds) q = q.where('ownerUnitId', 'in', [...f.ownerUnitIds]);
    const touching = f.touching;
    if (touching)
      q = q.where((eb) =>
        eb.or([eb('unitId', 'in', [...touching]), eb('ownerUnitId', 'in', [...touching])]),
      );
    const rows = await q.orderBy('dueDate').orderBy('indicatorNo').orderBy('id').execute();
    return rows.map(toRow);
  }

  /**
   * Apply `change` when the action is still at `expectedVersion`; bumps the version and sets
   * `updatedAt`. False when it was changed (or deleted) meanwhile: nothing was written.
   */
  async update(
    id: string,
    expectedVersion: number,
    change: ActionChange,
    now: number,
  ): Promise<boolean> {
    const { evidence, links, ...rest } = change;
    const r = await this.db
      .updateTable('actions')
      .set({
        ...rest,
        ...(evidence !== undefined ? { evidenceJson: JSON.stringify(evidence) } : {}),
        ...(links !== undefined ? { linksJson: JSON.stringify(links) } : {}),
        updatedAt: now,
        version: expectedVersion + 1,
      })
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Delete the action (its files and comments go with it: cascade, and explicitly for SQLite). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('actionComments').where('actionId', '=', id).execute();
    await this.db.deleteFrom('actionFiles').where('actionId', '=', id).execute();
    await this.db.deleteFrom('actions').where('id', '=', id).execute();
  }

  async filesOf(actionIds: readonly string[]): Promise<ActionFileRow[]> {
    const out: ActionFileRow[] = [];
    for (const part of chunks([...new Set(actionIds)], CHUNK)) {
      const rows = await this.db
        .selectFrom('actionFiles')
        .selectAll()
        .where('actionId', 'in', part)
        .orderBy('addedAt')
        .orderBy('sha256')
        .execute();
      out.push(
        ...rows.map((r) => ({
          ...r,
          bytes: Number(r.bytes),
          addedAt: Number(r.addedAt),
        })),
      );
    }
    return out;
  }

  /** Attach a file (a second attach of the same bytes keeps the first name). */
  async addFile(f: ActionFileRow): Promise<void> {
    await this.db
      .insertInto('actionFiles')
      .values(f)
      .onConflict((oc) => oc.columns(['actionId', 'sha256']).doNothing())
      .execute();
  }

  /** Detach a file; false when it was not attached. */
  async removeFile(actionId: string, sha256: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('actionFiles')
      .where('actionId', '=', actionId)
      .where('sha256', '=', sha256)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async commentsOf(actionIds: readonly string[]): Promise<ActionCommentRow[]> {
    const out: ActionCommentRow[] = [];
    for (const part of chunks([...new Set(actionIds)], CHUNK)) {
      const rows = await this.db
        .selectFrom('actionComments')
        .selectAll()
        .where('actionId', 'in', part)
        .orderBy('at')
        .orderBy('id')
        .execute();
      out.push(...rows.map((r) => ({ ...r, at: Number(r.at) })));
    }
    return out;
  }

  async addComment(c: ActionCommentRow): Promise<void> {
    await this.db.insertInto('actionComments').values(c).execute();
  }

  /** Names of these accounts (audit columns of actions, files and comments). */
  async accountNames(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of chunks([...new Set(ids)], CHUNK)) {
      const rows = await this.db
        .selectFrom('accounts')
        .select(['id', 'name'])
        .where('id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  }

  /** Open (not `selesai`) actions per owner unit. */
  async openCountByOwnerUnit(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('actions')
      .select(['ownerUnitId', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '!=', 'selesai')
      .groupBy('ownerUnitId')
      .execute();
    return new Map(rows.map((r) => [r.ownerUnitId, Number(r.n)]));
  }

  /** Actions on, or owned by, a unit (a unit holding any cannot be deleted). */
  async countForUnit(unitId: string): Promise<number> {
    const r = await this.db
      .selectFrom('actions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('unitId', '=', unitId), eb('ownerUnitId', '=', unitId)]))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Owner accounts tied to a unit (`accounts.unit_id` has no foreign key: checked here). */
  async ownerAccountsOfUnit(unitId: string): Promise<number> {
    const r = await this.db
      .selectFrom('accounts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'owner')
      .where('unitId', '=', unitId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
