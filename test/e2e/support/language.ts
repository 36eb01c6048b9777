import type { Page } from 'playwright-core';

/**
 * Press the header's language button ("English" / "Bahasa Indonesia") — the tablet's and the
 * coordinator's header have the same one — and wait until the page is redrawn in it.
 */
export async function switchLanguage(
  page: Page,
  to: 'English' | 'Bahasa Indonesia',
): Promise<void> {
  await page.locator('header').getByRole('button', { name: to }).click();
  await page.waitForFunction(
    (lang) => document.documentElement.lang === lang,
    to === 'English' ? 'en' : 'id',
  );
}
