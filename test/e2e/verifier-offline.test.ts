import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingSelfLevels } from '../../src/app/training';
import { computeIndex, formatIndex, spbe2020 } from '../../src/core';
import { BeritaAcaraScreen, VerifierApp } from './page-models/verifier-app';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser, launchProfile } from './support/browser';
import { serveStatic } from './support/static-server';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** A real JPEG of a "document", made by the browser itself. */
async function documentPhoto(
  page: Page,
  label: string,
  width = 1600,
  height = 1200,
): Promise<Buffer> {
  const shot = await page.context().newPage();
  await shot.setViewportSize({ width, height });
  await shot.setContent(
    `<body style="margin:0;background:#fdfcf7;font:48px serif"><h1 style="margin:80px">SURAT KEPUTUSAN</h1><p style="margin:80px">${label}</p>${'<p style="margin:20px 80px;font-size:20px">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>'.repeat(20)}</body>`,
  );
  const bytes = await shot.screenshot({ type: 'jpeg', quality: 95 });
  await shot.close();
  return bytes;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('verifier PWA offline (real Chromium, real service worker)', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  let context: BrowserContext;
  let app: VerifierApp;

  beforeAll(async () => {
    server = await serveStatic(process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist'));
    profile = await launchProfile();
    context = profile.context;
    app = new VerifierApp(context.pages()[0] ?? (await context.newPage()), server.url);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await context?.close();
    profile?.dispose();
    await server?.close();
  });

  it('opens offline after the first visit and keeps a full training verification across offline reloads', async () => {
    await app.open('/');
    await app.waitForServiceWorker();
    await context.setOffline(true);
    await app.reload();
    expect(await app.connectivityLabel()).toMatch(/Luring/);

    await app.openTraining();
    const entered: Record<number, number> = { 1: 3, 2: 2, 3: 4 };
    let screen = await app.openIndicator(1);
    for (const no of [1, 2, 3]) {
      await screen.setVerifiedLevel(entered[no] as number);
      await screen.checkEvidence(1, 0, 'present');
      await screen.addPhoto(
        `dokumen-${no}.jpg`,
        await documentPhoto(app.page, `Bukti indikator ${no}`),
      );
      await screen.writeNotes(`Catatan verifikasi indikator ${no}: dokumen diperiksa.`);
      if (no < 3) screen = await screen.next();
    }

    await app.openTab(/Berita acara/);
    const ba = new BeritaAcaraScreen(app.page);
    await ba.fill('ba-place', 'Aula Kelurahan Sukamaju');
    await ba.fill('ba-verifier-name', 'Siti Verifikator');
    await ba.fill('ba-verifier-role', 'Verifikator Diskominfo');
    await ba.fill('ba-rep-name', 'Budi Lurah');
    await ba.fill('ba-rep-role', 'Lurah');
    await ba.sign('sig-verifier');
    await ba.sign('sig-representative');
    // Only some indicators are verified here: signing needs the explicit partial choice.
    await ba.choosePartial();
    await ba.signRecord();

    // Offline reload: everything is still there.
    await app.reload();
    expect(await app.connectivityLabel()).toMatch(/Luring/);
    await app.page.getByTestId('ba-signed').waitFor();
    await app.page.getByTestId('sig-verifier-image').waitFor();
    await expect
      .poll(() => app.page.locator('#ba-verifier-name').inputValue())
      .toBe('Siti Verifikator');
    await app.openTab(/Daftar indikator/);
    for (const no of [1, 2, 3]) {
      const s = await app.openIndicator(no);
      expect(await s.photoCount()).toBe(1);
      expect(await s.notes().inputValue()).toBe(
        `Catatan verifikasi indikator ${no}: dokumen diperiksa.`,
      );
      expect(await app.page.getByTestId(`level-${entered[no]}`).getAttribute('aria-pressed')).toBe(
        'true',
      );
      await app.page.getByRole('button', { name: 'Daftar' }).click();
      await app.page.getByTestId('indicator-row-1').waitFor();
    }
    await app.openTab(/Ringkasan/);
    const expected = computeIndex(spbe2020, entered);
    await expect
      .poll(() => app.page.getByTestId('summary-index').textContent())
      .toBe(formatIndex(expected.index));
    expect(await app.page.getByTestId('summary-predicate').textContent()).toBe(expected.predicate);
    // The unit's full self-assessment arrived intact, even though the first load was cut short.
    const self = Object.fromEntries(
      Object.entries(trainingSelfLevels()).map(([no, s]) => [no, s.level]),
    );
    expect(await app.page.getByTestId('summary-self-index').textContent()).toBe(
      formatIndex(computeIndex(spbe2020, self).index),
    );
  });

  it('explains bad files and changes nothing: not an image, a 50 MB image, a corrupt JPEG', async () => {
    await app.open('/latihan');
    await app.page.getByTestId('indicator-row-5').waitFor();
    const screen = await app.openIndicator(5);
    const before = await screen.photoCount();
    expect(
      await screen.pickFileExpectingError('catatan.txt', Buffer.from('bukan gambar'), 'text/plain'),
    ).toMatch(/tidak diterima/);
    const dir = mkdtempSync(join(tmpdir(), 'telusur-big-'));
    const big = join(dir, 'besar.jpg');
    const header = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    writeFileSync(big, header);
    appendFileSync(big, Buffer.alloc(50 * 1024 * 1024));
    await app.page.getByTestId('photo-pick').setInputFiles(big);
    await expect
      .poll(() => app.page.getByTestId('photo-error').textContent())
      .toMatch(/terlalu besar/);
    rmSync(dir, { recursive: true, force: true });
    const corrupt = Buffer.concat([header, Buffer.from('JFIF rusak'.repeat(500))]);
    await app.page
      .getByTestId('photo-pick')
      .setInputFiles({ name: 'rusak.jpg', mimeType: 'image/jpeg', buffer: corrupt });
    await expect
      .poll(() => app.page.getByTestId('photo-error').textContent())
      .toMatch(/tidak dapat dibaca/);
    expect(await screen.photoCount()).toBe(before);
  });

  // Twelve screens, each checked by axe and the contrast walk: the indicator screen alone
  // (stage values, butir, outputs) takes seconds on a loaded machine.
  it('shows every screen at tablet sizes without horizontal scrolling or serious accessibility problems', {
    timeout: 90_000,
  }, async () => {
    await context.setOffline(false);
    const screens: [string, string][] = [
      ['beranda', '/'],
      ['checklist', '/latihan/a/latihan-2026-sukamaju'],
      ['indikator', '/latihan/a/latihan-2026-sukamaju/i/1'],
      ['ringkasan', '/latihan/a/latihan-2026-sukamaju/ringkasan'],
      ['berita-acara', '/latihan/a/latihan-2026-sukamaju/berita-acara'],
      ['penyimpanan', '/penyimpanan'],
    ];
    const problems: string[] = [];
    for (const [w, h] of [
      [1024, 768],
      [800, 1280],
    ] as const) {
      await app.page.setViewportSize({ width: w, height: h });
      for (const [name, path] of screens) {
        await app.open(path);
        await app.page.waitForLoadState('networkidle');
        await app.page.screenshot({ path: join(SHOTS, `${name}-${w}x${h}.png`), fullPage: true });
        if (await app.scrollsHorizontally()) problems.push(`${name} ${w}x${h}: horizontal scroll`);
        for (const v of await accessibilityProblems(app.page))
          problems.push(`${name} ${w}x${h}: ${v}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!e2eEnabled)('update prompt', () => {
  let browser: Browser;
  let dirs: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it('a new build while a note is being typed does not reload the page', async () => {
    const v1 = mkdtempSync(join(tmpdir(), 'telusur-v1-'));
    const v2 = mkdtempSync(join(tmpdir(), 'telusur-v2-'));
    dirs.push(v1, v2);
    const dist = process.env.TELUSUR_E2E_DIST ?? 'dist';
    cpSync(dist, v1, { recursive: true });
    cpSync(dist, v2, { recursive: true });
    // A new deployment: the service worker script changes byte-for-byte.
    writeFileSync(join(v2, 'sw.js'), `${readFileSync(join(v2, 'sw.js'), 'utf8')}\n// build 2\n`);
    const server = await serveStatic(v1);
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    try {
      const app = new VerifierApp(await context.newPage(), server.url);
      await app.open('/latihan/a/latihan-2026-sukamaju/i/2');
      await app.waitForServiceWorker();
      await app.page.evaluate(() => {
        (window as unknown as { __marker: number }).__marker = 42;
      });
      const notes = app.page.locator('#notes-2');
      await notes.click();
      await notes.pressSequentially('Sedang mengetik catatan', { delay: 5 });

      server.setRoot(v2);
      await app.page.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        await reg?.update();
      });
      const reload = app.page.getByTestId('update-reload');
      await reload.waitFor({ timeout: 20_000 });
      // Still typing: the note has not been committed (focus kept), so reload is refused.
      await notes.pressSequentially(' lagi', { delay: 5 });
      await reload.dispatchEvent('click');
      await app.page.getByRole('status').filter({ hasText: 'Simpan dulu' }).waitFor();
      expect(
        await app.page.evaluate(() => (window as unknown as { __marker?: number }).__marker),
      ).toBe(42);
      expect(await notes.inputValue()).toBe('Sedang mengetik catatan lagi');
    } finally {
      await context.close();
      await server.close();
    }
  });
});
