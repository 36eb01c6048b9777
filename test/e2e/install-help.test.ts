import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { StorageScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { enrolmentCodeFor } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/** Upright, as most verifiers hold a tablet. */
const TABLET = { width: 800, height: 1280 };
/** iPadOS Safari introduces itself as a Mac; only its touch screen tells it apart. */
const IPAD_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';

const installButton = (page: Page, name = 'Pasang aplikasi') =>
  page.locator('header').getByRole('button', { name, exact: true });

/** Whether the install steps' dialog shows a text (the open <dialog> is the only one). */
const helpShows = (page: Page, text: string) =>
  page.getByTestId('install-help').getByText(text, { exact: false }).first().isVisible();

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('installing can be found on every tablet', () => {
  const stage = appStage();

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
  });

  async function tablet(options: { ipad?: boolean } = {}): Promise<BrowserContext> {
    const context = await stage.newContext({
      viewport: TABLET,
      locale: 'id-ID',
      ...(options.ipad ? { userAgent: IPAD_UA, hasTouch: true } : {}),
    });
    if (options.ipad)
      await context.addInitScript(() =>
        Object.defineProperty(Navigator.prototype, 'maxTouchPoints', { get: () => 5 }),
      );
    return context;
  }

  it('with no install prompt from the browser, "Pasang aplikasi" explains the steps and why, in both languages', async () => {
    // A fresh headless profile gets no beforeinstallprompt, like Safari on every iPad.
    const app = new VerifierApp(await (await tablet()).newPage(), stage.url);
    await app.open('/');
    const page = app.page;
    await installButton(page).click();
    const help = page.getByTestId('install-help');
    await help.waitFor();
    expect(await help.getByRole('heading', { level: 2 }).textContent()).toBe(
      'Pasang Telusur di tablet ini',
    );
    // A laptop's Chromium is neither tablet: it is shown both tablets' steps.
    expect(await helpShows(page, 'Ketuk Bagikan (ikon kotak dengan panah')).toBe(true);
    expect(await helpShows(page, 'Tambahkan ke Layar Utama')).toBe(true);
    expect(await helpShows(page, 'Instal aplikasi')).toBe(true);
    expect(await helpShows(page, 'tanpa internet selama berhari-hari')).toBe(true);
    expect(await helpShows(page, 'tersimpan di tablet ini')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'install-help-800x1280-id.png') });
    expect(await accessibilityProblems(page, ['dialog'])).toEqual([]);

    // "Mengerti" closes it; Escape does too.
    await help.getByRole('button', { name: 'Mengerti' }).click();
    await help.waitFor({ state: 'detached' });
    await installButton(page).click();
    await help.waitFor();
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    await page.locator('header').getByRole('button', { name: 'English' }).click();
    await installButton(page, 'Install app').click();
    await help.waitFor();
    expect(await help.getByRole('heading', { level: 2 }).textContent()).toBe(
      'Install Telusur on this tablet',
    );
    expect(await helpShows(page, 'Add to Home Screen')).toBe(true);
    expect(await helpShows(page, 'without internet for days')).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'install-help-800x1280-en.png') });
    expect(await accessibilityProblems(page, ['dialog'])).toEqual([]);
    await help.getByRole('button', { name: 'Got it' }).click();
    await help.waitFor({ state: 'detached' });
  });

  it('on an iPad, only the Safari steps', async () => {
    const app = new VerifierApp(await (await tablet({ ipad: true })).newPage(), stage.url);
    await app.open('/');
    await installButton(app.page).click();
    const help = app.page.getByTestId('install-help');
    await help.waitFor();
    expect(await helpShows(app.page, 'Tambahkan ke Layar Utama')).toBe(true);
    expect(await help.getByText('Android (Chrome / Edge)').count()).toBe(0);
    // "Open this address in Safari" shows the address to open.
    expect(
      await helpShows(app.page, `Buka alamat ini di Safari: ${new URL(stage.url).origin}`),
    ).toBe(true);
    await app.page.screenshot({ path: join(SHOTS, 'install-help-ipad-800x1280-id.png') });
  });

  it("with the browser's install prompt, the button opens that prompt", async () => {
    const context = await tablet();
    // What an installable Chromium sends: the app keeps it until the verifier asks.
    await context.addInitScript(() => {
      addEventListener('load', () => {
        const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
          prompt: () => {
            document.documentElement.dataset.installPrompted = 'yes';
            return Promise.resolve();
          },
          userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
        });
        dispatchEvent(offer);
      });
    });
    const app = new VerifierApp(await context.newPage(), stage.url);
    await app.open('/');
    await app.page.waitForLoadState('load');
    await installButton(app.page).click();
    await app.page.waitForFunction(
      () => document.documentElement.dataset.installPrompted === 'yes',
    );
    expect(await app.page.getByTestId('install-help').count()).toBe(0);
  });

  it('opened from the home screen, there is nothing to install', async () => {
    // Safari's flag for a web app started from the home screen.
    const fromIpadHome = await tablet({ ipad: true });
    await fromIpadHome.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true }),
    );
    // Chromium's installed window: display-mode standalone.
    const fromAndroidHome = await tablet();
    await fromAndroidHome.addInitScript(() => {
      const real = window.matchMedia.bind(window);
      const standalone = (media: string) =>
        ({
          media,
          matches: true,
          onchange: null,
          addEventListener() {},
          removeEventListener() {},
          addListener() {},
          removeListener() {},
          dispatchEvent: () => false,
        }) as MediaQueryList;
      window.matchMedia = (q: string) =>
        q.includes('display-mode: standalone') ? standalone(q) : real(q);
    });
    for (const context of [fromIpadHome, fromAndroidHome]) {
      const app = new VerifierApp(await context.newPage(), stage.url);
      await app.open('/');
      await app.page.locator('header').getByRole('button', { name: 'English' }).waitFor();
      expect(await installButton(app.page).count()).toBe(0);
    }
  });

  it('the message toast is closed with a button named in English on the English screen', {
    timeout: 120_000,
  }, async () => {
    const app = new VerifierApp(await (await tablet()).newPage(), stage.url);
    const sync = new TabletSync(app);
    const { code } = await enrolmentCodeFor(stage.url, 'verifikator2@cilegon.demo');
    await sync.enrol(code, 'Tablet Toast');
    await sync.syncNow();
    await app.page.locator('header').getByRole('button', { name: 'English' }).click();
    const storage = new StorageScreen(app);
    await storage.open();
    // Releasing the synced tablet says so in a toast.
    const { dialog } = await storage.startRelease();
    await dialog?.getByTestId('confirm-ok').click();
    const toast = app.page.locator('.toast');
    await toast.waitFor();
    expect(await toast.getByRole('button', { name: 'Tutup' }).count()).toBe(0);
    await toast.getByRole('button', { name: 'Close', exact: true }).click();
    await toast.waitFor({ state: 'detached' });
  });
});
