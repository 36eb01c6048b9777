import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_PEMDI_PERIOD_NAME, DEMO_PERIOD_NAME, opdCode } from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

/**
 * The coordinator and a period's stages (issue 17): the periods page shows where each period
 * stands, moves one on after a confirmation and lists who moved it when; the period's facts
 * (SK, sector services) are on its form; the dashboard shows how the index moved between
 * stages, for the city and per unit, rounded as the official letter writes it.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const COORDINATOR = 'Koordinator SPBE (Diskominfo)';

/** "1,85" or "1,85 (belum lengkap)" → 1.85 */
const num = (s: string) => Number(s.slice(0, 4).replace(',', '.'));

describe.skipIf(!e2eEnabled)('coordinator and the stages of a period', () => {
  const stage = appStage();

  it('moves a period to its next stage after a confirmation, keeps its history, and shows the index per stage', {
    timeout: 120_000,
  }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const context = await stage.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login('koordinator@cilegon.demo', PASSWORD);
    await app.openPeriodsPage();

    const row = page.getByTestId('period-row').filter({ hasText: DEMO_PEMDI_PERIOD_NAME });
    const stageCell = row.getByTestId('period-stage');
    expect(await stageCell.textContent()).toContain('Verifikasi dokumen (2 dari 5)');

    // The move asks first; cancelling changes nothing.
    await row.getByTestId('advance-stage').click();
    expect(await row.locator('.c-confirm-q').textContent()).toBe(
      `Lanjutkan periode "${DEMO_PEMDI_PERIOD_NAME}" dari tahap Verifikasi dokumen ke tahap Interviu? Tablet verifikator bekerja di tahap Interviu sesudah sinkronisasi berikutnya.`,
    );
    await row.screenshot({ path: join(SHOTS, 'coordinator-stage-confirm.png') });
    await row.getByRole('button', { name: 'Batal' }).click();
    expect(await stageCell.textContent()).toContain('Verifikasi dokumen (2 dari 5)');

    await row.getByTestId('advance-stage').click();
    await row.getByTestId('advance-stage-yes').click();
    await page
      .getByTestId('success')
      .filter({ hasText: `Periode "${DEMO_PEMDI_PERIOD_NAME}" sekarang di tahap Interviu.` })
      .waitFor();
    await expect.poll(async () => stageCell.textContent()).toContain('Interviu (3 dari 5)');
    expect(await row.getByTestId('advance-stage').textContent()).toBe(
      'Lanjutkan ke tahap Visitasi',
    );

    // The history: the demo's own move, then this one, by the coordinator.
    await row.getByTestId('stage-history-toggle').click();
    const history = page.getByTestId('stage-history-row');
    await expect.poll(async () => history.count()).toBe(2);
    const cells = async (i: number) =>
      (await history.nth(i).locator('td').allTextContents()).map((s) => s.trim());
    expect((await cells(0)).slice(0, 2)).toEqual([
      'Penilaian mandiri → Verifikasi dokumen',
      COORDINATOR,
    ]);
    const [move, by, when] = await cells(1);
    expect([move, by]).toEqual(['Verifikasi dokumen → Interviu', COORDINATOR]);
    expect(when).toMatch(/ WIB$/);
    await page
      .getByTestId('stage-history')
      .screenshot({ path: join(SHOTS, 'coordinator-stage-history.png') });

    // The SPBE 2023 period's facts on its form: the SK and the sector services of 45–47.
    const spbe = page.getByTestId('period-row').filter({ hasText: DEMO_PERIOD_NAME });
    await spbe.getByRole('button', { name: 'Ubah' }).click();
    const form = page.getByTestId('period-edit-form');
    expect(await form.getByLabel('Nomor SK').inputValue()).toBe('800/Kep.112-Diskominfo/2023');
    const sectors = form.getByTestId('period-sector-services');
    await expect.poll(() => sectors.locator('input').count()).toBe(3);
    expect(await sectors.locator('input').first().inputValue()).toBe(
      'Layanan perizinan berusaha (DPMPTSP)',
    );
    // The current stage and the stage already passed cannot be left out of the list; the
    // stages still ahead can.
    expect(await form.getByTestId('period-stage-dokumen').isDisabled()).toBe(true);
    expect(await form.getByTestId('period-stage-mandiri').isDisabled()).toBe(true);
    expect(await form.getByTestId('period-stage-interviu').isDisabled()).toBe(false);
    await form.screenshot({ path: join(SHOTS, 'coordinator-period-facts.png') });

    // The dashboard: the city's penilaian mandiri (1,845 rounded half up) and Inspektorat's
    // document review, which lowered its index.
    const pages = new CoordinatorReviewPages(page, stage.url);
    await pages.openDashboard();
    await pages.choosePeriod(DEMO_PEMDI_PERIOD_NAME);
    const city = page.getByTestId('stages-city');
    await expect
      .poll(async () => city.textContent())
      .toBe(
        'Kota: Penilaian mandiri 1,85 → Verifikasi dokumen – → Interviu – → Visitasi – → Final –',
      );
    const insp = page.getByTestId('stages-unit-row').filter({ hasText: opdCode(2) });
    const [, mandiri, dokumen] = (await insp.locator('td').allTextContents()).map((s) => s.trim());
    // The outside-index indicators are the verifier's to fill: the document stage says it is
    // not complete yet.
    expect(mandiri).toMatch(/^\d,\d{2}$/);
    expect(dokumen).toMatch(/^\d,\d{2} \(belum lengkap\)$/);
    expect(num(dokumen as string)).toBeLessThan(num(mandiri as string));
    await page
      .getByTestId('stages-panel')
      .screenshot({ path: join(SHOTS, 'coordinator-stages-panel.png') });
    await context.close();
  });
});
