import { BUTIR_LABELS } from '../../core';
import { useLocale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import type { IndicatorReview } from '../types';

/**
 * The evidence checks of one indicator: "Level 2: SK … — Diterima (note)", in the butir words
 * the tablet uses (core BUTIR_LABELS), so a coordinator and a verifier read the same decision.
 */
export function EvidenceChecks({
  checks,
  t,
  class: className,
}: {
  checks: IndicatorReview['checks'];
  t: Translator;
  class?: string;
}) {
  const en = useLocale((s) => s.locale) === 'en';
  return (
    <ul class={className}>
      {checks.map((c) => (
        <li key={`${c.level}.${c.index}`}>
          {t('level')} {c.level}: {c.evidence} —{' '}
          <strong>{c.state ? BUTIR_LABELS[c.state][en ? 1 : 0] : t('check_null')}</strong>
          {c.note ? ` (${c.note})` : ''}
        </li>
      ))}
    </ul>
  );
}
