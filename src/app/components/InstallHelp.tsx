import { useModalDialog } from '../../ui/modal';
import { useT } from '../i18n';

/** Whose install steps a tablet needs: every browser on an iPad is Safari's engine. */
export type InstallPlatform = 'ios' | 'android' | 'other';

/**
 * The platform from the browser's user agent. iPadOS Safari introduces itself as a Mac
 * ("Macintosh"), so a "Mac" with a touch screen is an iPad.
 */
export function installPlatform(userAgent: string, maxTouchPoints: number): InstallPlatform {
  if (/iPad|iPhone|iPod/.test(userAgent)) return 'ios';
  if (/Macintosh/.test(userAgent) && maxTouchPoints > 1) return 'ios';
  if (/Android/.test(userAgent)) return 'android';
  return 'other';
}

/**
 * Whether the app runs installed, from the home screen: then there is nothing to install.
 * `navigator.standalone` is Safari's own flag for a web app opened from the home screen.
 */
export function runningInstalled(): boolean {
  if (typeof window === 'undefined') return false;
  const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return standalone || window.matchMedia?.('(display-mode: standalone)').matches === true;
}

/**
 * How to install, for a browser that offers no install prompt (Safari never sends
 * `beforeinstallprompt`; Chrome does not when the app is installed already or its own
 * heuristics say not yet): the steps for the browser in use, and why it matters. A modal
 * <dialog>, as ConfirmDialog: focus stays inside, Escape closes it.
 */
export function InstallHelp(props: { onClose(): void }) {
  const t = useT();
  const ref = useModalDialog(props.onClose);
  const platform = installPlatform(navigator.userAgent, navigator.maxTouchPoints ?? 0);
  const ios = (
    <section>
      <h3>{t('installIos')}</h3>
      <ol>
        <li>{t('installIosStep1')}</li>
        <li>{t('installIosStep2')}</li>
      </ol>
      <p class="small">{t('installIosSafari', { url: location.origin })}</p>
    </section>
  );
  const android = (
    <section>
      <h3>{t('installAndroid')}</h3>
      <ol>
        <li>{t('installAndroidStep1')}</li>
        <li>{t('installAndroidStep2')}</li>
      </ol>
    </section>
  );
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="install-help-title"
      data-testid="install-help"
      data-platform={platform}
    >
      <h2 id="install-help-title">{t('installHelpTitle')}</h2>
      <div class="confirm-body">
        <p>{t('installHelpWhy')}</p>
        {platform === 'ios' ? ios : null}
        {platform === 'android' ? android : null}
        {/* Not told which (a laptop, an unknown browser): both tablets' steps. */}
        {platform === 'other' ? (
          <>
            {ios}
            {android}
            <p class="small">{t('installComputer')}</p>
          </>
        ) : null}
        <p class="small">{t('installAlready')}</p>
      </div>
      <div class="row confirm-actions">
        <button
          type="button"
          class="primary"
          onClick={() => props.onClose()}
          data-testid="install-help-close"
        >
          {t('installHelpDone')}
        </button>
      </div>
    </dialog>
  );
}
