import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import {
  cumulativeGap,
  formatValue,
  PERIOD_TYPE_LABELS,
  stageLabel,
  valueDomainOf,
} from '../../core';
import type { Framework } from '../../core/framework';
import { Bars, Radar } from '../../ui/Charts';
import { formatZoneTime } from '../../ui/format';
import { linkClick } from '../../ui/router';
import { ApiError, api, apiPath } from '../api';
import { BeritaAcaraSheet } from '../components/BeritaAcaraSheet';
import { CityIndex, planOutcome, sourceText } from '../components/CityIndex';
import { DataTable } from '../components/DataTable';
import { EvidenceThumb } from '../components/EvidenceThumb';
import { gapText } from '../components/Heatmap';
import { IndexValue, showFigure, UnitIndexBoxes } from '../components/IndexBox';
import { outsideIndexText, plainNumber, sourceOf } from '../components/IndicatorValues';
import { Letterhead } from '../components/Letterhead';
import { LevelCell } from '../components/Level';
import { PlanGroupRow, planByAspect } from '../components/PlanOrder';
import { PrintButton } from '../components/PrintButton';
import { ReportHead } from '../components/ReportHead';
import { SigningVoidPill, StatusCounts, StatusPill } from '../components/StatusPill';
import { download } from '../files';
import { useFramework } from '../framework';
import { type MessageKey, translateId, useT } from '../i18n';
import { useZone } from '../organisation';
import { usePeriod } from '../period';
import type { AssessmentDetail, CitySummary, IndicatorReview } from '../types';
import { ErrorNotice, type PageProps, SuccessNotice, useDocumentTitle, useLoad } from '../ui';
import { indicatorTitle } from '../values';

const SELF_COLOR = '#8a5a00';
const VERIFIED_COLOR = '#0f4c5c';

/**
 * Reports (coordinators and viewers): exports (CSV, XLSX), the national evidence package (of
 * the Pemda, or of a unit from the unit list), the printable city summary with its charts,
 * and links to the per-unit reports. The report bodies are Indonesian
 * whatever the UI language (official documents); A4 through the browser's print.
 */
export function Reports(_: PageProps) {
  const t = useT();
  useDocumentTitle(t('reportsTitle'));
  const period = usePeriod();
  const { periodId } = period;
  const summary = useLoad(
    () =>
      periodId
        ? api('GET /api/reports/periods/:periodId/summary', { params: { periodId } })
        : Promise.resolve(undefined),
    [periodId],
  );
  const units = useLoad(
    () =>
      periodId
        ? api('GET /api/dashboard/:periodId', {
            params: { periodId },
            query: { limit: '1000', assigned: 'true' },
          })
        : Promise.resolve(undefined),
    [periodId],
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // The notice shows beside the button used: the exports' or a unit's in the unit list.
  const [noticeAt, setNoticeAt] = useState<'exports' | 'units'>('exports');
  const get = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    setNoticeAt('exports');
    setOk(null);
    setError(null);
    try {
      const endpoint =
        format === 'csv'
          ? 'GET /api/reports/periods/:periodId/levels.csv'
          : 'GET /api/reports/periods/:periodId/levels.xlsx';
      const name = await download(apiPath(endpoint, { periodId }), `telusur-level.${format}`);
      setOk(t('downloaded', { name }));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    } finally {
      setBusy(null);
    }
  };
  const getPackage = async (unitId: string | null) => {
    const key = `package:${unitId ?? ''}`;
    setBusy(key);
    setNoticeAt(unitId ? 'units' : 'exports');
    setOk(null);
    setError(null);
    try {
      const name = await download(
        apiPath(
          'GET /api/reports/periods/:periodId/national-package.zip',
          { periodId },
          unitId ? { unitId } : {},
        ),
        'telusur-paket-bukti.zip',
      );
      setOk(t('downloaded', { name }));
    } catch (e) {
      // A refused package (a stored file whose hash no longer matches) says which file.
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    } finally {
      setBusy(null);
    }
  };
  const s = summary.data;
  return (
    <div class="r-reports">
      <ReportHead
        title={t('reportsTitle')}
        intro={t('reportsIntro')}
        printTitle={false}
        period={period}
        error={summary.error}
      />
      <section class="card r-section no-print" data-testid="exports">
        <h2>{t('exports')}</h2>
        <p class="r-note">{t('exportsHelp')}</p>
        <div class="row">
          <button
            type="button"
            class="primary"
            disabled={!periodId || busy !== null}
            onClick={() => void get('csv')}
            data-testid="export-csv"
          >
            {busy === 'csv' ? t('downloading') : t('downloadCsv')}
          </button>
          <button
            type="button"
            class="primary"
            disabled={!periodId || busy !== null}
            onClick={() => void get('xlsx')}
            data-testid="export-xlsx"
          >
            {busy === 'xlsx' ? t('downloading') : t('downloadXlsx')}
          </button>
        </div>
        <h3>{t('nationalPackage')}</h3>
        <p class="r-note">{t('nationalPackageHelp')}</p>
        <div class="row">
          <button
            type="button"
            disabled={!periodId || busy !== null}
            onClick={() => void getPackage(null)}
            data-testid="national-package-pemda"
          >
            {busy === 'package:' ? t('downloading') : t('downloadNationalPackagePemda')}
          </button>
        </div>
        {noticeAt === 'exports' ? (
          <>
            <ErrorNotice error={error} testId="export-error" />
            <SuccessNotice text={ok} />
          </>
        ) : null}
      </section>
      {s ? <CityReport s={s} /> : <p class="muted">…</p>}
      <section class="card r-section no-print" data-testid="unit-reports">
        <h2>{t('unitReports')}</h2>
        <p class="r-note">{t('unitReportsHelp')}</p>
        <ul>
          {(units.data?.units ?? [])
            .filter((u) => u.assessmentId)
            .map((u) => (
              <li key={u.unitId}>
                <a
                  href={`/koordinator/laporan/unit/${encodeURIComponent(u.assessmentId as string)}`}
                  onClick={linkClick}
                  data-testid="unit-report-link"
                >
                  {u.name}
                </a>{' '}
                <StatusPill status={u.status} />
                <SigningVoidPill signing={u.signing} />{' '}
                <button
                  type="button"
                  class="small"
                  disabled={busy !== null}
                  onClick={() => void getPackage(u.unitId)}
                  title={t('downloadNationalPackage')}
                  data-testid="national-package-unit"
                >
                  {busy === `package:${u.unitId}`
                    ? t('downloading')
                    : t('downloadNationalPackageUnit', { unit: u.name })}
                </button>
              </li>
            ))}
        </ul>
        {noticeAt === 'units' ? (
          <>
            <ErrorNotice error={error} testId="package-error" />
            <SuccessNotice text={ok} />
          </>
        ) : null}
      </section>
    </div>
  );
}

/** The printable city summary (always Indonesian). */
function CityReport({ s }: { s: CitySummary }) {
  const t = translateId;
  const zone = useZone();
  const fw = useFramework(s.framework.id);
  const domainOf = (no: number) => (fw ? valueDomainOf(fw, no) : undefined);
  const fmt = (n: number | null) => <IndexValue d={showFigure(fw, n, 'id')} />;
  const aspects = s.groups.filter((g) => g.depth === Math.max(...s.groups.map((x) => x.depth)));
  // Pemdi 2026 has aspects only: then the radar is the one chart (no "domain" bars).
  const domains = aspects.some((g) => g.depth > 0) ? s.groups.filter((g) => g.depth === 0) : [];
  // Both charts compare the same two series, in the same colours as the captions name them.
  const selfAndConsolidated = (groups: typeof aspects) => [
    { label: t('self'), values: groups.map((g) => g.self), color: SELF_COLOR },
    { label: t('consolidated'), values: groups.map((g) => g.consolidated), color: VERIFIED_COLOR },
  ];
  return (
    <article class="r-report card" data-testid="city-report" data-period={s.period.id} lang="id">
      <Letterhead />
      <h2>{t('cityReportTitle')}</h2>
      <p>
        <strong>{s.period.name}</strong> ({s.period.year}) · {t('instrument')}: {s.framework.name} (
        {s.framework.id} v{s.framework.version})
        <br />
        <span class="small">
          {t('generatedAt', { time: formatZoneTime(s.generatedAt, 'id', zone) })}
        </span>
      </p>
      <CityIndex view={s} t={t} locale="id" fw={fw} indexTestId="report-city-index" printed />
      <div class="r-charts">
        <figure>
          <figcaption>
            <strong>{t('aspectsChart')}</strong> — {t('self')} / {t('consolidated')}
          </figcaption>
          <Radar axes={aspects.map((g) => g.id)} series={selfAndConsolidated(aspects)} />
          <ul class="small">
            {aspects.map((g) => (
              <li key={g.id}>
                {g.id}: {g.name} — {fmt(g.self)} / {fmt(g.consolidated)}
              </li>
            ))}
          </ul>
        </figure>
        {domains.length === 0 ? null : (
          <figure>
            <figcaption>
              <strong>{t('domainsChart')}</strong> —{' '}
              <span style={{ color: SELF_COLOR }}>{t('self')}</span> /{' '}
              <span style={{ color: VERIFIED_COLOR }}>{t('consolidated')}</span>
            </figcaption>
            <Bars
              locale="id"
              rows={domains.map((g) => g.name)}
              series={selfAndConsolidated(domains)}
            />
          </figure>
        )}
      </div>
      <h3>{t('progressChart')}</h3>
      <StatusCounts progress={s.progress} t={t} />
      <h3>{t('overclaims')}</h3>
      {s.overclaims.filter((o) => o.lowered > 0).length === 0 ? (
        <p class="muted">{t('overclaimsEmpty')}</p>
      ) : (
        <ol>
          {s.overclaims
            .filter((o) => o.lowered > 0)
            .slice(0, 10)
            .map((o) => (
              <li key={o.no}>
                {o.no}. {o.name} —{' '}
                {t('overclaimLine', {
                  lowered: o.lowered,
                  compared: o.compared,
                  steps: formatValue(o.stepsLost, 'id'),
                })}
              </li>
            ))}
        </ol>
      )}
      <h3>{t('planSummary')}</h3>
      <p>{planOutcome(s.plan, t, 'id', fw)}</p>
      {s.plan.items.length ? <p class="r-note">{t('planOrderNote')}</p> : null}
      <DataTable headings={[t('indicator'), t('from'), t('to'), t('evidenceNeeded')]} wrap={false}>
        {planByAspect(s.plan).flatMap((g) => [
          <PlanGroupRow key={`g-${g.path}`} path={g.path} columns={4} />,
          ...g.items.map((i) => (
            <tr key={i.no}>
              <td>{indicatorTitle(i)}</td>
              <LevelCell value={i.from} locale="id" domain={domainOf(i.no)} />
              <LevelCell value={i.to} locale="id" domain={domainOf(i.no)} />
              <td class="small">{i.evidence.join('; ')}</td>
            </tr>
          )),
        ])}
      </DataTable>
      <h3>{t('perIndicator')}</h3>
      <DataTable
        headings={[t('indicator'), t('self'), t('verified'), t('consolidated'), t('source')]}
        testId="city-indicators"
        wrap={false}
      >
        {s.indicators.map((i) => (
          <tr key={i.no}>
            <td>{indicatorTitle(i)}</td>
            <LevelCell value={i.self} locale="id" domain={domainOf(i.no)} />
            <LevelCell
              value={i.verified}
              na={i.notApplicable}
              locale="id"
              domain={domainOf(i.no)}
            />
            <LevelCell value={i.level} na={i.notApplicable} locale="id" domain={domainOf(i.no)} />
            <td class="small">{sourceText(i.source, t, i.notApplicable)}</td>
          </tr>
        ))}
      </DataTable>
    </article>
  );
}

/** "Nilai dari indeks … · angka indeks: 87,5. " before a printed indicator's notes. */
function SourceNote({ i, fw }: { i: IndicatorReview; fw: Framework | undefined }) {
  const src = sourceOf(fw, i.no);
  if (!src && i.sourceValue === null) return null;
  const t = translateId;
  const parts = [
    src ? outsideIndexText(src, t) : null,
    i.sourceValue !== null ? t('sourceRaw', { raw: plainNumber(i.sourceValue, 'id') }) : null,
  ].filter((p): p is string => p !== null);
  return <>{`${parts.join(' · ')}. `}</>;
}

/**
 * The evidence column of a printed indicator: complete, short, not checked — or, for an
 * indicator valued from another agency's index, that it has no documents to check; and,
 * when the verified level stands above incomplete evidence, the gap in words.
 */
/** "Level 4, bukti level 2 belum lengkap" under a printed indicator's evidence state. */
function GapNote({ i, fw }: { i: IndicatorReview; fw: Framework | undefined }) {
  if (!fw || i.notApplicable) return null;
  const gap = cumulativeGap(
    fw,
    i.no,
    i.verifiedLevel,
    (level, k) => i.checks.find((c) => c.level === level && c.index === k)?.state,
  );
  const text = gap ? gapText(i.verifiedLevel, gap.firstIncomplete, translateId) : null;
  return text ? (
    <>
      <br />
      <strong class="r-gap-text">{text}</strong>
    </>
  ) : null;
}

function evidenceState(
  i: IndicatorReview,
  fw: Framework | undefined,
): 'ok' | 'problem' | 'none' | 'source' {
  if (sourceOf(fw, i.no)) return 'source';
  const checked = i.checks.filter((c) => c.state !== null);
  if (checked.length === 0) return 'none';
  return checked.some((c) => c.state !== 'present') ? 'problem' : 'ok';
}

/**
 * The per-unit report (coordinators, viewers): levels per indicator, evidence thumbnails,
 * berita acara with signatures; printable to A4. Always Indonesian.
 */
export function UnitReport({ params }: PageProps) {
  const t = translateId;
  const zone = useZone();
  const ui = useT();
  const id = params.assessmentId ?? '';
  const detail = useLoad(() => api('GET /api/reports/assessments/:id', { params: { id } }), [id]);
  const d = detail.data;
  const fw = useFramework(d?.framework.id);
  const domainOf = (no: number) => (fw ? valueDomainOf(fw, no) : undefined);
  useDocumentTitle(d ? `${t('unitReportTitle')}: ${d.unit.name}` : t('unitReportTitle'));
  if (!d) return detail.error ? <ErrorNotice error={detail.error} /> : <p class="muted">…</p>;
  const withFiles = d.indicators.filter((i) => i.files.length > 0);
  return (
    <div>
      <div class="r-doc-head no-print">
        <a
          href={`/koordinator/laporan?periode=${encodeURIComponent(d.period.id)}`}
          onClick={linkClick}
        >
          ‹ {ui('reportsTitle')}
        </a>
        <PrintButton />
      </div>
      <article class="r-report" data-testid="unit-report" lang="id">
        <Letterhead />
        <h1>{t('unitReportTitle')}</h1>
        <p>
          <strong>{d.unit.name}</strong> ({d.unit.code}
          {d.unit.parentName ? `, ${d.unit.parentName}` : ''}) ·{' '}
          {t(`kind_${d.unit.kind}` as MessageKey)}
          <br />
          {d.period.name} ({d.period.year}) · {t('instrument')}: {d.framework.name} (
          {d.framework.id} v{d.framework.version})
          <br />
          <span data-testid="unit-report-period-facts">
            {t('periodType')}: {PERIOD_TYPE_LABELS[d.period.periodType][0]} · {t('currentStage')}:{' '}
            {stageLabel(d.period.currentStage, 'id')}
            {d.period.skNumber
              ? ` · ${t('skSection')}: ${[
                  d.period.skNumber,
                  d.period.skDate ? formatIsoDate(d.period.skDate) : '',
                  d.period.skSignedBy,
                ]
                  .filter(Boolean)
                  .join(', ')}`
              : ''}
          </span>
          <br />
          {t('status')}: <StatusPill status={d.assessment.progress} />
          <SigningVoidPill signing={d.signing.state} /> ·{' '}
          <span class="small">
            {t('generatedAt', { time: formatZoneTime(d.generatedAt, 'id', zone) })}
          </span>
        </p>
        <UnitIndexBoxes d={d} fw={fw} t={t} locale="id" testIdPrefix="unit-report" />
        <p class="small">{t('filesReceived', { held: d.files.held, total: d.files.total })}</p>
        <h2>{t('indicatorsHeading')}</h2>
        <DataTable
          headings={[t('indicator'), t('self'), t('verified'), t('evidenceStatus'), t('notes')]}
          testId="unit-report-levels"
          wrap={false}
        >
          {d.indicators.map((i) => (
            <tr key={i.no}>
              <td>{indicatorTitle(i)}</td>
              <LevelCell value={i.selfLevel} locale="id" domain={domainOf(i.no)} />
              <LevelCell
                value={i.verifiedLevel}
                na={i.notApplicable}
                locale="id"
                domain={domainOf(i.no)}
              />
              <td class="small">
                {t(`evidence_${evidenceState(i, fw)}` as MessageKey)}
                <GapNote i={i} fw={fw} />
              </td>
              <td class="small">
                {i.notApplicable && i.naReason
                  ? `${t('notApplicable')}: ${i.naReason.replace(/[.\s]+$/, '')}. `
                  : ''}
                <SourceNote i={i} fw={fw} />
                {i.notes}
                {i.reviewComment ? (
                  <>
                    <br />
                    <strong>{t('reviewComment')}:</strong> {i.reviewComment}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
        <UnitOutputs d={d} fw={fw} />
        <h2>{t('photos')}</h2>
        {withFiles.length === 0 ? (
          <p class="muted">{t('noPhotos')}</p>
        ) : (
          withFiles.map((i) => (
            <section key={i.no}>
              <h3>{indicatorTitle(i)}</h3>
              <div class="r-thumbs">
                {i.files.map((f) => (
                  <EvidenceThumb key={f.recordId} file={f} />
                ))}
              </div>
            </section>
          ))
        )}
        <BeritaAcaraSheet d={d} t={t} locale="id" />
      </article>
    </div>
  );
}

/** An SK's date (YYYY-MM-DD) as Indonesian paper writes it: "1 Maret 2024". */
function formatIsoDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat('id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(y ?? 2000, (m ?? 1) - 1, d ?? 1));
}

/**
 * The printed unit report's value per stage of the period (one column per stage) and each
 * indicator's rekomendasi and three-part penjelasan with the files it cites. Always
 * Indonesian; user text is rendered as text only.
 */
function UnitOutputs({ d, fw }: { d: AssessmentDetail; fw: Framework | undefined }) {
  const t = translateId;
  const domainOf = (no: number) => (fw ? valueDomainOf(fw, no) : undefined);
  const stages = d.period.stages;
  // Shown once a stage value was entered: before that the table would only repeat the
  // self-assessed levels of the table above.
  const anyStageValue = d.indicators.some((i) => i.outputs?.stages.some((s) => s.at !== null));
  const staged = anyStageValue
    ? d.indicators.filter((i) => i.outputs?.stages.some((s) => s.value !== null))
    : [];
  const written = d.indicators.filter((i) => {
    const o = i.outputs;
    return (
      !!o &&
      (o.rekomendasi.trim() !== '' ||
        o.penjelasanFakta.trim() !== '' ||
        o.penjelasanAnalisis.trim() !== '' ||
        o.penjelasanJustifikasi.trim() !== '' ||
        o.citedFiles.length > 0)
    );
  });
  const parts = [
    ['reportRekomendasi', 'rekomendasi'],
    ['reportFakta', 'penjelasanFakta'],
    ['reportAnalisis', 'penjelasanAnalisis'],
    ['reportJustifikasi', 'penjelasanJustifikasi'],
  ] as const;
  return (
    <>
      {staged.length > 0 ? (
        <>
          <h2>{t('reportStagesHeading')}</h2>
          <DataTable
            headings={[t('indicator'), ...stages.map((s) => stageLabel(s, 'id'))]}
            testId="unit-report-stages"
            wrap={false}
          >
            {staged.map((i) => (
              <tr key={i.no}>
                <td>{indicatorTitle(i)}</td>
                {stages.map((s) => (
                  <LevelCell
                    key={s}
                    value={i.outputs?.stages.find((x) => x.stage === s)?.value ?? null}
                    locale="id"
                    domain={domainOf(i.no)}
                  />
                ))}
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
      <h2>{t('reportOutputsHeading')}</h2>
      {written.length === 0 ? (
        <p class="muted">{t('reportNoOutputs')}</p>
      ) : (
        written.map((i) => (
          <section key={i.no} class="r-outputs" data-testid="unit-report-outputs">
            <h3>{indicatorTitle(i)}</h3>
            <dl>
              {parts.map(([label, field]) =>
                i.outputs?.[field].trim() ? (
                  <Fragment key={field}>
                    <dt>{t(label)}</dt>
                    <dd class="r-pre">{i.outputs[field]}</dd>
                  </Fragment>
                ) : null,
              )}
              {i.outputs?.citedFiles.length ? (
                <>
                  <dt>{t('reportCitedFiles')}</dt>
                  <dd>{i.outputs.citedFiles.map((f) => f.name).join('; ')}</dd>
                </>
              ) : null}
            </dl>
          </section>
        ))
      )}
    </>
  );
}
