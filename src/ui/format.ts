import type { Locale } from './i18n';

/**
 * The formatters both rooms share: dates and times, byte sizes. An index is formatted with
 * core's `formatIndex` (src/core/scoring.ts), the same rule the server's reports use.
 */

function tag(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : 'id-ID';
}

/** Date and time as people in the locale write it: "12 Mar 2025 14.05" ('' for none). */
export function formatTime(locale: Locale, ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return new Intl.DateTimeFormat(tag(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(ms),
  );
}

/** Full date and time with seconds, the device's default style: "12/3/2025, 14.05.09". */
export function formatDateTime(locale: Locale, ms: number): string {
  return new Date(ms).toLocaleString(tag(locale));
}

/**
 * A server time in Western Indonesia Time, as reports and berita acara write it:
 * "2 Oktober 2023 pukul 08.00 WIB" ('–' for none). The zone is fixed so a report reads the
 * same wherever it is opened.
 */
export function formatWib(ms: number | null | undefined, locale: Locale = 'id'): string {
  if (ms === null || ms === undefined) return '–';
  const s = new Intl.DateTimeFormat(tag(locale), {
    timeZone: 'Asia/Jakarta',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(ms));
  return `${s} WIB`;
}

/** A byte count for people: "40 KB", "1.5 MB", "2.00 GB" ('–' for unknown). */
export function formatBytes(n: number | null): string {
  if (n === null) return '–';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
