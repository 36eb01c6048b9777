import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { describe, expect, it } from 'vitest';
import { SyncHttpError, tusUploader } from '../../../src/sync';

/**
 * tus uploads never hang: tus-js-client has no timeout of its own, so the
 * uploader wraps its HTTP stack; a request without progress fails as a network failure,
 * while a slow upload that keeps moving is left alone.
 */

interface Script {
  /**
   * Behaviour of a request carrying bytes (the creating POST, which carries the first chunk,
   * or a PATCH): 'hang' never answers; a number sends progress that many times.
   */
  patch: 'hang' | number;
  tickMs?: number;
}

/** A tus 1.0 server in an HTTP stack: POST creates (with the first bytes), PATCH takes the body. */
function scriptedStack(script: Script, log: string[]): HttpStack {
  return {
    getName: () => 'scripted',
    createRequest(method: string, url: string): HttpRequest {
      const headers: Record<string, string> = {};
      let progress: ((n: number) => void) | null = null;
      const response = (status: number, h: Record<string, string>): HttpResponse => ({
        getStatus: () => status,
        getHeader: (k) => h[k.toLowerCase()],
        getBody: () => '',
        getUnderlyingObject: () => null,
      });
      return {
        getMethod: () => method,
        getURL: () => url,
        setHeader: (k, v) => {
          headers[k] = v;
        },
        getHeader: (k) => headers[k],
        setProgressHandler: (h) => {
          progress = h;
        },
        abort: async () => {
          log.push(`abort ${method}`);
        },
        getUnderlyingObject: () => null,
        send: (body: unknown) => {
          log.push(method);
          const created: Record<string, string> =
            method === 'POST' ? { location: `${url}upload-1` } : {};
          if (method === 'POST' && body == null) return Promise.resolve(response(201, created));
          if (method === 'HEAD')
            return Promise.resolve(
              response(200, { 'upload-offset': '0', 'upload-length': '2048' }),
            );
          if (script.patch === 'hang') return new Promise<HttpResponse>(() => undefined);
          const size = (body as { length?: number; size?: number })?.length ?? 0;
          const ticks = script.patch;
          return new Promise<HttpResponse>((resolve) => {
            let i = 0;
            const timer = setInterval(() => {
              i++;
              progress?.(Math.floor((size * i) / ticks));
              if (i === ticks) {
                clearInterval(timer);
                resolve(
                  response(method === 'POST' ? 201 : 204, {
                    ...created,
                    'upload-offset': String(size),
                  }),
                );
              }
            }, script.tickMs ?? 10);
          });
        },
      };
    },
  };
}

const file = () => {
  const bytes = new Uint8Array(2048).fill(7);
  return {
    sha256: 'a'.repeat(64),
    blob: new Blob([bytes], { type: 'image/jpeg' }),
    mime: 'image/jpeg',
  };
};

describe('tus uploads with a stall timeout', () => {
  it('fails a chunk the server never answers as a network failure (timeout), after the retries', async () => {
    const log: string[] = [];
    const upload = tusUploader({
      endpoint: 'http://tablet.test/api/files/',
      token: () => 't',
      retryDelays: [0],
      stallTimeoutMs: 40,
      httpStack: scriptedStack({ patch: 'hang' }, log),
      source: async (blob) => Buffer.from(await blob.arrayBuffer()),
    });
    const err = await upload(file()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncHttpError);
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
    // The creating POST carries the bytes (creation-with-upload); it stalled, so no upload
    // address came back: retried once (retryDelays [0]) as a new POST before giving up;
    // each stalled request was aborted.
    expect(log).toEqual(['POST', 'abort POST', 'POST', 'abort POST']);
  });

  it('leaves a slow upload alone while it keeps sending bytes', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const upload = tusUploader({
      endpoint: 'http://tablet.test/api/files/',
      token: () => 't',
      retryDelays: [],
      // Far longer than one progress step, far shorter than the whole request.
      stallTimeoutMs: 150,
      httpStack: scriptedStack({ patch: 30, tickMs: 10 }, log),
      source: async (blob) => Buffer.from(await blob.arrayBuffer()),
    });
    await upload(file(), (sent) => seen.push(sent));
    expect(log).toEqual(['POST']);
    expect(seen.at(-1)).toBe(2048);
  });
});
