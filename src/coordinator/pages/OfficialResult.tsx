import { formatValue, roundIndex, type ValueDomain, valueDomainOf } from '../../core';
import type { Framework } from '../../core/framework';
import { formatZoneTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { api, apiPath } from '../api';
import { DataTable } from '../components/DataTable';
import { FileImport } from '../components/FileImport';
import { IndexBox, IndexRuleNotes, indexText, showIndex } from '../components/IndexBox';
import { PeriodSelect } from '../components/PeriodSelect';
import { Section } from '../components/Section';
import { download } from '../files';
import { useFramework } from '../framework';
import { type Translator, useT } from '../i18n';
import { useZone } from '../organisation';
import { usePeriod } from '../period';
import type { OfficialComparison, OfficialIndicator } from '../types';
import { ErrorNotice, type PageProps, useAction, useDocumentTitle, useLoad } from '../ui';

/** Largest file the page sends (the server's body limit). */
const MAX_OFFICIAL_BYTES = 4 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** An indicator value as the official result writes it (decimal comma in Indonesian). */
function valueText(v: number | null, locale: Locale, domain: ValueDomain | undefined): string {
  return formatValue(v, locale, domain);
}

/** local − official with its sign ("+0,50", "−1", "0"). */
function differenceText(d: number | null, locale: Locale, domain: ValueDomain | undefined) {
  if (d === null) return '–';
  if (d === 0) return formatValue(0, locale, domain);
  return `${d > 0 ? '+' : '−'}${formatValue(Math.abs(d), locale, domain)}`;
}

function domainOf(fw: Framework | undefined, no: number): ValueDomain | undefined {
  return fw ? valueDomainOf(fw, no) : undefined;
}

/** Where the previous period's values come from, or why there is nothing to compare with. */
function PreviousNote({ d, t }: { d: OfficialComparison; t: Translator }) {
  const lines: string[] = [];
  if (d.previous)
    lines.push(
      t(d.previous.source === 'official' ? 'officialPrevOfficial' : 'officialPrevCity', {
        name: d.previous.period.name,
        year: d.previous.period.year,
      }),
    );
  else if (!d.otherInstrument) lines.push(t('officialNoPrevious'));
  if (d.otherInstrument)
    lines.push(
      t('officialOtherInstrument', {
        name: d.otherInstrument.name,
        year: d.otherInstrument.year,
      }),
    );
  return (
    <>
      {lines.map((l) => (
        <p key={l} class="small muted" data-testid="official-previous-note">
          {l}
        </p>
      ))}
    </>
  );
}

function IndicatorRow(props: {
  i: OfficialIndicator;
  fw: Framework | undefined;
  locale: Locale;
  t: Translator;
}) {
  const { i, fw, locale, t } = props;
  const domain = domainOf(fw, i.no);
  const cls = [i.higherThanOfficial ? 'o-higher' : '', i.fell ? 'o-fell' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <tr class={cls} data-testid={`official-row-${i.no}`}>
      <td>{i.no}</td>
      <td>{i.name}</td>
      <td data-testid={`official-value-${i.no}`}>{valueText(i.official, locale, domain)}</td>
      <td data-testid={`official-local-${i.no}`}>
        {valueText(i.local, locale, domain)}
        {i.localSource === 'self' ? (
          <span class="small muted"> ({t('officialSourceSelf')})</span>
        ) : null}
      </td>
      <td>{valueText(i.self, locale, domain)}</td>
      <td data-testid={`official-diff-${i.no}`}>{differenceText(i.difference, locale, domain)}</td>
      <td>
        {valueText(i.previous, locale, domain)}
        {i.previousSource && i.previousSource !== 'official' ? (
          <span class="small muted">
            {' '}
            ({t(i.previousSource === 'verified' ? 'officialSourceVerified' : 'officialSourceSelf')})
          </span>
        ) : null}
      </td>
      <td>
        {i.higherThanOfficial ? (
          <span class="pill o-pill-higher" data-testid={`official-higher-${i.no}`}>
            {t('officialHigher')}
          </span>
        ) : null}
        {i.fell ? (
          <span class="pill o-pill-fell" data-testid={`official-fell-${i.no}`}>
            {t('officialFell')}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

/**
 * The official result KemenPANRB publishes for the Pemda, per period: a coordinator downloads
 * the template, uploads the filled CSV or the published XLSX (refused row by row when any
 * row is wrong, nothing stored), and everyone reads the comparison with the local
 * verification — the three indices, per indicator the difference, where the local
 * verification was more generous, and what fell since the previous period of the same
 * instrument. Viewers read only.
 */
export function OfficialResult({ canWrite }: PageProps) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = useZone();
  useDocumentTitle(t('officialTitle'));
  const { periods, periodId, setPeriodId, error: periodsError, loading } = usePeriod();
  const view = useLoad(
    () =>
      periodId
        ? api('GET /api/periods/:id/official', { params: { id: periodId } })
        : Promise.resolve(null),
    [periodId],
  );
  const d = view.data && view.data.period.id === periodId ? view.data : null;
  const fw = useFramework(d?.framework.id);
  const template = useAction();

  const official = d ? showIndex(fw, d.official.index, locale, d.official.predicate) : null;
  const local = d ? showIndex(fw, d.local.index, locale, d.local.predicate) : null;
  const self = d ? showIndex(fw, d.self.index, locale, d.self.predicate) : null;
  // Both figures as shown (rounded half up), so the difference is the one a reader computes.
  const indexDiff =
    d && d.official.index !== null && d.local.index !== null
      ? (Math.round(roundIndex(d.local.index) * 100) -
          Math.round(roundIndex(d.official.index) * 100)) /
        100
      : null;

  return (
    <div class="r-official" data-period={d?.period.id}>
      <h1>{t('officialTitle')}</h1>
      <p class="small muted">{t('officialIntro')}</p>
      <ErrorNotice error={periodsError ?? view.error} />
      <div class="r-filters">
        <PeriodSelect periods={periods} value={periodId} onChange={setPeriodId} />
      </div>
      {periods.length === 0 && !loading ? <p class="muted">{t('noPeriods')}</p> : null}
      {canWrite && periodId ? (
        <FileImport
          title={t('officialImport')}
          hint={t('officialImportHint')}
          accept={`.csv,.xlsx,text/csv,${XLSX_TYPE}`}
          maxBytes={MAX_OFFICIAL_BYTES}
          upload={(file) =>
            api('PUT /api/periods/:id/official', {
              params: { id: periodId },
              query: { file: file.name },
              bytes: {
                body: file,
                type: file.name.toLowerCase().endsWith('.xlsx') ? XLSX_TYPE : 'text/csv',
              },
            })
          }
          summary={(r) => t('officialImported', { n: r.imported?.indicatorCount ?? 0 })}
          onDone={() => view.reload()}
          testId="official-import"
          fileId="official-file"
          errorTestId="official-import-error"
        >
          <div class="c-template">
            <button
              type="button"
              disabled={template.busy}
              data-testid="official-template"
              onClick={() =>
                void template.run(() =>
                  download(
                    apiPath('GET /api/periods/:id/official/template.csv', { id: periodId }),
                    'templat-hasil-resmi.csv',
                  ),
                )
              }
            >
              {t('officialTemplate')}
            </button>
            <ErrorNotice error={template.error} testId="official-template-error" />
          </div>
        </FileImport>
      ) : null}
      {!d || !official || !local || !self ? (
        periodId ? (
          <p class="muted">…</p>
        ) : null
      ) : (
        <>
          <Section title={t('officialCompareTitle')} testId="official-compare">
            {d.imported ? (
              <p class="small muted" data-testid="official-imported">
                {t('officialImportedAt', {
                  time: formatZoneTime(d.imported.at, locale, zone),
                  by: d.imported.byName ?? '–',
                  file: d.imported.sourceName || '–',
                  n: d.imported.importCount,
                })}
              </p>
            ) : (
              <p class="muted" data-testid="official-none">
                {t('officialNone')}
              </p>
            )}
            <div class="r-kpis">
              <IndexBox
                main
                label={t('officialIndex')}
                shown={official}
                testId="official-index"
                predicateTestId="official-predicate"
              />
              <IndexBox label={t('officialLocalIndex')} shown={local} testId="official-local-index">
                <IndexRuleNotes summary={d.local} t={t} />
              </IndexBox>
              <IndexBox label={t('selfIndex')} shown={self} testId="official-self-index" />
            </div>
            {d.imported && indexDiff !== null ? (
              <p data-testid="official-summary">
                {t('officialSummary', {
                  official: indexText(official),
                  local: indexText(local),
                  diff: differenceText(indexDiff, locale, 'decimal'),
                })}{' '}
                {t('officialCounts', { higher: d.higherThanOfficialCount, fell: d.fellCount })}
              </p>
            ) : null}
            <PreviousNote d={d} t={t} />
          </Section>
          <Section title={t('officialPerIndicator')} testId="official-indicators">
            <p class="small muted">{t('officialLegend')}</p>
            <DataTable
              testId="official-table"
              headings={[
                t('officialColNo'),
                t('officialColName'),
                t('officialColOfficial'),
                t('officialColLocal'),
                t('officialColSelf'),
                t('officialColDiff'),
                t('officialColPrevious'),
                t('officialColNotes'),
              ]}
            >
              {d.indicators.map((i) => (
                <IndicatorRow key={i.no} i={i} fw={fw} locale={locale} t={t} />
              ))}
            </DataTable>
          </Section>
        </>
      )}
    </div>
  );
}
