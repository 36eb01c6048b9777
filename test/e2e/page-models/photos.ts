import type { Locator, Page } from 'playwright-core';

/**
 * The photo section of an indicator on the tablet, driven as a verifier uses it: take or
 * pick photos, link them to an expected document, open one full size, remove and undo.
 */
export class PhotoSection {
  constructor(readonly page: Page) {}

  thumbs(): Locator {
    return this.page.getByTestId('thumb');
  }

  /** A photo by its file name, or by its place in the list (0-based, in the order shown). */
  thumb(key: number | string): Locator {
    return typeof key === 'number'
      ? this.thumbs().nth(key)
      : this.thumbs().filter({ hasText: key });
  }

  /** The type badge of a download tile ("DOCX", "ZIP"). */
  async badge(tile: Locator): Promise<string> {
    return ((await tile.getByTestId('thumb-badge').textContent()) ?? '').trim();
  }

  /** Pick a file and wait until its thumbnail is shown. */
  async add(name: string, bytes: Buffer, mimeType = 'image/jpeg'): Promise<Locator> {
    const before = await this.thumbs().count();
    await this.page.getByTestId('photo-pick').setInputFiles({ name, mimeType, buffer: bytes });
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="thumb"]').length > n,
      before,
      { timeout: 30_000 },
    );
    const thumb = this.thumb(name.replace(/\.[^.]+$/, '')).last();
    await thumb.locator('img').or(thumb.locator('.pdf')).first().waitFor();
    return thumb;
  }

  /**
   * Pick an office document or archive and wait until its tile is shown (a download tile,
   * never an image). Returns the tile.
   */
  async addFile(name: string, bytes: Buffer, mimeType: string): Promise<Locator> {
    const before = await this.thumbs().count();
    await this.page.getByTestId('photo-pick').setInputFiles({ name, mimeType, buffer: bytes });
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="thumb"]').length > n,
      before,
      { timeout: 30_000 },
    );
    const tile = this.thumb(name).last();
    await tile.getByTestId('thumb-badge').waitFor();
    return tile;
  }

  /**
   * "Tambah tautan": the address, a screenshot picked as an image, and (when given) the day
   * checked as YYYY-MM-DD; saved, and the form gone. Returns the new tile.
   */
  async addLink(link: {
    url: string;
    screenshot: { name: string; bytes: Buffer };
    checkedDay?: string;
  }): Promise<Locator> {
    const before = await this.thumbs().count();
    if ((await this.page.getByTestId('link-url').count()) === 0)
      await this.page.getByTestId('link-add').click();
    await this.page.getByTestId('link-url').fill(link.url);
    await this.page.getByTestId('link-screenshot-pick').setInputFiles({
      name: link.screenshot.name,
      mimeType: 'image/png',
      buffer: link.screenshot.bytes,
    });
    if (link.checkedDay) await this.page.getByTestId('link-checked-at').fill(link.checkedDay);
    await this.page.getByTestId('link-save').click();
    await this.page.getByTestId('link-url').waitFor({ state: 'detached', timeout: 30_000 });
    await this.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="thumb"]').length > n,
      before,
    );
    const tile = this.page.locator('[data-testid="thumb"][data-kind="link"]').filter({
      hasText: link.url,
    });
    await tile.locator('img').waitFor();
    return tile;
  }

  /** Fill the link form and save, expecting it refused: the message shown. */
  async addLinkExpectingError(url: string): Promise<string> {
    if ((await this.page.getByTestId('link-url').count()) === 0)
      await this.page.getByTestId('link-add').click();
    await this.page.getByTestId('link-url').fill(url);
    await this.page.getByTestId('link-save').click();
    const error = this.page.getByTestId('link-error');
    await error.waitFor();
    return ((await error.textContent()) ?? '').trim();
  }

  /**
   * The bytes the tablet holds for a tile: the file a download tile saves, or the image a
   * photo or link tile shows (its screenshot), saved as "Simpan gambar" would. A download,
   * not a fetch: the app's CSP (connect-src 'self') refuses fetches of blob: addresses, and
   * a download works offline too.
   */
  async storedBytes(key: number | string): Promise<Buffer> {
    const tile = this.thumb(key);
    const source = tile.getByTestId('thumb-download').or(tile.locator('img')).first();
    await source.waitFor();
    const [download] = await Promise.all([
      this.page.waitForEvent('download'),
      source.evaluate((el) => {
        const a = document.createElement('a');
        a.href = el.getAttribute('href') ?? el.getAttribute('src') ?? '';
        a.download = 'bukti';
        document.body.append(a);
        a.click();
        a.remove();
      }),
    ]);
    const { readFileSync } = await import('node:fs');
    return readFileSync(await download.path());
  }

  /** Choose, before taking photos, the expected document they prove (by its visible label). */
  async linkNext(label: RegExp | string): Promise<void> {
    await selectByLabel(this.page.getByTestId('photo-proves-next'), label);
  }

  /** Link a photo to an expected document afterwards (by its visible label). */
  async link(key: number | string, label: RegExp | string): Promise<void> {
    const thumb = this.thumb(key);
    await selectByLabel(thumb.getByTestId('thumb-proves'), label);
    await thumb.and(this.page.locator('[data-proves]')).waitFor();
  }

  /** The document a photo is linked to, as its list shows it ('' when none). */
  async linkedTo(key: number | string): Promise<string> {
    const select = this.thumb(key).getByTestId('thumb-proves');
    return select.evaluate((s) => {
      const el = s as HTMLSelectElement;
      return el.value ? (el.selectedOptions[0]?.textContent ?? '') : '';
    });
  }

  /** Time and place lines under a photo. */
  async facts(key: number | string): Promise<{ time: string; place: string }> {
    const thumb = this.thumb(key);
    return {
      time: ((await thumb.getByTestId('photo-time').textContent()) ?? '').trim(),
      place: ((await thumb.getByTestId('photo-place').textContent()) ?? '').trim(),
    };
  }

  /** Tap a photo: the full-size viewer opens. */
  async open(key: number | string): Promise<PhotoViewerModel> {
    await this.thumb(key).getByTestId('thumb-open').click();
    const viewer = new PhotoViewerModel(this.page);
    await viewer.loaded();
    return viewer;
  }

  /** Remove a photo; the undo toast appears. Returns the toast's text. */
  async remove(key: number | string): Promise<string> {
    await this.thumb(key).getByTestId('thumb-remove').click();
    const toast = this.page.getByTestId('photo-undo');
    await toast.waitFor();
    return ((await toast.textContent()) ?? '').trim();
  }

  async undo(): Promise<void> {
    await this.page.getByTestId('photo-undo-button').click();
    await this.page.getByTestId('photo-undo').waitFor({ state: 'detached' });
  }

  /**
   * Average brightness (0–255) of a region of a photo as stored on the tablet, the region
   * given as fractions of its width and height ({x, y, w, h}); read through a canvas at
   * the image's own size.
   */
  async brightness(
    key: number | string,
    region: { x: number; y: number; w: number; h: number },
  ): Promise<number> {
    return imageBrightness(this.thumb(key).locator('img'), region);
  }

  /** The stored photo's own pixel size. */
  async naturalSize(key: number | string): Promise<{ width: number; height: number }> {
    return this.thumb(key)
      .locator('img')
      .evaluate((img) => ({
        width: (img as HTMLImageElement).naturalWidth,
        height: (img as HTMLImageElement).naturalHeight,
      }));
  }
}

/** The full-size photo viewer, the same on the tablet and the coordinator pages. */
export class PhotoViewerModel {
  constructor(readonly page: Page) {}

  dialog(): Locator {
    return this.page.getByTestId('photo-viewer');
  }

  image(): Locator {
    return this.dialog().getByTestId('photo-viewer-image');
  }

  async loaded(): Promise<void> {
    await this.dialog().waitFor();
    await this.page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="photo-viewer-image"]');
      return !!img && img.complete && img.naturalWidth > 0 && img.style.visibility === 'visible';
    });
  }

  /** The image as shown now (CSS px) and its own size (image px). */
  async sizes(): Promise<{ shown: number; natural: number; stage: number }> {
    return this.image().evaluate((img) => {
      const i = img as HTMLImageElement;
      return {
        shown: i.getBoundingClientRect().width,
        natural: i.naturalWidth,
        stage: (i.parentElement as HTMLElement).clientWidth,
      };
    });
  }

  /** Where the image's top-left corner is on the screen. */
  async position(): Promise<{ x: number; y: number }> {
    return this.image().evaluate((img) => {
      const r = img.getBoundingClientRect();
      return { x: r.left, y: r.top };
    });
  }

  async scaleText(): Promise<string> {
    return ((await this.dialog().getByTestId('photo-viewer-scale').textContent()) ?? '').trim();
  }

  /** Press "+" and wait until the photo is shown larger. */
  async zoomIn(): Promise<void> {
    const before = (await this.sizes()).shown;
    await this.dialog().getByTestId('photo-viewer-zoom-in').click();
    await this.grownFrom(before);
  }

  async zoomOut(): Promise<void> {
    const before = (await this.sizes()).shown;
    await this.dialog().getByTestId('photo-viewer-zoom-out').click();
    await this.page.waitForFunction(
      (w) =>
        (document.querySelector('[data-testid="photo-viewer-image"]')?.getBoundingClientRect()
          .width ?? w) < w,
      before,
    );
  }

  async fit(): Promise<void> {
    await this.dialog().getByTestId('photo-viewer-fit').click();
  }

  /** Wait until the shown width is larger than `before`. */
  async grownFrom(before: number): Promise<void> {
    await this.page.waitForFunction(
      (w) =>
        (document.querySelector('[data-testid="photo-viewer-image"]')?.getBoundingClientRect()
          .width ?? 0) >
        w + 1,
      before,
    );
  }

  /** Drag across the photo with the mouse, by (dx, dy) from the stage's centre. */
  async drag(dx: number, dy: number): Promise<void> {
    const box = await this.image().locator('..').boundingBox();
    if (!box) throw new Error('viewer stage not shown');
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + dx / 2, y + dy / 2, { steps: 4 });
    await this.page.mouse.move(x + dx, y + dy, { steps: 4 });
    await this.page.mouse.up();
  }

  /** Two fingers apart on the photo (a touch screen's pinch), through Chromium's input. */
  async pinchOut(distance: number): Promise<void> {
    const box = await this.image().locator('..').boundingBox();
    if (!box) throw new Error('viewer stage not shown');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const cdp = await this.page.context().newCDPSession(this.page);
    const points = (d: number) => [
      { x: cx - 20 - d / 2, y: cy, id: 1 },
      { x: cx + 20 + d / 2, y: cy, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(0) });
    for (let k = 1; k <= 6; k++)
      await cdp.send('Input.dispatchTouchEvent', {
        type: 'touchMove',
        touchPoints: points((distance * k) / 6),
      });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await cdp.detach();
  }

  caption(): Locator {
    return this.dialog().getByTestId('photo-viewer-caption');
  }

  async close(): Promise<void> {
    await this.dialog().getByTestId('photo-viewer-close').click();
    await this.dialog().waitFor({ state: 'detached' });
  }
}

/**
 * Average brightness (0–255) of a region of an <img> at its own pixel size, the region as
 * fractions {x, y, w, h} of its width and height.
 */
export function imageBrightness(
  img: Locator,
  region: { x: number; y: number; w: number; h: number },
): Promise<number> {
  return img.evaluate(async (el, r) => {
    const i = el as HTMLImageElement;
    // The page may have rendered a fresh <img> since the caller saw the thumbnails decoded
    // (the review page reloads its evidence list): measure only once this one has decoded,
    // not an empty 0×0 picture that reads as black.
    if (!i.complete || i.naturalWidth === 0) await i.decode();
    const c = document.createElement('canvas');
    c.width = i.naturalWidth;
    c.height = i.naturalHeight;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(i, 0, 0);
    const x = Math.floor(r.x * c.width);
    const y = Math.floor(r.y * c.height);
    const w = Math.max(1, Math.floor(r.w * c.width));
    const h = Math.max(1, Math.floor(r.h * c.height));
    const d = ctx.getImageData(x, y, w, h).data;
    let sum = 0;
    for (let k = 0; k < d.length; k += 4)
      sum += 0.2126 * (d[k] ?? 0) + 0.7152 * (d[k + 1] ?? 0) + 0.0722 * (d[k + 2] ?? 0);
    return sum / (d.length / 4);
  }, region);
}

async function selectByLabel(select: Locator, label: RegExp | string): Promise<void> {
  const options = await select.locator('option').evaluateAll((os) =>
    os.map((o) => ({
      value: (o as HTMLOptionElement).value,
      text: (o.textContent ?? '').trim(),
    })),
  );
  const match = options.find((o) =>
    typeof label === 'string' ? o.text.includes(label) : label.test(o.text),
  );
  if (!match) throw new Error(`no option ${String(label)} in ${options.map((o) => o.text)}`);
  await select.selectOption(match.value);
}
