import { useEffect, useRef, useState } from 'preact/hooks';
import { formatIndex, formatValue, valueDomainOf } from '../../core';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { api } from '../api';
import { consolidationCounts, planOutcome, sourceText } from '../components/CityIndex';
import { DataTable } from '../components/DataTable';
import { IndexBox, indexText, showIndex } from '../components/IndexBox';
import { Level, LevelCell } from '../components/Level';
import { PlanActions } from '../components/PlanActions';
import { PlanGroupRow, planByAspect } from '../components/PlanOrder';
import { ReportHead } from '../components/ReportHead';
import { useFramework } from '../framework';
import { useT } from '../i18n';
import { useZone } from '../organisation';
import { usePeriod } from '../period';
import type { PlanView } from '../types';
import { type PageProps, useDocumentTitle, useLoad } from '../ui';
import { setQuery } from '../url';
import { decimalText, indicatorTitle, parseDecimal } from '../values';

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
 * The improvement plan: fewest level-steps from the consolidated city levels to the target,
 * with effort weights and fixed indicators as request parameters (kept in the page's
 * address, so a printed or bookmarked plan keeps its settings). Coordinators change the
 * target and settings; a viewer reads the plan as its address says, with no controls.
 */
export function Plan({ canWrite }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  useDocumentTitle(t('planTitle'));
  const period = usePeriod();
  const { periodId } = period;
  const q = new URLSearchParams(location.search);
  const [effort, setEffort] = useState<Record<number, number>>(() => parseEffort(q.get('usaha')));
  const [fixed, setFixed] = useState<number[]>(() => parseFixed(q.get('tetap')));
  const [target, setTarget] = useState(() => {
    const fromUrl = q.get('target') ?? '';
    return targetValid(fromUrl) ? fromUrl : '';
  });
  const targetOk = targetValid(target);
  // Recompute shortly after the last change (typing an effort weight). A target being typed
  // that is not (yet) a valid index keeps the last plan and says what is wrong beside it,
  // instead of sending it and showing the server's words.
  const [settings, setSettings] = useState({ effort, fixed, target });
  useEffect(() => {
    if (!targetOk) return;
    const h = setTimeout(() => setSettings({ effort, fixed, target }), 350);
    return () => clearTimeout(h);
  }, [effort, fixed, target, targetOk]);
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
  const fw = useFramework(p?.framework.id);
  const fmt = (n: number | null) => formatIndex(n, locale);
  const shown = (n: number | null, predicate?: string | null) =>
    showIndex(fw, n, locale, predicate);
  const domainOf = (no: number) => (fw ? valueDomainOf(fw, no) : undefined);

  return (
    <div class="r-report" data-period={p?.period.id}>
      <ReportHead
        title={t('planTitle')}
        intro={t(canWrite ? 'planIntro' : 'planIntroViewer')}
        printTitle
        period={period}
        error={plan.error}
      >
        {canWrite ? (
          <div>
            <label for="r-target">{t('targetIndex')}</label>
            <input
              id="r-target"
              inputMode="decimal"
              placeholder={p ? fmt(p.period.targetIndex) : ''}
              value={target}
              onInput={(e) => setTarget(e.currentTarget.value.trim())}
              aria-invalid={targetOk ? undefined : 'true'}
              aria-describedby={targetOk ? undefined : 'r-target-error'}
              data-testid="plan-target"
            />
            {targetOk ? null : (
              <p
                id="r-target-error"
                class="r-error small"
                role="alert"
                data-testid="plan-target-error"
              >
                {t('targetInvalid')}
              </p>
            )}
          </div>
        ) : null}
      </ReportHead>
      {!p ? (
        <p class="muted">…</p>
      ) : (
        <>
          <p>
            <strong>{p.period.name}</strong> · {p.framework.name} ·{' '}
            <span class="small muted">
              {t('generatedAt', { time: formatZoneTime(p.generatedAt, locale, zone) })}
            </span>
          </p>
          <div class="r-kpis">
            <IndexBox
              main
              label={t('currentToTarget', {
                current: indexText(shown(p.current.index, p.current.predicate)),
                target: indexText(shown(p.target)),
              })}
              shown={shown(p.resultingIndex, p.resultingPredicate)}
              predicate={planOutcome(p, t, locale, fw)}
              testId="plan-result"
              predicateTestId="plan-outcome"
            />
          </div>
          <p class="r-note" data-testid="plan-cap">
            {t('planCapLine', { cap: p.maxStepsPerIndicator })}
          </p>
          <p class="r-note">{consolidationCounts(p.consolidation, t)}</p>
          <PlanSettingsLine p={p} />
          {p.items.length ? (
            <p class="r-note" data-testid="plan-order">
              {t('planOrderNote')}
            </p>
          ) : null}
          <DataTable
            headings={[t('indicator'), t('from'), t('to'), t('evidenceNeeded'), t('heldBack')]}
            testId="plan-items"
            label={t('planTitle')}
          >
            {planByAspect(p).flatMap((g) => [
              <PlanGroupRow key={`g-${g.path}`} path={g.path} columns={5} />,
              ...g.items.map((i) => (
                <tr key={i.no} data-testid="plan-item" data-no={i.no}>
                  <td>
                    <strong>{indicatorTitle(i)}</strong>
                  </td>
                  <td>
                    <Level value={i.from} domain={domainOf(i.no)} />
                    <br />
                    <span class="small muted">{sourceText(i.source, t, i.notApplicable)}</span>
                  </td>
                  <LevelCell value={i.to} domain={domainOf(i.no)} />
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
                              {u.name} (<Level value={u.level} domain={domainOf(i.no)} />)
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
              )),
            ])}
          </DataTable>
          {canWrite ? <PlanActions p={p} /> : null}
          {canWrite ? (
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
              <DataTable
                headings={[t('indicator'), t('level'), t('effort'), t('fixed')]}
                label={t('settings')}
              >
                {p.indicators.map((i) => (
                  <tr key={i.no}>
                    <td>{indicatorTitle(i)}</td>
                    <td>
                      <Level value={i.notApplicable ? 1 : i.level} domain={domainOf(i.no)} />{' '}
                      <span class="small muted">{sourceText(i.source, t, i.notApplicable)}</span>
                    </td>
                    <td>
                      <EffortInput
                        label={`${t('effort')} ${i.no}`}
                        testId={`effort-${i.no}`}
                        value={effort[i.no] ?? 1}
                        locale={locale}
                        onValue={(v) => setEffort((x) => ({ ...x, [i.no]: v }))}
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
          ) : null}
          <p class="small muted no-print">{t('printHint')}</p>
        </>
      )}
    </div>
  );
}

/**
 * The settings this plan was computed with, when any differ from the period's: a viewer
 * (who has no settings panel) and a printed plan still say why it differs from the default.
 */
function PlanSettingsLine({ p }: { p: PlanView }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const parts: string[] = [];
  if (p.target !== p.period.targetIndex)
    parts.push(t('planSettingTarget', { target: formatIndex(p.target, locale) }));
  if (p.options.fixed.length)
    parts.push(t('planSettingFixed', { list: p.options.fixed.join(', ') }));
  const effort = Object.entries(p.options.effort);
  if (effort.length)
    parts.push(
      t('planSettingEffort', {
        list: effort.map(([no, e]) => `${no} × ${formatValue(e, locale)}`).join(', '),
      }),
    );
  if (!parts.length) return null;
  return (
    <p class="r-note" data-testid="plan-settings-line">
      {t('planSettingsLine', { list: parts.join(' · ') })}
    </p>
  );
}

/** Largest effort weight the plan takes. */
const MAX_EFFORT = 1000;

/**
 * An effort weight as typed, with a decimal comma or point in either language ("1,5" and
 * "1.5"): a number input would refuse the mark its locale does not use. What is typed
 * stays as typed; a weight that is not a positive number up to MAX_EFFORT is marked and
 * not used. A language switch or a reset from outside shows the weight anew.
 */
function EffortInput(props: {
  label: string;
  testId: string;
  value: number;
  locale: Locale;
  onValue(v: number): void;
}) {
  const { value, locale } = props;
  const [text, setText] = useState(() => decimalText(value, locale));
  const shownIn = useRef(locale);
  useEffect(() => {
    const switched = shownIn.current !== locale;
    shownIn.current = locale;
    setText((x) => (!switched && parseDecimal(x) === value ? x : decimalText(value, locale)));
  }, [value, locale]);
  const n = parseDecimal(text);
  const ok = n > 0 && n <= MAX_EFFORT;
  return (
    <input
      type="text"
      inputMode="decimal"
      aria-label={props.label}
      aria-invalid={ok ? undefined : 'true'}
      data-testid={props.testId}
      value={text}
      onInput={(e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        const v = parseDecimal(typed);
        if (v > 0 && v <= MAX_EFFORT) props.onValue(v);
      }}
    />
  );
}

/**
 * A target as typed: empty (the period's own), or an index 1–5 with at most two decimals,
 * with a decimal comma or point ("3", "2,75", "3.5").
 */
export function targetValid(text: string): boolean {
  if (text === '') return true;
  // At most two decimals, as the server takes a target.
  if (!/^\d(?:[.,]\d{1,2})?$/.test(text)) return false;
  const n = parseDecimal(text);
  return n >= 1 && n <= 5;
}
