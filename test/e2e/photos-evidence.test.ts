import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PERIOD_NAME, kelurahanCode } from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { imageBrightness, PhotoSection, PhotoViewerModel } from './page-models/photos';
import { TabletSync, VerifierApp } from './page-models/verifier-app';
import { assessmentIdFor, enrolmentCodeFor } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { documentPhoto } from './support/photo';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const UNIT = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1 in SPBE 2023
/** Where the tablet is (Kantor Kelurahan Bulakan, Cilegon), granted to the browser. */
const HERE = { latitude: -6.01744, longitude: 106.05381 };
/** A 48×32 JPEG whose EXIF says it was taken 6 May 2024 09:14:05 at +07:00 (exiftool). */
const CAMERA_JPEG = readFileSync(
  join(process.cwd(), 'test/unit/app/photos/fixtures/exif-2024.jpg'),
);
/** The bottom-left corner where the stamp goes, and a corner it never touches. */
const STAMP_CORNER = { x: 0.02, y: 0.88, w: 0.12, h: 0.08 };
const FAR_CORNER = { x: 0.85, y: 0.05, w: 0.12, h: 0.1 };

/** The coordinator's review of the unit, opened by its address (it need not be signed yet). */
async function openReview(page: Page, base: string, assessmentId: string): Promise<void> {
  await page.goto(`${base}/koordinator/tinjau/${encodeURIComponent(assessmentId)}`);
  await page.getByTestId('review-page').waitFor();
}

/** Wait until every evidence image on the page has been fetched and decoded. */
async function decoded(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) =>
      [...document.querySelectorAll<HTMLImageElement>('[data-testid="evidence-thumb"] img')]
        .length >= count &&
      [...document.querySelectorAll<HTMLImageElement>('[data-testid="evidence-thumb"] img')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    n,
    { timeout: 30_000 },
  );
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('evidence photos a reviewer can read and trust', () => {
  const stage = appStage();
  mkdirSync(SHOTS, { recursive: true });

  it('a photo opens full size and zooms, proves a document, is removed with undo, and the coordinator sees the same', {
    timeout: 300_000,
  }, async () => {
    const { code, token } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
    const assessmentId = await assessmentIdFor(stage.url, token, UNIT);
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      permissions: ['geolocation'],
      geolocation: HERE,
    });
    const tablet = new VerifierApp(await context.newPage(), stage.url);
    const sync = new TabletSync(tablet);
    await sync.enrol(code, 'Tablet Foto Bukti');
    await sync.syncNow();
    await tablet.open(`/kerja/a/${encodeURIComponent(assessmentId)}`);
    await tablet.openIndicator(1);
    const photos = new PhotoSection(tablet.page);

    // Chosen before the photo is taken: the Perkada of level 2 (its first expected document).
    await photos.linkNext(/^Level 2 · 1\. Perkada/);
    await photos.add(
      'perkada.jpg',
      await documentPhoto(tablet.page, 'Perkada Arsitektur SPBE — Pasal 4 ayat (2)', {
        width: 1600,
        height: 1200,
      }),
    );
    expect(await photos.linkedTo('perkada.jpg')).toMatch(/^Level 2 · 1\. Perkada/);
    // No EXIF in a screenshot: its time is when it reached the tablet, and the place is here.
    const perkada = await photos.facts('perkada.jpg');
    expect(perkada.time).toMatch(/^Waktu masuk tablet: /);
    expect(perkada.place).toBe('Lokasi: -6,01744; 106,05381');

    // A camera photo keeps the camera's time, not the file's; linked afterwards.
    await photos.add('kamera.jpg', CAMERA_JPEG);
    expect((await photos.facts('kamera.jpg')).time).toBe('Waktu kamera: 6 Mei 2024, 09.14 WIB');
    // The document chosen before taking photos stays chosen for the next ones (a document
    // of several pages); this one is linked to another afterwards.
    expect(await photos.linkedTo('kamera.jpg')).toMatch(/^Level 2 · 1\. Perkada/);
    await photos.link('kamera.jpg', /^Level 1 · 3\. Laporan kegiatan/);
    expect(await photos.linkedTo('kamera.jpg')).toMatch(/^Level 1 · 3\./);

    // Tap: the photo full size, fitted, then zoomed beyond the screen, moved, and closed.
    const viewer = await photos.open('perkada.jpg');
    const fitted = await viewer.sizes();
    expect(fitted.natural).toBe(1600);
    expect(fitted.shown).toBeLessThan(fitted.natural);
    expect(fitted.shown).toBeLessThanOrEqual(fitted.stage + 1);
    expect(await viewer.caption().textContent()).toContain(
      'Bukti untuk: Level 2 · 1. Perkada atau Keputusan Kepala Daerah',
    );
    await tablet.page.screenshot({ path: join(SHOTS, 'photos-viewer-fitted-1024.png') });
    expect(await accessibilityProblems(tablet.page)).toEqual([]);
    await viewer.zoomIn();
    await viewer.zoomIn();
    const zoomed = await viewer.sizes();
    expect(zoomed.shown).toBeGreaterThan(fitted.shown * 2);
    expect(zoomed.shown).toBeGreaterThan(zoomed.stage);
    // Dragged towards the document's title in its top-left corner.
    const before = await viewer.position();
    await viewer.drag(450, 420);
    const after = await viewer.position();
    expect(after.x).toBeGreaterThan(before.x);
    expect(after.y).toBeGreaterThan(before.y);
    await tablet.page.screenshot({ path: join(SHOTS, 'photos-viewer-zoomed-1024.png') });
    await viewer.zoomOut();
    await viewer.fit();
    await expect.poll(async () => (await viewer.sizes()).shown).toBeCloseTo(fitted.shown, 0);
    await viewer.close();

    // Removed by mistake: the toast takes it back.
    await photos.add('salah.jpg', await documentPhoto(tablet.page, 'Foto yang salah'));
    expect(await photos.thumbs().count()).toBe(3);
    expect(await photos.remove('salah.jpg')).toBe('Foto salah.jpg dihapus.Urungkan');
    expect(await photos.thumbs().count()).toBe(2);
    await tablet.page.screenshot({ path: join(SHOTS, 'photos-undo-toast-1024.png') });
    await photos.undo();
    expect(await photos.thumbs().count()).toBe(3);
    await tablet.reload();
    await photos.thumb('salah.jpg').waitFor();
    expect(await photos.thumbs().count()).toBe(3);
    // Removed and left: leaving the indicator saves the removal.
    await photos.remove('salah.jpg');
    await tablet.page.getByTestId('next-indicator').click();
    await tablet.page.getByRole('heading', { level: 1, name: /^2\. / }).waitFor();
    await tablet.reload();
    await tablet.page.getByTestId('prev-indicator').click();
    await tablet.page.getByRole('heading', { level: 1, name: /^1\. / }).waitFor();
    await photos.thumb('perkada.jpg').waitFor();
    expect(await photos.thumbs().allTextContents()).not.toContainEqual(
      expect.stringContaining('salah.jpg'),
    );
    expect(await photos.thumbs().count()).toBe(2);
    await sync.syncNow();
    expect(await sync.unsyncedChanges()).toBe(0);

    // The coordinator's review: the same document, time and place, and the same viewer.
    const page = await (
      await stage.newContext({
        viewport: { width: 1366, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
      })
    ).newPage();
    const coordinator = new CoordinatorApp(page, stage.url);
    await coordinator.login('koordinator@cilegon.demo', PASSWORD);
    await openReview(page, stage.url, assessmentId);
    await decoded(page, 2);
    const linked = page.locator('[data-testid="evidence-thumb"][data-proves="2.0"]');
    expect(await linked.count()).toBe(1);
    const linkedText = (await linked.textContent()) ?? '';
    expect(linkedText).toContain('perkada.jpg');
    expect(linkedText).toContain('Bukti untuk: Level 2 · 1. Perkada atau Keputusan Kepala Daerah');
    expect(linkedText).toContain('Lokasi: -6,01744; 106,05381');
    expect(linkedText).toContain('Waktu masuk tablet: ');
    const camera = page.locator('[data-testid="evidence-thumb"][data-proves="1.2"]');
    expect(await camera.getByTestId('photo-time').textContent()).toBe(
      'Waktu kamera: 6 Mei 2024, 09.14 WIB',
    );
    await linked.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'photos-review-evidence-1366.png') });
    await linked.getByTestId('evidence-thumb-open').click();
    const review = new PhotoViewerModel(page);
    await review.loaded();
    const shown = await review.sizes();
    expect(shown.natural).toBe(1600);
    expect(shown.shown).toBeLessThan(shown.natural);
    // A double click zooms in where it points: here the document's title.
    const stageBox = await page.getByTestId('photo-viewer-image').locator('..').boundingBox();
    const imageBox = await page.getByTestId('photo-viewer-image').boundingBox();
    if (!stageBox || !imageBox) throw new Error('viewer not shown');
    await page
      .getByTestId('photo-viewer-image')
      .locator('..')
      .dblclick({ position: { x: imageBox.x - stageBox.x + 150, y: 30 } });
    await review.grownFrom(shown.shown);
    expect(await review.caption().textContent()).toContain('Lokasi: -6,01744; 106,05381');
    await page.screenshot({ path: join(SHOTS, 'photos-review-viewer-1366.png') });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await review.dialog().waitFor({ state: 'detached' });
    expect(coordinator.cspViolations).toEqual([]);
  });

  it('with the period stamp on, each new photo carries unit, indicator and time burned in', {
    timeout: 300_000,
  }, async () => {
    const { code, token } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
    const assessmentId = await assessmentIdFor(stage.url, token, UNIT);
    const tablet = new VerifierApp(
      await (
        await stage.newContext({
          viewport: { width: 1024, height: 768 },
          locale: 'id-ID',
          timezoneId: 'Asia/Jakarta',
        })
      ).newPage(),
      stage.url,
    );
    const sync = new TabletSync(tablet);
    await sync.enrol(code, 'Tablet Cap Foto');
    await sync.syncNow();
    const indicatorPath = `/kerja/a/${encodeURIComponent(assessmentId)}`;
    await tablet.open(indicatorPath);
    await tablet.openIndicator(3);
    const photos = new PhotoSection(tablet.page);
    const source = await documentPhoto(tablet.page, 'Peta Rencana SPBE 2024–2028', {
      width: 1200,
      height: 900,
    });

    // Off (the default): the photo is the document as it was, corners alike.
    expect(await tablet.page.getByTestId('photo-stamp-note').count()).toBe(0);
    await photos.add('tanpa-cap.jpg', source);
    const plainCorner = await photos.brightness('tanpa-cap.jpg', STAMP_CORNER);
    expect(plainCorner).toBeGreaterThan(220);

    // The coordinator turns the stamp on for the period, in the periods page.
    const page = await (
      await stage.newContext({ viewport: { width: 1366, height: 768 }, locale: 'id-ID' })
    ).newPage();
    const coordinator = new CoordinatorApp(page, stage.url);
    await coordinator.login('koordinator@cilegon.demo', PASSWORD);
    await coordinator.openPeriodsPage();
    const row = page.getByTestId('period-row').filter({ hasText: DEMO_PERIOD_NAME });
    await row.getByRole('button', { name: 'Ubah' }).click();
    const form = page.getByTestId('period-edit-form');
    await form.getByTestId('period-photo-stamp').check();
    await form.screenshot({ path: join(SHOTS, 'photos-period-stamp-1366.png') });
    await form.getByRole('button', { name: 'Simpan' }).click();
    await page.getByTestId('success').waitFor();
    await expect.poll(async () => (await row.locator('td').allTextContents())[5]).toBe('ya');

    // After its next sync the tablet says so and stamps the next photo of the same document.
    await sync.syncNow();
    await tablet.open(indicatorPath);
    await tablet.openIndicator(3);
    await tablet.page.getByTestId('photo-stamp-note').waitFor();
    await photos.add('dengan-cap.jpg', source);
    const stampedCorner = await photos.brightness('dengan-cap.jpg', STAMP_CORNER);
    expect(stampedCorner).toBeLessThan(170);
    expect(await photos.brightness('dengan-cap.jpg', FAR_CORNER)).toBeGreaterThan(220);
    await photos.open('dengan-cap.jpg');
    await tablet.page.screenshot({ path: join(SHOTS, 'photos-stamped-viewer-1024.png') });
    await new PhotoViewerModel(tablet.page).close();
    await sync.syncNow();
    expect(await sync.unsyncedChanges()).toBe(0);

    // What the server received: the stamped photo differs from the plain one in that corner.
    await openReview(page, stage.url, assessmentId);
    await decoded(page, 2);
    const img = (name: string) =>
      page.getByTestId('evidence-thumb').filter({ hasText: name }).locator('img');
    const received = {
      plain: await imageBrightness(img('tanpa-cap.jpg'), STAMP_CORNER),
      stamped: await imageBrightness(img('dengan-cap.jpg'), STAMP_CORNER),
    };
    expect(received.plain).toBeGreaterThan(220);
    expect(received.stamped).toBeLessThan(170);
    const hash = (name: string) =>
      page.getByTestId('evidence-thumb').filter({ hasText: name }).getAttribute('data-sha256');
    expect(await hash('dengan-cap.jpg')).not.toBe(await hash('tanpa-cap.jpg'));
  });

  it('on a touch tablet without location permission: double tap and pinch zoom, "Lokasi tidak direkam"', {
    timeout: 180_000,
  }, async () => {
    const context = await stage.newContext({
      viewport: { width: 800, height: 1280 },
      locale: 'id-ID',
      hasTouch: true,
      isMobile: true,
    });
    const app = new VerifierApp(await context.newPage(), stage.url);
    await app.open('/');
    await app.openTraining();
    await app.openIndicator(1);
    const photos = new PhotoSection(app.page);
    await photos.add(
      'sk.jpg',
      await documentPhoto(app.page, 'SK Tim Koordinasi SPBE', { width: 1600, height: 1200 }),
    );
    expect((await photos.facts('sk.jpg')).place).toBe('Lokasi tidak direkam');
    await app.page.getByTestId('location-refused').waitFor();
    expect(await app.page.getByTestId('location-refused').textContent()).toContain(
      'izin lokasi ditolak',
    );
    await photos.thumb('sk.jpg').getByTestId('thumb-open').tap();
    const viewer = new PhotoViewerModel(app.page);
    await viewer.loaded();
    const fitted = await viewer.sizes();
    expect(fitted.shown).toBeLessThan(fitted.natural);

    // Two quick taps zoom in where they land; two more go back to the whole photo.
    const box = await viewer.image().locator('..').boundingBox();
    if (!box) throw new Error('viewer stage not shown');
    const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await app.page.touchscreen.tap(at.x, at.y);
    await app.page.touchscreen.tap(at.x, at.y);
    await viewer.grownFrom(fitted.shown);
    await app.page.screenshot({ path: join(SHOTS, 'photos-viewer-doubletap-800.png') });
    await app.page.touchscreen.tap(at.x, at.y);
    await app.page.touchscreen.tap(at.x, at.y);
    await expect.poll(async () => (await viewer.sizes()).shown).toBeCloseTo(fitted.shown, 0);

    // Two fingers apart: the photo grows with them.
    await viewer.pinchOut(300);
    await viewer.grownFrom(fitted.shown);
    expect(await viewer.scaleText()).not.toBe(`${Math.round((fitted.shown / 1600) * 100)} %`);
    await app.page.screenshot({ path: join(SHOTS, 'photos-viewer-pinch-800.png') });
    expect(await accessibilityProblems(app.page)).toEqual([]);
    await viewer.close();
    await photos.thumb('sk.jpg').getByTestId('thumb-open').waitFor();
  });
});
