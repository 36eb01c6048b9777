import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEMO_PERIOD_NAME, kelurahanCode } from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { BeritaAcaraScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, assessmentIdFor, coordinatorToken, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { documentPhoto } from './support/photo';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const UNIT = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1
const COMMENT = 'Disetujui; mohon SK asli dibawa saat rapat evaluasi.';

/** The coordinator's side of enrolment and the unit's assessment id, through the API (their UI has its own e2e). */
async function setUp(base: string): Promise<{ code: string; assessmentId: string }> {
  const { code, token } = await enrolmentCodeFor(base, 'verifikator1@cilegon.demo');
  const { units } = await api<{ units: { id: string; code: string }[] }>(base, '/api/units', {
    token,
  });
  const unitId = units.find((u) => u.code === UNIT)?.id;
  const { assignments } = await api<{ assignments: { unitId: string; assessmentId: string }[] }>(
    base,
    '/api/assignments',
    { token },
  );
  const assessmentId = assignments.find((a) => a.unitId === unitId)?.assessmentId;
  if (!assessmentId) throw new Error(`${UNIT} has no assessment`);
  return { code, assessmentId };
}

// e2e runs only where Chromium is installed (Debian's /usr/bin/chromium); test/run.mjs
// sets TELUSUR_E2E=1 then, and CI requires it.
describe.skipIf(process.env.TELUSUR_E2E !== '1' || !e2eEnabled)(
  'coordinator reviews what a tablet sent',
  () => {
    const stage = appStage();
    const newContext = async () => {
      const c = await stage.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'id-ID',
      });
      return c;
    };

    it('a tablet verifies and syncs; the coordinator approves in the UI; the tablet shows it approved', {
      timeout: 240_000,
    }, async () => {
      const { code, assessmentId } = await setUp(stage.url);

      // The verifier's tablet: verify indicator 1 with a photo, sign the berita acara, sync.
      const tablet = new VerifierApp(await (await newContext()).newPage(), stage.url);
      const sync = new TabletSync(tablet);
      await sync.enrol(code, 'Tablet Bulakan');
      await sync.syncNow();
      const unitPath = `/kerja/a/${encodeURIComponent(assessmentId)}`;
      await tablet.open(unitPath);
      const screen = await tablet.openIndicator(1);
      await screen.setVerifiedLevel(2);
      await screen.addPhoto(
        'sk-tim-spbe.jpg',
        await documentPhoto(tablet.page, 'SK Lurah tentang Tim SPBE', { width: 1200, height: 900 }),
      );
      await screen.writeNotes('SK ada, ditandatangani Lurah.');
      await tablet.open(`${unitPath}/berita-acara`);
      const ba = new BeritaAcaraScreen(tablet.page);
      await ba.fill('ba-place', 'Kantor Kelurahan Bulakan');
      await ba.fill('ba-verifier-name', 'Verifikator Satu');
      await ba.fill('ba-verifier-role', 'Verifikator Diskominfo');
      await ba.fill('ba-rep-name', 'Lurah Bulakan');
      await ba.fill('ba-rep-role', 'Lurah');
      await ba.sign('sig-verifier');
      await ba.sign('sig-representative');
      // Only some indicators are verified here: signing needs the explicit partial choice.
      await ba.choosePartial();
      await ba.signRecord();
      await sync.syncNow();
      expect(await sync.unsyncedChanges()).toBe(0);

      // The coordinator: dashboard shows the unit as sent, its cell opens evidence and audit trail.
      const page = await (await newContext()).newPage();
      const app = new CoordinatorApp(page, stage.url);
      await app.login('koordinator@cilegon.demo', PASSWORD);
      const coordinator = new CoordinatorReviewPages(page, stage.url);
      await coordinator.openDashboard();
      await coordinator.choosePeriod(DEMO_PERIOD_NAME);
      expect(await coordinator.cityIndex()).toEqual({ index: '2,10', predicate: 'Cukup' });
      expect(await app.accessibilityViolations()).toEqual([]);
      await expect
        .poll(
          async () => {
            await page.reload();
            await coordinator.progressRow(UNIT).waitFor();
            return coordinator.progressStatus(UNIT);
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toBe('terkirim');
      const panel = await coordinator.openCell(UNIT, 1);
      expect(await panel.getByTestId('audit-list').textContent()).toContain('Level verifikasi');
      expect(await panel.textContent()).toContain('SK ada, ditandatangani Lurah.');
      await coordinator.waitForDecodedImages('evidence-thumb', 1);

      // Review: the signed version, photo and both signatures shown, a comment on indicator
      // 1, approve.
      await coordinator.openReview(UNIT);
      expect(await coordinator.reviewStatus()).toBe('selesai');
      const signing = await coordinator.signing();
      expect(signing.state).toBe('signed');
      expect(signing.text).toContain('Verifikasi sebagian');
      expect(signing.text).toContain('SEMENTARA');
      expect(signing.text).toMatch(/sidik [0-9a-f]{12}/);
      // A partial verification's predikat never stands without the large SEMENTARA mark.
      await expect
        .poll(() => page.getByTestId('review-verified-index').locator('..').textContent())
        .toContain('SEMENTARA');
      await coordinator.waitForDecodedImages('signature-image', 2);
      await coordinator.waitForDecodedImages('evidence-thumb', 1);
      mkdirSync(SHOTS, { recursive: true });
      await page
        .locator('.r-kpis')
        .first()
        .screenshot({ path: join(SHOTS, 'coordinator-review-indices.png') });
      await coordinator.commentOn(1, COMMENT);
      expect(await app.accessibilityViolations()).toEqual([]);
      expect(await coordinator.decide('approve')).toContain('disetujui');
      await expect.poll(() => coordinator.reviewStatus()).toBe('disetujui');
      // The next decision starts from empty boxes; the comment sent is shown as the earlier one.
      expect(await coordinator.commentBoxes(1)).toEqual({ overall: '', indicator: '' });
      expect(await page.getByTestId('review-previous-comment-1').textContent()).toContain(COMMENT);
      // Changing the decision asks first; cancelling sends nothing.
      expect(await coordinator.askToChange('return')).toContain('sudah disetujui');
      await coordinator.cancelChange();
      expect(await coordinator.reviewStatus()).toBe('disetujui');
      expect(app.cspViolations).toEqual([]);

      // The tablet's next sync brings the approval and the comment.
      await sync.syncNow();
      await tablet.open(unitPath);
      await expect
        .poll(async () =>
          (await tablet.page.getByTestId('assessment-status').textContent())?.trim(),
        )
        .toBe('disetujui');
      await tablet.openIndicator(1);
      const comment = tablet.page.getByTestId('review-comment');
      await comment.waitFor();
      expect(await comment.textContent()).toContain(COMMENT);

      // The coordinator reopens it with a reason; the tablet may edit it again.
      expect(await coordinator.reopen('Level indikator 1 perlu dicek ulang.')).toContain(
        'dibuka kembali',
      );
      await expect.poll(() => coordinator.reviewStatus()).toBe('dibuka');
      await sync.syncNow();
      await tablet.open(unitPath);
      await expect
        .poll(async () =>
          (await tablet.page.getByTestId('assessment-status').textContent())?.trim(),
        )
        .toBe('dibuka kembali');
    });

    it('a viewer reads the dashboard, plan and reports, and downloads the exports', {
      timeout: 120_000,
    }, async () => {
      const page = await (await newContext()).newPage();
      const app = new CoordinatorApp(page, stage.url);
      await app.login('pimpinan@cilegon.demo', PASSWORD);
      const viewer = new CoordinatorReviewPages(page, stage.url);
      const menu = await viewer.menuEntries();
      expect(menu).toContain('cnav-dasbor');
      expect(menu).toContain('cnav-laporan');
      expect(menu).toContain('cnav-rencana');
      await viewer.openDashboard();
      await viewer.choosePeriod(DEMO_PERIOD_NAME);
      await viewer.progressRow(UNIT).waitFor();
      expect(await page.getByTestId('open-review').count()).toBe(0);
      // The review page is not theirs, even by address: they are told so.
      const reviewed = await assessmentIdFor(stage.url, await coordinatorToken(stage.url), UNIT);
      await page.goto(`${stage.url}/koordinator/tinjau/${encodeURIComponent(reviewed)}`);
      expect(await page.getByTestId('no-access').locator('h1').textContent()).toBe(
        'Anda tidak memiliki akses',
      );

      await page.goto(`${stage.url}/koordinator/laporan`);
      await viewer.choosePeriod(DEMO_PERIOD_NAME);
      await page.getByTestId('report-city-index').waitFor();
      expect(await page.getByTestId('report-city-index').textContent()).toBe('2,10');
      expect(await page.locator('[data-testid="city-report"] svg').count()).toBeGreaterThanOrEqual(
        2,
      );
      expect(await app.accessibilityViolations()).toEqual([]);
      const csv = await viewer.download('csv');
      expect(csv.name).toMatch(/^telusur-evaluasi-spbe-2023-level-\d{8}-\d{4}\.csv$/);
      expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      // The CSV starts with its header row (the period is named in the XLSX info sheet).
      expect(csv.bytes.toString('utf8')).toMatch(/^\ufeffKode unit;/);
      const xlsx = await viewer.download('xlsx');
      expect(xlsx.name).toMatch(/\.xlsx$/);
      expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
      // The national evidence package: the Pemda's has a folder per unit with the photo the
      // tablet sent (linked to no evidence item: L0_00), the unit's holds it at its root.
      const pemda = await viewer.downloadNationalPackage();
      expect(pemda.name).toMatch(/^telusur-evaluasi-spbe-2023-paket-bukti-pemda-\d{8}-\d{4}\.zip$/);
      const all = Object.keys(unzipSync(new Uint8Array(pemda.bytes)));
      expect(all).toContain('indeks.xlsx');
      expect(all.find((n) => n.startsWith(`${UNIT}_`))).toMatch(/\/I01_L0_00_sk-tim-spbe\.jpg$/);
      const unit = await viewer.downloadNationalPackage('Bulakan');
      expect(Object.keys(unzipSync(new Uint8Array(unit.bytes))).sort()).toEqual([
        'I01_L0_00_sk-tim-spbe.jpg',
        'indeks.xlsx',
      ]);
      expect(app.cspViolations).toEqual([]);
    });
  },
);
