import { registerSW } from 'virtual:pwa-register';
import { useUi } from '../state/ui.store';

/**
 * Service worker in prompt mode (workbox-window underneath). A new version waits until the
 * verifier chooses to reload; we refuse while an edit is uncommitted or a sync runs, because
 * reloading then could lose the last keystrokes or interrupt an upload.
 */
let updateSW: ((reload?: boolean) => Promise<void>) | null = null;
const HOUR = 60 * 60 * 1000;

export function startServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh() {
      useUi.getState().setUpdateReady(true);
    },
    onRegisteredSW(_url, registration) {
      if (!registration) return;
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined);
      }, HOUR);
    },
  });
}

/** Why a reload is refused right now, or null when it is safe. */
export function reloadBlocker(): 'updateBlockedDirty' | 'updateBlockedSync' | null {
  const ui = useUi.getState();
  if (ui.dirty > 0) return 'updateBlockedDirty';
  if (ui.syncing) return 'updateBlockedSync';
  return null;
}

export async function applyUpdate(): Promise<void> {
  if (reloadBlocker() || !updateSW) return;
  await updateSW(true);
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
