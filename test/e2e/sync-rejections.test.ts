import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HomeScreen,
  IndicatorScreen,
  pasteInto,
  RejectedScreen,
  StorageScreen,
  TabletSync,
  VerifierApp,
} from './page-models/verifier-app';
import { api, enrolmentCodeFor } from './support/api';
import { startAppServer } from './support/app-server';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser } from './support/browser';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/**
 * The tablet's elements for refused changes, withdrawn units, release and cleaned text: axe
 * must be able to decide their contrast (new colours over new backgrounds).
 */
const NEW_ELEMENTS = [
  '[data-testid="withdrawn-section"]',
  '[data-testid="rejected-badge"]',
  '[data-testid="rejected-unit"]',
  '[data-testid="rejected-section"]',
  '[data-testid="sync-attention"]',
  '[data-testid="release-panel"]',
  'dialog',
  '[data-testid="cleaned-notice"]',
];

interface Assignment {
  id: string;
  unitId: string;
  assessmentId: string;
}

interface ServerIndicator {
  no: number;
  verifiedLevel: number | null;
  notes: string;
}

/** What the server holds for one indicator of an assessment (the coordinator's report view). */
async function serverIndicator(
  base: string,
  token: string,
  assessmentId: string,
  no: number,
): Promise<ServerIndicator | undefined> {
  const detail = await api<{ indicators: ServerIndicator[] }>(
    base,
    `/api/reports/assessments/${encodeURIComponent(assessmentId)}`,
    { token },
  );
  return detail.indicators.find((i) => i.no === no);
}

/** Wait until indicator 3's notes field says its last edit is saved on the tablet. */
function notesSaved(app: VerifierApp) {
  return app.page.waitForFunction(
    () =>
      document
        .querySelector('#notes-3')
        ?.parentElement?.querySelector('[data-save-state]')
        ?.getAttribute('data-save-state') === 'saved',
  );
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('changes the server refuses stay visible on the tablet', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let app: VerifierApp;
  let sync: TabletSync;
  let coordinator: string;
  let assignments: Assignment[];
  let code: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    const enrolment = await enrolmentCodeFor(server.url, 'verifikator1@cilegon.demo');
    coordinator = enrolment.token;
    code = enrolment.code;
    ({ assignments } = await api<{ assignments: Assignment[] }>(
      server.url,
      `/api/assignments?verifierId=${encodeURIComponent(enrolment.verifierId)}`,
      { token: coordinator },
    ));
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
    app = new VerifierApp(await context.newPage(), server.url);
    sync = new TabletSync(app);
    await sync.enrol(code, 'Tablet Uji Penolakan');
    await sync.syncNow();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('a withdrawn unit: its changes are listed as refused, naming the unit; the other unit’s edits arrive; discarding asks first', {
    timeout: 240_000,
  }, async () => {
    expect(assignments.length).toBeGreaterThanOrEqual(2);
    const [a, b] = assignments as [Assignment, Assignment];
    const home = new HomeScreen(app);
    await home.open();
    await home.card(a.assessmentId).waitFor();
    const unitA = (await home.card(a.assessmentId).getByTestId('unit-name').textContent()) ?? '';
    expect(unitA).not.toBe('');

    // Offline, the verifier edits unit A and unit B (in-app navigation; no server involved).
    await context.setOffline(true);
    await home.card(a.assessmentId).click();
    const screenA = await app.openIndicator(1);
    await screenA.setVerifiedLevel(3);
    await screenA.writeNotes('SK Tim SPBE ada, ditandatangani camat.');
    await app.page.locator('a.brand').click();
    await home.card(b.assessmentId).click();
    const screenB = await app.openIndicator(2);
    await screenB.setVerifiedLevel(2);

    // Meanwhile the coordinator withdraws unit A.
    const withdrawn = await fetch(`${server.url}/api/assignments/${encodeURIComponent(a.id)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(withdrawn.ok).toBe(true);

    // Back online, one sync: B's edit reaches the server, A's does not, and nothing stalls.
    await context.setOffline(false);
    await sync.syncNow();
    expect(await serverIndicator(server.url, coordinator, b.assessmentId, 2)).toMatchObject({
      verifiedLevel: 2,
    });
    expect(
      (await serverIndicator(server.url, coordinator, a.assessmentId, 1))?.verifiedLevel,
    ).not.toBe(3);
    expect(await sync.unsyncedChanges()).toBe(0);

    // The storage page counts the refused changes and says the sync needs attention (not offline).
    const storage = new StorageScreen(app);
    await storage.open();
    const refused = await storage.rejectedCount();
    expect(refused).toBeGreaterThanOrEqual(2); // the level and the note of indicator 1 at least
    await expect.poll(() => storage.syncState()).toBe('Perlu perhatian');
    await app.page.screenshot({ path: join(SHOTS, 'storage-rejected.png'), fullPage: true });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // Home: A left the normal list but stays under "Tidak lagi ditugaskan" with the same count.
    await home.open();
    await home.withdrawnSection().waitFor();
    expect(await home.withdrawnSection().locator(home.card(a.assessmentId)).count()).toBe(1);
    expect(await home.assignedCards().locator(`[href*="${a.assessmentId}"]`).count()).toBe(0);
    expect(await home.assignedCards().count()).toBe(assignments.length - 1);
    expect(await home.rejectedBadge(a.assessmentId)).toBe(refused);
    expect(await home.rejectedBadge(b.assessmentId)).toBe(0);
    await app.page.screenshot({ path: join(SHOTS, 'home-withdrawn.png'), fullPage: true });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // The unit's checklist shows the same list, and says the unit is no longer assigned.
    await home.card(a.assessmentId).click();
    await app.page.getByTestId('withdrawn-notice').waitFor();
    // The list loads on its own, after the checklist.
    await expect
      .poll(() => app.page.getByTestId('rejected-section').getByTestId('rejected-item').count())
      .toBe(refused);

    // The refused values no longer count for the unit on the tablet: indicator 1 shows the
    // level and note the verifier typed only in the list below, not in the record.
    const refusedIndicator = await app.openIndicator(1);
    expect(await refusedIndicator.levelChosen(3)).toBe(false);
    expect(await app.page.locator('#notes-1').inputValue()).not.toContain('SK Tim SPBE ada');

    // "Ditolak server": what (indicator, field in words, value sent), why (naming the unit), when.
    const list = new RejectedScreen(app);
    await list.open();
    expect(await list.items().count()).toBe(refused);
    const note = list.items().filter({ hasText: 'SK Tim SPBE ada' });
    expect(await note.count()).toBe(1);
    expect(await note.getByTestId('rejected-what').textContent()).toMatch(/^Indikator 1 · \S/);
    expect(await note.locator('dt').allTextContents()).toContain('Catatan');
    const reason = (await note.getByTestId('rejected-reason').textContent()) ?? '';
    expect(reason).toContain(unitA);
    expect(reason).toContain('tidak (lagi) ditugaskan');
    // When, in the Pemda's zone with its label (Cilegon: WIB), like every tablet time.
    expect(await note.textContent()).toMatch(/\d{4}, \d{2}\.\d{2} WIB/);
    await app.page.screenshot({ path: join(SHOTS, 'rejected-list.png'), fullPage: true });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // "Buang" asks first and says what will be lost; cancelling keeps the entry.
    let dialog = await list.askDiscard(note);
    const question = (await dialog.textContent()) ?? '';
    expect(question).toContain('tidak akan pernah sampai ke server');
    expect(question).toContain('SK Tim SPBE ada');
    expect(question).toContain(unitA);
    await app.page.screenshot({ path: join(SHOTS, 'rejected-discard-dialog.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await list.items().count()).toBe(refused);

    // Confirmed: that one entry goes; the counts on the storage page and the card follow.
    dialog = await list.askDiscard(note);
    await dialog.getByTestId('confirm-ok').click();
    await expect.poll(() => list.items().count()).toBe(refused - 1);
    await storage.open();
    expect(await storage.rejectedCount()).toBe(refused - 1);
    await home.open();
    await expect.poll(() => home.rejectedBadge(a.assessmentId)).toBe(refused - 1);

    // In English the list speaks English, the server's reason included.
    await app.page.locator('header').getByRole('button', { name: 'English' }).click();
    await list.open();
    expect(await app.page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Refused by the server',
    );
    const reasonEn =
      (await list.items().first().getByTestId('rejected-reason').textContent()) ?? '';
    expect(reasonEn).toContain(`The unit "${unitA}" is not (or no longer) assigned to you`);
    await app.page.screenshot({ path: join(SHOTS, 'rejected-list-en.png') });
    await app.page.locator('header').getByRole('button', { name: 'Bahasa Indonesia' }).click();
  });

  it('a note pasted with U+0000 (as some PDF viewers copy it) is stored cleaned, and the field says so', {
    timeout: 120_000,
  }, async () => {
    const b = assignments[1] as Assignment;
    const storage = new StorageScreen(app);
    await storage.open();
    const refusedBefore = await storage.rejectedCount();
    const path = `/kerja/a/${encodeURIComponent(b.assessmentId)}/i/3`;
    await app.open(path);
    const screen = new IndicatorScreen(app.page, 3);
    await screen.notes().waitFor();
    await pasteInto(screen.notes(), 'Perwali\u0000 No. 12\u0000 Tahun 2021');
    expect(await screen.notes().inputValue()).toBe('Perwali No. 12 Tahun 2021');
    const notice = app.page.getByTestId('cleaned-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('2 karakter tak terlihat');
    await app.page.screenshot({ path: join(SHOTS, 'paste-cleaned.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);
    await screen.notes().blur();
    await notesSaved(app);

    // Typed or dropped text holding one is cleaned too (no paste event to intercept).
    await screen.notes().press('End');
    await screen.notes().pressSequentially(' ttd');
    await screen.notes().evaluate((el) => {
      const t = el as HTMLTextAreaElement;
      t.setRangeText('\u0007', t.value.length, t.value.length, 'end');
      t.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    });
    expect(await screen.notes().inputValue()).toBe('Perwali No. 12 Tahun 2021 ttd');
    // (The input above marked the field unsaved at once; "saved" below is this edit's.)
    await screen.notes().blur();
    await notesSaved(app);

    // Saved cleaned on the tablet (a reload reads the database) and accepted by the server.
    await app.reload();
    await screen.notes().waitFor();
    expect(await screen.notes().inputValue()).toBe('Perwali No. 12 Tahun 2021 ttd');
    await sync.syncNow();
    expect((await serverIndicator(server.url, coordinator, b.assessmentId, 3))?.notes).toBe(
      'Perwali No. 12 Tahun 2021 ttd',
    );
    // …and nothing of it was refused.
    await storage.open();
    expect(await storage.rejectedCount()).toBe(refusedBefore);
  });
});
