import {
  formatIndex,
  formatValue,
  listIndicators,
  type ValueDomain,
  valueDomainOf,
} from '../../core';
import type { Framework } from '../../core/framework';
import { Lines } from '../../ui/Charts';
import { type Locale, useLocale } from '../../ui/i18n';
import { api } from '../api';
import { DataTable } from '../components/DataTable';
import { IndexValue, showFigure } from '../components/IndexBox';
import { PrintButton } from '../components/PrintButton';
import { Section } from '../components/Section';
import { useFrameworks } from '../framework';
import { type Translator, useT } from '../i18n';
import type { HistoryGroup, HistoryIndicatorChange, HistoryPeriod, HistoryStep } from '../types';
import { ErrorNotice, type PageProps, useDocumentTitle, useLoad } from '../ui';

/** Series colours of the chart (as the city report's self / verified), official in purple. */
const SELF_COLOR = '#8a5a00';
const VERIFIED_COLOR = '#0f4c5c';
const OFFICIAL_COLOR = '#6b2fa0';

/** A change with its sign ("+0,25", "−1", "0"), as the indicator's values are written. */
function signedText(d: number | null, locale: Locale, domain?: ValueDomain): string {
  if (d === null) return '–';
  if (d === 0) return formatValue(0, locale, domain);
  return `${d > 0 ? '+' : '−'}${formatValue(Math.abs(d), locale, domain)}`;
}

/**
 * An index change as a reader checks it: the difference of the two figures as shown
 * (each rounded half up to two decimals), with its sign — so "1,86 → 2,10" reads "+0,24".
 */
function indexChangeText(from: number | null, to: number | null, locale: Locale): string {
  if (from === null || to === null) return '–';
  const shown = (v: number) => Math.round(Number(formatIndex(v, 'en')) * 100);
  return signedText((shown(to) - shown(from)) / 100, locale, 'decimal');
}

/**
 * An instrument's name short enough for a chart column: its legal basis in brackets
 * ("PermenPANRB 59/2020"), else the name.
 */
function instrumentShort(name: string): string {
  return /\(([^()]+)\)\s*$/.exec(name)?.[1] ?? name;
}

/** "47 indikator dalam 4 domain dan 8 aspek" from the instrument (or the answer's groups). */
function shapeOf(p: HistoryPeriod, fw: Framework | undefined, t: Translator): string {
  const n = fw ? listIndicators(fw).length : p.self.applicableCount;
  const top = p.groups.filter((g) => g.depth === 0).length;
  const deeper = p.groups.filter((g) => g.depth === 1).length;
  return deeper > 0
    ? t('historyShapeDomains', { n, domains: top, aspects: deeper })
    : t('historyShapeAspects', { n, aspects: top });
}

function PeriodRow(props: {
  p: HistoryPeriod;
  fw: Framework | undefined;
  locale: Locale;
  t: Translator;
}) {
  const { p, fw, locale, t } = props;
  const id = p.period.id;
  const predicate = p.official
    ? `${p.official.predicate ?? '–'} (${t('historyPredicateOfficial')})`
    : `${p.verified.predicate ?? '–'} (${t('historyPredicateVerified')})`;
  return (
    <tr data-testid="history-period" data-period={id}>
      <td>
        <strong>{p.period.name}</strong>
        {p.period.status === 'closed' ? (
          <span class="small muted"> ({t('historyStatusClosed')})</span>
        ) : null}
      </td>
      <td>{p.framework.name}</td>
      <td data-testid="history-self">
        <IndexValue d={showFigure(fw, p.self.index, locale)} />
      </td>
      <td data-testid="history-verified">
        <IndexValue d={showFigure(fw, p.verified.index, locale)} />
      </td>
      <td data-testid="history-official">
        {p.official ? (
          <IndexValue d={showFigure(fw, p.official.index, locale)} />
        ) : (
          <span class="muted">{t('historyNoOfficial')}</span>
        )}
      </td>
      <td data-testid="history-predicate">{predicate}</td>
      <td data-testid="history-actions">
        {t('historyActions', { done: p.actions.selesai, total: p.actions.total })}
        {p.actions.terlambat > 0 ? (
          <span class="small"> ({t('historyActionsLate', { n: p.actions.terlambat })})</span>
        ) : null}
      </td>
    </tr>
  );
}

/** Group indices of two periods of one instrument, side by side, with the change of the basis. */
function GroupsTable(props: {
  from: HistoryPeriod;
  to: HistoryPeriod;
  step: HistoryStep;
  fw: Framework | undefined;
  locale: Locale;
  t: Translator;
}) {
  const { from, to, step, fw, locale, t } = props;
  const byId = new Map(from.groups.map((g) => [g.id, g]));
  const figure = (v: number | null) => showFigure(fw, v, locale).value;
  const basisOf = (g: HistoryGroup | undefined) =>
    g ? (step.basis === 'official' ? g.official : g.verified) : null;
  return (
    <DataTable
      testId="history-groups"
      label={t('historyGroupsTitle')}
      headings={[
        t('historyColGroup'),
        `${from.period.year}: ${t('historyColSelf')}`,
        `${from.period.year}: ${t('historyColVerified')}`,
        `${from.period.year}: ${t('historyColOfficial')}`,
        `${to.period.year}: ${t('historyColSelf')}`,
        `${to.period.year}: ${t('historyColVerified')}`,
        `${to.period.year}: ${t('historyColOfficial')}`,
        `${t('historyColChange')} (${t(step.basis === 'official' ? 'historyColOfficial' : 'historyColVerified').toLowerCase()})`,
      ]}
    >
      {to.groups.map((g) => {
        const a = byId.get(g.id);
        return (
          <tr key={g.id} data-testid="history-group" class={g.depth === 0 ? 'r-group-top' : ''}>
            <td>
              {g.depth > 0 ? '\u00a0\u00a0' : ''}
              {g.id} {g.name}
            </td>
            <td>{figure(a?.self ?? null)}</td>
            <td>{figure(a?.verified ?? null)}</td>
            <td>{figure(a?.official ?? null)}</td>
            <td>{figure(g.self)}</td>
            <td>{figure(g.verified)}</td>
            <td>{figure(g.official)}</td>
            <td>{indexChangeText(basisOf(a), basisOf(g), locale)}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

function ChangesTable(props: {
  rows: HistoryIndicatorChange[];
  fw: Framework | undefined;
  locale: Locale;
  t: Translator;
  testId: string;
  label: string;
}) {
  const { rows, fw, locale, t } = props;
  return (
    <DataTable
      testId={props.testId}
      label={props.label}
      headings={[
        t('historyColNo'),
        t('historyColIndicator'),
        t('historyColFromTo'),
        t('historyColChange'),
      ]}
    >
      {rows.map((r) => {
        const domain = fw ? valueDomainOf(fw, r.no) : undefined;
        return (
          <tr key={r.no} data-testid="history-change" data-no={r.no}>
            <td>{r.no}</td>
            <td>{r.name}</td>
            <td>
              {formatValue(r.from, locale, domain)} → {formatValue(r.to, locale, domain)}
            </td>
            <td data-testid="history-change-value">{signedText(r.change, locale, domain)}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}

/** One step between consecutive periods: what changed, or why only the overall index. */
function Step(props: {
  step: HistoryStep;
  from: HistoryPeriod;
  to: HistoryPeriod;
  fws: ReadonlyMap<string, Framework>;
  locale: Locale;
  t: Translator;
}) {
  const { step, from, to, fws, locale, t } = props;
  const fw = fws.get(to.framework.id);
  const title = t('historyStepTitle', { from: from.period.name, to: to.period.name });
  return (
    <Section title={title} testId="history-step">
      <div data-step-same={step.sameInstrument ? 'true' : 'false'}>
        <p data-testid="history-step-change">
          {t('historyVerifiedChange', {
            change: indexChangeText(from.verified.index, to.verified.index, locale),
          })}
          {step.officialChange !== null
            ? ` ${t('historyOfficialChange', {
                change: indexChangeText(
                  from.official?.index ?? null,
                  to.official?.index ?? null,
                  locale,
                ),
              })}`
            : null}
        </p>
        {!step.sameInstrument ? (
          <p class="notice" data-testid="history-cross">
            {t('historyCrossInstrument', {
              from: from.framework.name,
              fromShape: shapeOf(from, fws.get(from.framework.id), t),
              to: to.framework.name,
              toShape: shapeOf(to, fw, t),
            })}
          </p>
        ) : (
          <>
            <p class="small muted" data-testid="history-basis">
              {t(step.basis === 'official' ? 'historyBasisOfficial' : 'historyBasisCity')}
            </p>
            <h3>{t('historyGroupsTitle')}</h3>
            <GroupsTable from={from} to={to} step={step} fw={fw} locale={locale} t={t} />
            <h3>{t('historyRoseTitle', { n: step.rose.length })}</h3>
            {step.rose.length ? (
              <ChangesTable
                rows={step.rose}
                fw={fw}
                locale={locale}
                t={t}
                testId="history-rose"
                label={t('historyRoseTitle', { n: step.rose.length })}
              />
            ) : (
              <p class="muted">{t('historyNoneRose')}</p>
            )}
            <h3>{t('historyFellTitle', { n: step.fell.length })}</h3>
            {step.fell.length ? (
              <ChangesTable
                rows={step.fell}
                fw={fw}
                locale={locale}
                t={t}
                testId="history-fell"
                label={t('historyFellTitle', { n: step.fell.length })}
              />
            ) : (
              <p class="muted">{t('historyNoneFell')}</p>
            )}
            <p class="small" data-testid="history-unchanged">
              {t('historyUnchanged', { n: step.unchangedCount })}
            </p>
          </>
        )}
      </div>
    </Section>
  );
}

/**
 * The index over the years (`/koordinator/riwayat`, issue 18): every period of the
 * organisation but drafts, oldest first — a line chart of the city's self, verified and
 * official index per period, a table of the periods, and per pair of consecutive periods
 * what changed: on one instrument the domain and aspect indices side by side and the
 * indicators that rose or fell; across instruments only the overall index, with the reason.
 * Coordinators and viewers read it alike; printable.
 */
export function History(_: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  useDocumentTitle(t('historyTitle'));
  const view = useLoad(() => api('GET /api/history'), []);
  const h = view.data;
  const fws = useFrameworks(h ? h.periods.map((p) => p.framework.id) : []);
  const periods = h?.periods ?? [];
  const byId = new Map(periods.map((p) => [p.period.id, p]));
  const values = periods.flatMap((p) => [p.self.index, p.verified.index, p.official?.index]);
  const top = Math.max(0, ...values.map((v) => v ?? 0));
  // The index scale from 1, up to a whole level above the highest figure (at most 5).
  const max = Math.min(5, Math.max(3, Math.ceil(top + 0.25)));
  const anyOfficial = periods.some((p) => p.official !== null);
  return (
    <div class="r-report r-history" data-testid="history-page">
      <div class="r-doc-head">
        <h1>{t('historyTitle')}</h1>
        <PrintButton />
      </div>
      <p class="r-note no-print">{t('historyIntro')}</p>
      <ErrorNotice error={view.error} />
      {!h ? (
        view.error ? null : (
          <p class="muted">{t('loading')}</p>
        )
      ) : periods.length === 0 ? (
        <p class="muted" data-testid="history-none">
          {t('historyNone')}
        </p>
      ) : (
        <>
          <Section title={t('historyChartTitle')} testId="history-chart-section">
            <figure class="r-history-chart">
              <Lines
                testId="history-chart"
                locale={locale}
                max={max}
                columns={periods.map((p) => ({
                  label: String(p.period.year),
                  sub: instrumentShort(p.framework.name),
                }))}
                series={[
                  {
                    label: t('historySeriesSelf'),
                    values: periods.map((p) => p.self.index),
                    color: SELF_COLOR,
                  },
                  {
                    label: t('historySeriesVerified'),
                    values: periods.map((p) => p.verified.index),
                    color: VERIFIED_COLOR,
                  },
                  ...(anyOfficial
                    ? [
                        {
                          label: t('historySeriesOfficial'),
                          values: periods.map((p) => p.official?.index ?? null),
                          color: OFFICIAL_COLOR,
                          dash: '6 4',
                        },
                      ]
                    : []),
                ]}
              />
              <figcaption class="small muted">{t('historyChartNote')}</figcaption>
            </figure>
          </Section>
          <Section title={t('historyPeriodsTitle')} testId="history-periods">
            <DataTable
              testId="history-table"
              headings={[
                t('historyColPeriod'),
                t('historyColInstrument'),
                t('historyColSelf'),
                t('historyColVerified'),
                t('historyColOfficial'),
                t('historyColPredicate'),
                t('historyColActions'),
              ]}
            >
              {periods.map((p) => (
                <PeriodRow
                  key={p.period.id}
                  p={p}
                  fw={fws.get(p.framework.id)}
                  locale={locale}
                  t={t}
                />
              ))}
            </DataTable>
          </Section>
          {h.steps.map((s) => {
            const from = byId.get(s.fromPeriodId);
            const to = byId.get(s.toPeriodId);
            if (!from || !to) return null;
            return (
              <Step
                key={`${s.fromPeriodId}-${s.toPeriodId}`}
                step={s}
                from={from}
                to={to}
                fws={fws}
                locale={locale}
                t={t}
              />
            );
          })}
          <p class="small muted no-print">{t('printHint')}</p>
        </>
      )}
    </div>
  );
}
