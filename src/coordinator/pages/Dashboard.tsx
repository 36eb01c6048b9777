import { useEffect, useState } from 'preact/hooks';
import { formatIndex, formatValue, type StageIndex, stageLabel } from '../../core';
import type { Framework } from '../../core/framework';
import { formatZoneTime } from '../../ui/format';
import { useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { api } from '../api';
import { ActionsPanel } from '../components/ActionsPanel';
import { AuditTrail } from '../components/AuditTrail';
import { CityIndex } from '../components/CityIndex';
import { DataTable } from '../components/DataTable';
import { EvidenceChecks } from '../components/EvidenceChecks';
import { EvidenceThumb } from '../components/EvidenceThumb';
import { SelectField } from '../components/FormField';
import { type HeatCell, Heatmap } from '../components/Heatmap';
import { IndexValue, showFigure } from '../components/IndexBox';
import { IndicatorValues } from '../components/IndicatorValues';
import { PeriodSelect } from '../components/PeriodSelect';
import { Section } from '../components/Section';
import { SigningVoidPill, StatusCounts, StatusPill } from '../components/StatusPill';
import { useFramework } from '../framework';
import { type MessageKey, type Translator, useT } from '../i18n';
import { useZone } from '../organisation';
import { usePeriod } from '../period';
import type { DashboardView, UnitKind } from '../types';
import { ErrorNotice, type PageProps, useDocumentTitle, useLoad } from '../ui';
import { setQuery } from '../url';

const KINDS: readonly UnitKind[] = ['pemda', 'opd', 'kecamatan', 'kelurahan'];
const PAGE = 100;
/** A verification the coordinator can open for review: signed, decided, re-signed or reopened. */
const REVIEWABLE = new Set([
  'selesai',
  'terkirim',
  'disetujui',
  'dikembalikan',
  'diperbaiki',
  'dibuka',
]);

/**
 * The dashboard of a period (coordinators and viewers): the city index and how it is
 * consolidated, domains and aspects self vs consolidated, progress of every unit with
 * filters, a heatmap of verified levels whose cells open evidence and audit trail, and the
 * indicators verification lowers most often.
 */
export function Dashboard({ canWrite }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  useDocumentTitle(t('dashboardTitle'));
  const { periods, periodId, setPeriodId, error: periodsError } = usePeriod();
  const q = new URLSearchParams(location.search);
  const [parentId, setParentId] = useState(q.get('kecamatan') ?? '');
  const [kind, setKind] = useState(q.get('jenis') ?? '');
  const [assignedOnly, setAssignedOnly] = useState(q.get('semua') !== '1');
  const [offset, setOffset] = useState(0);
  const [cell, setCell] = useState<HeatCell | null>(null);
  const view = useLoad(
    () =>
      periodId
        ? api('GET /api/dashboard/:periodId', {
            params: { periodId },
            query: {
              parentId: parentId || undefined,
              kind: kind || undefined,
              offset: String(offset),
              limit: String(PAGE),
              assigned: assignedOnly ? 'true' : undefined,
            },
          })
        : Promise.resolve(undefined),
    [periodId, parentId, kind, offset, assignedOnly],
  );
  useEffect(
    () => setQuery({ kecamatan: parentId, jenis: kind, semua: assignedOnly ? null : '1' }),
    [parentId, kind, assignedOnly],
  );
  const d = view.data;
  const fw = useFramework(d?.framework.id);
  /** Another filter shows its units from the first page. */
  const firstPage =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      setOffset(0);
      set(v);
    };

  return (
    <div class="r-dashboard" data-period={d?.period.id}>
      <h1>{t('dashboardTitle')}</h1>
      <ErrorNotice error={periodsError ?? view.error} />
      <div class="r-filters">
        <PeriodSelect
          periods={periods}
          value={periodId}
          onChange={(v) => {
            setOffset(0);
            setCell(null);
            setPeriodId(v);
          }}
        />
        <SelectField
          id="r-kecamatan"
          label={t('kecamatan')}
          testId="filter-kecamatan"
          value={parentId}
          onValue={firstPage(setParentId)}
        >
          <option value="">{t('allKecamatan')}</option>
          {(d?.kecamatan ?? []).map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="r-kind"
          label={t('unitKind')}
          testId="filter-kind"
          value={kind}
          onValue={firstPage(setKind)}
        >
          <option value="">{t('allKinds')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`kind_${k}` as MessageKey)}
            </option>
          ))}
        </SelectField>
      </div>
      {!d ? (
        <p class="muted">{periods.length === 0 && !view.loading ? t('noPeriods') : '…'}</p>
      ) : (
        <>
          <CityCard d={d} t={t} fw={fw} />
          <StagesCard periodId={d.period.id} t={t} />
          <ActionsPanel periodId={d.period.id} fw={fw} t={t} />
          <Groups d={d} t={t} fw={fw} />
          <Section title={t('heatmap')} testId="heatmap">
            {d.heatmap.rows.length === 0 ? (
              <p class="muted">{t('heatmapEmpty')}</p>
            ) : (
              <Heatmap d={d} fw={fw} t={t} locale={locale} open={cell} onOpen={setCell} />
            )}
            {cell ? <CellPanel cell={cell} fw={fw} onClose={() => setCell(null)} /> : null}
          </Section>
          <Section title={t('overclaims')} testId="overclaims">
            {d.overclaims.filter((o) => o.lowered > 0).length === 0 ? (
              <p class="muted">{t('overclaimsEmpty')}</p>
            ) : (
              <ol class="r-overclaims">
                {d.overclaims
                  .filter((o) => o.lowered > 0)
                  .slice(0, 10)
                  .map((o) => (
                    <li key={o.no} data-testid="overclaim" data-no={o.no}>
                      <strong>
                        {o.no}. {o.name}
                      </strong>
                      <br />
                      <span
                        class="r-bar"
                        style={{ width: `${Math.max(4, Math.round(o.share * 160))}px` }}
                      />{' '}
                      <span class="small">
                        {t('overclaimLine', {
                          lowered: o.lowered,
                          compared: o.compared,
                          steps: formatValue(o.stepsLost, locale),
                        })}
                      </span>
                    </li>
                  ))}
              </ol>
            )}
          </Section>
          <Progress
            d={d}
            t={t}
            canWrite={canWrite}
            offset={offset}
            setOffset={setOffset}
            assignedOnly={assignedOnly}
            setAssignedOnly={firstPage(setAssignedOnly)}
          />
        </>
      )}
    </div>
  );
}

interface CardProps {
  d: DashboardView;
  t: Translator;
  fw: Framework | undefined;
}

function CityCard({ d, t, fw }: CardProps) {
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  return (
    <Section title={t('cityIndex')} testId="city-index">
      <CityIndex view={d} t={t} locale={locale} fw={fw} indexTestId="city-consolidated" />
      <p class="small muted">
        {t('generatedAt', { time: formatZoneTime(d.generatedAt, locale, zone) })}
      </p>
    </Section>
  );
}

/** "1,42" (rounded half up, the locale's decimal mark), "–" without a value, and "belum lengkap". */
function stageFigure(s: StageIndex, t: Translator, locale: 'id' | 'en'): string {
  const figure = s.valued === 0 ? '–' : formatIndex(s.index.index, locale);
  return s.valued > 0 && !s.index.complete ? `${figure} (${t('stagesIncomplete')})` : figure;
}

/**
 * "Indeks per tahap": how the index moved between the period's stages, for the city
 * ("Penilaian mandiri 1,42 → Verifikasi dokumen 1,24 → Final –") and per unit.
 */
function StagesCard({ periodId, t }: { periodId: string; t: Translator }) {
  const locale = useLocale((s) => s.locale);
  const view = useLoad(
    () => api('GET /api/dashboard/:periodId/stages', { params: { periodId } }),
    [periodId],
  );
  const v = view.data;
  return (
    <Section title={t('stagesPanel')} testId="stages-panel">
      <ErrorNotice error={view.error} />
      {v ? (
        <>
          <p data-testid="stages-city">
            <strong>{t('stagesCity')}:</strong>{' '}
            {v.city.stages
              .map((s) => `${stageLabel(s.stage, locale)} ${stageFigure(s, t, locale)}`)
              .join(' → ')}
          </p>
          <p class="small muted">{t('stagesPanelHint')}</p>
          {v.units.length === 0 ? (
            <p class="muted">{t('stagesNoUnits')}</p>
          ) : (
            <DataTable
              headings={[t('unit'), ...v.period.stages.map((s) => stageLabel(s, locale))]}
              testId="stages-units"
              label={t('stagesPanel')}
            >
              {v.units.map((u) => (
                <tr key={u.unitId} data-testid="stages-unit-row">
                  <td>
                    {u.name} <span class="small muted">{u.code}</span>
                  </td>
                  {u.stages.map((s) => (
                    <td
                      key={s.stage}
                      title={t('stagesValued', {
                        n: s.valued,
                        total: s.index.applicableCount,
                      })}
                    >
                      {stageFigure(s, t, locale)}
                    </td>
                  ))}
                </tr>
              ))}
            </DataTable>
          )}
        </>
      ) : null}
    </Section>
  );
}

function Groups({ d, t, fw }: CardProps) {
  const locale = useLocale((s) => s.locale);
  // An instrument of aspects only (Pemdi 2026) has no domains to name.
  const aspectsOnly = d.groups.every((g) => g.depth === 0);
  return (
    <Section title={t(aspectsOnly ? 'aspectsOnly' : 'domainsAspects')} testId="groups">
      <DataTable headings={[t(aspectsOnly ? 'aspect' : 'group'), t('self'), t('consolidated')]}>
        {d.groups.map((g) => (
          <tr key={g.id} data-group={g.id}>
            <th scope="row" style={{ paddingLeft: `${0.4 + g.depth * 1.2}rem` }}>
              {g.depth === 0 ? <strong>{g.name}</strong> : g.name}
            </th>
            <td>
              <IndexValue d={showFigure(fw, g.self, locale)} />
            </td>
            <td
              class={
                g.self !== null && g.consolidated !== null && g.consolidated < g.self
                  ? 'r-diff'
                  : ''
              }
            >
              <IndexValue d={showFigure(fw, g.consolidated, locale)} />
            </td>
          </tr>
        ))}
      </DataTable>
    </Section>
  );
}

function Progress(props: {
  d: DashboardView;
  t: Translator;
  canWrite: boolean;
  offset: number;
  setOffset(n: number): void;
  assignedOnly: boolean;
  setAssignedOnly(v: boolean): void;
}) {
  const { d, t } = props;
  const total = d.unitCount;
  return (
    <Section title={t('progress')} testId="progress">
      <StatusCounts progress={d.progress} t={t} />
      <p class="r-note">{t('statusHelp')}</p>
      <label class="row">
        <input
          type="checkbox"
          checked={props.assignedOnly}
          onChange={(e) => props.setAssignedOnly(e.currentTarget.checked)}
          data-testid="assigned-only"
        />
        {t('assignedOnly')}
      </label>
      <DataTable
        headings={[
          t('code'),
          t('unit'),
          t('status'),
          t('indicatorsDone'),
          t('files'),
          <span class="sr-only">{t('review')}</span>,
        ]}
        wrap="table-wrap r-scroll"
      >
        {d.units.map((u) => (
          <tr key={u.unitId} data-testid="progress-row" data-code={u.code} data-status={u.status}>
            <td>{u.code}</td>
            <td>
              {u.name}
              <span class="small muted"> · {t(`kind_${u.kind}` as MessageKey)}</span>
            </td>
            <td>
              {u.assigned ? (
                <>
                  <StatusPill status={u.status} />
                  <SigningVoidPill signing={u.signing} />
                </>
              ) : (
                <span class="small muted">{t('notAssigned')}</span>
              )}
            </td>
            <td>{u.assigned ? `${u.done}/${u.indicatorCount}` : '–'}</td>
            <td>{u.files > 0 ? `${u.filesHeld}/${u.files}` : '–'}</td>
            <td>
              {u.assessmentId ? (
                <span class="c-cell-actions">
                  {props.canWrite && REVIEWABLE.has(u.status) ? (
                    <a
                      class="button primary"
                      href={`/koordinator/tinjau/${encodeURIComponent(u.assessmentId)}`}
                      onClick={linkClick}
                      data-testid="open-review"
                    >
                      {t('review')}
                    </a>
                  ) : null}
                  <a
                    class="button"
                    href={`/koordinator/laporan/unit/${encodeURIComponent(u.assessmentId)}`}
                    onClick={linkClick}
                  >
                    {t('unitReport')}
                  </a>
                </span>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
      {total > d.limit ? (
        <div class="row">
          <button
            type="button"
            disabled={props.offset === 0}
            onClick={() => props.setOffset(Math.max(0, props.offset - d.limit))}
          >
            {t('previous')}
          </button>
          <span class="small">
            {t('pageOf', {
              from: props.offset + 1,
              to: Math.min(total, props.offset + d.limit),
              total,
            })}
          </span>
          <button
            type="button"
            disabled={props.offset + d.limit >= total}
            onClick={() => props.setOffset(props.offset + d.limit)}
          >
            {t('next')}
          </button>
        </div>
      ) : null}
    </Section>
  );
}

/** Evidence (levels, checks, photos, notes) and audit trail of one unit × indicator. */
function CellPanel({
  cell,
  fw,
  onClose,
}: {
  cell: HeatCell;
  fw: Framework | undefined;
  onClose(): void;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const detail = useLoad(
    () => api('GET /api/reports/assessments/:id', { params: { id: cell.assessmentId } }),
    [cell.assessmentId],
  );
  const ind = detail.data?.indicators.find((i) => i.no === cell.no);
  return (
    <section class="r-panel" aria-label={t('evidenceAndAudit')} data-testid="cell-panel">
      <div class="r-panel-head">
        <div>
          <h3>
            {cell.unitName} — {cell.no}. {cell.name}
          </h3>
        </div>
        <button type="button" onClick={onClose} data-testid="cell-panel-close">
          {t('close')}
        </button>
      </div>
      <ErrorNotice error={detail.error} />
      {ind ? (
        <>
          <p class="r-values">
            <IndicatorValues i={ind} fw={fw} t={t} locale={locale} />
          </p>
          {ind.notApplicable && ind.naReason ? (
            <p>
              {t('notApplicable')}: {ind.naReason}
            </p>
          ) : null}
          {ind.notes ? (
            <p>
              <strong>{t('notes')}:</strong> {ind.notes}
            </p>
          ) : null}
          {ind.reviewComment ? (
            <p class="notice warn">
              <strong>{t('reviewComment')}:</strong> {ind.reviewComment}
            </p>
          ) : null}
          {ind.checks.length > 0 ? (
            <>
              <h4>{t('checks')}</h4>
              <EvidenceChecks checks={ind.checks} t={t} />
            </>
          ) : null}
          <h4>{t('photos')}</h4>
          {ind.files.length === 0 ? (
            <p class="muted small">{t('noPhotos')}</p>
          ) : (
            <div class="r-thumbs">
              {ind.files.map((f) => (
                <EvidenceThumb key={f.recordId} file={f} />
              ))}
            </div>
          )}
        </>
      ) : null}
      <AuditTrail assessmentId={cell.assessmentId} indicatorNo={cell.no} />
    </section>
  );
}
