import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSection } from './page-models/photos';
import { HomeScreen, StorageScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { enrolmentCodeFor } from './support/api';
import { startAppServer } from './support/app-server';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser } from './support/browser';
import { DOCX, docxBytes } from './support/files';
import { documentPhoto } from './support/photo';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const NEW_ELEMENTS = [
  '[data-testid="failed-files"]',
  '[data-testid="photo-failures"]',
  '[data-testid="sync-attention"]',
  'dialog',
];

/**
 * Damage the stored bytes of the evidence file named `name` in the tablet's IndexedDB, as a
 * failing disk or a browser bug would: the record and its SHA-256 stay, the bytes change.
 */
async function damageStoredFile(page: Page, name: string): Promise<void> {
  await page.evaluate(async (fileName) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('telusur');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const all = <T>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const tx = db.transaction(['evidenceFiles', 'blobs'], 'readwrite');
    const records = await all(tx.objectStore('evidenceFiles').getAll());
    const record = (records as { name: string; sha256: string }[]).find((r) => r.name === fileName);
    if (!record) throw new Error(`no evidence file ${fileName}`);
    const blobs = tx.objectStore('blobs');
    const row = (await all(blobs.get(record.sha256))) as { data: Blob | ArrayBuffer };
    row.data = new Blob(['bytes damaged on the tablet'], { type: 'image/jpeg' });
    await all(blobs.put(row));
    db.close();
  }, name);
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('one bad file never stops the other files', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('a damaged photo is named where the verifier works, the other uploads, and a retake replaces it', {
    timeout: 240_000,
  }, async () => {
    const { code } = await enrolmentCodeFor(server.url, 'verifikator1@cilegon.demo');
    const app = new VerifierApp(await context.newPage(), server.url);
    const sync = new TabletSync(app);
    await sync.enrol(code, 'Tablet Foto');
    await sync.syncNow();

    // Two photos on indicator 5; the stored bytes of one get damaged before they go up.
    const home = new HomeScreen(app);
    await home.open();
    const card = app.page.getByTestId('unit-card').first();
    const unitName = (await card.getByTestId('unit-name').textContent()) ?? '';
    await card.click();
    const screen = await app.openIndicator(5);
    await screen.addPhoto('sk-tim.jpg', await documentPhoto(app.page, 'SK Tim SPBE'));
    await screen.addPhoto('notulen.jpg', await documentPhoto(app.page, 'Notulen rapat'));
    const indicatorPath = new URL(app.page.url()).pathname;
    await damageStoredFile(app.page, 'sk-tim.jpg');

    // The sync goes through: the good file is received, the damaged one is named, not "offline".
    await sync.syncNow();
    const storage = new StorageScreen(app);
    await storage.open();
    await expect.poll(() => storage.syncState()).toBe('Perlu perhatian');
    expect(await app.page.getByTestId('failed-files-count').textContent()).toBe('1');
    const row = app.page.getByTestId('failed-file');
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId('failed-file-name').textContent()).toBe('sk-tim.jpg');
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain(unitName);
    expect(rowText).toContain('Indikator 5');
    expect(await row.getByTestId('failed-file-reason').textContent()).toMatch(
      /^Masalah di tablet ini: Isi berkas di tablet ini rusak/,
    );
    await expect
      .poll(() => app.page.getByTestId('receipt').first().textContent())
      .toBe('1 dari 2 berkas diterima server');
    await app.page.getByTestId('failed-files').scrollIntoViewIfNeeded();
    await app.page.screenshot({ path: join(SHOTS, 'storage-failed-file.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // "Foto ulang" opens the indicator at its photos, where the failed file is named too.
    await row.getByTestId('failed-file-retake').click();
    await app.page.waitForURL(`${server.url}${indicatorPath}#foto`);
    const failure = app.page.getByTestId('photo-failure');
    await failure.waitFor();
    expect(await failure.textContent()).toContain('sk-tim.jpg gagal diunggah');
    expect(await app.page.locator('[data-testid="thumb"][data-failed="true"]').count()).toBe(1);
    await app.page.screenshot({ path: join(SHOTS, 'indicator-failed-file.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // The retaken photo replaces the damaged one; after a sync every file is received.
    const retaken = await documentPhoto(app.page, 'SK Tim SPBE (ulang)');
    const [chooser] = await Promise.all([
      app.page.waitForEvent('filechooser'),
      failure.getByTestId('photo-failure-retake').click(),
    ]);
    expect(chooser.isMultiple()).toBe(false);
    await chooser.setFiles({ name: 'sk-tim-ulang.jpg', mimeType: 'image/jpeg', buffer: retaken });
    await failure.waitFor({ state: 'detached', timeout: 20_000 });
    await expect
      .poll(async () =>
        (
          await app.page
            .getByTestId('thumb')
            .locator('figcaption > div:first-child')
            .allTextContents()
        ).sort(),
      )
      .toEqual(['notulen.jpg', 'sk-tim-ulang.jpg']);
    await sync.syncNow();
    await expect
      .poll(() => app.page.getByTestId('receipt').first().textContent())
      .toBe('Semua 2 berkas diterima server');
    await expect.poll(() => storage.syncState()).toBe('siap');
    expect(await app.page.getByTestId('failed-file').count()).toBe(0);
  });

  it('a damaged DOCX is picked again with "Ganti berkas" (the file picker, not the camera) and replaces it', {
    timeout: 240_000,
  }, async () => {
    const { code } = await enrolmentCodeFor(server.url, 'verifikator2@cilegon.demo');
    // A tablet of its own: the first test's tablet is enrolled in the shared context.
    const own = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
    });
    const app = new VerifierApp(await own.newPage(), server.url);
    const sync = new TabletSync(app);
    await sync.enrol(code, 'Tablet Berkas');
    await sync.syncNow();
    const home = new HomeScreen(app);
    await home.open();
    await app.page.getByTestId('unit-card').first().click();
    await app.openIndicator(3);
    const photos = new PhotoSection(app.page);
    await photos.addFile('Notulen.docx', docxBytes(20_000), DOCX);
    const indicatorPath = new URL(app.page.url()).pathname;
    await damageStoredFile(app.page, 'Notulen.docx');
    await sync.syncNow();
    await app.open(indicatorPath);

    const failure = app.page.getByTestId('photo-failure');
    await failure.waitFor();
    const replace = failure.getByTestId('photo-failure-retake');
    expect(await replace.textContent()).toBe('Ganti berkas');
    const [chooser] = await Promise.all([app.page.waitForEvent('filechooser'), replace.click()]);
    // The picker takes documents (no camera capture), as the evidence picker does.
    expect(await chooser.element().getAttribute('capture')).toBeNull();
    expect(await chooser.element().getAttribute('accept')).toContain('.docx');
    await chooser.setFiles({
      name: 'Notulen-ulang.docx',
      mimeType: DOCX,
      buffer: docxBytes(21_000),
    });
    await failure.waitFor({ state: 'detached', timeout: 20_000 });
    await photos.thumb('Notulen-ulang.docx').waitFor();
    expect(await photos.thumb('Notulen.docx').count()).toBe(0);
    await sync.syncNow();
    await expect
      .poll(() => app.page.getByTestId('receipt').first().textContent())
      .toBe('Semua 1 berkas diterima server');
  });
});
