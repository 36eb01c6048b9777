import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TabletSync, VerifierApp } from './page-models/verifier-app';
import { enrolmentCodeFor } from './support/api';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

/**
 * The first load carries the home screen only (issue 20): the unit list paints from the
 * tablet database without the store's code (Dexie, the write path), which loads after the
 * first paint. These tests refuse the store's chunk to show that the list a verifier sees
 * first does not wait for it, and that it is the same list the store shows.
 */

/** The build the e2e server serves (support/app-server.ts). */
const DIST = process.env.TELUSUR_E2E_DIST ?? join(process.cwd(), 'dist');

/**
 * Source files of the JavaScript a first visit downloads: the built index.html's module
 * script and modulepreloads (Vite lists every static import of the entry there), read from
 * each file's source map.
 */
function firstLoadSources(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const files = new Set<string>();
  for (const tag of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const isModule =
      /\btype=["']module["']/.test(tag[0]) || /\brel=["']modulepreload["']/.test(tag[0]);
    const url = /\b(?:src|href)=["']\/?([^"'?#]+\.js)/.exec(tag[0])?.[1];
    if (isModule && url) files.add(url);
  }
  const sources: string[] = [];
  for (const file of files) {
    const map = join(dist, `${file}.map`);
    // Only the bundler's own helpers (module preload, defineProperty) come without a map.
    if (!existsSync(map)) continue;
    const parsed = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
    sources.push(...parsed.sources.map((s) => join(dirname(file), s)));
  }
  return sources;
}

/** The unit cards of the home list as a verifier reads them: name and progress. */
async function cards(app: VerifierApp): Promise<string[]> {
  const list = app.page.getByTestId('unit-card');
  await list.first().waitFor();
  return (await list.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
}

describe.skipIf(!e2eEnabled)('what the first visit downloads', () => {
  // On a weak link every kilobyte of the first load delays the unit list (goal ≤ 60 KB gzip,
  // `npm run bench -- bundle`). Validation is needed only when the store or sync handles data,
  // so zod and core's schemas come with those chunks, after the first paint.
  it('carries the home screen without zod, core’s schemas or its audit wording', () => {
    const sources = firstLoadSources(DIST);
    expect(sources.some((s) => s.endsWith('src/app/routes/Home.tsx'))).toBe(true);
    const heavy = sources.filter(
      (s) =>
        s.includes('node_modules/zod/') ||
        /src\/core\/[^/]*-schema\.ts$/.test(s) ||
        /src\/core\/(index|index\.browser|audit-text|protocol)\.ts$/.test(s),
    );
    expect(heavy).toEqual([]);
  });
});

describe.skipIf(!e2eEnabled)('the first screen before the store has loaded', () => {
  const stage = appStage();

  it('shows the verifier’s units from the tablet database, as the store shows them', async () => {
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      // A service worker would serve the store's chunk from its precache, past the refusal.
      serviceWorkers: 'block',
    });
    const app = new VerifierApp(await context.newPage(), stage.url);
    const sync = new TabletSync(app);
    const { code } = await enrolmentCodeFor(stage.url, 'verifikator1@cilegon.demo');
    await sync.enrol(code, 'Tablet uji muat awal');
    await sync.syncNow();
    await app.page.goto(`${stage.url}/`);
    const withStore = await cards(app);
    expect(withStore.length).toBeGreaterThan(0);

    // The same tablet, opened again with the store's code refused.
    const page = await context.newPage();
    const refused: string[] = [];
    await page.route(/\/assets\/store-[^/]*\.js$/, (route) => {
      refused.push(route.request().url());
      return route.abort();
    });
    const first = new VerifierApp(page, stage.url);
    await page.goto(`${stage.url}/`);
    expect(await cards(first)).toEqual(withStore);
    expect(refused.length).toBeGreaterThan(0);
    await context.close();
  });

  it('shows a fresh tablet its empty state before the store has loaded', async () => {
    const context = await stage.newContext({
      viewport: { width: 1024, height: 768 },
      serviceWorkers: 'block',
    });
    const page = await context.newPage();
    await page.route(/\/assets\/store-[^/]*\.js$/, (route) => route.abort());
    await page.goto(`${stage.url}/`);
    await page.getByTestId('no-assignments').waitFor();
    expect(await page.getByTestId('unit-card').count()).toBe(0);
    // The refused store created no database: the reader never makes one of its own.
    const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(names).not.toContain('telusur');
    await context.close();
  });
});
