import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolmentCodeFor } from './support/api';
import { startAppServer } from './support/app-server';
import { CHROMIUM_ARGS, e2eEnabled, launchBrowser } from './support/browser';

const W = 480;
const H = 480;

/** The coordinator's QR as a Y4M video, the format Chromium's fake camera plays. */
async function qrVideo(browser: Browser, qrSvg: string, file: string): Promise<void> {
  const page = await browser.newPage();
  const yuv = await page.evaluate(
    async ([svg, w, h]) => {
      const img = new Image();
      img.src = `data:image/svg+xml;base64,${btoa(svg)}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const ctx = c.getContext('2d') as CanvasRenderingContext2D;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(img, 40, 40, w - 80, h - 80);
      const { data } = ctx.getImageData(0, 0, w, h);
      const y = new Array<number>(w * h);
      for (let i = 0; i < w * h; i++)
        y[i] = Math.round(
          0.299 * (data[i * 4] ?? 0) +
            0.587 * (data[i * 4 + 1] ?? 0) +
            0.114 * (data[i * 4 + 2] ?? 0),
        );
      return y;
    },
    [qrSvg, W, H] as const,
  );
  await page.close();
  const frame = Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.from(yuv),
    Buffer.alloc((W * H) / 2, 128),
  ]);
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from(`YUV4MPEG2 W${W} H${H} F5:1 Ip A1:1 C420jpeg\n`),
      frame,
      frame,
      frame,
    ]),
  );
}

// e2e runs only where Chromium is installed; test/run.mjs sets TELUSUR_E2E (and CI requires it).
describe.skipIf(!e2eEnabled)('tablet enrolment by scanning the QR', () => {
  let server: Awaited<ReturnType<typeof startAppServer>>;
  let dir: string;
  beforeAll(async () => {
    server = await startAppServer();
    dir = mkdtempSync(join(tmpdir(), 'telusur-qr-'));
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the camera reads the coordinator’s QR into the code field, and enrolment succeeds', async () => {
    const { code, qrSvg } = await enrolmentCodeFor(server.url, 'verifikator2@cilegon.demo');
    const helper = await launchBrowser();
    const video = join(dir, 'qr.y4m');
    await qrVideo(helper, qrSvg, video);
    await helper.close();
    const tablet = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        ...CHROMIUM_ARGS,
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    });
    try {
      const context = await tablet.newContext({ permissions: ['camera'] });
      const page = await context.newPage();
      await page.goto(`${server.url}/masuk`);
      await page.getByTestId('scan-qr').click();
      await expect
        .poll(() => page.locator('#enrol-code').inputValue(), { timeout: 20_000 })
        .toBe(code);
      await page.locator('#enrol-label').fill('Tablet QR');
      await page.getByTestId('enrol-submit').click();
      await page.waitForURL(`${server.url}/`);
    } finally {
      await tablet.close();
    }
  });
});
