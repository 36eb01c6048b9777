import { createHash } from 'node:crypto';
import {
  type BundleImportResult,
  beritaAcaraId,
  type Change,
  DEFAULT_ZONE_CODE,
  DEVICE_SEQ_REUSED,
  decideField,
  type EntityName,
  EVIDENCE_TOO_LARGE_MESSAGE,
  editTime,
  type FieldOutcome,
  type Framework,
  fieldLabel,
  fieldSchema,
  findUnsafeText,
  formatInZone,
  MAX_REFETCH,
  type MutationProblem,
  type MutationResult,
  mutationOutcome,
  mutationProblems,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type Receipt,
  type Rejection,
  type Stage,
  stageLabel,
  stageOfField,
  TIME_RANGE_MESSAGE,
  tabletMayEdit,
  timeDoubtful,
  toWireConflict,
  toWireRejection,
  UNSAFE_TEXT_MESSAGE,
  uuidv7,
  verificationId,
  type WriteRefusal,
  type ZoneCode,
} from '../../core';
import { inTransaction, type Repositories } from '../db/repositories';
import type { Assignment, Principal } from '../domain';
import { canonicalJson } from '../lib/canonical-json';
import { Problem, type ProblemCode, problemBody } from '../problems';
import type {
  AssessmentContext,
  ChangeEntry,
  ChangeSource,
  ConflictView,
  FieldState,
  HandledSeq,
  StoredRejection,
  WriterTimeouts,
} from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';
import type { FilesService } from './files.service';
import type { FrameworksService } from './frameworks.service';
import { RecordBatch, type WriteMeta } from './record-batch';
import {
  refusalParams as domainParams,
  fieldValueProblem,
  indicatorValueOf,
  isValueField,
} from './value-domain';

/**
 * One mutation as the push wire reads it: the envelope (identity and ordering) checked,
 * its content not yet (see core `mutationProblems`; a bad one is rejected alone).
 */
export type MutationEnvelope = PushRequest['mutations'][number];

/** Rejections that may succeed when the same change is sent again later (re-assigned, reopened). */
const RETRYABLE: ReadonlySet<string> = new Set([
  'not_assigned',
  'assignment_withdrawn',
  'period_closed',
  'assessment_approved',
  // The coordinator may add the stage to the period.
  'stage_not_in_period',
]);

const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 2000;
/** Most records one pull may ask for again (`refetch`); shared with the tablet (core). */
export { MAX_REFETCH };

/** The caller a set of mutations is applied for: a tablet's push or a coordinator's bundle import. */
interface Applier {
  deviceId: string;
  /** Author recorded on the changes. */
  accountId: string | null;
  source: Extract<ChangeSource, 'push' | 'bundle'>;
  /** Assessments the mutations may touch. */
  scope: ReadonlySet<string>;
  /** The tablet's clock minus the server's at this push (ms); null when not reported. */
  clockSkewMs: number | null;
  /**
   * An assessment the device's verifier held but no longer does (a bundle import): its
   * changes are refused `assignment_withdrawn` instead of `not_assigned`, naming whoever
   * holds the unit now (`to`, a verifier's name; absent when nobody does).
   */
  withdrawn?: { assessmentId: string; to: string | null };
}

/** What applying an export file's unsent changes did: the mutation part of the import's answer. */
export type BundleApplyResult = Pick<
  BundleImportResult,
  | 'applied'
  | 'duplicates'
  | 'rejected'
  | 'fields'
  | 'appliedThrough'
  | 'conflicts'
  | 'results'
  | 'rejections'
>;

/** Test hooks (PostgreSQL commit-order proof): awaited inside the push transaction before commit. */
export interface SyncHooks {
  beforePushCommit?: (deviceId: string) => Promise<void>;
  /** Awaited inside the push transaction after every decision, before the batch is written. */
  beforePushFlush?: (deviceId: string) => Promise<void>;
}

/** What handling a set of mutations did (shared by push and bundle import). */
interface Handled {
  through: number;
  /** One per distinct seq, in seq order. */
  results: MutationResult[];
  conflicts: ConflictView[];
}

/**
 * Hex SHA-256 of a mutation's content: canonical JSON of {entity, id, changes,
 * baseVersions, hlc, at} — not deviceId or seq, which are the key it is stored under. Two
 * sends of one outbox entry hash equal; a cloned or rolled-back tablet reusing the seq for
 * another edit does not.
 */
export function mutationContentHash(
  m: Pick<MutationEnvelope, 'entity' | 'id' | 'changes' | 'baseVersions' | 'hlc' | 'at'>,
): string {
  const content = {
    entity: m.entity,
    id: m.id,
    changes: m.changes,
    baseVersions: m.baseVersions,
    hlc: m.hlc,
    at: m.at,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

/** SQLSTATEs (and the SQLite code) of a sync transaction that gave up waiting or was cut off. */
const BUSY_CODES: ReadonlySet<string> = new Set([
  '55P03', // lock_not_available: lock_timeout while waiting for the writer lock
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout: this transaction was the frozen one
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  'SQLITE_BUSY',
]);

/**
 * The retryable 503 `server_busy` (with Retry-After) for an error of a sync write
 * transaction that timed out or lost its connection, else null. pg reports a connection
 * the server closed (idle_in_transaction_session_timeout) without a code, by message.
 */
export function busyProblem(e: unknown, retryAfterSeconds = 5): Problem | null {
  if (!e || typeof e !== 'object') return null;
  const code = 'code' in e ? String((e as { code: unknown }).code) : '';
  const message = 'message' in e ? String((e as { message: unknown }).message) : '';
  const cutOff =
    /Connection terminated|not queryable|terminating connection due to idle-in-transaction/i.test(
      message,
    );
  if (!BUSY_CODES.has(code) && !cutOff) return null;
  return new Problem('server_busy', {}, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

/**
 * Server side of sync: exactly-once pushes checked by content (a tablet may send a change
 * again after a lost answer), with an answer per mutation (applied / same / conflict /
 * rejected) and the per-field merge of core `decideField` (merge.ts), conflicts kept for a
 * person to settle; scoped pulls of the change log; evidence receipts.
 */
export class SyncService extends BaseService {
  readonly hooks: SyncHooks = {};

  constructor(
    deps: ServiceDeps,
    private readonly frameworks: FrameworksService,
    private readonly files: FilesService,
  ) {
    super(deps);
  }

  /** The tablet behind a device token (sessions may not sync). */
  private device(principal: Principal): { id: string; verifierId: string } {
    if (principal.kind !== 'device' || !principal.device) throw new Problem('forbidden');
    return { id: principal.device.id, verifierId: principal.account.id };
  }

  /** PostgreSQL timeouts of this server's sync write transactions (from AppConfig). */
  writerTimeouts(): WriterTimeouts {
    const c = this.deps.config;
    return {
      lockMs: c.syncLockTimeoutMs,
      statementMs: c.syncStatementTimeoutMs,
      idleInTransactionMs: c.syncIdleInTransactionTimeoutMs,
    };
  }

  /** Seconds a tablet should wait after `server_busy`: about one lock timeout, 1–30 s. */
  private retryAfterSeconds(): number {
    return Math.min(30, Math.max(1, Math.ceil(this.deps.config.syncLockTimeoutMs / 1000)));
  }

  /** A write transaction whose timeouts and lost connections surface as 503 `server_busy`. */
  private async writeTransaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.deps.db, fn);
    } catch (e) {
      throw busyProblem(e, this.retryAfterSeconds()) ?? e;
    }
  }

  /**
   * Handle a tablet's push in ONE transaction and answer per mutation:
   * - the request is refused whole only for a broken client: another device's id,
   *   seqs not ascending, a gap after the device's cursor (409 `seq_gap`), or a seq the
   *   server handled before with other content (409 `device_seq_reused`, details
   *   `{ deviceId, seq }`); then nothing is written;
   * - a seq handled before with the same content is a duplicate: the stored outcome (and
   *   stored rejection) is repeated, nothing is applied again;
   * - every other mutation is decided on its own: content checked (core
   *   `mutationProblems`), record in the verifier's scope, its period open and its
   *   assessment not approved (`assessment_approved`), each field writable, an indicator
   *   value one its period's instrument takes (`value_out_of_domain`: 1,5 on a whole-level
   *   indicator, 1,175 anywhere) — a refusal rejects that mutation alone (nothing of it
   *   written, its seq consumed, the rejection stored) and the next proceeds; otherwise each
   *   field is applied / same / conflict.
   * The device cursor (`appliedThrough`) moves past every handled seq in the same
   * transaction. PostgreSQL lock or statement timeouts answer 503 `server_busy`.
   *
   * @returns PushResponse: one result per mutation of the request, in seq order.
   * @throws Problem forbidden, device_mismatch, seq_gap, device_seq_reused, server_busy.
   */
  async push(
    principal: Principal,
    deviceId: string,
    mutations: MutationEnvelope[],
    /** The tablet's clock when it sent the push (ms), compared with the server's. */
    clock?: number,
  ): Promise<PushResponse> {
    const device = this.device(principal);
    if (deviceId !== device.id) throw new Problem('device_mismatch');
    assertOneDevice(deviceId, mutations, true);
    // The records this push may write (a mutation writes only its own record) and the
    // device whose cursor it moves: pushes of other records and devices run concurrently
    // up to their change-log writes. Ids the wire refuses are never stored (rejected below).
    const keys = [deviceId, ...mutations.map((m) => m.id).filter(storableId)];
    return this.writeTransaction(async (repos) => {
      const batch = await RecordBatch.openFor(repos, this.now(), keys, this.writerTimeouts());
      const scope = new Set(await repos.sync.scopeOfVerifier(device.verifierId));
      // Read before the change-log lock is taken (in `handle`), so that lock is held for
      // as few statements as possible; only a restore changes it, with the server stopped.
      const incarnation = await repos.sync.currentIncarnation();
      const handled = await this.handle(repos, batch, mutations, {
        deviceId,
        accountId: device.verifierId,
        source: 'push',
        scope,
        clockSkewMs: clock === undefined ? null : clock - this.now(),
      });
      await this.hooks.beforePushCommit?.(deviceId);
      return {
        appliedThrough: handled.through,
        results: handled.results,
        conflicts: handled.conflicts.map(toWireConflict),
        serverTime: this.now(),
        ...(incarnation ? { incarnation } : {}),
      };
    });
  }

  /**
   * Apply the unsent changes of a tablet's export file, as that tablet's push would have
   * (same per-mutation checks, rejections and content hashes): mutations the server
   * already has (by device and seq, same content) are duplicates, so importing a bundle
   * twice, or a bundle and then the tablet's own online sync, never applies one twice; a
   * seq the server has with other content refuses the whole import (409
   * `device_seq_reused`). Seqs need not be contiguous (a bundle holds one assessment's
   * share of the outbox); those above the device's cursor are remembered individually.
   * Mutations may touch only the bundle's assessment, and — for a device enrolled here —
   * only while its verifier is assigned it; others are rejected `not_assigned`.
   * Runs inside the caller's transaction (`repos`), taking the writer lock with this
   * server's timeouts; map errors with `busyProblem`.
   */
  async applyBundle(
    repos: Repositories,
    input: {
      deviceId: string;
      assessmentId: string;
      importedBy: string;
      mutations: MutationEnvelope[];
    },
  ): Promise<BundleApplyResult> {
    assertOneDevice(input.deviceId, input.mutations, false);
    const batch = await RecordBatch.open(repos, this.now(), this.writerTimeouts());
    const known = await repos.devices.findById(input.deviceId);
    const scope = new Set([input.assessmentId]);
    let withdrawn: Applier['withdrawn'];
    if (
      known &&
      !(await repos.sync.scopeOfVerifier(known.verifierId)).includes(input.assessmentId)
    ) {
      scope.clear();
      const held = await holdersNow(repos, input.assessmentId);
      // Still assigned (a period back in draft): not a withdrawal, `not_assigned` stays.
      if (!held.some((h) => h.verifierId === known.verifierId)) {
        const to = held[0] ? await repos.accounts.findById(held[0].verifierId) : null;
        withdrawn = { assessmentId: input.assessmentId, to: to?.name ?? null };
      }
    }
    const handled = await this.handle(repos, batch, input.mutations, {
      deviceId: input.deviceId,
      // The tablet's verifier wrote these; for a tablet this server never saw, the importer.
      accountId: known?.verifierId ?? input.importedBy,
      source: 'bundle',
      scope,
      // An export file says nothing of the tablet's clock now.
      clockSkewMs: null,
      ...(withdrawn ? { withdrawn } : {}),
    });
    const fields: Record<FieldOutcome, number> = { applied: 0, same: 0, conflict: 0 };
    for (const r of handled.results)
      for (const o of Object.values(r.fields)) fields[o.outcome] += 1;
    // A change refused earlier (the same file imported again, or the tablet's push) is
    // reported refused, with its stored reason, as a tablet's push repeats it — never as
    // "already on the server".
    const refused = handled.results.filter((r) => r.outcome === 'rejected');
    // With the refused fields of accepted changes (a closed stage's late value).
    const rejections = handled.results.flatMap((r) => (r.rejection ? [r.rejection] : []));
    const accepted = handled.results.filter((r) => r.outcome !== 'rejected');
    const duplicates = accepted.filter((r) => r.duplicate).length;
    return {
      applied: accepted.length - duplicates,
      duplicates,
      rejected: refused.length,
      fields,
      appliedThrough: handled.through,
      conflicts: handled.conflicts,
      results: handled.results,
      rejections,
    };
  }

  /**
   * The exactly-once core of push and bundle import, after the writer lock: find the
   * duplicates (and refuse reused seqs), decide the rest, remember hashes, outcomes and
   * rejections, move the cursor, write.
   */
  private async handle(
    repos: Repositories,
    batch: RecordBatch,
    input: MutationEnvelope[],
    who: Applier,
  ): Promise<Handled> {
    const now = this.now();
    const deviceId = who.deviceId;
    const lastSeq = await repos.sync.getCursor(deviceId);
    const sparse = await repos.sync.appliedSeqsAbove(deviceId, lastSeq);
    const isHandled = (seq: number) => seq <= lastSeq || sparse.has(seq);

    // One entry per seq; a seq twice in one request with other content is a reuse too.
    const hashes = new Map<number, string>();
    const distinct: MutationEnvelope[] = [];
    for (const m of [...input].sort((a, b) => a.seq - b.seq)) {
      const hash = mutationContentHash(m);
      const prev = hashes.get(m.seq);
      if (prev === undefined) {
        hashes.set(m.seq, hash);
        distinct.push(m);
      } else if (prev !== hash) throw seqReused(deviceId, m.seq);
    }
    if (who.source === 'push') {
      distinct
        .filter((m) => m.seq > lastSeq)
        .forEach((m, i) => {
          const expected = lastSeq + 1 + i;
          if (m.seq !== expected) throw new Problem('seq_gap', { expected, got: m.seq });
        });
    }

    // Duplicates: the same content as handled before, or the whole request is refused.
    // Seqs handled before content hashes were stored have none; they are taken as matching
    // (their content was never recorded, and refusing them would stall tablets that
    // upgraded with an answer lost in flight). Their outcome is reported as `applied`.
    const repeats = distinct.filter((m) => isHandled(m.seq));
    const stored = await repos.sync.handledSeqs(
      deviceId,
      repeats.map((m) => m.seq),
    );
    for (const m of repeats) {
      const s = stored.get(m.seq);
      if (s && s.contentHash !== hashes.get(m.seq)) throw seqReused(deviceId, m.seq);
    }
    const storedRejections = new Map(
      (
        await repos.sync.rejections({
          deviceId,
          // Accepted changes too: one may have had a field refused (`stage_closed`).
          seqs: repeats.filter((m) => stored.has(m.seq)).map((m) => m.seq),
        })
      ).map((r) => [r.seq, toWireRejection(r)]),
    );

    const todo = distinct.filter((m) => !isHandled(m.seq));
    const decided = await this.decideAll(repos, batch, todo, who, now);

    await repos.sync.addHandledSeqs(
      deviceId,
      decided.map(
        (r): HandledSeq => ({
          seq: r.seq,
          contentHash: hashes.get(r.seq) as string,
          outcome: r.outcome,
        }),
      ),
      who.source,
      now,
    );
    const bySeq = new Map(todo.map((m) => [m.seq, m]));
    await repos.sync.insertRejections(
      decided.flatMap((r) =>
        r.rejection
          ? [
              {
                ...r.rejection,
                id: uuidv7(now),
                deviceId,
                seq: r.seq,
                source: who.source,
                mutation: bySeq.get(r.seq),
              },
            ]
          : [],
      ),
    );

    const hadSparse = sparse.size > 0;
    for (const m of todo) sparse.add(m.seq);
    let through = lastSeq;
    while (sparse.has(through + 1)) through++;
    const above = todo.map((m) => m.seq).filter((s) => s > through);
    if (above.length > 0) await repos.sync.addAppliedSeqs(deviceId, above);
    if (through !== lastSeq) {
      await repos.sync.setCursor(deviceId, through, now);
      if (hadSparse) await repos.sync.deleteAppliedSeqsThrough(deviceId, through);
    }
    if (who.source === 'push') await this.hooks.beforePushFlush?.(deviceId);
    await batch.flush();
    const conflicts = await repos.conflicts.views({ ids: [...batch.touchedConflicts] });

    const fresh = new Map(decided.map((r) => [r.seq, r]));
    const results = distinct.map(
      (m): MutationResult =>
        fresh.get(m.seq) ?? {
          seq: m.seq,
          outcome: stored.get(m.seq)?.outcome ?? 'applied',
          duplicate: true,
          fields: {},
          rejection: storedRejections.get(m.seq) ?? null,
        },
    );
    return { through, results, conflicts };
  }

  /**
   * Decide every mutation (in seq order) into the batch, each on its own: a refused one
   * writes nothing (all its fields are decided before any is written) and yields a
   * rejection naming the field, unit and indicator where known.
   */
  private async decideAll(
    repos: Repositories,
    batch: RecordBatch,
    mutations: MutationEnvelope[],
    who: Applier,
    now: number,
  ): Promise<MutationResult[]> {
    // Ids the wire refuses (U+0000, lone surrogates) name nothing stored, and PostgreSQL
    // cannot even compare them: never looked up (their mutations are rejected below).
    const safe = (id: string | null): id is string => id !== null && storableId(id);
    // With their assessments' own records (the status every mutation is checked against),
    // where the id tells the assessment: one read instead of two.
    await batch.load(mutations.flatMap((m) => [m.id, newRecordAssessment(m)]).filter(safe));
    const contexts = new Map<string, AssessmentContext | null>();
    const contextOf = async (id: string | null): Promise<AssessmentContext | null> => {
      if (!safe(id)) return null;
      if (!contexts.has(id)) {
        const found = await repos.sync.assessmentContexts([id]);
        contexts.set(id, found.get(id) ?? null);
      }
      return contexts.get(id) ?? null;
    };
    // Most assessments are known up front: one query instead of one per assessment.
    const upFront = new Set<string>();
    for (const m of mutations) {
      const a = batch.assessmentOf(m.entity, m.id) ?? newRecordAssessment(m);
      if (safe(a)) upFront.add(a);
    }
    const found = await repos.sync.assessmentContexts([...upFront]);
    for (const id of upFront) contexts.set(id, found.get(id) ?? null);
    // The instruments of the periods touched, read in this transaction (once each).
    const instruments = new Map<string, Promise<Framework | null>>();
    const instrumentOf = (ctx: AssessmentContext | null): Promise<Framework | null> => {
      if (!ctx) return Promise.resolve(null);
      let fw = instruments.get(ctx.frameworkId);
      if (!fw) {
        fw = this.frameworks.getIn(repos, ctx.frameworkId);
        instruments.set(ctx.frameworkId, fw);
      }
      return fw;
    };
    // When each stage of a touched period was last closed (the coordinator moved the
    // period away from it), read in this transaction once per period; and the zone the
    // closing time is told in.
    const closings = new Map<string, Promise<Map<Stage, number>>>();
    let zone: Promise<ZoneCode> | null = null;
    const lateStage = async (
      ctx: AssessmentContext,
      m: MutationEnvelope,
      stage: Stage,
    ): Promise<Record<string, string> | null> => {
      // The current stage is open, whatever its history.
      if (stage === ctx.periodCurrentStage) return null;
      let closed = closings.get(ctx.periodId);
      if (!closed) {
        closed = repos.periods
          .stageChanges(ctx.periodId)
          .then((rows) => new Map(rows.map((r): [Stage, number] => [r.from, r.at])));
        closings.set(ctx.periodId, closed);
      }
      const closedAt = (await closed).get(stage);
      if (closedAt === undefined) return null;
      // The edit's time as conflicts judge "which is newer": its hybrid clock's wall time.
      // A doubtful one (the tablet's clock measured off, or running ahead of the server)
      // cannot tell before from after: accepted as before this rule, marked doubtful in
      // the audit like every time of that tablet.
      const editedAt = editTime(m.hlc, m.at);
      if (editedAt === null || editedAt <= closedAt) return null;
      if (timeDoubtful({ editedAt, receivedAt: now, skewMs: who.clockSkewMs })) return null;
      zone ??= repos.organisation.get().then((o) => o?.zone ?? DEFAULT_ZONE_CODE);
      const z = await zone;
      return {
        stage: stageLabel(stage),
        stageEn: stageLabel(stage, 'en'),
        closedAt: formatInZone(closedAt, z, 'id', 'medium'),
        closedAtEn: formatInZone(closedAt, z, 'en', 'medium'),
        current: stageLabel(ctx.periodCurrentStage),
        currentEn: stageLabel(ctx.periodCurrentStage, 'en'),
      };
    };

    const results: MutationResult[] = [];
    for (const m of mutations) {
      const assessmentId = batch.assessmentOf(m.entity, m.id) ?? newRecordAssessment(m);
      const ctx = await contextOf(assessmentId);
      const reject = (code: ProblemCode, params: Record<string, string | number>, field?: string) =>
        results.push({
          seq: m.seq,
          outcome: 'rejected',
          duplicate: false,
          fields: {},
          rejection: rejection(m, code, params, {
            field: field ?? null,
            assessmentId: ctx ? ctx.id : assessmentId,
            ctx,
            indicatorNo: indicatorOf(m, batch),
            at: now,
          }),
        });

      // The values as the schemas read them come with the check (one parse per field).
      const parsed = new Map<string, unknown>();
      const problems = mutationProblems(m, parsed);
      const problem = problems[0];
      // A number the wire refuses in an indicator value field (9, 1,175) is said as the
      // instrument's domain, like 1,5 on a whole-level indicator below.
      if (problem && isValueField(problem.field)) {
        const raw = m.changes[problem.field];
        const fw =
          typeof indicatorValueOf(problem.field, raw) === 'number' ? await instrumentOf(ctx) : null;
        const outside =
          fw && fieldValueProblem(fw, m.entity, problem.field, indicatorOf(m, batch), raw);
        if (outside) {
          reject('value_out_of_domain', domainParams(outside), problem.field);
          continue;
        }
      }
      if (problem) {
        const field = problem.field.replace(/^baseVersions\./, '');
        const [label, labelEn] = fieldLabel(field);
        reject(
          'validation_failed',
          {
            field: displayable(label, 64),
            fieldEn: displayable(labelEn, 64),
            ...reasonOf(problem),
          },
          field,
        );
        continue;
      }
      if (assessmentId === null) {
        reject('record_unknown', { entity: m.entity, id: displayable(m.id, 200) });
        continue;
      }
      if (ctx && ctx.id === who.withdrawn?.assessmentId) {
        const to = who.withdrawn.to;
        reject('assignment_withdrawn', { unit: ctx.unitName, ...(to ? { to } : {}) });
        continue;
      }
      if (!ctx || !who.scope.has(ctx.id)) {
        reject('not_assigned', ctx ? { unit: ctx.unitName } : {});
        continue;
      }
      if (ctx.periodStatus === 'closed') {
        reject('period_closed', { name: ctx.periodName });
        continue;
      }
      // An approved verification is read-only for tablets until the coordinator reopens
      // it: every change under it (new photos and comments included) is refused.
      await batch.load([ctx.id]);
      const status = batch.get('assessment', ctx.id, 'status')?.value;
      if (typeof status === 'string' && !tabletMayEdit(status)) {
        reject('assessment_approved', { unit: ctx.unitName });
        continue;
      }

      // Decide every field first; write only when none is refused.
      const fw = await instrumentOf(ctx);
      const indicatorNo = indicatorOf(m, batch);
      const decisions: Decision[] = [];
      let refused: {
        code: ProblemCode;
        params: Record<string, string | number>;
        field: string;
      } | null = null;
      // Stage values made after their stage closed: refused alone, the rest is kept.
      const late: { field: string; params: Record<string, string> }[] = [];
      for (const [field, raw] of Object.entries(m.changes)) {
        const value = parsed.has(field) ? parsed.get(field) : parseField(m.entity, field, raw);
        const valueJson = canonicalJson(value);
        const current = batch.get(m.entity, m.id, field);
        const base = m.baseVersions[field] ?? 0;
        const decision = decideField({
          entity: m.entity,
          field,
          value,
          baseVersion: base,
          deviceId: who.deviceId,
          current: current && {
            version: current.version,
            updatedByDevice: current.updatedByDevice,
            sameValue: sameValue(current, valueJson),
          },
        });
        if ('refused' in decision) {
          refused = {
            code: decision.refused,
            params: refusalParams(m, field, decision.refused),
            field,
          };
          break;
        }
        // A value for a stage the period does not use would sit where no tablet or index
        // reads it: refused, so the tablet shows it instead of losing it silently.
        const stage = m.entity === 'verification' ? stageOfField(field) : null;
        if (stage && !ctx.periodStages.includes(stage)) {
          refused = {
            code: 'stage_not_in_period',
            params: {
              stage: stageLabel(stage),
              stageEn: stageLabel(stage, 'en'),
              name: ctx.periodName,
            },
            field,
          };
          break;
        }
        const outside = fw && fieldValueProblem(fw, m.entity, field, indicatorNo, value);
        if (outside) {
          refused = { code: 'value_out_of_domain', params: domainParams(outside), field };
          break;
        }
        // A value the server already holds changes nothing, closed stage or not.
        const closed = stage && decision.outcome !== 'same' && (await lateStage(ctx, m, stage));
        if (closed) {
          late.push({ field, params: closed });
          continue;
        }
        decisions.push({ field, value, valueJson, kind: decision.outcome, current, base });
      }
      // With nothing else to keep (or more than one late stage, which no tablet sends in
      // one tap) the late value refuses the whole change, as any other refusal does.
      const [lateOne] = late;
      if (!refused && lateOne && (late.length > 1 || decisions.length === 0))
        refused = { code: 'stage_closed', ...lateOne };
      if (refused) {
        reject(refused.code, refused.params, refused.field);
        continue;
      }

      const meta: WriteMeta & { deviceId: string; deviceSeq: number; deviceAt: number } = {
        source: who.source,
        deviceId: who.deviceId,
        deviceSeq: m.seq,
        accountId: who.accountId,
        deviceAt: m.at,
        hlc: m.hlc,
        clockSkewMs: who.clockSkewMs,
      };
      const fields: MutationResult['fields'] = {};
      for (const d of decisions) {
        if (d.kind === 'same') {
          // The tablet holds the server's value: nothing to write. This is also how a
          // tablet's "keep the server's value" closes its own conflict.
          batch.resolveOpen(
            m.entity,
            m.id,
            d.field,
            'server_kept',
            who.accountId,
            (c) => c.localDeviceId === who.deviceId,
          );
          fields[d.field] = { outcome: 'same', version: d.current?.version ?? 0 };
        } else if (d.kind === 'applied') {
          fields[d.field] = {
            outcome: 'applied',
            version: batch.write(m.entity, m.id, d.field, d.value, ctx.id, meta, d.valueJson),
          };
        } else {
          const current = d.current as FieldState;
          batch.conflict(m.entity, m.id, d.field, d.value, d.base, current, meta);
          fields[d.field] = { outcome: 'conflict', version: current.version };
        }
      }
      const outcome = mutationOutcome(decisions.map((d) => d.kind));
      results.push({
        seq: m.seq,
        outcome,
        duplicate: false,
        fields,
        // A refusal on an accepted change refuses its one field (`rejection.field`) only.
        rejection: lateOne
          ? rejection(m, 'stage_closed', lateOne.params, {
              field: lateOne.field,
              assessmentId: ctx.id,
              ctx,
              indicatorNo,
              at: now,
            })
          : null,
      });
    }
    return results;
  }

  /**
   * Refused mutations of an assessment and/or a device, oldest first (the coordinator's
   * audit of what tablets sent that the server did not keep; at most 5000).
   */
  listRejections(filter: {
    assessmentId?: string | undefined;
    deviceId?: string | undefined;
  }): Promise<StoredRejection[]> {
    return this.repos.sync.rejections({ ...filter, limit: 5000 });
  }

  /**
   * A page of the change log within the tablet's scope (its assignments in periods that are
   * not drafts), grouped per record with the latest value and version of each field:
   * - changes with cursor < seq ≤ M, oldest first, at most `limit` rows, where M is the
   *   highest committed seq read BEFORE the page (writers commit in seq order, so nothing
   *   at or below M can still appear). Next cursor: the last row's seq when the page is
   *   full (`hasMore`), else M — so the cursor moves on even when nothing was in scope;
   * - an assessment new to this tablet's scope (assigned later, or its period left draft)
   *   arrives whole: its fields last changed at or below the cursor are added, for as long
   *   as the tablet's cursor has not moved past the cursor it had when the assessment
   *   first appeared (a lost answer repeats them; duplicates are harmless);
   * - conflicts of the scope: every open one, plus those resolved at or after the cursor
   *   (each resolution records the highest seq when it happened);
   * - `refetch`: records (ids) the tablet asks for again whole — it dropped its own values
   *   of them (a refused change discarded) and the change log will not send them again. Their
   *   current fields (at or below M) are added when the record is in the tablet's scope;
   *   unknown or foreign ids are ignored;
   * - `upTo`: M is at most this seq. A tablet re-basing after a restore reads the history
   *   it shares with the restored database (up to the incarnation's `restoredThrough`)
   *   apart from what came after;
   * - `incarnation`: the database's current incarnation, so a tablet sees a restore.
   */
  async pull(
    principal: Principal,
    cursor: number,
    limit = DEFAULT_PULL_LIMIT,
    refetch: readonly string[] = [],
    bound?: number,
  ): Promise<PullResponse> {
    const device = this.device(principal);
    const repos = this.repos;
    const now = this.now();
    const scope = await repos.sync.scopeOfVerifier(device.verifierId);
    const grants = await repos.sync.listGrants(device.id);
    const inScope = new Set(scope);
    const added = scope.filter((a) => !grants.has(a));
    const removed = [...grants.keys()].filter((a) => !inScope.has(a));
    if (added.length) await repos.sync.addGrants(device.id, added, cursor, now);
    if (removed.length) await repos.sync.removeGrants(device.id, removed);
    for (const a of added) grants.set(a, cursor);
    // Order matters on PostgreSQL: read the highest committed seq first. Writers commit in
    // seq order (RecordBatch takes the writer lock), so everything at or below it is
    // visible to the statements that follow.
    const incarnation = await repos.sync.currentIncarnation();
    const head = await repos.sync.maxSeq();
    const upTo = bound === undefined ? head : Math.min(head, bound);
    const page = await repos.sync.pageChanges(device.verifierId, cursor, upTo, limit);
    const hasMore = page.length === limit;
    const nextCursor = hasMore ? (page.at(-1)?.seq ?? cursor) : Math.max(upTo, cursor);
    const snapshotOf = scope.filter((a) => cursor > 0 && (grants.get(a) ?? 0) >= cursor);
    const snapshot =
      snapshotOf.length > 0 ? await repos.sync.snapshotFields(snapshotOf, cursor) : [];
    const asked =
      refetch.length > 0
        ? (await repos.sync.fieldsOfRecords(refetch.slice(0, MAX_REFETCH))).filter(
            (f) => inScope.has(f.assessmentId) && f.updatedSeq <= upTo,
          )
        : [];
    const conflicts =
      scope.length > 0
        ? await repos.conflicts.views({
            assessmentIds: scope,
            status: 'all',
            resolvedSinceSeq: cursor,
          })
        : [];
    return {
      changes: groupChanges([...snapshot.map(fromField), ...asked.map(fromField), ...page]),
      cursor: nextCursor,
      hasMore,
      conflicts: conflicts.map(toWireConflict),
      serverTime: now,
      ...(incarnation ? { incarnation } : {}),
    };
  }

  /**
   * Hashes of an assessment's evidence files (not deleted) that the server holds, verified,
   * FROM THE RECORD'S AUTHOR: a hash counts only when the device that made the evidence
   * record (or another device of its verifier) uploaded those bytes. A record naming
   * somebody else's file is not confirmed, so its tablet never frees a photo the server
   * does not have from it, and knowing a hash confirms nothing. And only when the evidence
   * store (shared by every server process) confirms it holds those bytes (stat / HEAD: the
   * size of the `files` row, recorded under that hash): a database row alone is not a file
   * another process can serve.
   *
   * @throws EvidenceStoreUnavailable when the store cannot be asked (answered 503)
   */
  async receipt(assessmentId: string): Promise<Receipt> {
    const rows = await this.repos.sync.fieldsOfAssessment(assessmentId, {
      entity: 'evidenceFile',
      fields: ['sha256', 'deleted'],
    });
    const deleted = new Set(
      rows.filter((r) => r.field === 'deleted' && r.value === true).map((r) => r.recordId),
    );
    const wanted = rows
      .filter((r) => r.field === 'sha256' && !deleted.has(r.recordId))
      .map((r) => ({ recordId: r.recordId, sha256: String(r.value) }));
    const vouched = await this.repos.files.heldByAuthors(wanted);
    const hashes = [...new Set(wanted.filter((w) => vouched.has(w.recordId)).map((w) => w.sha256))];
    const stored = await this.files.confirmedAmong(hashes);
    return { assessmentId, hashes: hashes.filter((h) => stored.has(h)).sort() };
  }

  /**
   * Server-side values written as ordinary changes (version bump, change log, audit) that
   * tablets receive by pull — e.g. a coordinator's review: `status`
   * 'disetujui'/'dikembalikan', `reviewComment`. Only fields whose value differs are
   * written; returns how many were. Values are checked with core's field schemas.
   *
   * @example
   *   await s.sync.serverWrite({ entity: 'assessment', id: a, assessmentId: a,
   *     values: { status: 'dikembalikan' }, actorId: coordinatorId, source: 'review' });
   */
  async serverWrite(input: {
    entity: EntityName;
    id: string;
    assessmentId: string;
    values: Record<string, unknown>;
    actorId: string | null;
    source: Extract<ChangeSource, 'review' | 'resolution'>;
  }): Promise<number> {
    const values: Record<string, unknown> = {};
    for (const [field, raw] of Object.entries(input.values)) {
      const r = fieldSchema(input.entity, field)?.safeParse(raw);
      if (!r?.success) {
        throw new Problem(
          'validation_failed',
          {},
          {
            issues: [{ path: field, code: 'invalid_value', message: `${input.entity}.${field}` }],
          },
        );
      }
      values[field] = r.data;
    }
    if (!(await this.repos.assignments.findAssessmentById(input.assessmentId)))
      throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    return this.writeTransaction(async (repos) => {
      const batch = await RecordBatch.open(repos, this.now(), this.writerTimeouts());
      await batch.load([input.id]);
      const known = batch.assessmentOf(input.entity, input.id);
      if (known && known !== input.assessmentId)
        throw new Problem('immutable_field', {
          field: 'assessmentId',
          entity: input.entity,
          id: input.id,
        });
      const written = batch.serverWrite(input.entity, input.id, values, input.assessmentId, {
        source: input.source,
        deviceId: null,
        deviceSeq: null,
        accountId: input.actorId,
        deviceAt: null,
        hlc: null,
      });
      await batch.flush();
      return written;
    });
  }

  /** Assessments a verifier's tablet may sync. */
  scopeOf(verifierId: string): Promise<string[]> {
    return this.repos.sync.scopeOfVerifier(verifierId);
  }
}

/** How one field of an accepted mutation is to be written. */
interface Decision {
  field: string;
  value: unknown;
  /** `value` as canonical JSON, as stored. */
  valueJson: string;
  kind: FieldOutcome;
  current: FieldState | undefined;
  base: number;
}

/**
 * One device, and for a push seqs strictly ascending (a bundle may list them in any
 * order; `handle` sorts them).
 */
function assertOneDevice(
  deviceId: string,
  mutations: readonly MutationEnvelope[],
  ascending: boolean,
): void {
  for (let i = 0; i < mutations.length; i++) {
    const m = mutations[i] as MutationEnvelope;
    if (m.deviceId !== deviceId) throw new Problem('device_mismatch');
    const prev = mutations[i - 1];
    if (ascending && prev && m.seq <= prev.seq)
      throw new Problem('seq_gap', { expected: prev.seq + 1, got: m.seq });
  }
}

/** False for ids the wire refuses (U+0000, lone surrogates): PostgreSQL cannot even compare them. */
function storableId(id: string): boolean {
  return findUnsafeText(id) === null;
}

function seqReused(deviceId: string, seq: number): Problem {
  return new Problem(DEVICE_SEQ_REUSED, { seq }, { deviceId, seq });
}

/** The value as core's schema reads it (NFC text, unknown object keys dropped). */
function parseField(entity: EntityName, field: string, raw: unknown): unknown {
  const r = fieldSchema(entity, field)?.safeParse(raw);
  // mutationProblems already checked every value with the same schemas; this normalises.
  if (!r?.success) throw new Problem('validation_failed');
  return r.data;
}

/**
 * True when the stored field already holds the value (canonical JSON). Values stored
 * before text was normalised may be NFD: compared after NFC, so the same note typed on
 * two keyboards is `same`, never a conflict.
 */
function sameValue(current: FieldState, valueJson: string): boolean {
  return current.valueJson === valueJson || current.valueJson.normalize('NFC') === valueJson;
}

/**
 * Assessment of a record the server has never seen, from its identity fields or id;
 * null when it cannot be told or the id contradicts them.
 */
function newRecordAssessment(m: MutationEnvelope): string | null {
  if (m.entity === 'assessment') return m.id;
  const given = m.changes.assessmentId;
  if (typeof given === 'string') {
    const no = m.changes.indicatorNo;
    const consistent =
      m.entity === 'verification'
        ? typeof no !== 'number' || m.id === verificationId(given, no)
        : m.entity === 'beritaAcara'
          ? m.id === beritaAcaraId(given)
          : true;
    return consistent ? given : null;
  }
  if (m.entity === 'verification' || m.entity === 'beritaAcara') {
    const cut = m.id.lastIndexOf(':');
    if (cut > 0) return m.id.slice(0, cut);
  }
  return null;
}

/** The message parameters of a refused field write (see core `tabletWriteRefusal`). */
function refusalParams(
  m: MutationEnvelope,
  field: string,
  refusal: WriteRefusal,
): Record<string, string | number> {
  return refusal === 'immutable_field' ? { field, entity: m.entity, id: m.id } : { field };
}

/** Indicator a mutation concerns, where its record or its id tells. */
function indicatorOf(m: MutationEnvelope, batch: RecordBatch): number | null {
  if (m.entity === 'assessment' || m.entity === 'beritaAcara') return null;
  const candidates: unknown[] = [
    batch.get(m.entity, m.id, 'indicatorNo')?.value,
    m.changes.indicatorNo,
  ];
  if (m.entity === 'verification') {
    const tail = m.id.slice(m.id.lastIndexOf(':') + 1);
    if (/^\d{1,3}$/.test(tail)) candidates.push(Number(tail));
  }
  for (const c of candidates)
    if (typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= 999) return c;
  return null;
}

/** Reasons of core's content checks, for people, in both languages. */
const REASONS: Record<string, [string, string]> = {
  [UNSAFE_TEXT_MESSAGE]: [
    'berisi karakter yang tidak diizinkan (karakter kendali seperti U+0000 dari teks tempelan PDF, atau potongan emoji)',
    'it contains characters that are not allowed (control characters such as U+0000 from text pasted out of a PDF, or half an emoji)',
  ],
  [TIME_RANGE_MESSAGE]: [
    'tanggal/waktu di luar rentang 2000–2100',
    'the date/time lies outside 2000–2100',
  ],
  unknown_field: ['isian ini tidak dikenal', 'this field is unknown'],
  missing_base_version: ['versi dasar isian tidak dikirim', 'its base version is missing'],
  no_changes: ['tidak ada isian yang diubah', 'no field is changed'],
  [EVIDENCE_TOO_LARGE_MESSAGE]: [
    'berkas lebih besar dari batas jenisnya (lihat batas di pemilih berkas)',
    'the file is larger than its kind allows (see the limits in the file picker)',
  ],
};

function reasonOf(p: MutationProblem): { reason: string; reasonEn: string } {
  const known = REASONS[p.message];
  if (known) return { reason: known[0], reasonEn: known[1] };
  const detail = displayable(p.message, 200);
  return { reason: `nilai tidak sesuai (${detail})`, reasonEn: `invalid value (${detail})` };
}

/**
 * Text from a refused mutation made safe to store and show: at most `max` UTF-16 units,
 * each character the wire refuses (control characters, lone surrogates — PostgreSQL
 * cannot store U+0000) replaced by U+FFFD.
 */
function displayable(s: string, max: number): string {
  let out = s.length > max ? s.slice(0, max) : s;
  for (let hit = findUnsafeText(out); hit; hit = findUnsafeText(out))
    out = `${out.slice(0, hit.index)}\uFFFD${out.slice(hit.index + 1)}`;
  return out;
}

/** A rejection of one mutation with its message in both languages (problem catalogue). */
/** The assignments of an assessment's unit in its period now, oldest first ([] when unknown). */
async function holdersNow(repos: Repositories, assessmentId: string): Promise<Assignment[]> {
  const a = await repos.assignments.findAssessmentById(assessmentId);
  return a ? repos.assignments.list({ periodId: a.periodId, unitId: a.unitId }) : [];
}

function rejection(
  m: MutationEnvelope,
  code: ProblemCode,
  params: Record<string, string | number>,
  where: {
    field: string | null;
    assessmentId: string | null;
    ctx: AssessmentContext | null;
    indicatorNo: number | null;
    at: number;
  },
): Rejection {
  const p = new Problem(code, params);
  return {
    code,
    message: problemBody(p, 'id').message.slice(0, 2000),
    messageEn: problemBody(p, 'en').message.slice(0, 2000),
    entity: m.entity,
    recordId: displayable(m.id, 200),
    assessmentId: where.assessmentId === null ? null : displayable(where.assessmentId, 200),
    unitId: where.ctx?.unitId ?? null,
    unitName: where.ctx ? where.ctx.unitName.slice(0, 500) : null,
    indicatorNo: where.indicatorNo,
    field: where.field === null ? null : displayable(where.field, 64),
    at: where.at,
    retryable: RETRYABLE.has(code),
  };
}

function fromField(f: FieldState): ChangeEntry {
  return {
    seq: f.updatedSeq,
    entity: f.entity,
    recordId: f.recordId,
    field: f.field,
    value: f.value,
    version: f.version,
    assessmentId: f.assessmentId,
    source: 'push',
    deviceId: f.updatedByDevice,
    deviceSeq: null,
    accountId: f.updatedByAccount,
    deviceAt: f.deviceAt,
    clockSkewMs: null,
    serverAt: f.serverAt,
    hlc: f.hlc,
  };
}

/** One Change per record: the latest value and version of each field, in seq order. */
function groupChanges(rows: ChangeEntry[]): Change[] {
  const byRecord = new Map<string, Change>();
  for (const r of rows) {
    const k = `${r.entity}\u0000${r.recordId}`;
    let c = byRecord.get(k);
    if (!c) {
      c = { seq: r.seq, entity: r.entity, id: r.recordId, fields: {}, versions: {} };
      byRecord.set(k, c);
    }
    if ((c.versions[r.field] ?? -1) < r.version) {
      c.fields[r.field] = r.value;
      c.versions[r.field] = r.version;
    }
    c.seq = Math.max(c.seq, r.seq);
  }
  return [...byRecord.values()].sort((a, b) => a.seq - b.seq);
}
