import { create } from '../ui/create-store';
import { useLocale } from '../ui/i18n';
import { ApiError, api, onUnauthorised, readToken, writeToken } from './api';
import { translate } from './i18n';
import { openSessionChannel, SessionShare } from './session-share';
import type { Account } from './types';

/**
 * Who is signed in to the coordinator pages. `checking` while a stored token is
 * confirmed with GET /api/me after a reload; `out` shows the login page.
 */
export interface SessionState {
  status: 'checking' | 'in' | 'out';
  account: Account | null;
  /** Why the user is back at the login page (session expired), as the server said it. */
  reason: string | null;
  /** A network failure while confirming a stored token: the token is kept for a retry. */
  offline: boolean;
}

const channel = openSessionChannel();

/**
 * This tab's session as other tabs see it: a new tab of these pages gets this tab's token
 * once it is confirmed, and signing out anywhere signs out here too.
 */
const share = new SessionShare(channel, {
  shared: () => (useSession.getState().status === 'in' ? readToken() : null),
  signedOutElsewhere: (token) => {
    if (readToken() !== token) return;
    writeToken(null);
    useSession.setState({
      status: 'out',
      account: null,
      reason: translate(useLocale.getState().locale, 'signedOutElsewhere'),
      offline: false,
    });
  },
});

export const useSession = create<SessionState>(() => ({
  // Without a token of its own, a tab first asks the open tabs (see restoreSession).
  status: readToken() || channel ? 'checking' : 'out',
  account: null,
  reason: null,
  offline: false,
}));

onUnauthorised((e) => {
  writeToken(null);
  useSession.setState({ status: 'out', account: null, reason: e.message, offline: false });
});

/**
 * Confirm the token kept in sessionStorage (after a reload) with GET /api/me; a tab without
 * one (a new tab) first asks the other open tabs for theirs.
 */
export async function restoreSession(): Promise<void> {
  if (!readToken()) {
    const token = await share.ask();
    // A sign-in on this tab may have finished while it asked.
    if (useSession.getState().status === 'in') return;
    if (!token) {
      useSession.setState({ status: 'out', account: null });
      return;
    }
    writeToken(token);
  }
  useSession.setState({ status: 'checking', offline: false });
  try {
    const me = await api('GET /api/me');
    useSession.setState({ status: 'in', account: me.account, reason: null });
  } catch (e) {
    if (e instanceof ApiError && e.network) {
      useSession.setState({ status: 'checking', offline: true });
      return;
    }
    writeToken(null);
    useSession.setState({
      status: 'out',
      account: null,
      reason: e instanceof ApiError ? e.message : null,
    });
  }
}

/** Sign in; rejects with the server's ApiError (wrong password, rate limit…). */
export async function login(email: string, password: string): Promise<Account> {
  const r = await api('POST /api/auth/login', { json: { email: email.trim(), password } });
  writeToken(r.token);
  useSession.setState({ status: 'in', account: r.account, reason: null, offline: false });
  return r.account;
}

/** Sign out on the server (best effort) and forget the token here in any case. */
export async function logout(): Promise<void> {
  const token = readToken();
  try {
    if (token) await api('POST /api/auth/logout');
  } catch {
    // The token is dropped locally either way; an unreachable server lets it expire.
  } finally {
    writeToken(null);
    useSession.setState({ status: 'out', account: null, reason: null, offline: false });
    if (token) share.signedOut(token);
  }
}
