// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { DEFAULT_ZONE_CODE, formatInZone, type ZoneCode } from '../core/organisation';
import type { Locale } from './i18n';

/**
 * The formatters both rooms share: dates and times, byte sizes. An index is formatted with
 * core's `formatIndex` (src/core/scoring.ts), the same rule the server's reports use.
 */

/**
 * A time as people in the locale write it. Without `options`, the full date and time with
 * seconds ("12/3/2025, 14.05.09"), as the tablet shows when a change was made.
 */
export function formatDateTime(
  locale: Locale,
  ms: number,
  options?: Intl.DateTimeFormatOptions,
): string {
  return new Date(ms).toLocaleString(locale === 'en' ? 'en-GB' : 'id-ID', options);
}

/** Date and time, short: "12 Mar 2025 14.05" ('' for none). */
export function formatTime(locale: Locale, ms: number | null | undefined): string {
  return ms == null ? '' : formatDateTime(locale, ms, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A time for the Pemda, as reports and berita acara write it: wall clock in the
 * organisation's zone with its label — "2 Oktober 2023 pukul 08.00 WIB", "… 09.00 WITA" —
 * ('–' for none); `style: 'full'` adds the weekday, `'medium'` is the short form of lists
 * ("2 Okt 2023, 08.00 WIB"). The zone is the organisation's, not the
 * device's, so a report reads the same wherever it is opened. `zone` defaults to WIB: the
 * zone of every print before an organisation is set up.
 */
export function formatZoneTime(
  ms: number | null | undefined,
  locale: Locale = 'id',
  zone: ZoneCode = DEFAULT_ZONE_CODE,
  style: 'medium' | 'long' | 'full' = 'long',
): string {
  return ms == null ? '–' : formatInZone(ms, zone, locale, style);
}

/**
 * A number as people in the locale write it: decimal comma and dot between thousands in
 * Indonesian ("1,3", "20.000"), the other way round in English; at most `digits` decimals.
 */
export function formatNumber(locale: Locale, n: number, digits = 2): string {
  return n.toLocaleString(locale === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: digits });
}

/** A percentage, e.g. an indicator's weight: "1,3 %" in Indonesian, "1.3%" in English. */
export function formatPercent(locale: Locale, n: number, digits = 2): string {
  const v = formatNumber(locale, n, digits);
  return locale === 'en' ? `${v}%` : `${v} %`;
}

/**
 * A byte count for people: "512 B", "40 KB", "1,5 MB", "2,00 GB" (decimal point in English;
 * '–' for unknown). Below 1 KB the bytes themselves: a small text file is never "0 KB".
 */
export function formatBytes(n: number | null, locale: Locale = 'id'): string {
  if (n === null) return '–';
  if (n < 1024) return `${n} B`;
  const [value, unit] =
    n < 1048576
      ? [(n / 1024).toFixed(0), 'KB']
      : n < 1024 ** 3
        ? [(n / 1048576).toFixed(1), 'MB']
        : [(n / 1024 ** 3).toFixed(2), 'GB'];
  return `${locale === 'en' ? value : value.replace('.', ',')} ${unit}`;
}

/**
 * A number as typed in either language: "2,5", "2.5", " 3 ", "-0,5", "87,25" — a decimal
 * comma and a decimal point alike, whatever the page's language (people type the mark their
 * keyboard gives). Returns null for an empty field and 'invalid' for anything else ("2,5,1",
 * "abc", "1e3", "2,", "1.000,5"): a value is never guessed from text that is not a plain
 * decimal number. One reader for the tablet's fields and the coordinator's forms.
 */
export function parseDecimal(text: string): number | null | 'invalid' {
  const s = text.trim();
  if (s === '') return null;
  if (!/^[-+]?\d+([.,]\d+)?$/.test(s)) return 'invalid';
  return Number(s.replace(',', '.'));
}
