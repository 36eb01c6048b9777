import { useEffect, useState } from 'preact/hooks';
import type { StorageHealth } from '../../store';
import type { SyncStatus } from '../../sync';
import { formatBytes, formatDateTime } from '../../ui/format';
import { type Locale, useLocale } from '../../ui/i18n';
import { linkClick } from '../../ui/router';
import { ClockNotice } from '../components/ClockNotice';
import { OpenConflicts } from '../components/Conflicts';
import { FailedFiles } from '../components/FailedFiles';
import { FileButton } from '../components/FileButton';
import { IdentityNotice } from '../components/IdentityNotice';
import { ReleasePanel } from '../components/ReleasePanel';
import { type MessageKey, useT } from '../i18n';
import { listOpenConflicts } from '../lib/conflicts';
import { storageMessage } from '../lib/errors';
import { exportAllAssessments } from '../lib/export';
import { loadFailedFiles } from '../lib/failed-files';
import { purgeReceived, syncNow, useSync } from '../state/sync';
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
  const [health, setHealth] = useState<StorageHealth | null>(null);
  const { value: failedFiles } = useLive('kerja', (s) => loadFailedFiles(s), []);
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
                <td data-testid="persisted">
                  {health.persisted ? t('persistedYes') : t('persistedNo')}
                  {!health.persisted ? (
                    <div>
                      <button type="button" onClick={() => void persist()}>
                        {t('requestPersist')}
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
                <td data-testid="failed-files-count">{failedFiles?.length ?? 0}</td>
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
      <SyncPanel
        rejected={health?.rejectedChanges ?? 0}
        failedFiles={failedFiles?.length ?? 0}
        conflicts={conflicts?.length ?? 0}
      />
      <ReleasePanel />
    </>
  );
}

function when(ms: number | null, locale: Locale): string {
  return ms ? formatDateTime(locale, ms) : '–';
}

/** Sync status: progress (changes and bytes), last success, last error in words, receipts. */
function SyncPanel(props: { rejected: number; failedFiles: number; conflicts: number }) {
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
          {status?.updateRequired ? (
            <p class="notice warn" role="alert">
              {t('updateRequired')}
            </p>
          ) : null}
          <SyncStatusView
            status={status}
            locale={locale}
            rejected={props.rejected}
            failedFiles={props.failedFiles}
            conflicts={props.conflicts}
          />
          <div class="row" style="margin-top:0.6rem">
            <button
              type="button"
              class="primary"
              disabled={status?.state === 'syncing' || status?.revoked}
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
  rejected,
  failedFiles,
  conflicts,
}: {
  status: SyncStatus | null;
  locale: Locale;
  rejected: number;
  failedFiles: number;
  conflicts: number;
}) {
  const t = useT();
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
  if (!status) return <p class="muted">{t('loading')}</p>;
  const attention = rejected > 0 || failedFiles > 0 || conflicts > 0;
  const p = status.progress;
  return (
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
        <ProgressRow
          label={t('changesProgress', { a: p.changesSent, b: p.changesTotal })}
          done={p.changesSent}
          total={p.changesTotal}
        />
        <ProgressRow
          label={t('bytesProgress', {
            a: formatBytes(p.bytesSent, locale),
            b: formatBytes(p.bytesTotal, locale),
          })}
          done={p.bytesSent}
          total={p.bytesTotal}
        />
        <tr>
          <th>{t('lastSuccess')}</th>
          <td data-testid="sync-last-success" data-at={status.lastSuccessAt ?? 0}>
            {status.lastSuccessAt ? when(status.lastSuccessAt, locale) : t('never')}
          </td>
        </tr>
        {status.lastError ? (
          <tr>
            <th>{t('lastError')}</th>
            <td class="error" data-testid="sync-last-error" data-at={status.lastError.at}>
              {t(SOURCE_KEYS[status.lastError.source] ?? 'errorSource_local')}:{' '}
              {status.lastError.message} ({when(status.lastError.at, locale)})
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
      {Object.values(status.receipts).some((r) => r.local > 0 && r.confirmed === r.local) ? (
        <caption style="caption-side:bottom;text-align:left;padding-top:0.5rem">
          <button
            type="button"
            onClick={() => void purgeReceived().then(setPurged)}
            data-testid="purge-received"
          >
            {t('purgeReceived')}
          </button>{' '}
          {purged !== null ? <span class="small">{t('purgedCount', { n: purged })}</span> : null}
        </caption>
      ) : null}
    </table>
  );
}

/** A row of the sync table: how much of something is sent, in words and as a bar. */
function ProgressRow({ label, done, total }: { label: string; done: number; total: number }) {
  // Nothing to send counts as all sent.
  const pct = total > 0 ? Math.round((100 * done) / total) : 100;
  return (
    <tr>
      <th>{label}</th>
      <td>
        <div class="progress" role="progressbar" aria-label={label} aria-valuenow={pct}>
          <span style={`width:${pct}%`} />
        </div>
      </td>
    </tr>
  );
}
