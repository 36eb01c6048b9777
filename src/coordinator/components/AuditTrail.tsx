import { auditEvents, ZONE_IANA } from '../../core';
import { useLocale } from '../../ui/i18n';
import { api } from '../api';
import { useT } from '../i18n';
import { useZone } from '../organisation';
import { ErrorNotice, useLoad } from '../ui';

/**
 * The audit trail of an assessment (or one indicator of it) as sentences a person reads:
 * what changed ("Level verifikasi 1 → 2", "Foto sk-walikota.jpg ditambahkan", "Disetujui
 * oleh …"), who and from which tablet, and when — the time of the edit on the tablet first,
 * the server's receive time second, a doubtful tablet clock marked; times in the
 * organisation's zone. Oldest first, so every
 * "1 → 2" reads against the line above. The wording is core's `auditEvents`.
 */
export function AuditTrail(props: { assessmentId: string; indicatorNo?: number }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  const audit = useLoad(
    () =>
      api('GET /api/assessments/:id/audit', {
        params: { id: props.assessmentId },
        query: props.indicatorNo === undefined ? {} : { indicatorNo: String(props.indicatorNo) },
      }),
    [props.assessmentId, props.indicatorNo],
  );
  const events = audit.data
    ? auditEvents(audit.data.entries, locale, {
        withIndicator: props.indicatorNo === undefined,
        timeZone: ZONE_IANA[zone],
      })
    : [];
  return (
    <section class="c-audit" aria-busy={audit.loading} data-testid="audit-trail">
      <h4>{t('audit')}</h4>
      <ErrorNotice error={audit.error} />
      {audit.data && events.length === 0 ? <p class="muted small">{t('noAudit')}</p> : null}
      {events.length > 0 ? (
        // Scrolls when long: focusable so a keyboard can scroll it too.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
        <ol class="c-audit-list" data-testid="audit-list" tabIndex={0} aria-label={t('audit')}>
          {events.map((e) => (
            <li
              key={e.seqs[0]}
              data-testid="audit-line"
              data-source={e.source}
              data-doubtful={e.doubtful ? 'true' : undefined}
            >
              <span data-testid="audit-what">{e.what}</span>
              <div class="small muted">
                {e.who ? <span data-testid="audit-who">{e.who} · </span> : null}
                <span
                  data-testid="audit-when"
                  class={e.doubtful ? 'c-doubtful' : undefined}
                  title={e.doubtful ? t('clockDoubtfulHint') : undefined}
                >
                  {e.doubtful ? '⚠ ' : ''}
                  {e.when}
                </span>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
