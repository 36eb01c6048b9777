import type { BodyOf, EndpointKey, ParamsOf, QueryOf, ResponseOf, UploadOf } from '../core/api';
import { endpointPath } from '../core/api/endpoint-path';
import { useLocale } from '../ui/i18n';

/**
 * The coordinator pages' HTTP client, typed per endpoint by the API contract in src/core/api
 * (imported as types only; at runtime only its zod-free path filling). Online only: no
 * caching, no outbox. The session
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

/**
 * A failed request: a server problem `{code, message, details}` or a network failure (status
 * 0). `requestId`: for a server-side failure (5xx), the id the server logged it under (body
 * `requestId`, else the X-Request-Id header), for the user to quote to IT.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
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

/** The request id of a server-side failure (5xx): the body's, else the response header's. */
function serverFailureId(res: Response, fromBody: unknown): string | undefined {
  if (res.status < 500) return undefined;
  if (typeof fromBody === 'string' && fromBody) return fromBody;
  return res.headers.get('x-request-id') ?? undefined;
}

/** Raw bodies: text with its type (an instrument file as read), or bytes (CSV, export files). */
interface UploadOptions {
  /** Raw text body with its content type (an instrument file as read from disk). */
  text?: { body: string; type: string };
  /** Binary body (a CSV file as saved, a tablet's export file) with its content type. */
  bytes?: { body: Blob; type: string };
}

/**
 * What a call of endpoint K takes: its path parameters (required when the path has any), its
 * JSON body (required when it takes one), its query parameters as text, or a raw upload.
 */
export type CallOptions<K extends EndpointKey> = (keyof ParamsOf<K> extends never
  ? { params?: undefined }
  : { params: ParamsOf<K> }) &
  ([BodyOf<K>] extends [never] ? { json?: undefined } : { json: BodyOf<K> }) &
  ([QueryOf<K>] extends [never] ? { query?: undefined } : { query?: QueryOf<K> }) &
  ([UploadOf<K>] extends [never] ? { text?: undefined; bytes?: undefined } : UploadOptions) & {
    signal?: AbortSignal;
  };

/** The options argument: optional when nothing in it is required. */
type CallArgs<K extends EndpointKey> =
  Record<string, never> extends CallOptions<K>
    ? [options?: CallOptions<K>]
    : [options: CallOptions<K>];

/**
 * The URL of an endpoint with its path parameters and query (empty values left out).
 *
 * @example apiPath('GET /api/files/by-hash/:sha256', { sha256 }, { record }) // '/api/files/by-hash/…?record=…'
 */
export function apiPath<K extends EndpointKey>(
  endpoint: K,
  params: ParamsOf<K>,
  query?: [QueryOf<K>] extends [never] ? undefined : QueryOf<K>,
): string {
  const url = endpointPath(endpoint, params);
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (typeof v === 'string' && v) q.set(k, v);
  const s = q.toString();
  return s ? `${url}?${s}` : url;
}

/**
 * Call an endpoint of the API contract (src/core/api/endpoints.ts) by its key; resolves with
 * its answer as the contract types it (undefined for 204), rejects with ApiError carrying
 * the server's own message in the UI language.
 *
 * @example
 *   const { periods } = await api('GET /api/periods');
 *   const period = await api('PATCH /api/periods/:id', { params: { id }, json: { status: 'active' } });
 */
export async function api<K extends EndpointKey>(
  endpoint: K,
  ...[options]: CallArgs<K>
): Promise<ResponseOf<K>> {
  const o = (options ?? {}) as {
    params?: Record<string, string>;
    json?: unknown;
    query?: Record<string, string | undefined>;
    signal?: AbortSignal;
  } & UploadOptions;
  const method = endpoint.slice(0, endpoint.indexOf(' '));
  const lang = useLocale.getState().locale;
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': lang,
  };
  const token = memoryToken ?? readToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | Blob | undefined;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.text) {
    headers['content-type'] = o.text.type;
    body = o.text.body;
  } else if (o.bytes) {
    headers['content-type'] = o.bytes.type;
    body = o.bytes.body;
  }
  const url = apiPath<K>(
    endpoint,
    (o.params ?? {}) as ParamsOf<K>,
    o.query as Parameters<typeof apiPath<K>>[2],
  );
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body,
      cache: 'no-store',
      credentials: 'omit',
      signal: o.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', NETWORK_MESSAGE[lang]);
  }
  if (res.status === 204) return undefined as ResponseOf<K>;
  let parsed: unknown;
  try {
    parsed = await res.json();
  } catch {
    throw new ApiError(
      res.ok ? 0 : res.status,
      'bad_response',
      UNREADABLE_MESSAGE[lang].replace('{s}', String(res.status)),
      undefined,
      serverFailureId(res, null),
    );
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as {
      code?: unknown;
      message?: unknown;
      details?: unknown;
      requestId?: unknown;
    };
    const err = new ApiError(
      res.status,
      typeof p.code === 'string' ? p.code : `http_${res.status}`,
      typeof p.message === 'string' ? p.message : `HTTP ${res.status}`,
      p.details,
      serverFailureId(res, p.requestId),
    );
    if (res.status === 401 && token) for (const l of unauthorisedListeners) l(err);
    throw err;
  }
  // Typed by the contract, not checked here: the contract test parses every real answer.
  return parsed as ResponseOf<K>;
}
