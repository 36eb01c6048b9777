import { useEffect, useState } from 'preact/hooks';
import type { StorageHealth } from '../../store';
import type { SyncStatus } from '../../sync';
import { useLocale, useT } from '../i18n';
import { linkClick } from '../router';
import { purgeReceived, syncNow, useSync } from '../state/sync';
import { getStore, useLive, type WorkspaceKind } from '../state/workspace';

function bytes(n: number | null): string {
  if (n === null) return '–';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Storage health (issue 3) and the place where sync status lives. */
export function Storage() {
  const t = useT();
  const [health, setHealth] = useState<StorageHealth | null>(null);
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
                  {bytes(health.usage)} / {bytes(health.quota)}
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
                  {health.unsyncedFiles} ({bytes(health.unsyncedBytes)})
                </td>
              </tr>
            </tbody>
          </table>
        )}
      </section>
      <SyncPanel />
    </>
  );
}

function when(ms: number | null, locale: string): string {
  return ms ? new Date(ms).toLocaleString(locale === 'id' ? 'id-ID' : 'en-GB') : '–';
}

/** Sync status: progress (changes and bytes), last success, last error in words, receipts. */
function SyncPanel() {
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
      const store = await getStore('kerja');
      for (const a of await store.assessments.list()) {
        const bytes = await store.exportAssessment(a.id);
        const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = `telusur-${a.id}.zip`;
        link.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }
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
          <SyncStatusView status={status} locale={locale} />
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
        <span class="button file-btn">
          {t('importData')}
          <input
            type="file"
            accept=".zip,application/zip"
            aria-label={t('importData')}
            onChange={(e) => void importFile(e.currentTarget)}
            data-testid="import-bundle"
          />
        </span>
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

function SyncStatusView({ status, locale }: { status: SyncStatus | null; locale: string }) {
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
  const p = status.progress;
  const pct = (a: number, b: number) => (b > 0 ? Math.round((100 * a) / b) : 100);
  return (
    <table>
      <tbody>
        <tr>
          <th>{t('syncStatus')}</th>
          <td data-testid="sync-state">{t(`syncState_${status.state}`)}</td>
        </tr>
        <tr>
          <th>{t('changesProgress', { a: p.changesSent, b: p.changesTotal })}</th>
          <td>
            <div
              class="progress"
              role="progressbar"
              aria-valuenow={pct(p.changesSent, p.changesTotal)}
            >
              <span style={`width:${pct(p.changesSent, p.changesTotal)}%`} />
            </div>
          </td>
        </tr>
        <tr>
          <th>{t('bytesProgress', { a: bytes(p.bytesSent), b: bytes(p.bytesTotal) })}</th>
          <td>
            <div class="progress" role="progressbar" aria-valuenow={pct(p.bytesSent, p.bytesTotal)}>
              <span style={`width:${pct(p.bytesSent, p.bytesTotal)}%`} />
            </div>
          </td>
        </tr>
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
