import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIndex, formatIndex, listIndicators, pemdi2026, spbe2020 } from '../../src/core';
import {
  CITY_LEVELS,
  CITY_LEVELS_2022,
  DEMO_HISTORY_PERIOD_NAME,
  DEMO_PEMDI_PERIOD_NAME,
  DEMO_PERIOD_NAME,
  OFFICIAL_LEVELS_2022,
  PEMDI_CITY_VALUES,
} from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { HistoryPage } from './page-models/coordinator-history';
import { Layout } from './page-models/coordinator-setup';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

/**
 * What a Kepala Bidang reads on "Riwayat indeks" for the demo city: the index per period
 * (2022 and 2023 on SPBE 2020, 2026 on Pemdi 2026) as a chart with one point per period and
 * series, a table of the periods with decimal commas, from 2022 to 2023 (one instrument)
 * the indicators that rose or fell, and from 2023 to 2026 (another instrument) only the
 * overall index with the reason. A viewer reads the same page; the menu stays on one line
 * at 1366 px.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const SPBE = listIndicators(spbe2020);
const levelsOf = (values: readonly number[], fw = spbe2020) =>
  Object.fromEntries(listIndicators(fw).map((ind, i) => [ind.no, values[i] as number]));

describe.skipIf(!e2eEnabled)('coordinator: the index over the years', () => {
  const stage = appStage();
  const open = async (email: string) => {
    const context = await stage.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login(email, PASSWORD);
    await app.nav('riwayat');
    const history = new HistoryPage(page);
    await history.ready();
    return { page, app, history };
  };

  it('shows the demo history: a point per period, 2022 → 2023 indicator by indicator, 2023 → 2026 overall only', {
    timeout: 120_000,
  }, async () => {
    const { page, app, history } = await open('koordinator@cilegon.demo');
    const self2022 = computeIndex(spbe2020, levelsOf(CITY_LEVELS_2022));
    const official2022 = computeIndex(spbe2020, levelsOf(OFFICIAL_LEVELS_2022));
    const self2023 = computeIndex(spbe2020, levelsOf(CITY_LEVELS));
    const pemdi = computeIndex(pemdi2026, levelsOf(PEMDI_CITY_VALUES, pemdi2026));
    expect(formatIndex(official2022.index)).toBe('1,86');

    const rows = await history.rows();
    expect(rows.map((r) => r.name)).toEqual([
      `${DEMO_HISTORY_PERIOD_NAME} (ditutup)`,
      DEMO_PERIOD_NAME,
      DEMO_PEMDI_PERIOD_NAME,
    ]);
    expect(rows[0]).toMatchObject({
      self: formatIndex(self2022.index),
      verified: formatIndex(self2022.index),
      official: '1,86',
      predicate: `${official2022.predicate} (hasil resmi)`,
      actions: '0 dari 0',
    });
    expect(rows[1]).toMatchObject({
      self: '2,10',
      verified: '2,10',
      official: 'belum diimpor',
      predicate: `${self2023.predicate} (verifikasi)`,
    });
    expect(rows[2]?.self).toBe(`${formatIndex(pemdi.index)} · Merintis`);
    expect(rows[2]?.instrument).not.toBe(rows[1]?.instrument);

    // One point per period and series; the official line only where one was imported.
    const chart = await history.chart();
    expect(chart.columns.map((c) => c.slice(0, 4))).toEqual(['2022', '2023', '2026']);
    expect(chart.points).toEqual({
      Mandiri: 3,
      'Terverifikasi (level kota)': 3,
      'Hasil resmi': 1,
    });
    expect(chart.values).toContain('1,86');
    expect(chart.values).toContain('2,10');
    expect(chart.values.every((v) => /^\d,\d\d$/.test(v))).toBe(true);

    // The indicators that moved between 2022 and 2023, written out independently.
    const moved = SPBE.map((ind, i) => ({
      no: ind.no,
      from: CITY_LEVELS_2022[i] as number,
      to: CITY_LEVELS[i] as number,
    })).filter((m) => m.from !== m.to);
    const [same, cross] = await history.steps();
    expect(same?.title).toBe(`${DEMO_HISTORY_PERIOD_NAME} → ${DEMO_PERIOD_NAME}`);
    expect(same?.sameInstrument).toBe(true);
    expect(same?.change).toBe(
      `Perubahan indeks terverifikasi: +${formatIndex((self2023.index as number) - (self2022.index as number))}.`,
    );
    // 2023 has no official result yet: both periods are read on their city levels.
    expect(same?.basis).toContain('level kota kedua periode');
    expect(same?.rose.map((r) => r.no)).toEqual(
      moved.filter((m) => m.to > m.from).map((m) => m.no),
    );
    expect(same?.fell.map((r) => r.no)).toEqual(
      moved.filter((m) => m.to < m.from).map((m) => m.no),
    );
    const rose34 = same?.rose.find((r) => r.no === 34);
    expect(rose34).toMatchObject({ fromTo: '3 → 4', change: '+1' });
    expect(rose34?.name).toBe(SPBE.find((i) => i.no === 34)?.spec.name);
    expect(same?.fell[0]).toMatchObject({ no: 21, fromTo: '2 → 1', change: '−1' });
    expect(same?.unchanged).toBe(`${SPBE.length - moved.length} indikator tidak berubah.`);
    expect(same?.groupRows).toBe(12);

    expect(cross?.sameInstrument).toBe(false);
    expect(cross?.title).toBe(`${DEMO_PERIOD_NAME} → ${DEMO_PEMDI_PERIOD_NAME}`);
    expect(cross?.cross).toContain('47 indikator dalam 4 domain dan 8 aspek');
    expect(cross?.cross).toContain('20 indikator dalam 7 aspek');
    expect(cross?.cross).toContain('Hanya indeks keseluruhan yang dibandingkan');
    expect(cross?.change).toBe('Perubahan indeks terverifikasi: −0,25.');
    expect(cross?.rose).toEqual([]);
    expect(cross?.fell).toEqual([]);
    expect(cross?.groupRows).toBe(0);

    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'coordinator-history-1366.png'), fullPage: true });
    await page
      .getByTestId('history-chart')
      .screenshot({ path: join(SHOTS, 'coordinator-history-chart.png') });
    expect(await new Layout(page).menuLines()).toBe(1);
    expect(await app.accessibilityViolations()).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SHOTS, 'coordinator-history-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await app.switchLanguage('English');
    expect(await page.locator('main h1').textContent()).toBe('Index history');
    const en = await history.steps();
    expect(en[0]?.change).toBe('Change of the verified index: +0.12.');
    expect(en[1]?.cross).toContain('47 indicators in 4 domains and 8 aspects');
    expect((await history.rows())[0]?.official).toBe('1.86');
    expect(await new Layout(page).menuLines()).toBe(1);
    await app.switchLanguage('Bahasa Indonesia');
  });

  it('lets a viewer (pimpinan) read the same history', { timeout: 60_000 }, async () => {
    const { history } = await open('pimpinan@cilegon.demo');
    const rows = await history.rows();
    expect(rows).toHaveLength(3);
    expect(rows[0]?.official).toBe('1,86');
    expect((await history.steps()).map((s) => s.sameInstrument)).toEqual([true, false]);
  });
});
