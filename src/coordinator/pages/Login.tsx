import { useEffect, useState } from 'preact/hooks';
import { linkClick, navigate } from '../../ui/router';
import type { ApiError } from '../api';
import { TextField, useForm } from '../components/FormField';
import { useT } from '../i18n';
import { login, logout, useSession } from '../session';
import { ErrorNotice, useDocumentTitle } from '../ui';

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** Where to go after signing in: `?lanjut=` when it is a coordinator page, else the overview. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('lanjut') ?? '';
  return next.startsWith('/koordinator') && !next.startsWith('/koordinator/masuk')
    ? next
    : '/koordinator';
}

export function Login() {
  const t = useT();
  useDocumentTitle(t('loginTitle'));
  const status = useSession((s) => s.status);
  const reason = useSession((s) => s.reason);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [verifier, setVerifier] = useState(false);

  useEffect(() => {
    if (status === 'in' && useSession.getState().account?.role !== 'verifier')
      void navigate(nextPath(), { replace: true });
  }, [status]);

  const form = useForm({
    email: !email.trim()
      ? t('emailRequired')
      : !EMAIL_RE.test(email.trim())
        ? t('emailInvalid')
        : undefined,
    password: password ? undefined : t('passwordRequired'),
  });
  const action = form.action;
  const submit = form.submit(
    () => login(email, password),
    async (account) => {
      if (account.role !== 'verifier') return;
      // Verifiers work on enrolled tablets; do not keep a coordinator-page session for them.
      await logout();
      setVerifier(true);
    },
  );

  return (
    <>
      <h1>{t('loginTitle')}</h1>
      <form
        class="card c-narrow"
        noValidate
        onSubmit={(e) => {
          setVerifier(false);
          submit(e);
        }}
      >
        <p class="muted">{t('loginIntro')}</p>
        <p class="small muted" data-testid="login-tablet-hint">
          {t('loginTabletHint')}{' '}
          <a href="/masuk" onClick={linkClick}>
            {t('tabletEnrol')}
          </a>
        </p>
        {reason && !action.error ? (
          <p class="notice warn" role="status">
            {reason}
          </p>
        ) : null}
        <TextField
          id="c-email"
          label={t('email')}
          error={form.err('email')}
          type="email"
          autocomplete="username"
          value={email}
          onValue={setEmail}
        />
        <TextField
          id="c-password"
          label={t('password')}
          error={form.err('password')}
          type="password"
          autocomplete="current-password"
          value={password}
          onValue={setPassword}
        />
        <ErrorNotice error={action.error as ApiError | null} testId="login-error" />
        {verifier ? (
          <div class="notice warn" role="alert" data-testid="verifier-not-here">
            <p>{t('verifierNotHere')}</p>
            <a href="/masuk" onClick={linkClick}>
              {t('tabletEnrol')}
            </a>
          </div>
        ) : null}
        <div class="row c-actions">
          <button
            type="submit"
            class="primary"
            disabled={action.busy}
            data-testid="coordinator-login-submit"
          >
            {action.busy ? t('loggingIn') : t('loginSubmit')}
          </button>
        </div>
      </form>
    </>
  );
}
