import type { Translator } from '../i18n';
import type { IndicatorReview } from '../types';

/** The evidence checks of one indicator: "Level 2: SK … — present (note)". */
export function EvidenceChecks({
  checks,
  t,
  class: className,
}: {
  checks: IndicatorReview['checks'];
  t: Translator;
  class?: string;
}) {
  return (
    <ul class={className}>
      {checks.map((c) => (
        <li key={`${c.level}.${c.index}`}>
          {t('level')} {c.level}: {c.evidence} — <strong>{t(`check_${c.state ?? 'null'}`)}</strong>
          {c.note ? ` (${c.note})` : ''}
        </li>
      ))}
    </ul>
  );
}
