import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { createServer } from 'vite';
import type { HarnessState, StoreHarness } from '../harness/store-harness';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Vite serving the repo root, so test/e2e/harness/store.html runs the real src/store. */
export async function startHarnessServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'telusur-store-vite-'));
  const server = await createServer({
    configFile: false,
    root: ROOT,
    cacheDir,
    logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    // Pre-bundle the deps up front so no mid-test "optimized, reloading" happens.
    optimizeDeps: { noDiscovery: true, include: ['dexie', 'fflate', 'zod/mini'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await server.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

export async function openHarness(context: BrowserContext, origin: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${origin}/test/e2e/harness/store.html`);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, {
    timeout: 30_000,
  });
  if ((await page.evaluate(() => document.body.dataset.ready)) !== '1')
    throw new Error('harness failed to open the store');
  return page;
}

/** The harness API (window.storeHarness) driven from the test. */
export function harness(page: Page) {
  return {
    save: (no: number, notes: string) =>
      page.evaluate(
        ([n, t]) =>
          (globalThis as unknown as { storeHarness: StoreHarness }).storeHarness.save(n, t),
        [no, notes] as const,
      ),
    addPhoto: (no: number, seed: number, size: number) =>
      page.evaluate(
        ([n, s, z]) =>
          (globalThis as unknown as { storeHarness: StoreHarness }).storeHarness.addPhoto(n, s, z),
        [no, seed, size] as const,
      ),
    watchNotes: () =>
      page.evaluate(() =>
        (globalThis as unknown as { storeHarness: StoreHarness }).storeHarness.watchNotes(),
      ),
    /** Wait until this tab's live view shows `notes` for indicator `no` (throws after 10 s). */
    seesNotes: (no: number, notes: string) =>
      page.waitForFunction(
        ([n, t]) =>
          (globalThis as unknown as { storeHarness: StoreHarness }).storeHarness.watched().notes[
            n
          ] === t,
        [no, notes] as const,
        { timeout: 10_000 },
      ),
    state: (): Promise<HarnessState> =>
      page.evaluate(() =>
        (globalThis as unknown as { storeHarness: StoreHarness }).storeHarness.state(),
      ),
  };
}
