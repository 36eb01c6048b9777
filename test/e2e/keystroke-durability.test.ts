import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PhotoSection } from './page-models/photos';
import { type IndicatorScreen, VerifierApp } from './page-models/verifier-app';
import { e2eEnabled, launchProfile } from './support/browser';
import { documentPhoto } from './support/photo';
import { serveStatic } from './support/static-server';

/**
 * "Never a lost keystroke", held at the worst moment: the page reloads (or the tab closes)
 * right after the last key, before the field's debounced save and while a save started as
 * the page goes away may be cut off by the unload. Same for a photo removed and reloaded
 * within its undo window: hiding the page commits the removal, so it must stay removed.
 */
describe.skipIf(!e2eEnabled)('keystrokes and removals survive an immediate reload', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  let context: BrowserContext;
  let app: VerifierApp;
  /** The training unit's indicator address without its number (`…/i/`). */
  let indicatorBase = '';

  beforeAll(async () => {
    server = await serveStatic(process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist'));
    profile = await launchProfile();
    context = profile.context;
    app = new VerifierApp(context.pages()[0] ?? (await context.newPage()), server.url);
    await app.open('/');
    await app.waitForServiceWorker();
    await app.openTraining();
    await app.openIndicator(1);
    indicatorBase = new URL(app.page.url()).pathname.replace(/\d+$/, '');
  });
  afterAll(async () => {
    await context?.close();
    profile?.dispose();
    await server?.close();
  });

  async function indicator(no: number): Promise<IndicatorScreen> {
    await app.open(`${indicatorBase}${no}`);
    const screen = await app.indicatorShown(no);
    await screen.notes().waitFor();
    return screen;
  }

  /** Reload, then wait for the indicator and its note field again. */
  async function reloadOn(no: number): Promise<IndicatorScreen> {
    await app.reload();
    const screen = await app.indicatorShown(no);
    await screen.notes().waitFor();
    return screen;
  }

  /**
   * Prove the text is in the store itself, not only in what the page keeps aside: forget
   * everything the page stored outside IndexedDB, reload, and look again.
   */
  async function reloadWithoutJournal(no: number): Promise<IndicatorScreen> {
    await app.page.evaluate(() => localStorage.clear());
    return reloadOn(no);
  }

  it('a long note shows its limit before typing stops going in, and says when it is reached', async () => {
    const screen = await indicator(9);
    const notes = screen.notes();
    const limit = app.page.getByTestId('text-limit');
    await notes.fill('a'.repeat(17_999));
    expect(await limit.count()).toBe(0);
    await notes.fill('a'.repeat(19_950));
    await expect.poll(() => limit.textContent()).toBe('19.950 / 20.000 karakter');
    expect(await limit.getAttribute('data-limit')).toBe('near');
    // The field names the count to a screen reader with itself.
    expect(await notes.getAttribute('aria-describedby')).toContain('-limit');
    await notes.fill('a'.repeat(20_000));
    await notes.press('End');
    await app.page.keyboard.type('bcd');
    // The browser drops what goes past maxlength; the field says so instead of staying silent.
    expect(await notes.inputValue()).toHaveLength(20_000);
    await expect
      .poll(() => app.page.getByTestId('text-limit-reached').textContent())
      .toBe('Batas 20.000 karakter tercapai; ketikan selebihnya tidak tersimpan.');
    expect(await limit.getAttribute('data-limit')).toBe('full');
    expect(await app.page.getByTestId('text-limit-reached').getAttribute('aria-live')).toBe(
      'polite',
    );
    await notes.fill('');
    await expect.poll(() => limit.count()).toBe(0);
  });

  const cases = [
    { no: 2, offline: false, delayMs: 0 },
    { no: 3, offline: false, delayMs: 100 },
    { no: 4, offline: true, delayMs: 0 },
    { no: 5, offline: true, delayMs: 100 },
  ];
  for (const { no, offline, delayMs } of cases) {
    it(`a note typed ${delayMs} ms before a reload (${offline ? 'offline' : 'online'}) is kept and saved`, async () => {
      await context.setOffline(offline);
      try {
        let screen = await indicator(no);
        await screen.writeNotes('Sudah tersimpan.');
        const typed = ` Dokumen SK <b>Wali</b> & "tim" diperiksa (${no}).`;
        await screen.typeNotes(typed);
        if (delayMs > 0) await app.page.waitForTimeout(delayMs);
        screen = await reloadOn(no);
        const expected = `Sudah tersimpan.${typed}`;
        await expect.poll(() => screen.notes().inputValue()).toBe(expected);
        // Typed as text, never turned into markup.
        expect(await screen.notes().evaluate((e) => e.querySelector('b'))).toBeNull();
        await expect.poll(() => screen.notesSaveState()).toBe('saved');
        screen = await reloadWithoutJournal(no);
        expect(await screen.notes().inputValue()).toBe(expected);
      } finally {
        await context.setOffline(false);
      }
    });
  }

  it('a note typed in a tab killed at once is shown on the home screen, and saved once opened', async () => {
    const no = 8;
    const screen = await indicator(no);
    const typed = 'Catatan di tab yang langsung ditutup.';
    await screen.typeNotes(typed);
    // The tab dies at once (the system kills it): no pagehide, no save ever started.
    const killed = app.page;
    const crashed = new Promise((resolve) => killed.once('crash', resolve));
    const cdp = await context.newCDPSession(killed);
    // The command never answers: its renderer is gone.
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await killed.close().catch(() => undefined);
    app = new VerifierApp(await context.newPage(), server.url);
    await app.open('/');
    const drafts = app.unsavedDrafts();
    await drafts.waitFor();
    expect(await drafts.textContent()).toContain('Ada teks yang belum tersimpan');
    await app.openUnsavedDraft(`Indikator ${no}`);
    const back = await app.indicatorShown(no);
    await expect.poll(() => back.notes().inputValue()).toBe(typed);
    await expect.poll(() => back.notesSaveState()).toBe('saved');
    // Saved: home no longer lists it, and the store holds it without the journal.
    await app.open('/');
    await app.page.getByTestId('open-training').waitFor();
    await expect.poll(() => drafts.count()).toBe(0);
    await app.page.evaluate(() => localStorage.clear());
    const again = await indicator(no);
    expect(await again.notes().inputValue()).toBe(typed);
  });

  for (const offline of [false, true]) {
    it(`a photo removed right before a reload (${offline ? 'offline' : 'online'}) stays removed`, async () => {
      const no = offline ? 7 : 6;
      await indicator(no);
      const photos = new PhotoSection(app.page);
      await photos.add('tetap.jpg', await documentPhoto(app.page, 'Tetap'));
      await photos.add('salah.jpg', await documentPhoto(app.page, 'Salah foto'));
      await context.setOffline(offline);
      try {
        await photos.remove('salah.jpg');
        await reloadOn(no);
        await photos.thumb('tetap.jpg').waitFor();
        await expect.poll(() => photos.thumbs().count()).toBe(1);
        expect(await photos.thumbs().allTextContents()).not.toContainEqual(
          expect.stringContaining('salah.jpg'),
        );
        await reloadWithoutJournal(no);
        await photos.thumb('tetap.jpg').waitFor();
        expect(await photos.thumbs().count()).toBe(1);
      } finally {
        await context.setOffline(false);
      }
    });
  }
});
