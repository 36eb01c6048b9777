import { useEffect } from 'preact/hooks';
import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';

/**
 * Whether this page may run the app. Browsers give a page on plain HTTP (other than
 * localhost / 127.0.0.1) neither a service worker nor crypto.subtle: the app would load, but
 * would not work offline, and every photo's hashing would fail when a verifier attaches it.
 */
export function secureOrigin(): boolean {
  return window.isSecureContext;
}

/**
 * Shown instead of the app on an insecure origin (a tablet opening a LAN address over plain
 * HTTP): why the app does not run, what to do, and that nothing should be entered here.
 */
export function InsecureNotice() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const toggle = useLocale((s) => s.toggle);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  // The HTTPS address a reverse proxy usually serves: the same host on the default port.
  const https = `https://${location.hostname}${location.pathname}`;
  return (
    <>
      <header class="header">
        <span class="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          {t('appName')}
        </span>
        <div class="header-actions">
          <button type="button" onClick={() => void toggle()} lang={locale === 'id' ? 'en' : 'id'}>
            {t('language')}
          </button>
        </div>
      </header>
      <main id="main">
        <section class="notice bad" data-testid="insecure-notice">
          <h1>{t('insecureTitle')}</h1>
          <p>{t('insecureWhy', { url: location.origin })}</p>
          <h2>{t('insecureWhatToDo')}</h2>
          <ol>
            <li>
              {t('insecureOpenHttps')}
              <br />
              <a href={https}>{https}</a>
            </li>
            <li>{t('insecureAskIt')}</li>
          </ol>
          <h2>{t('insecureMeanwhile')}</h2>
          <p>{t('insecureNothing')}</p>
        </section>
      </main>
    </>
  );
}
