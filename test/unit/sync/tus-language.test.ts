import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';
import { describe, expect, it } from 'vitest';
import { SyncHttpError, tusUploader } from '../../../src/sync';

/**
 * A refused evidence file is explained in the language on the tablet's screen: every tus
 * request asks for the app's language, whatever the browser's own Accept-Language says.
 */

/** A tus server that keeps each request's headers and refuses the upload in the asked language. */
function refusingStack(seen: Record<string, string>[]): HttpStack {
  return {
    getName: () => 'refusing',
    createRequest(method: string, url: string): HttpRequest {
      const headers: Record<string, string> = {};
      return {
        getMethod: () => method,
        getURL: () => url,
        setHeader: (k, v) => {
          headers[k.toLowerCase()] = v;
        },
        getHeader: (k) => headers[k.toLowerCase()],
        setProgressHandler: () => undefined,
        abort: async () => undefined,
        getUnderlyingObject: () => null,
        send: async (): Promise<HttpResponse> => {
          seen.push({ ...headers });
          const english = headers['accept-language'] === 'en';
          const body = JSON.stringify({
            code: 'upload_quota',
            message: english
              ? 'This tablet already has unfinished uploads.'
              : 'Tablet ini masih memiliki unggahan yang belum selesai.',
          });
          return {
            getStatus: () => 413,
            getHeader: () => undefined,
            getBody: () => body,
            getUnderlyingObject: () => null,
          };
        },
      };
    },
  };
}

const file = () => ({
  sha256: 'b'.repeat(64),
  blob: new Blob([new Uint8Array(512).fill(3)], { type: 'image/jpeg' }),
  mime: 'image/jpeg',
});

describe('tus uploads speak the app language', () => {
  it.each([
    ['id', 'Tablet ini masih memiliki unggahan yang belum selesai.'],
    ['en', 'This tablet already has unfinished uploads.'],
  ])('an app in %s gets the refusal in that language', async (lang, message) => {
    const seen: Record<string, string>[] = [];
    const upload = tusUploader({
      endpoint: 'http://tablet.test/api/files/',
      token: () => 't',
      language: () => lang,
      retryDelays: [],
      httpStack: refusingStack(seen),
      source: async (blob) => Buffer.from(await blob.arrayBuffer()),
    });
    const error = await upload(file()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncHttpError);
    expect((error as SyncHttpError).message).toBe(message);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h['accept-language'] === lang)).toBe(true);
  });
});
