import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verificationId } from '../../src/core';
import { DEMO_PEMDI_PERIOD_NAME, DEMO_PERIOD_NAME, opdCode } from '../../src/server/seed';
import { edit, type WireMutation } from '../helpers/raw-push';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { api, coordinatorToken } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { pdfPages } from './support/pdf-text';
import { appStage } from './support/stage';

/**
 * What a coordinator notices on a Pemdi 2026 period (PermenPANRB 8/2026): the city index
 * rounded half up with the level name of the index ("1,85 · Merintis", where truncation
 * said 1,84), a heatmap cell whose verified level stands above incomplete evidence flagged
 * with its reason, an outside-index value named as such, and a plan that keeps to the
 * period's cap of level-steps and says what the cap lets it reach. The tablet is played
 * through the API (a raw push with the device token), so what the pages must show is known
 * independently of the pages.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
/** Sekretariat Daerah: assigned to verifier 1 on Pemdi 2026 in the demo. */
const UNIT = opdCode(0);

interface Tablet {
  deviceId: string;
  token: string;
}

/** Enrol a tablet for verifier 1 the way the tablet does (one-time code, then /devices/enrol). */
async function enrolVerifier1(base: string, token: string): Promise<Tablet> {
  const { verifiers } = await api<{ verifiers: { id: string; email: string }[] }>(
    base,
    '/api/verifiers',
    { token },
  );
  const v = verifiers.find((x) => x.email === 'verifikator1@cilegon.demo');
  const { code } = await api<{ code: string }>(base, `/api/verifiers/${v?.id}/enrolments`, {
    method: 'POST',
    token,
    body: {},
  });
  const r = await api<{ token: string; device: { id: string } }>(base, '/api/devices/enrol', {
    method: 'POST',
    body: { code, label: 'Tablet Setda' },
  });
  return { deviceId: r.device.id, token: r.token };
}

/** The assessment of a demo unit on the Pemdi 2026 period, as the assignments list names it. */
async function pemdiAssessmentId(base: string, token: string, code: string): Promise<string> {
  const periods = await api<{ periods: { id: string; name: string }[] }>(base, '/api/periods', {
    token,
  });
  const periodId = periods.periods.find((p) => p.name === DEMO_PEMDI_PERIOD_NAME)?.id;
  const { units } = await api<{ units: { id: string; code: string }[] }>(base, '/api/units', {
    token,
  });
  const unitId = units.find((u) => u.code === code)?.id;
  const { assignments } = await api<{ assignments: { unitId: string; assessmentId: string }[] }>(
    base,
    `/api/assignments?periodId=${periodId}`,
    { token },
  );
  const assessmentId = assignments.find((a) => a.unitId === unitId)?.assessmentId;
  if (!assessmentId) throw new Error(`${code} has no Pemdi 2026 assessment`);
  return assessmentId;
}

/** POST /api/sync/push as the tablet; throws when the server refuses any change. */
async function push(base: string, tablet: Tablet, mutations: WireMutation[]): Promise<void> {
  const r = await api<{ results: { outcome: string; rejection: unknown }[] }>(
    base,
    '/api/sync/push',
    { method: 'POST', token: tablet.token, body: { deviceId: tablet.deviceId, mutations } },
  );
  const refused = r.results.filter((x) => x.rejection !== null);
  if (refused.length > 0) throw new Error(`push refused: ${JSON.stringify(refused)}`);
}

/**
 * The verifier's work on the unit, pushed as the tablet pushes it: indicator 1 verified at
 * level 4 with no evidence checked (its level-2 evidence is not complete), indicator 2 at 1,25,
 * indicator 5 from the Indeks Satu Data Indonesia as published (68,75 → 3,75), and indicator 9
 * marked not applicable (which the official index counts as level 1).
 */
async function verifierWork(
  base: string,
  token: string,
): Promise<Tablet & { assessmentId: string }> {
  const assessmentId = await pemdiAssessmentId(base, token, UNIT);
  const tablet = await enrolVerifier1(base, token);
  const id = (no: number) => verificationId(assessmentId, no);
  const mutations: WireMutation[] = [
    edit(tablet, 1, 'verification', id(1), { verifiedLevel: 4 }),
    edit(tablet, 2, 'verification', id(2), { verifiedLevel: 1.25 }),
    edit(tablet, 3, 'verification', id(5), { sourceValue: 68.75, verifiedLevel: 3.75 }),
    edit(tablet, 4, 'verification', id(9), {
      notApplicable: true,
      naReason: 'Setda tidak mengelola aplikasi sendiri.',
    }),
  ];
  await push(base, tablet, mutations);
  return { ...tablet, assessmentId };
}

describe.skipIf(!e2eEnabled)('coordinator on a Pemdi 2026 period', () => {
  const stage = appStage();
  const coordinatorPage = async () => {
    const context = await stage.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login('koordinator@cilegon.demo', PASSWORD);
    return { page, app, pages: new CoordinatorReviewPages(page, stage.url) };
  };

  it('shows the index rounded with its level name, flags a level above its evidence', {
    timeout: 120_000,
  }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const tablet = await verifierWork(stage.url, await coordinatorToken(stage.url));
    const { page, app, pages } = await coordinatorPage();
    await pages.openDashboard();
    await pages.choosePeriod(DEMO_PEMDI_PERIOD_NAME);

    // The city's penilaian mandiri sums to 1,845 exactly: rounded half up as the official
    // letter writes it (truncation said 1,84), with the level the index has reached.
    expect(await pages.cityIndex()).toEqual({ index: '1,85 · Merintis', predicate: 'Cukup' });
    expect(await pages.cityIndexNote()).toBe('');
    expect(await page.getByTestId('consolidation-rule').textContent()).toContain(
      'tidak berlaku dihitung level 1',
    );
    await page
      .getByTestId('city-index')
      .screenshot({ path: join(SHOTS, 'coordinator-pemdi-city-index.png') });
    // Aspect rows carry the level name of their figure.
    expect(await page.locator('[data-group="A7"]').textContent()).toMatch(
      /2,02 · Membangun.*2,02 · Membangun/,
    );
    await page
      .getByTestId('groups')
      .screenshot({ path: join(SHOTS, 'coordinator-pemdi-groups.png') });

    // The heatmap: a decimal value as the assessor wrote it; level 4 on missing level-2
    // evidence flagged with its reason, and a legend that says what the mark means.
    expect(await pages.heatCell(UNIT, 2)).toMatchObject({ text: '1,25', flagged: false });
    const flagged = await pages.heatCell(UNIT, 1);
    expect(flagged).toMatchObject({
      text: '4,00',
      flagged: true,
      title: 'Level 4, bukti level 2 belum lengkap',
    });
    expect(flagged.label).toContain('Level 4, bukti level 2 belum lengkap');
    expect(await pages.heatLegend()).toContain(
      'level terverifikasi di atas level yang buktinya lengkap',
    );
    expect(await pages.heatRowIndex(UNIT)).toMatch(/^\d,\d{2} · [A-Z][a-z]+$/);
    await page
      .getByTestId('heatmap')
      .screenshot({ path: join(SHOTS, 'coordinator-pemdi-heatmap.png') });

    // The outside-index indicator says where its value comes from and what was entered.
    const panel = await pages.openCell(UNIT, 5);
    expect(await panel.getByTestId('source-value-5').textContent()).toMatch(
      /^Nilai dari Indeks Satu Data Indonesia .*\(Kementerian PPN\/Bappenas\) · angka indeks: 68,75$/,
    );
    expect(await panel.textContent()).not.toContain('bukti level');
    await panel.screenshot({ path: join(SHOTS, 'coordinator-pemdi-cell-panel.png') });
    const gapPanel = await pages.openCell(UNIT, 1);
    expect(await gapPanel.getByTestId('gap-1').textContent()).toBe(
      'Level 4, bukti level 2 belum lengkap',
    );

    expect(
      await accessibilityProblems(page, ['[data-testid="heatmap"]', '[data-testid="city-index"]']),
    ).toEqual([]);

    // A value with three decimals is not a Pemdi value: the server refuses it (never drops
    // or rounds it) and the sync page shows it as sent, with the reason.
    const bad = await api<{ results: { rejection: { code: string } | null }[] }>(
      stage.url,
      '/api/sync/push',
      {
        method: 'POST',
        token: tablet.token,
        body: {
          deviceId: tablet.deviceId,
          mutations: [
            edit(tablet, 5, 'verification', verificationId(tablet.assessmentId, 3), {
              verifiedLevel: 1.175,
            }),
          ],
        },
      },
    );
    expect(bad.results.map((x) => x.rejection?.code)).toEqual(['value_out_of_domain']);
    const sync = await app.openSync();
    const [refused] = await sync.rejections();
    expect(refused).toMatchObject({
      code: 'value_out_of_domain',
      indicator: 'Indikator 3',
      value: '“nilai 1,175”',
    });
    expect(refused?.reason).toContain('paling banyak dua desimal');
    await pages.openDashboard();

    // In English the figure keeps its rounding and level name, with a decimal point.
    await app.switchLanguage('English');
    expect((await pages.cityIndex()).index).toBe('1.85 · Merintis');
    expect(app.cspViolations).toEqual([]);
  });

  it('keeps the plan to the period’s step cap and says what the cap can reach', {
    timeout: 120_000,
  }, async () => {
    const { page, app, pages } = await coordinatorPage();
    await pages.openPlan();
    await pages.choosePeriod(DEMO_PEMDI_PERIOD_NAME);
    expect(await pages.planCap()).toBe('Batas periode ini: 2 langkah level per indikator.');

    // 4,00 needs more than two steps on some indicator: the plan says so and what it can
    // reach, and lists the steps that get there.
    expect(await pages.planFor('4,00')).toMatch(
      /^Target 4,00 tidak tercapai dengan batas 2 langkah per indikator; yang dapat dicapai 3,62 · Berkembang\. Langkah di bawah menuju 3,62 · Berkembang \(\d+ langkah pada \d+ indikator\)\.$/,
    );
    expect((await pages.planItems()).length).toBeGreaterThan(0);
    await page
      .locator('.r-kpis')
      .first()
      .screenshot({ path: join(SHOTS, 'coordinator-pemdi-plan-cap.png') });

    // 2,20 is within reach: the heaviest indicator climbs its two steps, and a decimal value
    // climbs to the next whole level (2,05 → 3,00). Listed in the instrument's order.
    expect(await pages.planFor('2,20')).toMatch(/^3 langkah pada 2 indikator → indeks 2,24 · /);
    expect(await pages.planItems()).toEqual([
      { no: 19, from: '2,05', to: '3,00' },
      { no: 20, from: '2,00', to: '4,00' },
    ]);
    expect(await app.accessibilityViolations()).toEqual([]);
  });

  it('prints the city summary and a unit report with rounded indices and decimal values', {
    timeout: 120_000,
  }, async () => {
    const { page, app, pages } = await coordinatorPage();
    await pages.nav('laporan');
    await pages.choosePeriod(DEMO_PEMDI_PERIOD_NAME);
    const report = page.getByTestId('city-report');
    // The figure is drawn before the instrument that names its level has loaded: wait for both.
    await expect
      .poll(() => page.getByTestId('report-city-index').textContent())
      .toBe('1,85 · Merintis');
    // Aspect figures carry their level name too; the plan line keeps to the cap.
    expect(await report.textContent()).toContain('A7: Kepuasan Pengguna');
    expect(await report.textContent()).toMatch(/A7: [^—]+— 2,0\d · Membangun/);
    // Pemdi has aspects only: one chart of aspects, no "domain" bars repeating them.
    expect(await report.locator('svg').count()).toBe(1);
    await report.screenshot({ path: join(SHOTS, 'coordinator-pemdi-city-report.png') });

    await page.getByTestId('unit-report-link').filter({ hasText: 'Sekretariat Daerah' }).click();
    const unit = page.getByTestId('unit-report');
    await unit.waitFor();
    // The period's facts head the printed report: type, stage, the internal team's SK.
    expect(await unit.getByTestId('unit-report-period-facts').textContent()).toBe(
      'Jenis periode: Evaluasi · Tahap berjalan: Verifikasi dokumen · SK tim asesor internal: 800.1.3/Kep.41-Diskominfo/2026, 2 Februari 2026, Sekretaris Daerah Kota Cilegon',
    );
    const levels = page.getByTestId('unit-report-levels');
    await levels.getByText('Nilai dari Indeks Satu Data Indonesia').waitFor();
    const row = async (no: number) =>
      (
        await levels
          .locator('tbody tr')
          .nth(no - 1)
          .locator('td')
          .allTextContents()
      ).map((x) => x.trim());
    // The official verified index counts indicator 9 (not applicable) as level 1 and the three
    // outside indices without a value as 1: (20 + 6,25 + 18,75 + 4 + 9) / 28 = 2,07. Telusur's
    // internal figure leaves out only what does not apply (indicator 9) and counts the missing
    // outside indices as 1 too: (20 + 6,25 + 18,75 + 3 + 3 + 3) / 24 = 2,25. It is labelled as
    // internal, never as the official index.
    expect(await page.getByTestId('unit-report-verified-index').textContent()).toBe(
      '2,07 · Membangun',
    );
    expect(await unit.getByTestId('index-rule-notes').textContent()).toContain(
      '1 indikator tidak berlaku dihitung level 1 (aturan resmi).',
    );
    const internal = page.getByTestId('unit-report-internal-index');
    expect(await internal.textContent()).toBe('2,25 · Membangun');
    expect(await internal.locator('..').textContent()).toMatch(
      /^Indeks internal Telusur \(tanpa indikator tidak berlaku\).*bukan angka resmi/,
    );
    expect((await row(2)).slice(1, 3)).toEqual(['2,00', '1,25']);
    expect((await row(9))[2]).toBe('TB');
    expect((await row(5))[4]).toContain('angka indeks: 68,75');
    // No documents to check on an outside-index indicator; a level above its evidence is named.
    expect((await row(5))[3]).toBe('tanpa dokumen: nilai dari indeks instansi lain');
    expect((await row(1))[3]).toContain('Level 4, bukti level 2 belum lengkap');
    await unit.screenshot({ path: join(SHOTS, 'coordinator-pemdi-unit-report.png') });
    expect(await app.accessibilityViolations()).toEqual([]);
  });

  it('prints the 59/2020 city summary with its charts on page 1, not after a blank page', {
    timeout: 120_000,
  }, async () => {
    // Eight aspects make the radar and its legend taller than what the title and index boxes
    // leave of page 1: kept whole, the chart moved to page 2 and page 1 printed nearly empty.
    const { page, pages } = await coordinatorPage();
    await pages.nav('laporan');
    await pages.choosePeriod(DEMO_PERIOD_NAME);
    await page.getByTestId('city-report').locator('svg').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    const printed = pdfPages(await page.pdf({ format: 'A4', printBackground: true }));
    await page.emulateMedia({ media: 'screen' });
    // The PDF's text runs come one per line: read page 1 as running text.
    const page1 = (printed[0] ?? '').replace(/\s+/g, ' ');
    expect(page1).toContain('Laporan ringkasan indeks SPBE kota');
    // The chart's caption and the first lines of its legend are on page 1.
    expect(page1).toContain('Indeks per aspek');
    expect(page1).toMatch(/A1 : Kebijakan Internal terkait Tata Kelola/);
    expect(page1).toMatch(/A3 : Teknologi Informasi dan Komunikasi/);
  });

  it('keeps the period chosen on the dashboard when the menu opens the plan and the reports', {
    timeout: 120_000,
  }, async () => {
    const { page, pages } = await coordinatorPage();
    await pages.nav('dasbor');
    await pages.choosePeriod(DEMO_PERIOD_NAME);
    const chosen = await page.getByTestId('period-select').inputValue();
    for (const section of ['rencana', 'laporan'] as const) {
      await pages.nav(section);
      await page.locator(`[data-period="${chosen}"]`).first().waitFor();
      expect(await page.getByTestId('period-select').inputValue()).toBe(chosen);
      // The address names it too: a copied link opens the same view.
      expect(new URL(page.url()).searchParams.get('periode')).toBe(chosen);
    }
    await page.reload();
    await page.locator(`[data-period="${chosen}"]`).first().waitFor();
    expect(await page.getByTestId('period-select').inputValue()).toBe(chosen);
  });

  it('notes the exact value when rounding carries the figure across a band edge', {
    timeout: 120_000,
  }, async () => {
    // BPKAD's verifier values sum to 149,5 over weight 100: the index is 1,495 exactly —
    // shown 1,50 (rounded half up), but the predikat is Kurang, from the exact value.
    const token = await coordinatorToken(stage.url);
    const assessmentId = await pemdiAssessmentId(stage.url, token, opdCode(4));
    const tablet = await enrolVerifier1(stage.url, token);
    const values: Record<number, number | { source: number }> = {
      1: 1.2,
      7: { source: 2.97 },
      11: 1.03,
      19: 1.5,
      20: 3.5,
    };
    const mutations: WireMutation[] = [];
    for (let no = 1; no <= 20; no++) {
      if (no === 5 || no === 6 || no === 18) continue; // no outside index yet: counts as 1
      const v = values[no] ?? 1;
      mutations.push(
        edit(
          tablet,
          mutations.length + 1,
          'verification',
          verificationId(assessmentId, no),
          typeof v === 'number'
            ? { verifiedLevel: v }
            : { sourceValue: v.source, verifiedLevel: v.source },
        ),
      );
    }
    await push(stage.url, tablet, mutations);

    const { page } = await coordinatorPage();
    await page.goto(`${stage.url}/koordinator/laporan/unit/${encodeURIComponent(assessmentId)}`);
    const index = page.getByTestId('unit-report-verified-index');
    await index.waitFor();
    await page.getByTestId('unit-report-verified-index-exact').waitFor();
    expect(await index.textContent()).toBe('1,50 · Merintis');
    expect(await index.locator('..').textContent()).toContain('Kurang');
    expect(await page.getByTestId('unit-report-verified-index-exact').textContent()).toBe(
      '1,495 — predikat dari nilai tepat',
    );
    await index.locator('..').screenshot({ path: join(SHOTS, 'coordinator-pemdi-exact-note.png') });
  });

  it('creates a period on Pemdi 2026 and says what the instrument means', {
    timeout: 120_000,
  }, async () => {
    const { page, app } = await coordinatorPage();
    const periods = await app.openPeriodsPage();
    const facts = await periods.chooseInstrument('pemdi-2026');
    expect(facts).toContain('20 indikator');
    expect(facts).toContain('nilai desimal 1,00–5,00');
    expect(facts).toContain('Merintis, Membangun, Berkembang, Melembaga, Unggul');
    expect(facts).toContain('indikator 5, 6, 7, 18');
    expect(facts).toContain('dihitung level 1');
    expect(await periods.stepCap()).toBe('2');
    await periods.form().screenshot({ path: join(SHOTS, 'coordinator-pemdi-period-form.png') });

    expect(
      await periods.create({
        name: 'Evaluasi Pemdi 2028',
        year: 2028,
        frameworkId: 'pemdi-2026',
        target: '2,75',
        status: 'draf',
        stepCap: '3',
      }),
    ).toBe('Periode "Evaluasi Pemdi 2028" dibuat.');
    const row = await periods.row('Evaluasi Pemdi 2028');
    expect(row.slice(0, 5)).toEqual([
      'Evaluasi Pemdi 2028',
      '2028',
      'Evaluasi Kinerja Pemerintah Digital (PermenPANRB 8/2026) pemdi-2026',
      '2,75',
      '3',
    ]);
    // A cap outside 1–4 is refused at the field, before anything is sent.
    await periods.form().locator('#pn-planStepCap').fill('6');
    await periods.form().getByRole('button', { name: 'Tambah' }).click();
    expect(await page.locator('#pn-planStepCap-err').textContent()).toBe(
      'Batas langkah harus bilangan bulat 1–4.',
    );

    // A target typed with a decimal point is taken on the Indonesian page too.
    expect(
      await periods.create({
        name: 'Evaluasi Pemdi 2029',
        year: 2029,
        frameworkId: 'pemdi-2026',
        target: '3.25',
        status: 'draf',
        stepCap: '2',
      }),
    ).toBe('Periode "Evaluasi Pemdi 2029" dibuat.');
    expect((await periods.row('Evaluasi Pemdi 2029'))[3]).toBe('3,25');
    expect(await periods.target()).toBe('3,00');

    // In English the form's target and the list use a decimal point, and a comma is still
    // taken as typed: switching language rewrites the offered figure, as does a fresh page.
    await app.switchLanguage('English');
    await expect.poll(() => periods.target()).toBe('3.00');
    expect((await periods.row('Evaluasi Pemdi 2028'))[3]).toBe('2.75');
    await page.reload();
    const english = await app.openPeriodsPage();
    expect(await english.target()).toBe('3.00');
    expect(
      await english.create({
        name: 'Evaluasi Pemdi 2030',
        year: 2030,
        frameworkId: 'pemdi-2026',
        target: '3,5',
        status: 'draf',
      }),
    ).toBe('Period "Evaluasi Pemdi 2030" created.');
    expect((await english.row('Evaluasi Pemdi 2030'))[3]).toBe('3.50');
    await app.switchLanguage('Bahasa Indonesia');
  });
});
