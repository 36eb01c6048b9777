import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emblemPng } from '../helpers/images';
import { CoordinatorApp } from './page-models/coordinator-app';
import { startAppServer } from './support/app-server';
import { e2eEnabled, launchBrowser } from './support/browser';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const EMAIL = 'kominfo@makassar.go.id';
const PASSWORD = 'kata-sandi-kominfo-makassar';

/** The organisation as the API answers it to the coordinator. */
async function organisation(base: string, page: Page): Promise<Record<string, unknown>> {
  const token = await page.evaluate(() => sessionStorage.getItem('telusur.coordinator.token'));
  const res = await fetch(`${base}/api/organisation`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

// A Pemda's first day: the server runs on an empty database where the IT staff made the
// first coordinator (`npm run admin -- create-coordinator`) and nothing else. Real Chromium
// against the real server serving the built app (see coordinator-enrol.test.ts).
describe.skipIf(!e2eEnabled)('coordinator pages: the organisation is set up at first login', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let app: CoordinatorApp;
  let files = '';

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'telusur-org-e2e-'));
    writeFileSync(join(files, 'logo-makassar.png'), emblemPng(96));
    writeFileSync(
      join(files, 'logo.png'),
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    server = await startAppServer({
      seed: false,
      prepare: async (s) => {
        await s.accounts.create({
          email: EMAIL,
          name: 'Koordinator SPBE Makassar',
          role: 'coordinator',
          password: PASSWORD,
        });
      },
    });
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'id-ID',
      acceptDownloads: true,
    });
    app = new CoordinatorApp(await context.newPage(), server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('takes the coordinator to the set-up form before anything else, refuses bad input readably, then goes on to the dashboard', async () => {
    const page = app.page;
    await app.login(EMAIL, PASSWORD);
    const form = page.getByTestId('organisation-form');
    await form.waitFor();
    expect(new URL(page.url()).pathname).toBe('/koordinator/organisasi');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Siapkan organisasi');
    // Nothing else opens first: the menu waits, and another page comes back here.
    expect(await page.getByTestId('coordinator-subnav').isVisible()).toBe(false);
    await app.open('/koordinator/unit');
    await form.waitFor();
    expect(new URL(page.url()).pathname).toBe('/koordinator/organisasi');
    // (After set-up it would go on to the units page; from the start page, to the dashboard.)
    expect(new URL(page.url()).searchParams.get('lanjut')).toBe('/koordinator/unit');
    await app.open('/koordinator');
    await form.waitFor();

    // An empty form says what is missing; a file that is not a PNG/JPEG is refused here.
    await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();
    expect(await page.locator('#org-name-err').textContent()).toBe('Wajib diisi.');
    expect(await page.locator('#org-zone-err').textContent()).toBe('Wajib diisi.');
    await page.locator('#org-logo').setInputFiles(join(files, 'logo.png'));
    await expect(page.getByTestId('organisation-logo-error').textContent()).resolves.toBe(
      'Logo harus berupa gambar PNG atau JPEG.',
    );
    await page.screenshot({
      path: join(SHOTS, 'coordinator-organisation-setup.png'),
      fullPage: true,
    });
    expect((await organisation(server.url, page)).configured).toBe(false);

    await page.locator('#org-name').fill('Pemerintah Kota Makassar');
    await page.locator('#org-kind').selectOption('kota');
    await page.locator('#org-zone').selectOption('WITA');
    await page.locator('#org-logo').setInputFiles(join(files, 'logo-makassar.png'));
    // The file is read before it is judged: the earlier refusal goes once this one passed.
    await page.getByTestId('organisation-logo-error').waitFor({ state: 'detached' });
    await expect(page.getByTestId('org-logo-name').textContent()).resolves.toBe(
      'logo-makassar.png',
    );
    expect(await app.accessibilityViolations()).toEqual([]);
    await page.getByRole('button', { name: 'Simpan dan lanjutkan' }).click();

    await page.waitForURL((u) => u.pathname === '/koordinator/dasbor');
    await page.getByTestId('coordinator-subnav').waitFor();
    expect(await page.getByTestId('cnav-organisasi').textContent()).toBe('Organisasi');
    await page.screenshot({ path: join(SHOTS, 'coordinator-organisation-dashboard.png') });
    expect(await organisation(server.url, page)).toMatchObject({
      configured: true,
      name: 'Pemerintah Kota Makassar',
      kind: 'kota',
      zone: 'WITA',
      logo: { mime: 'image/png', bytes: emblemPng(96).length },
    });
    expect(app.cspViolations).toEqual([]);
  }, 120_000);

  it('comes back later from the menu with the values and the logo shown, and sends nobody there once set', async () => {
    const page = app.page;
    await page.getByTestId('cnav-organisasi').click();
    await page.waitForURL('**/koordinator/organisasi');
    await expect(page.locator('main h1').textContent()).resolves.toBe('Organisasi');
    expect(await page.locator('#org-name').inputValue()).toBe('Pemerintah Kota Makassar');
    expect(await page.locator('#org-zone').inputValue()).toBe('WITA');
    const logo = page.getByTestId('organisation-logo');
    await logo.waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="organisation-logo"]') as HTMLImageElement | null)
          ?.naturalWidth === 96,
    );
    await page.screenshot({
      path: join(SHOTS, 'coordinator-organisation-settings.png'),
      fullPage: true,
    });

    await page.locator('#org-zone').selectOption('WIT');
    await page.getByRole('button', { name: 'Simpan', exact: true }).click();
    await expect(page.getByTestId('success').textContent()).resolves.toBe('Organisasi disimpan.');
    expect((await organisation(server.url, page)).zone).toBe('WIT');

    await app.open('/koordinator/unit');
    await page.getByTestId('unit-template').waitFor();
    expect(new URL(page.url()).pathname).toBe('/koordinator/unit');
  }, 60_000);

  it('offers the units CSV template on the units page, which downloads as the import reads it', async () => {
    const page = app.page;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('unit-template').click(),
    ]);
    expect(download.suggestedFilename()).toBe('templat-unit.csv');
    const path = await download.path();
    const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[0]).toBe('kode_unit;nama_unit;jenis_unit;kode_induk');
    // Imported as it came, through the page's own import form.
    await page.locator('#unit-import-file').setInputFiles(path);
    await page.getByTestId('unit-import').getByRole('button', { name: 'Impor' }).click();
    await expect(
      page.getByTestId('unit-import').getByTestId('success').textContent(),
    ).resolves.toMatch(/4 baru/);
    await page.locator('[data-testid="unit-row"][data-code="PEMDA.01.1001"]').waitFor();
  }, 60_000);
});
