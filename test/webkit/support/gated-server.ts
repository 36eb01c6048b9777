import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { startAppServer } from '../../e2e/support/app-server';

/**
 * The real server (seeded demo, built PWA, /api) behind a gate on a fixed port, so it can
 * go away and come back at the same origin: the tablet's service worker and IndexedDB
 * belong to that origin. Down, the port refuses every connection and the open ones are cut,
 * as when a tablet leaves the office network; the database stays, so what the tablet sends
 * after `up()` lands where the coordinator reads it.
 *
 * WebDriver has no offline switch (Chromium's e2e uses the DevTools one), so the WebKit
 * lane takes the server away instead.
 */
export async function startGatedServer(): Promise<{
  /** The gate's URL: the address the tablet knows. */
  url: string;
  /** The server itself, reachable while the gate is down (for the test's own checks). */
  directUrl: string;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}> {
  const app = await startAppServer();
  const target = new URL(app.url);
  const sockets = new Set<Socket>();
  const gate: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      gate.once('error', reject);
      gate.listen(port, '127.0.0.1', () => {
        gate.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = gate.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let open = true;

  const down = async () => {
    if (!open) return;
    open = false;
    const closed = new Promise<void>((resolve) => gate.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    directUrl: app.url,
    down,
    up: async () => {
      if (open) return;
      await listen(port);
      open = true;
    },
    close: async () => {
      await down();
      await app.close();
    },
  };
}
