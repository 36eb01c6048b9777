import {
  type BundleSecret,
  type DeviceIdentity,
  DeviceIdentitySchema,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  type PullResponse,
  PullResponseSchema,
  type PushRequest,
  type PushResponse,
  PushResponseSchema,
  type Receipt,
  ReceiptSchema,
  SERVER_TIME_HEADER,
  type OfflinePackage as ServerPackage,
} from '../core';
import type { Assignment, Period, Unit } from '../store';

/**
 * A problem answer from the server (`{code, message}`), or a network failure (status 0:
 * no connection, a cut answer, or a request that took longer than its timeout — code
 * `timeout`).
 */
export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
  /** Worth retrying later (network, server busy); a 4xx problem other than 408/429 is not. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/** What the sync engine needs from the network; the fetch implementation is below. */
export interface SyncTransport {
  health(): Promise<boolean>;
  /**
   * GET /api/my/assignments. With `etag` (the ETag of the package the tablet holds) it is a
   * conditional GET: when nothing changed the answer is `{ notModified: true }`, no body.
   */
  offlinePackage(etag?: string): Promise<OfflinePackage | PackageNotModified>;
  push(req: PushRequest): Promise<PushResponse>;
  /**
   * GET /api/sync/pull: a page of changes after `cursor`, plus the current fields of the
   * `refetch` records (ids the tablet dropped its own values of and asks for again).
   */
  pull(
    cursor: number,
    limit?: number,
    refetch?: readonly string[],
    /** Highest change-log seq the page may reach (re-basing reads up to a restore point). */
    upTo?: number,
  ): Promise<PullResponse>;
  receipt(assessmentId: string): Promise<Receipt>;
  upload(
    file: { sha256: string; blob: Blob; mime: string },
    onProgress?: UploadProgress,
  ): Promise<void>;
  /**
   * POST /api/devices/rotate with the current token: a fresh device identity for the same enrolment
   * (its seqs collided with another copy's). The old identity stays valid on the server.
   */
  rotate(): Promise<DeviceIdentity>;
  /** POST /api/devices/bundle-secret: the export signing key of the current identity. */
  bundleSecret(): Promise<BundleSecret>;
  /** POST /api/devices/release ("Lepas tablet"): the server stops accepting this tablet's token. */
  release(): Promise<void>;
  /**
   * GET /api/organisation/logo: the organisation's logo as bytes, for the letterhead of the
   * berita acara printed offline. Optional: without it the print carries the name alone.
   */
  organisationLogo?(): Promise<Uint8Array>;
  /**
   * GET /api/actions/:id/files/:sha256: one evidence file of an improvement action the
   * tablet holds (the server allows it while the action's unit is assigned to this
   * verifier), as bytes. Optional: a transport without it cannot open action files.
   */
  actionFile?(actionId: string, sha256: string): Promise<Uint8Array>;
}

/**
 * What the tablet reads of its offline package (GET /api/my/assignments, core
 * OfflinePackage). The answer is not parsed here, so this asks only for what the tablet
 * uses: reference rows as the store keeps them (see Period, Unit, Assignment in store/types),
 * and the instruments unchecked (each goes through parseFramework before it is stored).
 */
export type OfflinePackage = Pick<ServerPackage, 'serverTime' | 'protocol' | 'incarnation'> & {
  /** The answer's ETag (absent from a server older than conditional GET). */
  etag?: string;
  /** The organisation and its zone; absent from a server older than this app. */
  organisation?: ServerPackage['organisation'];
  periods: Period[];
  frameworks: unknown[];
  units: Unit[];
  assignments: (Assignment & Pick<ServerPackage['assignments'][number], 'assessmentId'>)[];
  assessments: { id: string; [k: string]: unknown }[];
  /**
   * Improvement actions on (or owned by) this verifier's units; absent from a server older
   * than this app. Unchecked: each goes through core TabletActionSchema before it is stored.
   */
  actions?: unknown[];
};

/** The package the tablet holds is the server's current one (304 Not Modified). */
export interface PackageNotModified {
  notModified: true;
  /** The server's clock at the answer (ms), when it said. */
  serverTime?: number;
}

export interface FetchTransportOptions {
  baseUrl?: string;
  /** The current device token; read at every request (it changes when the identity rotates). */
  token: () => string | null;
  fetch?: FetchLike;
  /** Uploads a file resumably; the app passes a tus-js-client based uploader. */
  uploader?: SyncTransport['upload'];
  /**
   * Longest wait (ms) for one request, answer body included. Default 30 000. A request that
   * takes longer fails as a network failure (status 0, code `timeout`): a stalled server is
   * "offline", never a hang.
   */
  timeoutMs?: number;
  /** Longest wait (ms) for the connectivity probe (`/api/health`). Default 8 000. */
  healthTimeoutMs?: number;
  /**
   * The app's language (`id` / `en`), read at every request and sent as Accept-Language, so
   * the server's messages come in the language on screen, not the browser's.
   */
  language?: () => string;
}

/** Default request timeout (ms) of fetchTransport. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default timeout (ms) of the connectivity probe. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 8_000;

/**
 * JSON over fetch with the device token and protocol version on every request; every
 * request is bounded by a timeout (see FetchTransportOptions).
 */
export function fetchTransport(options: FetchTransportOptions): SyncTransport {
  const base = options.baseUrl ?? '';
  const doFetch: FetchLike = options.fetch ?? ((i, init) => fetch(i, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;

  async function call<T>(
    path: string,
    init: RequestInit,
    parse: (v: unknown) => T,
    limitMs = timeoutMs,
    /** `bytes`: a successful answer's body is handed to `parse` as a Uint8Array, not JSON. */
    bodyAs: 'json' | 'bytes' = 'json',
    /** Sees the answer's headers and status before its body is read (ETag, 304). */
    onHead?: (res: Response) => void,
  ): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    headers.set('accept', 'application/json');
    const language = options.language?.();
    if (language) headers.set('accept-language', language);
    const token = options.token();
    if (token) headers.set('authorization', `Bearer ${token}`);
    const signal = AbortSignal.timeout(limitMs);
    // The signal aborts fetch and its body stream; the race also ends the wait when a fetch
    // implementation ignores the signal, so no request can hold a sync forever.
    const expired = new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(timeoutError(limitMs)), { once: true });
    });
    expired.catch(() => undefined);
    let res: Response;
    try {
      res = await Promise.race([
        doFetch(`${base}${path}`, { ...init, headers, cache: 'no-store', signal }),
        expired,
      ]);
    } catch (e) {
      if (signal.aborted) throw timeoutError(limitMs);
      throw new SyncHttpError(0, 'network', e instanceof Error ? e.message : String(e));
    }
    onHead?.(res);
    let body: unknown = null;
    if (res.status === 304) return parse(null);
    if (res.status !== 204) {
      try {
        body = await Promise.race([
          bodyAs === 'bytes' && res.ok
            ? res.arrayBuffer().then((b) => new Uint8Array(b))
            : res.json(),
          expired,
        ]);
      } catch {
        if (signal.aborted) throw timeoutError(limitMs);
        // A proxy's HTML error page or a cut connection: treated as a network failure.
        if (res.ok) throw new SyncHttpError(0, 'bad_response', 'Jawaban server tidak terbaca');
      }
    }
    if (!res.ok) {
      const p = (body ?? {}) as { code?: string; message?: string };
      throw new SyncHttpError(
        res.status,
        p.code ?? `http_${res.status}`,
        p.message ?? `HTTP ${res.status}`,
      );
    }
    try {
      return parse(body);
    } catch (e) {
      if (e instanceof SyncHttpError) throw e;
      // JSON of the wrong shape: a server speaking another protocol, not a network failure.
      throw new SyncHttpError(502, 'bad_response', 'Jawaban server tidak sesuai protokol');
    }
  }

  return {
    async health() {
      try {
        const r = await call(
          '/api/health',
          { method: 'GET' },
          (v) => v as { ok?: boolean },
          healthTimeoutMs,
        );
        return r.ok === true;
      } catch {
        return false;
      }
    },
    offlinePackage: (etag) => {
      let head: Response | null = null;
      return call(
        '/api/my/assignments',
        { method: 'GET', ...(etag ? { headers: { 'if-none-match': etag } } : {}) },
        (v): OfflinePackage | PackageNotModified => {
          const tag = head?.headers.get('etag') ?? undefined;
          if (head?.status === 304) {
            const at = Number(head.headers.get(SERVER_TIME_HEADER));
            return {
              notModified: true,
              ...(Number.isFinite(at) && at > 0 ? { serverTime: at } : {}),
            };
          }
          const pkg = v as OfflinePackage;
          return tag ? { ...pkg, etag: tag } : pkg;
        },
        timeoutMs,
        'json',
        (res) => {
          head = res;
        },
      );
    },
    push: (req) =>
      call(
        '/api/sync/push',
        {
          method: 'POST',
          body: JSON.stringify(req),
          headers: { 'content-type': 'application/json' },
        },
        (v) => PushResponseSchema.parse(v),
      ),
    pull: (cursor, limit = 500, refetch = [], upTo) => {
      const again = refetch.length > 0 ? `&refetch=${encodeURIComponent(refetch.join(','))}` : '';
      const bound = upTo === undefined ? '' : `&upTo=${upTo}`;
      return call(
        `/api/sync/pull?cursor=${cursor}&limit=${limit}${again}${bound}`,
        { method: 'GET' },
        (v) => PullResponseSchema.parse(v),
      );
    },
    receipt: (assessmentId) =>
      call(`/api/sync/receipt/${encodeURIComponent(assessmentId)}`, { method: 'GET' }, (v) =>
        ReceiptSchema.parse(v),
      ),
    rotate: () =>
      call('/api/devices/rotate', { method: 'POST' }, (v) => DeviceIdentitySchema.parse(v)),
    bundleSecret: () =>
      call('/api/devices/bundle-secret', { method: 'POST' }, (v) => {
        const r = (v ?? {}) as { deviceId?: unknown; bundleSecret?: unknown };
        if (
          typeof r.deviceId !== 'string' ||
          typeof r.bundleSecret !== 'string' ||
          !/^[0-9a-f]{64}$/.test(r.bundleSecret)
        )
          throw new SyncHttpError(0, 'bad_response', 'Jawaban server tidak terbaca');
        return { deviceId: r.deviceId, bundleSecret: r.bundleSecret };
      }),
    release: () => call('/api/devices/release', { method: 'POST' }, () => undefined),
    organisationLogo: () =>
      call('/api/organisation/logo', { method: 'GET' }, (v) => v as Uint8Array, timeoutMs, 'bytes'),
    actionFile: (actionId, sha256) =>
      call(
        `/api/actions/${encodeURIComponent(actionId)}/files/${encodeURIComponent(sha256)}`,
        { method: 'GET' },
        (v) => v as Uint8Array,
        timeoutMs,
        'bytes',
      ),
    upload:
      options.uploader ??
      (async () => {
        throw new SyncHttpError(0, 'no_uploader', 'Unggah berkas tidak tersedia');
      }),
  };
}

function timeoutError(ms: number): SyncHttpError {
  return new SyncHttpError(
    0,
    'timeout',
    `Server tidak menjawab dalam ${Math.round(ms / 1000)} detik`,
  );
}
