import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kelurahanCode } from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { PhotoSection } from './page-models/photos';
import { TabletSync, VerifierApp } from './page-models/verifier-app';
import { assessmentIdFor, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { DOCX, docxBytes } from './support/files';
import { documentPhoto } from './support/photo';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const UNIT = kelurahanCode(0, 0);
const LINK = 'https://perizinan.cilegon.go.id/layanan/izin-usaha';

describe.skipIf(!e2eEnabled)('evidence as it really comes: a DOCX and a link', () => {
  const stage = appStage();
  mkdirSync(SHOTS, { recursive: true });

  it('the verifier adds a DOCX and a link with its screenshot offline, keeps them over a reload, syncs; the coordinator downloads and reads them', {
    timeout: 300_000,
  }, async () => {
    const { code, token } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
    const assessmentId = await assessmentIdFor(stage.url, token, UNIT);
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      acceptDownloads: true,
    });
    const tablet = new VerifierApp(await context.newPage(), stage.url);
    const sync = new TabletSync(tablet);
    await sync.enrol(code, 'Tablet Bukti Berkas');
    await sync.syncNow();
    await tablet.open(`/kerja/a/${encodeURIComponent(assessmentId)}`);
    const screen = await tablet.openIndicator(2);
    const photos = new PhotoSection(tablet.page);
    await tablet.page.getByTestId('photos').waitFor();
    const screenshot = await documentPhoto(tablet.page, 'Layanan Izin Usaha — halaman depan', {
      width: 1280,
      height: 800,
    });

    // The limits of each kind, stated where files are picked.
    expect(await tablet.page.getByTestId('evidence-limits').textContent()).toBe(
      'Batas ukuran: Foto maks. 40 MB · PDF maks. 20 MB · Dokumen (DOCX, ODT) maks. 20 MB · Lembar kerja (XLSX, ODS) maks. 20 MB · Arsip (ZIP, RAR) maks. 50 MB.',
    );

    await context.setOffline(true);
    const docx = docxBytes(48_000);
    const tile = await photos.addFile('Notulen Rapat Tim SPBE.docx', docx, DOCX);
    expect(await tile.getByTestId('thumb-badge').textContent()).toBe('DOCX');
    expect(await tile.getByTestId('thumb-size').textContent()).toBe('DOCX · 47 KB');
    // Never rendered in the page: no image, no viewer, only a download.
    expect(await tile.locator('img').count()).toBe(0);
    expect(await tile.getByTestId('thumb-open').count()).toBe(0);

    // Refused, with what is accepted named: a text file, a link that is no web address.
    expect(
      await screen.pickFileExpectingError('catatan.txt', Buffer.from('bukan bukti'), 'text/plain'),
    ).toMatch(/tidak diterima\. Pilih foto \(JPEG\/PNG\/WebP\), PDF, dokumen \(DOCX, ODT\)/);
    expect(await photos.addLinkExpectingError('javascript:alert(1)')).toMatch(
      /harus diawali http:\/\/ atau https:\/\//,
    );
    await tablet.page.getByTestId('link-url').scrollIntoViewIfNeeded();
    await tablet.page.screenshot({ path: '/tmp/evkinds-link-form-1024.png' });
    const link = await photos.addLink({
      url: LINK,
      screenshot: { name: 'layar-izin.png', bytes: screenshot },
      checkedDay: '2026-11-20',
    });
    expect(await link.getByTestId('link-checked').textContent()).toBe('Diperiksa 20 Nov 2026');
    await tablet.page.getByTestId('photos').scrollIntoViewIfNeeded();
    await tablet.page.screenshot({ path: join(SHOTS, 'evidence-kinds-tablet-1024.png') });
    await tablet.page.screenshot({ path: '/tmp/evkinds-tablet-1024.png', fullPage: true });

    // Still there after a reload, offline.
    await tablet.reload();
    await photos.thumb('Notulen Rapat Tim SPBE.docx').getByTestId('thumb-badge').waitFor();
    const kept = tablet.page.locator('[data-testid="thumb"][data-kind="link"]');
    await kept.locator('img').waitFor();
    const anchor = kept.getByTestId('link-address');
    expect(await anchor.textContent()).toBe(LINK);
    expect(await anchor.getAttribute('href')).toBe(LINK);
    expect(await anchor.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await anchor.getAttribute('target')).toBe('_blank');
    // Opening the DOCX saves it, byte for byte, under its name.
    const [download] = await Promise.all([
      tablet.page.waitForEvent('download'),
      photos.thumb('Notulen Rapat Tim SPBE.docx').getByTestId('thumb-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('Notulen Rapat Tim SPBE.docx');
    const saved = await download.path();
    expect(Buffer.compare((await import('node:fs')).readFileSync(saved), docx)).toBe(0);

    await context.setOffline(false);
    await sync.syncNow();
    expect(await sync.unsyncedChanges()).toBe(0);

    // The coordinator's review: the DOCX as a download with its badge and size; the link
    // with its address, the day checked and the screenshot.
    const page = await (
      await stage.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
        acceptDownloads: true,
      })
    ).newPage();
    const coordinator = new CoordinatorApp(page, stage.url);
    await coordinator.login('koordinator@cilegon.demo', PASSWORD);
    await page.goto(`${stage.url}/koordinator/tinjau/${encodeURIComponent(assessmentId)}`);
    await page.getByTestId('review-page').waitFor();
    const file = page.locator('[data-testid="evidence-thumb"][data-kind="download"]');
    await file.waitFor();
    expect(await file.getByTestId('evidence-size').textContent()).toBe('DOCX · 47 KB');
    expect(await file.locator('img').count()).toBe(0);
    const [got] = await Promise.all([
      page.waitForEvent('download'),
      file.getByTestId('evidence-download').click(),
    ]);
    expect(got.suggestedFilename()).toBe('Notulen Rapat Tim SPBE.docx');
    const linked = page.locator('[data-testid="evidence-thumb"][data-kind="link"]');
    await linked.locator('img').waitFor();
    expect(await linked.getByTestId('link-address').getAttribute('href')).toBe(LINK);
    expect(await linked.getByTestId('link-checked').textContent()).toBe('Diperiksa 20 Nov 2026');
    await linked.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'evidence-kinds-review-1024.png') });
    await page.screenshot({ path: '/tmp/evkinds-review-1024.png' });
    expect(coordinator.cspViolations).toEqual([]);
  });
});
