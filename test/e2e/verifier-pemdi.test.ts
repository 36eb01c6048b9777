import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  computeIndex,
  describeIndex,
  formatValue,
  type IndicatorSource,
  levelName,
  listIndicators,
  pemdi2026,
  valueFromSource,
} from '../../src/core';
import {
  BeritaAcaraScreen,
  ChecklistScreen,
  IndicatorScreen,
  SummaryScreen,
  TabletSync,
  VerifierApp,
} from './page-models/verifier-app';
import { api, coordinatorToken, enrolmentCodeFor } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const SDI = listIndicators(pemdi2026).find((i) => i.no === 5)?.spec.source as IndicatorSource;

/** What the coordinator's review detail says about a record's indicators. */
interface Detail {
  indicators: {
    no: number;
    verifiedLevel: number | null;
    sourceValue: number | null;
    notApplicable: boolean;
  }[];
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('a verifier on a Pemdi 2026 period, offline', () => {
  const stage = appStage();
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `pemdi-${name}.png`), fullPage: true });

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
  });

  it('enters a decimal value and an outside index offline; the summary shows the rounded index with its level name, also after an offline reload', {
    timeout: 300_000,
  }, async () => {
    // The demo's Pemdi period and the unit it assigns to a demo verifier.
    const token = await coordinatorToken(stage.url);
    const { periods } = await api<{ periods: { id: string; name: string; frameworkId: string }[] }>(
      stage.url,
      '/api/periods',
      { token },
    );
    const period = periods.find((p) => p.frameworkId === pemdi2026.id);
    expect(period?.name).toBe('Evaluasi Pemdi 2026');
    const { assignments } = await api<{
      assignments: { verifierId: string; assessmentId: string }[];
    }>(stage.url, `/api/assignments?periodId=${encodeURIComponent(period?.id ?? '')}`, { token });
    const { verifiers } = await api<{ verifiers: { id: string; email: string }[] }>(
      stage.url,
      '/api/verifiers',
      { token },
    );
    const assignment = assignments[0];
    const email = verifiers.find((v) => v.id === assignment?.verifierId)?.email;
    if (!assignment || !email) throw new Error('the demo has no Pemdi assignment');
    const assessmentId = assignment.assessmentId;
    const detail = () =>
      api<Detail>(stage.url, `/api/reports/assessments/${assessmentId}`, { token });
    const before = await detail();

    // Enrol and sync online once; then the tablet goes offline for the rest of the visit.
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const tablet = new VerifierApp(await context.newPage(), stage.url);
    const page = tablet.page;
    const sync = new TabletSync(tablet);
    const { code } = await enrolmentCodeFor(stage.url, email);
    await sync.enrol(code, 'Tablet Pemdi');
    await sync.syncNow();
    await tablet.waitForServiceWorker();
    await context.setOffline(true);

    const checklist = new ChecklistScreen(tablet);
    await checklist.open(assessmentId);
    expect(await tablet.connectivityLabel()).toMatch(/Luring/);
    const unitPath = `/kerja/a/${encodeURIComponent(assessmentId)}`;
    const openIndicator = async (no: number) => {
      await tablet.open(`${unitPath}/i/${no}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
      return new IndicatorScreen(page, no);
    };

    // Indicator 1: a value outside 1,00–5,00 is explained and not saved; 2,5 is kept.
    const first = await openIndicator(1);
    expect(await first.enterValue('5,5')).toMatch(
      /^Indikator 1: nilai harus 1,00–5,00 dengan paling banyak dua desimal/,
    );
    expect(await first.text('verified-value')).toBe('');
    expect(await first.enterValue('2,5')).toBeNull();
    expect(await first.fieldValue()).toBe('2,50');
    await expect.poll(() => first.text('verified-value')).toBe('Verifikasi: 2,50 · Membangun');
    // Levels are cumulative: level 2 is claimed with none of its evidence marked present.
    expect(await first.text('cumulative-warning')).toContain(
      'Level 2 dipilih, tetapi bukti level 2 belum lengkap.',
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'indicator-decimal');
    const problems = (await accessibilityProblems(page)).map((p) => `indicator 1: ${p}`);

    // Indicator 5 is valued from Indeks Satu Data Indonesia: no document checks, the index.
    const fifth = await openIndicator(5);
    expect(await fifth.text('source-section')).toContain('Nilai dari Indeks Satu Data Indonesia');
    expect(await page.locator('[data-testid^="check-5-"]').count()).toBe(0);
    expect(await fifth.text('source-result')).toBe(
      'Belum diisi: dalam indeks resmi indikator ini dihitung 1.',
    );
    expect(await fifth.enterValue('150', 'source-value')).toBe(
      'Nilai indeks harus antara 0 dan 100, bukan 150.',
    );
    expect(await fifth.enterValue('68,75', 'source-value')).toBeNull();
    const fromSdi = valueFromSource(SDI, 68.75) as number;
    const fromSdiText = `${formatValue(fromSdi, 'id', 'decimal')} · ${levelName(pemdi2026, 5, fromSdi)}`;
    // The result line follows the saved record (a live query), so it may trail the input.
    await expect.poll(() => fifth.text('source-result')).toBe(`Nilai indikator: ${fromSdiText}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'indicator-outside-index');
    problems.push(...(await accessibilityProblems(page)).map((p) => `indicator 5: ${p}`));

    // The checklist rows show the values as entered and the cumulative gap.
    await checklist.open(assessmentId);
    const row1 = (await page.getByTestId('indicator-row-1').textContent()) ?? '';
    expect(row1).toContain('Verifikasi 2,50');
    expect(row1).toContain('Bukti L2 kurang');
    expect(await page.getByTestId('indicator-row-5').textContent()).toContain(
      `Verifikasi ${formatValue(fromSdi, 'id', 'decimal')}`,
    );
    await shot(page, 'checklist');

    // The summary: the official index, rounded half up, with its level name and predicate.
    const levels: Record<number, number | null> = {};
    const notApplicable: number[] = [];
    for (const i of before.indicators) {
      levels[i.no] = i.verifiedLevel;
      if (i.notApplicable) notApplicable.push(i.no);
    }
    levels[1] = 2.5;
    levels[5] = fromSdi;
    const expected = computeIndex(pemdi2026, levels, { notApplicable });
    const shown = describeIndex(pemdi2026, expected.index, 'id', expected.predicate);
    const summary = new SummaryScreen(tablet);
    await summary.open(assessmentId);
    expect(await summary.headline()).toEqual({
      index: shown.value,
      level: shown.levelName,
      predicate: shown.predicate,
    });
    expect(shown.value).toMatch(/^\d,\d\d$/);
    expect(await summary.text('summary-source-as-1')).toBe(
      `${expected.missingSourceAsLevel1} indikator dari indeks luar belum diisi dan dihitung 1 (aturan resmi).`,
    );
    expect(expected.missingSourceAsLevel1).toBeGreaterThan(0);
    expect(await summary.text('plan')).toContain(
      'Paling banyak 2 langkah level per indikator dalam satu periode.',
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'summary');
    problems.push(...(await accessibilityProblems(page)).map((p) => `summary: ${p}`));
    expect(problems).toEqual([]);

    // The berita acara states the same official index, on the screen and on paper.
    await tablet.open(`${unitPath}/berita-acara`);
    const headline = `${shown.value} · ${shown.levelName}`;
    expect(await page.getByTestId('ba-index').textContent()).toContain(
      `${headline} (${shown.predicate})`,
    );
    const printed = await new BeritaAcaraScreen(page).printed();
    expect(printed.dom).toContain(`${headline} (Predikat: ${shown.predicate})`);
    expect(printed.dom).toContain('Evaluasi Kinerja Pemerintah Digital');
    await shot(page, 'berita-acara');

    // Reloaded offline, everything entered is still there.
    await summary.open(assessmentId);
    await tablet.reload();
    expect(await tablet.connectivityLabel()).toMatch(/Luring/);
    await page.getByTestId('summary-index').waitFor();
    expect(await summary.headline()).toEqual({
      index: shown.value,
      level: shown.levelName,
      predicate: shown.predicate,
    });
    expect(await (await openIndicator(1)).fieldValue()).toBe('2,50');
    expect(await (await openIndicator(5)).fieldValue('source-value')).toBe('68,75');

    // In English the figures use a decimal point and the words are English.
    await page.getByRole('button', { name: 'English' }).click();
    await summary.open(assessmentId);
    expect(await summary.headline()).toEqual({
      index: shown.value.replace(',', '.'),
      level: shown.levelName,
      predicate: shown.predicate,
    });
    expect(await summary.text('summary-source-as-1')).toBe(
      `${expected.missingSourceAsLevel1} outside-index indicator(s) not entered, counted as 1 (official rule).`,
    );
    await shot(page, 'summary-en');
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();

    // A portrait tablet shows the new screens without horizontal scrolling.
    await page.setViewportSize({ width: 800, height: 1280 });
    const wide: string[] = [];
    for (const [name, path] of [
      ['summary', `${unitPath}/ringkasan`],
      ['indicator-decimal', `${unitPath}/i/1`],
      ['indicator-outside-index', `${unitPath}/i/5`],
    ] as const) {
      await tablet.open(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await shot(page, `${name}-800x1280`);
      if (await tablet.scrollsHorizontally()) wide.push(name);
    }
    expect(wide).toEqual([]);

    // Back online, the server holds the assessor value and the outside index as entered.
    await context.setOffline(false);
    await sync.syncNow();
    const after = await detail();
    expect(after.indicators.find((i) => i.no === 1)).toMatchObject({ verifiedLevel: 2.5 });
    expect(after.indicators.find((i) => i.no === 5)).toMatchObject({
      sourceValue: 68.75,
      verifiedLevel: fromSdi,
    });
  });
});
