import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIndex, PROTOCOL_HEADER, PROTOCOL_VERSION, verificationId } from '../../src/core';
import { DEMO_PERIOD_NAME, kelurahanCode } from '../../src/server/seed';
import { edit, type WireMutation } from '../helpers/raw-push';
import { ActionsPages } from './page-models/coordinator-actions';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { api, assessmentIdFor, coordinatorToken, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { promisedFromApi } from './support/promised';
import { appStage } from './support/stage';

/**
 * Tindak lanjut as people use it: the coordinator turns the demo plan (SPBE 2023, target
 * 3,00) into actions, one of them owned by Disdikbud; the dashboard's "indeks jika semua
 * tindak lanjut berhasil" is the plan's arithmetic; Disdikbud's owner account sees only
 * its action, marks it Berjalan, uploads a PDF and closes it; the coordinator sees it
 * Selesai; the pimpinan reads without forms. And a verifier's rekomendasi becomes an action
 * with one tap on the review page.
 */

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const PASSWORD = 'telusur-demo';
const OPD = 'Dinas Pendidikan dan Kebudayaan';
const OWNER_EMAIL = 'tl.disdikbud@cilegon.demo';
/** A small, valid PDF (its first bytes are what the server checks). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

describe.skipIf(!e2eEnabled)('coordinator: tindak lanjut', () => {
  const stage = appStage();
  const laptop = async (email: string, password = PASSWORD) => {
    const context = await stage.newContext({
      viewport: { width: 1366, height: 900 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login(email, password);
    return { page, app, actions: new ActionsPages(page, stage.url) };
  };

  it('turns the plan into actions, shows the promised index, and an owner closes one with evidence', {
    timeout: 240_000,
  }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const { page, app, actions } = await laptop('koordinator@cilegon.demo');
    const review = new CoordinatorReviewPages(page, stage.url);

    // The menu still fits one line at 1366 px with the new entry.
    const menu = page.getByTestId('coordinator-subnav');
    await menu.screenshot({ path: join(SHOTS, 'actions-menu-1366.png') });
    const heights = await menu
      .locator('li')
      .evaluateAll((lis) => [...new Set(lis.map((l) => (l as HTMLElement).offsetTop))]);
    expect(heights).toHaveLength(1);
    expect(await actions.menuEntries()).toContain('cnav-tindak-lanjut');

    // The plan for 3,00 → one action per indicator. The demo already holds three actions
    // from this plan (Berjalan, Terlambat, Selesai): those indicators are marked and unticked.
    await review.openPlan();
    await review.choosePeriod(DEMO_PERIOD_NAME);
    await review.planFor('3,00');
    const planned = await review.planItems();
    const indicatorCount = new Set(planned.map((p) => p.no)).size;
    const planResult = ((await page.getByTestId('plan-result').textContent()) ?? '').trim();
    const form = await actions.planActionRows();
    expect(form).toHaveLength(indicatorCount);
    const seeded = form.filter((r) => r.exists);
    expect(seeded).toHaveLength(3);
    expect(seeded.every((r) => !r.ticked)).toBe(true);
    const fresh = form.filter((r) => !r.exists);
    expect(fresh.every((r) => r.ticked)).toBe(true);
    const first = fresh[0]?.no as number;
    const made = await actions.planToActions({ no: first, unit: OPD, person: 'Kabid Aptika' });
    expect(made).toContain(`${fresh.length} tindak lanjut dibuat`);
    // Made once: the form now marks every indicator as already an action and ticks none.
    const again = await actions.planActionRows();
    expect(again.every((r) => r.exists && !r.ticked)).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'actions-plan-1366.png'), fullPage: true });

    // The Tindak lanjut page lists them with the demo's three; the new ones are Rencana.
    await actions.open();
    await actions.choosePeriod(DEMO_PERIOD_NAME);
    // The list may still show the period's earlier answer for a moment after it is chosen.
    await expect.poll(async () => (await actions.rows()).length).toBe(indicatorCount);
    const rows = await actions.rows();
    const newRows = rows.filter((r) => fresh.some((f) => f.no === r.no));
    expect(new Set(newRows.map((r) => r.status))).toEqual(new Set(['rencana']));
    expect(rows.find((r) => r.no === first)?.owner).toContain(OPD);
    expect(await actions.counts()).toMatchObject({
      rencana: fresh.length,
      berjalan: 1,
      terlambat: 1,
      selesai: 1,
    });
    // Terlambat reads red with the days it is late.
    expect(rows.find((r) => r.status === 'terlambat')?.statusText).toMatch(
      /^Terlambat · \d+ hari$/,
    );
    expect(await app.accessibilityViolations()).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'actions-list-1366.png'), fullPage: true });
    // The status filter: Terlambat shows the one late action; the counts stay for all.
    await actions.filterStatus('terlambat');
    await expect
      .poll(async () => (await actions.rows()).map((r) => r.status))
      .toEqual(['terlambat']);
    await actions.filterStatus('');
    await expect.poll(async () => (await actions.rows()).length).toBe(indicatorCount);

    // The dashboard's promised index is computeIndex of the promised levels, from the API's
    // levels now, and equals what the plan promised.
    const { token, promised: promisedIndex } = await promisedFromApi(stage.url, DEMO_PERIOD_NAME);
    const expected = formatIndex(promisedIndex);
    await review.openDashboard();
    await review.choosePeriod(DEMO_PERIOD_NAME);
    const dash = await actions.dashboardPromised();
    expect(dash.promised.startsWith(expected)).toBe(true);
    expect(planResult.startsWith(expected)).toBe(true);
    // Per owner unit: the OPD given the first indicator has its one action there.
    expect(await page.getByTestId('actions-owners').textContent()).toContain(OPD);
    await page
      .getByTestId('actions-panel')
      .screenshot({ path: join(SHOTS, 'actions-dashboard.png') });

    // An owner account for Disdikbud: its password is shown once.
    await actions.open();
    const password = await actions.createOwner(OPD, 'Kabid Aptika', OWNER_EMAIL);
    expect(password.length).toBeGreaterThanOrEqual(10);
    await actions.ownerRow(OWNER_EMAIL).waitFor();

    // The owner: only Tindak lanjut in the menu, only its action.
    const owner = await laptop(OWNER_EMAIL, password);
    await owner.page.waitForURL('**/koordinator/tindak-lanjut**');
    await owner.actions.loaded();
    expect(await owner.actions.menuEntries()).toEqual(['cnav-tindak-lanjut']);
    const mine = await owner.actions.rows();
    expect(mine.map((r) => r.no)).toEqual([first]);
    await owner.page.screenshot({ path: join(SHOTS, 'actions-owner-1366.png'), fullPage: true });
    const detail = await owner.actions.openAction(first);
    expect(await detail.ownerOnlyControls()).toBe(0);
    await detail.markStarted();
    await detail.comment('Draf SK sedang disusun.');
    // Before any evidence the close form says what it needs, before sending.
    expect(await detail.closeNeeds()).toContain('unggah minimal satu berkas');
    const files = await detail.upload({
      name: 'sk-tim-spbe.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    expect(files.join(' ')).toContain('sk-tim-spbe.pdf');
    expect(await detail.closeNeeds()).toBe('');
    await detail.closeWith('SK Tim SPBE sudah ditetapkan.');
    expect(await detail.status()).toBe('selesai');
    expect(await owner.app.accessibilityViolations()).toEqual([]);
    await owner.page.screenshot({
      path: join(SHOTS, 'actions-owner-closed-1366.png'),
      fullPage: true,
    });
    expect(await owner.page.getByTestId('coordinator-account').textContent()).toContain(
      'penanggung jawab',
    );
    // Its printable list: the letterhead, its unit's name, its action with the evidence promised.
    const printed = await owner.actions.openOwnerList();
    expect(printed.heading).toContain(OPD);
    expect(printed.letterhead).toContain('Cilegon');
    expect(printed.rows).toBe(1);
    await owner.page.screenshot({
      path: join(SHOTS, 'actions-owner-print-1366.png'),
      fullPage: true,
    });
    // On a tablet-sized screen too.
    await owner.page.setViewportSize({ width: 800, height: 1280 });
    await owner.page.screenshot({
      path: join(SHOTS, 'actions-owner-print-tablet.png'),
      fullPage: true,
    });
    await owner.page.setViewportSize({ width: 1366, height: 900 });
    // Other coordinator pages are refused to the owner.
    await owner.app.open('/koordinator/dasbor');
    await owner.page.getByTestId('no-access').waitFor();

    // The coordinator sees it Selesai.
    await page.reload();
    await actions.loaded();
    await actions.choosePeriod(DEMO_PERIOD_NAME);
    await page.screenshot({ path: join(SHOTS, 'actions-list-done-1366.png'), fullPage: true });
    await expect
      .poll(async () => (await actions.rows()).find((r) => r.no === first)?.status)
      .toBe('selesai');
    const after = await actions.rows();
    expect(await actions.counts()).toMatchObject({ selesai: 2 });

    // An edit on a stale copy: someone else changed the action since it was opened.
    const second = after.find((r) => r.no !== first && r.status === 'rencana') as {
      id: string;
      no: number;
    };
    const stale = await actions.openAction(second.no);
    const current = await api<{ version: number }>(stage.url, `/api/actions/${second.id}`, {
      token,
    });
    await api(stage.url, `/api/actions/${second.id}`, {
      method: 'PATCH',
      token,
      body: { expectedVersion: current.version, ownerPerson: 'Sekretaris Dinas' },
    });
    expect(await stale.editTitle('Judul baru')).toContain('sudah diubah orang lain');
    await page.getByTestId('action-reload').click();
    await expect
      .poll(() => page.getByTestId('action-owner').textContent())
      .toContain('Sekretaris Dinas');
    expect(await stale.editTitle('Judul baru')).toBe('');
    expect((await page.getByTestId('action-title').textContent())?.trim()).toBe('Judul baru');
    await page.screenshot({
      path: join(SHOTS, 'actions-detail-coordinator-1366.png'),
      fullPage: true,
    });

    // By hand: indicator 1 to level 5 on the Pemda unit, evidence from the instrument.
    await page.getByTestId('action-title').locator('xpath=..').getByRole('link').first().click();
    await actions.loaded();
    await actions.choosePeriod(DEMO_PERIOD_NAME);
    const byHand = await actions.addByHand(1, 5);
    expect(byHand.evidence.length).toBeGreaterThan(0);
    expect(byHand.notice).toContain('Tindak lanjut dibuat: Capai level 5');
    // The list reloads after the save: wait for the new row rather than read it at once.
    await expect
      .poll(async () => (await actions.rows()).some((r) => r.no === 1 && r.status === 'rencana'))
      .toBe(true);

    // The owner account: a new password (shown once), then deactivated.
    const again2 = await actions.resetOwnerPassword(OWNER_EMAIL);
    expect(again2).not.toBe(password);
    expect(await actions.deactivateOwner(OWNER_EMAIL)).toBe('nonaktif');

    // The pimpinan reads the list and an action without any form.
    const viewer = await laptop('pimpinan@cilegon.demo');
    await viewer.actions.open();
    await viewer.actions.choosePeriod(DEMO_PERIOD_NAME);
    expect(await viewer.actions.rows()).toHaveLength(indicatorCount + 1);
    expect(await viewer.page.getByTestId('action-add').count()).toBe(0);
    expect(await viewer.page.getByTestId('ow-create').count()).toBe(0);
    const read = await viewer.actions.openAction(first);
    expect(await read.writeControls()).toBe(0);
  });

  it('turns a verifier’s rekomendasi into an action with one tap', {
    timeout: 120_000,
  }, async () => {
    const base = stage.url;
    const token = await coordinatorToken(base);
    const unit = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1
    const assessmentId = await assessmentIdFor(base, token, unit);
    const { code } = await enrolmentCodeFor(base, 'verifikator1@cilegon.demo');
    const r = await api<{ token: string; device: { id: string } }>(base, '/api/devices/enrol', {
      method: 'POST',
      body: { code, label: 'Tablet rekomendasi' },
    });
    const tablet = { deviceId: r.device.id, token: r.token };
    const mutations: WireMutation[] = [
      edit(tablet, 1, 'verification', verificationId(assessmentId, 2), {
        verifiedLevel: 2,
        rekomendasi: 'Tetapkan kebijakan internal arsitektur SPBE.\nLalu sosialisasikan.',
      }),
    ];
    const res = await fetch(`${base}/api/sync/push`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tablet.token}`,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      },
      body: JSON.stringify({ deviceId: tablet.deviceId, mutations }),
    });
    expect(res.status).toBe(200);

    const { page, actions } = await laptop('koordinator@cilegon.demo');
    await page.goto(`${base}/koordinator/tinjau/${encodeURIComponent(assessmentId)}`);
    await page.getByTestId('review-page').waitFor();
    await page.getByTestId('rekomendasi-action-2').waitFor();
    const said = await actions.rekomendasiToAction(2);
    expect(said).toContain('Tindak lanjut dibuat');
    expect(said).toContain('Sudah jadi tindak lanjut');
    // On a fresh load the button stays "Sudah jadi tindak lanjut".
    await page.reload();
    await page.getByTestId('rekomendasi-action-2').getByTestId('rekomendasi-action-link').waitFor();
    await page.getByTestId('rekomendasi-action-2').getByTestId('rekomendasi-action-link').click();
    await page.getByTestId('action-title').waitFor();
    expect((await page.getByTestId('action-title').textContent())?.trim()).toBe(
      'Tetapkan kebijakan internal arsitektur SPBE.',
    );
    expect(await page.getByTestId('action-owner').textContent()).toBeTruthy();
  });

  it('refuses past due dates and bad fields under the field, moves back to Rencana, wraps long links, keeps owners to their OPD', {
    timeout: 180_000,
  }, async () => {
    mkdirSync(SHOTS, { recursive: true });
    const base = stage.url;
    const token = await coordinatorToken(base);
    const { periods } = await api<{ periods: { id: string; name: string }[] }>(
      base,
      '/api/periods',
      { token },
    );
    const periodId = periods.find((p) => p.name === DEMO_PERIOD_NAME)?.id as string;
    const before = await api<{ today: string; actions: unknown[] }>(
      base,
      `/api/actions?periodId=${periodId}`,
      { token },
    );
    const today = before.today;
    const { page, actions } = await laptop('koordinator@cilegon.demo');
    const review = new CoordinatorReviewPages(page, base);

    // The plan form: a due date of 2020 is refused under the field; nothing is made.
    await review.openPlan();
    await review.choosePeriod(DEMO_PERIOD_NAME);
    await review.planFor('3,00');
    const plan = await actions.planDueRefused('2020-01-01');
    expect(plan).toEqual({
      message: 'Tenggat sudah lewat; pilih hari ini atau sesudahnya.',
      min: today,
      invalid: true,
      made: false,
    });

    // By hand: the same.
    await actions.open();
    await actions.choosePeriod(DEMO_PERIOD_NAME);
    expect(await actions.addByHandDueRefused(1, 5, '2020-01-01')).toEqual({
      message: 'Tenggat sudah lewat; pilih hari ini atau sesudahnya.',
      min: today,
    });
    const after = await api<{ actions: unknown[] }>(base, `/api/actions?periodId=${periodId}`, {
      token,
    });
    expect(after.actions).toHaveLength(before.actions.length);

    // A Berjalan action goes back to Rencana.
    await actions.filterStatus('berjalan');
    await expect.poll(async () => (await actions.rows()).length).toBeGreaterThan(0);
    const berjalan = (await actions.rows())[0] as { no: number };
    const detail = await actions.openAction(berjalan.no);
    expect(await detail.status()).toBe('berjalan');
    await detail.backToPlan();
    expect(await detail.status()).toBe('rencana');

    // The edit form says what is wrong under each field, in words, not code.
    const empty = await detail.editRefused('', '');
    expect(empty.fields).toEqual({
      'ae-title-err': 'Isi judul tindak lanjut.',
      'ae-due-err': 'Isi tenggat.',
    });
    expect(empty.invalid.sort()).toEqual(['ae-due', 'ae-title']);
    expect(empty.notice).toBe('');
    const old = await detail.editRefused('Judul', '1999-12-31');
    expect(old.fields).toEqual({
      'ae-due-err': 'Tenggat harus tanggal yang sah antara tahun 2000 dan 2100.',
    });
    const past = await detail.editRefused('Judul', '2020-01-01');
    expect(past.fields['ae-due-err']).toBe('Tenggat sudah lewat; pilih hari ini atau sesudahnya.');

    // Closing: "Selesaikan" waits for a note; a link must be http(s).
    expect(await detail.closeEnabled()).toBe(false);
    expect(await detail.closeLinkRefused('Sudah.', 'ftp://x')).toBe(
      'Tautan harus diawali http:// atau https:// (ftp://x).',
    );
    expect(await detail.closeEnabled()).toBe(true);

    // A long link in a comment wraps: the page does not scroll sideways at 800 px.
    await page.setViewportSize({ width: 800, height: 1280 });
    await detail.comment(
      `Folder bukti: https://drive.google.com/drive/folders/${'1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'.repeat(3)}?usp=sharing`,
    );
    expect(await detail.scrollsSideways()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'actions-detail-long-800.png'), fullPage: true });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.screenshot({ path: join(SHOTS, 'actions-detail-fields-1366.png'), fullPage: true });

    // An owner prints its own OPD's list; another OPD's list is refused.
    const { units } = await api<{ units: { id: string; name: string; kind: string }[] }>(
      base,
      '/api/units',
      { token },
    );
    const opd = units.find((u) => u.name === OPD) as { id: string };
    const pemda = units.find((u) => u.kind === 'pemda') as { id: string };
    const made = await api<{ password: string }>(base, '/api/owners', {
      method: 'POST',
      token,
      body: { email: 'tl2.disdikbud@cilegon.demo', name: 'Sekretaris', unitId: opd.id },
    });
    const owner = await laptop('tl2.disdikbud@cilegon.demo', made.password);
    await owner.page.waitForURL('**/koordinator/tindak-lanjut**');
    expect(await owner.actions.openOwnerListOf(opd.id)).toContain(OPD);
    expect(await owner.actions.openOwnerListOf(pemda.id)).toContain(
      'no-access: Anda tidak memiliki akses',
    );
    await owner.page.screenshot({ path: join(SHOTS, 'actions-owner-refused-1366.png') });
  });
});
