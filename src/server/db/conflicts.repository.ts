import type { Kysely, Selectable } from 'kysely';
import { type EntityName, editTime, timeDoubtful, toWireConflict } from '../../core';
import { canonicalJson } from '../lib/canonical-json';
import type { ConflictRecord, ConflictResolution, ConflictView } from '../sync-domain';
import { chunks } from './chunks';
import type { ConflictsTable, Database } from './database';
import { jsonIdList } from './json-params';

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
    localHlc: r.localHlc,
    localReceivedAt: r.localReceivedAt === null ? null : Number(r.localReceivedAt),
    localClockSkewMs: r.localClockSkewMs === null ? null : Number(r.localClockSkewMs),
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
    for (const part of chunks(ids, 1000)) {
      // The ids as one parameter: the statement text is the same for every push (prepared
      // once on SQLite; see connect.ts).
      const rows = await this.db
        .selectFrom('conflicts')
        .selectAll()
        .where('recordId', 'in', jsonIdList(this.db, part))
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

  /**
   * Conflicts with names and labels for people (tablets and coordinators): authors, unit
   * (name, code), indicator (number, title), the times of both edits on their tablets and
   * at the server, and whether a tablet's clock makes its time doubtful. The server side's
   * times come from the change-log row of the field's server version.
   */
  async views(filter: ConflictFilter & { ids?: readonly string[] }): Promise<ConflictView[]> {
    if (filter.ids?.length === 0 || filter.assessmentIds?.length === 0) return [];
    let q = this.db
      .selectFrom('conflicts')
      .leftJoin('accounts as la', 'la.id', 'conflicts.localAccountId')
      .leftJoin('accounts as sa', 'sa.id', 'conflicts.serverAccountId')
      .leftJoin('devices as ld', 'ld.id', 'conflicts.localDeviceId')
      .leftJoin('devices as sd', 'sd.id', 'conflicts.serverDeviceId')
      .leftJoin('assessments', 'assessments.id', 'conflicts.assessmentId')
      .leftJoin('units', 'units.id', 'assessments.unitId')
      .leftJoin('recordFields as ind', (j) =>
        j
          .onRef('ind.entity', '=', 'conflicts.entity')
          .onRef('ind.recordId', '=', 'conflicts.recordId')
          .on('ind.field', '=', 'indicatorNo'),
      )
      .leftJoin('changes as sc', (j) =>
        j
          .onRef('sc.entity', '=', 'conflicts.entity')
          .onRef('sc.recordId', '=', 'conflicts.recordId')
          .onRef('sc.field', '=', 'conflicts.field')
          .onRef('sc.version', '=', 'conflicts.serverVersion'),
      )
      .selectAll('conflicts')
      .select([
        'la.name as localName',
        'sa.name as serverName',
        'ld.label as localLabel',
        'sd.label as serverLabel',
        'assessments.periodId as periodId',
        'assessments.unitId as unitId',
        'assessments.frameworkId as frameworkId',
        'units.name as unitName',
        'units.code as unitCode',
        'ind.valueJson as indicatorJson',
        'sc.hlc as serverHlc',
        'sc.deviceAt as serverDeviceAt',
        'sc.clockSkewMs as serverClockSkewMs',
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
    const names = await this.indicatorNames(rows.map((r) => r.frameworkId));
    return rows.map((r) => {
      const c = toConflict(r);
      const author = (name: string | null, label: string | null) =>
        name ? (label ? `${name} (${label})` : name) : label;
      const indicatorNo = indicatorOf(c.entity, c.recordId, r.indicatorJson);
      const localEditedAt = editTime(c.localHlc, c.localAt) ?? c.localAt;
      const localReceivedAt = c.localReceivedAt ?? c.createdAt;
      const serverEditedAt = editTime(
        r.serverHlc,
        r.serverDeviceAt === null ? null : Number(r.serverDeviceAt),
      );
      return {
        ...toWireConflict({
          ...c,
          localAuthor: author(r.localName, r.localLabel),
          serverAuthor: author(r.serverName, r.serverLabel),
          resolved: c.resolvedAt !== null,
        }),
        serverDeviceId: c.serverDeviceId,
        localEditedAt,
        localReceivedAt,
        serverEditedAt,
        localClockDoubtful: timeDoubtful({
          editedAt: localEditedAt,
          receivedAt: localReceivedAt,
          skewMs: c.localClockSkewMs,
        }),
        serverClockDoubtful:
          serverEditedAt !== null &&
          timeDoubtful({
            editedAt: serverEditedAt,
            receivedAt: c.serverAt,
            skewMs: r.serverClockSkewMs === null ? null : Number(r.serverClockSkewMs),
          }),
        unitName: r.unitName,
        unitCode: r.unitCode,
        indicatorNo,
        indicatorName:
          indicatorNo === null || !r.frameworkId
            ? null
            : (names.get(r.frameworkId)?.get(indicatorNo) ?? null),
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

  /** Indicator titles by number, per instrument (read from the stored documents). */
  private async indicatorNames(
    frameworkIds: readonly (string | null)[],
  ): Promise<Map<string, Map<number, string>>> {
    const ids = [...new Set(frameworkIds.filter((id): id is string => !!id))];
    const out = new Map<string, Map<number, string>>();
    if (ids.length === 0) return out;
    const docs = await this.db
      .selectFrom('frameworks')
      .select(['id', 'json'])
      .where('id', 'in', ids)
      .execute();
    for (const d of docs) out.set(d.id, indicatorTitles(JSON.parse(d.json)));
    return out;
  }
}

/**
 * The indicator a conflicting record belongs to: a verification's id ends in its number
 * (`<assessmentId>:<no>`); evidence files and comments carry it as a field.
 */
function indicatorOf(
  entity: EntityName,
  recordId: string,
  indicatorJson: string | null,
): number | null {
  if (indicatorJson !== null) {
    const n: unknown = JSON.parse(indicatorJson);
    if (typeof n === 'number') return n;
  }
  if (entity === 'verification') {
    const n = Number(recordId.slice(recordId.lastIndexOf(':') + 1));
    if (Number.isInteger(n) && n > 0) return n;
  }
  return null;
}

interface GroupDoc {
  groups?: GroupDoc[];
  indicators?: { no: number; name: string }[];
}

/** Number → title of every indicator in a stored instrument document (validated on import). */
function indicatorTitles(doc: GroupDoc): Map<number, string> {
  const out = new Map<number, string>();
  const walk = (g: GroupDoc) => {
    for (const i of g.indicators ?? []) out.set(i.no, i.name);
    for (const sub of g.groups ?? []) walk(sub);
  };
  walk(doc);
  return out;
}
