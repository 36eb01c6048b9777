import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../core';
import { SyncHttpError, type SyncTransport } from './transport';

export interface TusUploaderOptions {
  /** The tus endpoint, e.g. `/api/files/`. */
  endpoint: string;
  token: () => string | null;
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
}

/**
 * Resumable evidence upload (tus protocol, tus-js-client, loaded on first use). The upload
 * is fingerprinted by the file's SHA-256, so after a dropped connection or an app restart
 * it resumes from the last byte the server acknowledged instead of starting over.
 */
export function tusUploader(options: TusUploaderOptions): SyncTransport['upload'] {
  return async (file, onProgress) => {
    const tus = await import('tus-js-client');
    const token = options.token();
    const input = (options.source ? await options.source(file.blob) : file.blob) as Blob;
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(input, {
        endpoint: options.endpoint,
        chunkSize: options.chunkSize ?? 512 * 1024,
        retryDelays: options.retryDelays ?? [0, 1000, 3000, 5000, 10_000],
        metadata: { sha256: file.sha256, filetype: file.mime },
        headers: {
          [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        fingerprint: async () => `telusur-file-${file.sha256}`,
        removeFingerprintOnSuccess: true,
        onProgress: (sent, total) => onProgress?.(sent, total),
        onSuccess: () => resolve(),
        onError: (err) => {
          const res = (
            err as { originalResponse?: { getStatus(): number; getBody(): string } | null }
          ).originalResponse;
          const status = res?.getStatus() ?? 0;
          let code = status ? `http_${status}` : 'network';
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
