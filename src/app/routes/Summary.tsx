import { computeIndex, formatIndex, levelName, listIndicators, planImprovement } from '../../core';
import { Bars, Radar } from '../../ui/Charts';
import { formatDateTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { ProvisionalMark } from '../components/RecordNotices';
import { useT } from '../i18n';
import { loadAssessment } from '../lib/assessment';
import { isProvisional } from '../lib/berita-acara';
import { levelsOf } from '../lib/progress';
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
  const verifs = [...view.verifications.values()];
  const verified = levelsOf(verifs, 'verifiedLevel');
  const self = levelsOf(verifs, 'selfLevel');
  const opts = { notApplicable: verified.notApplicable };
  const r = computeIndex(view.framework, verified.levels, opts);
  const rs = computeIndex(view.framework, self.levels, opts);
  const domains = r.groups.filter((g) => g.depth === 0);
  const aspects = r.groups.filter(
    (g) => g.depth === 1 || (g.depth === 0 && !view.framework.groups.some((d) => d.groups)),
  );
  const selfOf = (gid: string) => rs.groups.find((g) => g.id === gid)?.index ?? null;
  const target = Number(view.period?.targetIndex ?? 3);
  // Plan from what is known best: the verified level, else (not yet verified) the self-assessed one.
  const planLevels = { ...self.levels };
  for (const [no, l] of Object.entries(verified.levels)) if (l !== null) planLevels[Number(no)] = l;
  const plan = planImprovement(view.framework, planLevels, target, opts);
  const base = `/${ws}/a/${encodeURIComponent(id)}`;
  const byNo = new Map(listIndicators(view.framework).map((i) => [i.no, i]));
  const planRows = new Map<number, { from: number; to: number }>();
  for (const s of plan.steps) {
    const row = planRows.get(s.no);
    planRows.set(s.no, { from: row?.from ?? s.from, to: s.to });
  }

  const provisional = isProvisional({
    partial: view.beritaAcara?.partial === true,
    complete: r.complete,
  });
  const unitName = view.unit?.name ?? view.assessment.unitId;

  return (
    <>
      <UnitHeader ws={ws} view={view} active="summary" />
      {/* The screen's title is not printed (UnitHeader): the paper names unit, period and date. */}
      <header class="print-only print-head" data-testid="summary-print-head">
        <h1>
          {t('summary')} — {unitName}
        </h1>
        <p>
          {t('period')}: {view.period?.name ?? '–'} · {view.framework.name}
          <br />
          {t('printedOn', {
            d: formatDateTime(locale, Date.now(), { dateStyle: 'long', timeStyle: 'short' }),
          })}
          {ws === 'latihan' ? ` · ${t('trainingMark')} — ${t('trainingMarkHint')}` : ''}
        </p>
      </header>
      <section class="card">
        <div class="row">
          <div>
            <div class="small muted">{t('index')}</div>
            <div class="big-index" data-testid="summary-index">
              {formatIndex(r.index, locale)}
            </div>
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
            {t('selfLevel')}:{' '}
            <strong data-testid="summary-self-index">{formatIndex(rs.index, locale)}</strong>{' '}
            {rs.predicate ?? ''}
          </div>
        </div>
        {!r.complete ? (
          <p class="small muted">
            {t('partialIndex', { n: r.assessedCount, total: r.applicableCount })}
          </p>
        ) : null}
        {r.renormalised ? <p class="small notice">{t('renormalised')}</p> : null}
      </section>

      <section class="card">
        <h2 style="margin-top:0">{t('domains')}</h2>
        <div class="row" style="align-items:flex-start">
          <Radar
            axes={domains.map((d) => d.id)}
            series={[
              { label: t('selfLevel'), values: domains.map((d) => selfOf(d.id)), color: SELF },
              { label: t('verifiedLevel'), values: domains.map((d) => d.index), color: VERIFIED },
            ]}
          />
          <table style="flex:1;min-width:260px">
            <thead>
              <tr>
                <th>{t('domains')}</th>
                <th>{t('selfLevel')}</th>
                <th>{t('verifiedLevel')}</th>
              </tr>
            </thead>
            <tbody>
              {domains.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.id} {d.name}
                  </td>
                  <td>{formatIndex(selfOf(d.id), locale)}</td>
                  <td>{formatIndex(d.index, locale)}</td>
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

      <section class="card">
        <h2 style="margin-top:0">
          {t('aspects')} — {t('selfVsVerified')}
        </h2>
        <Bars
          rows={aspects.map((a) => `${a.id} ${a.name}`)}
          series={[
            { label: t('selfLevel'), values: aspects.map((a) => selfOf(a.id)), color: SELF },
            { label: t('verifiedLevel'), values: aspects.map((a) => a.index), color: VERIFIED },
          ]}
        />
      </section>

      <section class="card" data-testid="plan">
        <h2 style="margin-top:0">{t('plan')}</h2>
        <p class="small muted">{t('planTarget', { t: formatIndex(target, locale) })}</p>
        {plan.steps.length === 0 ? (
          <p>{plan.reachable ? t('planReached') : t('planUnreachable')}</p>
        ) : (
          <>
            <p>
              {t('planSteps', {
                s: plan.steps.length,
                n: plan.indicatorsTouched,
                r: formatIndex(plan.resultingIndex, locale),
              })}
            </p>
            <ol>
              {[...planRows].map(([no, step]) => (
                <li key={no}>
                  <a href={`${base}/i/${no}`} onClick={linkClick}>
                    {no}. {byNo.get(no)?.spec.name}
                  </a>
                  : {step.from} → {step.to} ({levelName(view.framework, no, step.to)})
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
    </>
  );
}
