import { create } from '../../ui/create-store';
import { useSync } from '../state/sync-state';
import { type Channel, type CoordinatorView, UpdateCoordinator } from './coordinator';
import { currentHolds, type HoldKind, onHoldsChange } from './holds';
import { currentPlace } from './place';

/**
 * The build this page runs, on <html data-build>: support and the e2e read it to tell which
 * version a tablet runs. `VITE_BUILD_ID` at build time, else the entry chunk's file name,
 * whose content hash changes with the app's code.
 */
export const BUILD_ID: string =
  import.meta.env.VITE_BUILD_ID || import.meta.url.split('/').pop()?.replace(/\.js$/, '') || '';

export interface AppUpdateState extends CoordinatorView {
  /** A new version is installed and waits to take over. */
  available: boolean;
  /** The server refused this version (protocol mismatch): updating is the only way on. */
  required: boolean;
  /** Downloading the new version the server asked for. */
  fetching: boolean;
  /** The new version could not be downloaded (offline, server unreachable). */
  fetchFailed: boolean;
  /** The new version took over this tab while it held these: it reloads once they are saved. */
  takenOver: HoldKind[] | null;
}

export const useAppUpdate = create<AppUpdateState>(() => ({
  available: false,
  required: false,
  fetching: false,
  fetchFailed: false,
  takenOver: null,
  blocked: null,
  waitedOn: null,
  going: false,
}));

const HOUR = 60 * 60 * 1000;
/** A tablet brought back to the foreground checks for a new version at most this often. */
const FOREGROUND_CHECK = 15 * 60 * 1000;

let registration: ServiceWorkerRegistration | null = null;
let coordinator: UpdateCoordinator | null = null;
/** Whether a service worker controlled this page before the last controller change. */
let controlled = false;
let reloading = false;
let lastCheck = 0;

function set(patch: Partial<AppUpdateState>): void {
  useAppUpdate.setState(patch);
}

function tabHold() {
  const kinds = currentHolds();
  return kinds.length > 0 ? { kinds, place: currentPlace() } : null;
}

/** Reload into the new version, unless this tab holds input its user has not given up. */
function reloadIfClean(): void {
  if (reloading) return;
  if (coordinator && !coordinator.canReload()) {
    set({ takenOver: currentHolds() });
    return;
  }
  reloading = true;
  location.reload();
}

/** The user chose to lose this tab's unsaved input and run the new version now. */
export function reloadNow(): void {
  reloading = true;
  location.reload();
}

/**
 * Make the waiting version take over. The tab that does it reloads when the new worker is
 * active, whether or not the worker claims this page (`controlling` in workbox-window only
 * reports an update when the page was controlled at registration — not on a tablet's first
 * day — so we do not rely on it).
 */
async function activate(): Promise<void> {
  const waiting = registration?.waiting;
  if (!waiting) {
    // Nothing waits (the server asked for an update it does not serve yet): a plain reload.
    reloadIfClean();
    return;
  }
  waiting.addEventListener('statechange', () => {
    if (waiting.state === 'activated') reloadIfClean();
  });
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

function watch(reg: ServiceWorkerRegistration): void {
  // A worker waits behind an active one: a new version (an installing first worker has none).
  const offer = () => {
    if (!reg.waiting || !reg.active) return;
    set({ available: true, fetching: false, fetchFailed: false });
  };
  offer();
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing;
    installing?.addEventListener('statechange', () => {
      if (installing.state === 'installed') offer();
      else if (installing.state === 'redundant' && useAppUpdate.getState().fetching)
        set({ fetching: false, fetchFailed: true });
    });
  });
}

/** Ask the server for a new version now (the service worker compares its script). */
export async function checkForUpdate(): Promise<void> {
  lastCheck = Date.now();
  const reg = registration;
  if (!reg) return;
  try {
    await reg.update();
    if (useAppUpdate.getState().fetching && !reg.installing && !reg.waiting)
      set({ fetching: false });
  } catch {
    if (useAppUpdate.getState().fetching) set({ fetching: false, fetchFailed: true });
  }
}

function onControllerChange(): void {
  const was = controlled;
  controlled = true;
  // The first worker claiming a page on its first visit changes nothing the page runs.
  if (!was && !useAppUpdate.getState().going) return;
  reloadIfClean();
}

function noChannel(): Channel {
  return { postMessage() {}, addEventListener() {}, removeEventListener() {} };
}

export function startServiceWorker(): void {
  document.documentElement.dataset.build = BUILD_ID;
  // An insecure origin (plain HTTP on a LAN address) gets the notice in main.tsx instead; a
  // worker there would not register anyway, and must never half-serve the app.
  if (import.meta.env.DEV || !window.isSecureContext || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  controlled = sw.controller !== null;
  coordinator = new UpdateCoordinator({
    channel:
      typeof BroadcastChannel === 'function' ? new BroadcastChannel('telusur-update') : noChannel(),
    holds: tabHold,
    activate,
    onChange: (view) => set(view),
  });
  const c = coordinator;
  sw.addEventListener('controllerchange', onControllerChange);
  onHoldsChange(() => {
    c.holdsChanged();
    if (useAppUpdate.getState().takenOver) reloadIfClean();
  });
  window.addEventListener('pagehide', () => c.leave());
  // The server refused this version: fetch the new one now and keep the bar up until updated.
  const onSync = (required: boolean | undefined) => {
    if (!required || useAppUpdate.getState().required) return;
    set({ required: true, fetching: !useAppUpdate.getState().available });
    void checkForUpdate();
  };
  onSync(useSync.getState().status?.updateRequired);
  useSync.subscribe((s) => onSync(s.status?.updateRequired));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - lastCheck > FOREGROUND_CHECK)
      void checkForUpdate();
  });
  void sw
    .register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL })
    .then((reg) => {
      registration = reg;
      lastCheck = Date.now();
      watch(reg);
      if (useAppUpdate.getState().required) void checkForUpdate();
      setInterval(() => {
        if (navigator.onLine) void checkForUpdate();
      }, HOUR);
    })
    .catch(() => undefined);
}

/**
 * The user asks for the update (the bar's "Perbarui"). Waits for this tab's and the other
 * tabs' unsaved input (see UpdateCoordinator); when the server asked for a version that is
 * not downloaded yet, downloads it first.
 */
export async function requestUpdate(): Promise<void> {
  const s = useAppUpdate.getState();
  if (!coordinator || s.going) return;
  if (s.required && !s.available && registration) {
    if (s.fetching) return;
    set({ fetching: true, fetchFailed: false });
    await checkForUpdate();
    if (useAppUpdate.getState().fetching || useAppUpdate.getState().fetchFailed) return;
  }
  await coordinator.request();
}

/** The user of a tab the update waits for lets it go on without this tab's unsaved input. */
export function discardAndUpdate(): void {
  void coordinator?.discardAndUpdate();
}

/** Not now: stop waiting for the update in every tab. */
export function cancelUpdate(): void {
  coordinator?.cancel();
}

/** The browser's install prompt, kept until the verifier asks for it. */
interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
}
let installEvent: InstallPromptEvent | null = null;
const installListeners = new Set<(available: boolean) => void>();

if (typeof window !== 'undefined') {
  // Installed to the home screen: ask the browser not to evict the verifier's data (iPadOS
  // and Chrome grant persistence far more readily to installed apps).
  window.addEventListener('appinstalled', () => {
    void navigator.storage?.persist?.().catch(() => false);
  });
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    installEvent = e as InstallPromptEvent;
    for (const l of installListeners) l(true);
  });
}

export function onInstallAvailable(fn: (available: boolean) => void): () => void {
  installListeners.add(fn);
  fn(installEvent !== null);
  return () => installListeners.delete(fn);
}

export async function promptInstall(): Promise<void> {
  const e = installEvent;
  installEvent = null;
  for (const l of installListeners) l(false);
  await e?.prompt();
}
