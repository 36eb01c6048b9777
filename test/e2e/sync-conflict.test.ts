import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CoordinatorApp } from './page-models/coordinator-app';
import { IndicatorScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { documentPhoto } from './support/photo';
import { appStage } from './support/stage';

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('two tablets edit the same indicator offline', () => {
  const stage = appStage();

  it('the conflict appears on the tablet, one resolves it, both converge', {
    timeout: 180_000,
  }, async () => {
    const tablets: { app: VerifierApp; sync: TabletSync; context: BrowserContext }[] = [];
    for (const label of ['Tablet A', 'Tablet B']) {
      const context = await stage.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
      });
      const app = new VerifierApp(await context.newPage(), stage.url);
      const sync = new TabletSync(app);
      // The coordinator's side of enrolment goes through the API (its UI has its own e2e).
      const { code } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
      await sync.enrol(code, label);
      await sync.syncNow();
      tablets.push({ app, sync, context });
    }
    const [a, b] = tablets as [(typeof tablets)[0], (typeof tablets)[0]];

    // Both open the same unit's indicator 11 and go offline.
    const openIndicator = async (t: (typeof tablets)[0]) => {
      await t.app.open('/');
      await t.app.page.getByTestId('unit-card').first().click();
      return t.app.openIndicator(11);
    };
    const screenA = await openIndicator(a);
    const screenB = await openIndicator(b);
    expect(a.app.page.url()).toBe(b.app.page.url().replace(b.app.baseUrl, a.app.baseUrl));
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await screenA.setVerifiedLevel(3);
    await screenA.addPhoto(
      'sk-tim-spbe.jpg',
      await documentPhoto(a.app.page, 'SK Tim Koordinator SPBE', { width: 1200, height: 900 }),
    );
    await screenB.setVerifiedLevel(4);
    const indicatorPath = new URL(a.app.page.url()).pathname;

    // A comes back first: its value is accepted.
    await a.context.setOffline(false);
    await a.sync.syncNow();
    expect(await a.sync.unsyncedChanges()).toBe(0);
    // The photo went up resumably and the server's receipt proves it (hash checked there).
    await expect
      .poll(() => a.app.page.getByTestId('receipt').first().textContent())
      .toBe('Semua 1 berkas diterima server');

    // B comes back: the server keeps A's value and B sees the conflict with both values.
    await b.context.setOffline(false);
    await b.sync.syncNow();
    await b.app.open(indicatorPath);
    const conflict = b.app.page.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.getByTestId('conflict-mine').textContent()).toBe('4');
    expect(await conflict.getByTestId('conflict-other').textContent()).toBe('3');

    // B keeps its value (an ordinary change) and syncs; A pulls it: both show 4, no conflict left.
    await conflict.getByTestId('conflict-keep-mine').click();
    await b.app.page.getByTestId('conflicts').waitFor({ state: 'detached' });
    await b.sync.syncNow();
    await a.sync.syncNow();
    for (const t of [a, b]) {
      await t.app.open(indicatorPath);
      await t.app.page.getByTestId('level-4').waitFor();
      await expect
        .poll(() => t.app.page.getByTestId('level-4').getAttribute('aria-pressed'))
        .toBe('true');
      expect(await t.app.page.getByTestId('conflicts').count()).toBe(0);
    }

    // A second conflict is settled by the coordinator instead; the decision reaches both tablets.
    const second = indicatorPath.replace(/\/i\/11$/, '/i/12');
    await a.app.open(second);
    await b.app.open(second);
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    await new IndicatorScreen(a.app.page, 12).setVerifiedLevel(2);
    await new IndicatorScreen(b.app.page, 12).setVerifiedLevel(5);
    // One after the other (coming online starts a sync by itself), so A's value reaches the server first.
    await a.context.setOffline(false);
    await a.sync.syncNow();
    await b.context.setOffline(false);
    await b.sync.syncNow();
    const coordContext = await stage.newContext({ viewport: { width: 1024, height: 768 } });
    const coordinator = new CoordinatorApp(await coordContext.newPage(), stage.url);
    await coordinator.login('koordinator@cilegon.demo', 'telusur-demo');
    await coordinator.open('/koordinator/sinkronisasi');
    const row = coordinator.page.getByTestId('conflict-row');
    await expect.poll(() => row.count()).toBe(1);
    await row.getByRole('button', { name: 'Pakai nilai tablet' }).click();
    await expect.poll(() => row.count()).toBe(0);
    for (const t of [a, b]) {
      await t.sync.syncNow();
      await t.app.open(second);
      await expect
        .poll(() => t.app.page.getByTestId('level-5').getAttribute('aria-pressed'))
        .toBe('true');
      expect(await t.app.page.getByTestId('conflicts').count()).toBe(0);
    }
  });
});
