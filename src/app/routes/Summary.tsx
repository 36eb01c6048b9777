import {
  describeIndex,
  type Framework,
  formatIndex,
  formatValue,
  type IndexDisplay,
  levelName,
  listIndicators,
  type Plan,
  valueDomainOf,
} from '../../core';
import { Bars, Radar } from '../../ui/Charts';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { DocLetterhead } from '../components/DocLetterhead';
import { ProvisionalMark } from '../components/RecordNotices';
import { useT } from '../i18n';
import { type AssessmentView, loadAssessment } from '../lib/assessment';
import { isProvisional } from '../lib/berita-acara';
import { groupFigure, planStepCap, type UnitFigures, unitFigures, unitPlan } from '../lib/figures';
import { verifiedCount } from '../lib/progress';
import { usePrintZone } from '../state/sync';
import { useLive, type WorkspaceKind } from '../state/workspace';
import { UnitHeader } from './UnitHeader';

const SELF = '#146c7c';
const VERIFIED = '#1d6b3a';

export function Summary({ ws, id }: { ws: WorkspaceKind; id: string }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  if (view === null) return <p class="notice bad">{t('notFound')}</p>;
  const figures = unitFigures(view.framework, [...view.verifications.values()]);
  const base = `/${ws}/a/${encodeURIComponent(id)}`;
  return (
    <>
      <UnitHeader ws={ws} view={view} active="summary" />
      <PrintHead ws={ws} view={view} locale={locale} />
      {'problem' in figures ? (
        <p class="notice bad" role="alert" data-testid="summary-problem">
          {t('figureProblem', {
            no: figures.problem.indicatorNo,
            v: String(figures.problem.value),
          })}{' '}
          <a href={`${base}/i/${figures.problem.indicatorNo}`} onClick={linkClick}>
            {t('rejectedOpen')}
          </a>
        </p>
      ) : (
        <SummaryBody ws={ws} view={view} figures={figures} locale={locale} />
      )}
    </>
  );
}

/** The screen's title is not printed (UnitHeader): the paper names unit, period and date. */
function PrintHead(props: { ws: WorkspaceKind; view: AssessmentView; locale: Locale }) {
  const t = useT();
  const zone = usePrintZone();
  const { view } = props;
  return (
    <header class="print-only print-head" data-testid="summary-print-head">
      <DocLetterhead />
      <h1>
        {t('summary')} — {view.unit?.name ?? view.assessment.unitId}
      </h1>
      <p>
        {t('period')}: {view.period?.name ?? '–'} · {view.framework.name}
        <br />
        {t('printedOn', { d: formatZoneTime(Date.now(), props.locale, zone) })}
        {props.ws === 'latihan' ? ` · ${t('trainingMark')} — ${t('trainingMarkHint')}` : ''}
      </p>
    </header>
  );
}

/** "2,60 · Membangun" where the instrument names index levels, else "2,60". */
function withLevel(d: IndexDisplay): string {
  return d.levelName ? `${d.value} · ${d.levelName}` : d.value;
}

function SummaryBody(props: {
  ws: WorkspaceKind;
  view: AssessmentView;
  figures: UnitFigures;
  locale: Locale;
}) {
  const t = useT();
  const { ws, view, locale } = props;
  const fw = view.framework;
  const { official: r, internal, self: rs } = props.figures;
  // "n of 47" is the one count every screen shows (core completeness), not the number of
  // indicators the provisional index happens to cover.
  const counted = verifiedCount(view.framework, view.verifications.values());
  const done = { n: counted.verified, total: counted.total };
  const shown = describeIndex(fw, r.index, locale, r.predicate);
  const selfShown = describeIndex(fw, rs.index, locale, rs.predicate);
  // An instrument without domains (Pemdi: seven aspects) shows its aspects once.
  const flat = !fw.groups.some((g) => g.groups);
  const top = r.groups.filter((g) => g.depth === 0);
  const aspects = r.groups.filter((g) => g.depth === 1 || (g.depth === 0 && flat));
  const selfOf = (gid: string) => rs.groups.find((g) => g.id === gid)?.index ?? null;
  const provisional = isProvisional({
    partial: view.beritaAcara?.partial === true,
    complete: r.complete,
  });

  return (
    <>
      <section class="card">
        <div class="row">
          <div>
            <div class="small muted">{t('index')}</div>
            <div class="big-index">
              <span data-testid="summary-index">{shown.value}</span>
              {shown.levelName ? (
                <span class="index-level" data-testid="summary-level-name">
                  {' '}
                  · {shown.levelName}
                </span>
              ) : null}
            </div>
            {shown.exactNote ? (
              <div class="small muted" data-testid="summary-exact-note">
                {shown.exactNote}
              </div>
            ) : null}
          </div>
          <div>
            <div class="small muted">{t('predicate')}</div>
            <div style="font-size:1.4rem;font-weight:700">
              <span data-testid="summary-predicate">{r.predicate ?? '–'}</span>
              <ProvisionalMark due={provisional} predicate={r.predicate} />
            </div>
          </div>
          <div class="spacer" />
          <div class="small">
            {t('selfLevel')}: <strong data-testid="summary-self-index">{selfShown.value}</strong>
            {selfShown.levelName ? ` · ${selfShown.levelName}` : ''}{' '}
            {rs.predicate ? `(${rs.predicate})` : ''}
          </div>
        </div>
        {done.n < done.total ? <p class="small muted">{t('partialIndex', done)}</p> : null}
        {r.notApplicableAsLevel1 > 0 ? (
          <p class="small" data-testid="summary-na-as-1">
            {t('naAsLevel1', { n: r.notApplicableAsLevel1 })}
          </p>
        ) : null}
        {r.missingSourceAsLevel1 > 0 ? (
          <p class="small" data-testid="summary-source-as-1">
            {t('sourceAsLevel1', { n: r.missingSourceAsLevel1 })}
          </p>
        ) : null}
        {r.renormalised ? <p class="small notice">{t('renormalised')}</p> : null}
        {internal ? <InternalFigure fw={fw} internal={internal} locale={locale} /> : null}
      </section>

      <section class="card">
        <h2 style="margin-top:0">{flat ? t('aspects') : t('domains')}</h2>
        <div class="row" style="align-items:flex-start">
          <Radar
            axes={top.map((d) => d.id)}
            series={[
              { label: t('selfLevel'), values: top.map((d) => selfOf(d.id)), color: SELF },
              { label: t('verifiedLevel'), values: top.map((d) => d.index), color: VERIFIED },
            ]}
          />
          <table style="flex:1;min-width:260px" data-testid="summary-groups">
            <thead>
              <tr>
                <th>{flat ? t('aspects') : t('domains')}</th>
                <th>{t('selfLevel')}</th>
                <th>{t('verifiedLevel')}</th>
              </tr>
            </thead>
            <tbody>
              {top.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.id} {d.name}
                  </td>
                  <GroupCell d={groupFigure(fw, selfOf(d.id), locale)} />
                  <GroupCell d={groupFigure(fw, d.index, locale)} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p class="small">
          <span style={`color:${SELF}`}>■</span> {t('selfLevel')} &nbsp;{' '}
          <span style={`color:${VERIFIED}`}>■</span> {t('verifiedLevel')}
        </p>
      </section>

      {flat ? null : (
        <section class="card">
          <h2 style="margin-top:0">
            {t('aspects')} — {t('selfVsVerified')}
          </h2>
          <Bars
            locale={locale}
            rows={aspects.map((a) => `${a.id} ${a.name}`)}
            series={[
              { label: t('selfLevel'), values: aspects.map((a) => selfOf(a.id)), color: SELF },
              { label: t('verifiedLevel'), values: aspects.map((a) => a.index), color: VERIFIED },
            ]}
          />
        </section>
      )}

      <PlanCard ws={ws} view={view} locale={locale} />
      <RecommendationsCard ws={ws} view={view} />
    </>
  );
}

/**
 * The verifier's rekomendasi per indicator, where written: what the unit must do to reach
 * the next level, printed with the summary (the berita acara's signed content is unchanged).
 */
function RecommendationsCard(props: { ws: WorkspaceKind; view: AssessmentView }) {
  const t = useT();
  const { view } = props;
  const base = `/${props.ws}/a/${encodeURIComponent(view.assessment.id)}`;
  const rows = listIndicators(view.framework)
    .map((i) => ({ no: i.no, name: i.spec.name, text: view.verifications.get(i.no)?.rekomendasi }))
    .filter((r): r is { no: number; name: string; text: string } => !!r.text?.trim());
  if (rows.length === 0) return null;
  return (
    <section class="card" data-testid="summary-recommendations">
      <h2 style="margin-top:0">{t('summaryRecommendations')}</h2>
      <ol class="plain-list">
        {rows.map((r) => (
          <li key={r.no} data-testid={`summary-rec-${r.no}`}>
            <a href={`${base}/i/${r.no}`} onClick={linkClick}>
              {r.no}. {r.name}
            </a>
            <p class="rec-text">{r.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A group's figure in a table cell, with the exact value when rounding crossed a level edge. */
function GroupCell({ d }: { d: IndexDisplay }) {
  return (
    <td>
      <span class="nowrap">{withLevel(d)}</span>
      {d.exactNote ? <div class="small muted">{d.exactNote}</div> : null}
    </td>
  );
}

/**
 * Telusur's own figure without not-applicable indicators, shown apart and labelled: the
 * official index counts them as level 1, this one leaves them out (weights renormalised).
 */
function InternalFigure(props: {
  fw: Framework;
  internal: UnitFigures['official'];
  locale: Locale;
}) {
  const t = useT();
  const d = describeIndex(props.fw, props.internal.index, props.locale, props.internal.predicate);
  return (
    <div class="internal-figure" data-testid="summary-internal">
      <span class="small">{t('internalIndex')}:</span>{' '}
      <strong data-testid="summary-internal-index">{withLevel(d)}</strong>
      {d.predicate ? ` (${d.predicate})` : ''}
      {d.exactNote ? <span class="small muted"> — {d.exactNote}</span> : null}
      <div class="small muted">{t('internalIndexHint')}</div>
    </div>
  );
}

/**
 * The improvement plan under the period's cap of level steps per indicator: the steps to the
 * target, or — when the target is out of reach in one period — what index can be reached
 * and the plan to it.
 */
function PlanCard(props: { ws: WorkspaceKind; view: AssessmentView; locale: Locale }) {
  const t = useT();
  const { view, locale } = props;
  const target = Number(view.period?.targetIndex ?? 3);
  const cap = planStepCap(view.period);
  const { plan, best } = unitPlan(view.framework, [...view.verifications.values()], target, cap);
  const targetText = formatIndex(target, locale);
  const maxText = withLevel(describeIndex(view.framework, plan.maxIndex, locale));
  return (
    <section class="card" data-testid="plan">
      <h2 style="margin-top:0">{t('plan')}</h2>
      <p class="small muted">
        {t('planTarget', { t: targetText })} · {t('planCap', { cap })}
      </p>
      {plan.reachable ? (
        plan.steps.length === 0 ? (
          <p>{t('planReached')}</p>
        ) : (
          <>
            <p>
              {t('planSteps', {
                s: plan.steps.length,
                n: plan.indicatorsTouched,
                r: withLevel(describeIndex(view.framework, plan.resultingIndex, locale)),
              })}
            </p>
            <PlanSteps ws={props.ws} view={view} plan={plan} locale={locale} />
          </>
        )
      ) : (
        <>
          <p class="notice warn" data-testid="plan-unreachable">
            {plan.capLimited
              ? t('planCapLimited', { t: targetText, cap, m: maxText })
              : t('planUnreachableMax', { t: targetText, m: maxText })}
          </p>
          {best ? (
            <>
              <p>
                {t('planBest', {
                  m: withLevel(describeIndex(view.framework, best.resultingIndex, locale)),
                  s: best.steps.length,
                  n: best.indicatorsTouched,
                })}
              </p>
              <PlanSteps ws={props.ws} view={view} plan={best} locale={locale} />
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

function PlanSteps(props: { ws: WorkspaceKind; view: AssessmentView; plan: Plan; locale: Locale }) {
  const { view, locale } = props;
  const fw = view.framework;
  const base = `/${props.ws}/a/${encodeURIComponent(view.assessment.id)}`;
  const byNo = new Map(listIndicators(fw).map((i) => [i.no, i]));
  const rows = new Map<number, { from: number; to: number }>();
  for (const s of props.plan.steps) {
    const row = rows.get(s.no);
    rows.set(s.no, { from: row?.from ?? s.from, to: s.to });
  }
  return (
    <ol data-testid="plan-steps">
      {[...rows].map(([no, step]) => {
        const domain = valueDomainOf(fw, no);
        return (
          <li key={no}>
            <a href={`${base}/i/${no}`} onClick={linkClick}>
              {no}. {byNo.get(no)?.spec.name}
            </a>
            : {formatValue(step.from, locale, domain)} → {formatValue(step.to, locale, domain)} (
            {levelName(fw, no, step.to)})
          </li>
        );
      })}
    </ol>
  );
}
