import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isoDayInZone,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  pemdi2026,
  promisedEvidence,
  spbe2020,
} from '../../src/core';
import { DEMO_HISTORY_PERIOD_NAME } from '../../src/server/seed';
import { ActionsPanel, ChecklistScreen, TabletSync, VerifierApp } from './page-models/verifier-app';
import { api, coordinatorToken, enrolmentCodeFor } from './support/api';
import { accessibilityProblems } from './support/axe';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

const SHOTS = join(process.cwd(), 'test-results', 'screenshots');
const VERIFIER = 'verifikator1@cilegon.demo';

/** A calendar day `days` after `iso` (`YYYY-MM-DD`). */
function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "30 Jun 2026", as the tablet writes a due date in Indonesian. */
function indonesianDay(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('id-ID', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A small PDF whose first bytes say so (the server checks them). */
function pdfBytes(): Buffer {
  return Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  );
}

interface ActionAnswer {
  id: string;
  version: number;
  displayStatus: string;
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)(
  'a verifier sees, offline, what the unit promised (tindak lanjut)',
  () => {
    const stage = appStage();
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(SHOTS, `actions-${name}.png`) });

    beforeAll(() => {
      mkdirSync(SHOTS, { recursive: true });
    });

    it('shows the action of an earlier period on the indicator with its promised evidence and closing note; an open one past its due date reads "Terlambat" offline', {
      timeout: 300_000,
    }, async () => {
      // --- set-up through the server's API, as the coordinator and the unit's owner would ---
      const token = await coordinatorToken(stage.url);
      const { periods } = await api<{
        periods: { id: string; name: string; frameworkId: string }[];
      }>(stage.url, '/api/periods', { token });
      const current = periods.find((p) => p.name === 'Evaluasi SPBE 2023');
      if (!current) throw new Error('the demo has no SPBE 2023 period');
      const { verifiers } = await api<{ verifiers: { id: string; email: string }[] }>(
        stage.url,
        '/api/verifiers',
        { token },
      );
      const verifierId = verifiers.find((v) => v.email === VERIFIER)?.id;
      const { assignments } = await api<{
        assignments: { verifierId: string; unitId: string; assessmentId: string }[];
      }>(stage.url, `/api/assignments?periodId=${encodeURIComponent(current.id)}`, { token });
      // A unit of this verifier that the demo's own actions leave alone (they are on the Pemda
      // unit), so its checklist carries only this test's badges.
      const { actions: demoActions } = await api<{
        actions: { unitId: string; ownerUnitId: string }[];
      }>(stage.url, '/api/actions', { token });
      const busy = new Set(demoActions.flatMap((a) => [a.unitId, a.ownerUnitId]));
      const mine = assignments.find((a) => a.verifierId === verifierId && !busy.has(a.unitId));
      const theirs = assignments.find(
        (a) => a.verifierId !== verifierId && a.unitId !== mine?.unitId,
      );
      if (!mine || !theirs) throw new Error('the demo assignments changed');
      // The earlier period the actions were agreed in: the demo's closed SPBE 2022 (actions
      // are followed up after an evaluation closes).
      const earlier = periods.find((p) => p.name === DEMO_HISTORY_PERIOD_NAME);
      if (!earlier) throw new Error('the demo has no SPBE 2022 period');
      const today = isoDayInZone(Date.now(), 'Asia/Jakarta');
      const create = (body: Record<string, unknown>) =>
        api<ActionAnswer>(stage.url, '/api/actions', {
          method: 'POST',
          token,
          body: { periodId: earlier.id, ...body },
        });
      // Indicator 1: done, closed with a note, a link and a file.
      const done = await create({
        indicatorNo: 1,
        unitId: mine.unitId,
        ownerPerson: 'Sekretaris Lurah',
        targetLevel: 3,
        dueDate: addDays(today, -40),
      });
      const upload = await fetch(
        `${stage.url}/api/actions/${done.id}/files?name=${encodeURIComponent('sk-tim-spbe.pdf')}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/pdf',
            [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
          },
          body: new Uint8Array(pdfBytes()),
        },
      );
      expect(upload.status, await upload.clone().text()).toBeLessThan(300);
      const afterFile = (await upload.json()) as ActionAnswer;
      await api(stage.url, `/api/actions/${done.id}/close`, {
        method: 'POST',
        token,
        body: {
          expectedVersion: afterFile.version,
          note: 'SK tim SPBE ditandatangani camat.\nLaporan kegiatan terlampir.',
          links: ['https://jdih.example.go.id/sk-tim-spbe'],
        },
      });
      // Indicator 2: still under way, due in ten days (on time today on the server).
      const open = await create({
        indicatorNo: 2,
        unitId: mine.unitId,
        ownerPerson: 'Kepala Seksi Pemerintahan',
        targetLevel: 2,
        dueDate: addDays(today, 10),
      });
      expect(open.displayStatus).toBe('rencana');
      // A unit this verifier works on in the Pemdi 2026 period: its SPBE action cannot be
      // placed on a Pemdi indicator, so its checklist lists it once, naming the instrument.
      const pemdi = periods.find((p) => p.frameworkId === pemdi2026.id);
      const { assignments: pemdiAssignments } = await api<{
        assignments: { verifierId: string; unitId: string; assessmentId: string }[];
      }>(stage.url, `/api/assignments?periodId=${encodeURIComponent(pemdi?.id ?? '')}`, { token });
      const pemdiUnit = pemdiAssignments.find(
        (a) => a.verifierId === verifierId && a.unitId !== mine.unitId && !busy.has(a.unitId),
      );
      if (!pemdiUnit) throw new Error('the demo has no Pemdi assignment for this verifier');
      await create({
        indicatorNo: 5,
        unitId: pemdiUnit.unitId,
        targetLevel: 2,
        dueDate: addDays(today, 30),
        title: 'Tetapkan kebijakan internal layanan pusat data',
      });
      // Another verifier's unit: never reaches this tablet.
      await create({ indicatorNo: 1, unitId: theirs.unitId, targetLevel: 3, dueDate: today });

      // --- the tablet: enrol, sync once, then offline for the visit -------------------------
      const context = await stage.newContext({
        viewport: { width: 1024, height: 768 },
        locale: 'id-ID',
        timezoneId: 'Asia/Jakarta',
        acceptDownloads: true,
      });
      const tablet = new VerifierApp(await context.newPage(), stage.url);
      const page = tablet.page;
      const sync = new TabletSync(tablet);
      const { code } = await enrolmentCodeFor(stage.url, VERIFIER);
      await sync.enrol(code, 'Tablet tindak lanjut');
      await sync.syncNow();
      await tablet.waitForServiceWorker();

      const unitPath = `/kerja/a/${encodeURIComponent(mine.assessmentId)}`;
      const openIndicator = async (no: number) => {
        await tablet.open(`${unitPath}/i/${no}`);
        await page.getByRole('heading', { level: 1, name: new RegExp(`^${no}\\. `) }).waitFor();
        const panel = await ActionsPanel.onIndicator(page);
        if (!panel) throw new Error(`no tindak lanjut on indicator ${no}`);
        return panel;
      };

      // Online: "Buka" fetches the file with the tablet's token and saves it under its name.
      const online = await openIndicator(1);
      await online.actions();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        online.root.getByTestId('action-open-file').click(),
      ]);
      expect(download.suggestedFilename()).toBe('sk-tim-spbe.pdf');
      expect((await readFile(await download.path())).subarray(0, 5).toString()).toBe('%PDF-');

      await context.setOffline(true);

      // The Pemdi unit's checklist: no badge, the SPBE action listed once with its instrument.
      const pemdiChecklist = new ChecklistScreen(tablet);
      await pemdiChecklist.open(pemdiUnit.assessmentId);
      await page.getByTestId('other-actions').waitFor();
      const other = await pemdiChecklist.otherInstrumentActions();
      expect(await other?.actions()).toMatchObject([
        {
          where: `${spbe2020.name}, indikator 5`,
          title: 'Tetapkan kebijakan internal layanan pusat data',
          period: 'dari Evaluasi SPBE 2022',
          status: 'Rencana',
        },
      ]);
      expect(await pemdiChecklist.actionRows()).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'checklist-other-instrument-1024');

      const checklist = new ChecklistScreen(tablet);
      await checklist.open(mine.assessmentId);
      expect(await tablet.connectivityLabel()).toMatch(/Luring/);
      // The rows of the two indicators carry the badge; nothing of the other unit's action.
      await expect.poll(() => checklist.actionRows()).toEqual([1, 2]);
      // Actions of this instrument are shown on their indicators, not in the other-instrument list.
      expect(await checklist.otherInstrumentActions()).toBeNull();

      const first = await openIndicator(1);
      await first.root.scrollIntoViewIfNeeded();
      await shot(page, 'indicator-collapsed-1024');
      const [shown, ...more] = await first.actions();
      expect(more).toEqual([]);
      expect(shown).toMatchObject({
        promise: `Unit ini berjanji: level 3 sebelum ${indonesianDay(addDays(today, -40))}`,
        status: 'Selesai',
        period: 'dari Evaluasi SPBE 2022',
        owner: expect.stringMatching(/ · Sekretaris Lurah$/),
        // The evidence the instrument names for level 3, promised when the action was made.
        evidence: promisedEvidence(spbe2020, 1, 3),
        closingNote: 'SK tim SPBE ditandatangani camat.\nLaporan kegiatan terlampir.',
        links: [
          {
            text: 'https://jdih.example.go.id/sk-tim-spbe',
            href: 'https://jdih.example.go.id/sk-tim-spbe',
          },
        ],
        files: [`sk-tim-spbe.pdf (${pdfBytes().length} byte)`],
        // Offline: the file is named, and the tablet says why it cannot open it now.
        fileMessage: 'Perlu koneksi untuk membuka berkas.',
      });
      expect(shown?.evidence.length).toBeGreaterThan(0);
      expect(await first.root.getByTestId('action-open-file').count()).toBe(0);
      await first.root.scrollIntoViewIfNeeded();
      await shot(page, 'indicator-open-1024');
      const problems = (await accessibilityProblems(page)).map((p) => `indicator 1: ${p}`);

      // Indicator 2: under way today ...
      const second = await openIndicator(2);
      expect((await second.actions())[0]).toMatchObject({
        status: 'Rencana',
        owner: expect.stringMatching(/ · Kepala Seksi Pemerintahan$/),
      });
      // ... and overdue once the tablet's calendar passes the due date, still offline, with no
      // new package from the server.
      await context.clock.setFixedTime(new Date(`${addDays(today, 12)}T03:00:00Z`));
      const later = await openIndicator(2);
      const [overdue] = await later.actions();
      expect(overdue?.status).toBe('Terlambat');
      expect(overdue?.promise).toBe(
        `Unit ini berjanji: level 2 sebelum ${indonesianDay(addDays(today, 10))}`,
      );

      // Portrait tablet: the box stays within the screen.
      await page.setViewportSize({ width: 800, height: 1280 });
      await later.root.scrollIntoViewIfNeeded();
      await shot(page, 'indicator-overdue-800');
      expect(await tablet.scrollsHorizontally()).toBe(false);
      problems.push(...(await accessibilityProblems(page)).map((p) => `indicator 2: ${p}`));
      expect(problems).toEqual([]);
    });
  },
);
