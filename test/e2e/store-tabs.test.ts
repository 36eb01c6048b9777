import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS } from './support/browser';
import { harness, openHarness, startHarnessServer } from './support/harness-server';

// The store's save runs on a native IndexedDB transaction and then tells Dexie's liveQuery
// what changed (src/store/direct.ts): screens in this tab and in other tabs must follow.
describe.skipIf(process.env.TELUSUR_E2E !== '1')(
  'store saves seen by open screens, in real Chromium',
  () => {
    let server: Awaited<ReturnType<typeof startHarnessServer>>;
    let browser: Browser | null = null;

    beforeAll(async () => {
      server = await startHarnessServer();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('a screen open in one tab follows saves made in it and in another tab; seq stays gap-free', async () => {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
      });
      const context = await browser.newContext();
      const pageA = await openHarness(context, server.origin);
      const pageB = await context.newPage();
      await pageB.goto(`${server.origin}/test/e2e/harness/store.html`);
      await pageB.waitForFunction(() => document.body.dataset.ready === '1', null, {
        timeout: 30_000,
      });
      const a = harness(pageA);
      const b = harness(pageB);
      await a.watchNotes();
      await b.watchNotes();

      // Saved in tab B: tab A's screen shows it, and so does B's own.
      expect(await b.save(1, 'dari tab B')).toBe(1);
      await a.seesNotes(1, 'dari tab B');
      await b.seesNotes(1, 'dari tab B');
      // Saved in tab A, over the same record and a new one: both screens follow.
      expect(await a.save(1, 'diubah di tab A')).toBe(2);
      expect(await a.save(2, 'baru di tab A')).toBe(3);
      await a.seesNotes(1, 'diubah di tab A');
      await a.seesNotes(2, 'baru di tab A');
      await b.seesNotes(1, 'diubah di tab A');
      await b.seesNotes(2, 'baru di tab A');
      // Quick alternating saves from both tabs: one outbox, seq without gaps or repeats.
      await Promise.all([
        ...[3, 4, 5].map((no) => a.save(no, `A${no}`)),
        ...[6, 7, 8].map((no) => b.save(no, `B${no}`)),
      ]);
      await a.seesNotes(8, 'B8');
      await b.seesNotes(5, 'A5');
      const state = await a.state();
      expect(state.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(state.notes[3]).toBe('A3');
      expect(state.notes[6]).toBe('B6');
    }, 120_000);
  },
);
