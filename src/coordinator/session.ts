import { create } from '../ui/create-store';
import { ApiError, api, onUnauthorised, readToken, writeToken } from './api';
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

export const useSession = create<SessionState>(() => ({
  status: readToken() ? 'checking' : 'out',
  account: null,
  reason: null,
  offline: false,
}));

onUnauthorised((e) => {
  writeToken(null);
  useSession.setState({ status: 'out', account: null, reason: e.message, offline: false });
});

/** Confirm a token kept in sessionStorage (after a reload). */
export async function restoreSession(): Promise<void> {
  if (!readToken()) {
    useSession.setState({ status: 'out', account: null });
    return;
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
  try {
    if (readToken()) await api('POST /api/auth/logout');
  } catch {
    // The token is dropped locally either way; an unreachable server lets it expire.
  } finally {
    writeToken(null);
    useSession.setState({ status: 'out', account: null, reason: null, offline: false });
  }
}
