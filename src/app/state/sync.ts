import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../core';
import type { Mutation, RejectedChange, ReleaseCheck, TelusurStore } from '../../store';
import {
  type FailedFile,
  fetchTransport,
  type IdentityChange,
  SyncEngine,
  SyncHttpError,
  SyncScheduler,
  type SyncStatus,
  type SyncTransport,
  tusUploader,
  webSyncLock,
} from '../../sync';
import { useLocale } from '../../ui/i18n';
import { useOnline } from '../../ui/online';
import { type Enrolment, useSync } from './sync-state';
import { useUi } from './ui.store';
import { forgetStore, getStore } from './workspace';

export {
  type Enrolment,
  usePrintZone,
  useSync,
  useTabletOrganisation,
} from './sync-state';
export type { FailedFile, IdentityChange, RejectedChange, SyncStatus };

/** Keys in the work store's cursor table for this tablet's enrolment. */
const TOKEN_KEY = 'auth.deviceToken';
const PROFILE_KEY = 'auth.profile';

let token: string | null = null;
let scheduler: SyncScheduler | null = null;
let engineRef: SyncEngine | null = null;
let transportRef: SyncTransport | null = null;

function transportFor(): SyncTransport {
  return fetchTransport({
    // Read at every request: a rotated identity's token is used from the next request on.
    token: () => token,
    language: () => useLocale.getState().locale,
    uploader: tusUploader({
      endpoint: '/api/files/',
      token: () => token,
      language: () => useLocale.getState().locale,
    }),
  });
}

/** Start syncing if this tablet is enrolled (called once at app start). */
export async function startSync(): Promise<void> {
  const store = await getStore('kerja');
  token = await store.cursors.get(TOKEN_KEY);
  const profile = await store.cursors.get(PROFILE_KEY);
  useSync.setState({ enrolment: profile ? (JSON.parse(profile) as Enrolment) : null });
  if (!token || scheduler) return;
  const transport = transportFor();
  const engine = new SyncEngine(store, transport, {
    // After a rotation (the old device identity was in use elsewhere) the new token is kept
    // where startSync reads it, so a reload syncs under the new identity.
    saveToken: async (next) => {
      await store.cursors.set(TOKEN_KEY, next);
      token = next;
    },
    // Two tabs of this browser share the database: one syncs at a time, so the second
    // never pushes the same changes at once and reports a false failure.
    lock: webSyncLock(store.name),
  });
  engine.subscribe((status) => {
    useSync.setState({ status });
    useUi.getState().setSyncing(status.state === 'syncing' || status.waitingForOtherTab);
    // A network failure says the server is out of reach; any answer (a finished run, or a
    // server error) says it is reachable. A run still going says nothing yet.
    if (status.state === 'offline') useOnline.setState({ serverReachable: false });
    else if (status.state !== 'syncing') useOnline.setState({ serverReachable: true });
  });
  engineRef = engine;
  transportRef = transport;
  // Rejected changes, failed files and an identity change show even before the first sync.
  void engine.refreshLocal();
  scheduler = new SyncScheduler(engine);
  scheduler.start();
}

/**
 * One evidence file of an improvement action, fetched from the server with this tablet's
 * token (files of actions are not kept on the tablet). Throws SyncHttpError (status 0 when
 * the server is out of reach) or an Error when this tablet is not enrolled.
 */
export async function fetchActionFile(
  actionId: string,
  file: { sha256: string; mime: string },
): Promise<Blob> {
  const fetchFile = transportRef?.actionFile;
  if (!transportRef || !fetchFile)
    throw new SyncHttpError(0, 'not_enrolled', 'Tablet belum terdaftar');
  const bytes = await fetchFile(actionId, file.sha256);
  return new Blob([bytes as BlobPart], { type: file.mime || 'application/octet-stream' });
}

/** Drop local copies of photos the server has proven it holds (receipt complete). */
export async function purgeReceived(): Promise<number> {
  if (!engineRef) return 0;
  return (await engineRef.purgeReceived()).purged;
}

export function syncNow(): Promise<void> {
  return scheduler?.now() ?? Promise.resolve();
}

// --- Rejected changes ("Ditolak server") ----------------------------------------------

/** The "Ditolak server" list, newest first; one assessment's when given. */
export async function listRejected(assessmentId?: string): Promise<RejectedChange[]> {
  return (await getStore('kerja')).rejected.list(assessmentId);
}

/**
 * Send a refused change again as a new change (after the reason was fixed, e.g. the unit
 * was assigned again). Resolves to the new outbox mutation, or null when nothing was left
 * to send (the values are already the server's). Starts a sync.
 */
export async function retryRejected(id: string): Promise<Mutation | null> {
  const m = await (await getStore('kerja')).rejected.retry(id);
  await engineRef?.refreshLocal();
  void syncNow();
  return m;
}

/**
 * Remove one entry from the list. Only after the verifier confirmed it explicitly. The
 * record goes back to the server's value, fetched by the sync started here.
 */
export async function discardRejected(id: string): Promise<void> {
  await (await getStore('kerja')).rejected.discard(id);
  await engineRef?.refreshLocal();
  void syncNow();
}

/** The list (or one assessment's part) as JSON, to hand to the coordinator. */
export async function exportRejected(assessmentId?: string): Promise<string> {
  return (await getStore('kerja')).rejected.exportJson(assessmentId);
}

// --- Identity change (a cloned or restored profile) -----------------------------------

/** The verifier has read the identity message (and told the coordinator). */
export async function dismissIdentityChange(): Promise<void> {
  await engineRef?.dismissIdentityChange();
}

/** The verifier has read the notice that the server was restored from a backup. */
export async function dismissRestoreNotice(): Promise<void> {
  await engineRef?.dismissRestoreNotice();
}

// --- Release ("Lepas tablet") ---------------------------------------------------------

/**
 * Releasing would lose work that exists only on this tablet: changes not yet handled by the
 * server, files the server has not confirmed, or refused changes — and no export file made
 * after them. Export first (or sync), then release.
 */
export class ReleaseRefusedError extends Error {
  readonly code = 'release_unsent';
  constructor(readonly check: ReleaseCheck) {
    super(
      `Tablet belum dapat dilepas: ${check.unsentChanges} perubahan dan ${check.unsentFiles} berkas belum terkirim, ${check.rejected} perubahan ditolak server. Sinkronkan atau ekspor data dulu.`,
    );
    this.name = 'ReleaseRefusedError';
  }
}

/**
 * The server could not be reached to release the tablet. Call releaseTablet again with
 * `force: true` to release it on this tablet only (the token is forgotten here; the
 * coordinator may revoke it on the server).
 */
export class ReleaseOfflineError extends Error {
  readonly code = 'release_offline';
  constructor() {
    super(
      'Server tidak terjangkau. Lepas tablet tanpa koneksi? Token tablet dihapus di tablet ini.',
    );
    this.name = 'ReleaseOfflineError';
  }
}

export interface ReleaseResult {
  /** The server confirmed the release (the token stopped working there too). */
  serverReleased: boolean;
  /** Unsent or refused work deleted from this tablet (it is in the export file). */
  discardedUnsent: boolean;
}

/**
 * Release this tablet ("Lepas tablet") so it can be enrolled for another verifier. Syncs
 * once first when enrolled; then refuses (ReleaseRefusedError, with counts) while anything
 * is unsent or refused unless an export file made afterwards covers it. Tells the server
 * (POST /api/devices/release); when the server cannot be reached it throws
 * ReleaseOfflineError unless `force` (offline release: the token is only forgotten here).
 * Then stops syncing, deletes the local database (unsent work only when the export covers
 * it) and forgets the token and profile, so the enrolment screen shows.
 */
export async function releaseTablet(options: { force?: boolean } = {}): Promise<ReleaseResult> {
  const store = await getStore('kerja');
  if (engineRef) await engineRef.sync().catch(() => undefined);
  const check = await store.releaseCheck();
  const unsent = check.unsentChanges + check.unsentFiles + check.rejected > 0;
  if (unsent && !check.exportCoversUnsent) throw new ReleaseRefusedError(check);
  let serverReleased = false;
  const current = token ?? (await store.cursors.get(TOKEN_KEY));
  // No sync may start while the token is being released (it would fail as revoked).
  scheduler?.stop();
  if (current) {
    try {
      await (
        transportRef ??
        fetchTransport({
          token: () => current,
          language: () => useLocale.getState().locale,
        })
      ).release();
      serverReleased = true;
    } catch (e) {
      if (!(e instanceof SyncHttpError)) throw e;
      if (e.status === 401) {
        // The token no longer works there (released before, or revoked): nothing to tell.
        serverReleased = true;
      } else if (e.status === 0 && options.force) {
        // Offline release: the token is forgotten below; the coordinator may revoke it.
      } else {
        scheduler?.start();
        throw e.status === 0 ? new ReleaseOfflineError() : e;
      }
    }
  }
  stopSync();
  await destroyWork(store, unsent);
  useSync.setState({ enrolment: null, status: null });
  return { serverReleased, discardedUnsent: unsent };
}

function stopSync(): void {
  scheduler?.stop();
  scheduler = null;
  engineRef = null;
  transportRef = null;
  token = null;
}

async function destroyWork(store: TelusurStore, discardUnsent: boolean): Promise<void> {
  await store.destroy({ discardUnsent });
  forgetStore('kerja');
}

// --- Enrolment ------------------------------------------------------------------------

export class EnrolError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Accept a typed code (any case, dashes/spaces) or the scanned `telusur-enrol:` text. */
export function normaliseEnrolCode(input: string): string {
  return input
    .trim()
    .replace(/^telusur-enrol:/i, '')
    .replace(/[\s-]/g, '')
    .toUpperCase();
}

/**
 * Enrol this tablet with a one-time code from the coordinator; then sync starts. The server
 * issues a fresh device identity for every enrolment (so a tablet that changed hands never
 * continues the previous verifier's change numbers): the tablet adopts its
 * `device.id` (unsent changes, if any, are renumbered under it) and keeps the export
 * signing key `bundleSecret`.
 */
export async function enrol(codeInput: string, label: string, lang: string): Promise<Enrolment> {
  const code = normaliseEnrolCode(codeInput);
  const store = await getStore('kerja');
  // A tablet still enrolled holds that enrolment's work: enrolling over it would send one
  // verifier's unsent or refused changes as another's. "Lepas tablet" first (it refuses
  // while anything would be lost, and handles a revoked token).
  const current = await store.cursors.get(PROFILE_KEY);
  if (current || (await store.cursors.get(TOKEN_KEY))) {
    const name = current ? (JSON.parse(current) as Enrolment).verifierName : '';
    throw new EnrolError(
      lang === 'en'
        ? `This tablet is still enrolled for ${name}. Release it first (Storage → Release tablet), then enrol it again.`
        : `Tablet ini masih terdaftar untuk ${name}. Lepas tablet dulu (Penyimpanan → Lepas tablet), lalu daftarkan lagi.`,
      'already_enrolled',
    );
  }
  let res: Response;
  try {
    res = await fetch('/api/devices/enrol', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': lang,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      },
      body: JSON.stringify({ code, label }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new EnrolError(
      lang === 'en' ? 'No connection to the server.' : 'Tidak ada koneksi ke server.',
      'network',
    );
  }
  const body = (await res.json().catch(() => ({}))) as {
    token?: string;
    code?: string;
    message?: string;
    bundleSecret?: string;
    device?: { id?: string; label?: string };
    verifier?: { name?: string };
  };
  if (!res.ok || !body.token || !body.device?.id)
    throw new EnrolError(body.message ?? `HTTP ${res.status}`, body.code ?? 'error');
  const enrolment: Enrolment = {
    verifierName: body.verifier?.name ?? '',
    deviceLabel: body.device.label ?? label,
  };
  // Identity first, token last: a tablet interrupted in between is simply not enrolled yet.
  if (store.deviceId !== body.device.id) await store.adoptIdentity(body.device.id);
  if (body.bundleSecret) await store.setBundleSecret(body.bundleSecret);
  await store.cursors.set(PROFILE_KEY, JSON.stringify(enrolment));
  await store.cursors.set(TOKEN_KEY, body.token);
  // Enrolled: this tablet now holds work that must not be evicted.
  await store.requestPersistence().catch(() => false);
  await startSync();
  return enrolment;
}
