import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import {
  type EntityName,
  editTime,
  type Incarnation,
  type MutationOutcome,
  type Stage,
  timeDoubtful,
  toWireRejection,
} from '../../core';
import { DEFAULT_CONFIG } from '../config';
import type {
  AssessmentContext,
  AuditEntry,
  ChangeEntry,
  ChangeSource,
  FieldState,
  HandledSeq,
  NewChange,
  StoredRejection,
  WriterTimeouts,
} from '../sync-domain';
import { chunks } from './chunks';
import type { ChangesTable, Database, RecordFieldsTable, SyncRejectionsTable } from './database';
import { eachRow, jsonIdList } from './json-params';

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's bind-parameter limits. */
const CHUNK = 200;
const CHANGE_COLUMNS =
  'entity, record_id, field, value_json, version, assessment_id, source, device_id, device_seq, account_id, device_at, server_at, hlc, clock_skew_ms';
const FIELD_COLUMNS =
  'entity, record_id, field, value_json, version, assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc';
const FIELD_UPDATE =
  'value_json = excluded.value_json, version = excluded.version, updated_seq = excluded.updated_seq, updated_by_device = excluded.updated_by_device, updated_by_account = excluded.updated_by_account, device_at = excluded.device_at, server_at = excluded.server_at, hlc = excluded.hlc';
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
/** Rows per statement whose rows travel as one JSON parameter (bounds one parameter's size). */
const JSON_CHUNK = 1000;
/** Key of the PostgreSQL advisory lock that serialises writers of the change log. */
const WRITER_LOCK_KEY = 0x54_45_4c_55_53; // "TELUS"
/**
 * Key of the PostgreSQL advisory lock over the whole sync record store: pushes share it,
 * writers that cannot name their records up front take it exclusively.
 */
const STORE_LOCK_KEY = 0x54_45_4c_55_54; // "TELUT"
/** First key of the two-key advisory locks of single records and devices (hashed ids). */
const RECORD_LOCK_CLASS = 0x54_45_4c_55; // "TELU"
/** Writer timeouts of transactions whose service passes none (server-side writes). */
const DEFAULT_WRITER_TIMEOUTS: WriterTimeouts = {
  lockMs: DEFAULT_CONFIG.syncLockTimeoutMs,
  statementMs: DEFAULT_CONFIG.syncStatementTimeoutMs,
  idleInTransactionMs: DEFAULT_CONFIG.syncIdleInTransactionTimeoutMs,
};
/** Audit values longer than this are cut (notes may hold 20,000 characters). */
const AUDIT_VALUE_MAX = 25_000;

/** A value for the audit list: signatures (data URLs) and very long text are cut. */
function auditValue(json: string): { value: unknown; truncated: boolean } {
  const value: unknown = JSON.parse(json);
  if (typeof value === 'string' && value.startsWith('data:')) {
    const kb = Math.ceil(value.length / 1024);
    return { value: `${value.slice(0, value.indexOf(',') + 1)}… (${kb} kB)`, truncated: true };
  }
  if (json.length > AUDIT_VALUE_MAX) {
    const text = typeof value === 'string' ? value : json;
    return { value: `${text.slice(0, 2000)}…`, truncated: true };
  }
  return { value, truncated: false };
}

/**
 * When a logged change was edited on its tablet (hybrid clock wall time, else the device
 * time), received by the server, and whether the tablet time is doubtful (clock-check.ts).
 */
export function changeTimes(r: {
  hlc: string | null;
  deviceAt: number | string | null;
  serverAt: number | string;
  clockSkewMs: number | string | null;
}): { editedAt: number | null; serverAt: number; clockDoubtful: boolean } {
  const serverAt = Number(r.serverAt);
  const editedAt = editTime(r.hlc, r.deviceAt === null ? null : Number(r.deviceAt));
  return {
    editedAt,
    serverAt,
    clockDoubtful: timeDoubtful({
      editedAt,
      receivedAt: serverAt,
      skewMs: r.clockSkewMs === null ? null : Number(r.clockSkewMs),
    }),
  };
}

function toField(r: Selectable<RecordFieldsTable>): FieldState {
  return {
    entity: r.entity as EntityName,
    recordId: r.recordId,
    field: r.field,
    value: JSON.parse(r.valueJson),
    valueJson: r.valueJson,
    version: Number(r.version),
    assessmentId: r.assessmentId,
    updatedSeq: Number(r.updatedSeq),
    updatedByDevice: r.updatedByDevice,
    updatedByAccount: r.updatedByAccount,
    deviceAt: r.deviceAt === null ? null : Number(r.deviceAt),
    serverAt: Number(r.serverAt),
    hlc: r.hlc,
  };
}

function toRejection(
  r: Selectable<SyncRejectionsTable>,
  deviceLabel: string | null,
  verifierName: string | null,
): StoredRejection {
  return {
    id: r.id,
    deviceId: r.deviceId,
    deviceLabel,
    verifierName,
    seq: Number(r.seq),
    source: r.source as StoredRejection['source'],
    code: r.code,
    message: r.message,
    messageEn: r.messageEn,
    entity: r.entity as EntityName,
    recordId: r.recordId,
    assessmentId: r.assessmentId,
    unitId: r.unitId,
    unitName: r.unitName,
    indicatorNo: r.indicatorNo === null ? null : Number(r.indicatorNo),
    field: r.field,
    at: Number(r.at),
    retryable: Number(r.retryable) === 1,
    mutation: JSON.parse(r.mutationJson),
  };
}

function toChange(r: Selectable<ChangesTable>): ChangeEntry {
  return {
    seq: Number(r.seq),
    entity: r.entity as EntityName,
    recordId: r.recordId,
    field: r.field,
    value: JSON.parse(r.valueJson),
    version: Number(r.version),
    assessmentId: r.assessmentId,
    source: r.source as ChangeSource,
    deviceId: r.deviceId,
    deviceSeq: r.deviceSeq === null ? null : Number(r.deviceSeq),
    accountId: r.accountId,
    deviceAt: r.deviceAt === null ? null : Number(r.deviceAt),
    serverAt: Number(r.serverAt),
    hlc: r.hlc,
    clockSkewMs: r.clockSkewMs === null ? null : Number(r.clockSkewMs),
  };
}

/**
 * The sync record store: current field values, the change log, device cursors and scopes.
 * Every method that writes the change log must run in a transaction that called
 * `lockWriters()`, or `lockRecords()` and then `lockChangeLog()`, first.
 */
export class SyncRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Serialise ALL writers of the sync record store for the rest of the transaction (the
   * writers that do not name up front what they will touch: reviews, resolutions,
   * assignments, bundle imports, materialising records). On PostgreSQL this takes the
   * store lock exclusively (so no push is between its reads and its commit) and then the
   * change-log lock (`lockChangeLog`). SQLite has a single writer anyway.
   *
   * Before waiting, the transaction's timeouts are set (`set_config(…, true)` is SET LOCAL
   * with bind parameters): a wait longer than `lockMs` fails with SQLSTATE 55P03, a
   * statement longer than `statementMs` with 57014, and a transaction idle for
   * `idleInTransactionMs` (a frozen process holding the lock) loses its connection, which
   * releases its locks. Services map these to a retryable 503 `server_busy`.
   */
  async lockWriters(timeouts: WriterTimeouts = DEFAULT_WRITER_TIMEOUTS): Promise<void> {
    if (!this.postgres()) return;
    await this.setWriterTimeouts(timeouts);
    // Two statements: the store lock strictly before the change-log lock, the order every
    // writer takes them in.
    await sql`select pg_advisory_xact_lock(${sql.lit(STORE_LOCK_KEY)})`.execute(this.db);
    await this.lockChangeLog();
  }

  /**
   * A push's locks (PostgreSQL; nothing on SQLite): the store lock SHARED — pushes run
   * side by side, the writers of `lockWriters` wait for them and they for those — then
   * one exclusive lock per key (the records the push names, and its device, whose cursor
   * and seq hashes it reads and moves), taken in sorted order so two pushes never wait
   * on each other in a cycle. Two pushes touching the same record or device still run
   * one after the other, so each decides on the latest versions. The change-log lock is
   * taken later, at the first change-log write (`lockChangeLog`), and held until commit.
   * Keys are hashed to 32 bits: a collision only makes two pushes wait for each other.
   */
  async lockRecords(
    keys: readonly string[],
    timeouts: WriterTimeouts = DEFAULT_WRITER_TIMEOUTS,
  ): Promise<void> {
    if (!this.postgres()) return;
    await this.setWriterTimeouts(timeouts);
    await sql`select pg_advisory_xact_lock_shared(${sql.lit(STORE_LOCK_KEY)})`.execute(this.db);
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return;
    await sql`select count(pg_advisory_xact_lock(${sql.lit(RECORD_LOCK_CLASS)}, h))
      from (select distinct hashtext(k) as h from unnest(${sorted}::text[]) as k order by h) as keys`.execute(
      this.db,
    );
  }

  /**
   * The change-log lock, held until commit (PostgreSQL; nothing on SQLite). An identity
   * value is taken at insert but becomes visible at commit, so without it a later seq
   * could commit before an earlier one and a pull in between would move its cursor past
   * the earlier one forever. Taken right before a transaction's first change-log insert
   * (or its read of the highest seq), with one holder at a time seqs commit in order.
   * Re-taking it in the same transaction is harmless.
   */
  async lockChangeLog(): Promise<void> {
    if (!this.postgres()) return;
    await sql`select pg_advisory_xact_lock(${sql.lit(WRITER_LOCK_KEY)})`.execute(this.db);
  }

  private postgres(): boolean {
    return this.db.getExecutor().adapter instanceof PostgresAdapter;
  }

  private async setWriterTimeouts(timeouts: WriterTimeouts): Promise<void> {
    const ms = (n: number) => `${Math.max(0, Math.round(n))}ms`;
    await sql`select set_config('lock_timeout', ${ms(timeouts.lockMs)}, true),
      set_config('statement_timeout', ${ms(timeouts.statementMs)}, true),
      set_config('idle_in_transaction_session_timeout', ${ms(timeouts.idleInTransactionMs)}, true)`.execute(
      this.db,
    );
  }

  /** Every stored field of the given records (any entity). */
  async fieldsOfRecords(recordIds: readonly string[]): Promise<FieldState[]> {
    const out: FieldState[] = [];
    for (const ids of chunks([...new Set(recordIds)], JSON_CHUNK)) {
      // The ids as one parameter: the same statement text for every push (prepared once).
      const rows = await this.db
        .selectFrom('recordFields')
        .selectAll()
        .where('recordId', 'in', jsonIdList(this.db, ids))
        .execute();
      for (const r of rows) out.push(toField(r));
    }
    return out;
  }

  /** Fields of one assessment's records, optionally of one entity and some field names. */
  async fieldsOfAssessment(
    assessmentId: string,
    filter: { entity?: EntityName; fields?: readonly string[] } = {},
  ): Promise<FieldState[]> {
    let q = this.db.selectFrom('recordFields').selectAll().where('assessmentId', '=', assessmentId);
    if (filter.entity) q = q.where('entity', '=', filter.entity);
    if (filter.fields) q = q.where('field', 'in', [...filter.fields]);
    return (await q.orderBy('recordId').orderBy('field').execute()).map(toField);
  }

  /** Fields of the assessments whose last change is at or below `upToSeq` (a pull's snapshot). */
  async snapshotFields(assessmentIds: readonly string[], upToSeq: number): Promise<FieldState[]> {
    const out: FieldState[] = [];
    for (const ids of chunks(assessmentIds, 500)) {
      const rows = await this.db
        .selectFrom('recordFields')
        .selectAll()
        .where('assessmentId', 'in', ids)
        .where('updatedSeq', '<=', upToSeq)
        .orderBy('updatedSeq')
        .execute();
      for (const r of rows) out.push(toField(r));
    }
    return out;
  }

  /**
   * Append changes in order; returns their seqs in the same order. The statement text is
   * the same for any number of rows, so it is built cheaply and prepared once: on SQLite
   * one single-row insert run per row (`eachRow`), on PostgreSQL one INSERT … SELECT over
   * the rows as ONE JSON parameter (`jsonRows`, one round trip). A multi-row VALUES list
   * of 14 parameters a row had to be compiled and prepared anew for every push.
   */
  async insertChanges(rows: readonly NewChange[]): Promise<number[]> {
    const seqs: number[] = [];
    for (const part of chunks(rows, JSON_CHUNK)) {
      const values = part.map((r) => [
        r.entity,
        r.recordId,
        r.field,
        r.valueJson,
        r.version,
        r.assessmentId,
        r.source,
        r.deviceId,
        r.deviceSeq,
        r.accountId,
        r.deviceAt,
        r.serverAt,
        r.hlc,
        r.clockSkewMs ?? null,
      ]);
      if (!this.postgres()) {
        // SQLite: one prepared single-row insert run per row (cheaper there than one
        // multi-row statement); seqs come back in row order.
        const { rows: each } = await eachRow<{ seq: number }>(
          `insert into changes (${CHANGE_COLUMNS}) values (${placeholders(14)}) returning seq`,
          values,
        ).execute(this.db);
        for (const r of each) seqs.push(Number(r.seq));
        continue;
      }
      const json = JSON.stringify(values);
      const { rows: inserted } = await sql<{
        seq: number | string;
        entity: string;
        rid: string;
        field: string;
        version: number | string;
      }>`insert into changes (entity, record_id, field, value_json, version, assessment_id, source,
          device_id, device_seq, account_id, device_at, server_at, hlc, clock_skew_ms)
        select ${this.jsonColumns(['text', 'text', 'text', 'text', 'integer', 'text', 'text', 'text', 'bigint', 'text', 'bigint', 'bigint', 'text', 'bigint'])}
        from ${this.jsonRows(json)}
        returning seq, entity, record_id as rid, field, version`.execute(this.db);
      // Map by the unique (entity, record, field, version) rather than trusting row order.
      const byKey = new Map(
        inserted.map((r) => [
          `${r.entity}\u0000${r.rid}\u0000${r.field}\u0000${Number(r.version)}`,
          r,
        ]),
      );
      for (const r of part) {
        const hit = byKey.get(`${r.entity}\u0000${r.recordId}\u0000${r.field}\u0000${r.version}`);
        if (!hit) throw new Error('change log insert returned no seq');
        seqs.push(Number(hit.seq));
      }
    }
    return seqs;
  }

  /** Insert or replace current field values (per row on SQLite, one JSON parameter on PostgreSQL, as `insertChanges`). */
  async upsertFields(rows: readonly FieldState[]): Promise<void> {
    for (const part of chunks(rows, JSON_CHUNK)) {
      const values = part.map((f) => [
        f.entity,
        f.recordId,
        f.field,
        f.valueJson,
        f.version,
        f.assessmentId,
        f.updatedSeq,
        f.updatedByDevice,
        f.updatedByAccount,
        f.deviceAt,
        f.serverAt,
        f.hlc,
      ]);
      if (!this.postgres()) {
        await eachRow(
          `insert into record_fields (${FIELD_COLUMNS}) values (${placeholders(12)})
            on conflict (entity, record_id, field) do update set ${FIELD_UPDATE}`,
          values,
        ).execute(this.db);
        continue;
      }
      const json = JSON.stringify(values);
      // `where true`: SQLite reads `on conflict` after a bare FROM as a join constraint.
      await sql`insert into record_fields (entity, record_id, field, value_json, version,
          assessment_id, updated_seq, updated_by_device, updated_by_account, device_at, server_at, hlc)
        select ${this.jsonColumns(['text', 'text', 'text', 'text', 'integer', 'text', 'bigint', 'text', 'text', 'bigint', 'bigint', 'text'])}
        from ${this.jsonRows(json)} where true
        on conflict (entity, record_id, field) do update set
          value_json = excluded.value_json, version = excluded.version,
          updated_seq = excluded.updated_seq, updated_by_device = excluded.updated_by_device,
          updated_by_account = excluded.updated_by_account, device_at = excluded.device_at,
          server_at = excluded.server_at, hlc = excluded.hlc`.execute(this.db);
    }
  }

  /**
   * The rows of a JSON array of arrays (one bind parameter), in array order, as a FROM
   * item whose columns `jsonColumns` reads: SQLite's `json_each`, PostgreSQL's
   * `jsonb_array_elements`.
   */
  private jsonRows(json: string) {
    return this.postgres()
      ? sql`jsonb_array_elements(${json}::jsonb) with ordinality as j(value, n)`
      : sql`json_each(${json}) as j`;
  }

  /** Element i of each `jsonRows` row as column i, cast to the given SQL types (PostgreSQL). */
  private jsonColumns(types: readonly ('text' | 'integer' | 'bigint')[]) {
    const pg = this.postgres();
    return sql.join(
      types.map((t, i) =>
        pg
          ? t === 'text'
            ? sql`j.value ->> ${sql.lit(i)}`
            : sql`(j.value ->> ${sql.lit(i)})::${sql.raw(t)}`
          : sql`j.value ->> ${sql.lit(`$[${i}]`)}`,
      ),
    );
  }

  /** Highest committed seq of the change log (0 when empty). */
  /**
   * The current incarnation of this database (the highest ordinal), or null on a database
   * without one (never: the migration creates the first).
   */
  async currentIncarnation(): Promise<Incarnation | null> {
    const r = await this.db
      .selectFrom('serverIncarnations')
      .select(['id', 'parentId', 'restoredThrough'])
      .orderBy('ordinal', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id,
      parent: r.parentId,
      restoredThrough: r.restoredThrough === null ? null : Number(r.restoredThrough),
    };
  }

  async maxSeq(): Promise<number> {
    const r = await this.db
      .selectFrom('changes')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return Number(r?.m ?? 0);
  }

  // --- device cursors -------------------------------------------------------------

  async getCursor(deviceId: string): Promise<number> {
    const r = await this.db
      .selectFrom('deviceCursors')
      .select('lastSeq')
      .where('deviceId', '=', deviceId)
      .executeTakeFirst();
    return Number(r?.lastSeq ?? 0);
  }

  async setCursor(deviceId: string, lastSeq: number, now: number): Promise<void> {
    await this.db
      .insertInto('deviceCursors')
      .values({ deviceId, lastSeq, updatedAt: now })
      .onConflict((oc) => oc.column('deviceId').doUpdateSet({ lastSeq, updatedAt: now }))
      .execute();
  }

  /** Seqs of a device applied out of order above `after` (from bundles). */
  async appliedSeqsAbove(deviceId: string, after: number): Promise<Set<number>> {
    const rows = await this.db
      .selectFrom('deviceAppliedSeqs')
      .select('seq')
      .where('deviceId', '=', deviceId)
      .where('seq', '>', after)
      .execute();
    return new Set(rows.map((r) => Number(r.seq)));
  }

  async addAppliedSeqs(deviceId: string, seqs: readonly number[]): Promise<void> {
    for (const part of chunks(seqs, 500)) {
      await this.db
        .insertInto('deviceAppliedSeqs')
        .values(part.map((seq) => ({ deviceId, seq })))
        .onConflict((oc) => oc.columns(['deviceId', 'seq']).doNothing())
        .execute();
    }
  }

  async deleteAppliedSeqsThrough(deviceId: string, seq: number): Promise<void> {
    await this.db
      .deleteFrom('deviceAppliedSeqs')
      .where('deviceId', '=', deviceId)
      .where('seq', '<=', seq)
      .execute();
  }

  // --- exactly-once with content and rejections --------------------------------------

  /** Stored hash and outcome of some seqs of a device (none for seqs handled before hashes were kept). */
  async handledSeqs(deviceId: string, seqs: readonly number[]): Promise<Map<number, HandledSeq>> {
    const out = new Map<number, HandledSeq>();
    for (const part of chunks([...new Set(seqs)], 500)) {
      const rows = await this.db
        .selectFrom('deviceSeqHashes')
        .select(['seq', 'contentHash', 'outcome'])
        .where('deviceId', '=', deviceId)
        .where('seq', 'in', part)
        .execute();
      for (const r of rows) {
        out.set(Number(r.seq), {
          seq: Number(r.seq),
          contentHash: r.contentHash,
          outcome: r.outcome as MutationOutcome,
        });
      }
    }
    return out;
  }

  /** Remember what became of newly handled seqs of a device. */
  async addHandledSeqs(
    deviceId: string,
    rows: readonly HandledSeq[],
    source: Extract<ChangeSource, 'push' | 'bundle'>,
    now: number,
  ): Promise<void> {
    for (const part of chunks(rows, CHUNK)) {
      await this.db
        .insertInto('deviceSeqHashes')
        .values(
          part.map((r) => ({
            deviceId,
            seq: r.seq,
            contentHash: r.contentHash,
            outcome: r.outcome,
            source,
            handledAt: now,
          })),
        )
        .execute();
    }
  }

  /** Store refused mutations (one per device and seq). */
  async insertRejections(rows: readonly Omit<StoredRejection, 'deviceLabel' | 'verifierName'>[]) {
    for (const part of chunks(rows, 50)) {
      await this.db
        .insertInto('syncRejections')
        .values(
          part.map((r) => ({
            ...toWireRejection(r),
            id: r.id,
            deviceId: r.deviceId,
            seq: r.seq,
            source: r.source,
            mutationJson: JSON.stringify(r.mutation) ?? 'null',
            retryable: r.retryable ? 1 : 0,
          })),
        )
        .execute();
    }
  }

  /**
   * Stored rejections, oldest first: of some seqs of one device, or filtered by assessment
   * and/or device (the coordinator's list; at most `limit`).
   */
  async rejections(filter: {
    deviceId?: string | undefined;
    seqs?: readonly number[];
    assessmentId?: string | undefined;
    limit?: number;
  }): Promise<StoredRejection[]> {
    if (filter.seqs?.length === 0) return [];
    let q = this.db
      .selectFrom('syncRejections')
      .leftJoin('devices', 'devices.id', 'syncRejections.deviceId')
      .leftJoin('accounts', 'accounts.id', 'devices.verifierId')
      .selectAll('syncRejections')
      .select(['devices.label as deviceLabel', 'accounts.name as verifierName']);
    if (filter.deviceId !== undefined) q = q.where('syncRejections.deviceId', '=', filter.deviceId);
    if (filter.seqs) q = q.where('syncRejections.seq', 'in', [...filter.seqs]);
    if (filter.assessmentId !== undefined)
      q = q.where('syncRejections.assessmentId', '=', filter.assessmentId);
    // Past the limit the NEWEST are kept (a flood of old refusals must not hide today's);
    // the answer stays oldest first.
    const rows = await q
      .orderBy('syncRejections.at', 'desc')
      .orderBy('syncRejections.deviceId', 'desc')
      .orderBy('syncRejections.seq', 'desc')
      .limit(filter.limit ?? 5000)
      .execute();
    return rows.reverse().map((r) => toRejection(r, r.deviceLabel, r.verifierName));
  }

  /** Assessments by id with their unit and period (names and status); unknown ids are absent. */
  async assessmentContexts(ids: readonly string[]): Promise<Map<string, AssessmentContext>> {
    const out = new Map<string, AssessmentContext>();
    for (const part of chunks([...new Set(ids)], 500)) {
      const rows = await this.db
        .selectFrom('assessments')
        .innerJoin('units', 'units.id', 'assessments.unitId')
        .innerJoin('periods', 'periods.id', 'assessments.periodId')
        .select([
          'assessments.id as id',
          'assessments.unitId as unitId',
          'units.name as unitName',
          'assessments.periodId as periodId',
          'periods.name as periodName',
          'periods.status as periodStatus',
          'periods.frameworkId as frameworkId',
          'periods.stages as stages',
          'periods.currentStage as currentStage',
        ])
        .where('assessments.id', 'in', part)
        .execute();
      for (const { stages, currentStage, ...r } of rows)
        out.set(r.id, {
          ...r,
          periodStages: JSON.parse(stages) as Stage[],
          periodCurrentStage: currentStage as Stage,
        });
    }
    return out;
  }

  // --- scope and pull -------------------------------------------------------------

  /** Assessments a verifier works on: its assignments in periods that are not drafts. */
  async scopeOfVerifier(verifierId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('assignments')
      .innerJoin('periods', 'periods.id', 'assignments.periodId')
      .select('assignments.assessmentId')
      .distinct()
      .where('assignments.verifierId', '=', verifierId)
      .where('periods.status', '!=', 'draft')
      .execute();
    return rows.map((r) => r.assessmentId).sort();
  }

  /** Changes of the verifier's scope with after < seq ≤ upTo, oldest first. */
  async pageChanges(
    verifierId: string,
    after: number,
    upTo: number,
    limit: number,
  ): Promise<ChangeEntry[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('seq', '>', after)
      .where('seq', '<=', upTo)
      .where('assessmentId', 'in', (eb) =>
        eb
          .selectFrom('assignments')
          .innerJoin('periods', 'periods.id', 'assignments.periodId')
          .select('assignments.assessmentId')
          .where('assignments.verifierId', '=', verifierId)
          .where('periods.status', '!=', 'draft'),
      )
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toChange);
  }

  async listGrants(deviceId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('deviceScopes')
      .select(['assessmentId', 'grantedCursor'])
      .where('deviceId', '=', deviceId)
      .execute();
    return new Map(rows.map((r) => [r.assessmentId, Number(r.grantedCursor)]));
  }

  async addGrants(
    deviceId: string,
    assessmentIds: readonly string[],
    cursor: number,
    now: number,
  ): Promise<void> {
    for (const part of chunks(assessmentIds, 500)) {
      await this.db
        .insertInto('deviceScopes')
        .values(
          part.map((assessmentId) => ({
            deviceId,
            assessmentId,
            grantedCursor: cursor,
            grantedAt: now,
          })),
        )
        .onConflict((oc) => oc.columns(['deviceId', 'assessmentId']).doNothing())
        .execute();
    }
  }

  async removeGrants(deviceId: string, assessmentIds: readonly string[]): Promise<void> {
    for (const part of chunks(assessmentIds, 500)) {
      await this.db
        .deleteFrom('deviceScopes')
        .where('deviceId', '=', deviceId)
        .where('assessmentId', 'in', part)
        .execute();
    }
  }

  // --- the assessments index and evidence references -------------------------------

  /** Mirror synced assessment fields into the assessments table (the index of assessments). */
  async updateAssessmentIndex(
    id: string,
    patch: { status?: string; submittedAt?: number | null },
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable('assessments')
      .set({ ...patch, updatedAt: now })
      .where('id', '=', id)
      .execute();
  }

  async addEvidenceRefs(
    refs: readonly { sha256: string; recordId: string; assessmentId: string }[],
  ): Promise<void> {
    for (const part of chunks(refs, CHUNK)) {
      await this.db
        .insertInto('evidenceRefs')
        .values([...part])
        .onConflict((oc) => oc.columns(['sha256', 'recordId']).doNothing())
        .execute();
    }
  }

  /** Evidence records naming a file, with their assessment. */
  async evidenceByHash(sha256: string): Promise<{ recordId: string; assessmentId: string }[]> {
    return this.db
      .selectFrom('evidenceRefs')
      .select(['recordId', 'assessmentId'])
      .where('sha256', '=', sha256)
      .orderBy('recordId')
      .execute();
  }

  // --- audit ----------------------------------------------------------------------

  /** The change log of some records of one assessment, oldest first, with names. */
  async audit(
    assessmentId: string,
    records: readonly { entity: EntityName; recordId: string }[] | null,
  ): Promise<AuditEntry[]> {
    let q = this.db
      .selectFrom('changes')
      .leftJoin('accounts', 'accounts.id', 'changes.accountId')
      .leftJoin('devices', 'devices.id', 'changes.deviceId')
      .selectAll('changes')
      .select(['accounts.name as accountName', 'devices.label as deviceLabel'])
      .where('changes.assessmentId', '=', assessmentId);
    if (records) {
      if (records.length === 0) return [];
      q = q.where('changes.recordId', 'in', [...new Set(records.map((r) => r.recordId))]);
    }
    const keep = records ? new Set(records.map((r) => `${r.entity}\u0000${r.recordId}`)) : null;
    const rows = await q.orderBy('changes.seq').execute();
    return rows
      .filter((r) => !keep || keep.has(`${r.entity}\u0000${r.recordId}`))
      .map((r) => {
        const { value, truncated } = auditValue(r.valueJson);
        return {
          seq: Number(r.seq),
          entity: r.entity as EntityName,
          recordId: r.recordId,
          field: r.field,
          value,
          valueTruncated: truncated,
          version: Number(r.version),
          source: r.source as ChangeSource,
          account: r.accountId ? { id: r.accountId, name: r.accountName ?? r.accountId } : null,
          device: r.deviceId ? { id: r.deviceId, label: r.deviceLabel ?? null } : null,
          deviceSeq: r.deviceSeq === null ? null : Number(r.deviceSeq),
          deviceAt: r.deviceAt === null ? null : Number(r.deviceAt),
          ...changeTimes(r),
        };
      });
  }

  /** Test and bench helper: every change of a device, by its seq. */
  async changesOfDevice(deviceId: string): Promise<ChangeEntry[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('deviceId', '=', deviceId)
      .orderBy('seq')
      .execute();
    return rows.map(toChange);
  }
}
