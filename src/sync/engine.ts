import {
  DEVICE_SEQ_REUSED,
  type DeviceIdentity,
  type Incarnation,
  IncarnationSchema,
  MAX_PUSH_BATCH,
  MAX_REFETCH,
  type Mutation,
  measureClockSkew,
  type OrganisationKind,
  parseFramework,
  type Receipt,
  sniffLogoMime,
  type TabletAction,
  TabletActionSchema,
  toWireConflict,
  type Conflict as WireConflict,
  type ZoneCode,
} from '../core';
import type {
  Conflict,
  ConflictRole,
  EvidenceFile,
  SyncLogEntry,
  SyncOutcome,
  TelusurStore,
} from '../store';
import { type OfflinePackage, SyncHttpError, type SyncTransport } from './transport';

/** The parts of the tablet store the engine uses (it never touches Dexie itself). */
export type SyncStore = Pick<
  TelusurStore,
  | 'deviceId'
  | 'outbox'
  | 'applyRemote'
  | 'conflicts'
  | 'cursors'
  | 'blobs'
  | 'reference'
  | 'evidence'
  | 'assessments'
  | 'rejected'
  | 'adoptIdentity'
  | 'rebase'
  | 'getBundleSecret'
  | 'setBundleSecret'
  | 'syncLog'
>;

export interface SyncProgress {
  /** Changes waiting when the sync started. */
  changesTotal: number;
  /** Of those, how many the server has handled (applied, same, conflict or rejected). */
  changesSent: number;
  bytesTotal: number;
  bytesSent: number;
}

export interface ReceiptState {
  /**
   * Evidence files of the assessment on this tablet (not deleted), once per content: the
   * count the home card and the storage page use too (a photo on two indicators is one).
   */
  local: number;
  /** Of those, how many the server's receipt lists (verified by hash there). */
  confirmed: number;
  checkedAt: number;
}

/** An evidence file whose last upload failed, named as the verifier knows it (to retake it). */
export interface FailedFile {
  sha256: string;
  assessmentId: string;
  /** The unit's name from the reference data, when this tablet has it. */
  unitName: string | null;
  indicatorNo: number;
  /** The file name the verifier gave or the camera made. */
  name: string;
  /** `local`: this tablet cannot read the file (retake or remove it); `server`: the server refused it. */
  source: 'local' | 'server';
  code: string;
  /** Readable reason (Indonesian). */
  message: string;
  at: number;
}

/**
 * Why the tablet took a fresh device identity: another copy used its seqs, the server is
 * ahead, or the server was restored from a backup (its seqs of this tablet went back).
 */
export type IdentityChangeReason = 'seq_reused' | 'ahead' | 'restored';

/**
 * The server was restored from a backup and this tablet re-based on it (persisted across
 * reloads, shown until dismissed): what it sent again and what could not be recovered.
 */
export interface RestoreNotice {
  at: number;
  /** The restored server's incarnation id. */
  incarnation: string;
  /** Changes (one per record) sent again because the restored server lacked their values. */
  resent: number;
  /** Unsent changes whose base versions moved back to the restored history. */
  rebased: number;
  /** False when the tablet could not tell which history it shares (differing values became conflicts). */
  trusted: boolean;
  /**
   * Evidence files whose bytes this tablet had already freed (the old server's receipt
   * listed them) and that the restored server does not hold: they must be taken again.
   */
  lostFiles: { assessmentId: string; indicatorNo: number; name: string; sha256: string }[];
  /** Readable line (Indonesian / English), as written to the sync history. */
  message: string;
  messageEn: string;
}

/**
 * The tablet changed its device identity: another device (a cloned browser profile, a
 * restored backup, a forged export) used this one's identity. The unsent changes were kept
 * and sent again under the new identity; the coordinator should be told.
 */
export interface IdentityChange {
  at: number;
  from: string;
  to: string;
  reason: IdentityChangeReason;
  /** Unsent changes re-sent under the new identity (absent in records of older app versions). */
  resent?: number;
}

/**
 * This tablet's clock against the server's, measured at the latest sync that reached the
 * server: `skewMs` is tablet minus server (core `clockIsOff` says whether it is too far).
 */
export interface ClockCheck {
  skewMs: number;
  /** Tablet clock of the measurement. */
  checkedAt: number;
}

/** Where a sync problem came from; only `network` means the server could not be reached. */
export type SyncErrorSource = 'network' | 'server' | 'local';

/**
 * The organisation as this tablet knows it from its last sync, kept for printing offline:
 * its name and logo head the berita acara, its zone (WIB, WITA, WIT) every time printed.
 * Null before the first sync that brought it (the tablet then prints in WIB, as before).
 */
export interface TabletOrganisation {
  /** Null while the coordinator has not set the organisation up. */
  name: string | null;
  kind: OrganisationKind | null;
  zone: ZoneCode;
  /** The logo as a data: URL (PNG or JPEG), or null without one. */
  logo: string | null;
}

export interface SyncStatus {
  /**
   * `offline` only when the server could not be reached (or did not answer in time);
   * `error` when a step failed for another reason (see lastError); rejected changes and
   * failed files alone leave it `idle` (see rejectedChanges, failedFiles).
   */
  state: 'idle' | 'syncing' | 'offline' | 'error';
  /** The last sync that went through, kept across reloads (the store's sync history). */
  lastSuccessAt: number | null;
  /** The latest runs, newest first, kept across reloads (`store.syncLog`). */
  history: SyncLogEntry[];
  lastError: { code: string; message: string; at: number; source: SyncErrorSource } | null;
  progress: SyncProgress;
  receipts: Record<string, ReceiptState>;
  /** The server refused this app version: the verifier must update. */
  updateRequired: boolean;
  /** The tablet's token was revoked: keep data, export it, do not retry. */
  revoked: boolean;
  /** Entries of the "Ditolak server" list on this tablet. */
  rejectedChanges: number;
  /** Evidence files whose last upload failed, one per evidence record. */
  failedFiles: FailedFile[];
  /** The latest identity change not yet dismissed (persisted across reloads). */
  identityChanged: IdentityChange | null;
  /** The tablet's clock against the server's at the latest sync (persisted across reloads). */
  clockCheck: ClockCheck | null;
  /** The organisation from the latest offline package (persisted across reloads). */
  organisation: TabletOrganisation | null;
  /**
   * The server does not know this tablet's token (401 `device_unknown`: most often it was
   * restored from a backup made before this tablet was enrolled). Syncing stops until the
   * tablet is enrolled again; its data stays (persisted across reloads).
   */
  enrolAgain: boolean;
  /** The latest re-base on a restored server, until dismissed (persisted across reloads). */
  restored: RestoreNotice | null;
  /**
   * A sync was asked for while another tab of this browser syncs the same tablet database
   * (the shared `lock`): this one waits for that run to end, then runs.
   */
  waitingForOtherTab: boolean;
}

export interface SyncReport {
  /** Changes the server handled in this run (including rejected ones). */
  pushed: number;
  /** Of those, how many it refused (now in the "Ditolak server" list). */
  rejected: number;
  pulled: number;
  /**
   * Of the pulled changes, those that changed something on this tablet (another tablet's or
   * the coordinator's edits); the server also returns this tablet's own changes, which
   * change nothing here.
   */
  received: number;
  uploaded: number;
  /** Files whose upload failed in this run. */
  failedFiles: number;
  conflicts: number;
}

export interface SyncEngineOptions {
  /** Clock (ms). Default Date.now. */
  now?: () => number;
  /**
   * Keep a new device token after the identity rotated. From the moment this
   * resolves, the transport's token provider must return it. Without it the engine cannot
   * rotate and reports the identity problem as an error instead.
   */
  saveToken?: (token: string) => Promise<void>;
  /**
   * Evidence files sent at once (each its own tus upload). Default
   * DEFAULT_UPLOAD_CONCURRENCY; 1 sends one file after another. On a slow link with a long
   * round trip several in flight keep the link busy while each waits for its answers.
   */
  uploadConcurrency?: number;
  /**
   * Holds this tablet database's sync lock around every run, so two tabs (or windows) of
   * one browser over the same IndexedDB never sync at once: the second waits and then finds
   * little or nothing to send. The app passes webSyncLock(<database name>); without it
   * (an old browser, a test) runs of different engines over one database may overlap.
   */
  lock?: SyncLock | null;
}

/**
 * Runs `fn` while holding one tablet database's sync lock and resolves (or rejects) with its
 * result; a second caller's `fn` starts only after the first one's has settled.
 */
export type SyncLock = <T>(fn: () => Promise<T>) => Promise<T>;

/** The part of the Web Locks API (`navigator.locks`) webSyncLock needs. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * The sync lock of the tablet database `database` over the Web Locks API, shared by every
 * tab and window of this browser profile (an exclusive lock named `telusur.sync:<database>`,
 * released when the run settles or the tab closes). Null where the browser has no
 * `navigator.locks` (then runs are not serialised across tabs, as before).
 *
 * @param database the IndexedDB database name of the workspace (e.g. `telusur`).
 * @param locks the lock manager; default `navigator.locks` when present (null: none).
 */
export function webSyncLock(
  database: string,
  locks: LockManagerLike | null | undefined = (
    globalThis as { navigator?: { locks?: LockManagerLike } }
  ).navigator?.locks,
): SyncLock | null {
  if (!locks || typeof locks.request !== 'function') return null;
  const name = `telusur.sync:${database}`;
  return (fn) => locks.request(name, () => fn());
}

/** Evidence files in flight at once by default (see SyncEngineOptions.uploadConcurrency). */
export const DEFAULT_UPLOAD_CONCURRENCY = 3;

const PULL_CURSOR = 'pull';
/**
 * The offline package the tablet holds, for the conditional GET: `{ etag, reader, deviceId,
 * incarnation }` as JSON, written only once the whole package is stored ('' or absent:
 * none, fetch in full).
 */
const PACKAGE_HELD = 'sync.package';
/**
 * How this app reads the package. Bump when refreshReference starts keeping more of it: an
 * ETag kept by an older reader is then not sent, so the first sync fetches the package in
 * full and stores what the older app skipped.
 */
const PACKAGE_READER = 1;
/** A rotated identity not yet fully adopted (survives a crash between the steps). */
const PENDING_IDENTITY = 'sync.pendingIdentity';
/** The last identity change, shown until dismissed. */
const IDENTITY_CHANGED = 'sync.identityChanged';
/** How long a sync may wait for the shared lock before the status says another tab holds it (ms). */
const LOCK_NOTICE_MS = 150;

/** The latest clock check (ClockCheck as JSON). */
const CLOCK_CHECK = 'sync.clockCheck';
/** The organisation without its logo (TabletOrganisation's other fields as JSON). */
const ORGANISATION = 'sync.organisation';
/** Its logo: `{ sha256, dataUrl }` as JSON, '' without one. */
const ORGANISATION_LOGO = 'sync.organisationLogo';

/** A data: URL of image bytes (the letterhead is drawn from it offline). */
function dataUrl(bytes: Uint8Array, mime: string): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${mime};base64,${btoa(bin)}`;
}

/** What the meta rows hold of the organisation, read back (null when absent or unreadable). */
function readOrganisation(raw: string | null, logoRaw: string | null): TabletOrganisation | null {
  if (!raw) return null;
  try {
    const o = JSON.parse(raw) as Omit<TabletOrganisation, 'logo'>;
    const logo = logoRaw ? (JSON.parse(logoRaw) as { dataUrl?: unknown }).dataUrl : null;
    return { ...o, logo: typeof logo === 'string' ? logo : null };
  } catch {
    return null;
  }
}
/** The server database incarnation this tablet last synced with (its id). */
export const INCARNATION = 'sync.incarnation';
/** A re-base under way: `{ incarnation, deviceId }` once its fresh identity is taken. */
const REBASING = 'sync.rebasing';
/** The latest RestoreNotice (JSON), shown until dismissed. */
const RESTORED = 'sync.restored';
/** '1' while the server does not know this tablet's token (enrol again). */
const DEVICE_UNKNOWN = 'sync.deviceUnknown';

const EMPTY_PROGRESS: SyncProgress = {
  changesTotal: 0,
  changesSent: 0,
  bytesTotal: 0,
  bytesSent: 0,
};

/** A failure of this tablet itself (its database, its files), never a network failure. */
export class SyncLocalError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SyncLocalError';
    this.code = code;
  }
}

interface RunState {
  report: SyncReport;
  /** At most one identity rotation per run: a second signal is an error, never a loop. */
  rotated: boolean;
  /** The latest incarnation a server answer of this run carried. */
  incarnation: Incarnation | null;
  /** The incarnation was compared with the remembered one before pushing (or the server sends none). */
  incarnationChecked: boolean;
  /** At most one re-base per run. */
  rebased: boolean;
  /** A line for the sync history (a re-base). */
  notice: RestoreNotice | null;
}

/**
 * Push/pull loop of one tablet. Every step is idempotent, so an interrupted sync is simply run
 * again: the server dedupes pushes by (device, seq), the pull cursor advances only after changes
 * are stored, files are content-addressed.
 *
 * One refused change, one bad file or one failing step never holds back the rest: push, pull,
 * uploads and receipts all run in every sync that reaches the server; problems are recorded and the
 * first one is thrown at the end (so the scheduler backs off). Only a network failure (status 0), a
 * revoked token (401) or an outdated app (426) stops a run early.
 */
export class SyncEngine {
  private status: SyncStatus = {
    state: 'idle',
    lastSuccessAt: null,
    history: [],
    lastError: null,
    progress: EMPTY_PROGRESS,
    receipts: {},
    updateRequired: false,
    revoked: false,
    rejectedChanges: 0,
    failedFiles: [],
    identityChanged: null,
    clockCheck: null,
    organisation: null,
    enrolAgain: false,
    restored: null,
    waitingForOtherTab: false,
  };
  private listeners = new Set<(s: SyncStatus) => void>();
  private running: Promise<SyncReport> | null = null;
  private readonly now: () => number;
  private readonly saveToken: ((token: string) => Promise<void>) | null;
  private readonly uploadConcurrency: number;
  private readonly lock: SyncLock | null;

  /**
   * @param store the tablet store; its `deviceId` is read at every push (it changes when the
   *   identity rotates).
   * @param options options, or (legacy) a device id, which is ignored: the store's is used.
   */
  constructor(
    private readonly store: SyncStore,
    private readonly transport: SyncTransport,
    options: SyncEngineOptions | string = {},
    now?: () => number,
  ) {
    const o = typeof options === 'string' ? {} : options;
    this.now = o.now ?? now ?? Date.now;
    this.saveToken = o.saveToken ?? null;
    this.uploadConcurrency = Math.max(
      1,
      Math.floor(o.uploadConcurrency ?? DEFAULT_UPLOAD_CONCURRENCY),
    );
    this.lock = o.lock ?? null;
  }

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

  /**
   * Run one full sync; concurrent calls share the running one. With a `lock` the run waits
   * for another tab's run over the same database to end first.
   */
  sync(): Promise<SyncReport> {
    if (!this.running) {
      const lock = this.lock;
      this.running = (lock ? this.runLocked(lock) : this.run()).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /**
   * `run` under the shared lock. While another tab holds it (not granted within
   * LOCK_NOTICE_MS) the status says so (`waitingForOtherTab`), so this tab does not look
   * idle with changes waiting; a lock granted at once shows nothing.
   */
  private async runLocked(lock: SyncLock): Promise<SyncReport> {
    let granted = false;
    const notice = setTimeout(() => {
      if (!granted) this.set({ waitingForOtherTab: true });
    }, LOCK_NOTICE_MS);
    try {
      return await lock(() => {
        granted = true;
        clearTimeout(notice);
        if (this.status.waitingForOtherTab) this.set({ waitingForOtherTab: false });
        return this.run();
      });
    } finally {
      clearTimeout(notice);
      if (this.status.waitingForOtherTab) this.set({ waitingForOtherTab: false });
    }
  }

  /**
   * Read what the status shows from this tablet alone — rejected changes, failed files, the
   * last identity change — without the network (app start, offline). Never throws.
   */
  async refreshLocal(): Promise<void> {
    try {
      const raw = await this.store.cursors.get(IDENTITY_CHANGED);
      const identityChanged = raw ? (JSON.parse(raw) as IdentityChange) : null;
      const clock = await this.store.cursors.get(CLOCK_CHECK);
      const clockCheck = clock ? (JSON.parse(clock) as ClockCheck) : this.status.clockCheck;
      const organisation =
        readOrganisation(
          await this.store.cursors.get(ORGANISATION),
          await this.store.cursors.get(ORGANISATION_LOGO),
        ) ?? this.status.organisation;
      const restoredRaw = await this.store.cursors.get(RESTORED);
      const restored = restoredRaw ? (JSON.parse(restoredRaw) as RestoreNotice) : null;
      const enrolAgain = (await this.store.cursors.get(DEVICE_UNKNOWN)) === '1';
      const [rejectedChanges, failedFiles, log] = await Promise.all([
        this.store.rejected.count(),
        this.failedFiles(),
        this.store.syncLog.read(),
      ]);
      this.set({
        identityChanged,
        restored,
        enrolAgain,
        rejectedChanges,
        failedFiles,
        clockCheck,
        organisation,
        history: log.entries,
        lastSuccessAt: latest(this.status.lastSuccessAt, log.lastSuccessAt),
      });
    } catch (e) {
      // The status is a view; a database that cannot be read shows up in the next sync.
      console.error('Telusur: sync status could not be read from the store', e);
    }
  }

  /** The verifier has read the restore notice: stop showing it. */
  async dismissRestoreNotice(): Promise<void> {
    await this.store.cursors.set(RESTORED, '');
    this.set({ restored: null });
  }

  /**
   * The tablet was enrolled again (a new token the server knows): syncing may resume. The
   * app calls this after adopting the new enrolment's identity.
   */
  async enrolled(): Promise<void> {
    await this.store.cursors.set(DEVICE_UNKNOWN, '');
    this.set({ enrolAgain: false, revoked: false, lastError: null });
  }

  /** The verifier has seen (and passed on) the identity change: stop showing it. */
  async dismissIdentityChange(): Promise<void> {
    await this.store.cursors.set(IDENTITY_CHANGED, '');
    this.set({ identityChanged: null });
  }

  private async run(): Promise<SyncReport> {
    const state: RunState = {
      report: {
        pushed: 0,
        rejected: 0,
        pulled: 0,
        received: 0,
        uploaded: 0,
        failedFiles: 0,
        conflicts: 0,
      },
      rotated: false,
      incarnation: null,
      incarnationChecked: false,
      rebased: false,
      notice: null,
    };
    await this.refreshLocal();
    if (this.status.revoked)
      throw new SyncHttpError(401, 'device_revoked', 'Tablet ini sudah dicabut');
    // Asking again would only repeat the 401: the tablet must be enrolled again first.
    if (this.status.enrolAgain) throw unknownDevice();
    if (!(await this.transport.health())) {
      const error = new SyncHttpError(0, 'offline', 'Server tidak terjangkau');
      this.set({ state: 'offline' });
      await this.log('offline', state.report, { error, source: 'network', code: error.code });
      throw error;
    }
    const problems: { error: Error; source: SyncErrorSource; code: string }[] = [];
    /** Run one step; a network/auth/version failure ends the run, anything else is noted. */
    const step = async (fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        const p = classify(e);
        if (isFatal(p.error)) throw p.error;
        problems.push(p);
      }
    };
    try {
      // A rotation interrupted by a crash or a closed tab is finished before anything is sent.
      await this.finishIdentity();
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
      await step(() => this.ensureBundleSecret());
      await step(() => this.refreshReference(state));
      // A restored server is re-based on before anything is pushed: a push with bases
      // from history it lost could overwrite a newer value silently.
      await step(async () => {
        // The offline package carries it; without that answer a one-row pull page does.
        const inc = state.incarnation ?? (await this.currentIncarnation(state));
        if (inc) await this.ensureIncarnation(state, inc, 'changed');
        state.incarnationChecked = true;
      });
      // A re-base that did not finish holds back push and pull (both would work from
      // history the server lost); the next sync finishes it.
      if (state.incarnationChecked) {
        await step(() => this.push(state));
        await step(() => this.pull(state));
      }
      await step(() => this.upload(state.report));
      await step(() => this.checkReceipts());
      if (state.notice) await step(() => this.finishRestoreNotice(state));
      await this.refreshLocal();
      const first = problems[0];
      if (first) {
        this.set({
          state: 'error',
          lastError: {
            code: first.code,
            message: first.error.message,
            at: this.now(),
            source: first.source,
          },
        });
        await this.log('failed', state.report, first, state.notice);
        throw first.error;
      }
      this.set({ state: 'idle', lastSuccessAt: this.now(), lastError: null });
      await this.log('ok', state.report, null, state.notice);
      return state.report;
    } catch (e) {
      if (problems.some((p) => p.error === e)) throw e;
      const { error, source, code } = classify(e);
      if (code === 'device_unknown') await this.store.cursors.set(DEVICE_UNKNOWN, '1');
      await this.refreshLocal();
      this.set({
        state: source === 'network' ? 'offline' : 'error',
        lastError: { code, message: error.message, at: this.now(), source },
        updateRequired:
          this.status.updateRequired || (error instanceof SyncHttpError && error.status === 426),
        revoked: this.status.revoked || code === 'device_revoked' || code === 'device_released',
        enrolAgain: this.status.enrolAgain || code === 'device_unknown',
      });
      await this.log(
        source === 'network' ? 'offline' : 'failed',
        state.report,
        { error, source, code },
        state.notice,
      );
      throw error;
    }
  }

  /**
   * Add the finished run to the tablet's sync history (kept across reloads) and show it.
   * A history that cannot be written (a full disk) never fails the sync itself.
   */
  private async log(
    outcome: SyncOutcome,
    report: SyncReport,
    problem: { error: Error; source: SyncErrorSource; code: string } | null,
    notice: RestoreNotice | null = null,
  ): Promise<void> {
    try {
      const log = await this.store.syncLog.record({
        at: this.now(),
        outcome,
        sent: report.pushed,
        rejected: report.rejected,
        uploaded: report.uploaded,
        received: report.received,
        conflicts: report.conflicts,
        failedFiles: report.failedFiles,
        error: problem
          ? { code: problem.code, message: problem.error.message, source: problem.source }
          : null,
        ...(notice
          ? {
              notice: {
                code: 'server_restored',
                message: notice.message,
                messageEn: notice.messageEn,
              },
            }
          : {}),
      });
      this.set({
        history: log.entries,
        lastSuccessAt: latest(this.status.lastSuccessAt, log.lastSuccessAt),
      });
    } catch (e) {
      console.error('Telusur: the sync history could not be written', e);
    }
  }

  /** Tablets enrolled before protocol 2 have no export signing key yet: fetch it once. */
  private async ensureBundleSecret(): Promise<void> {
    if (await this.store.getBundleSecret()) return;
    const r = await this.transport.bundleSecret();
    // An answer for another identity (rotated meanwhile) would sign bundles the server refuses.
    if (r.deviceId === this.store.deviceId) await this.store.setBundleSecret(r.bundleSecret);
  }

  /**
   * Compare this tablet's clock with the server's, from an answer carrying the server's
   * time to a request sent at `sentAt` (tablet clock); kept for the notice "Jam tablet
   * tidak tepat" across reloads. An answer without the server's time changes nothing.
   */
  private async checkClock(sentAt: number, serverTime: number | undefined): Promise<void> {
    if (typeof serverTime !== 'number') return;
    const receivedAt = this.now();
    const check: ClockCheck = {
      skewMs: measureClockSkew(sentAt, receivedAt, serverTime),
      checkedAt: receivedAt,
    };
    this.set({ clockCheck: check });
    await this.store.cursors.set(CLOCK_CHECK, JSON.stringify(check));
  }

  /**
   * The package this tablet holds, when its ETag may be sent: stored by this reader
   * (PACKAGE_READER) for the current identity. Null: fetch the package in full.
   */
  private async heldPackage(): Promise<{ etag: string; incarnation: Incarnation | null } | null> {
    const raw = await this.store.cursors.get(PACKAGE_HELD);
    if (!raw) return null;
    try {
      const held = JSON.parse(raw) as {
        etag?: unknown;
        reader?: unknown;
        deviceId?: unknown;
        incarnation?: unknown;
      };
      if (
        typeof held.etag !== 'string' ||
        held.reader !== PACKAGE_READER ||
        held.deviceId !== this.store.deviceId
      )
        return null;
      const inc = IncarnationSchema.safeParse(held.incarnation);
      return { etag: held.etag, incarnation: inc.success ? inc.data : null };
    } catch {
      return null;
    }
  }

  /**
   * Fetch the offline package and store it — or, when the server answers that the package
   * this tablet holds is still current (conditional GET, 304), keep what is stored and take
   * the incarnation remembered with it.
   */
  private async refreshReference(state: RunState): Promise<void> {
    const sentAt = this.now();
    const held = await this.heldPackage();
    const pkg = await this.transport.offlinePackage(held?.etag);
    if ('notModified' in pkg) {
      // A 304 to a request that named no ETag cannot be about this tablet's package.
      if (!held)
        throw new SyncHttpError(502, 'bad_response', 'Jawaban server tidak sesuai protokol');
      await this.checkClock(sentAt, pkg.serverTime);
      if (held.incarnation) state.incarnation = held.incarnation;
      return;
    }
    await this.checkClock(sentAt, pkg.serverTime);
    // Forgotten first: a package stored only in part must not be vouched for by an old ETag.
    if (held) await this.store.cursors.set(PACKAGE_HELD, '');
    // Unparsed answer: an incarnation of the wrong shape is as good as none.
    const inc = IncarnationSchema.safeParse(pkg.incarnation);
    if (inc.success) state.incarnation = inc.data;
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
    // A server older than actions sends none: the set held stays as it is.
    if (Array.isArray(pkg.actions))
      await this.store.reference.replaceActions(readActions(pkg.actions));
    // A logo that could not be fetched now is fetched by a later sync: no ETag kept then.
    const complete = pkg.organisation ? await this.refreshOrganisation(pkg.organisation) : true;
    if (pkg.etag && complete)
      await this.store.cursors.set(
        PACKAGE_HELD,
        JSON.stringify({
          etag: pkg.etag,
          reader: PACKAGE_READER,
          deviceId: this.store.deviceId,
          incarnation: inc.success ? inc.data : null,
        }),
      );
  }

  /**
   * Keep the organisation the package named, for printing offline; its logo is fetched only
   * when it changed (its SHA-256), and only a PNG or JPEG by its bytes is kept. A logo that
   * cannot be fetched now leaves the print with the name alone until a later sync.
   * @returns false when the logo the package names could not be fetched now
   */
  private async refreshOrganisation(
    org: NonNullable<OfflinePackage['organisation']>,
  ): Promise<boolean> {
    const fields = { name: org.name, kind: org.kind, zone: org.zone };
    let logo: { sha256: string; dataUrl: string } | null = null;
    let fetched = true;
    if (org.logo) {
      const sha256 = org.logo.sha256;
      try {
        const held = await this.store.cursors.get(ORGANISATION_LOGO);
        const kept = held ? (JSON.parse(held) as { sha256?: string; dataUrl?: string }) : null;
        if (kept?.sha256 === sha256 && typeof kept.dataUrl === 'string')
          logo = { sha256, dataUrl: kept.dataUrl };
        else if (this.transport.organisationLogo) {
          const bytes = await this.transport.organisationLogo();
          const mime = sniffLogoMime(bytes);
          if (mime) logo = { sha256, dataUrl: dataUrl(bytes, mime) };
        }
      } catch (e) {
        fetched = false;
        console.warn('Telusur: the organisation logo could not be fetched now', e);
      }
    }
    await this.store.cursors.set(ORGANISATION, JSON.stringify(fields));
    await this.store.cursors.set(ORGANISATION_LOGO, logo ? JSON.stringify(logo) : '');
    this.set({ organisation: { ...fields, logo: logo?.dataUrl ?? null } });
    return fetched;
  }

  /**
   * Send the outbox in batches. Each answer is settled in one store transaction: versions
   * of applied fields recorded, refused changes moved to the "Ditolak server" list, handled
   * rows dropped. A refusal never stops the loop. An answer claiming more than this tablet
   * ever sent, or a 409 `device_seq_reused`, means another device shares this identity: the
   * outbox is kept, a fresh identity is taken and the changes are sent again under it.
   */
  private async push(state: RunState): Promise<void> {
    for (;;) {
      const batch = withinBudget(await this.store.outbox.peek(MAX_PUSH_BATCH), PUSH_BUDGET_BYTES);
      if (batch.length === 0) return;
      const deviceId = this.store.deviceId;
      let res: Awaited<ReturnType<SyncTransport['push']>>;
      const sentAt = this.now();
      try {
        // The tablet's clock goes along: the server marks edits of a tablet whose clock is
        // far off as doubtful.
        res = await this.transport.push({ deviceId, mutations: batch, clock: sentAt });
      } catch (e) {
        if (e instanceof SyncHttpError && e.status === 409 && e.code === DEVICE_SEQ_REUSED) {
          await this.rotate(state, 'seq_reused');
          continue;
        }
        if (e instanceof SyncHttpError && e.status === 409 && e.code === 'seq_gap') {
          // The oldest unsent seq is past the server's cursor of this identity: the server
          // lost seqs it had acknowledged (restored from a backup, possibly by other means
          // than `npm run restore`). Re-base once, then send again.
          await this.ensureIncarnation(state, await this.currentIncarnation(state), 'seq_gap');
          continue;
        }
        throw e;
      }
      if (res.appliedThrough > (await this.store.outbox.lastSeq())) {
        // Nothing of this answer is trusted: the server counts seqs this tablet never issued.
        await this.rotate(state, 'ahead');
        continue;
      }
      await this.checkClock(sentAt, res.serverTime);
      if (res.conflicts.length) {
        await this.store.conflicts.put(await this.own(res.conflicts));
      }
      const { removed, rejected } = await this.store.outbox.settle({
        appliedThrough: res.appliedThrough,
        results: res.results,
        deviceId,
      });
      state.report.pushed += removed;
      state.report.rejected += rejected;
      this.set({
        progress: {
          ...this.status.progress,
          changesSent: this.status.progress.changesSent + removed,
        },
        ...(rejected ? { rejectedChanges: this.status.rejectedChanges + rejected } : {}),
      });
      if (removed === 0) {
        // Another tab over the same database may have settled this batch meanwhile (it
        // pushed the same rows; the server answered ours as duplicates): the outbox moved
        // on, which is progress, not a stall. The head seq only grows, so this ends.
        const [head] = await this.store.outbox.peek(1);
        if (head?.seq !== batch[0]?.seq) continue;
        // The server handled none of the oldest changes and said nothing more: stop instead
        // of looping (pull and uploads still run; the next sync tries again).
        throw new SyncHttpError(
          409,
          'push_stalled',
          'Server tidak menerima perubahan dari tablet ini',
        );
      }
    }
  }

  /**
   * Take a fresh device identity for the same enrolment (POST /api/devices/rotate with the
   * current token). The new identity is written down first, then adopted (the store renumbers
   * the unsent changes under it), then its token is kept — so a crash anywhere in between is
   * finished by the next sync instead of leaving a store and a token of different identities.
   */
  private async rotate(state: RunState, reason: IdentityChangeReason): Promise<void> {
    if (state.rotated || !this.saveToken) {
      throw new SyncHttpError(
        409,
        'identity_conflict',
        'Identitas tablet ini dipakai perangkat lain; perubahan tetap disimpan di tablet. Hubungi koordinator.',
      );
    }
    state.rotated = true;
    const from = this.store.deviceId;
    const identity = await this.transport.rotate();
    const pending: PendingIdentity = { ...identity, from, reason, at: this.now() };
    await this.store.cursors.set(PENDING_IDENTITY, JSON.stringify(pending));
    await this.finishIdentity();
  }

  /** Complete a rotation written down by `rotate` (no-op when none is pending). */
  private async finishIdentity(): Promise<void> {
    const raw = await this.store.cursors.get(PENDING_IDENTITY);
    if (!raw || !this.saveToken) return;
    const p = JSON.parse(raw) as PendingIdentity;
    if (this.store.deviceId !== p.deviceId) await this.store.adoptIdentity(p.deviceId);
    await this.store.setBundleSecret(p.bundleSecret);
    await this.saveToken(p.token);
    const change: IdentityChange = {
      at: p.at,
      from: p.from,
      to: p.deviceId,
      reason: p.reason,
      resent: await this.store.outbox.count(),
    };
    // After a restore the identity changes as a matter of course (the restore notice says
    // what happened); "another device uses this identity" would be wrong there.
    if (p.reason !== 'restored') {
      await this.store.cursors.set(IDENTITY_CHANGED, JSON.stringify(change));
      this.set({ identityChanged: change });
    }
    await this.store.cursors.set(PENDING_IDENTITY, '');
  }

  /**
   * The incarnation the server answered with in this run, or (none yet) asked for with a
   * one-row pull page; null when the server sends none (older than incarnations).
   */
  private async currentIncarnation(state: RunState): Promise<Incarnation | null> {
    if (state.incarnation) return state.incarnation;
    const page = await this.transport.pull(0, 1);
    state.incarnation = page.incarnation ?? null;
    return state.incarnation;
  }

  /**
   * Compare the server's incarnation with the one this tablet last synced with, and re-base
   * when the server went back in time: its id changed (`changed`), or it lost seqs of this
   * tablet it had acknowledged (`seq_gap`). The first incarnation a tablet sees is only
   * remembered. Returns with the incarnation remembered, or throws (nothing is pushed then).
   */
  private async ensureIncarnation(
    state: RunState,
    inc: Incarnation | null,
    why: 'changed' | 'seq_gap',
  ): Promise<void> {
    const known = (await this.store.cursors.get(INCARNATION)) || null;
    if (why === 'changed') {
      if (!inc || known === inc.id) return;
      if (known === null) {
        await this.store.cursors.set(INCARNATION, inc.id);
        return;
      }
    }
    if (state.rebased) {
      throw new SyncHttpError(
        409,
        'server_changed',
        'Server berganti lagi selama sinkronisasi; dicoba lagi nanti. Data di tablet tetap tersimpan.',
      );
    }
    await this.rebase(state, inc, known);
  }

  /**
   * Re-base on a restored server (docs/architecture.md "Restored server"):
   * 1. take a fresh identity (the restored server's seqs of this tablet went back; the old
   *    ones may still arrive in an export file), unless a re-base interrupted earlier did;
   * 2. read the restored server's records as they were at its restore point (the history
   *    it shares with the incarnation this tablet knew; the whole current state when that
   *    cannot be told);
   * 3. in one store transaction: queue again every value the server lacks, move unsent
   *    changes' bases and held versions back to the shared history, reset the pull cursor,
   *    put files back on the upload list, remember the incarnation.
   * The push, pull, uploads and receipts of the same run then do the rest.
   */
  private async rebase(
    state: RunState,
    inc: Incarnation | null,
    known: string | null,
  ): Promise<void> {
    state.rebased = true;
    const trusted =
      inc !== null && known !== null && inc.parent === known && inc.restoredThrough !== null;
    const marker = await this.store.cursors.get(REBASING);
    const begun = marker
      ? (JSON.parse(marker) as { incarnation: string | null; deviceId: string })
      : null;
    const incId = inc?.id ?? null;
    if (!(begun && begun.incarnation === incId && begun.deviceId === this.store.deviceId)) {
      await this.rotate(state, 'restored');
      await this.store.cursors.set(
        REBASING,
        JSON.stringify({ incarnation: incId, deviceId: this.store.deviceId }),
      );
    }
    const restored = new Map<
      string,
      { fields: Record<string, unknown>; versions: Record<string, number> }
    >();
    const upTo = trusted ? (inc?.restoredThrough ?? undefined) : undefined;
    let cursor = 0;
    for (;;) {
      const page = await this.transport.pull(cursor, undefined, [], upTo);
      if ((page.incarnation?.id ?? null) !== incId)
        throw new SyncHttpError(
          409,
          'server_changed',
          'Server berganti lagi selama sinkronisasi; dicoba lagi nanti. Data di tablet tetap tersimpan.',
        );
      for (const c of page.changes) {
        const k = `${c.entity}\u0000${c.id}`;
        const r = restored.get(k) ?? { fields: {}, versions: {} };
        for (const [f, v] of Object.entries(c.versions)) {
          if ((r.versions[f] ?? -1) >= v) continue;
          r.versions[f] = v;
          r.fields[f] = c.fields[f];
        }
        restored.set(k, r);
      }
      if (!page.hasMore || page.cursor === cursor) break;
      cursor = page.cursor;
    }
    const done = await this.store.rebase({
      restored,
      trusted,
      cursors: { [PULL_CURSOR]: '0', [INCARNATION]: incId ?? '' },
    });
    await this.store.cursors.set(REBASING, '');
    const n = done.resent;
    state.notice = {
      at: this.now(),
      incarnation: incId ?? '',
      resent: n,
      rebased: done.rebasedOutbox,
      trusted,
      lostFiles: [],
      message: `Server dipulihkan dari cadangan; ${n} perubahan dikirim ulang.`,
      messageEn: `The server was restored from a backup; ${n} change${n === 1 ? '' : 's'} sent again.`,
    };
  }

  /**
   * After the run of a re-base: name the evidence files the tablet freed (on the old
   * server's receipt) that the restored server does not hold — they cannot be sent again —
   * and keep the notice until the verifier dismisses it.
   */
  private async finishRestoreNotice(state: RunState): Promise<void> {
    const notice = state.notice;
    if (!notice) return;
    for (const a of await this.store.assessments.list()) {
      const local = (await this.store.evidence.listByAssessment(a.id)).filter((f) => !f.deleted);
      if (local.length === 0) continue;
      const receipt = await this.receiptOf(a.id);
      if (!receipt) continue;
      const held = new Set(receipt.hashes);
      for (const f of local) {
        if (held.has(f.sha256) || (await this.store.blobs.has(f.sha256))) continue;
        notice.lostFiles.push({
          assessmentId: a.id,
          indicatorNo: f.indicatorNo,
          name: f.name,
          sha256: f.sha256,
        });
      }
    }
    const lost = notice.lostFiles.length;
    if (lost > 0) {
      notice.message += ` ${lost} foto sudah dikosongkan dari tablet dan tidak ada di server yang dipulihkan: ambil ulang foto itu.`;
      notice.messageEn += ` ${lost} photo${lost === 1 ? ' was' : 's were'} already freed on this tablet and the restored server does not hold ${lost === 1 ? 'it' : 'them'}: take ${lost === 1 ? 'it' : 'them'} again.`;
    }
    await this.store.cursors.set(RESTORED, JSON.stringify(notice));
    this.set({ restored: notice });
  }

  /**
   * Conflicts this tablet takes part in, as it stores them: those it raised (its edit was
   * not applied; it chooses) and those where another tablet's edit disputed the value this
   * tablet wrote (it is told, and may take the other value). The server also lists other
   * tablets' conflicts in scope (the coordinator needs them); on this tablet they would show
   * someone else's value as "mine". Conflicts stored under an earlier identity of this
   * tablet keep their role, so updates of those (resolved elsewhere) are still taken.
   */
  private async own(conflicts: WireConflict[]): Promise<Conflict[]> {
    const me = this.store.deviceId;
    const out: Conflict[] = [];
    const known = new Map<string, Map<string, Conflict>>();
    for (const c of conflicts) {
      if (c.localDeviceId === me || c.serverDeviceId === me) {
        out.push(toLocalConflict(c, c.localDeviceId === me ? 'raised' : 'disputed'));
        continue;
      }
      let rows = known.get(c.assessmentId);
      if (!rows) {
        const stored = await this.store.conflicts.listByAssessment(c.assessmentId, {
          includeResolved: true,
        });
        rows = new Map(stored.map((r) => [r.id, r]));
        known.set(c.assessmentId, rows);
      }
      const before = rows.get(c.id);
      if (before) out.push(toLocalConflict(c, before.role ?? 'raised'));
    }
    return out;
  }

  private async pull(state: RunState): Promise<void> {
    const report = state.report;
    let cursor = Number((await this.store.cursors.get(PULL_CURSOR)) ?? 0);
    // Records whose refused change was dropped (every refusal puts the server's value back):
    // asked for whole, at most MAX_REFETCH per page (the server refuses more), so a long
    // list takes further pages of the same cursor until it is done.
    let wanted = await this.store.rejected.refetchWanted();
    let refetch = wanted.slice(0, MAX_REFETCH);
    for (;;) {
      const sentAt = this.now();
      const page = await this.transport.pull(cursor, undefined, refetch);
      await this.checkClock(sentAt, page.serverTime);
      if (page.incarnation) {
        state.incarnation = page.incarnation;
        const known = await this.store.cursors.get(INCARNATION);
        if (known !== page.incarnation.id) {
          // Never stored: the cursor may be ahead of the restored change log, and its
          // versions older than this tablet's. Re-base (cursor back to 0) and read again.
          await this.ensureIncarnation(state, page.incarnation, 'changed');
          cursor = Number((await this.store.cursors.get(PULL_CURSOR)) ?? 0);
          continue;
        }
      }
      for (const c of page.changes) {
        const applied = await this.store.applyRemote(c.entity, c.id, c.fields, c.versions);
        report.pulled++;
        if (applied.applied.length > 0) report.received++;
      }
      if (page.conflicts.length) {
        const own = await this.own(page.conflicts);
        await this.store.conflicts.put(own);
        // Counted here only: the pull lists every open conflict, including those just pushed.
        report.conflicts += own.filter((c) => !c.resolved).length;
      }
      // The cursor moves only after the page is stored: a crash repeats the page, never skips it.
      cursor = page.cursor;
      await this.store.cursors.set(PULL_CURSOR, String(cursor));
      if (refetch.length > 0) {
        await this.store.rejected.refetched(refetch);
        wanted = wanted.slice(refetch.length);
        refetch = wanted.slice(0, MAX_REFETCH);
      }
      if (!page.hasMore && refetch.length === 0) return;
    }
  }

  /**
   * Upload every waiting evidence file, each on its own, up to `uploadConcurrency` at once:
   * a file this tablet cannot read or whose bytes no longer match their SHA-256 (local), or
   * one the server refuses (server), is recorded on its blob and named in the status; the
   * others still go up. A network failure ends the step (the server is gone for all files
   * alike): no further file is started, those in flight are let finish, then it is thrown.
   * A 413 `upload_quota` while several files go at once is those files filling the tablet's
   * staging quota together, not this file's fault: it is sent again after all the others,
   * one at a time; only a refusal then is recorded on the file.
   */
  private async upload(report: SyncReport): Promise<void> {
    const files = await this.store.blobs.listPendingUpload();
    if (files.length === 0) return;
    // A file the server already holds (imported from this tablet's export file, or the same
    // photo sent by another tablet) is not sent again.
    const held = await this.heldByServer();
    // Files that failed before go last, so a persistent failure never delays the others.
    const queue = [...files].sort((a, b) => Number(!!a.failure) - Number(!!b.failure));
    /** Refused for the quota while others were in flight: sent again one at a time. */
    const deferred: typeof queue = [];
    /** The first retryable failure (thrown at the end) and the first fatal one (ends the step). */
    const outcome: { transient: Error | null; fatal: { error: unknown } | null } = {
      transient: null,
      fatal: null,
    };
    let done = this.status.progress.bytesSent;
    const inFlight = new Map<string, number>();
    const showProgress = () => {
      let sent = done;
      for (const n of inFlight.values()) sent += n;
      this.set({ progress: { ...this.status.progress, bytesSent: sent } });
    };
    const one = async (f: (typeof queue)[number]): Promise<void> => {
      if (held.has(f.sha256)) {
        // markUploaded also clears a failure recorded earlier.
        await this.store.blobs.markUploaded(f.sha256);
        return;
      }
      let blob: Blob;
      try {
        blob = await this.readVerified(f.sha256, f.mime);
      } catch (e) {
        const err =
          e instanceof SyncLocalError
            ? e
            : new SyncLocalError('blob_unreadable', unreadableMessage(e), e);
        await this.store.blobs.markFailed(f.sha256, {
          source: 'local',
          code: err.code,
          message: err.message,
          at: this.now(),
        });
        report.failedFiles++;
        return;
      }
      inFlight.set(f.sha256, 0);
      try {
        await this.transport.upload({ sha256: f.sha256, blob, mime: f.mime }, (sent) => {
          inFlight.set(f.sha256, sent);
          showProgress();
        });
      } catch (e) {
        inFlight.delete(f.sha256);
        if (!(e instanceof SyncHttpError) || isFatal(e)) throw e;
        if (e.retryable) {
          // Server busy or failing: not this file's fault; try it again next sync.
          outcome.transient ??= e;
          return;
        }
        if (e.status === 413 && e.code === 'upload_quota' && shared) {
          deferred.push(f);
          return;
        }
        await this.store.blobs.markFailed(f.sha256, {
          source: 'server',
          code: e.code,
          message: e.message,
          at: this.now(),
        });
        report.failedFiles++;
        showProgress();
        return;
      }
      inFlight.delete(f.sha256);
      await this.store.blobs.markUploaded(f.sha256);
      done += f.bytes;
      showProgress();
      report.uploaded++;
    };
    /**
     * Several uploads share the quota now. Uploads created at the same moment may all be
     * refused together (each counts the others), so a refusal then says nothing about the
     * file: it is deferred, whatever is in flight when its answer comes.
     */
    let shared = false;
    const worker = async (list: typeof queue) => {
      for (let f = list.shift(); f && !outcome.fatal; f = list.shift()) {
        try {
          await one(f);
        } catch (e) {
          outcome.fatal ??= { error: e };
        }
      }
    };
    const lanes = Math.min(this.uploadConcurrency, queue.length);
    shared = lanes > 1;
    await Promise.all(Array.from({ length: lanes }, () => worker(queue)));
    shared = false;
    // What the quota held back goes one at a time (alone, a refusal is the file's own).
    if (!outcome.fatal) await worker(deferred);
    if (outcome.fatal) throw outcome.fatal.error;
    if (outcome.transient) throw outcome.transient;
  }

  /**
   * The stored bytes of a file, checked against their SHA-256 before they are sent: damaged
   * bytes are a local problem (retake the photo), not something to send and have refused.
   */
  private async readVerified(sha256: string, mime: string): Promise<Blob> {
    const stored = await this.store.blobs.get(sha256);
    if (!stored)
      throw new SyncLocalError('blob_missing', 'Berkas foto tidak ada lagi di tablet ini.');
    const bytes = await stored.arrayBuffer();
    if ((await sha256Hex(bytes)) !== sha256)
      throw new SyncLocalError(
        'blob_damaged',
        'Isi berkas di tablet ini rusak (tidak cocok dengan sidik SHA-256-nya). Ambil ulang foto atau hapus berkas ini.',
      );
    return new Blob([bytes], { type: mime || stored.type });
  }

  /**
   * The server's receipt of an assessment, or null when the server no longer shows it to
   * this tablet (403/404: the unit was withdrawn from this verifier).
   */
  private async receiptOf(assessmentId: string): Promise<Receipt | null> {
    try {
      return await this.transport.receipt(assessmentId);
    } catch (e) {
      if (e instanceof SyncHttpError && (e.status === 403 || e.status === 404)) return null;
      throw e;
    }
  }

  /** Hashes the server holds for the assessments with evidence on this tablet. */
  private async heldByServer(): Promise<Set<string>> {
    const held = new Set<string>();
    for (const a of await this.store.assessments.list()) {
      if ((await this.store.evidence.listByAssessment(a.id)).length === 0) continue;
      for (const h of (await this.receiptOf(a.id))?.hashes ?? []) held.add(h);
    }
    return held;
  }

  /** Failed uploads named by their evidence records (unit, indicator, file name). */
  private async failedFiles(): Promise<FailedFile[]> {
    const failed = (await this.store.blobs.listPendingUpload()).filter((f) => f.failure);
    if (failed.length === 0) return [];
    const bySha = new Map(failed.map((f) => [f.sha256, f]));
    const out: FailedFile[] = [];
    const unitNames = new Map<string, string | null>();
    for (const a of await this.store.assessments.list()) {
      const records: EvidenceFile[] = (await this.store.evidence.listByAssessment(a.id)).filter(
        (r) => bySha.has(r.sha256),
      );
      if (records.length === 0) continue;
      if (!unitNames.has(a.unitId))
        unitNames.set(a.unitId, (await this.store.reference.getUnit(a.unitId))?.name ?? null);
      for (const r of records) {
        const failure = bySha.get(r.sha256)?.failure;
        if (!failure) continue;
        out.push({
          sha256: r.sha256,
          assessmentId: a.id,
          unitName: unitNames.get(a.unitId) ?? null,
          indicatorNo: r.indicatorNo,
          name: r.name,
          source: failure.source,
          code: failure.code,
          message: failure.message,
          at: failure.at,
        });
      }
    }
    return out;
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
      const receipt = await this.receiptOf(a.id);
      if (!receipt) continue;
      const { hashes } = receipt;
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
      const r = await this.receiptOf(a.id);
      // A unit no longer this verifier's has no receipt for this tablet: its files are
      // neither confirmed nor refused here (the coordinator sees them), and it must not turn
      // every later sync into an error.
      if (!r) continue;
      const held = new Set(r.hashes);
      // A file this tablet counted as sent but the server does not hold goes back on the
      // upload list (the next sync sends it), instead of waiting forever as "unconfirmed".
      if (local.some((f) => !held.has(f.sha256)))
        await this.store.blobs.requeueMissing(a.id, r.hashes);
      // Counted once per content, as the home card and the storage page count files.
      const contents = new Set(local.map((f) => f.sha256));
      receipts[a.id] = {
        local: contents.size,
        confirmed: [...contents].filter((sha) => held.has(sha)).length,
        checkedAt: this.now(),
      };
    }
    this.set({ receipts });
  }
}

/**
 * Most JSON bytes one push carries (far below the server's body limit, 32 MiB by default):
 * signatures are up to 400 KB each, so an outbox of re-signed berita acara would otherwise
 * make one push too large for the server every time — a stalled queue.
 */
export const PUSH_BUDGET_BYTES = 4 * 1024 * 1024;

/** The oldest mutations whose JSON fits in `budget` bytes (always at least one). */
/**
 * The offline package's actions this app can read (core TabletActionSchema); one it cannot
 * (a newer server's shape, a broken row) is left out and logged, never stalling the sync,
 * as remote apply does with values it cannot read.
 */
function readActions(raw: readonly unknown[]): TabletAction[] {
  const ok: TabletAction[] = [];
  const skipped: { id: unknown; message: string }[] = [];
  for (const row of raw) {
    const r = TabletActionSchema.safeParse(row);
    if (r.success) ok.push(r.data);
    else
      skipped.push({
        id: (row as { id?: unknown } | null)?.id,
        message: r.error.issues[0]?.message ?? 'invalid',
      });
  }
  if (skipped.length) console.warn('Telusur: actions this app cannot read were left out', skipped);
  return ok;
}

function withinBudget(mutations: Mutation[], budget: number): Mutation[] {
  let used = 0;
  let n = 0;
  for (const m of mutations) {
    used += JSON.stringify(m).length + 1;
    if (n > 0 && used > budget) break;
    n++;
  }
  return mutations.slice(0, n);
}

interface PendingIdentity extends DeviceIdentity {
  from: string;
  reason: IdentityChangeReason;
  at: number;
}

/** The 401 of a token the server does not know: the tablet must be enrolled again. */
function unknownDevice(): SyncHttpError {
  return new SyncHttpError(
    401,
    'device_unknown',
    'Server tidak mengenal tablet ini (misalnya server dipulihkan dari cadangan yang dibuat sebelum tablet ini didaftarkan). Daftarkan ulang tablet dengan kode baru dari koordinator; data di tablet tetap tersimpan.',
  );
}

/** The later of two times (either may be unknown). */
function latest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Network failures, a revoked or unknown token and an outdated app end a run at once. */
function isFatal(e: Error): boolean {
  return e instanceof SyncHttpError && (e.status === 0 || e.status === 401 || e.status === 426);
}

function classify(e: unknown): { error: Error; source: SyncErrorSource; code: string } {
  if (e instanceof SyncHttpError)
    return { error: e, source: e.status === 0 ? 'network' : 'server', code: e.code };
  if (e instanceof SyncLocalError) return { error: e, source: 'local', code: e.code };
  // Anything else failed on this tablet (its database, a bug): never reported as offline.
  const error = e instanceof Error ? e : new Error(String(e));
  const code =
    typeof (e as { code?: unknown })?.code === 'string'
      ? String((e as { code: string }).code)
      : 'local_error';
  return { error, source: 'local', code };
}

function unreadableMessage(e: unknown): string {
  const detail = e instanceof Error && e.message ? ` (${e.message})` : '';
  return `Tablet tidak dapat membaca berkas ini${detail}. Ambil ulang foto atau hapus berkas ini.`;
}

/** SHA-256 of bytes as lower-case hex (Web Crypto). */
async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A pulled conflict as this tablet stores it: the wire fields but `localDeviceId` (only
 * conflicts this tablet takes part in are kept, see `own`), with this tablet's role.
 */
function toLocalConflict(c: WireConflict, role: ConflictRole): Conflict {
  const { localDeviceId: _, ...local } = toWireConflict(c);
  return { ...local, role };
}
