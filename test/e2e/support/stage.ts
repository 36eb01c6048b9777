import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startAppServer } from './app-server';
import { launchBrowser } from './browser';

/** The real server and one Chromium for a suite, and the contexts (tablets, laptops) it opens. */
export interface AppStage {
  /** Base URL of the running server (after the suite's beforeAll). */
  readonly url: string;
  /** A fresh browser profile, closed with the suite. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Starts the seeded demo server and Chromium before the calling `describe`'s tests and closes
 * every context, the browser and the server after them. Call it at the top of a describe.
 */
export function appStage(): AppStage {
  let server: Awaited<ReturnType<typeof startAppServer>> | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });
  return {
    get url() {
      if (!server) throw new Error('appStage: the server is not started yet');
      return server.url;
    },
    async newContext(options) {
      if (!browser) throw new Error('appStage: the browser is not started yet');
      const c = await browser.newContext(options);
      contexts.push(c);
      return c;
    },
  };
}
