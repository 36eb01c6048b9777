import type { Locator } from 'playwright-core';
import { AppTab } from './app-tab';

/** One tab of the app, seen through its update bar and the build it runs. */
export class UpdateTab extends AppTab {
  /** The build this page runs (<html data-build>). */
  async build(): Promise<string> {
    return (await this.page.locator('html').getAttribute('data-build')) ?? '';
  }

  /** Wait until the page runs `build` (after the reload an update makes). */
  async waitForBuild(build: string): Promise<void> {
    await this.page
      .locator(`html[data-build="${build}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 });
    await this.page.locator('header.header').waitFor();
  }

  /**
   * Mark the running document; `stillSameDocument` tells whether the page was reloaded
   * since (a reload drops the mark).
   */
  async mark(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __mark?: number }).__mark = 1;
    });
  }

  async stillSameDocument(): Promise<boolean> {
    return this.page.evaluate(() => (window as unknown as { __mark?: number }).__mark === 1);
  }

  /** Ask the server for a new version now, as the hourly check does. */
  async checkForUpdate(): Promise<void> {
    await this.page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      await reg?.update();
    });
  }

  updateButton(): Locator {
    return this.page.getByTestId('update-reload');
  }

  async waitForUpdateOffer(): Promise<void> {
    await this.updateButton().waitFor({ timeout: 30_000 });
  }

  async pressUpdate(): Promise<void> {
    await this.updateButton().click();
  }

  /** What the bar says the update waits for ('' while it waits for nothing). */
  async blockedMessage(): Promise<string> {
    const el = this.page.getByTestId('update-blocked');
    await this.page.waitForFunction(
      () => (document.querySelector('[data-testid="update-blocked"]')?.textContent ?? '') !== '',
      null,
      { timeout: 10_000 },
    );
    return ((await el.textContent()) ?? '').trim();
  }

  /** In a tab the update waits for: what the bar says. */
  async waitedMessage(): Promise<string> {
    const el = this.page.getByTestId('update-waited');
    await el.waitFor({ timeout: 10_000 });
    return ((await el.textContent()) ?? '').trim();
  }

  async updateBarCount(): Promise<number> {
    return this.page.getByTestId('update-bar').count();
  }

  /** Draw a signature with the mouse (a finger on a tablet) without saving it. */
  async drawSignature(pad: 'sig-verifier' | 'sig-representative'): Promise<void> {
    const canvas = this.page.getByTestId(pad);
    await canvas.scrollIntoViewIfNeeded();
    // signature_pad arrives with its own chunk; strokes before that draw nothing, so draw
    // again until the pad offers to save what was drawn.
    for (let attempt = 0; attempt < 20; attempt++) {
      const box = await canvas.boundingBox();
      if (!box) throw new Error(`no ${pad}`);
      await this.page.mouse.move(box.x + 20, box.y + box.height / 2);
      await this.page.mouse.down();
      for (let i = 1; i <= 12; i++)
        await this.page.mouse.move(
          box.x + 20 + i * 18,
          box.y + box.height / 2 + (i % 2 ? -25 : 25),
        );
      await this.page.mouse.up();
      if (await this.signatureSaveEnabled(pad)) return;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`${pad}: the pad never took a stroke`);
  }

  async saveSignature(pad: 'sig-verifier' | 'sig-representative'): Promise<void> {
    await this.page.getByTestId(`${pad}-save`).click();
  }

  async signatureSaveEnabled(pad: 'sig-verifier' | 'sig-representative'): Promise<boolean> {
    return this.page.getByTestId(`${pad}-save`).isEnabled();
  }
}
