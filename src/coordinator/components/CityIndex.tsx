import { formatIndex, notApplicableRuleOf } from '../../core';
import type { Framework } from '../../core/framework';
import type { Locale } from '../../ui/i18n';
import type { MessageKey, Translator } from '../i18n';
import type { CityIndices, Consolidation, LevelSource, PlanView } from '../types';
import { IndexBox, IndexRuleNotes, indexText, showIndex } from './IndexBox';

/** "12 indikator terverifikasi, 3 dari penilaian mandiri, …": where the city's levels came from. */
export function consolidationCounts(c: Consolidation, t: Translator): string {
  return t('consolidationCounts', {
    verified: c.verifiedCount,
    self: c.selfOnlyCount,
    none: c.unassessedCount,
    na: c.notApplicable.length,
  });
}

/**
 * How the city index is made, in one paragraph: the consolidation rule, then how the
 * official index counts "not applicable" under the view's instrument (level 1 unless the
 * instrument says it leaves them out; said once the instrument is known).
 */
export function consolidationRule(unit: string, t: Translator, fw: Framework | undefined): string {
  const rule = t('consolidationRule', { unit });
  if (!fw) return rule;
  return `${rule} ${t(notApplicableRuleOf(fw) === 'exclude' ? 'naRuleExclude' : 'naRuleLevel1')}`;
}

const SOURCE_KEYS: Record<LevelSource, MessageKey> = {
  verified: 'sourceVerified',
  self: 'sourceSelf',
  none: 'sourceNone',
};

/** Where a consolidated level came from, in words: the verifier, the penilaian mandiri, none. */
/** Where an indicator's level comes from; a not-applicable mark wins (officially level 1). */
export function sourceText(source: LevelSource, t: Translator, notApplicable = false): string {
  return notApplicable ? t('sourceNotApplicable') : t(SOURCE_KEYS[source]);
}

/**
 * What the improvement plan comes to: the steps and the index they reach, "already there",
 * or — when the target is out of reach — what index can be reached, saying when the
 * period's cap of level-steps per indicator is what stands in the way.
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
    | 'capLimited'
    | 'maxStepsPerIndicator'
    | 'target'
  >,
  t: Translator,
  locale: Locale,
  fw: Framework | undefined,
): string {
  const max = indexText(showIndex(fw, plan.maxIndex, locale));
  // Out of reach: say so, then what the listed steps (towards the best reachable) achieve.
  const towards =
    !plan.reachable && plan.items.length > 0
      ? ` ${t('planTowardsBest', {
          best: indexText(showIndex(fw, plan.resultingIndex, locale)),
          steps: plan.stepCount,
          n: plan.indicatorsTouched,
        })}`
      : '';
  if (!plan.reachable && plan.capLimited)
    return (
      t('planCapLimited', {
        target: formatIndex(plan.target, locale),
        cap: plan.maxStepsPerIndicator,
        max,
      }) + towards
    );
  if (!plan.reachable) return t('planUnreachable', { max }) + towards;
  if (plan.items.length === 0) return t('planAlready');
  return t('planResult', {
    steps: plan.stepCount,
    n: plan.indicatorsTouched,
    result: indexText(showIndex(fw, plan.resultingIndex, locale)),
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
  /** The instrument of the view (undefined while it loads). */
  fw: Framework | undefined;
  /** data-testid of the consolidated index. */
  indexTestId: string;
  printed?: boolean;
}) {
  const { city, consolidation: c } = props.view;
  const { t, locale, printed, fw } = props;
  const rule = consolidationRule(c.unit?.name ?? '', t, fw);
  return (
    <>
      <div class="r-kpis">
        <IndexBox
          main
          label={t('consolidatedIndex')}
          shown={showIndex(fw, city.consolidated.index, locale, city.consolidated.predicate)}
          testId={props.indexTestId}
          predicateTestId="city-predicate"
        >
          <IndexRuleNotes summary={city.consolidated} t={t} />
        </IndexBox>
        <IndexBox
          label={t('selfIndex')}
          shown={showIndex(fw, city.self.index, locale, city.self.predicate)}
          testId="city-self"
        />
        <IndexBox label={t('target')} shown={showIndex(fw, city.target, locale)} predicate={null} />
      </div>
      {!c.unit ? (
        printed ? null : (
          <p class="notice warn">{t('noCityUnit')}</p>
        )
      ) : printed ? (
        <p class="r-note">
          {rule} {consolidationCounts(c, t)}
        </p>
      ) : (
        <>
          <p class="r-note" data-testid="consolidation-rule">
            {rule}
          </p>
          <p class="r-note" data-testid="consolidation-counts">
            {consolidationCounts(c, t)}
          </p>
        </>
      )}
    </>
  );
}
