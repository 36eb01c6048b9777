import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAINING_ASSESSMENT_ID } from '../../src/app/training';
import { UpdateTab } from './page-models/app-update';
import { buildApp } from './support/app-builds';
import { e2eEnabled, launchBrowser } from './support/browser';
import { serveStatic } from './support/static-server';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const BA = `/latihan/a/${TRAINING_ASSESSMENT_ID}/berita-acara`;
const UNIT = 'Kelurahan Sukamaju (fiktif)';

// Two real production builds: the tablet installs the first, then the server is switched to
// the second — a new deployment — while the app is open.
describe.skipIf(!e2eEnabled)('app updates (real builds, real service worker)', () => {
  let v1: Awaited<ReturnType<typeof buildApp>>;
  let v2: Awaited<ReturnType<typeof buildApp>>;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    v1 = await buildApp('e2e-old');
    v2 = await buildApp('e2e-new');
    server = await serveStatic(v1.dir);
    browser = await launchBrowser();
    mkdirSync(SHOTS, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    v1?.dispose();
    v2?.dispose();
  });

  /** A tablet on its first day: a fresh profile that installs the old build. */
  async function freshTablet(): Promise<BrowserContext> {
    server.setRoot(v1.dir);
    const c = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
    contexts.push(c);
    return c;
  }

  it('on the first day, "Perbarui" loads the new version and the bar goes', async () => {
    const context = await freshTablet();
    const tab = new UpdateTab(await context.newPage(), server.url);
    await tab.open('/');
    await tab.waitForServiceWorker();
    expect(await tab.build()).toBe('e2e-old');

    server.setRoot(v2.dir);
    await tab.checkForUpdate();
    await tab.waitForUpdateOffer();
    expect(await tab.page.getByTestId('update-bar').textContent()).toMatch(
      /Versi baru Telusur tersedia\..*Perbarui/,
    );
    await tab.page.screenshot({ path: join(SHOTS, 'app-update-offer-1024.png') });

    await tab.pressUpdate();
    await tab.waitForBuild('e2e-new');
    expect(await tab.updateBarCount()).toBe(0);
    await tab.page.screenshot({ path: join(SHOTS, 'app-update-done-1024.png') });
  });

  it('waits for a drawn, unsaved signature in this tab and in another, naming the tab', async () => {
    const context = await freshTablet();
    const holder = new UpdateTab(await context.newPage(), server.url);
    await holder.open(BA);
    await holder.waitForServiceWorker();
    const other = new UpdateTab(await context.newPage(), server.url);
    await other.open('/');
    await holder.drawSignature('sig-verifier');
    await holder.mark();
    await other.mark();

    server.setRoot(v2.dir);
    await other.checkForUpdate();
    await other.waitForUpdateOffer();
    await holder.waitForUpdateOffer();

    // In the tab holding the signature: "Perbarui" refuses to reload over it.
    await holder.pressUpdate();
    expect(await holder.blockedMessage()).toMatch(/^Simpan dulu tanda tangan yang belum disimpan/);
    expect(await holder.stillSameDocument()).toBe(true);

    // In the other tab: the update waits, and says which tab holds what.
    await other.pressUpdate();
    expect(await other.blockedMessage()).toContain(
      `Tab lain masih menyimpan tanda tangan yang belum disimpan (Berita acara – ${UNIT}).`,
    );
    expect(await holder.waitedMessage()).toMatch(
      /menunggu tab ini: tanda tangan yang belum disimpan/,
    );
    await other.page.screenshot({ path: join(SHOTS, 'app-update-waits-other-1024.png') });
    await holder.page.screenshot({ path: join(SHOTS, 'app-update-waits-holder-1024.png') });
    expect(await holder.stillSameDocument()).toBe(true);
    expect(await other.stillSameDocument()).toBe(true);
    expect(await holder.signatureSaveEnabled('sig-verifier')).toBe(true);
    expect(await holder.build()).toBe('e2e-old');

    // Saved: nothing is held any more, the update goes on in both tabs.
    await holder.saveSignature('sig-verifier');
    await holder.waitForBuild('e2e-new');
    await other.waitForBuild('e2e-new');
    const saved = holder.page.getByTestId('sig-verifier-image');
    await saved.waitFor();
    expect(await holder.updateBarCount()).toBe(0);
    expect(await other.updateBarCount()).toBe(0);
    await saved.scrollIntoViewIfNeeded();
    await holder.page.screenshot({ path: join(SHOTS, 'app-update-after-save-1024.png') });
  });

  it('goes on when the user of the holding tab agrees to lose the drawing', async () => {
    const context = await freshTablet();
    // The holding tab upright (800×1280); the asking tab in English: each words it its way.
    const holderPage = await context.newPage();
    await holderPage.setViewportSize({ width: 800, height: 1280 });
    const holder = new UpdateTab(holderPage, server.url);
    await holder.open(BA);
    await holder.waitForServiceWorker();
    const otherPage = await context.newPage();
    await otherPage.addInitScript(() => localStorage.setItem('telusur.locale', 'en'));
    const other = new UpdateTab(otherPage, server.url);
    await other.open(`/latihan/a/${TRAINING_ASSESSMENT_ID}`);
    await holder.drawSignature('sig-representative');

    server.setRoot(v2.dir);
    await other.checkForUpdate();
    await other.waitForUpdateOffer();
    await other.pressUpdate();
    expect(await other.blockedMessage()).toContain(
      `Another tab still holds a signature not yet saved (Record of verification – ${UNIT}).`,
    );
    expect(await holder.waitedMessage()).toMatch(/tanda tangan yang belum disimpan/);
    await other.page.screenshot({ path: join(SHOTS, 'app-update-waits-other-en-1024.png') });
    await holder.page.screenshot({ path: join(SHOTS, 'app-update-waits-holder-800.png') });

    await holder.page.getByTestId('update-discard').click();
    await holder.waitForBuild('e2e-new');
    await other.waitForBuild('e2e-new');
    // Agreed: the drawing is gone, the pad is empty again.
    expect(await holder.signatureSaveEnabled('sig-representative')).toBe(false);
  });

  it('when the server refuses this version, the bar downloads the new one and loads it', async () => {
    const context = await freshTablet();
    // The server's API, as an updated server answers an outdated app: enrolment works, every
    // sync call is refused with "protocol_mismatch" (426) until the tablet runs the new build.
    let refuse = true;
    await context.route('**/api/**', async (route) => {
      const path = new URL(route.request().url()).pathname;
      if (path === '/api/health') return route.fulfill({ json: { ok: true } });
      if (path === '/api/devices/enrol')
        return route.fulfill({
          json: {
            token: 'uji-token',
            device: { id: randomUUID(), label: 'Tablet Uji' },
            verifier: { name: 'Verifikator Uji' },
          },
        });
      if (!refuse) return route.abort('connectionrefused');
      return route.fulfill({
        status: 426,
        json: {
          code: 'protocol_mismatch',
          message:
            'Versi aplikasi tidak cocok dengan server (aplikasi: 2, server: 3). Perbarui aplikasi: muat ulang halaman lalu pilih "Perbarui". Data di tablet tetap aman.',
        },
      });
    });
    const tab = new UpdateTab(await context.newPage(), server.url);
    await tab.open('/masuk');
    await tab.waitForServiceWorker();
    // Deployed meanwhile: new app files and a server that speaks a newer protocol.
    server.setRoot(v2.dir);
    await tab.page.locator('#enrol-code').fill('ABCD-EFGH');
    await tab.page.locator('#enrol-label').fill('Tablet Uji');
    await tab.page.getByTestId('enrol-submit').click();

    // No browser reload button in an installed app: the bar is the way out.
    await tab.page
      .getByTestId('update-bar')
      .filter({ hasText: 'Server tidak lagi menerima versi aplikasi ini' })
      .waitFor({ timeout: 30_000 });
    await tab.page.waitForFunction(
      () =>
        !(document.querySelector('[data-testid="update-reload"]') as HTMLButtonElement | null)
          ?.disabled,
      null,
      { timeout: 30_000 },
    );
    await tab.page.screenshot({ path: join(SHOTS, 'app-update-required-1024.png') });
    expect(await tab.build()).toBe('e2e-old');

    refuse = false;
    await tab.pressUpdate();
    await tab.waitForBuild('e2e-new');
    expect(await tab.updateBarCount()).toBe(0);
  });
});
