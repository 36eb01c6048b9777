import {
  type Compilable,
  type Expression,
  type Kysely,
  PostgresAdapter,
  type RawBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { type EntityName, STAGES, stageField, type UnitFilter } from '../../core';
import type { UnitKind } from '../domain';
import type { FieldState } from '../sync-domain';
import { chunks } from './chunks';
import type { Database } from './database';

/**
 * Aggregations for the coordinator's dashboard, improvement plan and exports: one SQL statement per
 * need, GROUP BY over the per-field record store, never a query per unit. Sized for 10,000 units ×
 * 47 indicators (`npm run bench -- dashboard` measures it on both databases): the verified-level
 * and not-applicable reads use the partial indexes of migration 2026_12_02_0100 (index-only scans),
 * which is why their predicates are written as literals (`sql.lit`), exactly as the index declares
 * them.
 *
 * Values in the store are canonical JSON text: a level is `3`, `2.5` or `null`, a flag `true`
 * or `false`. `levelOf` turns the text into a number with a CASE, so PostgreSQL never casts
 * `'null'` whatever order it evaluates predicates in.
 */

/** One unit with its assessment in the period (if any) and counts from the record store. */
export interface UnitProgressRow {
  unitId: string;
  code: string;
  name: string;
  kind: UnitKind;
  parentId: string | null;
  assessmentId: string | null;
  /** The assessment's `status` field as the record store holds it. */
  status: string | null;
  updatedAt: number | null;
  /** Indicators with a verified level. */
  verified: number;
  /** Indicators the verifier marked not applicable. */
  notApplicable: number;
  /** Indicators verified or marked not applicable (each counted once). */
  done: number;
  /** Evidence files referenced by the assessment (not deleted), and how many the server holds. */
  files: number;
  filesHeld: number;
}

/** The database state the dashboard's cache is valid for (ReportingRepository.fingerprint). */
export interface ReportingFingerprint {
  /** Change-log head. */
  seq: number;
  /** Version of units, assessments, self levels, periods… (trigger-bumped). */
  structure: string;
  /** Version of the files the server holds (trigger-bumped). */
  files: string;
}

/** One indicator of one unit compared for the over-claims (both levels set, applicable). */
export interface OverclaimPair {
  indicatorNo: number;
  self: number;
  verified: number;
}

export interface OverclaimRow {
  indicatorNo: number;
  /** Units with both a self-assessed and a verified level (applicable). */
  compared: number;
  /** …whose verified level is below the self-assessed one. */
  lowered: number;
  raised: number;
  /** Sum of the level-steps lost where lowered. */
  stepsLost: number;
}

/** Verification fields of one record that the reports read. */
export interface VerificationCell {
  assessmentId: string;
  recordId: string;
  indicatorNo: number | null;
  verifiedLevel: number | null;
  notApplicable: boolean;
  reviewComment: string;
}

/** The stage values (`stages.<s>` fields, parsed JSON) of one verification, for the per-stage index. */
export interface StageCell {
  assessmentId: string;
  indicatorNo: number | null;
  notApplicable: boolean;
  /** `stages.<stage>` → core StageValue (or null), only the fields written. */
  fields: Record<string, unknown>;
}

export interface SelfLevelRow {
  unitId: string;
  indicatorNo: number;
  level: number;
}

export interface HoldingBackRow {
  indicatorNo: number;
  unitId: string;
  code: string;
  name: string;
  level: number;
  /** Units below the required level for this indicator (all of them, not only those listed). */
  total: number;
}

export interface EvidenceFileCount {
  assessmentId: string;
  indicatorNo: number;
  files: number;
  held: number;
}

/** A stored field as the exports read it (its value decoded; who wrote it is not read). */
export type ExportField = Pick<
  FieldState,
  'entity' | 'recordId' | 'assessmentId' | 'field' | 'value' | 'serverAt'
>;

/** The latest coordinator decision on an assessment: the status the review wrote, when, by whom. */
export interface DecisionRow {
  assessmentId: string;
  status: string;
  at: number;
  /** The deciding account's name (null when the account is gone). */
  by: string | null;
}

/**
 * The change that wrote an assessment's current berita acara `signedAt`: when the server
 * received it, the tablet's hybrid clock and device time, and the tablet's clock skew
 * measured at that push (null: not measured — server-made, export file, older tablet).
 */
export interface SigningClockRow {
  assessmentId: string;
  serverAt: number;
  hlc: string | null;
  deviceAt: number | null;
  clockSkewMs: number | null;
}

/** A verifier assigned to a unit in a period. */
export interface AssignedVerifierRow {
  unitId: string;
  name: string;
}

/** Verification fields the exports write or sign over (not the self-assessment copies). */
const VERIFICATION_EXPORT_FIELDS = [
  'indicatorNo',
  'verifiedLevel',
  'sourceValue',
  'notApplicable',
  'naReason',
  'notes',
  'reviewComment',
  // The written outputs per indicator and the value per stage (core workflow.ts).
  'rekomendasi',
  'penjelasanFakta',
  'penjelasanAnalisis',
  'penjelasanJustifikasi',
  'penjelasanFiles',
  ...STAGES.map(stageField),
];

const VERIFICATION = sql.lit('verification');
const EVIDENCE_FILE = sql.lit('evidenceFile');
const NULL_JSON = sql.lit('null');
const TRUE_JSON = sql.lit('true');

/** `alias.entity = '…' AND alias.field = '…'` with literals (partial-index friendly). */
function fieldIs(alias: string, entity: RawBuilder<unknown>, field: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(`${alias}.entity`)} = ${entity} and ${sql.ref(`${alias}.field`)} = ${sql.lit(field)}`;
}

/** Verified level set: the exact predicate of the partial index `record_fields_verified_level_idx`. */
function verifiedSet(alias: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${fieldIs(alias, VERIFICATION, 'verifiedLevel')} and ${sql.ref(`${alias}.valueJson`)} <> ${NULL_JSON}`;
}

/** Marked not applicable: the exact predicate of the partial index `record_fields_not_applicable_idx`. */
function markedNa(alias: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${fieldIs(alias, VERIFICATION, 'notApplicable')} and ${sql.ref(`${alias}.valueJson`)} = ${TRUE_JSON}`;
}

/**
 * A stored level (`3`, `2.5` or `null`) as a number or NULL. `double precision` on both
 * databases (SQLite reads it as REAL): a decimal value (PermenPANRB 8/2026) must not be cut
 * to its whole level, and PostgreSQL refuses `'2.5'` as an integer.
 */
function levelOf(ref: string): RawBuilder<number | null> {
  return sql<
    number | null
  >`case when ${sql.ref(ref)} = ${NULL_JSON} then null else cast(${sql.ref(ref)} as double precision) end`;
}

/** Parse a stored JSON integer (`12`) or null. */
function jsonInt(text: string | null | undefined): number | null {
  const n = jsonNumber(text);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** Parse a stored JSON number (`3`, `2.5`) or null. */
function jsonNumber(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text === 'null') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function unitFilter(alias: string, f: UnitFilter): Expression<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [sql<SqlBool>`1 = 1`];
  if (f.parentId)
    parts.push(
      sql<SqlBool>`(${sql.ref(`${alias}.parentId`)} = ${f.parentId} or ${sql.ref(`${alias}.id`)} = ${f.parentId})`,
    );
  if (f.kind) parts.push(sql<SqlBool>`${sql.ref(`${alias}.kind`)} = ${f.kind}`);
  return sql<SqlBool>`${sql.join(parts, sql` and `)}`;
}

const CHUNK = 500;

export class ReportingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * What the dashboard's cached aggregates are a function of, in one statement (so one
   * snapshot on PostgreSQL):
   * - `seq`, the change log's head: every insert or update of a record field appends a change
   *   naming its assessment in the same transaction, and so does every write of an
   *   assessment's status and of an evidence reference (RecordBatch); seqs become visible in
   *   order, because writers of the change log are serialised (SyncRepository.lockWriters,
   *   the guarantee pulls rely on), so a change committed after this read has a higher seq;
   * - `structure`, bumped by triggers on every other write to what the aggregates read
   *   (units, assessments other than their status, self-assessed levels, periods,
   *   instruments, assignments, deletes of record fields and evidence references);
   * - `files`, bumped by triggers on every write to the files the server holds.
   * (Migration 2026_12_10_0100.)
   *
   * @returns null when the version rows are missing (nothing may be cached then)
   */
  async fingerprint(): Promise<ReportingFingerprint | null> {
    const r = await sql<{
      seq: number | string | null;
      structure: number | string | null;
      files: number | string | null;
    }>`select (select max(seq) from changes) as seq,
      (select version from reporting_version where id = 1) as structure,
      (select version from reporting_version where id = 2) as files`.execute(this.db);
    const row = r.rows[0];
    if (!row || row.structure === null || row.files === null) return null;
    return {
      seq: Number(row.seq ?? 0),
      structure: String(row.structure),
      files: String(row.files),
    };
  }

  /**
   * Assessments named by the changes with `after < seq ≤ upTo` (a range of the change log's
   * primary key), at most `limit` (more: null, the caller recomputes everything).
   */
  async changedAssessments(after: number, upTo: number, limit: number): Promise<string[] | null> {
    const rows = await this.db
      .selectFrom('changes')
      .select('assessmentId')
      .distinct()
      .where('seq', '>', after)
      .where('seq', '<=', upTo)
      .where('assessmentId', 'is not', null)
      .limit(limit + 1)
      .execute();
    if (rows.length > limit) return null;
    return rows.map((r) => r.assessmentId as string);
  }

  /**
   * Per assessment of the period (or of `assessmentIds` only), every indicator compared for
   * the over-claims: its self-assessed and verified levels, both set and the indicator not
   * marked not applicable. One row per assessment, the pairs aggregated into one text in
   * SQL (`no:self:verified,…`), so 10,000 units are 10,000 rows, not 470,000.
   */
  async overclaimPairs(
    periodId: string,
    assessmentIds?: readonly string[],
  ): Promise<Map<string, OverclaimPair[]>> {
    const postgres = this.db.getExecutor().adapter instanceof PostgresAdapter;
    const item = sql`cast(${sql.ref('s.indicatorNo')} as text) || ':' || cast(${sql.ref('s.level')} as text) || ':' || ${sql.ref('v.valueJson')}`;
    const joined = postgres
      ? sql<string>`string_agg(${item}, ',')`
      : sql<string>`group_concat(${item}, ',')`;
    const out = new Map<string, OverclaimPair[]>();
    const run = async (ids: readonly string[] | null) => {
      let all = this.selfVerifiedJoin()
        .select(['a.id as assessmentId', joined.as('pairs')])
        .where('s.periodId', '=', periodId)
        .groupBy('a.id');
      let na = this.db
        .selectFrom('recordFields as na')
        .innerJoin('assessments as a', 'a.id', 'na.assessmentId')
        .select(['na.assessmentId', 'na.recordId'])
        .where(markedNa('na'))
        .where('a.periodId', '=', periodId);
      if (ids) {
        all = all.where('a.id', 'in', ids);
        na = na.where('na.assessmentId', 'in', ids);
      }
      const [rows, naRows] = await Promise.all([all.execute(), na.execute()]);
      const marked = new Set(naRows.map((r) => r.recordId));
      for (const r of rows) {
        const pairs: OverclaimPair[] = [];
        for (const text of (r.pairs ?? '').split(',')) {
          const [no, self, verified] = text.split(':');
          if (no === undefined || self === undefined || verified === undefined) continue;
          if (marked.has(`${r.assessmentId}:${no}`)) continue;
          const v = jsonNumber(verified);
          if (v === null) continue;
          pairs.push({ indicatorNo: Number(no), self: Number(self), verified: v });
        }
        out.set(r.assessmentId, pairs);
      }
    };
    if (!assessmentIds) await run(null);
    else for (const part of chunks(assessmentIds, CHUNK)) await run(part);
    return out;
  }

  /**
   * Each self-assessed level (`s`) of a unit joined with its assessment (`a`) and the verified
   * level (`v`) of the same indicator's record: the pairs over-claims are counted from.
   */
  private selfVerifiedJoin() {
    const sameRecord = sql<SqlBool>`${sql.ref('v.recordId')} = ${sql.ref('a.id')} || ':' || cast(${sql.ref('s.indicatorNo')} as text)`;
    return this.db
      .selectFrom('selfAssessments as s')
      .innerJoin('assessments as a', (j) =>
        j.onRef('a.periodId', '=', 's.periodId').onRef('a.unitId', '=', 's.unitId'),
      )
      .innerJoin('recordFields as v', (j) =>
        j.onRef('v.assessmentId', '=', 'a.id').on(sameRecord).on(verifiedSet('v')),
      );
  }

  /**
   * Per assessment (group by `r.assessmentId` to use it): evidence files its live (not
   * deleted) evidence records name, and how many of those the server holds.
   */
  private evidenceCounts() {
    return this.db
      .selectFrom('evidenceRefs as r')
      .leftJoin('files as f', 'f.sha256', 'r.sha256')
      .leftJoin('recordFields as d', (j) =>
        j.onRef('d.recordId', '=', 'r.recordId').on(fieldIs('d', EVIDENCE_FILE, 'deleted')),
      )
      .select([
        'r.assessmentId',
        sql<number>`count(distinct ${sql.ref('r.sha256')})`.as('files'),
        sql<number>`count(distinct ${sql.ref('f.sha256')})`.as('held'),
      ])
      .where((eb) => eb.or([eb('d.valueJson', 'is', null), eb('d.valueJson', '<>', 'true')]));
  }

  /**
   * Evidence files referenced (not deleted) and held per assessment of the period;
   * assessments without any are absent.
   */
  async fileCounts(periodId: string): Promise<Map<string, { files: number; held: number }>> {
    const rows = await this.evidenceCounts()
      .where('r.assessmentId', 'in', (eb) =>
        eb.selectFrom('assessments').select('id').where('periodId', '=', periodId),
      )
      .groupBy('r.assessmentId')
      .execute();
    return new Map(
      rows.map((r) => [r.assessmentId, { files: Number(r.files ?? 0), held: Number(r.held ?? 0) }]),
    );
  }

  /**
   * Every unit (filtered) with its assessment in the period and, per assessment, the
   * number of verified / not-applicable indicators, evidence files referenced and held,
   * and self-assessed indicators: one statement, each count a GROUP BY subquery.
   */
  async unitProgress(
    periodId: string,
    filter: UnitFilter = {},
    /** Only the units of these assessments (the dashboard cache recomputing a few). */
    assessmentIds?: readonly string[],
  ): Promise<UnitProgressRow[]> {
    if (assessmentIds) {
      const out: UnitProgressRow[] = [];
      for (const part of chunks(assessmentIds, CHUNK))
        out.push(...(await this.progressOf(periodId, filter, part)));
      return out;
    }
    return this.progressOf(periodId, filter, null);
  }

  private async progressOf(
    periodId: string,
    filter: UnitFilter,
    assessmentIds: readonly string[] | null,
  ): Promise<UnitProgressRow[]> {
    // Each count is a range scan of a partial index per assessment of the period (the
    // IN-list is the period's assessments), grouped in index order: no per-row joins.
    // With `assessmentIds`, those of the period's assessments only.
    const ofPeriod = this.db
      .selectFrom('assessments')
      .select('id')
      .where('periodId', '=', periodId)
      .$if(assessmentIds !== null, (q) => q.where('id', 'in', assessmentIds ?? []));
    const verified = this.db
      .selectFrom('recordFields as v')
      .select(['v.assessmentId', sql<number>`count(*)`.as('n')])
      .where(verifiedSet('v'))
      .where('v.assessmentId', 'in', ofPeriod)
      .groupBy('v.assessmentId');
    // Not applicable, how many of those also carry a verified level, and how many carry their
    // reason. Done is core's `completeness` (what signing counts): a verified level on an
    // indicator not marked not applicable, or not applicable with its reason — so the
    // dashboard says 4/47 where the tablet and the berita acara do.
    const na = this.db
      .selectFrom('recordFields as n')
      .leftJoin('recordFields as nv', (j) =>
        j
          .onRef('nv.assessmentId', '=', 'n.assessmentId')
          .onRef('nv.recordId', '=', 'n.recordId')
          .on(verifiedSet('nv')),
      )
      .leftJoin('recordFields as nr', (j) =>
        j
          .onRef('nr.assessmentId', '=', 'n.assessmentId')
          .onRef('nr.recordId', '=', 'n.recordId')
          .on(fieldIs('nr', VERIFICATION, 'naReason')),
      )
      .select([
        'n.assessmentId',
        sql<number>`count(*)`.as('n'),
        sql<number>`count(${sql.ref('nv.recordId')})`.as('both'),
        sql<number>`count(case when ${sql.ref('nr.valueJson')} <> '""' then 1 end)`.as('reasoned'),
      ])
      .where(markedNa('n'))
      .where('n.assessmentId', 'in', ofPeriod)
      .groupBy('n.assessmentId');
    const files = this.evidenceCounts()
      .where('r.assessmentId', 'in', ofPeriod)
      .groupBy('r.assessmentId');
    const rows = await this.db
      .selectFrom('units as u')
      .leftJoin('assessments as a', (j) =>
        j.onRef('a.unitId', '=', 'u.id').on('a.periodId', '=', periodId),
      )
      .leftJoin(verified.as('vc'), 'vc.assessmentId', 'a.id')
      .leftJoin(na.as('nc'), 'nc.assessmentId', 'a.id')
      .leftJoin(files.as('fc'), 'fc.assessmentId', 'a.id')
      .select([
        'u.id as unitId',
        'u.code',
        'u.name',
        'u.kind',
        'u.parentId',
        'a.id as assessmentId',
        'a.status',
        'a.updatedAt',
        'vc.n as verified',
        'nc.n as notApplicable',
        'nc.both',
        'nc.reasoned',
        'fc.files',
        'fc.held',
      ])
      .where(unitFilter('u', filter))
      .$if(assessmentIds !== null, (q) => q.where('a.id', 'in', assessmentIds ?? []))
      .orderBy('u.code')
      .execute();
    return rows.map((r) => ({
      unitId: r.unitId,
      code: r.code,
      name: r.name,
      kind: r.kind,
      parentId: r.parentId,
      assessmentId: r.assessmentId,
      status: r.status,
      updatedAt: r.updatedAt === null ? null : Number(r.updatedAt),
      verified: Number(r.verified ?? 0),
      notApplicable: Number(r.notApplicable ?? 0),
      done: Number(r.verified ?? 0) - Number(r.both ?? 0) + Number(r.reasoned ?? 0),
      files: Number(r.files ?? 0),
      filesHeld: Number(r.held ?? 0),
    }));
  }

  /**
   * Per indicator over the (filtered) units of a period: how often verification lowered
   * or raised the self-assessed level (not-applicable indicators left out). Self levels
   * come from the self-assessment table (the source of the store's server-owned
   * `selfLevel`); the verified level is found by the verification's deterministic id
   * `<assessmentId>:<indicatorNo>` in the partial index, in assessment order.
   */
  async overclaims(periodId: string, filter: UnitFilter = {}): Promise<OverclaimRow[]> {
    const lvl = levelOf('v.valueJson');
    const level = sql.ref('s.level');
    const sums = [
      sql<number>`count(*)`.as('compared'),
      sql<number>`sum(case when ${lvl} < ${level} then 1 else 0 end)`.as('lowered'),
      sql<number>`sum(case when ${lvl} > ${level} then 1 else 0 end)`.as('raised'),
      sql<number>`sum(case when ${lvl} < ${level} then ${level} - ${lvl} else 0 end)`.as(
        'stepsLost',
      ),
    ];
    const units = this.db.selectFrom('units as u').select('u.id').where(unitFilter('u', filter));
    const filtered = !!(filter.parentId || filter.kind);
    // Every self × verified pair, not-applicable ones included…
    let all = this.selfVerifiedJoin()
      .select(['s.indicatorNo', ...sums])
      .where('s.periodId', '=', periodId);
    // …minus the pairs marked not applicable: few, found from the tiny partial index (the
    // cross joins keep SQLite from starting anywhere else; PostgreSQL plans them freely).
    let na = this.db
      .selectFrom('recordFields as na')
      .crossJoin('assessments as a')
      .crossJoin('selfAssessments as s')
      .crossJoin('recordFields as v')
      .select(['s.indicatorNo', ...sums])
      .where(markedNa('na'))
      .whereRef('a.id', '=', 'na.assessmentId')
      .where('a.periodId', '=', periodId)
      .whereRef('s.periodId', '=', 'a.periodId')
      .whereRef('s.unitId', '=', 'a.unitId')
      .where(
        sql<SqlBool>`${sql.ref('na.recordId')} = ${sql.ref('a.id')} || ':' || cast(${sql.ref('s.indicatorNo')} as text)`,
      )
      .where(verifiedSet('v'))
      .whereRef('v.assessmentId', '=', 'a.id')
      .whereRef('v.recordId', '=', 'na.recordId');
    if (filtered) {
      all = all.where('s.unitId', 'in', units);
      na = na.where('s.unitId', 'in', units);
    }
    const [allRows, naRows] = await Promise.all([
      all.groupBy('s.indicatorNo').execute(),
      na.groupBy('s.indicatorNo').execute(),
    ]);
    const minus = new Map(naRows.map((r) => [Number(r.indicatorNo), r]));
    return allRows
      .map((r) => {
        const m = minus.get(Number(r.indicatorNo));
        return {
          indicatorNo: Number(r.indicatorNo),
          compared: Number(r.compared) - Number(m?.compared ?? 0),
          lowered: Number(r.lowered ?? 0) - Number(m?.lowered ?? 0),
          raised: Number(r.raised ?? 0) - Number(m?.raised ?? 0),
          // Decimal values make fractional steps; summed as floats, so back to hundredths.
          stepsLost: Math.round((Number(r.stepsLost ?? 0) - Number(m?.stepsLost ?? 0)) * 100) / 100,
        };
      })
      .sort((x, y) => x.indicatorNo - y.indicatorNo);
  }

  /** Verified level, not-applicable flag, indicator number and review comment of every verification of these assessments. */
  async verificationCells(assessmentIds: readonly string[]): Promise<VerificationCell[]> {
    const out: VerificationCell[] = [];
    for (const part of chunks(assessmentIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('recordFields')
        .select(['assessmentId', 'recordId', 'field', 'valueJson'])
        .where('assessmentId', 'in', part)
        .where('entity', '=', 'verification')
        .where('field', 'in', ['indicatorNo', 'verifiedLevel', 'notApplicable', 'reviewComment'])
        .execute();
      out.push(...toCells(rows));
    }
    return out;
  }

  /**
   * Verified levels and not-applicable marks of every verification of these assessments
   * (the levels export, a batch of units at a time; `reviewComment` stays empty: the
   * exports read texts per batch with `exportFields`).
   */
  async exportCells(assessmentIds: readonly string[]): Promise<VerificationCell[]> {
    // Two index range reads per assessment instead of a walk over every field: verified
    // levels (partial index), not-applicable marks (tiny partial index). The indicator is
    // the numeric suffix of the deterministic id `<assessmentId>:<no>`.
    const out: VerificationCell[] = [];
    for (const part of chunks(assessmentIds, CHUNK)) {
      const pick = (where: RawBuilder<SqlBool>) =>
        driverRows<{ assessment_id: string; record_id: string; field: string; value_json: string }>(
          this.db,
          this.db
            .selectFrom('recordFields as rf')
            .select(['rf.assessmentId', 'rf.recordId', 'rf.field', 'rf.valueJson'])
            .where('rf.assessmentId', 'in', part)
            .where(where),
        );
      const [verified, na] = await Promise.all([pick(verifiedSet('rf')), pick(markedNa('rf'))]);
      out.push(
        ...toCells(
          [...verified, ...na].map((r) => ({
            assessmentId: r.assessment_id,
            recordId: r.record_id,
            field: r.field,
            valueJson: r.value_json,
          })),
        ),
      );
    }
    return out;
  }

  /** The units of a period with a self-assessed level (any indicator). */
  async selfAssessedUnits(periodId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('selfAssessments')
      .select('unitId')
      .distinct()
      .where('periodId', '=', periodId)
      .execute();
    return rows.map((r) => r.unitId);
  }

  /**
   * Stage values, indicator numbers and not-applicable marks of every verification of a
   * period (dashboard "index per stage"). Stage fields are rare beside the rest of a
   * verification, so a prefix match on the field name reads only them.
   */
  async stageCells(periodId: string): Promise<StageCell[]> {
    const ofPeriod = this.db
      .selectFrom('assessments')
      .select('id')
      .where('periodId', '=', periodId);
    const rows = await this.db
      .selectFrom('recordFields')
      .select(['assessmentId', 'recordId', 'field', 'valueJson'])
      .where('entity', '=', 'verification')
      .where('assessmentId', 'in', ofPeriod)
      .where((eb) =>
        eb.or([
          eb('field', 'like', 'stages.%'),
          eb('field', '=', 'notApplicable'),
          eb('field', '=', 'indicatorNo'),
        ]),
      )
      .execute();
    const byRecord = new Map<string, StageCell & { recordId: string }>();
    for (const r of rows) {
      let c = byRecord.get(r.recordId);
      if (!c) {
        c = {
          assessmentId: r.assessmentId,
          recordId: r.recordId,
          indicatorNo: null,
          notApplicable: false,
          fields: {},
        };
        byRecord.set(r.recordId, c);
      }
      if (r.field === 'indicatorNo') c.indicatorNo = jsonInt(r.valueJson);
      else if (r.field === 'notApplicable') c.notApplicable = r.valueJson === 'true';
      else c.fields[r.field] = JSON.parse(r.valueJson) as unknown;
    }
    const out: StageCell[] = [];
    for (const { recordId, ...c } of byRecord.values()) {
      // A record whose indicatorNo field is missing still names its indicator in its id.
      const suffix = recordId.slice(c.assessmentId.length + 1);
      if (
        c.indicatorNo === null &&
        recordId.startsWith(`${c.assessmentId}:`) &&
        /^\d{1,3}$/.test(suffix)
      )
        c.indicatorNo = Number(suffix);
      out.push(c);
    }
    return out;
  }

  /** Self-assessed levels of a period, optionally of some units only. */
  async selfLevels(periodId: string, unitIds?: readonly string[]): Promise<SelfLevelRow[]> {
    const q = this.db
      .selectFrom('selfAssessments')
      .select(['unitId', 'indicatorNo', 'level'])
      .where('periodId', '=', periodId);
    if (!unitIds) return (await q.execute()).map(toSelf);
    const out: SelfLevelRow[] = [];
    for (const part of chunks(unitIds, CHUNK)) {
      const rows = await q.where('unitId', 'in', part).execute();
      out.push(...rows.map(toSelf));
    }
    return out;
  }

  /** Units of a kind, in code order (the city-level unit is the pemda). */
  async unitsOfKind(kind: UnitKind): Promise<{ id: string; code: string; name: string }[]> {
    return this.db
      .selectFrom('units')
      .select(['id', 'code', 'name'])
      .where('kind', '=', kind)
      .orderBy('code')
      .execute();
  }

  /**
   * Units of a period whose verified level of an indicator is below the level a plan
   * requires (`required`: indicator → level), the lowest first, at most `perIndicator`
   * each with the full count (window functions; both databases have them).
   */
  async holdingBack(
    periodId: string,
    required: ReadonlyMap<number, number>,
    options: { excludeUnitId?: string | null; perIndicator?: number } = {},
  ): Promise<HoldingBackRow[]> {
    if (required.size === 0) return [];
    const lvl = levelOf('v.valueJson');
    const clauses = [...required].map(
      ([no, level]) =>
        sql<SqlBool>`(${sql.ref('n.valueJson')} = ${sql.lit(String(no))} and ${lvl} < ${sql.lit(level)})`,
    );
    let inner = this.db
      .selectFrom('recordFields as v')
      .innerJoin('assessments as a', 'a.id', 'v.assessmentId')
      .innerJoin('units as u', 'u.id', 'a.unitId')
      .innerJoin('recordFields as n', (j) =>
        j.onRef('n.recordId', '=', 'v.recordId').on(fieldIs('n', VERIFICATION, 'indicatorNo')),
      )
      .leftJoin('recordFields as na', (j) =>
        j
          .onRef('na.assessmentId', '=', 'v.assessmentId')
          .onRef('na.recordId', '=', 'v.recordId')
          .on(markedNa('na')),
      )
      .select([
        'n.valueJson as noJson',
        'u.id as unitId',
        'u.code',
        'u.name',
        lvl.as('level'),
        sql<number>`row_number() over (partition by ${sql.ref('n.valueJson')} order by ${lvl}, ${sql.ref('u.code')})`.as(
          'rn',
        ),
        sql<number>`count(*) over (partition by ${sql.ref('n.valueJson')})`.as('total'),
      ])
      .where('a.periodId', '=', periodId)
      .where(verifiedSet('v'))
      .where('na.recordId', 'is', null)
      .where(sql<SqlBool>`(${sql.join(clauses, sql` or `)})`);
    if (options.excludeUnitId) inner = inner.where('u.id', '<>', options.excludeUnitId);
    const rows = await this.db
      .selectFrom(inner.as('t'))
      .selectAll()
      .where('t.rn', '<=', options.perIndicator ?? 10)
      .orderBy('t.noJson')
      .orderBy('t.rn')
      .execute();
    return rows.map((r) => ({
      indicatorNo: jsonInt(r.noJson) ?? 0,
      unitId: r.unitId,
      code: r.code,
      name: r.name,
      level: Number(r.level),
      total: Number(r.total),
    }));
  }

  /**
   * What the exports say about these assessments beyond levels, per `read`: `record` — their
   * verifications' results and texts, berita acara, comments and the assessment record
   * itself, with the evidence files' names (what a penjelasan cites); `checks` — the
   * verifications' evidence checks (`checks.*`). Evidence files are counted elsewhere
   * (`evidenceFileCounts`). Callers pass a batch of
   * assessments at a time: the texts (notes up to 20,000 characters, signatures) are never
   * read for a whole period at once.
   */
  async exportFields(
    assessmentIds: readonly string[],
    read: { record: boolean; checks: boolean },
  ): Promise<ExportField[]> {
    const out: ExportField[] = [];
    for (const part of chunks(assessmentIds, CHUNK)) {
      const rows = await driverRows<{
        entity: string;
        record_id: string;
        assessment_id: string;
        field: string;
        value_json: string;
        server_at: number | string;
      }>(
        this.db,
        this.db
          .selectFrom('recordFields')
          .select(['entity', 'recordId', 'assessmentId', 'field', 'valueJson', 'serverAt'])
          .where('assessmentId', 'in', part)
          .where((eb) =>
            eb.or([
              ...(read.record
                ? [
                    eb('entity', 'in', ['assessment', 'beritaAcara', 'comment']),
                    eb.and([
                      eb('entity', '=', 'verification'),
                      eb('field', 'in', VERIFICATION_EXPORT_FIELDS),
                    ]),
                    // File names, for the files a penjelasan cites.
                    eb.and([eb('entity', '=', 'evidenceFile'), eb('field', '=', 'name')]),
                  ]
                : []),
              // `checks.<level>.<index>` ('/' follows '.').
              ...(read.checks
                ? [
                    eb.and([
                      eb('entity', '=', 'verification'),
                      eb('field', '>=', 'checks.'),
                      eb('field', '<', 'checks/'),
                    ]),
                  ]
                : []),
            ]),
          ),
      );
      for (const r of rows)
        out.push({
          entity: r.entity as EntityName,
          recordId: r.record_id,
          assessmentId: r.assessment_id,
          field: r.field,
          value: JSON.parse(r.value_json) as unknown,
          serverAt: Number(r.server_at),
        });
    }
    return out;
  }

  /**
   * How the current signing time of each of these assessments came in (SigningClockRow):
   * the berita acara's `signedAt` field joined to the change-log row that wrote it
   * (`updatedSeq`), so a signing made on a tablet whose clock was off can be told apart.
   */
  async signingClocks(assessmentIds: readonly string[]): Promise<SigningClockRow[]> {
    const out: SigningClockRow[] = [];
    for (const part of chunks(assessmentIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('recordFields as rf')
        .innerJoin('changes as c', 'c.seq', 'rf.updatedSeq')
        .select(['rf.assessmentId', 'c.serverAt', 'c.hlc', 'c.deviceAt', 'c.clockSkewMs'])
        .where('rf.assessmentId', 'in', part)
        .where('rf.entity', '=', 'beritaAcara')
        .where('rf.field', '=', 'signedAt')
        .execute();
      for (const r of rows)
        out.push({
          assessmentId: r.assessmentId,
          serverAt: Number(r.serverAt),
          hlc: r.hlc,
          deviceAt: r.deviceAt === null ? null : Number(r.deviceAt),
          clockSkewMs: r.clockSkewMs === null ? null : Number(r.clockSkewMs),
        });
    }
    return out;
  }

  /**
   * The latest coordinator decision (approve, return, reopen: a review write of the
   * assessment's `status`, from the change log) of each of these assessments that has one.
   */
  async lastDecisions(assessmentIds: readonly string[]): Promise<DecisionRow[]> {
    const latest = new Map<string, DecisionRow>();
    for (const part of chunks(assessmentIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('changes as c')
        .leftJoin('accounts as a', 'a.id', 'c.accountId')
        .select(['c.recordId', 'c.valueJson', 'c.serverAt', 'a.name'])
        .where('c.entity', '=', 'assessment')
        .where('c.recordId', 'in', part)
        .where('c.field', '=', 'status')
        .where('c.source', '=', 'review')
        .orderBy('c.seq')
        .execute();
      for (const r of rows) {
        const v: unknown = JSON.parse(r.valueJson);
        latest.set(r.recordId, {
          assessmentId: r.recordId,
          status: typeof v === 'string' ? v : '',
          at: Number(r.serverAt),
          by: r.name,
        });
      }
    }
    return [...latest.values()];
  }

  /** The verifiers assigned to each unit in a period, by name. */
  async assignedVerifiers(periodId: string): Promise<AssignedVerifierRow[]> {
    return this.db
      .selectFrom('assignments as s')
      .innerJoin('accounts as a', 'a.id', 's.verifierId')
      .select(['s.unitId', 'a.name'])
      .where('s.periodId', '=', periodId)
      .orderBy('s.unitId')
      .orderBy('a.name')
      .execute();
  }

  /** Per assessment and indicator of these assessments: evidence files referenced (not deleted) and held. */
  async evidenceFileCounts(assessmentIds: readonly string[]): Promise<EvidenceFileCount[]> {
    const out: EvidenceFileCount[] = [];
    for (const part of chunks(assessmentIds, CHUNK)) {
      const rows = await this.db
        .selectFrom('evidenceRefs as r')
        .innerJoin('recordFields as n', (j) =>
          j.onRef('n.recordId', '=', 'r.recordId').on(fieldIs('n', EVIDENCE_FILE, 'indicatorNo')),
        )
        .leftJoin('recordFields as d', (j) =>
          j.onRef('d.recordId', '=', 'r.recordId').on(fieldIs('d', EVIDENCE_FILE, 'deleted')),
        )
        .leftJoin('files as f', 'f.sha256', 'r.sha256')
        .select([
          'r.assessmentId',
          'n.valueJson as noJson',
          sql<number>`count(distinct ${sql.ref('r.sha256')})`.as('files'),
          sql<number>`count(distinct ${sql.ref('f.sha256')})`.as('held'),
        ])
        .where('r.assessmentId', 'in', part)
        .where((eb) => eb.or([eb('d.valueJson', 'is', null), eb('d.valueJson', '<>', 'true')]))
        .groupBy(['r.assessmentId', 'n.valueJson'])
        .execute();
      for (const r of rows) {
        const no = jsonInt(r.noJson);
        if (no === null) continue;
        out.push({
          assessmentId: r.assessmentId,
          indicatorNo: no,
          files: Number(r.files),
          held: Number(r.held),
        });
      }
    }
    return out;
  }
}

/**
 * The rows of `query` as the driver returns them (snake_case column names), compiled with
 * the connection's plugins but not rebuilt by the camelCase plugin on the way back: the
 * levels export reads ~190 fields a unit (1.9 million for 10,000 units), and rebuilding
 * each row object doubled what reading them cost.
 */
async function driverRows<R>(db: Kysely<Database>, query: Compilable<unknown>): Promise<R[]> {
  return (await db.withoutPlugins().executeQuery<R>(query.compile())).rows;
}

function toSelf(r: { unitId: string; indicatorNo: number; level: number }): SelfLevelRow {
  return { unitId: r.unitId, indicatorNo: Number(r.indicatorNo), level: Number(r.level) };
}

/** Pivot field rows (one per field) into one cell per verification record. */
function toCells(
  rows: readonly { assessmentId: string; recordId: string; field: string; valueJson: string }[],
): VerificationCell[] {
  const byRecord = new Map<string, VerificationCell>();
  for (const r of rows) {
    let c = byRecord.get(r.recordId);
    if (!c) {
      c = {
        assessmentId: r.assessmentId,
        recordId: r.recordId,
        indicatorNo: null,
        verifiedLevel: null,
        notApplicable: false,
        reviewComment: '',
      };
      byRecord.set(r.recordId, c);
    }
    if (r.field === 'indicatorNo') c.indicatorNo = jsonInt(r.valueJson);
    else if (r.field === 'verifiedLevel') c.verifiedLevel = jsonNumber(r.valueJson);
    else if (r.field === 'notApplicable') c.notApplicable = r.valueJson === 'true';
    else if (r.field === 'reviewComment') {
      const v: unknown = JSON.parse(r.valueJson);
      c.reviewComment = typeof v === 'string' ? v : '';
    }
  }
  // A record whose indicatorNo field is missing still names its indicator in its id.
  for (const c of byRecord.values()) {
    if (c.indicatorNo !== null) continue;
    const suffix = c.recordId.slice(c.assessmentId.length + 1);
    if (c.recordId.startsWith(`${c.assessmentId}:`) && /^\d{1,3}$/.test(suffix))
      c.indicatorNo = Number(suffix);
  }
  return [...byRecord.values()];
}
