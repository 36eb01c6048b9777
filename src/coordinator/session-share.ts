/**
 * The coordinator session shared between this browser's open tabs. The token lives only in
 * each tab's sessionStorage (never IndexedDB or localStorage: a verifier's tablet profile
 * must never keep a coordinator session once its tabs are closed), so a tab opened later
 * starts without it. It asks the open tabs over a BroadcastChannel; a tab that holds a
 * confirmed session answers with its token, and the new tab keeps its own copy in its own
 * sessionStorage. Signing out in one tab signs out every tab (the server ended the
 * session anyway). With no tab open, nothing remains and the coordinator signs in again.
 */

const CHANNEL_NAME = 'telusur.coordinator.session';

type Message =
  | { t: 'ask'; from: string }
  | { t: 'token'; to: string; token: string }
  | { t: 'out'; from: string; token: string };

/** The part of BroadcastChannel used here (the browser's, or Node's in tests). */
export interface SessionChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

/** The browser's channel for coordinator sessions, or null where BroadcastChannel is missing. */
export function openSessionChannel(): SessionChannel | null {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
}

function isMessage(data: unknown): data is Message {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  if (m.t === 'ask') return typeof m.from === 'string';
  if (m.t === 'out') return typeof m.from === 'string' && typeof m.token === 'string';
  return m.t === 'token' && typeof m.to === 'string' && typeof m.token === 'string';
}

const newTabId = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random()}`;

/**
 * One tab's end of the channel.
 *
 * - `shared()` is asked whenever another tab asks: the token to hand over, or null (not
 *   signed in, or the session is still being confirmed).
 * - `signedOutElsewhere(token)` runs when another tab signs out of the session `token`
 *   (a tab holding another session, e.g. a verifier's refused sign-in, keeps its own).
 *
 * @example
 *   const share = new SessionShare(openSessionChannel(), { shared: () => token, signedOutElsewhere });
 *   const token = await share.ask(); // null when no open tab is signed in
 */
export class SessionShare {
  readonly id = newTabId();

  constructor(
    private readonly channel: SessionChannel | null,
    private readonly handlers: {
      shared(): string | null;
      signedOutElsewhere(token: string): void;
    },
  ) {
    channel?.addEventListener('message', (e) => this.receive(e.data));
  }

  private receive(data: unknown): void {
    if (!isMessage(data)) return;
    if (data.t === 'ask' && data.from !== this.id) {
      const token = this.handlers.shared();
      if (token) this.channel?.postMessage({ t: 'token', to: data.from, token } satisfies Message);
    } else if (data.t === 'out' && data.from !== this.id) {
      this.handlers.signedOutElsewhere(data.token);
    }
  }

  /**
   * Ask the other open tabs for their session; resolves with the first token offered, or
   * null after `waitMs` (no tab signed in, or no channel).
   */
  ask(waitMs = 500): Promise<string | null> {
    const channel = this.channel;
    if (!channel) return Promise.resolve(null);
    return new Promise((resolve) => {
      const done = (token: string | null) => {
        clearTimeout(timer);
        channel.removeEventListener('message', listen);
        resolve(token);
      };
      const listen = (e: MessageEvent) => {
        if (isMessage(e.data) && e.data.t === 'token' && e.data.to === this.id) done(e.data.token);
      };
      const timer = setTimeout(() => done(null), waitMs);
      channel.addEventListener('message', listen);
      channel.postMessage({ t: 'ask', from: this.id } satisfies Message);
    });
  }

  /**
   * Tell the other tabs the session `token` ended (they drop their copies). The token is
   * already void on the server when this is said.
   */
  signedOut(token: string): void {
    this.channel?.postMessage({ t: 'out', from: this.id, token } satisfies Message);
  }
}
