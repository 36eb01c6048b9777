import type { ComponentChildren } from 'preact';
import { describeIndex, formatIndex, type IndexDisplay, isProvisional } from '../../core';
import type { Framework } from '../../core/framework';
import type { Locale } from '../../ui/i18n';
import type { Translator } from '../i18n';
import type { AssessmentDetail, IndexSummary } from '../types';

/**
 * The large "SEMENTARA" mark after a predikat (`text`: the word in the page's language, or
 * Indonesian on printed reports); nothing when `text` is empty.
 */
export function ProvisionalMark({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <>
      {' '}
      <span class="r-provisional r-provisional-mark" data-testid="provisional-mark">
        {text}
      </span>
    </>
  );
}

/**
 * Whether a unit's verified predikat must carry the SEMENTARA mark (review page and unit
 * report alike): it has a predikat, and the verification is partial or incomplete.
 */
export function verifiedIsProvisional(d: Pick<AssessmentDetail, 'indices' | 'signing'>): boolean {
  return (
    !!d.indices.verified.predicate &&
    isProvisional({ partial: d.signing.partial, complete: d.signing.completeness.complete })
  );
}

/**
 * What a page shows for one index (core `describeIndex`): the figure rounded half up, the
 * predicate and level name of the exact value, and the note when rounding carried the figure
 * across a band edge. Without the instrument (still loading) only the rounded figure and the
 * server's predicate — the same figure, core `formatIndex`.
 */
export function showIndex(
  fw: Framework | undefined,
  index: number | null,
  locale: Locale,
  predicate?: string | null,
): IndexDisplay {
  if (fw) return describeIndex(fw, index, locale, predicate);
  return {
    value: formatIndex(index, locale),
    predicate: predicate ?? null,
    levelName: null,
    exactNote: null,
  };
}

/**
 * An index shown without its predicate (aspect and domain rows, a unit's heatmap row): the
 * exact-value note then speaks only of a level-name edge, not of a predicate nobody sees.
 */
export function showFigure(fw: Framework | undefined, index: number | null, locale: Locale) {
  if (!fw) return showIndex(fw, index, locale);
  return describeIndex(fw, index, locale, false);
}

/** An index in running text: "1,24 · Merintis" (the level name where the instrument has one). */
export function indexText(d: IndexDisplay): string {
  return d.levelName ? `${d.value} · ${d.levelName}` : d.value;
}

/** "2,597 — predikat dari nilai tepat" beside a figure, when rounding crossed a band edge. */
export function ExactNote({ note, testId }: { note: string | null; testId?: string | undefined }) {
  if (!note) return null;
  return (
    <>
      {' '}
      <span class="r-exact" data-testid={testId}>
        ({note})
      </span>
    </>
  );
}

/**
 * An index inline (tables, lists): the rounded figure, its level name when the instrument
 * names one, and the exact-value note when rounding crossed an edge.
 */
export function IndexValue({ d, testId }: { d: IndexDisplay; testId?: string }) {
  return (
    <>
      <span data-testid={testId}>{indexText(d)}</span>
      <ExactNote note={d.exactNote} testId={testId ? `${testId}-exact` : undefined} />
    </>
  );
}

/**
 * One index box of the dashboard, plan, review and reports: what it is, the figure with its
 * level name (`shown`, from `showIndex`) and, when it has one, its predicate line with the
 * exact-value note; `children` go under it. `predicate` overrides the predicate line (the
 * plan's outcome); `null` leaves it out (a target has none).
 */
export function IndexBox(props: {
  label: string;
  shown: IndexDisplay;
  /** The predicate line instead of `shown.predicate`; null: no predicate line. */
  predicate?: ComponentChildren | null;
  /** The page's headline figure, drawn larger. */
  main?: boolean;
  testId?: string;
  predicateTestId?: string;
  /**
   * The large "SEMENTARA" mark beside the predikat (core `isProvisional`: a partial
   * verification or an index not covering every applicable indicator); its text is given
   * in the page's language, or Indonesian on printed reports.
   */
  provisional?: string | null;
  children?: ComponentChildren;
}) {
  const { shown } = props;
  const predicate = props.predicate === undefined ? (shown.predicate ?? '–') : props.predicate;
  return (
    <div class={props.main ? 'r-kpi r-main' : 'r-kpi'}>
      <span class="small">{props.label}</span>
      <strong data-testid={props.testId}>
        {shown.value}
        {shown.levelName ? <span class="r-kpi-level"> · {shown.levelName}</span> : null}
      </strong>
      {predicate === null ? null : (
        <span data-testid={props.predicateTestId}>
          {predicate}
          <ProvisionalMark text={props.provisional} />
        </span>
      )}
      {shown.exactNote ? (
        <span class="r-exact" data-testid={props.testId ? `${props.testId}-exact` : undefined}>
          {shown.exactNote}
        </span>
      ) : null}
      {props.children}
    </div>
  );
}

/**
 * What an official index counted as 1 that a reader may not expect: indicators marked not
 * applicable (the official rule) and outside-index indicators still without a value; and,
 * for an instrument that leaves not-applicable indicators out, that the weights were
 * renormalised. Nothing when none applies.
 */
export function IndexRuleNotes({
  summary,
  t,
}: {
  summary: Pick<IndexSummary, 'notApplicableAsLevel1' | 'missingSourceAsLevel1' | 'renormalised'>;
  t: Translator;
}) {
  const lines = [
    summary.notApplicableAsLevel1 > 0
      ? t('naCountedLevel1', { n: summary.notApplicableAsLevel1 })
      : null,
    summary.missingSourceAsLevel1 > 0
      ? t('missingSourceLevel1', { n: summary.missingSourceAsLevel1 })
      : null,
    summary.renormalised ? t('renormalised') : null,
  ].filter((l): l is string => l !== null);
  if (lines.length === 0) return null;
  return (
    <ul class="r-rule-notes small muted" data-testid="index-rule-notes">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

/**
 * Telusur's internal figure of a unit (not-applicable indicators left out, weights
 * renormalised), beside the official index and labelled so it is never read as it; nothing
 * when the verifier marked nothing not applicable.
 */
export function InternalIndexBox(props: {
  summary: IndexSummary | null;
  fw: Framework | undefined;
  t: Translator;
  locale: Locale;
  testId?: string;
}) {
  const { summary, t } = props;
  if (!summary) return null;
  return (
    <IndexBox
      label={t('internalIndex')}
      shown={showIndex(props.fw, summary.index, props.locale, summary.predicate)}
      testId={props.testId}
    >
      <p class="small r-internal" data-testid="internal-index-hint">
        {t('internalFigureHint')}
      </p>
    </IndexBox>
  );
}

/**
 * A unit's three index boxes (self, verified with its SEMENTARA mark and rule notes, and the
 * internal figure), as the review page and the printed unit report show them. `testIdPrefix`
 * names the page's boxes (`<prefix>-verified-index`, `<prefix>-internal-index`).
 */
export function UnitIndexBoxes(props: {
  d: Pick<AssessmentDetail, 'indices' | 'signing'>;
  fw: Framework | undefined;
  t: Translator;
  locale: Locale;
  testIdPrefix: string;
}) {
  const { d, fw, t, locale } = props;
  return (
    <div class="r-kpis">
      <IndexBox
        label={t('selfIndex')}
        shown={showIndex(fw, d.indices.self.index, locale, d.indices.self.predicate)}
      />
      <IndexBox
        label={t('verifiedIndex')}
        shown={showIndex(fw, d.indices.verified.index, locale, d.indices.verified.predicate)}
        provisional={verifiedIsProvisional(d) ? t('provisional') : null}
        testId={`${props.testIdPrefix}-verified-index`}
      >
        <IndexRuleNotes summary={d.indices.verified} t={t} />
      </IndexBox>
      <InternalIndexBox
        summary={d.indices.internal}
        fw={fw}
        t={t}
        locale={locale}
        testId={`${props.testIdPrefix}-internal-index`}
      />
    </div>
  );
}
