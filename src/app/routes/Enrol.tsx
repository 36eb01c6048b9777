import { useCallback, useState } from 'preact/hooks';
import { useLocale } from '../../ui/i18n';
import { linkClick, navigate } from '../../ui/router';
import { QrScanner } from '../components/QrScanner';
import { useT } from '../i18n';
import { cleaningHandlers } from '../lib/clean-input';
import { EnrolError, enrol, normaliseEnrolCode, useSync } from '../state/sync';

/** The tablet's enrolment: the one-time code the coordinator shows (typed or scanned). */
export function Enrol() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const enrolment = useSync((s) => s.enrolment);
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  /** Invisible characters removed from a paste into one of the fields. */
  const [removed, setRemoved] = useState(0);
  /** Typed or pasted text the server would refuse is cleaned where it is entered. */
  const textHandlers = (set: (v: string) => void) => cleaningHandlers(set, setRemoved);
  const onScanned = useCallback((text: string) => {
    setScanning(false);
    setCode(normaliseEnrolCode(text));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await enrol(code, label.trim() || `Tablet ${new Date().toLocaleDateString('id-ID')}`, locale);
      await navigate('/');
    } catch (err) {
      setError(err instanceof EnrolError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t('enrolTitle')}</h1>
      {enrolment ? (
        // The work on this tablet belongs to its enrolment: another enrolment only after
        // "Lepas tablet", which refuses while anything would be lost.
        <div class="notice" data-testid="enrolled">
          <p>{t('enrolledAs', { name: enrolment.verifierName, device: enrolment.deviceLabel })}</p>
          <p>{t('enrolReleaseFirst')}</p>
          <a href="/penyimpanan" onClick={linkClick} data-testid="enrol-go-release">
            {t('enrolGoRelease')}
          </a>
        </div>
      ) : (
        <form class="card" onSubmit={(e) => void submit(e)}>
          <p>{t('enrolIntro')}</p>
          <label for="enrol-code">{t('enrolCode')}</label>
          <input
            id="enrol-code"
            type="text"
            autocomplete="off"
            autocapitalize="characters"
            value={code}
            {...textHandlers(setCode)}
            required
          />
          {scanning ? (
            <QrScanner onCode={onScanned} onClose={() => setScanning(false)} />
          ) : typeof navigator !== 'undefined' && navigator.mediaDevices ? (
            <button type="button" onClick={() => setScanning(true)} data-testid="scan-qr">
              {t('scanQr')}
            </button>
          ) : null}
          <label for="enrol-label">{t('deviceLabel')}</label>
          <input
            id="enrol-label"
            type="text"
            value={label}
            {...textHandlers(setLabel)}
            maxLength={100}
          />
          {removed > 0 ? (
            <p class="field-note" role="status" data-testid="cleaned-notice">
              {t('pasteCleaned', { n: removed })}
            </p>
          ) : null}
          {error ? (
            <p class="notice bad" role="alert" data-testid="enrol-error">
              {error}
            </p>
          ) : null}
          <div class="row" style="margin-top:0.75rem">
            <button
              type="submit"
              class="primary"
              disabled={busy || !code.trim()}
              data-testid="enrol-submit"
            >
              {t('enrolSubmit')}
            </button>
          </div>
        </form>
      )}
      <p class="small muted">
        <a href="/koordinator">{t('coordinatorLogin')}</a>
      </p>
    </>
  );
}
