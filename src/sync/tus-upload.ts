import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../core';
import { SyncHttpError, type SyncTransport } from './transport';

export interface TusUploaderOptions {
  /** The tus endpoint, e.g. `/api/files/`. */
  endpoint: string;
  token: () => string | null;
  /**
   * The app's language (`id` / `en`), sent as Accept-Language with every tus request, so a
   * refused file is explained in the language on screen, not the browser's.
   */
  language?: () => string;
  /** Bytes per PATCH; smaller chunks lose less on a flaky link. */
  chunkSize?: number;
  /** Waits (ms) between automatic retries of a failed request. */
  retryDelays?: number[];
  /**
   * What tus-js-client reads the file from. Default: the Blob itself (browser build).
   * tus-js-client's Node build reads only Buffers and streams, so tests and tools pass
   * `async (blob) => Buffer.from(await blob.arrayBuffer())`.
   */
  source?: (blob: Blob) => Promise<unknown>;
  /**
   * A request that makes no progress (no bytes sent, no answer) for this long (ms) fails as
   * a network failure, which tus-js-client then retries by `retryDelays`; after the last
   * retry the upload fails with status 0 (offline). Default 30 000. tus-js-client has no
   * timeout of its own, so without this a dead connection would stall the sync forever.
   */
  stallTimeoutMs?: number;
  /** HTTP stack to wrap (tests). Default: tus-js-client's own for the platform. */
  httpStack?: HttpStack;
}

/** Default stall timeout (ms) of tus requests. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/**
 * Resumable evidence upload (tus protocol, tus-js-client, loaded on first use). The upload
 * is fingerprinted by the file's SHA-256, so after a dropped connection or an app restart
 * it resumes from the last byte the server acknowledged instead of starting over. The
 * creating POST carries the first chunk (tus creation-with-upload): a file within one chunk
 * takes one request; a POST cut before its answer is sent again whole (the client learns
 * the upload's address only from that answer).
 */
export function tusUploader(options: TusUploaderOptions): SyncTransport['upload'] {
  return async (file, onProgress) => {
    const tus = await import('tus-js-client');
    const token = options.token();
    const language = options.language?.();
    const httpStack = new StallGuardStack(
      options.httpStack ?? tus.defaultOptions.httpStack,
      options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    );
    const input = (options.source ? await options.source(file.blob) : file.blob) as Blob;
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(input, {
        endpoint: options.endpoint,
        chunkSize: options.chunkSize ?? 512 * 1024,
        // creation-with-upload: the POST that creates the upload carries the first chunk, so
        // a photo within one chunk goes up in a single request (one round trip, not two).
        uploadDataDuringCreation: true,
        retryDelays: options.retryDelays ?? [0, 1000, 3000, 5000, 10_000],
        metadata: { sha256: file.sha256, filetype: file.mime },
        headers: {
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(language ? { 'accept-language': language } : {}),
        },
        fingerprint: async () => `telusur-file-${file.sha256}`,
        httpStack,
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => onProgress?.(sent, total),
        onSuccess: () => resolve(),
        onError: (err) => {
          const res = (
            err as { originalResponse?: { getStatus(): number; getBody(): string } | null }
          ).originalResponse;
          const status = res?.getStatus() ?? 0;
          const cause = (err as { causingError?: unknown }).causingError;
          let code = status
            ? `http_${status}`
            : cause instanceof StallError
              ? 'timeout'
              : 'network';
          let message = err.message;
          try {
            const body = JSON.parse(res?.getBody() ?? '') as { code?: string; message?: string };
            code = body.code ?? code;
            message = body.message ?? message;
          } catch {
            // Not a problem JSON (network failure or proxy page): keep the client's message.
          }
          reject(new SyncHttpError(status, code, message));
        },
      });
      void upload.findPreviousUploads().then(
        (previous) => {
          const last = previous[0];
          if (last) upload.resumeFromPreviousUpload(last);
          upload.start();
        },
        () => upload.start(),
      );
    });
  };
}

/** Thrown by a tus request that stalled; tus-js-client treats it as a network failure. */
export class StallError extends Error {
  constructor(ms: number) {
    super(`Unggahan berhenti: tidak ada kemajuan dalam ${Math.round(ms / 1000)} detik`);
    this.name = 'StallError';
  }
}

/**
 * Wraps a tus-js-client HTTP stack so every request fails after `stallMs` without progress
 * (bytes going out or the answer coming back). Each progress event restarts the wait, so a
 * slow but moving upload of a large chunk is never cut, while a silent dead connection is.
 */
export class StallGuardStack implements HttpStack {
  constructor(
    private readonly inner: HttpStack,
    private readonly stallMs: number,
  ) {}

  createRequest(method: string, url: string): HttpRequest {
    return new StallGuardRequest(this.inner.createRequest(method, url), this.stallMs);
  }

  getName(): string {
    return `StallGuard(${this.inner.getName()})`;
  }
}

class StallGuardRequest implements HttpRequest {
  private onProgress: ((bytesSent: number) => void) | null = null;

  constructor(
    private readonly inner: HttpRequest,
    private readonly stallMs: number,
  ) {}

  getMethod(): string {
    return this.inner.getMethod();
  }
  getURL(): string {
    return this.inner.getURL();
  }
  setHeader(header: string, value: string): void {
    this.inner.setHeader(header, value);
  }
  getHeader(header: string): string | undefined {
    return this.inner.getHeader(header);
  }
  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.onProgress = handler;
  }
  abort(): Promise<void> {
    return this.inner.abort();
  }
  getUnderlyingObject(): unknown {
    return this.inner.getUnderlyingObject();
  }

  send(body?: unknown): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let done = false;
      const finish = () => {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
      };
      const arm = () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(() => {
          if (done) return;
          finish();
          // The inner promise may never settle after an abort (XHR fires onabort, not
          // onerror); this promise has already failed, so its outcome no longer matters.
          this.inner.abort().catch(() => undefined);
          reject(new StallError(this.stallMs));
        }, this.stallMs);
      };
      this.inner.setProgressHandler((sent) => {
        if (done) return;
        arm();
        this.onProgress?.(sent);
      });
      arm();
      this.inner.send(body).then(
        (res) => {
          if (done) return;
          finish();
          resolve(res);
        },
        (err: unknown) => {
          if (done) return;
          finish();
          reject(err);
        },
      );
    });
  }
}
