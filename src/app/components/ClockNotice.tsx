// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { clockIsOff, describeClockSkew } from '../../core/clock-check';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { clockText } from '../lib/clock';
import { usePrintZone, useSync } from '../state/sync-state';

/**
 * "Jam tablet tidak tepat": shown on the home and storage pages while the tablet's clock,
 * measured against the server's at the latest sync, is further off than core allows
 * (CLOCK_SKEW_LIMIT_MS). Says by how much and what to do; the times of this tablet's edits
 * are marked doubtful meanwhile (on the server's lists too). Gone after a sync with a
 * corrected clock.
 */
export function ClockNotice() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const check = useSync((s) => s.status?.clockCheck ?? null);
  const zone = usePrintZone();
  if (!check || !clockIsOff(check.skewMs)) return null;
  const [id, en] = describeClockSkew(check.skewMs);
  // The tablet's own clock is wrong: its check time is shown as the server saw it.
  const serverTime = check.checkedAt - check.skewMs;
  return (
    <section
      class="notice bad"
      style="margin:0 0 0.75rem"
      role="alert"
      data-testid="clock-notice"
      data-skew={check.skewMs}
    >
      <h2 style="margin-top:0">{t('clockWrongTitle')}</h2>
      <p>
        {t('clockWrongBody', {
          diff: locale === 'en' ? en : id,
          when: clockText(serverTime, locale, zone),
        })}
      </p>
    </section>
  );
}
