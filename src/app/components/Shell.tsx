import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useLocale } from '../../ui/i18n';
import { isConnected, useOnline } from '../../ui/online';
import { linkClick, usePath } from '../../ui/router';
import { useT } from '../i18n';
import { UpdateBar } from '../pwa/UpdateBar';
import { onInstallAvailable, promptInstall } from '../pwa/update';
import { useUi } from '../state/ui.store';
import { InstallHelp, runningInstalled } from './InstallHelp';

export function Shell({ children }: { children: ComponentChildren }) {
  const t = useT();
  const path = usePath();
  const { message } = useUi();
  const online = useOnline(isConnected);
  const locale = useLocale((s) => s.locale);
  const toggle = useLocale((s) => s.toggle);
  const [installed, setInstalled] = useState(runningInstalled);
  const [canPrompt, setCanPrompt] = useState(false);
  const [installHelp, setInstallHelp] = useState(false);
  const training = path.startsWith('/latihan');

  useEffect(() => onInstallAvailable(setCanPrompt), []);
  // Chrome on a computer moves the page into the app's own window right after installing.
  useEffect(() => {
    const standalone = window.matchMedia?.('(display-mode: standalone)');
    const follow = () => setInstalled(runningInstalled());
    standalone?.addEventListener?.('change', follow);
    return () => standalone?.removeEventListener?.('change', follow);
  }, []);
  // The page says which language it speaks, also when it starts in the one chosen last time:
  // screen readers pick their voice by it, and the printed record its page footer.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  // `prefix`: the link stands for a whole section (every coordinator page is under it).
  const nav = (href: string, label: string, prefix = false) => (
    <a
      href={href}
      onClick={linkClick}
      aria-current={path === href || (prefix && path.startsWith(`${href}/`)) ? 'page' : undefined}
    >
      {label}
    </a>
  );

  return (
    <>
      <header class="header">
        <a class="brand" href="/" onClick={linkClick}>
          <img src="/favicon.svg" alt="" width="28" height="28" />
          {t('appName')}
        </a>
        {training ? <span class="pill training">{t('trainingBadge')}</span> : null}
        <span class={`pill ${online ? 'online' : 'offline'}`} data-testid="connectivity">
          <span aria-hidden="true">●</span> {online ? t('online') : t('offline')}
        </span>
        {/* Language and installing stay on the first row, beside the status, at every width:
            the way back from English and the step that makes the app work offline for days. */}
        <div class="header-actions">
          <button type="button" onClick={() => void toggle()} lang={locale === 'id' ? 'en' : 'id'}>
            {t('language')}
          </button>
          {/* Offered wherever the app is not installed: with the browser's own prompt when it
              sent one, else the steps (Safari, on every iPad, never sends one). */}
          {installed ? null : (
            <button
              type="button"
              class="install"
              aria-haspopup={canPrompt ? undefined : 'dialog'}
              onClick={() => (canPrompt ? void promptInstall() : setInstallHelp(true))}
            >
              {t('install')}
            </button>
          )}
        </div>
        <nav>
          {nav('/', t('home'))}
          {nav('/penyimpanan', t('storage'))}
          {/* Two doors: a verifier enrols this tablet, a coordinator or viewer signs in. */}
          {nav('/masuk', t('enrolNav'))}
          {nav('/koordinator', t('coordinatorNav'), true)}
        </nav>
        <UpdateBar />
      </header>
      <main id="main">{children}</main>
      {/* Outside the header, whose white-on-brand button style would hide its button. */}
      {installHelp ? <InstallHelp onClose={() => setInstallHelp(false)} /> : null}
      {message ? (
        <div class={`toast ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          <span>{message.text}</span>
          <button
            type="button"
            onClick={() => useUi.getState().clearMessage()}
            aria-label={t('close')}
          >
            ✕
          </button>
        </div>
      ) : null}
    </>
  );
}
