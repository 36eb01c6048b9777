import { mkdirSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { createConnection, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerifierApp } from './page-models/verifier-app';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/** Upright, as most verifiers hold a tablet. */
const TABLET = { width: 800, height: 1280 };

/** The machine's own LAN address: what a tablet types when Telusur runs on plain HTTP. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/**
 * A TCP relay on the LAN address to the stage server (which listens on 127.0.0.1 only): the
 * browser sees the same app at http://<LAN address>, an origin it does not trust.
 */
async function lanRelay(host: string, target: URL): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const relay = createServer((inbound) => {
    const outbound = createConnection(Number(target.port), target.hostname);
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const close = () => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.on('error', close);
    outbound.on('error', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, host, resolve));
  return {
    url: `http://${host}:${(relay.address() as AddressInfo).port}`,
    // The browser keeps its connections alive: end them, or closing would wait for them.
    close() {
      relay.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** The /api calls the page makes (sync, enrolment, the clock check). */
function watchApi(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const { pathname } = new URL(r.url());
    if (pathname.startsWith('/api/')) seen.push(pathname);
  });
  return seen;
}

/** Whether a service worker is registered for the page's origin. */
const registered = (page: Page): Promise<boolean> =>
  page.evaluate(async () => (await navigator.serviceWorker?.getRegistration()) !== undefined);

// e2e runs only where Chromium is installed; without a non-loopback IPv4 address there is no
// insecure origin to open (every loopback address counts as secure).
describe.skipIf(!e2eEnabled || !lanAddress)('a tablet on a plain-HTTP LAN address', () => {
  const stage = appStage();
  let relay: Awaited<ReturnType<typeof lanRelay>> | undefined;
  let lanUrl = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    relay = await lanRelay(lanAddress as string, new URL(stage.url));
    lanUrl = relay.url;
  });
  afterAll(() => relay?.close());

  const tablet = (): Promise<BrowserContext> =>
    stage.newContext({ viewport: TABLET, locale: 'id-ID' });

  it('gets a notice in Indonesian (and English) instead of the app, and no service worker or sync', async () => {
    const context = await tablet();
    const page = await context.newPage();
    const api = watchApi(page);
    await page.goto(`${lanUrl}/`);
    const notice = page.getByTestId('insecure-notice');
    await notice.waitFor();
    expect(await page.evaluate(() => window.isSecureContext)).toBe(false);

    expect(await notice.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Telusur harus dibuka lewat HTTPS',
    );
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(`Alamat ini (${lanUrl}) memakai HTTP biasa`);
    expect(text).toContain('Minta tim TI Pemda memasang Telusur di belakang HTTPS');
    expect(text).toContain('Jangan mengisi data penilaian di sini');
    // The way out: the same host over HTTPS, as a link.
    expect(await notice.getByRole('link').getAttribute('href')).toBe(`https://${lanAddress}/`);
    // None of the app's screens or its navigation is offered.
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByText('Mode latihan').count()).toBe(0);
    // The notice spans the page's width (no side-scrolling on the tablet).
    const box = await notice.boundingBox();
    expect(box?.width).toBeGreaterThan(TABLET.width * 0.9);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      TABLET.width,
    );
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'insecure-origin-id.png'), fullPage: true });

    await page.getByRole('button', { name: 'English' }).click();
    // English texts are a chunk of their own (not in the first load): the page switches
    // once it has arrived.
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await notice.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Telusur must be opened over HTTPS',
    );
    expect(await notice.textContent()).toContain('Do not enter assessment data here');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.screenshot({ path: join(SHOTS, 'insecure-origin-en.png'), fullPage: true });

    // Nothing registered a service worker or talked to the server's API.
    await page.waitForLoadState('networkidle');
    expect(await registered(page)).toBe(false);
    expect(context.serviceWorkers()).toEqual([]);
    expect(api).toEqual([]);
  });

  it('on localhost and 127.0.0.1 the app itself starts and installs its service worker', async () => {
    const port = new URL(stage.url).port;
    for (const base of [stage.url, `http://localhost:${port}`]) {
      const context = await tablet();
      const app = new VerifierApp(await context.newPage(), base);
      await app.open('/');
      expect(await app.page.evaluate(() => window.isSecureContext)).toBe(true);
      await app.waitForServiceWorker();
      expect(await app.page.getByTestId('insecure-notice').count()).toBe(0);
      expect(await app.page.getByRole('navigation').getByRole('link').count()).toBeGreaterThan(0);
      expect(await registered(app.page)).toBe(true);
    }
  });
});
