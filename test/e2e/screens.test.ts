import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PEMDI_PERIOD_NAME, DEMO_PERIOD_NAME } from '../../src/server/seed';
import { IndicatorScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, coordinatorToken, enrolmentCodeFor } from './support/api';
import { runAxe } from './support/axe';
import { e2eEnabled } from './support/browser';
import {
  type ContrastReport,
  contrastReport,
  formatFindings,
  keepingScroll,
} from './support/contrast';
import { documentPhoto } from './support/photo';
import {
  LANGUAGES,
  SCREENS,
  type Screen,
  type ScreenIds,
  uncoveredRoutes,
  VIEWPORTS,
} from './support/screens';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots', 'screens');
const VERIFIER = 'verifikator1@cilegon.demo';

/**
 * The header's two buttons a verifier must always find, per language. No page gets a
 * `beforeinstallprompt` (a fresh headless profile never does, nor does Safari on an iPad):
 * "Pasang aplikasi" must be there without one.
 */
const HEADER = {
  id: { language: 'English', install: 'Pasang aplikasi' },
  en: { language: 'Bahasa Indonesia', install: 'Install app' },
} as const;

/** Wait until a screen has its content: its own marker, nothing loading, fonts ready. */
async function settle(page: Page, screen: Screen): Promise<void> {
  await page.locator(screen.ready).first().waitFor({ timeout: 15_000 });
  await page.waitForFunction(
    () =>
      document.fonts.status === 'loaded' &&
      document.querySelector('main h1') !== null &&
      document.querySelector('[aria-busy="true"]') === null &&
      ![...document.querySelectorAll('main p, main span')].some((e) =>
        /^(Memuat…|Loading…)$/.test(e.textContent?.trim() ?? ''),
      ),
    null,
    { timeout: 15_000 },
  );
}

/**
 * A full-page screenshot. A bar stuck to the viewport's bottom (the indicator's pager) would
 * stay where the first viewport ended and cover the middle of the picture: for the picture
 * it sits in its own place, where a person sees it at the end of the page.
 */
async function fullShot(page: Page, path: string): Promise<void> {
  // Through the CSSOM: the app's CSP refuses an injected stylesheet (Playwright's `style`).
  await page.evaluate(() => {
    for (const e of document.querySelectorAll<HTMLElement>('body *')) {
      const cs = getComputedStyle(e);
      if (cs.position !== 'sticky' || cs.bottom === 'auto') continue;
      e.setAttribute('data-shot-unstuck', e.style.position);
      e.style.setProperty('position', 'static', 'important');
    }
  });
  await page.screenshot({ path, fullPage: true });
  await page.evaluate(() => {
    for (const e of document.querySelectorAll<HTMLElement>('[data-shot-unstuck]')) {
      e.style.position = e.getAttribute('data-shot-unstuck') ?? '';
      e.removeAttribute('data-shot-unstuck');
    }
  });
}

/** The language the screen speaks, read from the header's switch (it offers the other one). */
async function shownLanguage(page: Page): Promise<'id' | 'en'> {
  const offersEnglish = page.locator('header').getByRole('button', { name: HEADER.id.language });
  return (await offersEnglish.count()) > 0 ? 'id' : 'en';
}

/** Press the header's language button, as a verifier would, and wait for the screen to follow. */
async function switchLanguage(page: Page, screen: Screen, to: 'id' | 'en'): Promise<void> {
  const from = to === 'id' ? 'en' : 'id';
  await page.locator('header').getByRole('button', { name: HEADER[from].language }).click();
  await page.locator('header').getByRole('button', { name: HEADER[to].language }).waitFor();
  await settle(page, screen);
}

/**
 * The header's language switch and install button: there, inside the viewport, and
 * readable (the computed check judges their colours with everything else).
 */
async function headerProblems(page: Page, lang: 'id' | 'en'): Promise<string[]> {
  const out: string[] = [];
  const width = page.viewportSize()?.width ?? 0;
  for (const [what, name] of Object.entries(HEADER[lang])) {
    const button = page.locator('header').getByRole('button', { name, exact: true });
    if (!(await button.isVisible())) {
      out.push(`header: no visible "${name}" (${what})`);
      continue;
    }
    const box = await button.boundingBox();
    if (!box || box.x < 0 || box.x + box.width > width)
      out.push(`header: "${name}" (${what}) is not inside the viewport`);
  }
  return out;
}

/**
 * The computed contrast's findings; a screen where it judged almost nothing counts too (the
 * header alone has seven texts and controls): a check that saw nothing proves nothing.
 */
function contrastProblems(report: ContrastReport): string[] {
  const lines = formatFindings(report.findings);
  if (report.checked < 10) lines.push(`contrast: only ${report.checked} elements were judged`);
  return lines;
}

/** The page says which language it speaks (screen readers and the printed page use it). */
async function languageProblems(page: Page, lang: 'id' | 'en'): Promise<string[]> {
  const said = await page.evaluate(() => document.documentElement.lang);
  return said === lang ? [] : [`<html lang="${said}"> on a screen in ${lang}`];
}

/** Visible text that runs past the right edge of the page (the body hides the overflow). */
function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    const scrolls = (e: Element) =>
      e !== document.body &&
      e !== document.documentElement &&
      /auto|scroll|hidden|clip/.test(getComputedStyle(e).overflowX);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim()) continue;
      seen.add(el);
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      let inScroller = false;
      for (let e = el.parentElement; e && !inScroller; e = e.parentElement) inScroller = scrolls(e);
      if (inScroller) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const r = range.getBoundingClientRect();
      if (r.width > 0 && r.right > width + 1)
        out.push(
          `clipped at the right edge: ${el.tagName.toLowerCase()} "${n.textContent.trim().slice(0, 40)}"`,
        );
    }
    return out;
  });
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('every screen, photographed and checked', () => {
  const stage = appStage();
  const ids = {} as ScreenIds;
  let tablet: Page;
  let laptop: Page;
  /** Fresh profiles (nothing enrolled, nobody signed in), one per room: they run side by side. */
  let newTablet: Page;
  let newLaptop: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const token = await coordinatorToken(stage.url);
    const { periods } = await api<{ periods: { id: string; name: string }[] }>(
      stage.url,
      '/api/periods',
      { token },
    );
    const periodId = (name: string) => {
      const id = periods.find((p) => p.name === name)?.id;
      if (!id) throw new Error(`the demo has no period ${name}`);
      return id;
    };
    ids.spbePeriodId = periodId(DEMO_PERIOD_NAME);
    ids.pemdiPeriodId = periodId(DEMO_PEMDI_PERIOD_NAME);
    ids.training = 'latihan-2026-sukamaju';
    const { code, verifierId } = await enrolmentCodeFor(stage.url, VERIFIER);
    ids.verifierId = verifierId;
    type Assignment = { id: string; assessmentId: string };
    const assignments = (period: string) =>
      api<{ assignments: Assignment[] }>(
        stage.url,
        `/api/assignments?verifierId=${verifierId}&periodId=${period}`,
        { token },
      ).then((r) => r.assignments);
    const [spbe, withdrawn] = await assignments(ids.spbePeriodId);
    const [pemdi] = await assignments(ids.pemdiPeriodId);
    if (!spbe || !withdrawn || !pemdi) throw new Error('the demo verifier lacks assignments');
    ids.spbe = spbe.assessmentId;
    ids.pemdi = pemdi.assessmentId;
    // The demo's tindak lanjut: its Berjalan action (owned by Diskominfo).
    const { actions } = await api<{
      actions: { id: string; status: string; ownerUnitId: string }[];
    }>(stage.url, `/api/actions?periodId=${ids.spbePeriodId}`, { token });
    const running = actions.find((a) => a.status === 'berjalan');
    if (!running) throw new Error('the demo has no running action');
    ids.actionId = running.id;
    ids.actionOwnerUnitId = running.ownerUnitId;

    // The tablet: enrolled, synced, with work on each kind of screen and refused changes.
    const tabletContext = await stage.newContext({
      viewport: VIEWPORTS[0],
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const app = new VerifierApp(await tabletContext.newPage(), stage.url);
    tablet = app.page;
    const sync = new TabletSync(app);
    await sync.enrol(code, 'Tablet Tangkapan Layar');
    await sync.syncNow();
    const indicator = async (assessmentId: string, no: number) => {
      await app.open(`/kerja/a/${encodeURIComponent(assessmentId)}/i/${no}`);
      await tablet.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
      return new IndicatorScreen(tablet, no);
    };
    // A change the server will refuse: made offline on a unit withdrawn meanwhile.
    await app.waitForServiceWorker();
    await tabletContext.setOffline(true);
    await (await indicator(withdrawn.assessmentId, 1)).setVerifiedLevel(3);
    await api(stage.url, `/api/assignments/${encodeURIComponent(withdrawn.id)}`, {
      method: 'DELETE',
      token,
    }).catch(() => undefined);
    await tabletContext.setOffline(false);
    const first = await indicator(ids.spbe, 1);
    await first.setVerifiedLevel(3);
    // With a pasted link: one long word, which must wrap on every screen that shows the note.
    await first.writeNotes(
      `SK Tim SPBE ada, ditandatangani kepala dinas. Salinan: https://jdih.cilegon.go.id/dokumen/peraturan-walikota/${'lampiran-keputusan-tim-koordinasi-spbe-'.repeat(6)}2026.pdf`,
    );
    await first.addPhoto('sk-tim.jpg', await documentPhoto(tablet, 'SK Tim SPBE'));
    const decimal = await indicator(ids.pemdi, 1);
    await decimal.enterValue('2,5');
    await (await indicator(ids.pemdi, 5)).enterValue('68,75', 'source-value');
    await sync.syncNow();

    // The coordinator's laptop, signed in.
    const laptopContext = await stage.newContext({
      viewport: VIEWPORTS[2],
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    laptop = await laptopContext.newPage();
    const fresh = async (viewport: (typeof VIEWPORTS)[number]) => {
      const context = await stage.newContext({
        viewport,
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
      });
      return context.newPage();
    };
    newTablet = await fresh(VIEWPORTS[0]);
    newLaptop = await fresh(VIEWPORTS[2]);
    await laptop.goto(`${stage.url}/koordinator/masuk`);
    await laptop.locator('#c-email').fill('koordinator@cilegon.demo');
    await laptop.locator('#c-password').fill('telusur-demo');
    await laptop.getByTestId('coordinator-login-submit').click();
    await laptop.getByTestId('coordinator-account').waitFor();
  }, 120_000);

  it('lists a screen for every route of the tablet and the coordinator', () => {
    expect(uncoveredRoutes()).toEqual([]);
  });

  /**
   * Each screen of a room, loaded once, then at each viewport (the tablet turned, the
   * laptop's window) in both languages, switched with the header's own button both ways:
   * a full-page screenshot, the header's two buttons, the page's language, text clipped at
   * the edge, the computed contrast of every text and control, and axe (serious and
   * critical; its undecided colour results must be ones the computed check decided).
   */
  const photograph = async (
    pages: { usual: Page; fresh: Page },
    room: Screen['room'],
  ): Promise<string[]> => {
    const problems: string[] = [];
    for (const screen of SCREENS.filter((s) => s.room === room)) {
      const page = screen.fresh ? pages.fresh : pages.usual;
      await page.setViewportSize(VIEWPORTS[0]);
      await page.goto(`${stage.url}${screen.path(ids)}`);
      await settle(page, screen);
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        const first = await shownLanguage(page);
        for (const lang of first === 'id' ? LANGUAGES : [...LANGUAGES].reverse()) {
          if (lang !== first) await switchLanguage(page, screen, lang);
          else await settle(page, screen);
          const shot = `${screen.name}-${viewport.width}x${viewport.height}-${lang}`;
          await fullShot(page, join(SHOTS, `${shot}.png`));
          const found = await keepingScroll(page, async () => [
            ...(await headerProblems(page, lang)),
            ...(await languageProblems(page, lang)),
            ...(await clippedText(page)),
            ...contrastProblems(await contrastReport(page, screen.allow)),
            ...Object.values(await runAxe(page)).flat(),
          ]);
          problems.push(...found.map((p) => `${shot}: ${p}`));
        }
      }
    }
    return problems;
  };

  // The two rooms run side by side: separate pages of one browser, nothing shared.
  it.concurrent('tablet screens at 1024×768, 800×1280 and 1366×768, in Indonesian and English', {
    timeout: 480_000,
  }, async () => {
    expect(await photograph({ usual: tablet, fresh: newTablet }, 'tablet')).toEqual([]);
  });

  it.concurrent('coordinator screens at 1024×768, 800×1280 and 1366×768, in Indonesian and English', {
    timeout: 480_000,
  }, async () => {
    expect(await photograph({ usual: laptop, fresh: newLaptop }, 'coordinator')).toEqual([]);
  });
});
