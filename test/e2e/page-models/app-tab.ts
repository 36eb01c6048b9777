import type { Page } from 'playwright-core';

/** One tab of the verifier PWA: what every page model of it needs to open and go offline. */
export class AppTab {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  /** Open `path` and wait until the app shell (its header) is drawn. */
  async open(path = '/'): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
    await this.page.locator('header.header').waitFor();
  }

  /** Wait until a service worker controls the page (the app is installed for offline use). */
  async waitForServiceWorker(): Promise<void> {
    await this.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, {
      timeout: 20_000,
    });
  }
}
