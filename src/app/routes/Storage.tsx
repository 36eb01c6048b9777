import { useEffect, useState } from 'preact/hooks';
import type { ZoneCode } from '../../core';
import type { StorageHealth, SyncLogEntry } from '../../store';
import type { SyncStatus } from '../../sync';
import { formatBytes } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { ClockNotice } from '../components/ClockNotice';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { OpenConflicts } from '../components/Conflicts';
import { FailedFiles } from '../components/FailedFiles';
import { FileButton } from '../components/FileButton';
import { IdentityNotice } from '../components/IdentityNotice';
import { ReleasePanel } from '../components/ReleasePanel';
import { type MessageKey, useT } from '../i18n';
import { clockText } from '../lib/clock';
import { listOpenConflicts } from '../lib/conflicts';
import { storageMessage } from '../lib/errors';
import { exportAllAssessments } from '../lib/export';
import { syncErrorText } from '../lib/sync-errors';
import { dismissRestoreNotice, purgeReceived, syncNow, usePrintZone, useSync } from '../state/sync';
import { useUi } from '../state/ui.store';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';

/**
 * Storage health (quota, persistence, browser evictions) and the place where sync status
 * lives, with everything sync needs the verifier for: the count of refused changes (link to
 * "Ditolak server"), the files whose upload failed, the one-time notice of a new device
 * identity, and "Lepas tablet".
 */
export function Storage() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const zone = usePrintZone();
  const [health, setHealth] = useState<StorageHealth | null>(null);
  const { value: conflicts } = useLive('kerja', (s) => listOpenConflicts(s), []);
  const [tick, setTick] = useState(0);
  const kind: WorkspaceKind = 'kerja';

  useEffect(() => {
    let stop: (() => void) | undefined;
    void getStore(kind).then((s) => {
      stop = s.watch(
        () => s.health(),
        (h) => setHealth(h),
      );
    });
    return () => stop?.();
  }, [tick]);

  const persist = async () => {
    const s = await getStore(kind);
    await s.requestPersistence();
    // Read here: the answer is said on this page, so the one-time notice need not repeat it.
    await s.acknowledgePersistenceNotice();
    setTick((n) => n + 1);
  };
  const acknowledge = async () => {
    const s = await getStore(kind);
    await s.acknowledgeEviction();
    setTick((n) => n + 1);
  };

  return (
    <>
      <h1>{t('storage')}</h1>
      {health?.evicted ? (
        <div class="notice bad" role="alert" data-testid="evicted">
          <p>{t('evicted')}</p>
          <button type="button" onClick={() => void acknowledge()}>
            OK
          </button>
        </div>
      ) : null}
      <IdentityNotice />
      <ClockNotice />
      <section class="card">
        {!health ? (
          <p class="muted">{t('loading')}</p>
        ) : (
          <table>
            <tbody>
              <tr>
                <th>{t('persisted')}</th>
                <td
                  data-testid="persisted"
                  data-state={
                    health.persisted
                      ? 'granted'
                      : health.persistence && !health.persistence.granted
                        ? 'refused'
                        : 'not-asked'
                  }
                >
                  {health.persisted
                    ? t('persistedYes')
                    : health.persistence && !health.persistence.granted
                      ? t('persistedRefused', {
                          when: when(health.persistence.askedAt, locale, zone),
                        })
                      : t('persistedNo')}
                  {!health.persisted ? (
                    <div>
                      {health.persistence ? <p class="small">{t('persistHint')}</p> : null}
                      <button
                        type="button"
                        onClick={() => void persist()}
                        data-testid="request-persist"
                      >
                        {health.persistence ? t('requestPersistAgain') : t('requestPersist')}
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
              <tr>
                <th>{t('used')}</th>
                <td>
                  {formatBytes(health.usage, locale)} / {formatBytes(health.quota, locale)}
                  {health.usage !== null && health.quota ? (
                    <div class="progress" style="margin-top:0.3rem">
                      <span
                        style={`width:${Math.min(100, (100 * health.usage) / health.quota).toFixed(1)}%`}
                      />
                    </div>
                  ) : null}
                </td>
              </tr>
              <tr>
                <th>{t('unsyncedChanges')}</th>
                <td data-testid="unsynced-changes">{health.unsyncedMutations}</td>
              </tr>
              <tr>
                <th>{t('unsyncedFiles')}</th>
                <td data-testid="unsynced-files">
                  {health.unsyncedFiles} ({formatBytes(health.unsyncedBytes, locale)})
                </td>
              </tr>
              <tr>
                <th>{t('rejectedTitle')}</th>
                <td>
                  <span data-testid="rejected-count">{health.rejectedChanges}</span>
                  {health.rejectedChanges > 0 ? (
                    <>
                      {' '}
                      <a href="/ditolak" onClick={linkClick} data-testid="rejected-link">
                        {t('rejectedOpenList')}
                      </a>
                    </>
                  ) : null}
                </td>
              </tr>
              <tr>
                <th>{t('failedFilesTitle')}</th>
                <td data-testid="failed-files-count">{health.failedFiles}</td>
              </tr>
              <tr>
                <th>{t('conflictsTitle')}</th>
                <td data-testid="conflict-count">{conflicts?.length ?? 0}</td>
              </tr>
            </tbody>
          </table>
        )}
      </section>
      <FailedFiles />
      <OpenConflicts list={conflicts} />
      <SyncPanel health={health} conflicts={conflicts?.length ?? 0} />
      <ReleasePanel />
    </>
  );
}

/** A time on this page, with its zone's label (lib/clock.ts; '–' for none). */
function when(ms: number | null, locale: Locale, zone: ZoneCode): string {
  return ms ? clockText(ms, locale, zone) : '–';
}

/**
 * Sync status: progress (changes and bytes), last success, last error in words, the sync
 * history, receipts.
 */
function SyncPanel(props: { health: StorageHealth | null; conflicts: number }) {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const { enrolment, status } = useSync();
  const [exporting, setExporting] = useState(false);
  const [importResult, setImportResult] = useState<{ ok: boolean; text: string } | null>(null);
  const importFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const store = await getStore('kerja');
      const r = await store.importBundle(new Uint8Array(await file.arrayBuffer()));
      setImportResult({
        ok: true,
        text: t('imported', { n: r.inserted, f: r.files, q: r.requeued }),
      });
    } catch (e) {
      // StoreError messages are written for the verifier (corrupt, foreign or tampered file).
      const err = e as { message?: string; messageEn?: string };
      setImportResult({
        ok: false,
        text: (locale === 'en' ? err.messageEn : err.message) ?? String(e),
      });
    }
  };
  const exportAll = async () => {
    setExporting(true);
    try {
      await exportAllAssessments(await getStore('kerja'));
    } catch (e) {
      useUi.getState().say('error', storageMessage(e, t));
    } finally {
      setExporting(false);
    }
  };
  return (
    <section class="card" id="sync" data-testid="sync-panel">
      <h2 style="margin-top:0">{t('syncStatus')}</h2>
      {!enrolment ? (
        <p class="muted">
          {t('notEnrolled')}{' '}
          <a href="/masuk" onClick={linkClick}>
            {t('enrolTitle')}
          </a>
        </p>
      ) : (
        <>
          <p>{t('enrolledAs', { name: enrolment.verifierName, device: enrolment.deviceLabel })}</p>
          {status?.revoked ? (
            <p class="notice bad" role="alert">
              {t('revoked')}
            </p>
          ) : null}
          {status?.enrolAgain ? (
            <p class="notice bad" role="alert" data-testid="enrol-again">
              {t('enrolAgain')}
            </p>
          ) : null}
          {status?.restored ? (
            <div class="notice warn" role="status" data-testid="server-restored">
              <p>{locale === 'en' ? status.restored.messageEn : status.restored.message}</p>
              {status.restored.lostFiles.length > 0 ? (
                <ul class="small">
                  {status.restored.lostFiles.map((f) => (
                    <li key={`${f.assessmentId}-${f.sha256}`}>
                      {t('restoredLostFile', { name: f.name, no: f.indicatorNo })}
                    </li>
                  ))}
                </ul>
              ) : null}
              <button type="button" onClick={() => void dismissRestoreNotice()}>
                {t('restoredDismiss')}
              </button>
            </div>
          ) : null}
          {status?.updateRequired ? (
            <p class="notice warn" role="alert">
              {t('updateRequired')}
            </p>
          ) : null}
          <SyncStatusView
            status={status}
            locale={locale}
            health={props.health}
            conflicts={props.conflicts}
          />
          <div class="row" style="margin-top:0.6rem">
            <button
              type="button"
              class="primary"
              disabled={
                status?.state === 'syncing' || status?.waitingForOtherTab || status?.revoked
              }
              onClick={() => void syncNow()}
              data-testid="sync-now"
            >
              {t('syncNow')}
            </button>
          </div>
        </>
      )}
      <div class="row" style="margin-top:0.6rem">
        <button type="button" disabled={exporting} onClick={() => void exportAll()}>
          {t('exportData')}
        </button>
        <FileButton
          class="button file-btn"
          label={t('importData')}
          accept=".zip,application/zip"
          onChange={(e) => void importFile(e.currentTarget)}
          data-testid="import-bundle"
        />
      </div>
      {importResult ? (
        <p
          class={`notice ${importResult.ok ? '' : 'bad'}`}
          role="status"
          data-testid="import-result"
        >
          {importResult.text}
        </p>
      ) : null}
    </section>
  );
}

/**
 * What the sync state says: "server tidak terjangkau" only when the server could not be
 * reached; when it was reached but something needs the verifier (refused changes, failed
 * files, a step that failed here or at the server) it says "Perlu perhatian" and what.
 */
function stateKey(status: SyncStatus, attention: boolean): MessageKey {
  if (status.state === 'syncing') return 'syncState_syncing';
  if (status.waitingForOtherTab) return 'syncState_otherTab';
  if (status.state === 'offline') return 'syncState_offline';
  if (attention || status.state === 'error') return 'syncState_attention';
  return 'syncState_idle';
}

const SOURCE_KEYS: Record<string, MessageKey> = {
  local: 'errorSource_local',
  server: 'errorSource_server',
  network: 'errorSource_network',
};

function SyncStatusView({
  status,
  locale,
  health,
  conflicts,
}: {
  status: SyncStatus | null;
  locale: Locale;
  health: StorageHealth | null;
  conflicts: number;
}) {
  const t = useT();
  const zone = usePrintZone();
  const { value: names } = useLive(
    'kerja',
    async (s) => {
      const units = new Map((await s.reference.listUnits()).map((u) => [u.id, u.name]));
      return new Map(
        (await s.assessments.list()).map((a) => [a.id, units.get(a.unitId) ?? a.unitId]),
      );
    },
    [],
  );
  const [purged, setPurged] = useState<number | null>(null);
  const [confirmPurge, setConfirmPurge] = useState(false);
  const [purging, setPurging] = useState(false);
  if (!status) return <p class="muted">{t('loading')}</p>;
  const rejected = health?.rejectedChanges ?? 0;
  const failedFiles = health?.failedFiles ?? 0;
  const attention = rejected > 0 || failedFiles > 0 || conflicts > 0;
  const received = Object.entries(status.receipts).filter(
    ([, r]) => r.local > 0 && r.confirmed === r.local,
  );
  const purge = async () => {
    setPurging(true);
    try {
      setPurged(await purgeReceived());
    } finally {
      setPurging(false);
      setConfirmPurge(false);
    }
  };
  return (
    <>
      <table>
        <tbody>
          <tr>
            <th>{t('syncStatus')}</th>
            <td>
              <span
                data-testid="sync-state"
                class={attention && status.state !== 'syncing' ? 'error' : undefined}
              >
                {t(stateKey(status, attention))}
              </span>
              {attention && status.state !== 'syncing' && status.state !== 'offline' ? (
                <ul class="attention" data-testid="sync-attention">
                  {rejected > 0 ? (
                    <li>
                      <a href="/ditolak" onClick={linkClick}>
                        {t('rejectedBadge', { n: rejected })}
                      </a>
                    </li>
                  ) : null}
                  {failedFiles > 0 ? <li>{t('failedFilesBadge', { n: failedFiles })}</li> : null}
                  {conflicts > 0 ? <li>{t('conflictBadge', { n: conflicts })}</li> : null}
                </ul>
              ) : null}
            </td>
          </tr>
          <SendProgress status={status} health={health} locale={locale} />
          <tr>
            <th>{t('lastSuccess')}</th>
            <td data-testid="sync-last-success" data-at={status.lastSuccessAt ?? 0}>
              {status.lastSuccessAt ? when(status.lastSuccessAt, locale, zone) : t('never')}
            </td>
          </tr>
          {status.lastError ? (
            <tr>
              <th>{t('lastError')}</th>
              <td class="error" data-testid="sync-last-error" data-at={status.lastError.at}>
                {t(SOURCE_KEYS[status.lastError.source] ?? 'errorSource_local')}:{' '}
                {syncErrorText(status.lastError, t)} ({when(status.lastError.at, locale, zone)})
              </td>
            </tr>
          ) : null}
          {Object.entries(status.receipts)
            .filter(([, r]) => r.local > 0)
            .map(([id, r]) => (
              <tr key={id}>
                <th>{names?.get(id) ?? id}</th>
                <td data-testid="receipt">
                  {r.confirmed === r.local
                    ? t('receiptAll', { n: r.local })
                    : t('receiptPartial', { c: r.confirmed, n: r.local })}
                </td>
              </tr>
            ))}
        </tbody>
        {received.length > 0 ? (
          <caption style="caption-side:bottom;text-align:left;padding-top:0.5rem">
            <button
              type="button"
              onClick={() => setConfirmPurge(true)}
              data-testid="purge-received"
            >
              {t('purgeReceived')}
            </button>{' '}
            {purged !== null ? <span class="small">{t('purgedCount', { n: purged })}</span> : null}
          </caption>
        ) : null}
      </table>
      {confirmPurge ? (
        <ConfirmDialog
          title={t('purgeConfirmTitle')}
          confirmLabel={t('purgeConfirmOk')}
          cancelLabel={t('cancel')}
          busy={purging}
          onConfirm={() => void purge()}
          onCancel={() => setConfirmPurge(false)}
          testId="purge-dialog"
        >
          <p>
            {t('purgeConfirmWhat', {
              n: received.reduce((sum, [, r]) => sum + r.local, 0),
              units: received.map(([id]) => names?.get(id) ?? id).join(', '),
            })}
          </p>
          <p>{t('purgeConfirmStays')}</p>
          <p class="small">{t('purgeConfirmKept')}</p>
        </ConfirmDialog>
      ) : null}
      <SyncHistory history={status.history} locale={locale} />
    </>
  );
}

/**
 * How much is sent: while a sync runs, the progress of that run; otherwise what waits on
 * this tablet now (the store's count), so the bars are never full and green while changes
 * or files are unsent.
 */
function SendProgress(props: { status: SyncStatus; health: StorageHealth | null; locale: Locale }) {
  const t = useT();
  const p = props.status.progress;
  if (props.status.state === 'syncing')
    return (
      <>
        <ProgressRow
          label={t('changesProgress', { a: p.changesSent, b: p.changesTotal })}
          done={p.changesSent}
          total={p.changesTotal}
          testId="changes-progress"
        />
        <ProgressRow
          label={t('bytesProgress', {
            a: formatBytes(p.bytesSent, props.locale),
            b: formatBytes(p.bytesTotal, props.locale),
          })}
          done={p.bytesSent}
          total={p.bytesTotal}
          testId="files-progress"
        />
      </>
    );
  const changes = props.health?.unsyncedMutations ?? 0;
  const files = props.health?.unsyncedFiles ?? 0;
  const size = formatBytes(props.health?.unsyncedBytes ?? 0, props.locale);
  return (
    <>
      <ProgressRow
        label={changes > 0 ? t('changesWaiting', { n: changes }) : t('changesAllSent')}
        done={0}
        total={changes}
        testId="changes-progress"
      />
      <ProgressRow
        label={files > 0 ? t('filesWaiting', { n: files, size }) : t('filesAllSent')}
        done={0}
        total={files}
        testId="files-progress"
      />
    </>
  );
}

/** The latest sync runs (kept across reloads), newest first, in words. */
function SyncHistory({ history, locale }: { history: SyncLogEntry[]; locale: Locale }) {
  const t = useT();
  const zone = usePrintZone();
  return (
    <section data-testid="sync-history">
      <h3>{t('syncHistory')}</h3>
      {history.length === 0 ? (
        <p class="small muted">{t('syncHistoryEmpty')}</p>
      ) : (
        <ol class="plain small">
          {history.map((e) => (
            <li
              key={`${e.at}-${e.outcome}`}
              data-testid="sync-history-entry"
              data-outcome={e.outcome}
            >
              <strong class={e.outcome === 'ok' ? undefined : 'error'}>
                {t(OUTCOME_KEYS[e.outcome])}
              </strong>{' '}
              {when(e.at, locale, zone)}
              {e.runs > 1 ? ` (${t('historyRuns', { n: e.runs })})` : ''}
              {historyText(e, t, locale) ? `: ${historyText(e, t, locale)}` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const OUTCOME_KEYS: Record<SyncLogEntry['outcome'], MessageKey> = {
  ok: 'historyOk',
  failed: 'historyFailed',
  offline: 'historyOffline',
};

/** What a run sent and received, and why it failed, as one sentence. */
function historyText(e: SyncLogEntry, t: ReturnType<typeof useT>, locale: Locale): string {
  const parts: string[] = [];
  // Said in the engine's own words (both languages kept with the entry).
  // It is a whole sentence elsewhere (the restore notice); here it is one clause of the line.
  if (e.notice)
    parts.push((locale === 'en' ? e.notice.messageEn : e.notice.message).replace(/\.$/, ''));
  if (e.sent > 0) parts.push(t('historySent', { n: e.sent }));
  if (e.rejected > 0) parts.push(t('historyRejected', { n: e.rejected }));
  if (e.uploaded > 0) parts.push(t('historyUploaded', { n: e.uploaded }));
  if (e.received > 0) parts.push(t('historyReceived', { n: e.received }));
  if (e.failedFiles > 0) parts.push(t('historyFailedFiles', { n: e.failedFiles }));
  if (e.conflicts > 0) parts.push(t('historyConflicts', { n: e.conflicts }));
  // Offline says it all in its heading; a failure says why.
  if (e.error && e.outcome !== 'offline') parts.push(syncErrorText(e.error, t));
  if (parts.length === 0 && e.outcome !== 'offline') parts.push(t('historyNothing'));
  return parts.join('; ');
}

/**
 * A row of the sync table: how much of something is sent, in words and as a bar. The bar
 * is full and green only when nothing is left to send.
 */
function ProgressRow({
  label,
  done,
  total,
  testId,
}: {
  label: string;
  done: number;
  total: number;
  testId: string;
}) {
  // Nothing to send counts as all sent.
  const pct = total > 0 ? Math.min(100, Math.round((100 * done) / total)) : 100;
  const complete = total === 0 || done >= total;
  return (
    <tr>
      <th>{label}</th>
      <td>
        <div
          class="progress"
          role="progressbar"
          aria-label={label}
          aria-valuenow={pct}
          data-testid={testId}
          data-complete={complete}
        >
          <span style={`width:${pct}%${complete ? '' : ';background:var(--warn)'}`} />
        </div>
      </td>
    </tr>
  );
}
