import type { Kysely, Selectable } from 'kysely';
import { type EntityName, toWireConflict } from '../../core';
import { canonicalJson } from '../lib/canonical-json';
import type { ConflictRecord, ConflictResolution, ConflictView } from '../sync-domain';
import { chunks } from './chunks';
import type { ConflictsTable, Database } from './database';

const CHUNK = 200;

function toConflict(r: Selectable<ConflictsTable>): ConflictRecord {
  return {
    id: r.id,
    entity: r.entity as EntityName,
    recordId: r.recordId,
    field: r.field,
    assessmentId: r.assessmentId,
    localValue: JSON.parse(r.localValueJson),
    serverValue: JSON.parse(r.serverValueJson),
    baseVersion: Number(r.baseVersion),
    serverVersion: Number(r.serverVersion),
    localDeviceId: r.localDeviceId,
    localDeviceSeq: Number(r.localDeviceSeq),
    localAccountId: r.localAccountId,
    localAt: Number(r.localAt),
    serverAt: Number(r.serverAt),
    serverAccountId: r.serverAccountId,
    serverDeviceId: r.serverDeviceId,
    createdAt: Number(r.createdAt),
    updatedAt: Number(r.updatedAt),
    resolvedAt: r.resolvedAt === null ? null : Number(r.resolvedAt),
    resolvedBy: r.resolvedBy,
    resolution: r.resolution as ConflictResolution | null,
    resolvedSeq: r.resolvedSeq === null ? null : Number(r.resolvedSeq),
  };
}

/** The row of a conflict (ConflictsTable is ConflictRecord with both values as canonical JSON). */
function toRow({ localValue, serverValue, ...c }: ConflictRecord) {
  return {
    ...c,
    localValueJson: canonicalJson(localValue),
    serverValueJson: canonicalJson(serverValue),
  };
}

export interface ConflictFilter {
  /** Only these assessments (a verifier's scope). */
  assessmentIds?: readonly string[];
  periodId?: string | undefined;
  status?: 'open' | 'resolved' | 'all' | undefined;
  /** With status 'all': resolved ones only if resolved at or after this change-log seq. */
  resolvedSinceSeq?: number;
}

/** Conflicts: a tablet's value the server did not apply, kept with both authors until resolved. */
export class ConflictsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Open conflicts on fields of the given records. */
  async openForRecords(recordIds: readonly string[]): Promise<ConflictRecord[]> {
    const out: ConflictRecord[] = [];
    const ids = [...new Set(recordIds)];
    for (const part of chunks(ids, 500)) {
      const rows = await this.db
        .selectFrom('conflicts')
        .selectAll()
        .where('recordId', 'in', part)
        .where('resolvedAt', 'is', null)
        .orderBy('createdAt')
        .orderBy('id')
        .execute();
      for (const r of rows) out.push(toConflict(r));
    }
    return out;
  }

  async findById(id: string): Promise<ConflictRecord | null> {
    const r = await this.db
      .selectFrom('conflicts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toConflict(r) : null;
  }

  async insertMany(rows: readonly ConflictRecord[]): Promise<void> {
    for (const part of chunks(rows, CHUNK)) {
      await this.db.insertInto('conflicts').values(part.map(toRow)).execute();
    }
  }

  async update(c: ConflictRecord): Promise<void> {
    const { id: _, ...row } = toRow(c);
    await this.db.updateTable('conflicts').set(row).where('id', '=', c.id).execute();
  }

  /** Conflicts with names and labels for people (tablets and coordinators). */
  async views(filter: ConflictFilter & { ids?: readonly string[] }): Promise<ConflictView[]> {
    if (filter.ids?.length === 0 || filter.assessmentIds?.length === 0) return [];
    let q = this.db
      .selectFrom('conflicts')
      .leftJoin('accounts as la', 'la.id', 'conflicts.localAccountId')
      .leftJoin('accounts as sa', 'sa.id', 'conflicts.serverAccountId')
      .leftJoin('devices as ld', 'ld.id', 'conflicts.localDeviceId')
      .leftJoin('devices as sd', 'sd.id', 'conflicts.serverDeviceId')
      .leftJoin('assessments', 'assessments.id', 'conflicts.assessmentId')
      .selectAll('conflicts')
      .select([
        'la.name as localName',
        'sa.name as serverName',
        'ld.label as localLabel',
        'sd.label as serverLabel',
        'assessments.periodId as periodId',
        'assessments.unitId as unitId',
      ]);
    if (filter.ids) q = q.where('conflicts.id', 'in', [...filter.ids]);
    if (filter.assessmentIds)
      q = q.where('conflicts.assessmentId', 'in', [...filter.assessmentIds]);
    if (filter.periodId) q = q.where('assessments.periodId', '=', filter.periodId);
    const status = filter.status ?? 'all';
    if (status === 'open') q = q.where('conflicts.resolvedAt', 'is', null);
    if (status === 'resolved') q = q.where('conflicts.resolvedAt', 'is not', null);
    if (status === 'all' && filter.resolvedSinceSeq !== undefined) {
      const since = filter.resolvedSinceSeq;
      q = q.where((eb) =>
        eb.or([eb('conflicts.resolvedAt', 'is', null), eb('conflicts.resolvedSeq', '>=', since)]),
      );
    }
    const rows = await q
      .orderBy('conflicts.createdAt')
      .orderBy('conflicts.id')
      .limit(5000)
      .execute();
    return rows.map((r) => {
      const c = toConflict(r);
      const author = (name: string | null, label: string | null) =>
        name ? (label ? `${name} (${label})` : name) : label;
      return {
        ...toWireConflict({
          ...c,
          localAuthor: author(r.localName, r.localLabel),
          serverAuthor: author(r.serverName, r.serverLabel),
          resolved: c.resolvedAt !== null,
        }),
        baseVersion: c.baseVersion,
        localDeviceLabel: r.localLabel,
        serverDeviceLabel: r.serverLabel,
        createdAt: c.createdAt,
        resolvedAt: c.resolvedAt,
        resolvedBy: c.resolvedBy,
        resolution: c.resolution,
        periodId: r.periodId,
        unitId: r.unitId,
      };
    });
  }
}
