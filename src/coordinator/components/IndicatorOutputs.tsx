import { Fragment } from 'preact';
import { type Framework, formatValue, stageLabel, valueDomainOf } from '../../core';
import { formatZoneTime } from '../../ui/format';
import type { Locale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import { useZone } from '../organisation';
import type { IndicatorReview } from '../types';

const PARTS = [
  ['reportRekomendasi', 'rekomendasi'],
  ['reportFakta', 'penjelasanFakta'],
  ['reportAnalisis', 'penjelasanAnalisis'],
  ['reportJustifikasi', 'penjelasanJustifikasi'],
] as const;

/**
 * What the coordinator reviews of one indicator besides its level: its value in each stage
 * the period has reached (who gave it, when, in the organisation's zone), the rekomendasi and
 * the three-part penjelasan with the files it cites. Nothing when the indicator holds none of
 * them (or the server predates them). User text is rendered as text only.
 */
export function IndicatorOutputs(props: {
  i: IndicatorReview;
  fw: Framework | undefined;
  t: Translator;
  locale: Locale;
}) {
  const { i, t, locale } = props;
  const zone = useZone();
  const o = i.outputs;
  if (!o) return null;
  const staged = o.stages.filter((s) => s.value !== null);
  const written = PARTS.filter(([, field]) => o[field].trim() !== '');
  if (staged.length === 0 && written.length === 0 && o.citedFiles.length === 0) return null;
  const domain = props.fw ? valueDomainOf(props.fw, i.no) : undefined;
  return (
    <dl class="r-outputs small" data-testid={`review-outputs-${i.no}`}>
      {staged.length > 0 ? (
        <>
          <dt>{t('reportStagesHeading')}</dt>
          <dd data-testid="review-stage-values">
            {staged.map((s, k) => (
              <span key={s.stage}>
                {k > 0 ? ' → ' : ''}
                {stageLabel(s.stage, locale)}:{' '}
                <strong>{formatValue(s.value as number, locale, domain)}</strong>
                {s.by || s.at !== null
                  ? ` (${[s.by, s.at === null ? '' : formatZoneTime(s.at, locale, zone)].filter(Boolean).join(', ')})`
                  : ''}
              </span>
            ))}
          </dd>
        </>
      ) : null}
      {written.map(([label, field]) => (
        <Fragment key={field}>
          <dt>{t(label)}</dt>
          <dd class="r-pre" data-testid={`review-${field}`}>
            {o[field]}
          </dd>
        </Fragment>
      ))}
      {o.citedFiles.length > 0 ? (
        <>
          <dt>{t('reportCitedFiles')}</dt>
          <dd data-testid="review-cited-files">{o.citedFiles.map((f) => f.name).join('; ')}</dd>
        </>
      ) : null}
    </dl>
  );
}
