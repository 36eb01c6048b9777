import {
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  type PullResponse,
  PullResponseSchema,
  type PushRequest,
  type PushResponse,
  PushResponseSchema,
  type Receipt,
  ReceiptSchema,
} from '../core';

/** A problem answer from the server (`{code, message}`), or a network failure (status 0). */
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
  offlinePackage(): Promise<OfflinePackage>;
  push(req: PushRequest): Promise<PushResponse>;
  pull(cursor: number, limit?: number): Promise<PullResponse>;
  receipt(assessmentId: string): Promise<Receipt>;
  upload(
    file: { sha256: string; blob: Blob; mime: string },
    onProgress?: UploadProgress,
  ): Promise<void>;
}

/** Reference data a verifier's tablet needs offline (GET /api/my/assignments). */
export interface OfflinePackage {
  serverTime: number;
  protocol: number;
  periods: { id: string; name: string; frameworkId: string; [k: string]: unknown }[];
  frameworks: unknown[];
  units: { id: string; name: string; parentId?: string | null; [k: string]: unknown }[];
  assignments: {
    id: string;
    periodId: string;
    unitId: string;
    assessmentId: string;
    [k: string]: unknown;
  }[];
  assessments: { id: string; [k: string]: unknown }[];
}

export interface FetchTransportOptions {
  baseUrl?: string;
  token: () => string | null;
  fetch?: FetchLike;
  /** Uploads a file resumably; the app passes a tus-js-client based uploader. */
  uploader?: SyncTransport['upload'];
}

/** JSON over fetch with the device token and protocol version on every request. */
export function fetchTransport(options: FetchTransportOptions): SyncTransport {
  const base = options.baseUrl ?? '';
  const doFetch: FetchLike = options.fetch ?? ((i, init) => fetch(i, init));

  async function call<T>(path: string, init: RequestInit, parse: (v: unknown) => T): Promise<T> {
    const headers = new Headers(init.headers);
    headers.set(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
    headers.set('accept', 'application/json');
    const token = options.token();
    if (token) headers.set('authorization', `Bearer ${token}`);
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { ...init, headers, cache: 'no-store' });
    } catch (e) {
      throw new SyncHttpError(0, 'network', e instanceof Error ? e.message : String(e));
    }
    let body: unknown = null;
    try {
      body = await res.json();
    } catch {
      // A proxy's HTML error page or a cut connection: treated as a network failure.
      if (res.ok) throw new SyncHttpError(0, 'bad_response', 'Jawaban server tidak terbaca');
    }
    if (!res.ok) {
      const p = (body ?? {}) as { code?: string; message?: string };
      throw new SyncHttpError(
        res.status,
        p.code ?? `http_${res.status}`,
        p.message ?? `HTTP ${res.status}`,
      );
    }
    return parse(body);
  }

  return {
    async health() {
      try {
        const r = await call('/api/health', { method: 'GET' }, (v) => v as { ok?: boolean });
        return r.ok === true;
      } catch {
        return false;
      }
    },
    offlinePackage: () =>
      call('/api/my/assignments', { method: 'GET' }, (v) => v as OfflinePackage),
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
    pull: (cursor, limit = 500) =>
      call(`/api/sync/pull?cursor=${cursor}&limit=${limit}`, { method: 'GET' }, (v) =>
        PullResponseSchema.parse(v),
      ),
    receipt: (assessmentId) =>
      call(`/api/sync/receipt/${encodeURIComponent(assessmentId)}`, { method: 'GET' }, (v) =>
        ReceiptSchema.parse(v),
      ),
    upload:
      options.uploader ??
      (async () => {
        throw new SyncHttpError(0, 'no_uploader', 'Unggah berkas tidak tersedia');
      }),
  };
}
