import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store';
import { fetchTransport, SyncEngine, SyncHttpError, tusUploader } from '../../../src/sync';

/**
 * Nothing waits forever, over real sockets: a server that accepts the
 * connection and then says nothing is "offline" after the request timeout, for JSON
 * requests (fetch) and for tus uploads (tus-js-client's Node HTTP stack) alike.
 */

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** An HTTP server whose handler decides per request; unanswered requests stay open. */
async function stalled(handle: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handle);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A tablet store of its own on fake-indexeddb. */
const freshStore = () =>
  openStore({
    name: `timeouts-${Math.random().toString(36).slice(2, 8)}`,
    indexedDB,
    IDBKeyRange,
    witness: null,
    storageManager: null,
  });

const json = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('tablet requests against a stalled server', () => {
  it('a push the server never answers is offline after the timeout; the outbox is kept', async () => {
    const store = await freshStore();
    await store.verifications.update('0190a6f2-5c3e-7b1a-8f00-00000000abcd', 1, {
      verifiedLevel: 3,
    });
    const baseUrl = await stalled((req, res) => {
      if (req.url === '/api/health') return json(res, { ok: true });
      if (req.url === '/api/my/assignments')
        return json(res, { periods: [], frameworks: [], units: [], assignments: [] });
      if (req.url === '/api/devices/bundle-secret')
        return json(res, { deviceId: store.deviceId, bundleSecret: 'ab'.repeat(32) });
      // Everything else: read the request, never answer.
      req.resume();
    });
    const engine = new SyncEngine(
      store,
      fetchTransport({ baseUrl, token: () => 'token', timeoutMs: 300 }),
    );

    await expect(engine.sync()).rejects.toMatchObject({ status: 0, code: 'timeout' });

    expect(engine.getStatus()).toMatchObject({
      state: 'offline',
      lastError: { code: 'timeout', source: 'network' },
    });
    expect(await store.outbox.count()).toBe(1);
  });

  it('a health probe that is never answered is offline', async () => {
    const store = await freshStore();
    const baseUrl = await stalled(() => undefined);
    const engine = new SyncEngine(
      store,
      fetchTransport({ baseUrl, token: () => 'token', healthTimeoutMs: 300 }),
    );
    await expect(engine.sync()).rejects.toMatchObject({ status: 0 });
    expect(engine.getStatus().state).toBe('offline');
  });

  it('a tus chunk the server never acknowledges fails as a network timeout instead of hanging', async () => {
    let chunks = 0;
    const baseUrl = await stalled((req, res) => {
      if (req.method === 'HEAD') {
        res.writeHead(200, {
          'upload-offset': '0',
          'upload-length': '4096',
          'tus-resumable': '1.0.0',
        });
        return res.end();
      }
      // The creating POST carries the first chunk (creation-with-upload), as a PATCH would
      // later: neither is ever acknowledged.
      chunks++;
      req.resume();
    });
    const upload = tusUploader({
      endpoint: `${baseUrl}/api/files/`,
      token: () => 'token',
      retryDelays: [0],
      stallTimeoutMs: 300,
      source: async (blob) => Buffer.from(await blob.arrayBuffer()),
    });
    const err = await upload({
      sha256: 'b'.repeat(64),
      blob: new Blob([new Uint8Array(4096).fill(1)], { type: 'image/jpeg' }),
      mime: 'image/jpeg',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyncHttpError);
    expect(err).toMatchObject({ status: 0, code: 'timeout' });
    // The stalled chunk was tried again once (retryDelays [0]) before giving up.
    expect(chunks).toBe(2);
  });
});
