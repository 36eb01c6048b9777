import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { verificationId } from '../../src/core';
import { kelurahanCode } from '../../src/server/seed';
import { edit, pushRaw } from '../helpers/raw-push';
import { httpCall } from '../helpers/sync-harness';
import {
  BeritaAcaraScreen,
  ChecklistScreen,
  StorageScreen,
  TabletSync,
  VerifierApp,
} from './page-models/verifier-app';
import { api, assessmentIdFor, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const UNIT = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1
const PLACE = 'Kantor Kelurahan Bulakan';
const VERIFIER_NIP = '19800101 200501 2 001';
const REP_NIP = '19750505 199803 1 002';
const NA_REASON = 'Kelurahan tidak mengelola pusat data sendiri.';
const OVERALL = 'Mohon periksa ulang indikator 1: SK belum ditandatangani Lurah.';
const ON_1 = 'SK Tim SPBE yang difoto masih draf.';
const REOPEN_REASON = 'Nilai indikator 1 perlu diperbaiki sesuai SK terbaru.';
const VOID_TEXT = 'Tanda tangan batal: hasil berubah setelah ditandatangani — tandatangani ulang';

/** What the coordinator's review detail says about a record (GET /api/reports/assessments/:id). */
interface Detail {
  assessment: { status: string };
  signing: { state: string; digest: string | null; partial: boolean };
  review: { expectedVersion: number };
}

/** "Hal. x dari y" in a page's text, however the PDF split its runs. */
function pageNumber(text: string): [number, number] | null {
  const m = /Hal\.\s*(\d+)\s*dari\s*(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)(
  'the berita acara as a record: sign, void, return, approve, print',
  () => {
    const stage = appStage();
    /** A 1024×768 tablet in Western Indonesia Time. */
    const tabletPage = async (): Promise<Page> => {
      const c = await stage.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
      });
      return c.newPage();
    };
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(SHOTS, `berita-acara-${name}.png`), fullPage: true });

    beforeAll(() => {
      mkdirSync(SHOTS, { recursive: true });
    });

    it('signs only complete or explicitly partial work, voids on change, is returned, re-signed, approved and then read-only', {
      timeout: 300_000,
    }, async () => {
      const { code, token } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
      const assessmentId = await assessmentIdFor(stage.url, token, UNIT);
      const detail = () =>
        api<Detail>(stage.url, `/api/reports/assessments/${assessmentId}`, { token });
      const decide = async (body: Record<string, unknown>) =>
        api<Detail>(stage.url, `/api/assessments/${assessmentId}/review`, {
          method: 'POST',
          token,
          body: { ...body, expectedVersion: (await detail()).review.expectedVersion },
        });

      const tablet = new VerifierApp(await tabletPage(), stage.url);
      const page = tablet.page;
      const sync = new TabletSync(tablet);
      await sync.enrol(code, 'Tab Bulakan');
      await sync.syncNow();
      // Every time on the tablet names its zone (the Pemda's, Cilegon: WIB), as the
      // coordinator's do: the last sync and the sync history on the storage page.
      const storage = new StorageScreen(tablet);
      expect((await storage.lastSuccess()).text).toMatch(/^\d{1,2} \w{3} \d{4}, \d{2}\.\d{2} WIB$/);
      expect((await storage.history())[0]?.text).toMatch(/\d{2}\.\d{2} WIB/);
      const checklist = new ChecklistScreen(tablet);
      const unitPath = `/kerja/a/${encodeURIComponent(assessmentId)}`;
      const openBa = async () => {
        await tablet.open(`${unitPath}/berita-acara`);
        await page.getByTestId('ba-signing-state').waitFor();
        return new BeritaAcaraScreen(page);
      };

      // Two indicators: one verified with a note, one not applicable with its reason.
      await checklist.open(assessmentId);
      const first = await tablet.openIndicator(1);
      await first.setVerifiedLevel(2);
      await first.writeNotes('SK Tim SPBE ada.');
      const second = await first.next();
      await second.markNotApplicable(NA_REASON);

      let ba = await openBa();
      await ba.fill('ba-place', PLACE);
      await ba.fill('ba-verifier-name', 'Verifikator Satu');
      await ba.fill('ba-verifier-nip', VERIFIER_NIP);
      await ba.fill('ba-verifier-role', 'Verifikator Diskominfo');
      await ba.fill('ba-rep-name', 'Lurah Bulakan');
      await ba.fill('ba-rep-nip', REP_NIP);
      await ba.fill('ba-rep-role', 'Lurah');
      await ba.sign('sig-verifier');
      await ba.sign('sig-representative');

      // Incomplete: signing is refused and what is missing is listed.
      expect(await ba.signingState()).toBe('unsigned');
      expect(await ba.signButton()).toEqual({ label: 'Tandatangani berita acara', enabled: false });
      expect(await page.getByTestId('ba-incomplete').textContent()).toContain(
        '45 indikator belum diverifikasi',
      );
      expect(await page.getByTestId('ba-missing').locator('li').count()).toBe(45);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'draft');

      // The unsigned record prints as DRAF on every page, with page numbers.
      let printed = await ba.printed();
      writeFileSync(join(SHOTS, 'berita-acara-draft.pdf'), printed.pdf);
      expect(printed.dom).toContain('DRAF');
      expect(printed.dom).not.toContain('LATIHAN');
      expect(printed.dom).toContain(
        'Pada hari ini, …………… tanggal ……………, bertempat di Kantor Kelurahan Bulakan, kami yang bertanda tangan di bawah ini:',
      );
      expect(printed.dom).toContain(VERIFIER_NIP);
      expect(printed.dom).toContain(REP_NIP);
      expect(printed.dom).toContain(NA_REASON);
      expect(printed.dom).toContain('SK Tim SPBE ada.');
      // Two of 47 indicators: the predikat is provisional.
      expect(printed.dom).toMatch(/Predikat:\s*\S+\)\s*SEMENTARA/);
      expect(printed.pages.length).toBeGreaterThan(1);
      printed.pages.forEach((text, i) => {
        expect(pageNumber(text)).toEqual([i + 1, printed.pages.length]);
        expect(text).toContain('DRAF');
      });

      // The explicit partial choice lets the verifier sign.
      await ba.choosePartial();
      expect(await ba.signButton()).toEqual({ label: 'Tandatangani berita acara', enabled: true });
      await ba.signRecord();
      expect(await ba.signingState()).toBe('signed');
      expect(await page.getByTestId('ba-signed').textContent()).toMatch(/pukul \d{2}\.\d{2} WIB$/);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'signed');

      printed = await ba.printed();
      writeFileSync(join(SHOTS, 'berita-acara-signed.pdf'), printed.pdf);
      const today = new Intl.DateTimeFormat('id-ID', {
        timeZone: 'Asia/Jakarta',
        weekday: 'long',
      }).format(new Date());
      const date = new Intl.DateTimeFormat('id-ID', {
        timeZone: 'Asia/Jakarta',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
      }).format(new Date());
      expect(printed.dom).toContain(
        `Pada hari ini, ${today} tanggal ${date}, bertempat di ${PLACE}, kami yang bertanda tangan di bawah ini:`,
      );
      // Headed by the organisation (the demo's: Kota Cilegon, no logo), times in its zone.
      expect(printed.dom).toContain('PEMERINTAH KOTA CILEGON');
      expect(printed.dom).toMatch(/pukul \d{2}\.\d{2} WIB/);
      expect(printed.dom).toContain('VERIFIKASI SEBAGIAN — 2 dari 47 indikator diverifikasi');
      expect(printed.dom).toMatch(/Predikat:\s*\S+\)\s*SEMENTARA/);
      expect(printed.pages.join('\n')).not.toContain('DRAF');
      expect(pageNumber(printed.pages[0] ?? '')).toEqual([1, printed.pages.length]);
      const printedDigest = /Sidik SHA-256:\s*((?:[0-9a-f]{4}\s?){16})/
        .exec(printed.dom)?.[1]
        ?.replace(/\s/g, '');
      expect(printedDigest).toMatch(/^[0-9a-f]{64}$/);

      // The server computes the same digest from what it received: the signing holds there too.
      await sync.syncNow();
      let d = await detail();
      expect(d.signing).toMatchObject({ state: 'signed', digest: printedDigest, partial: true });

      // A level changed after signing voids the signatures, visibly, everywhere the record shows.
      await checklist.open(assessmentId);
      await (await tablet.openIndicator(1)).setVerifiedLevel(3);
      await checklist.open(assessmentId);
      expect((await checklist.notice('signing-void').textContent())?.trim()).toContain(VOID_TEXT);
      await tablet.open(`${unitPath}/ringkasan`);
      await page.getByTestId('signing-void').waitFor();
      ba = await openBa();
      expect(await ba.signingState()).toBe('void');
      // Neither signature of the voided version stands on the new figures: both pads ask anew,
      // and "sign again" waits until both persons have signed again.
      await expect.poll(() => ba.staleSignatures()).toEqual(['sig-verifier', 'sig-representative']);
      expect(await ba.signatureImage('sig-verifier')).toBeNull();
      expect(await ba.signatureImage('sig-representative')).toBeNull();
      expect(await ba.signButton()).toEqual({
        label: 'Tandatangani ulang & kirim',
        enabled: false,
      });
      expect(await ba.signerGaps()).toBe(
        'Belum diisi: tanda tangan verifikator, tanda tangan perwakilan unit.',
      );
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'void');
      printed = await ba.printed();
      writeFileSync(join(SHOTS, 'berita-acara-void.pdf'), printed.pdf);
      expect(printed.dom).toContain(VOID_TEXT);
      expect(printed.dom).toContain('DRAF');
      // The old signing date does not stand over the changed results either.
      expect(printed.dom).toContain('Pada hari ini, …………… tanggal ……………,');
      // Old signatures never stand under new results.
      expect(await page.getByTestId('ba-document').locator('img').count()).toBe(0);
      await sync.syncNow();
      expect((await detail()).signing.state).toBe('void');
      // The home card says so too, and its status does not claim "terkirim".
      await tablet.open('/');
      const card = page.locator(`[data-testid="unit-card"][href="${unitPath}"]`);
      expect(await card.getByTestId('unit-status').textContent()).toBe('Tanda tangan batal');
      expect(await card.textContent()).not.toContain('terkirim');

      ba = await openBa();
      await ba.sign('sig-verifier');
      // One person signing again is not enough.
      expect(await ba.staleSignatures()).toEqual(['sig-representative']);
      expect(await ba.signButton()).toEqual({
        label: 'Tandatangani ulang & kirim',
        enabled: false,
      });
      expect(await ba.signerGaps()).toBe('Belum diisi: tanda tangan perwakilan unit.');
      await ba.sign('sig-representative');
      expect(await ba.staleSignatures()).toEqual([]);
      expect(await ba.signButton()).toEqual({ label: 'Tandatangani ulang & kirim', enabled: true });
      await ba.signRecord();
      expect(await ba.signingState()).toBe('signed');
      await sync.syncNow();
      expect((await detail()).signing.state).toBe('signed');
      ba = await openBa();

      // Removing a saved signature of a signed record asks first, then voids the signing.
      await page.getByTestId('sig-verifier-clear').click();
      await page.getByTestId('clear-signature-dialog').getByTestId('confirm-ok').click();
      await expect.poll(() => ba.signingState()).toBe('void');
      await ba.sign('sig-verifier');
      await ba.signRecord();
      await sync.syncNow();
      d = await detail();
      expect(d.signing.state).toBe('signed');

      // The coordinator returns it with an overall comment and one on indicator 1.
      await decide({
        decision: 'return',
        comment: OVERALL,
        comments: [{ indicatorNo: 1, comment: ON_1 }],
      });
      await sync.syncNow();
      await checklist.open(assessmentId);
      await expect
        .poll(async () => (await page.getByTestId('assessment-status').textContent())?.trim())
        .toBe('dikembalikan');
      expect((await checklist.notice('returned-count').textContent())?.trim()).toBe(
        'Dikembalikan: 1 indikator dengan catatan',
      );
      expect(await checklist.notice('return-comment').textContent()).toContain(OVERALL);
      expect(await checklist.badgedRows()).toEqual([1]);
      await checklist.showReturned();
      expect(await checklist.rowNumbers()).toEqual([1]);
      await shot(page, 'returned-worklist');
      const returned = await tablet.openIndicator(1);
      expect(await page.getByTestId('review-comment').textContent()).toContain(ON_1);
      await returned.setVerifiedLevel(2);

      // Re-sign & send: the corrected figures are signed again by both persons, and the
      // coordinator sees it corrected, awaiting a decision.
      ba = await openBa();
      await expect.poll(() => ba.staleSignatures()).toEqual(['sig-verifier', 'sig-representative']);
      expect(await ba.signButton()).toEqual({
        label: 'Tandatangani ulang & kirim',
        enabled: false,
      });
      await ba.sign('sig-verifier');
      await ba.sign('sig-representative');
      expect(await ba.signButton()).toEqual({ label: 'Tandatangani ulang & kirim', enabled: true });
      await ba.signRecord();
      await expect
        .poll(async () => (await page.getByTestId('assessment-status').textContent())?.trim())
        .toBe('diperbaiki, menunggu keputusan');
      await sync.syncNow();
      d = await detail();
      expect(d.assessment.status).toBe('diperbaiki');
      expect(d.signing.state).toBe('signed');
      await decide({ decision: 'approve' });

      // Approved: read-only on the tablet, with whom to ask.
      await sync.syncNow();
      await checklist.open(assessmentId);
      await expect
        .poll(async () => (await page.getByTestId('assessment-status').textContent())?.trim())
        .toBe('disetujui');
      expect(await checklist.notice('approved-notice').textContent()).toContain(
        'minta koordinator (Diskominfo) membuka kembali',
      );
      await tablet.openIndicator(1);
      const fields = page.getByTestId('indicator-fields');
      expect(await fields.locator('button:enabled, input:enabled, textarea:enabled').count()).toBe(
        0,
      );
      expect(await page.getByTestId('level-3').isDisabled()).toBe(true);
      expect(await page.getByTestId('photo-pick').isDisabled()).toBe(true);
      expect(await page.locator('#notes-1').isDisabled()).toBe(true);
      ba = await openBa();
      expect(await ba.signButton()).toBeNull();
      expect(
        await page
          .getByTestId('ba-fields')
          .locator('button:enabled, input:enabled, textarea:enabled')
          .count(),
      ).toBe(0);
      expect(await page.getByTestId('sig-verifier-clear').count()).toBe(0);
      expect(await page.getByTestId('ba-print').isEnabled()).toBe(true);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'approved');

      // A forged push (raw HTTP, another enrolled tablet of the verifier) is refused per mutation.
      const call = httpCall(stage.url);
      const forgery = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
      const enrolled = await call('POST', '/api/devices/enrol', {
        json: { code: forgery.code, label: 'Tablet palsu' },
      });
      expect(enrolled.status).toBe(201);
      const forger = { deviceId: enrolled.body.device.id, token: enrolled.body.token };
      const pushed = await pushRaw({ call }, forger, [
        edit(forger, 1, 'verification', verificationId(assessmentId, 1), { verifiedLevel: 5 }),
      ]);
      expect(pushed.status).toBe(200);
      expect(pushed.body.results[0]).toMatchObject({
        outcome: 'rejected',
        rejection: { code: 'assessment_approved' },
      });
      d = await detail();
      expect(d.assessment.status).toBe('disetujui');
      expect(d.signing.state).toBe('signed');

      // Reopened by the coordinator with a reason: editable again, and to be signed again.
      await api<Detail>(stage.url, `/api/assessments/${assessmentId}/reopen`, {
        method: 'POST',
        token,
        body: { reason: REOPEN_REASON, expectedVersion: d.review.expectedVersion },
      });
      await sync.syncNow();
      await checklist.open(assessmentId);
      await expect
        .poll(async () => (await page.getByTestId('assessment-status').textContent())?.trim())
        .toBe('dibuka kembali');
      expect(await checklist.notice('reopen-reason').textContent()).toContain(REOPEN_REASON);
      expect(await checklist.notice('approved-notice').count()).toBe(0);
      await tablet.openIndicator(1);
      expect(await page.getByTestId('level-4').isEnabled()).toBe(true);
      ba = await openBa();
      expect(await ba.signButton()).toEqual({ label: 'Tandatangani ulang & kirim', enabled: true });
    });

    it('prints LATIHAN and DRAF on a training record, and the English print says so in English', {
      timeout: 120_000,
    }, async () => {
      const tablet = new VerifierApp(await tabletPage(), stage.url);
      const page = tablet.page;
      await tablet.open('/latihan');
      await page.getByTestId('indicator-row-1').waitFor();
      await (await tablet.openIndicator(1)).setVerifiedLevel(4);
      await tablet.openTab(/Berita acara/);
      const ba = new BeritaAcaraScreen(page);
      expect(await ba.signingState()).toBe('unsigned');
      let printed = await ba.printed();
      writeFileSync(join(SHOTS, 'berita-acara-training.pdf'), printed.pdf);
      expect(printed.dom).toContain('LATIHAN');
      expect(printed.dom).toContain('DRAF');
      expect(printed.dom).toContain('SEMENTARA');
      printed.pages.forEach((text, i) => {
        expect(pageNumber(text)).toEqual([i + 1, printed.pages.length]);
        expect(text).toContain('LATIHAN');
      });

      // The printed summary names unit, period and the date it was printed.
      await tablet.openTab(/Ringkasan/);
      await page.getByTestId('summary-index').waitFor();
      await page.emulateMedia({ media: 'print' });
      const head = page.getByTestId('summary-print-head');
      expect(await head.isVisible()).toBe(true);
      const headText = (await head.textContent()) ?? '';
      expect(headText).toContain('Kelurahan Sukamaju (fiktif)');
      expect(headText).toContain('Periode: Latihan Evaluasi SPBE');
      expect(headText).toMatch(/Dicetak \d{1,2} \S+ \d{4}/);
      expect(await page.getByTestId('provisional-mark').textContent()).toBe('SEMENTARA');
      await page.emulateMedia({ media: 'screen' });
      await tablet.openTab(/Berita acara/);

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Record of Verification', exact: true }).waitFor();
      printed = await ba.printed();
      expect(printed.dom).toContain('DRAFT');
      expect(printed.dom).toContain('TRAINING');
      expect(printed.dom).toContain('PROVISIONAL');
      expect(printed.dom).toContain('On this day, …………… ……………, at ……………, we the undersigned:');
      const first = printed.pages[0] ?? '';
      expect(/Page\s*1\s*of\s*(\d+)/.exec(first)?.[1]).toBe(String(printed.pages.length));
    });
  },
);
