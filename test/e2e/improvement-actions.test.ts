import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { formatIndex, promisedEvidence, spbe2020 } from '../../src/core';
import { DEMO_PERIOD_NAME, PEMDA_CODE } from '../../src/server/seed';
import { ActionsPages } from './page-models/coordinator-actions';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { AssignmentsPage } from './page-models/coordinator-setup';
import { ActionsPanel, ChecklistScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { promisedFromApi } from './support/promised';
import { appStage } from './support/stage';

/**
 * Issue 18's proof, end to end as the people do it: the coordinator turns the SPBE 2023 plan
 * (target 3,00) into tindak lanjut and the dashboard promises the plan's index; an OPD's owner
 * account (made in the UI, its password shown once) closes its action with a PDF; the next
 * period, Evaluasi SPBE 2024, is made and assigned; the verifier's tablet, offline, shows on
 * that indicator of Kota Cilegon what was promised and how it was closed.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const OPD = 'Dinas Pendidikan dan Kebudayaan';
const OWNER_EMAIL = 'tl.disdikbud@cilegon.demo';
const OWNER_PERSON = 'Kabid Aptika Disdikbud';
const VERIFIER = 'verifikator1@cilegon.demo';
const NEXT_PERIOD = 'Evaluasi SPBE 2024';
const CLOSING_NOTE = 'SK Tim SPBE Disdikbud sudah ditetapkan.';
const PDF_NAME = 'sk-tim-spbe-disdikbud.pdf';
/** A small, valid PDF (its first bytes are what the server checks). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(SHOTS, `improvement-actions-${name}.png`), fullPage });

/** "3,00 (Baik)" → 3. */
const indexValue = (text: string) =>
  Number(
    text
      .replace(/[^\d,]/g, ' ')
      .trim()
      .split(' ')[0]
      ?.replace(',', '.'),
  );

describe.skipIf(!e2eEnabled)('issue 18: from the plan to the next period’s tablet', () => {
  const stage = appStage();
  const laptop = async (email: string, password: string) => {
    const context = await stage.newContext({
      viewport: { width: 1366, height: 768 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login(email, password);
    return { page, app, actions: new ActionsPages(page, stage.url) };
  };

  it('the plan becomes actions, an owner closes one with evidence, the next period’s tablet shows it offline', {
    timeout: 180_000,
  }, async () => {
    mkdirSync(SHOTS, { recursive: true });

    // --- 1. The coordinator: the plan for 3,00 becomes actions -------------------------------
    const { page, app, actions } = await laptop('koordinator@cilegon.demo', 'telusur-demo');
    const review = new CoordinatorReviewPages(page, stage.url);
    await review.openPlan();
    await review.choosePeriod(DEMO_PERIOD_NAME);
    await review.planFor('3,00');
    const planned = await review.planItems();
    const planNos = [...new Set(planned.map((p) => p.no))];
    const fresh = (await actions.planActionRows()).filter((r) => !r.exists);
    expect(fresh.length).toBeGreaterThanOrEqual(2);
    const closedNo = fresh[0]?.no as number;
    const openNo = fresh[1]?.no as number;
    const made = await actions.planToActions({ no: closedNo, unit: OPD, person: OWNER_PERSON });
    expect(made).toContain(`${fresh.length} tindak lanjut dibuat`);
    await page.getByTestId('plan-actions-done').scrollIntoViewIfNeeded();
    await shot(page, '1-plan-1366');

    // The list: one action per plan indicator, the new ones Rencana, ours owned by the OPD.
    await actions.open();
    await actions.choosePeriod(DEMO_PERIOD_NAME);
    await expect.poll(async () => (await actions.rows()).length).toBe(planNos.length);
    const rows = await actions.rows();
    expect(rows.map((r) => r.no).sort((a, b) => a - b)).toEqual(planNos.sort((a, b) => a - b));
    expect(rows.find((r) => r.no === closedNo)).toMatchObject({ status: 'rencana' });
    expect(rows.find((r) => r.no === closedNo)?.owner).toContain(OPD);
    expect(await app.accessibilityViolations()).toEqual([]);
    await shot(page, '1-list-1366');

    // The dashboard's promise is computeIndex of the promised levels, from the API's answers.
    const { token, periodId, now, levels, promised } = await promisedFromApi(
      stage.url,
      DEMO_PERIOD_NAME,
    );
    expect(promised).toBeGreaterThanOrEqual(3);
    // The dashboard's own answer agrees, indicator by indicator, on the levels now and promised.
    const progress = await api<{
      indicators: { no: number; current: number | null; promised: number | null }[];
    }>(stage.url, `/api/dashboard/${periodId}/actions`, { token });
    expect(progress.indicators.map((i) => i.no).sort((a, b) => a - b)).toEqual(planNos);
    for (const i of progress.indicators)
      expect({ no: i.no, current: i.current, promised: i.promised }).toEqual({
        no: i.no,
        current: now[i.no],
        promised: levels[i.no],
      });
    await review.openDashboard();
    await review.choosePeriod(DEMO_PERIOD_NAME);
    const dash = await actions.dashboardPromised();
    expect(dash.promised.startsWith(formatIndex(promised))).toBe(true);
    expect(indexValue(dash.promised)).toBeGreaterThanOrEqual(3);
    await page.getByTestId('actions-panel').scrollIntoViewIfNeeded();
    await shot(page, '1-dashboard-1366');

    // --- 2. The OPD's owner account, made in the UI: its password shown once -----------------
    await actions.open();
    const password = await actions.createOwner(OPD, OWNER_PERSON, OWNER_EMAIL);
    expect(password.length).toBeGreaterThanOrEqual(10);
    await page
      .getByTestId('owner-password-once')
      .evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot(page, '2-owner-created-1366');

    const owner = await laptop(OWNER_EMAIL, password);
    await owner.page.waitForURL('**/koordinator/tindak-lanjut**');
    await owner.actions.loaded();
    const mine = await owner.actions.rows();
    expect(mine.map((r) => r.no)).toEqual([closedNo]);
    await shot(owner.page, '2-owner-list-1366');
    const detail = await owner.actions.openAction(closedNo);
    await detail.markStarted();
    // Closing before any evidence is refused, in words, and nothing changes.
    expect(await detail.closeRefused(CLOSING_NOTE)).toContain('unggah minimal satu berkas');
    expect(await detail.status()).toBe('berjalan');
    await owner.page.getByTestId('action-close-needs').scrollIntoViewIfNeeded();
    await shot(owner.page, '2-owner-close-refused-1366');
    const files = await detail.upload({ name: PDF_NAME, mimeType: 'application/pdf', buffer: PDF });
    expect(files.join(' ')).toContain(PDF_NAME);
    await detail.closeWith(CLOSING_NOTE);
    expect(await detail.status()).toBe('selesai');
    expect(await owner.app.accessibilityViolations()).toEqual([]);
    await shot(owner.page, '2-owner-closed-1366');

    // --- 3. The next period, active, Kota Cilegon assigned to verifikator1 -------------------
    const periodsPage = await app.openPeriodsPage();
    expect(
      await periodsPage.create({
        name: NEXT_PERIOD,
        year: 2024,
        frameworkId: spbe2020.id,
        target: '3,00',
        status: 'aktif',
      }),
    ).toContain(NEXT_PERIOD);
    await periodsPage.periodRow(NEXT_PERIOD).evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await shot(page, '3-period-1366');
    await app.openAssignments();
    await new AssignmentsPage(page).selectPeriod(NEXT_PERIOD);
    expect(await app.assignUnits(VERIFIER, [PEMDA_CODE])).toBeTruthy();
    await shot(page, '3-assigned-1366');
    const next = (
      await api<{ periods: { id: string; name: string }[] }>(stage.url, '/api/periods', { token })
    ).periods.find((p) => p.name === NEXT_PERIOD);
    const { units } = await api<{ units: { id: string; code: string }[] }>(
      stage.url,
      '/api/units',
      { token },
    );
    const pemdaId = units.find((u) => u.code === PEMDA_CODE)?.id;
    const { assignments } = await api<{ assignments: { unitId: string; assessmentId: string }[] }>(
      stage.url,
      `/api/assignments?periodId=${encodeURIComponent(next?.id ?? '')}`,
      { token },
    );
    const assessmentId = assignments.find((a) => a.unitId === pemdaId)?.assessmentId;
    if (!assessmentId) throw new Error('Kota Cilegon was not assigned in the new period');

    // --- 4. The verifier's tablet: enrol, sync, offline, the indicator -----------------------
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const tablet = new VerifierApp(await context.newPage(), stage.url);
    const tpage = tablet.page;
    const sync = new TabletSync(tablet);
    const { code } = await enrolmentCodeFor(stage.url, VERIFIER);
    await sync.enrol(code, 'Tablet tindak lanjut 2024');
    await sync.syncNow();
    await tablet.waitForServiceWorker();
    await context.setOffline(true);

    const checklist = new ChecklistScreen(tablet);
    await checklist.open(assessmentId);
    expect(await tablet.connectivityLabel()).toMatch(/Luring/);
    await expect
      .poll(() => checklist.actionRows())
      .toEqual(expect.arrayContaining([closedNo, openNo]));
    await tpage.getByTestId(`indicator-row-${closedNo}`).scrollIntoViewIfNeeded();
    await shot(tpage, '4-checklist-1024');

    const openIndicator = async (no: number) => {
      await tablet.open(`/kerja/a/${encodeURIComponent(assessmentId)}/i/${no}`);
      await tpage.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
      const panel = await ActionsPanel.onIndicator(tpage);
      if (!panel) throw new Error(`no tindak lanjut on indicator ${no}`);
      return panel;
    };
    const closedPanel = await openIndicator(closedNo);
    const closedTarget = planned.filter((p) => p.no === closedNo).at(-1)?.to;
    const [shown, ...others] = await closedPanel.actions();
    expect(others).toEqual([]);
    expect(shown).toMatchObject({
      status: 'Selesai',
      period: `dari ${DEMO_PERIOD_NAME}`,
      owner: expect.stringContaining(OWNER_PERSON),
      evidence: promisedEvidence(spbe2020, closedNo, Number(closedTarget)),
      closingNote: CLOSING_NOTE,
      files: [`${PDF_NAME} (${PDF.length} byte)`],
    });
    expect(shown?.evidence.length).toBeGreaterThan(0);
    await closedPanel.root.scrollIntoViewIfNeeded();
    await shot(tpage, '4-indicator-closed-1024');

    const openPanel = await openIndicator(openNo);
    const [pending] = await openPanel.actions();
    expect(pending?.status).toBe('Rencana');
    expect(pending?.closingNote).toBeNull();
    await openPanel.root.scrollIntoViewIfNeeded();
    await shot(tpage, '4-indicator-open-1024');
  });
});
