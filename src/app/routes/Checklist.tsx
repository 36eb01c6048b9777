import { useState } from 'preact/hooks';
import { formatValue, type GroupSpec, MAX_LEVEL, valueDomainOf } from '../../core';
import type { TabletAction, TelusurStore } from '../../store';
import { formatPercent } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { lazyScreen } from '../../ui/lazy';
import { linkClick } from '../../ui/router';
import { ConflictMark } from '../components/Conflicts';
import { FailedFiles } from '../components/FailedFiles';
import { RejectedList } from '../components/RejectedList';
import { useT } from '../i18n';
import { splitByInstrument } from '../lib/actions';
import { type AssessmentView, isAssigned, loadAssessment } from '../lib/assessment';
import { commentedIndicators } from '../lib/berita-acara';
import { conflictsByIndicator, type IndicatorConflicts, withOwnValues } from '../lib/conflicts';
import {
  differs,
  evidenceState,
  isVerified,
  naWithoutReason,
  verifiedCount,
} from '../lib/progress';
import { cumulativeWarning } from '../lib/values';
import { sectorServiceOf } from '../lib/workflow';
import { useLive, type WorkspaceKind } from '../state/workspace';
import { UnitHeader } from './UnitHeader';

type Filter = 'all' | 'todo' | 'differs' | 'missing' | 'returned';

/** The unit's improvement actions on other instruments: their own chunk, loaded only when any. */
const OtherInstrumentActions = lazyScreen(
  () => import('../components/Actions').then((m) => m.OtherInstrumentActions),
  () => <span />,
);

/** The improvement actions on (or owned by) the assessment's unit, of every instrument. */
async function unitActions(store: TelusurStore, assessmentId: string): Promise<TabletAction[]> {
  const a = await store.assessments.get(assessmentId);
  return a ? store.reference.listActionsForUnit(a.unitId) : [];
}

/** `?tampil=catatan` (the returned-work notice's link) opens the list on the commented indicators. */
function initialFilter(): Filter {
  return new URLSearchParams(location.search).get('tampil') === 'catatan' ? 'returned' : 'all';
}

export function Checklist({ ws, id }: { ws: WorkspaceKind; id: string }) {
  const t = useT();
  const { value: view } = useLive(ws, (s) => loadAssessment(s, id), [id]);
  const { value: assignments } = useLive(ws, (s) => s.reference.listAssignments(), []);
  const { value: conflicts } = useLive(ws, (s) => conflictsByIndicator(s, id), [id]);
  const { value: actions } = useLive(ws, (s) => unitActions(s, id), [id]);
  const [filter, setFilter] = useState<Filter>(initialFilter);
  if (view === undefined) return <p class="muted">{t('loading')}</p>;
  if (view === null) return <p class="notice bad">{t('notFound')}</p>;

  const count = verifiedCount(view.framework, view.verifications.values());
  const { perIndicator: actionCounts, others: otherActions } = splitByInstrument(
    actions ?? [],
    view.assessment.frameworkId,
  );
  const commented = commentedIndicators(view.verifications.values());
  const keep = (no: number) => {
    const v = view.verifications.get(no);
    if (filter === 'returned') return commented.includes(no);
    if (filter === 'todo') return !isVerified(v);
    if (filter === 'differs') return differs(v);
    if (filter === 'missing') return evidenceState(v) === 'problem';
    return true;
  };
  const filters: [Filter, string][] = [
    ['all', t('filterAll')],
    ['todo', t('filterTodo')],
    ['differs', t('filterDiffers')],
    ['missing', t('filterMissing')],
  ];
  if (commented.length > 0)
    filters.push(['returned', t('filterReturned', { n: commented.length })]);
  return (
    <>
      <UnitHeader
        ws={ws}
        view={view}
        active="checklist"
        onShowReturned={() => setFilter('returned')}
      />
      {ws === 'kerja' && assignments && !isAssigned(assignments, view.assessment) ? (
        <p class="notice warn" role="status" data-testid="withdrawn-notice">
          {t('withdrawnNotice')}
        </p>
      ) : null}
      {ws === 'kerja' ? (
        <>
          <RejectedList heading="section" only={{ assessmentId: id }} />
          <FailedFiles assessmentId={id} showUnit={false} />
        </>
      ) : null}
      <p class="small muted">{t('progress', { n: count.verified, total: count.total })}</p>
      <fieldset class="plain filters">
        <legend class="sr-only">Filter</legend>
        {filters.map(([f, label]) => (
          <button
            type="button"
            key={f}
            aria-pressed={filter === f}
            onClick={() => setFilter(f)}
            data-testid={`filter-${f}`}
          >
            {label}
          </button>
        ))}
      </fieldset>
      {otherActions.length > 0 ? <OtherInstrumentActions ws={ws} actions={otherActions} /> : null}
      {view.framework.groups.map((g) => (
        <GroupBlock
          key={g.id}
          group={g}
          depth={0}
          view={view}
          ws={ws}
          keep={keep}
          conflicts={conflicts}
          actionCounts={actionCounts}
        />
      ))}
    </>
  );
}

function GroupBlock(props: {
  group: GroupSpec;
  depth: number;
  view: AssessmentView;
  ws: WorkspaceKind;
  keep(no: number): boolean;
  conflicts: IndicatorConflicts | undefined;
  /** Improvement actions per indicator number (the period's instrument only). */
  actionCounts: ReadonlyMap<number, number>;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { group, view, ws } = props;
  const Heading = props.depth === 0 ? 'h2' : 'h3';
  const indicators = (group.indicators ?? []).filter((i) => props.keep(i.no));
  return (
    <section>
      <Heading>
        {group.name}{' '}
        <span class="small muted">
          · {t('weight')} {formatPercent(locale, group.weight)}
        </span>
      </Heading>
      {(group.groups ?? []).map((g) => (
        <GroupBlock key={g.id} {...props} group={g} depth={props.depth + 1} />
      ))}
      {indicators.length > 0 ? (
        <ul class="ind-list card" style="padding:0">
          {indicators.map((ind) => {
            // With an open conflict the row shows this tablet's own value, marked.
            const v = withOwnValues(view.verifications.get(ind.no), props.conflicts?.get(ind.no));
            const ev = evidenceState(v);
            const domain = valueDomainOf(view.framework, ind.no);
            const shown = (x: number | null | undefined) => formatValue(x, locale, domain);
            const gap = cumulativeWarning(view.framework, v);
            return (
              <li key={ind.no}>
                <a
                  class="ind-row"
                  href={`/${ws}/a/${encodeURIComponent(view.assessment.id)}/i/${ind.no}`}
                  onClick={linkClick}
                  data-testid={`indicator-row-${ind.no}`}
                >
                  <span class="ind-no">{ind.no}</span>
                  <span>
                    {ind.name}
                    {sectorServiceOf(view.period, ind.no) ? (
                      <span data-testid="row-sector-service">
                        {' '}
                        — {sectorServiceOf(view.period, ind.no)}
                      </span>
                    ) : null}
                    <span class="small muted">
                      {' '}
                      · {formatPercent(locale, ind.weight)}
                      {ind.source ? ` · ${t('sourceShort')}` : ''}
                    </span>
                  </span>
                  <span class="badges">
                    <span class={`lv ${v?.selfLevel ? '' : 'none'}`} title={t('selfLevel')}>
                      {t('selfLevel')} {shown(v?.selfLevel)}
                    </span>
                    {v?.notApplicable ? (
                      // Without its reason it is not counted as verified: say why here.
                      <span
                        class={`lv ${naWithoutReason(v) ? 'diff' : ''}`}
                        title={t('naTitle')}
                        data-testid="na-badge"
                      >
                        {t('naLong')}
                        {naWithoutReason(v) ? ` · ${t('naReasonMissing')}` : ''}
                      </span>
                    ) : (
                      <span
                        class={`lv ${v?.verifiedLevel ? (differs(v) ? 'diff' : 'verified') : 'none'}`}
                        title={t('verifiedLevel')}
                      >
                        {t('verifiedLevel')} {shown(v?.verifiedLevel)}
                        {differs(v) ? ' ≠' : ''}
                      </span>
                    )}
                    {ev !== 'none' ? (
                      <span class={`lv ${ev === 'problem' ? 'diff' : 'verified'}`}>
                        {t('evidenceShort')} {ev === 'problem' ? '!' : '✓'}
                      </span>
                    ) : null}
                    {gap ? (
                      <span
                        class="lv diff"
                        title={t('cumulativeWarning', {
                          claimed: gap.claimed,
                          level: gap.firstIncomplete,
                        })}
                        data-testid="cumulative-badge"
                      >
                        {t('cumulativeBadge', { level: gap.firstIncomplete })}
                      </span>
                    ) : null}
                    <ConflictMark conflicts={props.conflicts?.get(ind.no)} />
                    {props.actionCounts.get(ind.no) ? (
                      <span
                        class="lv action"
                        title={t('actionBadgeTitle', { n: props.actionCounts.get(ind.no) ?? 0 })}
                        data-testid="action-badge"
                      >
                        {t('actionBadge')}
                      </span>
                    ) : null}
                    {v?.reviewComment?.trim() ? (
                      <span class="lv review" data-testid="returned-badge">
                        {t('returnedBadge')}
                      </span>
                    ) : null}
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}

export const LEVELS = Array.from({ length: MAX_LEVEL }, (_, i) => i + 1);
