import { describe, expect, it } from 'vitest';
import { fetchTransport, SyncHttpError } from '../../../src/sync';

describe('the tablet transport speaks the app language', () => {
  it('asks for server messages in the language on screen, read at every request', async () => {
    let locale = 'id';
    const seen: (string | null)[] = [];
    const transport = fetchTransport({
      token: () => 'tld_x',
      language: () => locale,
      fetch: async (_url, init) => {
        const lang = new Headers(init?.headers).get('accept-language');
        seen.push(lang);
        return new Response(
          JSON.stringify({
            code: 'not_assigned',
            message:
              lang === 'en'
                ? 'This unit is not assigned to you.'
                : 'Unit ini tidak ditugaskan kepada Anda.',
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        );
      },
    });
    const first = await transport.receipt('a-1').catch((e: unknown) => e);
    locale = 'en';
    const second = await transport.receipt('a-1').catch((e: unknown) => e);
    expect(seen).toEqual(['id', 'en']);
    expect(first).toBeInstanceOf(SyncHttpError);
    expect((first as SyncHttpError).message).toBe('Unit ini tidak ditugaskan kepada Anda.');
    expect((second as SyncHttpError).message).toBe('This unit is not assigned to you.');
  });
});
