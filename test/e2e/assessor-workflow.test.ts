import { createHash, randomFillSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PERIOD_NAME } from '../../src/server/seed';
import { PACKAGE_NAME_RE } from '../../src/server/services/exports/national-package';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { PhotoSection } from './page-models/photos';
import { HomeScreen, StorageScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { e2eEnabled } from './support/browser';
import { openNationalPackage } from './support/national-package';
import { documentPhoto } from './support/photo';
import { appStage } from './support/stage';

/**
 * Issue 17 end to end, as the people involved notice it: a verifier works the "verifikasi
 * dokumen" stage of one indicator offline (a DOCX and a link as evidence, butir, the value
 * beside the penilaian mandiri, catatan, rekomendasi, a three-part penjelasan citing the
 * DOCX), syncs; the coordinator reads it in the unit report, moves the period on to the
 * next stage, the tablet follows after its sync, and the national evidence package of the
 * unit holds the tablet's files under the portal's names with an index that lists them.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const VERIFIER = 'verifikator1@cilegon.demo';
const VERIFIER_NAME = 'Verifikator Satu';
// Diskominfo on SPBE 2023: its internal team gave indicator 1 level 3.
const UNIT = 'Dinas Komunikasi, Informatika, Statistik dan Persandian';
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const DOCX = 'Perwal 12-2024 Arsitektur SPBE.docx';
const LINK = 'https://jdih.cilegonkota.go.id/perwal/12-2024';
const SCREENSHOT = 'jdih-perwal-12.png';
// Indicator 1's level-2 items in the instrument's words (SPBE 2020).
const ITEM_PERKADA = 'Perkada atau Keputusan Kepala Daerah yang memuat ketentuan Arsitektur SPBE';
const ITEM_PASAL = 'Pasal-pasal yang ditandai, memperlihatkan domain yang belum diatur';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(SHOTS, `assessor-workflow-${name}.png`) });

/** A DOCX-shaped file (zip signature, then random bytes) of `size` bytes. */
function docxBytes(size: number): Buffer {
  const b = Buffer.alloc(size);
  randomFillSync(b);
  b.set([0x50, 0x4b, 0x03, 0x04]);
  return b;
}

describe.skipIf(!e2eEnabled)(
  'issue 17: the assessor workflow from the tablet to the national package',
  () => {
    const stage = appStage();
    mkdirSync(SHOTS, { recursive: true });

    it('a verifier works "verifikasi dokumen" offline; the coordinator reads it, moves the period on and downloads the national package holding the same files', {
      timeout: 300_000,
    }, async () => {
      const laptop = { viewport: { width: 1366, height: 900 }, locale: 'id-ID' };
      const coordinatorPage = await (
        await stage.newContext({ ...laptop, timezoneId: 'Asia/Jakarta', acceptDownloads: true })
      ).newPage();
      const coordinator = new CoordinatorApp(coordinatorPage, stage.url);
      const reports = new CoordinatorReviewPages(coordinatorPage, stage.url);
      await coordinator.login('koordinator@cilegon.demo', PASSWORD);

      // --- The tablet is enrolled with the code the coordinator reads out, and syncs.
      const verifiers = await coordinator.openVerifiers();
      const enrolment = await (await verifiers.open(VERIFIER)).enrolTablet();
      const tabletContext = await stage.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
      });
      const tablet = new VerifierApp(await tabletContext.newPage(), stage.url);
      const sync = new TabletSync(tablet);
      await sync.enrol(enrolment.displayCode, 'Tablet Verifikasi Dokumen');
      await sync.syncNow();
      const page = tablet.page;

      // --- Offline, on indicator 1 of Diskominfo.
      const home = new HomeScreen(tablet);
      await home.open();
      await home.openUnit(UNIT);
      const screen = await tablet.openIndicator(1);
      await screen.photoCount();
      await tablet.waitForServiceWorker();
      await tabletContext.setOffline(true);
      expect(await screen.stageLine()).toBe('Tahap: Verifikasi dokumen');
      // The internal team's value stands beside the input before the verifier gives one.
      expect(await screen.stageValue('mandiri')).toBe('Penilaian mandiri: 3');

      // Evidence: the Perwal as a DOCX, and its page on the JDIH as a link with a screenshot,
      // each tied to the level-2 item it proves.
      const photos = new PhotoSection(page);
      const docx = docxBytes(36_000);
      const docxTile = await photos.addFile(DOCX, docx, DOCX_MIME);
      expect(await photos.badge(docxTile)).toBe('DOCX');
      await photos.link(DOCX, ITEM_PERKADA);
      const screenshot = await documentPhoto(page, 'JDIH Kota Cilegon — Perwal 12/2024', {
        width: 1280,
        height: 800,
      });
      await photos.addLink({
        url: LINK,
        screenshot: { name: SCREENSHOT, bytes: screenshot },
        checkedDay: '2026-11-20',
      });
      await photos.link(LINK, ITEM_PASAL);

      // Butir in the evaluation's words, then the value of this stage.
      await screen.checkEvidence(2, 0, 'present');
      await screen.checkEvidence(2, 1, 'inadequate');
      await screen.setVerifiedLevel(2);
      await expect
        .poll(() => screen.stageValue('dokumen'))
        .toMatch(new RegExp(`^Verifikasi dokumen \\(tahap ini\\): 2 · ${VERIFIER_NAME} · \\d`));
      expect(await screen.stageValue('mandiri')).toBe('Penilaian mandiri: 3');

      // Catatan, rekomendasi from the library plus a target, and the three-part penjelasan.
      const catatan = 'Perwal ada; pasal domain belum lengkap.';
      await screen.writeOutput('notes', catatan);
      const standard = await screen.insertStandardRecommendation(3);
      const rekomendasi = `${standard}\nTarget: triwulan II 2027.`;
      await screen.writeOutput('rekomendasi', rekomendasi);
      const fakta = `Perwal 12/2024 tentang Arsitektur SPBE, pasal 4 ayat (2), halaman 3; berkas ${DOCX}.`;
      const analisis = 'Pasal 4 memuat referensi arsitektur; domain keamanan belum diatur.';
      const justifikasi = 'Ketentuan sudah ada tetapi belum utuh: level 2.';
      await screen.writeOutput('fakta', fakta);
      await screen.writeOutput('analisis', analisis);
      await screen.writeOutput('justifikasi', justifikasi);
      await screen.citeFile(DOCX);
      expect(await screen.citedFiles()).toEqual([DOCX]);
      for (const part of ['stage-values', 'photos', 'penjelasan'] as const) {
        await screen.show(part);
        await shot(page, `tablet-${part}`);
      }
      // What the tablet holds, to compare with the package later.
      const held = {
        docx: await photos.storedBytes(DOCX),
        screenshot: await photos.storedBytes(LINK),
      };
      expect(sha256(held.docx)).toBe(sha256(docx));

      // --- Reloaded, still offline: everything is there.
      await tablet.reload();
      expect(await tablet.connectivityLabel()).toMatch(/Luring/);
      const again = await tablet.indicatorShown(1);
      expect(await again.stageLine()).toBe('Tahap: Verifikasi dokumen');
      expect(await again.levelChosen(2)).toBe(true);
      expect(await again.stageValue('dokumen')).toMatch(/^Verifikasi dokumen \(tahap ini\): 2 · /);
      expect(await again.stageValue('mandiri')).toBe('Penilaian mandiri: 3');
      expect(await again.butirState(2, 0)).toBe('present');
      expect(await again.butirState(2, 1)).toBe('inadequate');
      await again.output('rekomendasi').waitFor();
      expect(await again.output('notes').inputValue()).toBe(catatan);
      expect(await again.output('rekomendasi').inputValue()).toBe(rekomendasi);
      expect(await again.output('fakta').inputValue()).toBe(fakta);
      expect(await again.output('analisis').inputValue()).toBe(analisis);
      expect(await again.output('justifikasi').inputValue()).toBe(justifikasi);
      await expect.poll(() => again.citedFiles()).toEqual([DOCX]);
      expect(await photos.linkedTo(DOCX)).toContain(ITEM_PERKADA);
      expect(await photos.linkedTo(LINK)).toContain(ITEM_PASAL);
      expect(sha256(await photos.storedBytes(LINK))).toBe(sha256(held.screenshot));
      await again.show('photos');
      await shot(page, 'tablet-offline-reload');

      // --- Online: everything is sent, files included.
      await tabletContext.setOffline(false);
      await sync.syncNow();
      expect(await sync.unsyncedChanges()).toBe(0);
      const storage = new StorageScreen(tablet);
      await storage.open();
      expect((await storage.unsentFiles()).files).toBe(0);
      await shot(page, 'tablet-synced');

      // --- The coordinator reads the verifier's work in the unit report.
      await reports.openReports();
      await reports.choosePeriod(DEMO_PERIOD_NAME);
      const report = await reports.openUnitReport(UNIT);
      expect(await reports.unitReportStages(1)).toMatchObject({
        'Penilaian mandiri': '3',
        'Verifikasi dokumen': '2',
        Interviu: '–',
      });
      expect(await reports.unitReportOutputs(1)).toEqual({
        Rekomendasi: rekomendasi,
        'Penjelasan — fakta': fakta,
        'Penjelasan — analisis': analisis,
        'Penjelasan — justifikasi': justifikasi,
        'Berkas yang dikutip': DOCX,
      });
      await reports.show('unit-report-outputs');
      // The link's screenshot under it (a lazy image: loaded once near the view).
      await reports.waitForDecodedImages('evidence-thumb', 1);
      await shot(coordinatorPage, 'coordinator-unit-report');
      expect(await report.textContent()).toContain(catatan);

      // --- The coordinator moves the period on to the interview; its history says so.
      const periods = await coordinator.openPeriodsPage();
      expect(await periods.stageOf(DEMO_PERIOD_NAME)).toContain('Verifikasi dokumen (2 dari 4)');
      const moved = await periods.advanceStage(DEMO_PERIOD_NAME);
      expect(moved.question).toContain('dari tahap Verifikasi dokumen ke tahap Interviu?');
      expect(moved.confirmation).toBe(`Periode "${DEMO_PERIOD_NAME}" sekarang di tahap Interviu.`);
      await expect.poll(() => periods.stageOf(DEMO_PERIOD_NAME)).toContain('Interviu (3 dari 4)');
      const history = await periods.stageHistory(DEMO_PERIOD_NAME, 2);
      expect(history.map((r) => r.slice(0, 2))).toEqual([
        ['Penilaian mandiri → Verifikasi dokumen', 'Koordinator SPBE (Diskominfo)'],
        ['Verifikasi dokumen → Interviu', 'Koordinator SPBE (Diskominfo)'],
      ]);
      await periods.showHistory();
      await shot(coordinatorPage, 'coordinator-stage-history');

      // --- After its next sync the tablet works in the interview; the document value is an
      // earlier stage's value now, with who gave it.
      await sync.syncNow();
      await home.open();
      await home.openUnit(UNIT);
      const interviu = await tablet.openIndicator(1);
      await expect.poll(() => interviu.stageLine()).toBe('Tahap: Interviu');
      expect(await interviu.stageValue('dokumen')).toMatch(
        new RegExp(`^Verifikasi dokumen: 2 · ${VERIFIER_NAME} · \\d`),
      );
      expect(await interviu.stageValue('mandiri')).toBe('Penilaian mandiri: 3');
      // No interview value yet: no level reads as chosen (the document stage's 2 is listed
      // above as that stage's), and the interview's own line says so.
      for (const level of [1, 2, 3, 4, 5]) expect(await interviu.levelChosen(level)).toBe(false);
      expect(await page.getByTestId('cumulative-warning').count()).toBe(0);
      expect(await interviu.stageValue('interviu')).toBe(
        'Interviu (tahap ini): belum dinilai — pilih level untuk tahap ini',
      );
      await interviu.show('stage-values');
      await shot(page, 'tablet-interviu');

      // --- The national package of the unit, from Laporan: the tablet's files under the
      // portal's names, byte for byte, and an index listing them with the butir and the link.
      await reports.openReports();
      await reports.choosePeriod(DEMO_PERIOD_NAME);
      await reports.show('unit-reports');
      await shot(coordinatorPage, 'coordinator-reports');
      const zip = await reports.downloadNationalPackage(UNIT);
      expect(zip.name).toMatch(/^telusur-evaluasi-spbe-2023-paket-bukti-.+\.zip$/);
      const pkg = await openNationalPackage(zip.bytes);
      const docxName = 'I01_L2_01_perkada-atau-keputusan-kepala-daerah.docx';
      const shotName = Object.keys(pkg.files).find((n) =>
        n.startsWith('I01_L2_02_pasal-pasal-yang-ditandai-memperlihatkan.'),
      );
      expect(Object.keys(pkg.files).sort()).toEqual([docxName, shotName, 'indeks.xlsx'].sort());
      for (const name of [docxName, shotName as string])
        expect(PACKAGE_NAME_RE.test(name), name).toBe(true);
      expect(sha256(pkg.files[docxName] as Uint8Array)).toBe(sha256(held.docx));
      expect(sha256(pkg.files[shotName as string] as Uint8Array)).toBe(sha256(held.screenshot));

      const row = (name: string) => pkg.index.find((r) => r['Berkas dalam zip'] === name);
      expect(pkg.index).toHaveLength(2);
      expect(row(docxName)).toMatchObject({
        'No. indikator': 1,
        Level: 2,
        'No. butir': 1,
        'Butir bukti': ITEM_PERKADA,
        'Nama asli': DOCX,
        Jenis: 'DOCX',
        'Status butir': 'Diterima',
        'SHA-256': sha256(held.docx),
        URL: null,
      });
      expect(row(shotName as string)).toMatchObject({
        'No. indikator': 1,
        Level: 2,
        'No. butir': 2,
        'Butir bukti': ITEM_PASAL,
        'Status butir': 'Perlu revisi',
        'SHA-256': sha256(held.screenshot),
        URL: LINK,
      });
      expect(coordinator.cspViolations).toEqual([]);
    });
  },
);
