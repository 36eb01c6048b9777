import type { IdentityChange } from '../../sync';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { translate } from '../i18n';
import { useSync } from './sync-state';
import { useUi } from './ui.store';

/** localStorage key: `at` of the identity change already announced with a toast. */
const ANNOUNCED_KEY = 'telusur.identityAnnounced';

/** The plain-words message of an identity change (the tablet took a new one) in the locale. */
export function identityText(change: IdentityChange, locale: Locale): string {
  // The print zone with its label, as lib/clock.ts writes every tablet time (not imported
  // from there: this module is on the first screen, the hook would pull more in).
  const zone = useSync.getState().status?.organisation?.zone;
  const when = formatZoneTime(change.at, locale, zone, 'medium');
  return translate(locale, 'identityChanged', { when });
}

/**
 * Announce things sync found out on its own, once: when the tablet took a new device
 * identity, a toast says so (the storage page keeps the full notice until dismissed). The
 * announced change is remembered, so a reload does not repeat the toast.
 *
 * @returns a function that stops watching.
 */
export function watchSyncNotices(): () => void {
  const announce = (change: IdentityChange | null) => {
    if (!change) return;
    const seen = safeGet(ANNOUNCED_KEY);
    if (seen === String(change.at)) return;
    safeSet(ANNOUNCED_KEY, String(change.at));
    useUi.getState().say('info', identityText(change, useLocale.getState().locale));
  };
  announce(useSync.getState().status?.identityChanged ?? null);
  return useSync.subscribe((s) => announce(s.status?.identityChanged ?? null));
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private mode or full storage: the toast may then show again after a reload; harmless.
  }
}
