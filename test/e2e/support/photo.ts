import type { Page } from 'playwright-core';

/**
 * A real JPEG of a "document" titled `title`, made by the browser itself (in a page of its
 * own next to `page`), so the app compresses and hashes what a camera would give it.
 */
export async function documentPhoto(
  page: Page,
  title: string,
  size: { width: number; height: number } = { width: 1000, height: 700 },
): Promise<Buffer> {
  const shot = await page.context().newPage();
  await shot.setViewportSize(size);
  await shot.setContent(
    `<body style="font:40px serif;background:#fffdf5"><h1>${title}</h1></body>`,
  );
  const bytes = await shot.screenshot({ type: 'jpeg', quality: 90 });
  await shot.close();
  return bytes;
}
