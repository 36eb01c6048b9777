import {
  beritaAcaraId,
  type Change,
  type Conflict,
  type EntityName,
  type FieldOutcome,
  fieldSchema,
  type Mutation,
  type PullResponse,
  type PushResponse,
  type Receipt,
  verificationId,
} from '../../core';
import { inTransaction, type Repositories } from '../db/repositories';
import type { Principal } from '../domain';
import { canonicalJson } from '../lib/canonical-json';
import { Problem } from '../problems';
import type { ChangeEntry, ChangeSource, ConflictView, FieldState } from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';
import { RecordBatch, type WriteMeta } from './record-batch';

/** Fields a tablet may set once, when the record is created (the store enforces the same). */
const IMMUTABLE: Record<EntityName, ReadonlySet<string>> = {
  assessment: new Set(['periodId', 'unitId', 'frameworkId']),
  verification: new Set(['assessmentId', 'indicatorNo']),
  evidenceFile: new Set([
    'assessmentId',
    'indicatorNo',
    'sha256',
    'mime',
    'bytes',
    'width',
    'height',
    'capturedAt',
    'location',
  ]),
  beritaAcara: new Set(['assessmentId']),
  comment: new Set(['assessmentId', 'indicatorNo', 'author', 'createdAt']),
};

/** Fields only the server writes (self-assessment, coordinator review); a tablet may only echo them. */
const SERVER_OWNED: Partial<Record<EntityName, ReadonlySet<string>>> = {
  verification: new Set(['selfLevel', 'selfJustification', 'reviewComment']),
};
/** Assessment statuses only a coordinator sets. */
const COORDINATOR_STATUSES: ReadonlySet<unknown> = new Set(['disetujui', 'dikembalikan']);

const DEFAULT_PULL_LIMIT = 500;
export const MAX_PULL_LIMIT = 2000;

/** The caller a set of mutations is applied for: a tablet's push or a coordinator's bundle import. */
interface Applier {
  deviceId: string;
  /** Author recorded on the changes. */
  accountId: string | null;
  source: Extract<ChangeSource, 'push' | 'bundle'>;
  /** Assessments the mutations may touch. */
  scope: ReadonlySet<string>;
}

export interface BundleApplyResult {
  /** Mutations applied now. */
  applied: number;
  /** Mutations the server had already (an earlier push or import). */
  duplicates: number;
  fields: Record<FieldOutcome, number>;
  appliedThrough: number;
  conflicts: ConflictView[];
}

/** Test hooks (PostgreSQL commit-order proof): awaited inside the push transaction before commit. */
export interface SyncHooks {
  beforePushCommit?: (deviceId: string) => Promise<void>;
}

/**
 * Server side of sync (DESIGN §5): exactly-once pushes with field-level merge and
 * conflicts, scoped pulls of the change log, and evidence receipts.
 */
export class SyncService extends BaseService {
  readonly hooks: SyncHooks = {};

  constructor(deps: ServiceDeps) {
    super(deps);
  }

  /** The tablet behind a device token (sessions may not sync). */
  private device(principal: Principal): { id: string; verifierId: string } {
    if (principal.kind !== 'device' || !principal.device) throw new Problem('forbidden');
    return { id: principal.device.id, verifierId: principal.account.id };
  }

  /**
   * Apply a tablet's batch in ONE transaction: duplicates (seq ≤ the device's cursor) are
   * skipped, the rest must continue the cursor without a gap; every record must be in the
   * verifier's scope; then field by field apply / same / conflict, and the cursor moves in
   * the same transaction. Any refusal writes nothing.
   */
  async push(principal: Principal, deviceId: string, mutations: Mutation[]): Promise<PushResponse> {
    const device = this.device(principal);
    if (deviceId !== device.id) throw new Problem('device_mismatch');
    assertOneDevice(deviceId, mutations);
    return inTransaction(this.deps.db, async (repos) => {
      const batch = await RecordBatch.open(repos, this.now());
      const scope = new Set(await repos.sync.scopeOfVerifier(device.verifierId));
      const lastSeq = await repos.sync.getCursor(deviceId);
      const fresh = mutations.filter((m) => m.seq > lastSeq);
      fresh.forEach((m, i) => {
        const expected = lastSeq + 1 + i;
        if (m.seq !== expected) throw new Problem('seq_gap', { expected, got: m.seq });
      });
      const sparse = await repos.sync.appliedSeqsAbove(deviceId, lastSeq);
      const todo = fresh.filter((m) => !sparse.has(m.seq));
      const applied = await this.applyAll(repos, batch, todo, {
        deviceId,
        accountId: device.verifierId,
        source: 'push',
        scope,
      });
      let through = fresh.at(-1)?.seq ?? lastSeq;
      while (sparse.has(through + 1)) through++;
      if (through !== lastSeq) {
        await repos.sync.setCursor(deviceId, through, this.now());
        if (sparse.size > 0) await repos.sync.deleteAppliedSeqsThrough(deviceId, through);
      }
      await batch.flush();
      const conflicts = await repos.conflicts.views({ ids: [...batch.touchedConflicts] });
      await this.hooks.beforePushCommit?.(deviceId);
      return {
        appliedThrough: through,
        results: applied.results,
        conflicts: conflicts.map(toWireConflict),
      };
    });
  }

  /**
   * Apply the unsent changes of a tablet's export file, as that tablet's push would have:
   * mutations the server already has (by device and seq) are skipped, so importing a bundle
   * twice, or a bundle and then the tablet's own online sync, never applies one twice.
   * Seqs need not be contiguous (a bundle holds one assessment's share of the outbox);
   * those above the device's cursor are remembered individually.
   */
  async applyBundle(
    repos: Repositories,
    input: { deviceId: string; assessmentId: string; importedBy: string; mutations: Mutation[] },
  ): Promise<BundleApplyResult> {
    assertOneDevice(input.deviceId, input.mutations);
    const batch = await RecordBatch.open(repos, this.now());
    const known = await repos.devices.findById(input.deviceId);
    const lastSeq = await repos.sync.getCursor(input.deviceId);
    const sparse = await repos.sync.appliedSeqsAbove(input.deviceId, lastSeq);
    const todo = [...input.mutations]
      .sort((a, b) => a.seq - b.seq)
      .filter((m, i, all) => m.seq > lastSeq && !sparse.has(m.seq) && all[i - 1]?.seq !== m.seq);
    const applied = await this.applyAll(repos, batch, todo, {
      deviceId: input.deviceId,
      // The tablet's verifier wrote these; for a tablet this server never saw, the importer.
      accountId: known?.verifierId ?? input.importedBy,
      source: 'bundle',
      scope: new Set([input.assessmentId]),
    });
    for (const m of todo) sparse.add(m.seq);
    let through = lastSeq;
    while (sparse.has(through + 1)) through++;
    const above = todo.map((m) => m.seq).filter((s) => s > through);
    if (above.length > 0) await repos.sync.addAppliedSeqs(input.deviceId, above);
    if (through !== lastSeq) {
      await repos.sync.setCursor(input.deviceId, through, this.now());
      await repos.sync.deleteAppliedSeqsThrough(input.deviceId, through);
    }
    await batch.flush();
    const conflicts = await repos.conflicts.views({ ids: [...batch.touchedConflicts] });
    const fields: Record<FieldOutcome, number> = { applied: 0, same: 0, conflict: 0 };
    for (const r of applied.results)
      for (const o of Object.values(r.fields)) fields[o.outcome] += 1;
    return {
      applied: todo.length,
      duplicates: input.mutations.length - todo.length,
      fields,
      appliedThrough: through,
      conflicts,
    };
  }

  /** Decide every field of every mutation (in seq order) into the batch. */
  private async applyAll(
    repos: Repositories,
    batch: RecordBatch,
    mutations: Mutation[],
    who: Applier,
  ): Promise<{ results: PushResponse['results'] }> {
    await batch.load(mutations.map((m) => m.id));
    const assessments = new Map<string, boolean>();
    const assessmentExists = async (id: string) => {
      let hit = assessments.get(id);
      if (hit === undefined) {
        hit = (await repos.assignments.findAssessmentById(id)) !== null;
        assessments.set(id, hit);
      }
      return hit;
    };
    const results: PushResponse['results'] = [];
    for (const m of mutations) {
      const assessmentId = batch.assessmentOf(m.entity, m.id) ?? newRecordAssessment(m);
      if (!who.scope.has(assessmentId) || !(await assessmentExists(assessmentId)))
        throw new Problem('not_assigned');
      const meta: WriteMeta & { deviceId: string; deviceSeq: number; deviceAt: number } = {
        source: who.source,
        deviceId: who.deviceId,
        deviceSeq: m.seq,
        accountId: who.accountId,
        deviceAt: m.at,
        hlc: m.hlc,
      };
      const fields: PushResponse['results'][number]['fields'] = {};
      for (const [field, raw] of Object.entries(m.changes)) {
        const value = parseField(m.entity, field, raw);
        const valueJson = canonicalJson(value);
        const current = batch.get(m.entity, m.id, field);
        const version = current?.version ?? 0;
        const base = m.baseVersions[field] ?? 0;
        if (current && current.valueJson === valueJson) {
          // The tablet holds the server's value: nothing to write. This is also how a
          // tablet's "keep the server's value" closes its own conflict.
          batch.resolveOpen(
            m.entity,
            m.id,
            field,
            'server_kept',
            who.accountId,
            (c) => c.localDeviceId === who.deviceId,
          );
          fields[field] = { outcome: 'same', version };
          continue;
        }
        assertWritable(m, field, value, current);
        if (
          !current ||
          base === version ||
          // A tablet's consecutive edits of one field before it syncs all carry the same
          // base version; they are not a conflict with itself.
          current.updatedByDevice === who.deviceId
        ) {
          fields[field] = {
            outcome: 'applied',
            version: batch.write(m.entity, m.id, field, value, assessmentId, meta),
          };
        } else {
          batch.conflict(m.entity, m.id, field, value, base, current, meta);
          fields[field] = { outcome: 'conflict', version };
        }
      }
      results.push({ seq: m.seq, fields });
    }
    return { results };
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
   *   (each resolution records the highest seq when it happened).
   */
  async pull(
    principal: Principal,
    cursor: number,
    limit = DEFAULT_PULL_LIMIT,
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
    const upTo = await repos.sync.maxSeq();
    const page = await repos.sync.pageChanges(device.verifierId, cursor, upTo, limit);
    const hasMore = page.length === limit;
    const nextCursor = hasMore ? (page.at(-1)?.seq ?? cursor) : Math.max(upTo, cursor);
    const snapshotOf = scope.filter((a) => cursor > 0 && (grants.get(a) ?? 0) >= cursor);
    const snapshot =
      snapshotOf.length > 0 ? await repos.sync.snapshotFields(snapshotOf, cursor) : [];
    const conflicts =
      scope.length > 0
        ? await repos.conflicts.views({
            assessmentIds: scope,
            status: 'all',
            resolvedSinceSeq: cursor,
          })
        : [];
    return {
      changes: groupChanges([...snapshot.map(fromField), ...page]),
      cursor: nextCursor,
      hasMore,
      conflicts: conflicts.map(toWireConflict),
    };
  }

  /** Hashes of an assessment's evidence files (not deleted) that the server holds, verified. */
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
      .map((r) => String(r.value));
    const held = await this.repos.files.heldAmong(wanted);
    return { assessmentId, hashes: [...new Set(wanted.filter((h) => held.has(h)))].sort() };
  }

  /**
   * Server-side values written as ordinary changes (version bump, change log, audit) that
   * tablets receive by pull — e.g. a coordinator's review (issue 7): `status`
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
    return inTransaction(this.deps.db, async (repos) => {
      const batch = await RecordBatch.open(repos, this.now());
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

function assertOneDevice(deviceId: string, mutations: Mutation[]): void {
  for (let i = 0; i < mutations.length; i++) {
    const m = mutations[i] as Mutation;
    if (m.deviceId !== deviceId) throw new Problem('device_mismatch');
    if (i > 0 && m.seq <= (mutations[i - 1] as Mutation).seq)
      throw new Problem('seq_gap', {
        expected: (mutations[i - 1] as Mutation).seq + 1,
        got: m.seq,
      });
  }
}

/** The value as core's schema reads it (unknown object keys dropped). */
function parseField(entity: EntityName, field: string, raw: unknown): unknown {
  const r = fieldSchema(entity, field)?.safeParse(raw);
  // The wire schema already checked every value; this only normalises it.
  if (!r?.success) throw new Problem('validation_failed');
  return r.data;
}

/** Assessment of a record the server has never seen, from its identity fields or id. */
function newRecordAssessment(m: Mutation): string {
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
    if (!consistent) throw new Problem('record_unknown', { entity: m.entity, id: m.id });
    return given;
  }
  if (m.entity === 'verification' || m.entity === 'beritaAcara') {
    const cut = m.id.lastIndexOf(':');
    if (cut > 0) return m.id.slice(0, cut);
  }
  throw new Problem('record_unknown', { entity: m.entity, id: m.id });
}

/** A tablet may not rewrite identity fields, server-owned fields or approval. */
function assertWritable(
  m: Mutation,
  field: string,
  value: unknown,
  current: FieldState | undefined,
) {
  if (current && IMMUTABLE[m.entity].has(field))
    throw new Problem('immutable_field', { field, entity: m.entity, id: m.id });
  if (SERVER_OWNED[m.entity]?.has(field)) throw new Problem('field_not_writable', { field });
  if (m.entity === 'assessment' && field === 'status' && COORDINATOR_STATUSES.has(value))
    throw new Problem('field_not_writable', { field });
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

/** The wire shape of a conflict (core ConflictSchema). */
export function toWireConflict(c: ConflictView): Conflict {
  return {
    id: c.id,
    entity: c.entity,
    recordId: c.recordId,
    field: c.field,
    assessmentId: c.assessmentId,
    localValue: c.localValue,
    serverValue: c.serverValue,
    serverVersion: c.serverVersion,
    localDeviceId: c.localDeviceId,
    localAuthor: c.localAuthor,
    localAt: c.localAt,
    serverAuthor: c.serverAuthor,
    serverAt: c.serverAt,
    resolved: c.resolved,
  };
}
