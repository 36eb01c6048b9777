import { cumulativeGap, listIndicators, valueDomainOf } from '../../core';
import type { Framework, IndicatorSource } from '../../core/framework';
import type { Locale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import type { IndicatorReview } from '../types';
import { gapText } from './Heatmap';
import { Level } from './Level';

/** The outside index an indicator is valued from (PermenPANRB 8/2026), if any. */
export function sourceOf(fw: Framework | undefined, no: number): IndicatorSource | undefined {
  return fw ? listIndicators(fw).find((i) => i.no === no)?.spec.source : undefined;
}

/**
 * "Nilai dari indeks Kepuasan …", or "Nilai dari Indeks Satu Data Indonesia (Bappenas)" when
 * the instrument's name of the index already says "Indeks".
 */
export function outsideIndexText(src: IndicatorSource, t: Translator): string {
  const key = /^(indeks|index)\b/i.test(src.index) ? 'valueFromNamedIndex' : 'valueFromIndex';
  return `${t(key, { index: src.index })} (${src.agency})`;
}

/** A raw outside-index figure as published, decimal comma in Indonesian ("87,5"). */
export function plainNumber(n: number, locale: Locale): string {
  const s = String(Number(n.toFixed(6)));
  return locale === 'id' ? s.replace('.', ',') : s;
}

/**
 * An indicator's self-assessed and verified values as chips (two decimals on a decimal
 * indicator), and under them what a coordinator must know to trust the verified one: for an
 * indicator valued from another agency's index, "nilai dari indeks …" with the figure the
 * verifier entered (or that it is missing and counts as 1); otherwise, when the verified
 * level is above the first level whose evidence is not all present, "Level 4, bukti level 2
 * belum lengkap".
 */
export function IndicatorValues(props: {
  i: Pick<IndicatorReview, 'no' | 'selfLevel' | 'verifiedLevel' | 'notApplicable' | 'checks'> & {
    sourceValue: number | null;
  };
  fw: Framework | undefined;
  t: Translator;
  locale: Locale;
}) {
  const { i, fw, t, locale } = props;
  const domain = fw ? valueDomainOf(fw, i.no) : undefined;
  const src = sourceOf(fw, i.no);
  const gap =
    fw && !i.notApplicable
      ? cumulativeGap(
          fw,
          i.no,
          i.verifiedLevel,
          (level, k) => i.checks.find((c) => c.level === level && c.index === k)?.state,
        )
      : null;
  const sourceParts = [
    src ? outsideIndexText(src, t) : null,
    i.sourceValue !== null
      ? t('sourceRaw', { raw: plainNumber(i.sourceValue, locale) })
      : src && i.verifiedLevel === null && !i.notApplicable
        ? t('sourceMissing')
        : null,
  ].filter((p): p is string => p !== null);
  const gapLine = gap ? gapText(i.verifiedLevel, gap.firstIncomplete, t) : null;
  return (
    <>
      <span>
        {t('self')} <Level value={i.selfLevel} domain={domain} /> → {t('verified')}{' '}
        <Level value={i.verifiedLevel} na={i.notApplicable} domain={domain} />
      </span>
      {sourceParts.length > 0 ? (
        <span class="small r-source" data-testid={`source-value-${i.no}`}>
          {sourceParts.join(' · ')}
        </span>
      ) : null}
      {gapLine ? (
        <span class="small r-gap-text" data-testid={`gap-${i.no}`}>
          {gapLine}
        </span>
      ) : null}
    </>
  );
}
