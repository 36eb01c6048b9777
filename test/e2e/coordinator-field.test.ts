import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationId } from '../../src/core';
import {
  DEMO_PEMDI_PERIOD_NAME,
  DEMO_PERIOD_NAME,
  kecamatanCode,
  kelurahanCode,
  opdCode,
} from '../../src/server/seed';
import { createServerContext, type ServerContext } from '../helpers/server-context';
import { signingMutation } from '../helpers/signing';
import {
  assessmentOf,
  evidenceFile,
  levels,
  rawTablet,
  storeFile,
} from '../integration/reports/helpers';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { AssignmentsPage, Layout, UnitsPage } from './page-models/coordinator-setup';
import { e2eEnabled, launchBrowser } from './support/browser';

/**
 * What a new coordinator (laptop, 1366×768) and a viewer tripped over: the way in and a
 * second tab, editing units and moving them between verifiers, a viewer's refusals and
 * read-only plan, the heatmap and menu at laptop width, and the wording of every page.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const LAPTOP = { width: 1366, height: 768 };
const NO_RESULT = { verifiedLevel: null, notApplicable: false, naReason: '', notes: '' };

/** The units a tablet worked on before the coordinator looks (SPBE 2023). */
const SIGNED = opdCode(7); // Diskominfo: signed, with a PDF as evidence
const STARTED = kelurahanCode(0, 0); // Kelurahan Bulakan: verification started
const RETURNED = kelurahanCode(0, 1); // Kelurahan Cibeber: signed, then returned

interface Stage {
  url: string;
  h: ServerContext;
  assessments: Record<'signed' | 'started' | 'returned', string>;
  close(): Promise<void>;
}

/**
 * The seeded demo server (the app's own createApp and the built PWA) over real HTTP, with a
 * tablet's work already sent: a started unit, a signed one with a PDF, a returned one.
 */
async function fieldStage(): Promise<Stage> {
  const h = await createServerContext('sqlite', {
    // TELUSUR_E2E_DIST: a build of one's own, as startAppServer serves it.
    config: { staticDir: process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist') },
  });
  h.clock.now = Date.now();
  const tablet = await rawTablet(h, 'verifier1', 'Tablet lapangan');
  const signed = await assessmentOf(h, SIGNED);
  const started = await assessmentOf(h, STARTED);
  const returned = await assessmentOf(h, RETURNED);
  const pdf = new TextEncoder().encode('%PDF-1.4 SK Tim SPBE');
  const sha = createHash('sha256').update(pdf).digest('hex');
  await storeFile(h.services, pdf, sha, 'application/pdf');
  const pdfRecord = evidenceFile(signed, 'ev-sk-pdf', {
    sha256: sha,
    bytes: pdf.byteLength,
    capturedAt: h.clock.now,
    name: 'sk-tim-spbe.pdf',
  });
  await tablet.push([
    ...levels(signed, { 1: 1, 2: 1, 3: 2 }, [4]),
    {
      entity: 'verification',
      id: verificationId(signed, 1),
      changes: { notes: 'SK ada.', 'checks.1.0': { state: 'missing', note: 'Belum diteken.' } },
    },
    { ...pdfRecord, changes: { ...pdfRecord.changes, mime: 'application/pdf' } },
    signingMutation(
      signed,
      [
        { ...NO_RESULT, no: 1, verifiedLevel: 1, notes: 'SK ada.' },
        { ...NO_RESULT, no: 2, verifiedLevel: 1 },
        { ...NO_RESULT, no: 3, verifiedLevel: 2 },
        { ...NO_RESULT, no: 4, notApplicable: true, naReason: 'Tidak ada layanan ini' },
      ],
      h.clock.now,
      true,
    ),
    { entity: 'assessment', id: signed, changes: { status: 'selesai' } },
    ...levels(started, { 1: 2 }),
    { entity: 'assessment', id: started, changes: { status: 'sedang' } },
    ...levels(returned, { 1: 3, 2: 2 }),
    signingMutation(
      returned,
      [
        { ...NO_RESULT, no: 1, verifiedLevel: 3 },
        { ...NO_RESULT, no: 2, verifiedLevel: 2 },
      ],
      h.clock.now,
      true,
    ),
    { entity: 'assessment', id: returned, changes: { status: 'selesai' } },
  ]);
  const token = await h.login('coordinator');
  const detail = await h.call('GET', `/api/reports/assessments/${returned}`, { token });
  const back = await h.call('POST', `/api/assessments/${returned}/review`, {
    token,
    json: {
      decision: 'return',
      expectedVersion: detail.body.review.expectedVersion,
      comment: 'Mohon lengkapi bukti.',
      comments: [{ indicatorNo: 1, comment: 'Foto SK kurang jelas.' }],
    },
  });
  if (back.status !== 200) throw new Error(`return failed: ${back.status} ${back.text}`);
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    );
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    h,
    assessments: { signed, started, returned },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await h.close();
    },
  };
}

/** Words a reader stumbles over: a word twice, a raw MIME type, a doubled full stop. */
function wordingProblems(text: string): string[] {
  const near = (i: number, n: number) =>
    text.slice(Math.max(0, i - 40), i + n + 20).replace(/\s+/g, ' ');
  const out: string[] = [];
  for (const m of text.matchAll(/(?<![\p{L}\d])(\p{L}{3,})[ \t]+\1(?![\p{L}\d])/giu))
    out.push(`doubled word: …${near(m.index, m[0].length)}…`);
  for (const m of text.matchAll(/\b(application|image|text)\/[\w.+-]+/g))
    out.push(`MIME type: ${m[0]}`);
  for (const m of text.matchAll(/(?<!\.)\.[ \t]*\.(?!\.)/g))
    out.push(`doubled full stop: …${near(m.index, m[0].length)}…`);
  return out;
}

/** A unit's status as stored (and as the Indonesian pages say it). */
const RAW_STATUS =
  /\b(belum mulai|sedang|selesai|terkirim|disetujui|dikembalikan|dibuka kembali)\b/;

/** Texts where a page says a status: pills, choices, a sent value, the last decision. */
async function statusTexts(page: Page): Promise<string[]> {
  return page
    .locator(
      '.pill, option, [data-testid="rejection-value"], [data-testid="conflict-value"], [data-testid="review-last"]',
    )
    .allTextContents();
}

/**
 * Boxes on the page whose table does not fit and scrolls inside them, and among those the
 * ones a keyboard cannot reach (not a tab stop, or a region without a name).
 */
async function scrollBoxes(page: Page): Promise<{ scrolling: number; unreachable: string[] }> {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll<HTMLElement>('.table-wrap')].filter(
      (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1,
    );
    const unreachable = boxes.filter(
      (el) => el.tabIndex !== 0 || !el.getAttribute('aria-label')?.trim(),
    );
    return {
      scrolling: boxes.length,
      unreachable: unreachable.map(
        (el) => el.querySelector('table')?.getAttribute('data-testid') ?? el.className,
      ),
    };
  });
}

describe.skipIf(process.env.TELUSUR_E2E !== '1' || !e2eEnabled)(
  'a coordinator and a viewer at 1366×768',
  () => {
    let stage: Stage;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      stage = await fieldStage();
      browser = await launchBrowser();
    }, 120_000);
    afterAll(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
      await stage?.close();
    });

    const laptop = async (locale = 'id-ID') => {
      const c = await browser.newContext({ viewport: LAPTOP, locale });
      contexts.push(c);
      return c;
    };
    const signedIn = async (who: 'koordinator' | 'pimpinan') => {
      const page = await (await laptop()).newPage();
      const app = new CoordinatorApp(page, stage.url);
      await app.login(`${who}@cilegon.demo`, PASSWORD);
      return { page, app };
    };
    const periodId = () => stage.h.demo?.periodId as string;

    it('the header has a door for each: tablet enrolment and coordinator sign-in; a second tab keeps the session', {
      timeout: 120_000,
    }, async () => {
      const context = await laptop();
      const page = await context.newPage();
      const app = new CoordinatorApp(page, stage.url);
      await app.open('/');
      const header = page.locator('header nav');
      expect(await header.getByRole('link').allTextContents()).toEqual(
        expect.arrayContaining(['Daftarkan tablet', 'Masuk koordinator']),
      );
      // The landing of a browser with no enrolment says which door is whose.
      await expect
        .poll(() => page.locator('main').textContent())
        .toContain('Koordinator dan pimpinan: pilih "Masuk koordinator"');
      await page.screenshot({ path: join(SHOTS, 'coordinator-field-landing.png') });

      await header.getByRole('link', { name: 'Masuk koordinator' }).click();
      await page.locator('#c-email').waitFor();
      expect(await page.getByTestId('login-tablet-hint').textContent()).toContain(
        'Daftarkan tablet',
      );
      await page.locator('#c-email').fill('koordinator@cilegon.demo');
      await page.locator('#c-password').fill(PASSWORD);
      await page.getByTestId('coordinator-login-submit').click();
      await page.getByTestId('coordinator-account').waitFor();

      // A second tab (a link opened with Ctrl+click, a bookmark) starts signed in.
      const second = await context.newPage();
      await second.goto(`${stage.url}/koordinator/dasbor`);
      await second.getByTestId('coordinator-account').waitFor();
      expect(new URL(second.url()).pathname).toBe('/koordinator/dasbor');
      await second.getByTestId('city-consolidated').waitFor();
      // It holds its own copy in sessionStorage, and nothing lands in localStorage.
      expect(
        await second.evaluate(() => sessionStorage.getItem('telusur.coordinator.token')),
      ).toBeTruthy();
      expect(await second.evaluate(() => Object.keys(localStorage))).not.toContain(
        'telusur.coordinator.token',
      );
      await second.screenshot({ path: join(SHOTS, 'coordinator-field-second-tab.png') });

      // Signing out in one tab signs out the other one too.
      await new CoordinatorApp(second, stage.url).logout();
      await page.locator('#c-email').waitFor();
      expect(await page.getByRole('status').first().textContent()).toBe(
        'Anda sudah keluar di tab lain. Silakan masuk kembali.',
      );

      // A browser with no tab of these pages open keeps nothing: it signs in again.
      const fresh = await (await laptop()).newPage();
      await fresh.goto(`${stage.url}/koordinator/dasbor`);
      await fresh.locator('#c-email').waitFor();
    });

    it('renames and moves a unit, refuses a taken code and the deletion of an assessed unit, deletes an unused one', {
      timeout: 120_000,
    }, async () => {
      const { page, app } = await signedIn('koordinator');
      await app.openUnits();
      const units = new UnitsPage(page);
      const moved = kelurahanCode(1, 0); // Kelurahan Bagendung, Kecamatan Cilegon
      expect(await units.parentCode(moved)).toBe(kecamatanCode(1));

      expect(
        await units.edit(moved, { name: 'Kelurahan Bagendung Baru', parent: 'Kecamatan Grogol' }),
      ).toEqual({ ok: true, message: 'Unit "Kelurahan Bagendung Baru" disimpan.' });
      expect(await units.rowName(moved)).toBe('Kelurahan Bagendung Baru');
      expect(await units.parentCode(moved)).toBe(kecamatanCode(4));

      expect(await units.edit(moved, { code: kelurahanCode(1, 1) })).toEqual({
        ok: false,
        message: `Kode unit "${kelurahanCode(1, 1)}" sudah dipakai.`,
      });
      await page.getByTestId('unit-edit-form').getByRole('button', { name: 'Batal' }).click();

      const refused = await units.delete(STARTED);
      expect(refused.ok).toBe(false);
      expect(refused.message).toMatch(
        /^Unit "Kelurahan Bulakan" tidak dapat dihapus karena masih memiliki \d+ penugasan, 1 penilaian\. Unit yang sudah dinilai tetap disimpan sebagai bukti/,
      );
      expect(await units.row(STARTED).count()).toBe(1);
      await units
        .row(STARTED)
        .locator('xpath=following-sibling::tr[1]')
        .screenshot({ path: join(SHOTS, 'coordinator-field-unit-refused.png') });
      expect(await app.accessibilityViolations()).toEqual([]);

      expect(
        await units.create({
          kind: 'kelurahan',
          parent: 'Kecamatan Pulomerak',
          code: '36.72.07.9001',
          name: 'Kelurahan Uji',
        }),
      ).toEqual({ ok: true, message: 'Unit "Kelurahan Uji" dibuat.' });
      await units.row('36.72.07.9001').waitFor();
      expect(await units.delete('36.72.07.9001')).toEqual({
        ok: true,
        message: 'Unit "Kelurahan Uji" dihapus.',
      });
      expect(await units.row('36.72.07.9001').count()).toBe(0);
    });

    it("moves several of one verifier's units to another in one step", {
      timeout: 120_000,
    }, async () => {
      const { page, app } = await signedIn('koordinator');
      await app.openAssignments();
      const assignments = new AssignmentsPage(page);
      await assignments.choosePeriod(DEMO_PERIOD_NAME);
      await assignments.showVerifier('Verifikator Satu');
      const both = [STARTED, RETURNED];
      expect(await assignments.listed()).toEqual(
        expect.arrayContaining(both.map((c) => `${c} → Verifikator Satu`)),
      );
      expect(await assignments.move(both, 'Verifikator Dua')).toEqual({
        ok: true,
        message: '2 unit dipindahkan ke Verifikator Dua.',
      });
      await page.screenshot({ path: join(SHOTS, 'coordinator-field-reassigned.png') });
      const after = await assignments.listed();
      for (const c of both) expect(after.some((a) => a.startsWith(`${c} →`))).toBe(false);
      await assignments.showVerifier('Verifikator Dua');
      await expect
        .poll(() => assignments.listed())
        .toEqual(expect.arrayContaining(both.map((c) => `${c} → Verifikator Dua`)));
      expect(await app.accessibilityViolations()).toEqual([]);
    });

    it('tells a viewer "Anda tidak memiliki akses" on the review page and shows the plan read-only', {
      timeout: 120_000,
    }, async () => {
      const { page, app } = await signedIn('pimpinan');
      await app.open(`/koordinator/tinjau/${stage.assessments.signed}`);
      const refused = page.getByTestId('no-access');
      await refused.waitFor();
      expect(await refused.locator('h1').textContent()).toBe('Anda tidak memiliki akses');
      expect(await page.getByTestId('not-found').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'coordinator-field-viewer-no-access.png') });
      await page.getByTestId('no-access-report').click();
      await page.getByTestId('unit-report').waitFor();

      await app.open(`/koordinator/rencana?periode=${periodId()}`);
      await page.getByTestId('plan-item').first().waitFor();
      expect(await page.getByTestId('plan-target').count()).toBe(0);
      expect(await page.locator('[data-testid^="effort-"], [data-testid^="fixed-"]').count()).toBe(
        0,
      );
      expect(await page.locator('main').textContent()).toContain('Halaman ini hanya dapat dibaca');
      await page.screenshot({ path: join(SHOTS, 'coordinator-field-viewer-plan.png') });
      expect(await app.accessibilityViolations()).toEqual([]);

      await app.open('/koordinator/unit');
      await page.getByTestId('unit-row').first().waitFor();
      expect(await new UnitsPage(page).editButtons().count()).toBe(0);
      await app.open('/koordinator/penugasan');
      await page.getByTestId('assignment-row').first().waitFor();
      expect(await page.getByTestId('move-form').count()).toBe(0);
    });

    it('fits the 47-column heatmap and the menu at 1366 px, explains the heatmap and orders the plan', {
      timeout: 120_000,
    }, async () => {
      const { page } = await signedIn('koordinator');
      const pages = new CoordinatorReviewPages(page, stage.url);
      const layout = new Layout(page);
      await pages.openDashboard();
      await pages.choosePeriod(DEMO_PERIOD_NAME);
      const spbe = await layout.heatmapFit();
      expect(spbe.columns).toBe(47);
      expect(spbe.right).toBeLessThanOrEqual(spbe.viewport);
      expect(spbe.pageWidth).toBeLessThanOrEqual(spbe.viewport);
      expect(await layout.menuLines()).toBe(1);
      const legend = await pages.heatLegend();
      for (const words of ['level 1', 'level 5', 'belum diverifikasi', 'tidak berlaku (TB)'])
        expect(legend).toContain(words);
      expect(await page.getByTestId('heat-legend-na').locator('.r-heat-sample').textContent()).toBe(
        '·',
      );
      // A cell is still a button a pointer hits: the N/A cell of the signed unit says "·".
      expect((await pages.heatCell(SIGNED, 4)).text).toBe('·');
      await page
        .getByTestId('heatmap')
        .screenshot({ path: join(SHOTS, 'coordinator-field-heatmap-spbe.png') });

      await pages.choosePeriod(DEMO_PEMDI_PERIOD_NAME);
      const pemdi = await layout.heatmapFit();
      expect(pemdi.columns).toBe(20);
      expect(pemdi.right).toBeLessThanOrEqual(pemdi.viewport);
      expect(await pages.heatLegend()).toContain('level 2 · Membangun');

      await pages.openPlan();
      await pages.choosePeriod(DEMO_PERIOD_NAME);
      expect(await page.getByTestId('plan-order').textContent()).toContain(
        'menurut aspek, lalu nomor indikator',
      );
      const order = (await pages.planItems()).map((i) => i.no);
      expect(order.length).toBeGreaterThan(1);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(await page.getByTestId('plan-group').count()).toBeGreaterThan(0);
      expect(await layout.menuLines()).toBe(1);
      await page.screenshot({ path: join(SHOTS, 'coordinator-field-plan.png') });

      await new CoordinatorApp(page, stage.url).switchLanguage('English');
      expect(await layout.menuLines()).toBe(1);
    });

    it('reads without doubled words, MIME types or doubled full stops on every page, in both languages', {
      timeout: 240_000,
    }, async () => {
      const { signed, started, returned } = stage.assessments;
      const paths = [
        '/koordinator',
        `/koordinator/dasbor?periode=${periodId()}`,
        `/koordinator/rencana?periode=${periodId()}`,
        `/koordinator/laporan?periode=${periodId()}`,
        '/koordinator/sinkronisasi',
        '/koordinator/periode',
        '/koordinator/unit',
        '/koordinator/verifikator',
        '/koordinator/penugasan',
        ...[signed, started, returned].flatMap((a) => [
          `/koordinator/tinjau/${a}`,
          `/koordinator/laporan/unit/${a}`,
        ]),
      ];
      const found: string[] = [];
      let scrolling = 0;
      const read = async (page: Page, label: string) => {
        for (const path of paths) {
          await page.goto(`${stage.url}${path}`);
          await page.getByTestId('coordinator-account').waitFor();
          await page.waitForLoadState('networkidle');
          // Rendered text, as a reader sees it: separate blocks on separate lines.
          // biome-ignore lint/performance/useDomNodeTextContent: textContent would glue blocks together
          const text = await page.locator('body').innerText();
          for (const p of wordingProblems(text)) found.push(`${label} ${path}: ${p}`);
          // A status is a word of the page's language, never the stored value: on the English
          // pages no pill, option or sent value says an Indonesian status (instrument text
          // and notes, which are Indonesian, may).
          if (label === 'en')
            for (const said of await statusTexts(page))
              if (RAW_STATUS.test(said))
                found.push(`${label} ${path}: Indonesian status "${said}"`);
          // A table that scrolls inside its box can be reached and scrolled by keyboard.
          const boxes = await scrollBoxes(page);
          scrolling += boxes.scrolling;
          for (const b of boxes.unreachable)
            found.push(`${label} ${path}: unreachable scroll box ${b}`);
        }
      };
      const coordinator = await signedIn('koordinator');
      // The signed unit's PDF is named as a PDF.
      await coordinator.app.open(`/koordinator/tinjau/${signed}`);
      await expect
        .poll(() => coordinator.page.getByTestId('evidence-thumb').first().textContent())
        .toContain('PDF');
      // The returned unit's status is said once.
      await coordinator.app.open(`/koordinator/tinjau/${returned}`);
      await coordinator.page.getByTestId('review-page').waitFor();
      const status = await coordinator.page.locator('h1 + p').first().textContent();
      expect(status?.replace(/\s+/g, ' ').trim()).toMatch(/· dikembalikan$/);
      await read(coordinator.page, 'id');
      await coordinator.app.switchLanguage('English');
      // In English the started unit's status is English, and said once.
      await coordinator.app.open(`/koordinator/tinjau/${started}`);
      await coordinator.page.getByTestId('review-page').waitFor();
      const en = await coordinator.page.locator('h1 + p').first().textContent();
      expect(en?.replace(/\s+/g, ' ').trim()).toMatch(/· in progress$/);
      await read(coordinator.page, 'en');
      await read((await signedIn('pimpinan')).page, 'viewer');
      expect(found).toEqual([]);
      // The dashboard's unit list scrolls in its box at this height: the check saw something.
      expect(scrolling).toBeGreaterThan(0);
    });
  },
);
