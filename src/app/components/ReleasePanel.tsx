import { useState } from 'preact/hooks';
import type { ReleaseCheck } from '../../store';
import { linkClick, navigate } from '../../ui/router';
import { useT } from '../i18n';
import { useClockText } from '../lib/clock';
import { storageMessage } from '../lib/errors';
import { exportAllAssessments } from '../lib/export';
import {
  ReleaseOfflineError,
  ReleaseRefusedError,
  releaseTablet,
  syncNow,
  useSync,
} from '../state/sync';
import { useUi } from '../state/ui.store';
import { getStore, useLive } from '../state/workspace';
import { ConfirmDialog } from './ConfirmDialog';

/** Work that exists only on this tablet and no export file holds: releasing would lose it. */
function blocked(c: ReleaseCheck): boolean {
  return c.unsentChanges + c.unsentFiles + c.rejected > 0 && !c.exportCoversUnsent;
}

function unsentTotal(c: ReleaseCheck): number {
  return c.unsentChanges + c.unsentFiles + c.rejected;
}

type Phase = 'idle' | 'checking' | 'refused' | 'confirm' | 'offline' | 'releasing';

/**
 * "Lepas tablet": hand this tablet to another verifier (tablets change hands between
 * periods; without this only wiping the browser's data would do). Shows what is unsent;
 * refuses while anything exists only here (unsent changes or files, refused changes) unless an
 * export file made afterwards holds it ("Ekspor data dulu"); asks for confirmation; then
 * releases the token on the server, deletes the work database and opens the enrolment screen.
 */
export function ReleasePanel() {
  const t = useT();
  const enrolment = useSync((s) => s.enrolment);
  const when = useClockText();
  const { value: check } = useLive('kerja', (s) => s.releaseCheck(), []);
  const [phase, setPhase] = useState<Phase>('idle');
  const [refusal, setRefusal] = useState<ReleaseCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState(false);
  if (!enrolment) return null;
  const counts = (c: ReleaseCheck) => ({
    c: c.unsentChanges,
    f: c.unsentFiles,
    r: c.rejected,
  });

  const start = async () => {
    setPhase('checking');
    setError(null);
    setExported(false);
    // Send what can be sent first: a synced tablet is released without an export.
    await syncNow();
    const c = await (await getStore('kerja')).releaseCheck();
    setRefusal(c);
    setPhase(blocked(c) ? 'refused' : 'confirm');
  };

  const release = async (force: boolean) => {
    setPhase('releasing');
    setError(null);
    try {
      const r = await releaseTablet({ force });
      useUi.getState().say('info', r.serverReleased ? t('releaseDone') : t('releaseDoneOffline'));
      await navigate('/masuk', { replace: true });
    } catch (e) {
      if (e instanceof ReleaseRefusedError) {
        setRefusal(e.check);
        setPhase('refused');
      } else if (e instanceof ReleaseOfflineError) {
        setPhase('offline');
      } else {
        setError(storageMessage(e, t));
        setPhase('idle');
      }
    }
  };

  const exportFirst = async () => {
    setError(null);
    try {
      const store = await getStore('kerja');
      await exportAllAssessments(store);
      const c = await store.releaseCheck();
      setRefusal(c);
      setExported(true);
      setPhase(blocked(c) ? 'refused' : 'idle');
    } catch (e) {
      setError(storageMessage(e, t));
    }
  };

  return (
    <section class="card" aria-labelledby="release-title" data-testid="release-panel">
      <h2 id="release-title" style="margin-top:0">
        {t('releaseTitle')}
      </h2>
      <p>{t('releaseIntro')}</p>
      {check ? (
        <p data-testid="release-unsent">
          {unsentTotal(check) > 0 ? t('releaseUnsent', counts(check)) : t('releaseAllSent')}
          {check.lastExportAt !== null
            ? ` ${t('releaseLastExport', { when: when(check.lastExportAt) })}`
            : ''}
        </p>
      ) : null}
      {phase === 'refused' && refusal ? (
        <div class="notice bad" role="alert" data-testid="release-refused">
          <p>{t('releaseRefused', counts(refusal))}</p>
          <div class="row">
            <button
              type="button"
              class="primary"
              onClick={() => void exportFirst()}
              data-testid="release-export"
            >
              {t('releaseExportFirst')}
            </button>
            {refusal.rejected > 0 ? (
              <a class="button" href="/ditolak" onClick={linkClick}>
                {t('rejectedOpenList')}
              </a>
            ) : null}
          </div>
        </div>
      ) : null}
      {exported && phase !== 'refused' ? (
        <p class="notice" role="status" data-testid="release-exported">
          {t('releaseExported')}
        </p>
      ) : null}
      {error ? (
        <p class="notice bad" role="alert" data-testid="release-error">
          {error}
        </p>
      ) : null}
      <div class="row">
        <button
          type="button"
          class="danger"
          disabled={phase === 'checking' || phase === 'releasing'}
          onClick={() => void start()}
          data-testid="release-start"
        >
          {phase === 'checking' ? t('releaseChecking') : t('releaseTitle')}
        </button>
      </div>
      {(phase === 'confirm' || phase === 'releasing') && refusal ? (
        <ConfirmDialog
          title={t('releaseConfirmTitle')}
          confirmLabel={t('releaseConfirm')}
          cancelLabel={t('cancel')}
          busy={phase === 'releasing'}
          onConfirm={() => void release(false)}
          onCancel={() => setPhase('idle')}
          testId="release-dialog"
        >
          <p>
            {t('releaseConfirmBody', {
              name: enrolment.verifierName,
              device: enrolment.deviceLabel,
            })}
          </p>
          {unsentTotal(refusal) > 0 ? (
            <p class="notice warn">{t('releaseOnlyInExport', counts(refusal))}</p>
          ) : null}
        </ConfirmDialog>
      ) : null}
      {phase === 'offline' ? (
        <ConfirmDialog
          title={t('releaseOfflineTitle')}
          confirmLabel={t('releaseOfflineConfirm')}
          cancelLabel={t('cancel')}
          onConfirm={() => void release(true)}
          onCancel={() => setPhase('idle')}
          testId="release-offline-dialog"
        >
          <p>{t('releaseOfflineBody')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
