import { useLocale } from '../../ui/i18n';
import { useT } from '../i18n';
import { identityText } from '../state/notices';
import { dismissIdentityChange, useSync } from '../state/sync';

/**
 * Shown on the storage page after the tablet took a fresh device identity (its old one was
 * in use elsewhere: a cloned or restored browser profile): what happened in plain words,
 * that nothing was lost, and to tell the coordinator, who sees the new identity listed. Stays
 * (across reloads) until the verifier confirms having read it.
 */
export function IdentityNotice() {
  const t = useT();
  const locale = useLocale((s) => s.locale);
  const change = useSync((s) => s.status?.identityChanged ?? null);
  if (!change) return null;
  return (
    <section
      class="notice warn"
      style="margin:0 0 0.75rem"
      role="alert"
      data-testid="identity-notice"
    >
      <h2 style="margin-top:0">{t('identityTitle')}</h2>
      <p>{identityText(change, locale)}</p>
      <p class="small">
        {t('identityDetail', {
          reason: t(change.reason === 'seq_reused' ? 'identityReason_seq' : 'identityReason_ahead'),
          from: change.from.slice(-8),
          to: change.to.slice(-8),
        })}
      </p>
      <button type="button" onClick={() => void dismissIdentityChange()} data-testid="identity-ok">
        {t('identityOk')}
      </button>
    </section>
  );
}
