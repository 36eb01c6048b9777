import { useLocale } from '../ui/i18n';

/**
 * The coordinator pages' HTTP client. Online only: no caching, no outbox. The session
 * token lives in sessionStorage (gone when the tab closes; never in IndexedDB, so a
 * verifier's tablet profile never holds a coordinator session).
 */

const TOKEN_KEY = 'telusur.coordinator.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function writeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the session then lasts as long as this page.
  }
  memoryToken = token;
}

let memoryToken: string | null = null;
const unauthorisedListeners = new Set<(e: ApiError) => void>();

/** Called when the server says the session is gone (401), so the app can show the login. */
export function onUnauthorised(fn: (e: ApiError) => void): () => void {
  unauthorisedListeners.add(fn);
  return () => unauthorisedListeners.delete(fn);
}

/** A failed request: a server problem `{code, message, details}` or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get network(): boolean {
    return this.status === 0;
  }
}

const NETWORK_MESSAGE = {
  id: 'Server tidak dapat dihubungi. Periksa koneksi internet lalu coba lagi.',
  en: 'The server cannot be reached. Check the internet connection and try again.',
};
const UNREADABLE_MESSAGE = {
  id: 'Jawaban server tidak dapat dibaca (HTTP {s}). Coba lagi.',
  en: 'The server answer could not be read (HTTP {s}). Try again.',
};

export interface RequestOptions {
  /** JSON body (sent as application/json). */
  json?: unknown;
  /** Raw text body with its content type (CSV, an instrument file as read from disk). */
  text?: { body: string; type: string };
  /** Binary body (e.g. a tablet's export file) with its content type. */
  bytes?: { body: Blob; type: string };
  query?: Record<string, string | undefined>;
  signal?: AbortSignal;
}

/**
 * Call the API; resolves with the parsed JSON (or undefined for 204), rejects with ApiError
 * carrying the server's own message in the UI language.
 *
 * @example
 *   const { periods } = await api<{ periods: Period[] }>('GET', '/api/periods');
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const lang = useLocale.getState().locale;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': lang,
  };
  const token = memoryToken ?? readToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Blob | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text) {
    headers['content-type'] = options.text.type;
    body = options.text.body;
  } else if (options.bytes) {
    headers['content-type'] = options.bytes.type;
    body = options.bytes.body;
  }
  let url = path;
  if (options.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query)) if (v) q.set(k, v);
    const s = q.toString();
    if (s) url += `?${s}`;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body,
      cache: 'no-store',
      credentials: 'omit',
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', NETWORK_MESSAGE[lang]);
  }
  if (res.status === 204) return undefined as T;
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    throw new ApiError(
      res.ok ? 0 : res.status,
      'bad_response',
      UNREADABLE_MESSAGE[lang].replace('{s}', String(res.status)),
    );
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
    const err = new ApiError(
      res.status,
      typeof p.code === 'string' ? p.code : `http_${res.status}`,
      typeof p.message === 'string' ? p.message : `HTTP ${res.status}`,
      p.details,
    );
    if (res.status === 401 && token) for (const l of unauthorisedListeners) l(err);
    throw err;
  }
  return parsed as T;
}
