import type { ZoneCode } from '../../core';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { usePrintZone } from '../state/sync-state';

/**
 * Every clock time the tablet shows the verifier — last sync, sync history, refused changes,
 * conflicts, stage values, photos, berita acara — written one way, with its zone's label:
 * "2 Okt 2026, 09.00 WIB" ('–' for none). The zone is the one prints use (state/sync-state
 * usePrintZone: the organisation's as the last sync brought it, WIB before that), so a
 * verifier from Cilegon and a coordinator in Makassar read the same wall clock and know
 * which one it is (Indonesia has WIB, WITA and WIT; core TIME_ZONES).
 */
export function clockText(
  ms: number | null | undefined,
  locale: Locale,
  zone: ZoneCode,
  style: 'medium' | 'long' | 'full' = 'medium',
): string {
  return formatZoneTime(ms, locale, zone, style);
}

/** `clockText` bound to the page's locale and the print zone: `(ms) => "2 Okt 2026, 09.00 WIB"`. */
export function useClockText(): (ms: number | null | undefined) => string {
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  return (ms) => clockText(ms, locale, zone);
}
