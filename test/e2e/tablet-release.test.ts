import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeScreen, StorageScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, coordinatorToken } from './support/api';
import { startAppServer } from './support/app-server';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled, launchBrowser } from './support/browser';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const NEW_ELEMENTS = ['[data-testid="release-panel"]', 'dialog'];

interface Verifier {
  id: string;
  email: string;
  name: string;
}

interface Assignment {
  unitId: string;
  assessmentId: string;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('a tablet changes hands ("Lepas tablet")', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let coordinator: string;
  let verifiers: Verifier[];

  const verifier = (email: string): Verifier => {
    const v = verifiers.find((x) => x.email === email);
    if (!v) throw new Error(`demo verifier ${email} missing`);
    return v;
  };
  const enrolmentCode = async (v: Verifier) =>
    (
      await api<{ code: string }>(server.url, `/api/verifiers/${v.id}/enrolments`, {
        method: 'POST',
        token: coordinator,
        body: {},
      })
    ).code;
  const assignmentsOf = async (v: Verifier) =>
    (
      await api<{ assignments: Assignment[] }>(
        server.url,
        `/api/assignments?verifierId=${encodeURIComponent(v.id)}`,
        { token: coordinator },
      )
    ).assignments;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startAppServer();
    browser = await launchBrowser();
    coordinator = await coordinatorToken(server.url);
    ({ verifiers } = await api<{ verifiers: Verifier[] }>(server.url, '/api/verifiers', {
      token: coordinator,
    }));
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('refused while a change is unsent, allowed once synced; then enrolled for verifier 2, who sees only their units', {
    timeout: 240_000,
  }, async () => {
    const v1 = verifier('verifikator1@cilegon.demo');
    const v2 = verifier('verifikator2@cilegon.demo');
    const app = new VerifierApp(await context.newPage(), server.url);
    const sync = new TabletSync(app);
    await sync.enrol(await enrolmentCode(v1), 'Tablet Bersama');
    await sync.syncNow();
    await app.waitForServiceWorker();

    // An edit made offline is on this tablet only.
    const home = new HomeScreen(app);
    await home.open();
    const first = (await assignmentsOf(v1))[0] as Assignment;
    await context.setOffline(true);
    await home.card(first.assessmentId).click();
    const screen = await app.openIndicator(4);
    await screen.setVerifiedLevel(2);
    await app.openTab(/Penyimpanan/);
    const storage = new StorageScreen(app);
    await app.page.getByTestId('release-start').waitFor();

    // "Lepas tablet" is refused, with what is unsent and the way out (export first).
    const unsent = Number(await app.page.getByTestId('unsynced-changes').textContent());
    expect(unsent).toBeGreaterThan(0); // the level, and the unit's status "sedang"
    const attempt = await storage.startRelease();
    expect(attempt.refused).toContain('Tablet belum dapat dilepas');
    expect(attempt.refused).toContain(`${unsent} perubahan dan 0 berkas belum terkirim`);
    expect(await app.page.getByTestId('release-export').textContent()).toBe('Ekspor data dulu');
    await app.page.getByTestId('release-panel').scrollIntoViewIfNeeded();
    await app.page.screenshot({ path: join(SHOTS, 'release-refused.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);
    // Still enrolled, nothing deleted.
    expect(Number(await app.page.getByTestId('unsynced-changes').textContent())).toBe(unsent);
    // The enrolment screen does not let another verifier's code in over this work: it
    // sends the verifier to "Lepas tablet" instead of showing the form.
    await app.page.goto(`${server.url}/masuk`);
    await app.page.getByTestId('enrol-go-release').waitFor();
    expect(await app.page.getByTestId('enrolled').textContent()).toContain('lepas tablet dulu');
    expect(await app.page.locator('#enrol-code').count()).toBe(0);
    await app.page.getByTestId('enrol-go-release').click();
    await app.page.getByTestId('release-start').waitFor();

    // Online and synced: releasing asks for confirmation, naming whose tablet it is.
    await context.setOffline(false);
    await sync.syncNow();
    expect(await sync.unsyncedChanges()).toBe(0);
    const ready = await storage.startRelease();
    expect(ready.refused).toBeNull();
    const dialog = ready.dialog as NonNullable<typeof ready.dialog>;
    expect(await dialog.textContent()).toContain(v1.name);
    await app.page.screenshot({ path: join(SHOTS, 'release-confirm.png') });
    expect(await accessibilityProblems(app.page, NEW_ELEMENTS)).toEqual([]);

    // Cancel keeps everything; confirm releases and opens the enrolment screen.
    await dialog.getByTestId('confirm-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await app.page.getByTestId('sync-panel').textContent()).toContain(v1.name);
    await (await storage.startRelease()).dialog?.getByTestId('confirm-ok').click();
    await app.page.waitForURL(`${server.url}/masuk`);
    await app.page.locator('#enrol-code').waitFor();
    expect(await app.page.getByTestId('enrolled').count()).toBe(0);

    // The same tablet, enrolled again with verifier 2's one-time code.
    await sync.enrol(await enrolmentCode(v2), 'Tablet Bersama');
    await sync.syncNow();
    expect(await app.page.getByTestId('sync-panel').textContent()).toContain(v2.name);
    const mine = await assignmentsOf(v2);
    const theirs = (await assignmentsOf(v1)).filter(
      (a) => !mine.some((m) => m.assessmentId === a.assessmentId),
    );
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    await home.open();
    await expect.poll(() => home.assignedCards().count()).toBe(mine.length);
    for (const a of mine) expect(await home.card(a.assessmentId).count()).toBe(1);
    for (const a of theirs) expect(await home.card(a.assessmentId).count()).toBe(0);
    expect(await home.withdrawnSection().count()).toBe(0);
    await app.page.screenshot({ path: join(SHOTS, 'release-next-verifier-home.png') });
  });
});
