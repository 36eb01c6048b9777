import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HomeScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, enrolmentCodeFor } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('a cloned tablet takes a new identity and says so', () => {
  const stage = appStage();

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
  });

  it('the copy whose change numbers were used by the original re-sends under a new identity; nothing is lost and the verifier is told once', {
    timeout: 240_000,
  }, async () => {
    const { code, token } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
    const options = { viewport: { width: 1024, height: 768 }, locale: 'id-ID' } as const;
    const original = await stage.newContext(options);
    const a = new VerifierApp(await original.newPage(), stage.url);
    await new TabletSync(a).enrol(code, 'Tablet Asli');
    await new TabletSync(a).syncNow();
    const home = new HomeScreen(a);
    await home.open();
    const unitPath = (await a.page.getByTestId('unit-card').first().getAttribute('href')) ?? '';
    const assessmentId = decodeURIComponent(unitPath.split('/').pop() ?? '');

    // The browser profile is copied to a second tablet (database, token and all).
    const copy = await stage.newContext({
      ...options,
      storageState: await original.storageState({ indexedDB: true }),
    });
    const b = new VerifierApp(await copy.newPage(), stage.url);

    // Both make their next change (the same change number, other content); the original first.
    await a.open(`${unitPath}/i/6`);
    const onA = a.page.getByTestId('level-2');
    await onA.click();
    await a.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="level-2"]')?.getAttribute('aria-pressed') === 'true',
    );
    await new TabletSync(a).syncNow();
    await b.open(`${unitPath}/i/7`);
    await b.page.getByTestId('level-4').click();
    await b.page.waitForFunction(
      () =>
        document.querySelector('[data-testid="level-4"]')?.getAttribute('aria-pressed') === 'true',
    );
    await new TabletSync(b).syncNow();

    // The copy's change arrived (under its new identity), and so did the original's.
    const detail = await api<{ indicators: { no: number; verifiedLevel: number | null }[] }>(
      stage.url,
      `/api/reports/assessments/${encodeURIComponent(assessmentId)}`,
      { token },
    );
    expect(detail.indicators.find((i) => i.no === 6)?.verifiedLevel).toBe(2);
    expect(detail.indicators.find((i) => i.no === 7)?.verifiedLevel).toBe(4);

    // The copy says what happened, in plain words, on the storage page.
    const notice = b.page.getByTestId('identity-notice');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('identitas yang sama dengan tablet lain atau cadangan lama');
    expect(text).toContain('Tidak ada data yang hilang');
    expect(Number(await b.page.getByTestId('unsynced-changes').textContent())).toBe(0);
    // …and once as a message wherever the verifier is.
    const toast = b.page.locator('.toast');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('Tidak ada data yang hilang');
    await toast.getByRole('button').click();
    await toast.waitFor({ state: 'detached' });
    // The notice heads the page (above the fold, clear of the sticky header).
    await b.page.evaluate(() => window.scrollTo(0, 0));
    await b.page.screenshot({ path: join(SHOTS, 'identity-notice.png') });
    expect(await accessibilityProblems(b.page, ['[data-testid="identity-notice"]'])).toEqual([]);
    // The original noticed nothing: its identity is still its own.
    await a.open('/penyimpanan');
    await a.page.getByTestId('sync-panel').waitFor();
    expect(await a.page.getByTestId('identity-notice').count()).toBe(0);

    // Read and dismissed: it stays away after a reload.
    await notice.getByTestId('identity-ok').click();
    await notice.waitFor({ state: 'detached' });
    await b.reload();
    await b.page.getByTestId('sync-panel').waitFor();
    await b.page.getByTestId('sync-state').waitFor();
    expect(await b.page.getByTestId('identity-notice').count()).toBe(0);
    expect(await b.page.locator('.toast').count()).toBe(0);
  });
});
