import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PERIOD_NAME } from '../../src/server/seed';
import { CoordinatorConflicts, TabletConflicts } from './page-models/conflicts';
import { CoordinatorApp } from './page-models/coordinator-app';
import { CoordinatorReviewPages } from './page-models/coordinator-review';
import { TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, coordinatorToken, enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
/** A record id or device id would show as a UUID; people never read those. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/;

interface Tablet {
  app: VerifierApp;
  sync: TabletSync;
  conflicts: TabletConflicts;
  context: BrowserContext;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('conflicts people can see and settle; a tablet clock far off', () => {
  const stage = appStage();

  beforeAll(() => {
    mkdirSync(SHOTS, { recursive: true });
  });

  /** A tablet enrolled for a demo verifier; `clockAt` sets its clock (Date.now) to that time. */
  async function tablet(label: string, email: string, clockAt?: number): Promise<Tablet> {
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    if (clockAt !== undefined) {
      // The app reads its clock through Date.now (store, hybrid clock, sync engine).
      await context.addInitScript((offset: number) => {
        const real = Date.now.bind(Date);
        Date.now = () => real() + offset;
      }, clockAt - Date.now());
    }
    const app = new VerifierApp(await context.newPage(), stage.url);
    const sync = new TabletSync(app);
    const { code } = await enrolmentCodeFor(stage.url, email);
    await sync.enrol(code, label);
    await sync.syncNow();
    return { app, sync, conflicts: new TabletConflicts(app), context };
  }

  async function coordinator(): Promise<CoordinatorApp> {
    const context = await stage.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const c = new CoordinatorApp(await context.newPage(), stage.url);
    await c.login('koordinator@cilegon.demo', 'telusur-demo');
    return c;
  }

  /** The code of a demo unit by its name (the heatmap's cells are named by code). */
  async function unitCode(name: string): Promise<string> {
    const token = await coordinatorToken(stage.url);
    const { units } = await api<{ units: { name: string; code: string }[] }>(
      stage.url,
      '/api/units',
      { token },
    );
    const code = units.find((u) => u.name === name)?.code;
    if (!code) throw new Error(`no unit named ${name}`);
    return code;
  }

  it('shows an open conflict on the home card, the checklist row (this tablet’s value) and storage; tells the disputed tablet; names it for the coordinator', {
    timeout: 240_000,
  }, async () => {
    const a = await tablet('Tablet A', 'verifikator1@cilegon.demo');
    const b = await tablet('Tablet B', 'verifikator1@cilegon.demo');
    // Both open the same unit's indicator 11, then go offline.
    await a.app.open('/');
    const firstCard = a.app.page.getByTestId('unit-card').first();
    const unitName = (await firstCard.getAttribute('data-unit')) ?? '';
    await firstCard.click();
    await a.app.page.getByTestId('indicator-row-11').waitFor();
    const unitPath = new URL(a.app.page.url()).pathname;
    const indicatorPath = `${unitPath}/i/11`;
    const screenA = await a.app.openIndicator(11);
    await b.app.open(unitPath);
    const screenB = await b.app.openIndicator(11);
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    // B edits first, A a moment later; A syncs first: B's older edit reaches the server last.
    await screenB.setVerifiedLevel(4);
    await new Promise((r) => setTimeout(r, 1_100));
    await screenA.setVerifiedLevel(3);
    await a.context.setOffline(false);
    await a.sync.syncNow();
    await b.context.setOffline(false);
    await b.sync.syncNow();

    // B: the home card counts the conflict and does not say "Semua tersinkron".
    const home = await b.conflicts.homeCard(unitName);
    expect(home.badge).toBe('⚠ 1 konflik');
    expect(home.text).not.toContain('Semua tersinkron');
    await home.card.screenshot({ path: join(SHOTS, 'conflict-home-card.png') });

    // B's checklist row shows B's own level (4, not the server's 3) with the mark.
    const row = await b.conflicts.checklistRow(unitPath, 11);
    expect(row.mark).toBe('⚠ Konflik');
    expect(row.text).toContain('Verifikasi 4');
    expect(row.text).not.toContain('Verifikasi 3');
    await row.row.screenshot({ path: join(SHOTS, 'conflict-checklist-row.png') });

    // The storage page lists it with the unit, indicator and field.
    const listed = await b.conflicts.storageList();
    expect(listed).toEqual([
      {
        where: `${unitName} Indikator 11 · Level hasil verifikasi`,
        mine: '4',
        other: '3',
        role: 'raised',
      },
    ]);
    await b.app.page
      .getByTestId('open-conflicts')
      .screenshot({ path: join(SHOTS, 'conflict-storage.png') });

    // Signing waits for the conflict: named with its count and a link to the indicator.
    await b.app.open(`${unitPath}/berita-acara`);
    const blocked = b.app.page.getByTestId('ba-blocked-conflicts');
    await blocked.waitFor();
    expect(await blocked.textContent()).toBe('Selesaikan 1 konflik dulu:11');
    expect(await blocked.getByRole('link').getAttribute('href')).toBe(indicatorPath);
    expect(await b.app.page.getByTestId('ba-sign').isDisabled()).toBe(true);

    // On the indicator: which is newer is judged by the tablets' clocks (A's edit was later),
    // though B's reached the server last.
    const [onB] = await b.conflicts.onIndicator(indicatorPath);
    expect(onB).toMatchObject({ role: 'raised', mine: '4', other: '3', newer: 'other' });
    expect(onB?.mineWhen).toMatch(
      /^\d{1,2} \w{3} \d{2}\.\d{2} WIB \(diterima server \d{2}\.\d{2} WIB\)$/,
    );

    // A, whose value B disputed, is told at its next sync, on its home card and the indicator.
    await a.sync.syncNow();
    expect((await a.conflicts.homeCard(unitName)).badge).toBe('⚠ 1 konflik');
    const [onA] = await a.conflicts.onIndicator(indicatorPath);
    expect(onA).toMatchObject({ role: 'disputed', mine: '3', other: '4', newer: 'mine' });
    expect(await a.app.page.getByTestId('conflict-disputed').textContent()).toContain(
      'Nilai tablet ini dipersoalkan tablet lain',
    );
    await a.app.page
      .getByTestId('conflicts')
      .screenshot({ path: join(SHOTS, 'conflict-disputed-tablet.png') });

    // The coordinator's list names unit, indicator and field; no UUID, no `verifiedLevel`.
    const coord = await coordinator();
    await coord.open('/koordinator/sinkronisasi');
    const conflicts = new CoordinatorConflicts(coord.page);
    const [shown] = await conflicts.list();
    expect(shown).toMatchObject({
      unit: unitName,
      field: 'Level hasil verifikasi',
    });
    expect(shown?.indicator).toMatch(/^11\. \S/);
    expect(shown?.row).not.toMatch(UUID);
    expect(shown?.row).not.toContain('verifiedLevel');
    // The server's value (A's) is the newer edit; each side: who, tablet time, server time.
    expect(shown?.server).toContain('level 3');
    expect(shown?.server).toContain('lebih baru');
    expect(shown?.local).toContain('level 4');
    expect(shown?.local).not.toContain('lebih baru');
    // The time in the organisation's zone, labelled as on the tablet.
    expect(shown?.local).toMatch(
      /Verifikator Satu \(Tablet B\).*\d{2}\.\d{2} WIB \(diterima server \d{2}\.\d{2} WIB\)/,
    );
    await coord.page
      .getByTestId('conflict-table')
      .screenshot({ path: join(SHOTS, 'coordinator-conflict-list.png') });

    // The audit trail of that cell reads as sentences.
    const pages = new CoordinatorReviewPages(coord.page, stage.url);
    await pages.openDashboard();
    await pages.choosePeriod(DEMO_PERIOD_NAME);
    const panel = await pages.openCell(await unitCode(unitName), 11);
    const lines = await conflicts.auditLines(panel);
    expect(lines.map((l) => l.text)).toContainEqual(
      expect.stringMatching(
        /^Level verifikasi 3 \(tahap verifikasi dokumen\) · Verifikator Satu \(tablet 'Tablet A'\) · \d{1,2} \w{3} \d{2}\.\d{2} \(diterima server \d{2}\.\d{2}\)$/,
      ),
    );
    const all = lines.map((l) => l.text).join('\n');
    expect(all).not.toMatch(UUID);
    expect(all).not.toMatch(/verifiedLevel|assessmentId|sha256|\d{13}/);
    await panel
      .getByTestId('audit-trail')
      .screenshot({ path: join(SHOTS, 'coordinator-audit-trail.png') });
  });

  it('tells a tablet whose clock is far off ("Jam tablet tidak tepat") and marks its times doubtful', {
    timeout: 180_000,
  }, async () => {
    const c = await tablet('Tab 2099', 'verifikator2@cilegon.demo', Date.UTC(2099, 0, 1, 1, 0));
    await c.app.open('/');
    const notice = c.app.page.getByTestId('clock-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(
      /^Jam tablet tidak tepatJam tablet ini [\d.]+ hari lebih cepat dari jam server/,
    );
    await notice.screenshot({ path: join(SHOTS, 'clock-notice.png') });

    // An edit made with that clock reaches the server, marked doubtful in the audit trail.
    const card = c.app.page.getByTestId('unit-card').first();
    const unitName = (await card.getAttribute('data-unit')) ?? '';
    await card.click();
    await c.app.page.getByTestId('indicator-row-12').waitFor();
    const unitPath = new URL(c.app.page.url()).pathname;
    await (await c.app.openIndicator(12)).setVerifiedLevel(2);
    await c.sync.syncNow();
    expect(await c.conflicts.clockNotice()).toContain('Jam tablet tidak tepat');

    // The berita acara shows the notice too and refuses signing with that clock.
    await c.app.open(`${unitPath}/berita-acara`);
    await c.app.page.getByTestId('clock-notice').waitFor();
    expect(await c.app.page.getByTestId('ba-blocked-clock').textContent()).toBe(
      'Jam tablet tidak tepat — perbaiki jam tablet sebelum menandatangani.',
    );
    expect(await c.app.page.getByTestId('ba-sign').isDisabled()).toBe(true);
    // A NIP that is not 18 digits is named at the field and refuses signing too.
    await c.app.page.locator('#ba-verifier-nip').fill('abc');
    expect(await c.app.page.getByTestId('field-invalid').textContent()).toBe(
      'NIP terdiri dari 18 angka (spasi boleh sebagai pemisah).',
    );
    await c.app.page.getByTestId('ba-blocked-nip').waitFor();
    await c.app.page.locator('#ba-verifier-nip').fill('19800101 200501 1 001');
    await c.app.page.getByTestId('ba-blocked-nip').waitFor({ state: 'detached' });
    expect(await c.app.page.getByTestId('field-invalid').count()).toBe(0);

    const coord = await coordinator();
    const pages = new CoordinatorReviewPages(coord.page, stage.url);
    await pages.openDashboard();
    await pages.choosePeriod(DEMO_PERIOD_NAME);
    const panel = await pages.openCell(await unitCode(unitName), 12);
    const lines = await new CoordinatorConflicts(coord.page).auditLines(panel);
    const mine = lines.find((l) => l.text.includes("(tablet 'Tab 2099')"));
    expect(mine).toMatchObject({ doubtful: true });
    expect(mine?.text).toMatch(
      /^Level verifikasi 2 \(tahap verifikasi dokumen\) · Verifikator Dua \(tablet 'Tab 2099'\) · ⚠ 1 Jan 2099 08\.\d{2} \(jam tablet diragukan; diterima server \d{1,2} \w{3} \d{4} \d{2}\.\d{2}\)$/,
    );
    await panel
      .getByTestId('audit-trail')
      .screenshot({ path: join(SHOTS, 'coordinator-audit-doubtful.png') });
  });
});
