import { useMemo, useState } from 'preact/hooks';
import type { Rejection } from '../../core';
import { contentFields, editWhen, fieldLabel, pairStageConflicts, ZONE_IANA } from '../../core';
import { type Locale, useLocale } from '../../ui/i18n';
import { ApiError, api } from '../api';
import { DataTable, ScrollRegion } from '../components/DataTable';
import { InlineConfirm } from '../components/InlineConfirm';
import { type MessageKey, type Translator, useT } from '../i18n';
import { useListTime, useZone } from '../organisation';
import type { BundleImportResult, ConflictListItem, ConflictView } from '../types';
import { ErrorNotice, type PageProps, shortId, useDocumentTitle, useLoad } from '../ui';
import { fieldValue, indicatorTitle, reasonOf } from '../values';

/** The server answers at most this many stored rejections (SyncService.listRejections). */
const REJECTIONS_LIMIT = 5000;
/** Filter value for rejections whose assessment the server could not name. */
const NO_UNIT = '__none__';

/**
 * One side of a conflict (the tablet's or the server's): the value, who wrote it, when it
 * was edited on its tablet (the server's receive time second, a doubtful clock marked), and
 * whether it is the newer edit.
 */
function ConflictSide(props: {
  field: string;
  value: unknown;
  author: string | null;
  editedAt: number | null;
  receivedAt: number;
  doubtful: boolean;
  newer: boolean;
  testId: string;
}) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  // Edit times read in the organisation's zone, as the audit trail and every print do.
  const zone = useZone();
  return (
    <td data-testid={props.testId}>
      <strong data-testid="conflict-value">{fieldValue(props.field, props.value, locale)}</strong>
      {props.newer ? (
        <span class="pill c-newer" data-testid="conflict-newer">
          {t('conflictNewer')}
        </span>
      ) : null}
      <div class="small muted">{props.author ?? '–'}</div>
      <div
        class={`small ${props.doubtful ? 'c-doubtful' : 'muted'}`}
        data-testid="conflict-when"
        title={props.doubtful ? t('clockDoubtfulHint') : undefined}
      >
        {props.doubtful ? '⚠ ' : ''}
        {editWhen(
          { editedAt: props.editedAt, serverAt: props.receivedAt, doubtful: props.doubtful },
          locale,
          { timeZone: ZONE_IANA[zone], zoneLabel: zone },
        )}
      </div>
    </td>
  );
}

/** The props of one side of a conflict: the tablet's (`local`) or the server's. */
function sideOf(c: ConflictView, side: 'local' | 'server'): Parameters<typeof ConflictSide>[0] {
  const local = side === 'local';
  return {
    testId: `conflict-${side}`,
    field: c.field,
    value: local ? c.localValue : c.serverValue,
    author: local ? c.localAuthor : c.serverAuthor,
    editedAt: local ? c.localEditedAt : c.serverEditedAt,
    receivedAt: local ? c.localReceivedAt : c.serverAt,
    doubtful: local ? c.localClockDoubtful : c.serverClockDoubtful,
    newer: newerSide(c) === side,
  };
}

/** Which edit was made later on its tablet (a server-made value counts at its server time). */
function newerSide(c: ConflictView): 'local' | 'server' | null {
  const server = c.serverEditedAt ?? c.serverAt;
  if (c.localEditedAt === server) return null;
  return c.localEditedAt > server ? 'local' : 'server';
}

/** Where a conflict is, as people name it: unit (code), indicator (number, title), field. */
function ConflictWhere({ c }: { c: ConflictView }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const [id, en] = fieldLabel(c.field);
  return (
    <td>
      <strong data-testid="conflict-unit">{c.unitName ?? t('unknownUnit')}</strong>
      {c.unitCode ? <span class="small muted"> · {c.unitCode}</span> : null}
      <div class="small" data-testid="conflict-indicator">
        {c.indicatorNo === null
          ? t('entityBeritaAcara')
          : indicatorTitle({ no: c.indicatorNo, name: c.indicatorName ?? '' })}
      </div>
      <div data-testid="conflict-field">{locale === 'en' ? en : id}</div>
    </td>
  );
}

/** Changed fields of a mutation as received, `[field, value]` ([] when it carried none). */
function changesOf(mutation: unknown): [string, unknown][] {
  if (mutation === null || typeof mutation !== 'object') return [];
  const changes = (mutation as { changes?: unknown }).changes;
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return [];
  return Object.entries(changes as Record<string, unknown>);
}

/** Most fields listed for one refused change (a mutation normally changes one or two). */
const MAX_FIELDS_SHOWN = 4;

/**
 * What the refused change was: the field the server named (with the value sent), or, when
 * the refusal concerns the whole change (e.g. a withdrawn unit), every field it changed.
 */
function WhatCell({ r, mutation }: { r: Rejection; mutation: unknown }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const all = contentFields(changesOf(mutation), r.field);
  const fields: [string, unknown][] = r.field
    ? [[r.field, all.find(([f]) => f === r.field)?.[1]]]
    : all.slice(0, MAX_FIELDS_SHOWN);
  if (fields.length === 0) return <span class="muted">{t('wholeRecord')}</span>;
  return (
    <>
      {fields.map(([field, v]) => {
        const [id, en] = fieldLabel(field);
        // Levels read as levels ("level 3"), as the verifier chose them on the tablet.
        const value = fieldValue(field, v, locale);
        return (
          <div key={field} class="c-what">
            <span data-testid="rejection-field">{locale === 'en' ? en : id}</span>
            {value ? (
              <div class="small c-sent-value" data-testid="rejection-value">
                “{value}”
              </div>
            ) : null}
          </div>
        );
      })}
      {!r.field && all.length > MAX_FIELDS_SHOWN ? (
        <div class="small muted">+{all.length - MAX_FIELDS_SHOWN}</div>
      ) : null}
    </>
  );
}

/** Where in the assessment: "Indikator 3", "Indikator 3 · berkas bukti", "Berita acara". */
function whereText(r: Rejection, t: Translator): string {
  const entity: Partial<Record<Rejection['entity'], MessageKey>> = {
    evidenceFile: 'entityEvidence',
    beritaAcara: 'entityBeritaAcara',
    comment: 'entityComment',
    assessment: 'entityAssessment',
  };
  const key = entity[r.entity];
  const indicator = r.indicatorNo === null ? null : t('indicatorNo', { n: r.indicatorNo });
  if (indicator && key) return `${indicator} · ${t(key).toLowerCase()}`;
  return indicator ?? (key ? t(key) : '–');
}

function ReasonCell({ r, t, locale }: { r: Rejection; t: Translator; locale: Locale }) {
  return (
    <>
      <span data-testid="rejection-reason">{reasonOf(r, locale)}</span>
      <div class="small muted">
        <code>{r.code}</code>
        {r.retryable ? ` · ${t('retryable')}` : null}
      </div>
    </>
  );
}

/** Stored rejections across the city, newest first, with a filter by unit. */
function RejectionsSection() {
  const listTime = useListTime();
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const data = useLoad(() => api('GET /api/sync/rejections'), []);
  const [unit, setUnit] = useState('');
  const all = useMemo(() => [...(data.data?.rejections ?? [])].reverse(), [data.data]);
  const units = useMemo(() => {
    const byId = new Map<string, { id: string; name: string; n: number }>();
    for (const r of all) {
      const id = r.unitId ?? NO_UNIT;
      const u = byId.get(id) ?? { id, name: r.unitName ?? t('unknownUnit'), n: 0 };
      u.n++;
      byId.set(id, u);
    }
    return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name, locale));
  }, [all, locale, t]);
  const shown = unit ? all.filter((r) => (r.unitId ?? NO_UNIT) === unit) : all;
  return (
    <section
      class="card"
      data-testid="rejections"
      aria-labelledby="rejections-h"
      aria-busy={data.loading}
    >
      <div class="row">
        <h2 id="rejections-h" class="c-card-title">
          {t('rejections')}
        </h2>
        <span class="spacer" />
        <button type="button" onClick={() => void data.reload()} data-testid="rejections-refresh">
          ↻ {t('refresh')}
        </button>
      </div>
      <p class="small">{t('rejectionsIntro')}</p>
      <ErrorNotice error={data.error} testId="rejections-error" />
      {data.loading && !data.data ? <p class="muted">{t('loading')}</p> : null}
      {data.data && all.length === 0 ? (
        <p class="notice c-ok" data-testid="rejections-empty">
          {t('noRejections')}
        </p>
      ) : null}
      {all.length > 0 ? (
        <>
          <div class="row c-filter">
            <label for="rejections-unit">{t('filterUnit')}</label>
            <select
              id="rejections-unit"
              value={unit}
              onChange={(e) => setUnit(e.currentTarget.value)}
              data-testid="rejections-unit"
            >
              <option value="">{t('allUnits', { n: all.length })}</option>
              {units.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name} ({u.n})
                </option>
              ))}
            </select>
            <span class="small muted" data-testid="rejections-count" aria-live="polite">
              {unit
                ? t('rejectionCountOf', { n: shown.length, total: all.length })
                : t('rejectionCount', { n: all.length })}
            </span>
          </div>
          {all.length >= REJECTIONS_LIMIT ? (
            <p class="notice warn small">{t('rejectionsCapped', { n: REJECTIONS_LIMIT })}</p>
          ) : null}
          <DataTable
            headings={[
              t('unitWhere'),
              t('what'),
              t('reason'),
              t('tabletVerifier'),
              t('whenSource'),
            ]}
            testId="rejection-table"
            label={t('rejections')}
            class="c-rejections"
          >
            {shown.map((r) => (
              <tr
                key={r.id}
                data-testid="rejection-row"
                data-code={r.code}
                data-unit={r.unitName ?? ''}
                data-source={r.source}
              >
                <td>
                  <strong data-testid="rejection-unit">{r.unitName ?? t('unknownUnit')}</strong>
                  <div class="small" data-testid="rejection-indicator">
                    {whereText(r, t)}
                  </div>
                </td>
                <td>
                  <WhatCell r={r} mutation={r.mutation} />
                </td>
                <td>
                  <ReasonCell r={r} t={t} locale={locale} />
                </td>
                <td data-testid="rejection-tablet">
                  {r.deviceLabel ?? t('unknownTablet')}{' '}
                  <span class="small muted">{shortId(r.deviceId)}</span>
                  {r.verifierName ? <div class="small">{r.verifierName}</div> : null}
                  <div class="small muted">{t('changeNo', { n: r.seq })}</div>
                </td>
                <td>
                  <div class="c-nowrap">{listTime(r.at)}</div>
                  <span
                    class={`pill ${r.source === 'bundle' ? 'c-src-bundle' : 'sync'}`}
                    data-testid="rejection-source"
                  >
                    {r.source === 'bundle' ? t('sourceBundle') : t('sourcePush')}
                  </span>
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </section>
  );
}

type BundleOutcome =
  | { name: string; state: 'busy' }
  | { name: string; state: 'done'; result: BundleImportResult }
  | { name: string; state: 'refused'; error: ApiError };

/**
 * What an import did: the counts (applied, already on the server, refused — a change refused
 * on an earlier import counts as refused again), then every refused change (unit,
 * indicator, field, and the server's reason, e.g. a withdrawn assignment).
 */
function BundleResult({ name, result }: { name: string; result: BundleImportResult }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const tiles: [string, number, string][] = [
    ['applied', result.mutations.applied, t('bundleApplied')],
    ['duplicates', result.mutations.duplicates, t('bundleDuplicates')],
    ['rejected', result.mutations.rejected, t('bundleRejected')],
    ['conflicts', result.fields.conflict, t('bundleConflicts')],
    ['files', result.files.stored, t('bundleFiles')],
    ['held', result.files.alreadyHeld, t('bundleFilesHeld')],
  ];
  return (
    <div
      class={`notice ${result.mutations.rejected > 0 ? 'warn' : 'c-ok'} c-bundle-result`}
      role="status"
      data-testid="bundle-result"
    >
      <p class="c-error-message">{t('bundleAccepted', { name })}</p>
      <dl class="c-counts">
        {tiles.map(([key, n, label]) => (
          <div key={key} data-testid={`bundle-${key}`} data-count={n}>
            <dt>{label}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      {result.mutations.rejected > 0 ? (
        <p data-testid="bundle-rejected-summary">
          {t('bundleRejectedSummary', { n: result.mutations.rejected })}
        </p>
      ) : null}
      {result.rejections.length > 0 ? (
        <>
          <h3>{t('bundleRejectedList')}</h3>
          <DataTable
            headings={[t('unitWhere'), t('what'), t('reason')]}
            testId="bundle-rejections"
            label={t('bundleRejectedList')}
            class="c-rejections"
          >
            {result.rejections.map((r, i) => (
              <tr key={`${r.recordId}-${i}`} data-testid="bundle-rejection" data-code={r.code}>
                <td>
                  <strong>{r.unitName ?? t('unknownUnit')}</strong>
                  <div class="small">{whereText(r, t)}</div>
                </td>
                <td>
                  <WhatCell r={r} mutation={null} />
                </td>
                <td>
                  <ReasonCell r={r} t={t} locale={locale} />
                </td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </div>
  );
}

/** A refused file: which one, the server's own sentence (in the page's language), its code. */
function BundleRefused({ name, error }: { name: string; error: ApiError }) {
  const t = useT();
  return (
    <div
      class="notice bad c-error"
      role="alert"
      data-testid="bundle-refused"
      data-code={error.code}
    >
      <p class="c-error-message">{t('bundleRefused', { name })}</p>
      <p data-testid="bundle-refused-message">{error.message}</p>
      {error.status !== 0 ? (
        <p class="small muted">{t('problemCode', { code: error.code })}</p>
      ) : null}
    </div>
  );
}

/**
 * The coordinator's sync page: open conflicts across the city (resolved here, the
 * decision syncs to every tablet), every change the server refused with why and from which
 * tablet, and the import of a tablet's export file with what it applied and refused.
 */
export function Sync({ canWrite }: PageProps) {
  const t = useT();
  useDocumentTitle(t('syncTitle'));
  const conflicts = useLoad(() => api('GET /api/conflicts', { query: { status: 'open' } }), []);
  const [error, setError] = useState<ApiError | null>(null);
  const [bundle, setBundle] = useState<BundleOutcome | null>(null);
  // Bumped after an import so the rejections list loads what the file added.
  const [rejectionsKey, setRejectionsKey] = useState(0);
  // The conflict whose "use the tablet's value" waits for a confirmation: it would void a
  // signed berita acara.
  const [asking, setAsking] = useState<string | null>(null);

  /** Settle `c` with one side's value; its paired stage-value conflicts take the same side. */
  const resolve = async (c: ConflictListItem, side: 'local' | 'server') => {
    setAsking(null);
    setError(null);
    try {
      for (const x of [c, ...(paired.get(c.id) ?? [])]) {
        const value = side === 'local' ? x.localValue : x.serverValue;
        await api('POST /api/conflicts/:id/resolve', { params: { id: x.id }, json: { value } });
      }
      await conflicts.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'client', String(e)));
    }
  };

  const importBundle = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setBundle({ name: file.name, state: 'busy' });
    try {
      const result = await api('POST /api/sync/bundles', {
        bytes: { body: file, type: 'application/zip' },
      });
      setBundle({ name: file.name, state: 'done', result });
      setRejectionsKey((k) => k + 1);
      await conflicts.reload();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(0, 'client', String(e));
      setBundle({ name: file.name, state: 'refused', error: err });
    }
  };

  const all = conflicts.data?.conflicts ?? [];
  const paired = pairStageConflicts(all);
  const followerIds = new Set([...paired.values()].flat().map((x) => x.id));
  const rows = all.filter((x) => !followerIds.has(x.id));
  return (
    <>
      <h1>{t('syncTitle')}</h1>
      <ErrorNotice error={error ?? conflicts.error} testId="sync-error" />
      <section class="card">
        <h2 class="c-card-title">{t('conflicts')}</h2>
        {rows.length === 0 ? (
          <p class="muted">{conflicts.loading ? '…' : t('noConflicts')}</p>
        ) : (
          <ScrollRegion label={t('conflicts')}>
            <table data-testid="conflict-table">
              <thead>
                <tr>
                  <th scope="col">{t('conflictWhere')}</th>
                  <th scope="col">{t('conflictTablet')}</th>
                  <th scope="col">{t('conflictServer')}</th>
                  {canWrite ? (
                    <th scope="col">
                      <span class="sr-only">{t('actions')}</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id} data-testid="conflict-row" data-field={c.field}>
                    <ConflictWhere c={c} />
                    {(['local', 'server'] as const).map((side) => (
                      <ConflictSide key={side} {...sideOf(c, side)} />
                    ))}
                    {canWrite ? (
                      <td>
                        {asking === c.id ? (
                          <InlineConfirm
                            question={t('confirmResolveVoid')}
                            yes={t('confirmResolveVoidYes')}
                            onYes={() => void resolve(c, 'local')}
                            onCancel={() => setAsking(null)}
                            testId="resolve-confirm"
                          />
                        ) : (
                          <div class="row">
                            <button
                              type="button"
                              onClick={() =>
                                c.voidsSigning ? setAsking(c.id) : void resolve(c, 'local')
                              }
                              data-testid="resolve-tablet"
                            >
                              {t('keepTablet')}
                            </button>
                            <button type="button" onClick={() => void resolve(c, 'server')}>
                              {t('keepServer')}
                            </button>
                          </div>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
      </section>
      <RejectionsSection key={rejectionsKey} />
      {canWrite ? (
        <section class="card" data-testid="bundle-section">
          <h2 class="c-card-title">{t('bundle')}</h2>
          <p class="small">{t('bundleIntro')}</p>
          <label class="button file-btn c-file-pick">
            {t('bundleChoose')}
            <input
              type="file"
              accept=".zip,application/zip"
              disabled={bundle?.state === 'busy'}
              onChange={(e) => void importBundle(e.currentTarget)}
              data-testid="bundle-input"
            />
          </label>
          {bundle?.state === 'busy' ? (
            <p class="muted" role="status">
              {t('bundleImporting', { name: bundle.name })}
            </p>
          ) : null}
          {bundle?.state === 'done' ? (
            <BundleResult name={bundle.name} result={bundle.result} />
          ) : null}
          {bundle?.state === 'refused' ? (
            <BundleRefused name={bundle.name} error={bundle.error} />
          ) : null}
        </section>
      ) : null}
    </>
  );
}
