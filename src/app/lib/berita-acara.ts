import { dayAndDateInZone, type ZoneCode } from '../../core';
import type { Comment, Verification } from '../../store';
import type { Locale } from '../../ui/i18n';

/**
 * The words of the berita acara as an official record is written: the opening paragraph
 * (day, date, place, who verified what), dates in words, and what the coordinator's
 * decisions left for the verifier. Pure, so unit tests pin the text.
 */

/** A blank to fill in by hand where a value is not known yet (an unsigned draft). */
export const BLANK = '……………';

/** One signatory as the record names them. */
export interface Signatory {
  name: string;
  nip: string;
  role: string;
}

/**
 * Day name and date in words: `{ day: 'Senin', date: '30 November 2026' }` (English:
 * `Monday`, `30 November 2026`), in the organisation's `zone` when given (what the app
 * prints), else in the tablet's own time zone.
 */
export function dayAndDate(
  locale: Locale,
  ms: number,
  zone?: ZoneCode,
): { day: string; date: string } {
  if (zone) return dayAndDateInZone(ms, zone, locale);
  const tag = locale === 'en' ? 'en-GB' : 'id-ID';
  const d = new Date(ms);
  return {
    day: d.toLocaleDateString(tag, { weekday: 'long' }),
    date: d.toLocaleDateString(tag, { day: 'numeric', month: 'long', year: 'numeric' }),
  };
}

/**
 * The opening paragraph of the berita acara, up to the list of signatories:
 * "Pada hari ini, Senin tanggal 30 November 2026, bertempat di Kantor Kelurahan Bulakan,
 * kami yang bertanda tangan di bawah ini:". An unsigned record has no date yet, and a
 * record without a place has none: both print as blanks. The date is the organisation's
 * (`zone`): a record signed at 23.30 WIB is already the next day in Jayapura.
 */
export function openingLead(
  locale: Locale,
  p: { signedAt: number | null | undefined; place: string | null | undefined; zone?: ZoneCode },
): string {
  const when = p.signedAt ? dayAndDate(locale, p.signedAt, p.zone) : { day: BLANK, date: BLANK };
  const place = p.place?.trim() || BLANK;
  return locale === 'en'
    ? `On this day, ${when.day} ${when.date}, at ${place}, we the undersigned:`
    : `Pada hari ini, ${when.day} tanggal ${when.date}, bertempat di ${place}, kami yang bertanda tangan di bawah ini:`;
}

/**
 * The paragraph after the signatories: what was verified — the unit's self-assessment of
 * the period under the instrument — and, for a partial verification, how much of it.
 */
export function openingClose(
  locale: Locale,
  p: {
    unit: string;
    period: string;
    framework: string;
    partial: boolean;
    verified: number;
    total: number;
  },
): string {
  if (locale === 'en') {
    const what = `have verified the self-assessment (penilaian mandiri) of ${p.unit} for ${p.period}, using the instrument ${p.framework}`;
    return p.partial
      ? `${what}. This is a PARTIAL VERIFICATION: ${p.verified} of ${p.total} indicators were verified. The results are as follows.`
      : `${what}, with the results as follows.`;
  }
  const what = `telah melakukan verifikasi atas penilaian mandiri ${p.unit} pada ${p.period} dengan instrumen ${p.framework}`;
  return p.partial
    ? `${what}. Verifikasi ini merupakan VERIFIKASI SEBAGIAN: ${p.verified} dari ${p.total} indikator diverifikasi. Hasilnya sebagai berikut.`
    : `${what}, dengan hasil sebagai berikut.`;
}

/** The closing sentence above the signatures. */
export function closingSentence(locale: Locale): string {
  return locale === 'en'
    ? 'This record was made truthfully and signed by both parties.'
    : 'Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.';
}

/** The "SEMENTARA" rule lives in core (record-state.ts); the tablet's pages import it here. */
export { isProvisional } from '../../core';

/** Indicators the coordinator commented on when returning the record, in number order. */
export function commentedIndicators(verifications: Iterable<Verification>): number[] {
  return [...verifications]
    .filter((v) => (v.reviewComment ?? '').trim() !== '')
    .map((v) => v.indicatorNo)
    .sort((a, b) => a - b);
}

/**
 * The coordinator's latest overall comment of a kind (`return`: why the record came back;
 * `reopen`: why an approved record was opened again), or null.
 */
export function latestCoordinatorComment(
  comments: readonly Comment[],
  kind: 'return' | 'reopen',
): Comment | null {
  let latest: Comment | null = null;
  for (const c of comments)
    if (c.kind === kind && c.indicatorNo == null && (!latest || c.createdAt > latest.createdAt))
      latest = c;
  return latest;
}

/** One indicator's line in the printed results. */
export interface PrintedResult {
  no: number;
  verifiedLevel: number | null;
  notApplicable: boolean;
  naReason: string;
  notes: string;
}

/**
 * The results the printed berita acara shows: the signed snapshot while the signing holds
 * (never today's results under the signatures), else the record as it is now (a draft, or
 * a void signing that must be signed again). Indicators without a result are absent.
 */
export function printedResults(
  signed: boolean,
  snapshot: { results: readonly PrintedResult[] } | null | undefined,
  verifications: Iterable<Verification>,
): Map<number, PrintedResult> {
  if (signed && snapshot) return new Map(snapshot.results.map((r) => [r.no, r]));
  const out = new Map<number, PrintedResult>();
  for (const v of verifications)
    out.set(v.indicatorNo, {
      no: v.indicatorNo,
      verifiedLevel: v.verifiedLevel ?? null,
      notApplicable: v.notApplicable === true,
      naReason: v.naReason ?? '',
      notes: v.notes ?? '',
    });
  return out;
}
