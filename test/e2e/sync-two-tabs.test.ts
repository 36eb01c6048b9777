import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeScreen, StorageScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, enrolmentCodeFor } from './support/api';
import { startAppServer } from './support/app-server';
import { e2eEnabled, launchBrowser } from './support/browser';

interface Assignment {
  id: string;
  unitId: string;
  assessmentId: string;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('the tablet app open in two tabs of one browser', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'id-ID' });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('both tabs sync when the connection returns: the edits arrive once, neither tab records a failure', {
    timeout: 240_000,
  }, async () => {
    const enrolment = await enrolmentCodeFor(server.url, 'verifikator1@cilegon.demo');
    const { assignments } = await api<{ assignments: Assignment[] }>(
      server.url,
      `/api/assignments?verifierId=${encodeURIComponent(enrolment.verifierId)}`,
      { token: enrolment.token },
    );
    const a = assignments[0] as Assignment;
    const tab1 = new VerifierApp(await context.newPage(), server.url);
    const sync = new TabletSync(tab1);
    await sync.enrol(enrolment.code, 'Tablet Dua Tab');
    await sync.syncNow();
    const tab2 = new VerifierApp(await context.newPage(), server.url);
    await new HomeScreen(tab2).open();

    // Offline, the verifier edits in tab 1.
    await context.setOffline(true);
    const home = new HomeScreen(tab1);
    await home.open();
    await home.card(a.assessmentId).click();
    const screen = await tab1.openIndicator(1);
    await screen.setVerifiedLevel(4);
    await screen.writeNotes('Dicatat saat luring di tab pertama.');
    // Back online: both tabs open the storage page at once, each starting a sync.
    await context.setOffline(false);
    const s1 = new StorageScreen(tab1);
    const s2 = new StorageScreen(tab2);
    await Promise.all([s1.open(), s2.open()]);
    await Promise.all([s1.syncState(), s2.syncState()]);
    // Each tab's sync has ended; the other tab's runs show after a reload.
    for (const s of [s1, s2]) {
      await s.app.reload();
      await s.open();
      await s.syncState();
      const history = await s.history();
      expect(history.length).toBeGreaterThan(0);
      // Runs while offline say so; none may read as a failure.
      expect(history.filter((h) => h.outcome === 'failed')).toEqual([]);
      expect(history[0]?.outcome).toBe('ok');
      expect(history.map((h) => h.text).join(' ')).not.toContain('tidak menerima perubahan');
    }
    await expect.poll(() => sync.unsyncedChanges()).toBe(0);

    // While one tab syncs (here: holds the tablet's sync lock), the other tab's sync waits
    // and says so instead of showing "siap" with changes waiting; then it runs.
    await tab1.page.evaluate(() => {
      const w = window as unknown as { releaseSync?: () => void };
      void navigator.locks.request(
        'telusur.sync:telusur',
        () =>
          new Promise<void>((r) => {
            w.releaseSync = r;
          }),
      );
    });
    await tab2.page.getByTestId('sync-now').click();
    await expect
      .poll(() => s2.syncStateNow())
      .toBe('menunggu tab lain selesai menyinkronkan tablet ini…');
    expect(await tab2.page.getByTestId('sync-now').isDisabled()).toBe(true);
    await tab1.page.evaluate(() =>
      (window as unknown as { releaseSync?: () => void }).releaseSync?.(),
    );
    expect(await s2.syncState()).toBe('siap');
    const detail = await api<{
      indicators: { no: number; verifiedLevel: number | null; notes: string }[];
    }>(server.url, `/api/reports/assessments/${encodeURIComponent(a.assessmentId)}`, {
      token: enrolment.token,
    });
    expect(detail.indicators.find((i) => i.no === 1)).toMatchObject({
      verifiedLevel: 4,
      notes: 'Dicatat saat luring di tab pertama.',
    });
  });
});
