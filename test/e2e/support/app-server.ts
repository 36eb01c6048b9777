import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp, prepareDatabase } from '../../../src/server/app';
import { resolveConfig } from '../../../src/server/config';
import { openDatabase } from '../../../src/server/db/connect';
import { seedDemo } from '../../../src/server/seed';
import { createServices, type Services } from '../../../src/server/services';

/**
 * The real server for e2e: SQLite in a temp dir, seeded with the Cilegon demo, serving the
 * built PWA (dist/) and /api from one process over real HTTP, as `npm start` does. With
 * `seed: false` the database starts empty and `prepare` makes what the test needs (a
 * Pemda's first coordinator, as `npm run admin` would).
 */
export async function startAppServer(
  options: { seed?: boolean; prepare?: (services: Services) => Promise<void> } = {},
): Promise<{
  url: string;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'telusur-e2e-'));
  const handle = openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') });
  await prepareDatabase(handle.db);
  const config = resolveConfig({
    version: 'e2e',
    // TELUSUR_E2E_DIST: a build of one's own, when others rebuild dist/ during a run.
    staticDir: process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist'),
    scrypt: { N: 1024, r: 8, p: 1 },
  });
  const services = createServices({ db: handle.db, clock: Date.now, config });
  // A test server: Vite's in-process build sets NODE_ENV=production, which must not stop it.
  if (options.seed !== false) await seedDemo(services, { nodeEnv: 'test' });
  await options.prepare?.(services);
  const app = createApp({
    db: handle.db,
    dialect: 'sqlite',
    config,
    blobDir: join(dataDir, 'blobs'),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
