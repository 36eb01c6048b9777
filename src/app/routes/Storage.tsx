import { useEffect, useState } from 'preact/hooks';
import type { StorageHealth } from '../../store';
import { useT } from '../i18n';
import { getStore, type WorkspaceKind } from '../state/workspace';

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

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-reads on demand
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
      <section class="card" id="sync">
        <h2 style="margin-top:0">{t('syncStatus')}</h2>
        <p class="muted">{t('syncLater')}</p>
      </section>
    </>
  );
}
