/**
 * The verifier's core offline path in WebKit, the engine of every iPad's browser: Debian's
 * WebKitGTK (MiniBrowser) driven over W3C WebDriver (WebKitWebDriver + selenium-webdriver)
 * on an Xvfb display, against the production build served by the real server.
 *
 * What differs from the Chromium e2e (test/e2e/, Playwright):
 * - No offline switch: WebDriver cannot emulate the network, so the server itself goes away
 *   (a gate in front of it refuses connections) and comes back at the same origin.
 *   `navigator.onLine` stays true, so the connectivity badge follows what the sync last
 *   found instead: it reads "Luring" once the server does not answer (asserted below), as
 *   Chromium's e2e reads it with the browser set offline. The storage page says "server
 *   tidak terjangkau".
 * - The service worker is WebKit's own: it takes control on the first visit (clientsClaim)
 *   and serves every screen and the lazily loaded training instrument with the server gone.
 * - IndexedDB is WebKit's (Dexie on top): levels, notes, the photo's bytes and the drawn
 *   signature survive a reload there.
 * - WebKit keeps a page left by loading another URL in its back/forward cache, frozen with
 *   its IndexedDB connection and any transaction it had open; the next page's writes then
 *   wait behind it, and the app hangs at "Memuat…" as if the tablet were not enrolled.
 *   The Chromium e2e loads URLs over the running app without this. So after the first visit
 *   this lane moves only through the app's own links and buttons, and reloads, as the
 *   installed app is used (the app itself only ever reloads).
 * - `navigator.storage` does not exist in this WebKitGTK (2.50): the storage page shows
 *   "Terpakai – / –" and persistence as not granted. Safari on iPadOS has it; not asserted.
 * - The photo goes through the real file input (WebDriver "send keys" sets its FileList),
 *   not Playwright's setInputFiles; it is a JPEG that WebKit's canvas encoded.
 * - A photo asks for the location. MiniBrowser's prompt sits outside the page (WebDriver
 *   cannot answer it, WebKitWebDriver has no "Set Permission"), and WebKit starts the
 *   request's own timeout only once permission is given, so unanswered the app waits its
 *   20 s bound at every photo (then saves it without a location). The lane answers for the
 *   browser, as a verifier who allows location; Playwright grants or denies in Chromium.
 * - The signature is drawn with WebDriver pointer actions, which WebKitGTK turns into real
 *   mouse input for signature_pad's pointer events.
 * - MiniBrowser is not Safari: same engine (WebCore, JavaScriptCore), another shell. Safari's
 *   storage quotas and its 7-day eviction of script-written storage are not exercised here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebDriver } from 'selenium-webdriver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kelurahanCode } from '../../src/server/seed';
import { api, assessmentIdFor, enrolmentCodeFor } from '../e2e/support/api';
import { WebKitVerifier } from './page-models/verifier';
import { startGatedServer } from './support/gated-server';
import { launchWebKit, webkitEnabled } from './support/webkit';

const UNIT = kelurahanCode(0, 0); // Kelurahan Bulakan, assigned to verifier 1 in the demo.

/** What the coordinator reads about a unit (GET /api/reports/assessments/:id), in part. */
interface Detail {
  indicators: {
    no: number;
    verifiedLevel: number | null;
    notes: string;
    files: { name: string; held: boolean }[];
  }[];
  beritaAcara: { verifierSignature: string | null } | null;
}

/** A JPEG of a "document", encoded by WebKit's own canvas, written where WebDriver can send it. */
async function documentJpeg(driver: WebDriver, dir: string, title: string): Promise<string> {
  const dataUrl = await driver.executeScript<string>(
    `const c = document.createElement('canvas');
     c.width = 1000; c.height = 700;
     const g = c.getContext('2d');
     g.fillStyle = '#fffdf5'; g.fillRect(0, 0, c.width, c.height);
     g.fillStyle = '#111'; g.font = '48px serif'; g.fillText(arguments[0], 60, 120);
     for (let i = 0; i < 12; i++) g.fillRect(60, 200 + i * 36, 600 + (i % 3) * 80, 8);
     return c.toDataURL('image/jpeg', 0.9);`,
    title,
  );
  const file = join(dir, `${title.replace(/\W+/g, '-').toLowerCase()}.jpg`);
  writeFileSync(file, Buffer.from(dataUrl.replace(/^data:image\/jpeg;base64,/, ''), 'base64'));
  return file;
}

describe.skipIf(!webkitEnabled)(
  'verifier offline in WebKit (WebKitGTK, real service worker)',
  () => {
    let server: Awaited<ReturnType<typeof startGatedServer>>;
    let webkit: Awaited<ReturnType<typeof launchWebKit>>;
    let app: WebKitVerifier;
    let files: string;

    beforeAll(async () => {
      files = mkdtempSync(join(tmpdir(), 'telusur-webkit-'));
      server = await startGatedServer();
      webkit = await launchWebKit();
      app = new WebKitVerifier(webkit.driver, server.url);
    });
    afterAll(async () => {
      await webkit?.close();
      await server?.close();
      if (files) rmSync(files, { recursive: true, force: true });
    });

    it('works without the server from the first visit on, keeps a reload, then syncs', {
      timeout: 120_000,
    }, async ({ onTestFailed }) => {
      onTestFailed(() => app.saveFailure('verifier-offline'));
      // First visit: a coordinator's code enrols the tablet; the first sync brings its unit.
      const { code, token } = await enrolmentCodeFor(server.url, 'verifikator1@cilegon.demo');
      const assessmentId = await assessmentIdFor(server.url, token, UNIT);
      await app.enrol(code, 'iPad Bulakan');
      await app.waitForServiceWorker();
      await app.syncNow();

      // The server goes away. The app opens from the service worker and says so where a
      // verifier looks for it.
      await server.down();
      await app.reload();
      await app.goStorage();
      await expect
        .poll(() => app.text('sync-state'), { timeout: 20_000 })
        .toBe('server tidak terjangkau');
      await expect.poll(() => app.connectivityLabel(), { timeout: 20_000 }).toMatch(/Luring/);

      // Training and the assigned unit: a level, a note, a photo, the verifier's signature.
      // The verifier allows location when the first photo asks (answered here for MiniBrowser).
      await app.allowLocation({ lat: -6.0169, lng: 106.0538 });
      const work = [
        {
          unit: { training: true, name: 'Kelurahan Sukamaju (fiktif)' } as const,
          level: 3,
          note: 'Latihan di WebKit: SK Tim SPBE diperiksa.',
        },
        {
          unit: { assessmentId, name: 'Kelurahan Bulakan' },
          level: 2,
          note: 'Verifikasi di WebKit: SK Tim SPBE ada, sudah ditandatangani.',
        },
      ];
      for (const [i, w] of work.entries()) {
        const unit = await app.openUnit(w.unit);
        const screen = await unit.openIndicator(1);
        await screen.setVerifiedLevel(w.level);
        await screen.writeNotes(w.note);
        await screen.addPhoto(await documentJpeg(app.driver, files, `Bukti ${i + 1}`));
        const ba = await (await app.openUnit(w.unit)).openBeritaAcara();
        await ba.sign('sig-verifier');
      }

      // Reload, still without the server: everything is still there.
      await app.reload();
      for (const w of work) {
        const screen = await (await app.openUnit(w.unit)).openIndicator(1);
        await expect.poll(() => screen.verifiedLevel()).toBe(w.level);
        await expect.poll(() => screen.notes()).toBe(w.note);
        await expect.poll(() => screen.photoCount()).toBe(1);
        const ba = await (await app.openUnit(w.unit)).openBeritaAcara();
        expect(await ba.signatureShown('sig-verifier')).toBe(true);
      }
      expect(await app.unsyncedChanges()).toBeGreaterThan(0);

      // The server comes back: one sync sends the unit's work, and the coordinator sees it.
      await server.up();
      await app.syncNow();
      expect(await app.unsyncedChanges()).toBe(0);
      const detail = await api<Detail>(
        server.url,
        `/api/reports/assessments/${encodeURIComponent(assessmentId)}`,
        { token },
      );
      const first = detail.indicators.find((i) => i.no === 1);
      expect(first).toMatchObject({ verifiedLevel: 2, notes: work[1]?.note });
      // The photo's record and its bytes: the server holds the file itself.
      expect(first?.files).toEqual([expect.objectContaining({ held: true })]);
      expect(detail.beritaAcara?.verifierSignature).toMatch(/^data:image\/png;base64,/);
    });
  },
);
