import { useEffect, useState } from 'preact/hooks';
import { formatIndex } from '../../core';
import { formatWib } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { api } from '../api';
import { DataTable } from '../components/DataTable';
import { Level } from '../components/Level';
import { PeriodSelect } from '../components/PeriodSelect';
import { PrintButton } from '../components/PrintButton';
import { type MessageKey, useT } from '../i18n';
import { usePeriod } from '../period';
import { ErrorNotice, type PageProps, useDocumentTitle, useLoad } from '../ui';
import { setQuery } from '../url';

/** `12:2,13:0.5` ⇄ { 12: 2, 13: 0.5 } (the plan route's query format). */
function parseEffort(s: string | null): Record<number, number> {
  const out: Record<number, number> = {};
  for (const part of (s ?? '').split(',')) {
    const [no, v] = part.split(':');
    const n = Number(no);
    const e = Number(v);
    if (Number.isInteger(n) && n > 0 && e > 0) out[n] = e;
  }
  return out;
}
function effortParam(e: Record<number, number>): string {
  return Object.entries(e)
    .filter(([, v]) => v !== 1)
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
}
function parseFixed(s: string | null): number[] {
  return (s ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/**
 * The improvement plan (coordinators): fewest level-steps from the consolidated city
 * levels to the target, with effort weights and fixed indicators as request parameters
 * (kept in the page's address, so a printed or bookmarked plan keeps its settings).
 */
export function Plan(_: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  useDocumentTitle(t('planTitle'));
  const { periods, periodId, setPeriodId, error: periodsError } = usePeriod();
  const q = new URLSearchParams(location.search);
  const [effort, setEffort] = useState<Record<number, number>>(() => parseEffort(q.get('usaha')));
  const [fixed, setFixed] = useState<number[]>(() => parseFixed(q.get('tetap')));
  const [target, setTarget] = useState(q.get('target') ?? '');
  // Recompute shortly after the last change (typing an effort weight).
  const [settings, setSettings] = useState({ effort, fixed, target });
  useEffect(() => {
    const h = setTimeout(() => setSettings({ effort, fixed, target }), 350);
    return () => clearTimeout(h);
  }, [effort, fixed, target]);
  useEffect(() => {
    setQuery({
      usaha: effortParam(settings.effort),
      tetap: settings.fixed.join(','),
      target: settings.target,
    });
  }, [settings]);
  const plan = useLoad(
    () =>
      periodId
        ? api('GET /api/dashboard/:periodId/plan', {
            params: { periodId },
            query: {
              effort: effortParam(settings.effort) || undefined,
              fixed: settings.fixed.join(',') || undefined,
              target: settings.target.replace(',', '.') || undefined,
            },
          })
        : Promise.resolve(undefined),
    [periodId, settings],
  );
  const p = plan.data;
  const fmt = (n: number | null) => formatIndex(n, locale);

  return (
    <div class="r-report">
      <div class="r-doc-head">
        <h1>{t('planTitle')}</h1>
        <PrintButton />
      </div>
      <p class="r-note no-print">{t('planIntro')}</p>
      <ErrorNotice error={periodsError ?? plan.error} />
      <div class="r-filters">
        <PeriodSelect periods={periods} value={periodId} onChange={setPeriodId} />
        <div>
          <label for="r-target">{t('targetIndex')}</label>
          <input
            id="r-target"
            inputMode="decimal"
            placeholder={p ? fmt(p.period.targetIndex) : ''}
            value={target}
            onInput={(e) => setTarget(e.currentTarget.value.trim())}
            data-testid="plan-target"
          />
        </div>
      </div>
      {!p ? (
        <p class="muted">…</p>
      ) : (
        <>
          <p>
            <strong>{p.period.name}</strong> · {p.framework.name} ·{' '}
            <span class="small muted">
              {t('generatedAt', { time: formatWib(p.generatedAt, locale) })}
            </span>
          </p>
          <div class="r-kpis">
            <div class="r-kpi r-main">
              <span class="small">
                {t('currentToTarget', { current: fmt(p.current.index), target: fmt(p.target) })}
              </span>
              <strong data-testid="plan-result">{fmt(p.resultingIndex)}</strong>
              <span>
                {p.reachable && p.items.length > 0
                  ? t('planResult', {
                      steps: p.stepCount,
                      n: p.indicatorsTouched,
                      result: fmt(p.resultingIndex),
                      predicate: p.resultingPredicate ?? '–',
                    })
                  : p.reachable
                    ? t('planAlready')
                    : t('planUnreachable', { max: fmt(p.maxIndex) })}
              </span>
            </div>
          </div>
          <p class="r-note">
            {t('consolidationCounts', {
              verified: p.consolidation.verifiedCount,
              self: p.consolidation.selfOnlyCount,
              none: p.consolidation.unassessedCount,
              na: p.consolidation.notApplicable.length,
            })}
          </p>
          <DataTable
            headings={[t('indicator'), t('from'), t('to'), t('evidenceNeeded'), t('heldBack')]}
            testId="plan-items"
          >
            {p.items.map((i) => (
              <tr key={i.no} data-testid="plan-item" data-no={i.no}>
                <td>
                  <strong>
                    {i.no}. {i.name}
                  </strong>
                  <br />
                  <span class="small muted">{i.groups.join(' › ')}</span>
                </td>
                <td>
                  <Level value={i.from} />
                  <br />
                  <span class="small muted">
                    {t(
                      i.source === 'verified'
                        ? 'sourceVerified'
                        : i.source === 'self'
                          ? 'sourceSelf'
                          : 'sourceNone',
                    )}
                  </span>
                </td>
                <td>
                  <Level value={i.to} />
                </td>
                <td>
                  {i.criteria ? <p class="small">{i.criteria}</p> : null}
                  <ul class="r-plan-evidence small">
                    {i.evidence.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </td>
                <td class="small">
                  {i.heldBackBy.total === 0 ? (
                    <span class="muted">{t('heldBackNone')}</span>
                  ) : (
                    <>
                      <ul class="r-plan-evidence">
                        {i.heldBackBy.units.map((u) => (
                          <li key={u.unitId}>
                            {u.name} (<Level value={u.level} />)
                          </li>
                        ))}
                      </ul>
                      {i.heldBackBy.total > i.heldBackBy.units.length ? (
                        <span class="muted">
                          {t('heldBackMore', {
                            n: i.heldBackBy.total - i.heldBackBy.units.length,
                          })}
                        </span>
                      ) : null}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
          <details
            class="card r-settings"
            open={fixed.length > 0 || Object.keys(effort).length > 0}
          >
            <summary>
              <strong>{t('settings')}</strong>
            </summary>
            <button
              type="button"
              onClick={() => {
                setEffort({});
                setFixed([]);
                setTarget('');
              }}
            >
              {t('resetSettings')}
            </button>
            <DataTable headings={[t('indicator'), t('level'), t('effort'), t('fixed')]}>
              {p.indicators.map((i) => (
                <tr key={i.no}>
                  <td>
                    {i.no}. {i.name}
                  </td>
                  <td>
                    <Level value={i.level} />{' '}
                    <span class="small muted">
                      {t(
                        (i.source === 'verified'
                          ? 'sourceVerified'
                          : i.source === 'self'
                            ? 'sourceSelf'
                            : 'sourceNone') as MessageKey,
                      )}
                    </span>
                  </td>
                  <td>
                    <input
                      type="number"
                      min="0.1"
                      max="1000"
                      step="0.5"
                      aria-label={`${t('effort')} ${i.no}`}
                      data-testid={`effort-${i.no}`}
                      value={effort[i.no] ?? 1}
                      onInput={(e) => {
                        const v = Number(e.currentTarget.value);
                        if (!(v > 0) || v > 1000) return;
                        setEffort((x) => ({ ...x, [i.no]: v }));
                      }}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${t('fixed')} ${i.no}`}
                      data-testid={`fixed-${i.no}`}
                      checked={fixed.includes(i.no)}
                      onChange={(e) => {
                        const on = e.currentTarget.checked;
                        setFixed((x) =>
                          on ? [...x, i.no].sort((a, b) => a - b) : x.filter((n) => n !== i.no),
                        );
                      }}
                    />
                  </td>
                </tr>
              ))}
            </DataTable>
          </details>
          <p class="small muted no-print">{t('printHint')}</p>
        </>
      )}
    </div>
  );
}
