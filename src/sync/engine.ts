import {
  MAX_PUSH_BATCH,
  type Mutation,
  parseFramework,
  type Conflict as WireConflict,
} from '../core';
import type { Conflict, TelusurStore } from '../store';
import { SyncHttpError, type SyncTransport } from './transport';

/** The parts of the tablet store the engine uses (it never touches Dexie itself). */
export type SyncStore = Pick<
  TelusurStore,
  | 'outbox'
  | 'applyRemote'
  | 'conflicts'
  | 'cursors'
  | 'blobs'
  | 'reference'
  | 'evidence'
  | 'assessments'
>;

export interface SyncProgress {
  changesTotal: number;
  changesSent: number;
  bytesTotal: number;
  bytesSent: number;
}

export interface ReceiptState {
  /** Evidence files of the assessment on this tablet (not deleted). */
  local: number;
  /** Of those, how many the server's receipt lists (verified by hash there). */
  confirmed: number;
  checkedAt: number;
}

export interface SyncStatus {
  state: 'idle' | 'syncing' | 'offline' | 'error';
  lastSuccessAt: number | null;
  lastError: { code: string; message: string; at: number } | null;
  progress: SyncProgress;
  receipts: Record<string, ReceiptState>;
  /** The server refused this app version: the verifier must update. */
  updateRequired: boolean;
  /** The tablet's token was revoked: keep data, export it, do not retry. */
  revoked: boolean;
}

export interface SyncReport {
  pushed: number;
  pulled: number;
  uploaded: number;
  conflicts: number;
}

const PULL_CURSOR = 'pull';
const EMPTY_PROGRESS: SyncProgress = {
  changesTotal: 0,
  changesSent: 0,
  bytesTotal: 0,
  bytesSent: 0,
};

/**
 * Push/pull loop of one tablet (DESIGN §5). Every step is idempotent, so an interrupted
 * sync is simply run again: the server dedupes pushes by (device, seq), the pull cursor
 * advances only after changes are stored, files are content-addressed.
 */
export class SyncEngine {
  private status: SyncStatus = {
    state: 'idle',
    lastSuccessAt: null,
    lastError: null,
    progress: EMPTY_PROGRESS,
    receipts: {},
    updateRequired: false,
    revoked: false,
  };
  private listeners = new Set<(s: SyncStatus) => void>();
  private running: Promise<SyncReport> | null = null;

  constructor(
    private readonly store: SyncStore,
    private readonly transport: SyncTransport,
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
  ) {}

  getStatus(): SyncStatus {
    return this.status;
  }

  subscribe(fn: (s: SyncStatus) => void): () => void {
    this.listeners.add(fn);
    fn(this.status);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const l of this.listeners) l(this.status);
  }

  /** Run one full sync; concurrent calls share the running one. */
  sync(): Promise<SyncReport> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async run(): Promise<SyncReport> {
    const report: SyncReport = { pushed: 0, pulled: 0, uploaded: 0, conflicts: 0 };
    if (this.status.revoked)
      throw new SyncHttpError(401, 'device_revoked', 'Tablet ini sudah dicabut');
    if (!(await this.transport.health())) {
      this.set({ state: 'offline' });
      throw new SyncHttpError(0, 'offline', 'Server tidak terjangkau');
    }
    const pending = await this.store.outbox.count();
    const files = await this.store.blobs.listPendingUpload();
    this.set({
      state: 'syncing',
      progress: {
        changesTotal: pending,
        changesSent: 0,
        bytesTotal: files.reduce((a, f) => a + f.bytes, 0),
        bytesSent: 0,
      },
    });
    try {
      await this.refreshReference();
      report.pushed = await this.push();
      report.pulled = await this.pull(report);
      report.uploaded = await this.upload();
      await this.checkReceipts();
      this.set({ state: 'idle', lastSuccessAt: this.now(), lastError: null });
      return report;
    } catch (e) {
      const err =
        e instanceof SyncHttpError
          ? e
          : new SyncHttpError(0, 'unknown', e instanceof Error ? e.message : String(e));
      this.set({
        state: err.status === 0 ? 'offline' : 'error',
        lastError: { code: err.code, message: err.message, at: this.now() },
        updateRequired: this.status.updateRequired || err.status === 426,
        revoked: this.status.revoked || err.code === 'device_revoked',
      });
      throw err;
    }
  }

  private async refreshReference(): Promise<void> {
    const pkg = await this.transport.offlinePackage();
    const frameworks = pkg.frameworks.map((f) => parseFramework(f));
    await this.store.reference.putFrameworks(frameworks);
    await this.store.reference.putPeriods(pkg.periods);
    await this.store.reference.putUnits(pkg.units);
    const known = await this.store.reference.listAssignments();
    const current = new Set(pkg.assignments.map((a) => a.id));
    await this.store.reference.putAssignments(pkg.assignments);
    // An assignment withdrawn by the coordinator leaves the list; its local data stays.
    const gone = known.filter((a) => !current.has(a.id)).map((a) => a.id);
    if (gone.length) await this.store.reference.removeAssignments(gone);
  }

  private async push(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await this.store.outbox.peek(MAX_PUSH_BATCH);
      if (batch.length === 0) return sent;
      const res = await this.transport.push({ deviceId: this.deviceId, mutations: batch });
      // Record versions of applied fields before dropping the mutations, so a crash in
      // between at worst repeats the push (a no-op on the server).
      const bySeq = new Map<number, Mutation>(batch.map((m) => [m.seq, m]));
      for (const r of res.results) {
        const m = bySeq.get(r.seq);
        if (!m) continue;
        const fields: Record<string, unknown> = {};
        const versions: Record<string, number> = {};
        for (const [f, o] of Object.entries(r.fields)) {
          if (o.outcome === 'conflict') continue;
          fields[f] = m.changes[f];
          versions[f] = o.version;
        }
        if (Object.keys(fields).length) await this.afterAck(m, fields, versions);
      }
      if (res.conflicts.length) {
        await this.store.conflicts.put(this.own(res.conflicts).map(toLocalConflict));
      }
      const dropped = await this.store.outbox.ackThrough(res.appliedThrough);
      sent += dropped;
      this.set({
        progress: {
          ...this.status.progress,
          changesSent: this.status.progress.changesSent + dropped,
        },
      });
      if (dropped === 0) {
        // The server did not accept the oldest mutation and said nothing more: stop instead
        // of looping; the error path of the next try will explain.
        throw new SyncHttpError(
          409,
          'push_stalled',
          'Server tidak menerima perubahan dari tablet ini',
        );
      }
    }
  }

  /**
   * Conflicts this tablet raised. The server also lists other tablets' conflicts in scope
   * (the coordinator needs them); on this tablet they would show someone else's value as "mine".
   */
  private own(conflicts: WireConflict[]): WireConflict[] {
    return conflicts.filter((c) => c.localDeviceId === this.deviceId);
  }

  /** After the server applied our own change: remember its version (the value is ours already). */
  private async afterAck(
    m: Mutation,
    fields: Record<string, unknown>,
    versions: Record<string, number>,
  ) {
    await this.store.applyRemote(m.entity, m.id, fields, versions, m.hlc);
  }

  private async pull(report: SyncReport): Promise<number> {
    let cursor = Number((await this.store.cursors.get(PULL_CURSOR)) ?? 0);
    let pulled = 0;
    for (;;) {
      const page = await this.transport.pull(cursor);
      for (const c of page.changes) {
        await this.store.applyRemote(c.entity, c.id, c.fields, c.versions);
        pulled++;
      }
      if (page.conflicts.length) {
        await this.store.conflicts.put(this.own(page.conflicts).map(toLocalConflict));
        // Counted here only: the pull lists every open conflict, including those just pushed.
        report.conflicts += this.own(page.conflicts).filter((c) => !c.resolved).length;
      }
      // The cursor moves only after the page is stored: a crash repeats the page, never skips it.
      cursor = page.cursor;
      await this.store.cursors.set(PULL_CURSOR, String(cursor));
      if (!page.hasMore) return pulled;
    }
  }

  private async upload(): Promise<number> {
    const files = await this.store.blobs.listPendingUpload();
    if (files.length === 0) return 0;
    // A file the server already holds (imported from this tablet's export file, or the same
    // photo sent by another tablet) is not sent again.
    const held = await this.heldByServer();
    let done = 0;
    for (const f of files) {
      if (held.has(f.sha256)) {
        await this.store.blobs.markUploaded(f.sha256);
        continue;
      }
      const blob = await this.store.blobs.get(f.sha256);
      if (!blob) continue;
      const before = this.status.progress.bytesSent;
      await this.transport.upload({ sha256: f.sha256, blob, mime: f.mime }, (sent) => {
        this.set({ progress: { ...this.status.progress, bytesSent: before + sent } });
      });
      await this.store.blobs.markUploaded(f.sha256);
      this.set({ progress: { ...this.status.progress, bytesSent: before + f.bytes } });
      done++;
    }
    return done;
  }

  /** Hashes the server holds for the assessments with evidence on this tablet. */
  private async heldByServer(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const a of await this.store.assessments.list()) {
      if ((await this.store.evidence.listByAssessment(a.id)).length === 0) continue;
      for (const h of (await this.transport.receipt(a.id)).hashes) held.add(h);
    }
    return held;
  }

  /**
   * Free tablet space: drop the bytes of evidence files the server's receipt proves it holds.
   * The store's guard still refuses any file whose record has not been acknowledged.
   * Only for assessments whose receipt covers every local file ("semua N berkas diterima").
   */
  async purgeReceived(): Promise<{ purged: number }> {
    let purged = 0;
    for (const a of await this.store.assessments.list()) {
      const local = (await this.store.evidence.listByAssessment(a.id)).filter((f) => !f.deleted);
      if (local.length === 0) continue;
      const { hashes } = await this.transport.receipt(a.id);
      const held = new Set(hashes);
      if (!local.every((f) => held.has(f.sha256))) continue;
      purged += (await this.store.evidence.purgeConfirmed(hashes)).purged.length;
    }
    return { purged };
  }

  /** Compare each assessment's local evidence with the server's receipt (hashes it holds). */
  private async checkReceipts(): Promise<void> {
    const receipts: Record<string, ReceiptState> = { ...this.status.receipts };
    for (const a of await this.store.assessments.list()) {
      const local = (await this.store.evidence.listByAssessment(a.id)).filter((f) => !f.deleted);
      if (local.length === 0) {
        receipts[a.id] = { local: 0, confirmed: 0, checkedAt: this.now() };
        continue;
      }
      const r = await this.transport.receipt(a.id);
      const held = new Set(r.hashes);
      receipts[a.id] = {
        local: local.length,
        confirmed: local.filter((f) => held.has(f.sha256)).length,
        checkedAt: this.now(),
      };
    }
    this.set({ receipts });
  }
}

function toLocalConflict(c: WireConflict): Conflict {
  return {
    id: c.id,
    entity: c.entity,
    recordId: c.recordId,
    field: c.field,
    assessmentId: c.assessmentId,
    localValue: c.localValue,
    serverValue: c.serverValue,
    serverVersion: c.serverVersion,
    localAt: c.localAt,
    serverAt: c.serverAt,
    serverAuthor: c.serverAuthor,
    localAuthor: c.localAuthor,
    resolved: c.resolved,
  };
}
