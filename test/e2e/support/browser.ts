import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** e2e needs Debian's Chromium; test/run.mjs sets TELUSUR_E2E=1 when it is installed. */
export const e2eEnabled = process.env.TELUSUR_E2E === '1';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/** A context whose IndexedDB and service worker survive closing it (a tablet's profile). */
export async function launchProfile(
  dir?: string,
): Promise<{ context: BrowserContext; dir: string; dispose(): void }> {
  const userDataDir = dir ?? mkdtempSync(join(tmpdir(), 'telusur-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1024, height: 768 },
    locale: 'id-ID',
  });
  return {
    context,
    dir: userDataDir,
    dispose: () => rmSync(userDataDir, { recursive: true, force: true }),
  };
}
