import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { TRAINING_ASSESSMENT_ID, TRAINING_DB } from '../../src/app/training';
import { VerifierApp } from './page-models/verifier-app';
import { e2eEnabled, launchProfile } from './support/browser';
import { holdWrites } from './support/hold-writes';
import { switchLanguage } from './support/language';
import { documentPhoto } from './support/photo';
import { serveStatic } from './support/static-server';

/**
 * A tick stays ticked while the tablet is still saving it. On a busy tablet the store answers
 * a tap late; whatever redraws the screen meanwhile (here: the language switch; in the field a
 * signature's digest or another field's save) must not take the tick away — the verifier
 * would see it vanish and tap again, unticking it.
 */
describe.skipIf(!e2eEnabled)('ticks hold while the tablet saves them', () => {
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let profile: Awaited<ReturnType<typeof launchProfile>>;
  let context: BrowserContext;
  let app: VerifierApp;

  beforeAll(async () => {
    server = await serveStatic(process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist'));
    profile = await launchProfile();
    context = profile.context;
    app = new VerifierApp(context.pages()[0] ?? (await context.newPage()), server.url);
    await app.open('/');
    await app.openTraining();
  });
  afterAll(async () => {
    await context?.close();
    profile?.dispose();
    await server?.close();
  });

  /** How many files the training unit's indicator `no` cites, as IndexedDB holds it. */
  function citedInStore(no: number): Promise<number> {
    return app.page.evaluate(
      ([db, indicatorNo]) =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open(db);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const conn = open.result;
            const all = conn.transaction('verifications').objectStore('verifications').getAll();
            all.onsuccess = () => {
              conn.close();
              const row = (
                all.result as { indicatorNo: number; penjelasanFiles?: string[] }[]
              ).find((r) => r.indicatorNo === indicatorNo);
              resolve(row?.penjelasanFiles?.length ?? 0);
            };
          };
        }),
      [TRAINING_DB, no] as const,
    );
  }

  it('"tidak berlaku" stays ticked through a redraw before the store has it', async () => {
    const screen = await app.openIndicator(2);
    const box = app.page.getByTestId('not-applicable');
    expect(await box.isChecked()).toBe(false);

    const hold = await holdWrites(app.page, TRAINING_DB, ['verifications']);
    onTestFinished(() => hold.release());
    await box.click();
    await switchLanguage(app.page, 'English');
    expect(await box.isChecked()).toBe(true);

    await hold.release();
    // Saved: the reason field a not-applicable indicator asks for appears, still ticked.
    await app.page.locator(`#na-${screen.no}`).waitFor();
    expect(await box.isChecked()).toBe(true);
    await switchLanguage(app.page, 'Bahasa Indonesia');
    expect(await box.isChecked()).toBe(true);
  });

  it('two files ticked "dirujuk" in quick succession are both cited', async () => {
    await app.open(`/latihan/a/${TRAINING_ASSESSMENT_ID}/i/3`);
    const screen = await app.indicatorShown(3);
    await screen.addPhoto('sk-tim.jpg', await documentPhoto(app.page, 'SK Tim SPBE'));
    await screen.addPhoto('notulen.jpg', await documentPhoto(app.page, 'Notulen rapat'));
    await screen.show('cited-files');
    expect(await screen.citedFiles()).toEqual([]);

    const hold = await holdWrites(app.page, TRAINING_DB, ['verifications']);
    onTestFinished(() => hold.release());
    await app.page.locator('[data-testid="cite-file"][data-name="sk-tim.jpg"]').click();
    await app.page.locator('[data-testid="cite-file"][data-name="notulen.jpg"]').click();
    expect((await screen.citedFiles()).sort()).toEqual(['notulen.jpg', 'sk-tim.jpg']);
    await hold.release();

    // What the store kept (once both writes are in), read back after a reload.
    await expect.poll(() => citedInStore(3)).toBe(2);
    await app.reload();
    const again = await app.indicatorShown(3);
    await again.show('cited-files');
    await expect
      .poll(async () => (await again.citedFiles()).sort())
      .toEqual(['notulen.jpg', 'sk-tim.jpg']);
  });

  it('"verifikasi sebagian" stays ticked through a redraw before the store has it', async () => {
    await app.open(`/latihan/a/${TRAINING_ASSESSMENT_ID}/berita-acara`);
    // Each test starts in Indonesian, whatever the one before left.
    if ((await app.page.evaluate(() => document.documentElement.lang)) === 'en')
      await switchLanguage(app.page, 'Bahasa Indonesia');
    const box = app.page.getByTestId('ba-partial');
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);

    const hold = await holdWrites(app.page, TRAINING_DB, ['beritaAcara']);
    onTestFinished(() => hold.release());
    await box.click();
    await switchLanguage(app.page, 'English');
    expect(await box.isChecked()).toBe(true);

    await hold.release();
    // Saved: the screen marks the choice once the store holds it.
    await app.page.locator('.partial-choice.chosen [data-testid="ba-partial"]').waitFor();
    expect(await box.isChecked()).toBe(true);
    await switchLanguage(app.page, 'Bahasa Indonesia');
  });
});
