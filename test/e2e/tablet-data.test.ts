import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Download, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinatorApp } from './page-models/coordinator-app';
import {
  HomeScreen,
  pasteInto,
  StorageScreen,
  TabletSync,
  VerifierApp,
} from './page-models/verifier-app';
import { enrolmentCodeFor } from './support/api';
import { startAppServer } from './support/app-server';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser } from './support/browser';
import { documentPhoto } from './support/photo';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

/** YYYY-MM-DD of today on this machine (the tablet's day, as export names carry it). */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('what the tablet counts, keeps and says', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('home and storage agree on waiting files; the sync history survives a reload; exports are named by unit', {
    timeout: 240_000,
  }, async () => {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      acceptDownloads: true,
    });
    try {
      const { code } = await enrolmentCodeFor(server.url, 'verifikator1@cilegon.demo');
      const app = new VerifierApp(await context.newPage(), server.url);
      const sync = new TabletSync(app);
      await sync.enrol(code, 'Tablet Data');
      await sync.syncNow();

      // Units grouped by kind as a Pemda reads them; a kecamatan is not an OPD.
      const home = new HomeScreen(app);
      await home.open();
      const headings = await home.groupHeadings();
      expect(headings).toEqual([
        'Pemerintah Daerah',
        'Perangkat Daerah (OPD)',
        'Kecamatan',
        'Kelurahan',
      ]);
      expect(await home.unitsUnder('Kecamatan')).toEqual(['Kecamatan Cibeber']);
      const units = await home.assignedCards().count();
      expect(await home.unitsUnder('Perangkat Daerah (OPD)')).not.toContain('Kecamatan Cibeber');
      const card = app.page
        .getByTestId('unit-group')
        .filter({ hasText: 'Kelurahan Bulakan' })
        .getByTestId('unit-card')
        .filter({ hasText: 'Kelurahan Bulakan' });
      const assessmentId = decodeURIComponent(
        ((await card.getAttribute('href')) ?? '').replace('/kerja/a/', ''),
      );
      expect(await card.getByTestId('unit-parent').textContent()).toBe('Kecamatan Cibeber');
      await app.page.screenshot({ path: join(SHOTS, 'home-groups-1024x768.png') });

      // The tablet asked for persistent storage by itself; a refusal is said once, plainly.
      const granted = await app.page.evaluate(() => navigator.storage.persisted());
      const notice = app.page.getByTestId('persist-notice');
      if (granted) {
        expect(await notice.count()).toBe(0);
      } else {
        await notice.waitFor();
        expect(await notice.textContent()).toContain('Browser menolak penyimpanan permanen');
        await app.page.screenshot({ path: join(SHOTS, 'home-persist-notice-1024x768.png') });
        // The notice comes after the quick first paint (it needs the store): it must never
        // move the unit cards a finger is already on its way to, so neither its coming nor
        // its going shifts them.
        const cardTop = async () => (await card.boundingBox())?.y;
        const withNotice = await cardTop();
        await notice.getByTestId('persist-notice-ok').click();
        await notice.waitFor({ state: 'detached' });
        expect(await cardTop()).toBe(withNotice);
        await home.open();
        await home.card(assessmentId).waitFor();
        expect(await notice.count()).toBe(0);
      }

      // Offline in the field: three photos, one of them proving two indicators (one file).
      await app.waitForServiceWorker();
      await context.setOffline(true);
      await card.click();
      await app.page.getByTestId('indicator-row-1').waitFor();
      // Weights with a decimal comma, never "1.3%".
      const checklist = (await app.page.locator('main').textContent()) ?? '';
      expect(checklist).not.toMatch(/\d\.\d+\s?%/);
      expect(checklist).toMatch(/\d,\d+ %/);
      let screen = await app.openIndicator(5);
      const sk = await documentPhoto(app.page, 'SK Tim SPBE');
      await screen.addPhoto('sk-tim.jpg', sk);
      await screen.addPhoto('notulen.jpg', await documentPhoto(app.page, 'Notulen rapat'));
      // A note pasted longer than the field takes is not cut silently.
      await pasteInto(screen.notes(), `Catatan panjang ${'x'.repeat(20_050)}`);
      const cutNotice = app.page.getByTestId('paste-cut-notice');
      await cutNotice.waitFor();
      expect(await cutNotice.textContent()).toContain('66 karakter terakhir tidak dimasukkan');
      expect(await cutNotice.textContent()).toContain('20.000 karakter');
      await app.page.screenshot({ path: join(SHOTS, 'indicator-paste-cut-1024x768.png') });
      // A 25 MB PDF is told the PDF limit, not the photo limit.
      const dir = mkdtempSync(join(tmpdir(), 'telusur-pdf-'));
      const pdf = join(dir, 'laporan-tahunan.pdf');
      writeFileSync(pdf, Buffer.from('%PDF-1.7\n'));
      appendFileSync(pdf, Buffer.alloc(25 * 1024 * 1024));
      await app.page.getByTestId('photo-pick').setInputFiles(pdf);
      await expect
        .poll(() => app.page.getByTestId('photo-error').textContent())
        .toBe('laporan-tahunan.pdf: Berkas PDF terlalu besar (maks. 20 MB).');
      rmSync(dir, { recursive: true, force: true });
      expect(await screen.photoCount()).toBe(2);
      await app.page.getByTestId('photo-error').scrollIntoViewIfNeeded();
      await app.page.screenshot({ path: join(SHOTS, 'indicator-pdf-too-large-1024x768.png') });
      screen = await screen.next();
      await screen.addPhoto('sk-tim.jpg', sk);

      // The card and the storage page say the same: 2 files wait (3 photos, 2 contents).
      await home.open();
      const unsent = await home.unsent(assessmentId);
      expect(unsent.files).toBe(2);
      expect(unsent.text).toContain('2 berkas belum terkirim');
      await app.page.screenshot({ path: join(SHOTS, 'home-unsent-1024x768.png') });
      const storage = new StorageScreen(app);
      await storage.open();
      expect((await storage.unsentFiles()).files).toBe(unsent.files);
      expect(Number(await app.page.getByTestId('unsynced-changes').textContent())).toBe(
        unsent.changes,
      );
      // Nothing is shown as sent while it waits.
      await expect.poll(() => storage.syncState()).toBe('server tidak terjangkau');
      const files = await storage.progress('files-progress');
      expect(files.complete).toBe(false);
      expect(files.label).toMatch(/^Berkas menunggu diunggah: 2 \(\d+ KB\)$/);
      expect((await storage.progress('changes-progress')).complete).toBe(false);
      await app.page.screenshot({
        path: join(SHOTS, 'storage-unsent-1024x768.png'),
        fullPage: true,
      });
      expect(await accessibilityProblems(app.page)).toEqual([]);

      // Back online: everything goes; the bars fill.
      await context.setOffline(false);
      await sync.syncNow();
      await expect.poll(async () => (await storage.unsentFiles()).files).toBe(0);
      // (A sync the browser's "online" started may still be running: wait for it.)
      await expect
        .poll(() => storage.progress('files-progress'))
        .toEqual({
          label: 'Semua berkas terunggah',
          complete: true,
        });
      expect((await storage.lastSuccess()).at).toBeGreaterThan(0);
      expect((await storage.persistence()).state).toBe(granted ? 'granted' : 'refused');

      // "Kosongkan salinan foto" asks first and says what stays visible.
      await app.page.getByTestId('purge-received').click();
      const purge = app.page.getByTestId('purge-dialog');
      await purge.waitFor();
      const question = (await purge.textContent()) ?? '';
      expect(question).toContain('Kelurahan Bulakan');
      expect(question).toContain('Yang tetap terlihat');
      await app.page.screenshot({ path: join(SHOTS, 'storage-purge-confirm-1024x768.png') });
      expect(await accessibilityProblems(app.page)).toEqual([]);
      await purge.getByTestId('confirm-cancel').click();
      await purge.waitFor({ state: 'detached' });
      await app.page.getByTestId('purge-received').click();
      await purge.getByTestId('confirm-ok').click();
      await purge.waitFor({ state: 'detached' });
      await expect
        .poll(() => app.page.getByTestId('sync-panel').textContent())
        .toContain('2 berkas dihapus dari tablet');

      // Reloaded without a connection: the last success and the runs are still there.
      await expect.poll(() => storage.syncState()).toBe('siap');
      const synced = await storage.lastSuccess();
      await context.setOffline(true);
      await app.reload();
      await storage.open();
      await expect.poll(() => storage.syncState()).toBe('server tidak terjangkau');
      const kept = await storage.lastSuccess();
      expect(kept.at).toBe(synced.at);
      expect(kept.text).not.toBe('belum pernah');
      // In the Pemda's zone, with its label (the demo's Cilegon: WIB).
      expect(kept.text).toMatch(/\d{2}\.\d{2} WIB$/);
      const history = await storage.history();
      expect(history[0]?.outcome).toBe('offline');
      const sent = history.find((h) => h.outcome === 'ok' && /berkas diunggah/.test(h.text));
      expect(sent?.text).toMatch(/^Berhasil .+: \d+ perubahan terkirim; 2 berkas diunggah/);
      expect(history.some((h) => h.outcome === 'offline')).toBe(true);
      await app.page.getByTestId('sync-history').scrollIntoViewIfNeeded();
      await app.page.screenshot({ path: join(SHOTS, 'storage-history-1024x768.png') });
      await app.page.setViewportSize({ width: 800, height: 1280 });
      await app.page.evaluate(() => window.scrollTo(0, 0));
      await app.page.screenshot({
        path: join(SHOTS, 'storage-history-800x1280.png'),
        fullPage: true,
      });
      expect(await accessibilityProblems(app.page)).toEqual([]);
      await context.setOffline(false);

      // Export files carry the unit's name and the day, never an assessment's UUID.
      const downloads: Download[] = [];
      app.page.on('download', (d) => downloads.push(d));
      await app.page.getByRole('button', { name: 'Ekspor data penilaian (berkas)' }).click();
      // One file per unit on the tablet.
      await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(units);
      const names = downloads.map((d) => d.suggestedFilename());
      expect(names).toContain(`telusur-kelurahan-bulakan-${today()}.zip`);
      for (const name of names) {
        expect(name).toMatch(/^telusur-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.zip$/);
        expect(name).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
      }
    } finally {
      await context.close();
    }
  });

  it('an Indonesian screen gets Indonesian server errors from a browser set to English', {
    timeout: 180_000,
  }, async () => {
    // The browser's own Accept-Language is English; the app is in its default, Indonesian.
    const context = await browser.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'en-US',
    });
    try {
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (r: Request) => {
        if (new URL(r.url()).pathname.startsWith('/api/'))
          asked.push(`${r.headers()['accept-language'] ?? '(none)'} ${new URL(r.url()).pathname}`);
      });
      const app = new VerifierApp(page, server.url);
      const sync = new TabletSync(app);

      // An expired or used enrolment code, refused by the server in the screen's language.
      const refused = await sync.enrolExpectingError('ABCD-EFGH-JKLM', 'Tablet Bahasa');
      expect(refused).toBe(
        'Kode pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa. Minta kode baru kepada koordinator.',
      );
      await page.screenshot({ path: join(SHOTS, 'enrol-refused-id-on-en-browser.png') });
      // Switched to English, the same refusal comes in English.
      await page.evaluate(() => localStorage.setItem('telusur.locale', 'en'));
      expect(await sync.enrolExpectingError('ABCD-EFGH-JKLM', 'Tablet Bahasa')).toBe(
        'The enrolment code is unknown, already used or expired. Ask your coordinator for a new code.',
      );
      await page.evaluate(() => localStorage.removeItem('telusur.locale'));

      // Enrolled and syncing: every request of the tablet asks for the screen's language.
      asked.length = 0;
      const { code } = await enrolmentCodeFor(server.url, 'verifikator2@cilegon.demo');
      await sync.enrol(code, 'Tablet Bahasa');
      await sync.syncNow();
      const sent = asked.filter((a) => !a.startsWith('id '));
      expect(sent.filter((a) => !a.endsWith('/api/health'))).toEqual([]);
      expect(asked.length).toBeGreaterThan(3);

      // The coordinator pages in the same browser: a refused login in Indonesian too.
      const coordinator = new CoordinatorApp(await context.newPage(), server.url);
      expect(await coordinator.loginExpectingError('koordinator@cilegon.demo', 'salah-sandi')).toBe(
        'Email atau kata sandi salah.',
      );
    } finally {
      await context.close();
    }
  });
});
