import { formatIndex, listIndicators, notApplicableRuleOf, valueDomainOf } from '../../core';
import { useLocale } from '../../ui/i18n';
import { useFramework } from '../framework';
import { useT } from '../i18n';

/**
 * What choosing an instrument for a period means, under the instrument field: its basis,
 * how many indicators, whole levels or decimal values, the level names of the index, the
 * predicate bands, the indicators valued from another agency's index, and how the official
 * index counts "not applicable". A coordinator choosing between SPBE 2020 and Pemdi 2026
 * sees the difference before any unit is assigned (the instrument is fixed after that).
 */
export function InstrumentFacts({ id }: { id: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const fw = useFramework(id || undefined);
  if (!id) return null;
  if (!fw)
    return (
      <p class="small muted c-instrument" data-testid="instrument-facts">
        …
      </p>
    );
  const indicators = listIndicators(fw);
  const decimal = indicators.filter((i) => valueDomainOf(fw, i.no) === 'decimal').length;
  const sourced = indicators.filter((i) => i.spec.source).map((i) => i.no);
  const levels = fw.indexScale ? fw.scales[fw.indexScale] : undefined;
  const bands = [...fw.predicates]
    .sort((a, b) => a.min - b.min)
    .map((p) => `${p.name} ≥ ${formatIndex(p.min, locale)}`)
    .join(' · ');
  return (
    <div class="small c-instrument" data-testid="instrument-facts">
      <p>
        <strong>{fw.name}</strong> · {t('version')} {fw.version}
        <br />
        {fw.basis}
      </p>
      <ul>
        <li>
          {t('instrumentIndicators', { n: indicators.length })} ·{' '}
          {decimal === 0
            ? t('valuesLevel')
            : decimal === indicators.length
              ? t('valuesDecimal')
              : t('valuesMixed', { n: decimal })}
        </li>
        {levels ? <li>{t('instrumentLevels', { names: levels.join(', ') })}</li> : null}
        <li>{t('instrumentBands', { bands })}</li>
        {sourced.length > 0 ? (
          <li>{t('instrumentSources', { list: sourced.join(', ') })}</li>
        ) : null}
        <li>
          {t(notApplicableRuleOf(fw) === 'exclude' ? 'instrumentNaExclude' : 'instrumentNaLevel1')}
        </li>
      </ul>
      <p class="muted">{t('instrumentFixed')}</p>
    </div>
  );
}
