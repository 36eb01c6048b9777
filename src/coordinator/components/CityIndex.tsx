import { formatIndex } from '../../core';
import type { Locale } from '../../ui/i18n';
import type { MessageKey, Translator } from '../i18n';
import type { CityIndices, Consolidation, LevelSource, PlanView } from '../types';
import { IndexBox } from './IndexBox';

/** "12 indikator terverifikasi, 3 dari penilaian mandiri, …": where the city's levels came from. */
export function consolidationCounts(c: Consolidation, t: Translator): string {
  return t('consolidationCounts', {
    verified: c.verifiedCount,
    self: c.selfOnlyCount,
    none: c.unassessedCount,
    na: c.notApplicable.length,
  });
}

const SOURCE_KEYS: Record<LevelSource, MessageKey> = {
  verified: 'sourceVerified',
  self: 'sourceSelf',
  none: 'sourceNone',
};

/** Where a consolidated level came from, in words: the verifier, the penilaian mandiri, none. */
export function sourceText(source: LevelSource, t: Translator): string {
  return t(SOURCE_KEYS[source]);
}

/**
 * What the improvement plan comes to: the steps and the index they reach, "already there",
 * or the highest index reachable when the target is out of reach.
 */
export function planOutcome(
  plan: Pick<
    PlanView,
    | 'reachable'
    | 'items'
    | 'stepCount'
    | 'indicatorsTouched'
    | 'resultingIndex'
    | 'resultingPredicate'
    | 'maxIndex'
  >,
  t: Translator,
  locale: Locale,
): string {
  if (!plan.reachable) return t('planUnreachable', { max: formatIndex(plan.maxIndex, locale) });
  if (plan.items.length === 0) return t('planAlready');
  return t('planResult', {
    steps: plan.stepCount,
    n: plan.indicatorsTouched,
    result: formatIndex(plan.resultingIndex, locale),
    predicate: plan.resultingPredicate ?? '–',
  });
}

/**
 * The city's index boxes (consolidated, self-assessed, target) and how the consolidated one
 * was made, as the dashboard shows them and the printed city summary prints them. `printed`
 * gives the summary's form: the rule and the counts in one paragraph, and no screen notes
 * (renormalised weights, the missing city-level unit).
 */
export function CityIndex(props: {
  view: { city: CityIndices; consolidation: Consolidation };
  t: Translator;
  locale: Locale;
  /** data-testid of the consolidated index. */
  indexTestId: string;
  printed?: boolean;
}) {
  const { city, consolidation: c } = props.view;
  const { t, locale, printed } = props;
  return (
    <>
      <div class="r-kpis">
        <IndexBox
          main
          label={t('consolidatedIndex')}
          value={formatIndex(city.consolidated.index, locale)}
          predicate={city.consolidated.predicate ?? '–'}
          testId={props.indexTestId}
          predicateTestId="city-predicate"
        >
          {city.consolidated.renormalised && !printed ? (
            <p class="small muted">{t('renormalised')}</p>
          ) : null}
        </IndexBox>
        <IndexBox
          label={t('selfIndex')}
          value={formatIndex(city.self.index, locale)}
          predicate={city.self.predicate ?? '–'}
          testId="city-self"
        />
        <IndexBox label={t('target')} value={formatIndex(city.target, locale)} />
      </div>
      {!c.unit ? (
        printed ? null : (
          <p class="notice warn">{t('noCityUnit')}</p>
        )
      ) : printed ? (
        <p class="r-note">
          {t('consolidationRule', { unit: c.unit.name })} {consolidationCounts(c, t)}
        </p>
      ) : (
        <>
          <p class="r-note" data-testid="consolidation-rule">
            {t('consolidationRule', { unit: c.unit.name })}
          </p>
          <p class="r-note" data-testid="consolidation-counts">
            {consolidationCounts(c, t)}
          </p>
        </>
      )}
    </>
  );
}
