import { isValueIn, MAX_LEVEL, type ValueDomain } from '../core/framework';
import type { Locale } from '../ui/i18n';

/**
 * Pure helpers of the coordinator's tindak lanjut pages (issue 18): default due dates, the
 * plan turned into one action per indicator, the target a rekomendasi aims at, titles, and
 * dates as the Pemda writes them. No requests, no state: unit-tested on their own.
 */

/**
 * The default due date of a new action: six calendar months after `today` (the
 * organisation's day, `YYYY-MM-DD`), on the same day of the month, or the month's last day
 * when that month is shorter (31 Aug → 28/29 Feb). Chosen over "end of the period's year"
 * because a plan is often turned into actions after its year is over (SPBE 2023 planned in
 * 2024): a date in the past would make every new action overdue at once.
 */
export function defaultDueDate(today: string): string {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1 + 6;
  const d = Number(today.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = m % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** One row of the "plan → actions" form: an indicator and the level the plan raises it to. */
export interface PlanActionRow {
  indicatorNo: number;
  name: string;
  /** The level now (the plan's `from`). */
  from: number;
  /** The highest `to` of the indicator's plan steps. */
  target: number;
  evidence: string[];
}

/**
 * The plan's steps as one action per indicator: target = the highest `to` among the
 * indicator's steps (a plan may list an indicator once per level it climbs), evidence from
 * that step. Ordered by indicator number.
 */
export function planActionRows(
  items: readonly { no: number; name: string; from: number; to: number; evidence: string[] }[],
): PlanActionRow[] {
  const by = new Map<number, PlanActionRow>();
  for (const i of items) {
    const had = by.get(i.no);
    if (!had) {
      by.set(i.no, {
        indicatorNo: i.no,
        name: i.name,
        from: i.from,
        target: i.to,
        evidence: [...i.evidence],
      });
    } else {
      had.from = Math.min(had.from, i.from);
      if (i.to > had.target) {
        had.target = i.to;
        had.evidence = [...i.evidence];
      }
    }
  }
  return [...by.values()].sort((a, b) => a.indicatorNo - b.indicatorNo);
}

/**
 * Whether an action already aims at this unit and indicator with at least this target (the
 * plan form marks and skips such indicators by default). A done (`selesai`) action counts
 * too: its level is verified in the next period, and a second action for the same target
 * would only repeat it.
 */
export function hasAction(
  actions: readonly { unitId: string; indicatorNo: number; targetLevel: number }[],
  unitId: string,
  indicatorNo: number,
  target: number,
): boolean {
  return actions.some(
    (a) => a.unitId === unitId && a.indicatorNo === indicatorNo && a.targetLevel >= target,
  );
}

/**
 * The target of an action made from a verifier's rekomendasi: the next whole level above
 * the verified level (1,25 → 2; 3 → 4), which is a value of either domain; no verified
 * level counts as level 1. Null when the indicator is already at the top level.
 */
export function nextLevelAbove(level: number | null, domain: ValueDomain): number | null {
  const next = Math.floor((level ?? 1) + 1e-9) + 1;
  if (next > MAX_LEVEL) return null;
  return isValueIn(domain, next) ? next : null;
}

/** The first non-empty line of a text, trimmed and cut to `limit` characters (with "…"). */
export function firstLine(text: string, limit: number): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  const chars = [...line];
  return chars.length <= limit ? line : `${chars.slice(0, limit - 1).join('')}…`;
}

/**
 * A calendar day (`YYYY-MM-DD`) as people write it: "31 Desember 2026" / "31 December
 * 2026". The day is a date, not an instant: formatted in UTC so no zone moves it.
 */
export function formatIsoDate(iso: string, locale: Locale): string {
  const ms = Date.UTC(
    Number(iso.slice(0, 4)),
    Number(iso.slice(5, 7)) - 1,
    Number(iso.slice(8, 10)),
  );
  if (!Number.isFinite(ms)) return iso;
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(ms);
}

/** Evidence lines as typed in a textarea (one per line; blank lines dropped). */
export function evidenceLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The share (0–100, whole) of `part` in `total`; 0 when there is nothing. */
export function percentOf(part: number, total: number): number {
  return total > 0 ? Math.round((part / total) * 100) : 0;
}

/**
 * The refused rows of a bulk request, by their index in the request, from a problem's
 * `details`: field issues whose path starts `actions.<n>` (or `actions/<n>`), and
 * `rows: [{ row, message }]` of 422 `action_bulk_invalid` (`row` counts from 1; an `index`
 * counts from 0).
 */
export function rowErrors(details: unknown): Map<number, string> {
  const out = new Map<number, string>();
  const d = (details ?? {}) as {
    issues?: { path?: unknown; message?: unknown }[];
    rows?: { index?: unknown; row?: unknown; message?: unknown }[];
  };
  for (const i of Array.isArray(d.issues) ? d.issues : []) {
    const m = /^\/?actions[./](\d+)/.exec(String(i.path ?? ''));
    if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), String(i.message ?? ''));
  }
  for (const r of Array.isArray(d.rows) ? d.rows : []) {
    // `index` counts from 0; the server's `row` counts from 1 (its position in the request).
    const n = typeof r.index === 'number' ? r.index : typeof r.row === 'number' ? r.row - 1 : null;
    if (n !== null && !out.has(n)) out.set(n, String(r.message ?? ''));
  }
  return out;
}

/** Why a due date cannot be sent, as an i18n key; undefined when it is fine. */
export type DueDateProblem = 'actionDueRequired' | 'actionDueInvalid' | 'actionDuePast';

/**
 * The local check of a due date typed in a coordinator's form (UI only: the server takes
 * past dates, the demo and the tests record late actions on purpose).
 *
 * @param due the date input's value (`YYYY-MM-DD`, or '' when empty or half typed).
 * @param today the organisation's calendar day (`isoDayInZone(Date.now(), ZONE_IANA[zone])`).
 * @returns `actionDueRequired` when empty, `actionDueInvalid` when not a calendar day of the
 *   years 2000–2100 (the server's `IsoDateSchema`), `actionDuePast` when before `today`.
 */
export function dueDateProblem(due: string, today: string): DueDateProblem | undefined {
  if (due.trim() === '') return 'actionDueRequired';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(due);
  if (!m) return 'actionDueInvalid';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (
    y < 2000 ||
    y > 2100 ||
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d
  )
    return 'actionDueInvalid';
  return due < today ? 'actionDuePast' : undefined;
}

/** The first evidence link that does not start with http:// or https://; undefined if none. */
export function badLink(links: readonly string[]): string | undefined {
  return links.find((l) => !/^https?:\/\/[^\s/?#]+\S*$/i.test(l));
}
