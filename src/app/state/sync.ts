import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../core';
import {
  fetchTransport,
  SyncEngine,
  SyncScheduler,
  type SyncStatus,
  tusUploader,
} from '../../sync';
import { create } from './create-store';
import { useUi } from './ui.store';
import { getStore } from './workspace';

/** Keys in the work store's cursor table for this tablet's enrolment. */
const TOKEN_KEY = 'auth.deviceToken';
const PROFILE_KEY = 'auth.profile';

export interface Enrolment {
  verifierName: string;
  deviceLabel: string;
}

interface SyncState {
  enrolment: Enrolment | null;
  status: SyncStatus | null;
}

export const useSync = create<SyncState>(() => ({ enrolment: null, status: null }));

let token: string | null = null;
let scheduler: SyncScheduler | null = null;
let engineRef: SyncEngine | null = null;

/** Start syncing if this tablet is enrolled (called once at app start). */
export async function startSync(): Promise<void> {
  const store = await getStore('kerja');
  token = await store.cursors.get(TOKEN_KEY);
  const profile = await store.cursors.get(PROFILE_KEY);
  useSync.setState({ enrolment: profile ? (JSON.parse(profile) as Enrolment) : null });
  if (!token || scheduler) return;
  const engine = new SyncEngine(
    store,
    fetchTransport({
      token: () => token,
      uploader: tusUploader({ endpoint: '/api/files/', token: () => token }),
    }),
    store.deviceId,
  );
  engine.subscribe((status) => {
    useSync.setState({ status });
    useUi.getState().setSyncing(status.state === 'syncing');
  });
  engineRef = engine;
  scheduler = new SyncScheduler(engine);
  scheduler.start();
}

/** Drop local copies of photos the server has proven it holds (receipt complete). */
export async function purgeReceived(): Promise<number> {
  if (!engineRef) return 0;
  return (await engineRef.purgeReceived()).purged;
}

export function syncNow(): Promise<void> {
  return scheduler?.now() ?? Promise.resolve();
}

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

/** Enrol this tablet with a one-time code from the coordinator; then sync starts. */
export async function enrol(codeInput: string, label: string, lang: string): Promise<Enrolment> {
  const code = normaliseEnrolCode(codeInput);
  const store = await getStore('kerja');
  let res: Response;
  try {
    res = await fetch('/api/devices/enrol', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': lang,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      },
      // The server adopts this tablet's own device id, so its outbox (deviceId, seq) is the
      // identity the server dedupes pushes by.
      body: JSON.stringify({ code, label, deviceId: store.deviceId }),
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
    device?: { label?: string };
    verifier?: { name?: string };
  };
  if (!res.ok || !body.token)
    throw new EnrolError(body.message ?? `HTTP ${res.status}`, body.code ?? 'error');
  const enrolment: Enrolment = {
    verifierName: body.verifier?.name ?? '',
    deviceLabel: body.device?.label ?? label,
  };
  await store.cursors.set(TOKEN_KEY, body.token);
  await store.cursors.set(PROFILE_KEY, JSON.stringify(enrolment));
  // Enrolled: this tablet now holds work that must not be evicted.
  await store.requestPersistence().catch(() => false);
  await startSync();
  return enrolment;
}
