import type { Locale } from '../../ui/i18n';

/** Pure helpers of the tablet's improvement-action screens (components/Actions.tsx). */

/** A calendar day `YYYY-MM-DD` as people write it: "30 Jun 2026". */
export function formatDay(iso: string, locale: Locale): string {
  const [y, m, d] = iso.split('-').map(Number);
  if (!y || !m || !d) return iso;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(locale === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** An http(s) address to link to, else null (a `javascript:` or other scheme stays text). */
export function safeHref(link: string): string | null {
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * A unit's actions as its checklist shows them: counted per indicator number for the
 * period's instrument (`frameworkId`; the rows' badges), and the others listed apart, since
 * indicator numbers mean nothing across instruments (SPBE 2020's 12 is not Pemdi 2026's 12).
 */
export function splitByInstrument<A extends { frameworkId: string; indicatorNo: number }>(
  actions: readonly A[],
  frameworkId: string,
): { perIndicator: Map<number, number>; others: A[] } {
  const perIndicator = new Map<number, number>();
  const others: A[] = [];
  for (const a of actions) {
    if (a.frameworkId === frameworkId)
      perIndicator.set(a.indicatorNo, (perIndicator.get(a.indicatorNo) ?? 0) + 1);
    else others.push(a);
  }
  return { perIndicator, others };
}
