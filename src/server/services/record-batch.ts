import { type EntityName, uuidv7 } from '../../core';
import type { Repositories } from '../db/repositories';
import { canonicalJson } from '../lib/canonical-json';
import type {
  ChangeSource,
  ConflictRecord,
  ConflictResolution,
  FieldState,
  NewChange,
  WriterTimeouts,
} from '../sync-domain';

/** Who and what a write comes from (kept in the change log and on the field). */
export interface WriteMeta {
  source: ChangeSource;
  deviceId: string | null;
  deviceSeq: number | null;
  accountId: string | null;
  /** Device clock of the edit (ms), null for server-made changes. */
  deviceAt: number | null;
  hlc: string | null;
  /** The tablet's clock minus the server's at the push that carried it (null: unknown). */
  clockSkewMs?: number | null;
}

const key = (entity: string, id: string, field: string) => `${entity}\u0000${id}\u0000${field}`;
const recordKey = (entity: string, id: string) => `${entity}\u0000${id}`;

/**
 * All writes to the sync record store within one transaction: load the touched records
 * once, decide per field in memory, then write the change log, field values and conflicts
 * in a few multi-row statements (`flush`). Open it with `RecordBatch.open`, which takes the
 * writer locks BEFORE anything is read, so decisions rest on the latest versions — or,
 * for a push that names its records, `RecordBatch.openFor`, which locks only those.
 *
 * @example
 *   await inTransaction(db, async (repos) => {
 *     const batch = await RecordBatch.open(repos, now);
 *     await batch.load([assessmentId]);
 *     batch.serverWrite('assessment', assessmentId, { status: 'disetujui' }, assessmentId, meta);
 *     await batch.flush();
 *   });
 */
export class RecordBatch {
  private readonly fields = new Map<string, FieldState>();
  private readonly recordAssessment = new Map<string, string>();
  private readonly loaded = new Set<string>();
  private readonly open = new Map<string, ConflictRecord[]>();
  private readonly changes: NewChange[] = [];
  private readonly dirty = new Map<string, FieldState>();
  private readonly newConflicts = new Map<string, ConflictRecord>();
  private readonly changedConflicts = new Map<string, ConflictRecord>();
  /** Conflicts created, updated or resolved by this batch (ids). */
  readonly touchedConflicts = new Set<string>();
  private readonly assessmentPatches = new Map<
    string,
    { status?: string; submittedAt?: number | null }
  >();
  private readonly evidenceRefs: { sha256: string; recordId: string; assessmentId: string }[] = [];

  private constructor(
    private readonly repos: Repositories,
    private readonly now: number,
    /** Whether this transaction holds the change-log lock already. */
    private changeLogLocked: boolean,
  ) {}

  /**
   * Take the writer locks of every writer (with the transaction's PostgreSQL timeouts;
   * defaults from DEFAULT_CONFIG when none are given) and start a batch.
   */
  static async open(
    repos: Repositories,
    now: number,
    timeouts?: WriterTimeouts,
  ): Promise<RecordBatch> {
    await repos.sync.lockWriters(timeouts);
    return new RecordBatch(repos, now, true);
  }

  /**
   * Start a batch that will touch only the named records (and move the named device's
   * cursor): locks those alone, so pushes of other records run concurrently; the
   * change-log lock is taken at `flush` and held until commit (SyncRepository.lockRecords).
   * Writing any other record in this batch is a bug: it would not be serialised against
   * other pushes (reading one, e.g. an assessment's status, is fine: the push then simply
   * comes before the other writer's).
   */
  static async openFor(
    repos: Repositories,
    now: number,
    keys: readonly string[],
    timeouts?: WriterTimeouts,
  ): Promise<RecordBatch> {
    await repos.sync.lockRecords(keys, timeouts);
    return new RecordBatch(repos, now, false);
  }

  /** Load the current fields and open conflicts of these records (once each). */
  async load(recordIds: readonly string[]): Promise<void> {
    const fresh = [...new Set(recordIds)].filter((id) => !this.loaded.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.loaded.add(id);
    for (const f of await this.repos.sync.fieldsOfRecords(fresh)) {
      this.fields.set(key(f.entity, f.recordId, f.field), f);
      this.recordAssessment.set(recordKey(f.entity, f.recordId), f.assessmentId);
    }
    for (const c of await this.repos.conflicts.openForRecords(fresh)) {
      const k = key(c.entity, c.recordId, c.field);
      this.open.set(k, [...(this.open.get(k) ?? []), c]);
    }
  }

  /** Assessment of a record the server knows (loaded or written in this batch). */
  assessmentOf(entity: EntityName, id: string): string | undefined {
    return this.recordAssessment.get(recordKey(entity, id));
  }

  get(entity: EntityName, id: string, field: string): FieldState | undefined {
    return this.fields.get(key(entity, id, field));
  }

  /** Write a value as the next version of the field; returns that version. */
  write(
    entity: EntityName,
    id: string,
    field: string,
    value: unknown,
    assessmentId: string,
    meta: WriteMeta,
    /** `canonicalJson(value)` when the caller has it already. */
    valueJson: string = canonicalJson(value),
  ): number {
    const k = key(entity, id, field);
    const current = this.fields.get(k);
    const version = (current?.version ?? 0) + 1;
    const state: FieldState = {
      entity,
      recordId: id,
      field,
      value,
      valueJson,
      version,
      assessmentId,
      updatedSeq: 0, // set by flush once the change has its seq
      updatedByDevice: meta.deviceId,
      updatedByAccount: meta.accountId,
      deviceAt: meta.deviceAt,
      serverAt: this.now,
      hlc: meta.hlc,
    };
    this.fields.set(k, state);
    this.dirty.set(k, state);
    this.recordAssessment.set(recordKey(entity, id), assessmentId);
    this.changes.push({
      entity,
      recordId: id,
      field,
      valueJson,
      version,
      assessmentId,
      source: meta.source,
      deviceId: meta.deviceId,
      deviceSeq: meta.deviceSeq,
      accountId: meta.accountId,
      deviceAt: meta.deviceAt,
      serverAt: this.now,
      hlc: meta.hlc,
      clockSkewMs: meta.clockSkewMs ?? null,
    });
    // A write is how every open conflict on the field ends (a resolution is an ordinary
    // change): the writer's own conflict was settled in its favour, others were overtaken
    // by a newer value.
    const byCoordinator = meta.source === 'resolution';
    for (const c of this.openOn(entity, id, field)) {
      const resolution: ConflictResolution = byCoordinator
        ? 'coordinator'
        : c.localDeviceId === meta.deviceId
          ? 'local'
          : 'superseded';
      this.resolve(c, resolution, meta.accountId);
    }
    if (entity === 'assessment' && (field === 'status' || field === 'submittedAt')) {
      const patch = this.assessmentPatches.get(id) ?? {};
      if (field === 'status') patch.status = String(value);
      else patch.submittedAt = value === null ? null : Number(value);
      this.assessmentPatches.set(id, patch);
    }
    if (entity === 'evidenceFile' && field === 'sha256' && typeof value === 'string') {
      this.evidenceRefs.push({ sha256: value, recordId: id, assessmentId });
    }
    return version;
  }

  /** Server-made values (assignment, self-assessment, review): only fields that differ are written. */
  serverWrite(
    entity: EntityName,
    id: string,
    values: Record<string, unknown>,
    assessmentId: string,
    meta: WriteMeta,
  ): number {
    let written = 0;
    for (const [field, value] of Object.entries(values)) {
      const current = this.get(entity, id, field);
      if (current && current.valueJson === canonicalJson(value)) continue;
      this.write(entity, id, field, value, assessmentId, meta);
      written++;
    }
    return written;
  }

  /**
   * Record that a tablet's value was not applied: a new conflict, or the tablet's newer
   * value on its still-open conflict of the same field.
   */
  conflict(
    entity: EntityName,
    id: string,
    field: string,
    localValue: unknown,
    baseVersion: number,
    server: FieldState,
    meta: WriteMeta & { deviceId: string; deviceSeq: number; deviceAt: number },
  ): ConflictRecord {
    const mine = this.openOn(entity, id, field).find((c) => c.localDeviceId === meta.deviceId);
    const snapshot = {
      localValue,
      serverValue: server.value,
      baseVersion,
      serverVersion: server.version,
      localDeviceSeq: meta.deviceSeq,
      localAccountId: meta.accountId,
      localAt: meta.deviceAt,
      localHlc: meta.hlc,
      localReceivedAt: this.now,
      localClockSkewMs: meta.clockSkewMs ?? null,
      serverAt: server.serverAt,
      serverAccountId: server.updatedByAccount,
      serverDeviceId: server.updatedByDevice,
      updatedAt: this.now,
    };
    if (mine) {
      Object.assign(mine, snapshot);
      if (!this.newConflicts.has(mine.id)) this.changedConflicts.set(mine.id, mine);
      this.touchedConflicts.add(mine.id);
      return mine;
    }
    const c: ConflictRecord = {
      id: uuidv7(this.now),
      entity,
      recordId: id,
      field,
      assessmentId: server.assessmentId,
      localDeviceId: meta.deviceId,
      createdAt: this.now,
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
      resolvedSeq: null,
      ...snapshot,
    };
    const k = key(entity, id, field);
    this.open.set(k, [...(this.open.get(k) ?? []), c]);
    this.newConflicts.set(c.id, c);
    this.touchedConflicts.add(c.id);
    return c;
  }

  /** Close the open conflicts on a field that match `which` without writing a value. */
  resolveOpen(
    entity: EntityName,
    id: string,
    field: string,
    resolution: ConflictResolution,
    by: string | null,
    which: (c: ConflictRecord) => boolean = () => true,
  ): void {
    for (const c of this.openOn(entity, id, field).filter(which)) this.resolve(c, resolution, by);
  }

  private openOn(entity: EntityName, id: string, field: string): ConflictRecord[] {
    return (this.open.get(key(entity, id, field)) ?? []).filter((c) => c.resolvedAt === null);
  }

  private resolve(c: ConflictRecord, resolution: ConflictResolution, by: string | null): void {
    c.resolvedAt = this.now;
    c.resolvedBy = by;
    c.resolution = resolution;
    c.updatedAt = this.now;
    if (!this.newConflicts.has(c.id)) this.changedConflicts.set(c.id, c);
    this.touchedConflicts.add(c.id);
  }

  /** Number of field writes queued so far. */
  get changeCount(): number {
    return this.changes.length;
  }

  /** Write everything decided so far. */
  async flush(): Promise<void> {
    if (!this.changeLogLocked) {
      await this.repos.sync.lockChangeLog();
      this.changeLogLocked = true;
    }
    const seqs = await this.repos.sync.insertChanges(this.changes);
    const last = new Map<string, number>();
    this.changes.forEach((c, i) => {
      last.set(key(c.entity, c.recordId, c.field), seqs[i] as number);
    });
    for (const [k, f] of this.dirty) f.updatedSeq = last.get(k) ?? f.updatedSeq;
    await this.repos.sync.upsertFields([...this.dirty.values()]);
    // A resolution is pulled by tablets whose cursor is at or below this seq (see pull).
    const resolving = [...this.newConflicts.values(), ...this.changedConflicts.values()].filter(
      (c) => c.resolvedAt !== null && c.resolvedSeq === null,
    );
    if (resolving.length > 0) {
      const max =
        seqs.length > 0 ? seqs.reduce((a, b) => Math.max(a, b), 0) : await this.repos.sync.maxSeq();
      for (const c of resolving) c.resolvedSeq = max;
    }
    await this.repos.conflicts.insertMany([...this.newConflicts.values()]);
    for (const c of this.changedConflicts.values()) await this.repos.conflicts.update(c);
    for (const [id, patch] of this.assessmentPatches) {
      await this.repos.sync.updateAssessmentIndex(id, patch, this.now);
    }
    await this.repos.sync.addEvidenceRefs(this.evidenceRefs);
    this.changes.length = 0;
    this.dirty.clear();
    this.newConflicts.clear();
    this.changedConflicts.clear();
    this.assessmentPatches.clear();
    this.evidenceRefs.length = 0;
  }
}
