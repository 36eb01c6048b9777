/**
 * 1. First-load JS and CSS (gzip, zlib level 9) and the service worker's precache size.
 *
 * Builds the app exactly as `npm run build` does (the project's vite.config.ts), into
 * bench/tmp/dist, then takes from the built index.html what the first page load requests:
 * the entry module(s), their modulepreloads and stylesheets, closed over static imports with
 * Vite's build manifest. Lazy chunks (dynamic imports) are excluded. The precache is the
 * list in the generated sw.js.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, chromium } from 'playwright-core';
import { ARGS, CHROMIUM } from './browser';
import { ROOT, TMP } from './paths';
import {
  atMost,
  type BenchModule,
  notMeasured,
  type Result,
  ratioResult,
  valueResult,
} from './result';
import { charsBySource, groupOf } from './sourcemap';

const MODULE = 'bundle';
const OUT = join(TMP, 'dist');
export const JS_BUDGET = 60 * 1024;
/** The weak link of the issue: 1.6 Mbit/s both ways, 150 ms round trip, CPU 4× slower. */
const LINK = { mbit: 1.6, rttMs: 150, cpuSlowdown: 4 };
const PAINT_RUNS = 5;
/** Assigned units seeded into the tablet database (a verifier's usual load is 5–15). */
const SEEDED_UNITS = 12;

function gz(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

function viteBuild(): Promise<{ ok: boolean; log: string }> {
  return new Promise((resolve) => {
    rmSync(OUT, { recursive: true, force: true });
    const child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', OUT, '--manifest'],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } },
    );
    let log = '';
    child.stdout.on('data', (d) => {
      log += d;
    });
    child.stderr.on('data', (d) => {
      log += d;
    });
    child.on('close', (code) => resolve({ ok: code === 0, log }));
  });
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

/** JS and CSS files the first load of index.html requests. */
export function firstLoadFiles(outDir: string): { js: string[]; css: string[] } {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const js = new Set<string>();
  const css = new Set<string>();
  const strip = (u: string) => u.replace(/^\//, '').replace(/[?#].*$/, '');
  for (const m of html.matchAll(/<script\b[^>]*\btype=["']module["'][^>]*\bsrc=["']([^"']+)["']/g))
    js.add(strip(m[1] as string));
  for (const m of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*\btype=["']module["']/g))
    js.add(strip(m[1] as string));
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = m[0];
    const href = /\bhref=["']([^"']+)["']/.exec(tag)?.[1];
    if (!href) continue;
    if (/\brel=["']modulepreload["']/.test(tag)) js.add(strip(href));
    else if (/\brel=["']stylesheet["']/.test(tag)) css.add(strip(href));
  }
  // Close over static imports (and their CSS) with the build manifest.
  const manifestPath = join(outDir, '.vite', 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    const byFile = new Map(Object.entries(manifest).map(([k, v]) => [v.file, k]));
    const queue = [...js];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      js.add(file);
      const key = byFile.get(file);
      const chunk = key ? manifest[key] : undefined;
      if (!chunk) continue;
      for (const c of chunk.css ?? []) css.add(c);
      for (const imp of chunk.imports ?? []) {
        const f = manifest[imp]?.file;
        if (f) queue.push(f);
      }
    }
  }
  return { js: [...js].filter((f) => f.endsWith('.js')), css: [...css] };
}

/** Files listed in the generated sw.js precache manifest. */
export function precacheEntries(outDir: string): string[] {
  const sw = readFileSync(join(outDir, 'sw.js'), 'utf8');
  const urls = new Set<string>();
  for (const m of sw.matchAll(/url\s*:\s*["']([^"']+)["']\s*,\s*revision\s*:/g))
    urls.add((m[1] as string).replace(/^\//, ''));
  return [...urls];
}

const context: string[] = [];

export const bundle: BenchModule = {
  name: MODULE,
  title: '1. First-load JS/CSS (gzip) and precache size',
  description:
    'The app built as `npm run build` does (project vite.config.ts) into bench/tmp/dist. First load = what the built index.html requests: entry module(s), modulepreloads and stylesheets, closed over static imports with the Vite build manifest; lazy (dynamic-import) chunks excluded. Each file gzipped with zlib level 9. Precache = the entries of the generated sw.js (raw bytes on disk). Byte sizes: no baseline, single build. ' +
    `Time to first useful paint (info, no goal): the same build served by a local server with gzip (level 9, as the deployment's HTTPS proxy compresses), opened in Chromium (${CHROMIUM}, headless, 1024×768) with the link throttled by CDP Network.emulateNetworkConditions to ${LINK.mbit} Mbit/s down and up and ${LINK.rttMs} ms latency, CPU ${LINK.cpuSlowdown}× slower (Emulation.setCPUThrottlingRate), HTTP cache disabled and service workers blocked, so every byte of the page comes over the link (a first visit, or a cleared cache; an installed app loads its code from the precache). ` +
    'First useful paint = the animation frame after the first element matching the screen\'s marker is in the DOM, in ms from navigation start (performance.now()): for a tablet holding assigned units, `[data-testid="unit-card"]` (a unit card of the verifier\'s list), with the tablet database seeded beforehand with ' +
    `${SEEDED_UNITS} assigned units, their period and the synced SPBE 2020 instrument (written by raw IndexedDB into the database the app created, as a sync leaves them); for a fresh tablet (both databases deleted before each run), \`[data-testid="no-assignments"]\` (the empty state that tells the verifier to enrol). ` +
    "Baseline = the same built index.html with its module script and modulepreloads removed (the CSS, icons and manifest stay), served the same way, timed to the frame after its load event: what the page costs without the app's JS. " +
    `Per run the baseline and the app are measured back to back on fresh pages; ${PAINT_RUNS} runs after one unmeasured pair; ratio = median of per-run app/baseline.`,
  context,
  async run(): Promise<Result[]> {
    let build = await viteBuild();
    if (!build.ok) {
      // The tree is shared with people editing it; one retry rides out a half-saved file.
      await new Promise((r) => setTimeout(r, 10_000));
      build = await viteBuild();
    }
    if (!build.ok || !existsSync(join(OUT, 'index.html'))) {
      const reason = (build.log.match(/error[^\n]*\n?[^\n]*/i)?.[0] ?? 'vite build failed')
        .replace(/\s+/g, ' ')
        .slice(0, 200);
      return [
        notMeasured(
          MODULE,
          'first-load JS (gzip)',
          atMost(JS_BUDGET, 'B (60 KB)').text,
          `build failed: ${reason}`,
        ),
        notMeasured(MODULE, 'first-load CSS (gzip)', '', `build failed: ${reason}`),
        notMeasured(MODULE, 'precache total (raw)', '', `build failed: ${reason}`),
      ];
    }
    const { js, css } = firstLoadFiles(OUT);
    const jsGz = js.reduce((n, f) => n + gz(join(OUT, f)), 0);
    const jsRaw = js.reduce((n, f) => n + statSync(join(OUT, f)).size, 0);
    const cssGz = css.reduce((n, f) => n + gz(join(OUT, f)), 0);
    const entries = precacheEntries(OUT);
    const present = entries.filter((f) => existsSync(join(OUT, f)));
    const preRaw = present.reduce((n, f) => n + statSync(join(OUT, f)).size, 0);
    const preGz = present.reduce((n, f) => n + gz(join(OUT, f)), 0);
    const lazy = readdirJs(OUT).filter((f) => !js.includes(f));
    // Attribute first-load gzip bytes to sources (each file's gzip size shared out in
    // proportion to the minified characters each source produced in it).
    const share = new Map<string, number>();
    for (const f of js) {
      const chars = charsBySource(join(OUT, f));
      const fileGz = gz(join(OUT, f));
      if (!chars) {
        share.set(f, (share.get(f) ?? 0) + fileGz);
        continue;
      }
      const total = [...chars.values()].reduce((a, b) => a + b, 0) || 1;
      for (const [src, n] of chars) {
        // Code without a source map (e.g. imported JSON data) is named after its chunk.
        const g = src === '(unmapped)' ? `(no source map, in ${chunkName(f)})` : groupOf(src);
        share.set(g, (share.get(g) ?? 0) + (fileGz * n) / total);
      }
    }
    const top = [...share.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
    const topText = top.map(([g, n]) => `${g} ${(n / 1024).toFixed(1)}`).join(', ');
    context.push(
      `First-load JS by file (gzip): ${js.map((f) => `${f.replace(/^assets\//, '')} ${(gz(join(OUT, f)) / 1024).toFixed(1)} KB`).join(', ')}.`,
      `Largest first-load contributors (≈ gzip KB, from source maps): ${topText}.`,
      `Lazy chunks (not counted): ${lazy.map((f) => f.replace(/^assets\//, '')).join(', ') || 'none'}.`,
    );
    const paint = await firstPaintResults();
    return [
      valueResult({
        module: MODULE,
        name: 'first-load JS (gzip)',
        unit: 'B',
        values: [jsGz],
        goal: atMost(JS_BUDGET, 'B (60 KB)'),
        ifMissed: `Everything the first screen statically imports is in the first load. Largest parts (≈ gzip KB): ${topText}. Getting under 60 KB means moving whole pieces behind dynamic imports (or out of the bundle), not trimming.`,
        note: `${js.length} file(s), ${jsRaw.toLocaleString('en-US')} B raw: ${js.join(', ')}; ${lazy.length} lazy chunk(s) not counted`,
      }),
      valueResult({
        module: MODULE,
        name: 'first-load CSS (gzip)',
        unit: 'B',
        values: [cssGz],
        goal: null,
        note: css.join(', ') || 'no stylesheet',
      }),
      valueResult({
        module: MODULE,
        name: 'precache total (raw)',
        unit: 'B',
        values: [preRaw],
        goal: null,
        note: `${entries.length} entries in sw.js${present.length < entries.length ? ` (${entries.length - present.length} missing on disk)` : ''}; ${preGz.toLocaleString('en-US')} B if each were gzipped`,
      }),
      ...paint,
    ];
  },
};

const SEEDED_NAME = 'first useful paint, tablet with assigned units (weak link)';
const FRESH_NAME = 'first useful paint, fresh tablet (weak link)';

/** The two first-paint info rows (or honest gaps when Chromium could not measure them). */
async function firstPaintResults(): Promise<Result[]> {
  let p: FirstPaint;
  try {
    p = await measureFirstPaint(OUT);
  } catch (e) {
    const why = `measurement failed: ${String((e as Error).message ?? e).slice(0, 200)}`;
    return [notMeasured(MODULE, SEEDED_NAME, '', why), notMeasured(MODULE, FRESH_NAME, '', why)];
  }
  // Sanity: the seeded paint shows the whole seeded list, not a first card of a list still
  // filling in (the list renders at once from one read).
  const partial = p.seededCards.filter((n) => n !== SEEDED_UNITS);
  context.push(
    `First useful paint: unit cards on screen at the seeded paint, per run: ${p.seededCards.join(', ')} (seeded ${SEEDED_UNITS})${partial.length > 0 ? ' — NOT the whole list in every run' : ''}.`,
  );
  const baselineName = 'built index.html + CSS without the app JS, to its load event';
  return [
    ratioResult({
      module: MODULE,
      name: SEEDED_NAME,
      unit: 'ms',
      subject: p.seeded,
      baseline: p.seededBaseline,
      baselineName,
      goal: null,
      note: `[data-testid="unit-card"] painted, ${SEEDED_UNITS} assigned units seeded; ${LINK.mbit} Mbit/s, ${LINK.rttMs} ms, CPU ×${LINK.cpuSlowdown}; runs (ms): ${p.seeded.map((x) => Math.round(x)).join(', ')}`,
    }),
    ratioResult({
      module: MODULE,
      name: FRESH_NAME,
      unit: 'ms',
      subject: p.fresh,
      baseline: p.freshBaseline,
      baselineName,
      goal: null,
      note: `[data-testid="no-assignments"] painted, no database yet; runs (ms): ${p.fresh.map((x) => Math.round(x)).join(', ')}`,
    }),
  ];
}

const chunkName = (f: string) => f.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '.js');

function readdirJs(outDir: string): string[] {
  const dir = join(outDir, 'assets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
}

// ---------------------------------------------------------------------------------------
// Time to first useful paint on a weak link (info, no goal).

const HOST = 'telusur-bench.test';
const BASELINE_PAGE = '/bench-baseline.html';
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The built index.html without the app's JS: no module script, no modulepreloads. */
export function withoutScripts(html: string): string {
  return html
    .replace(/<script\b[^>]*\btype=["']module["'][^>]*>\s*<\/script>/g, '')
    .replace(/<link\b[^>]*\brel=["']modulepreload["'][^>]*>/g, '');
}

/**
 * The build served as the deployment's HTTPS proxy would: gzip (level 9) when the browser
 * accepts it, index.html for app routes. `/bench-baseline.html` is index.html without its
 * scripts, served the same way.
 */
export async function serveBuild(
  outDir: string,
): Promise<{ origin: string; close(): Promise<void> }> {
  const gzCache = new Map<string, Buffer>();
  const baseline = withoutScripts(readFileSync(join(outDir, 'index.html'), 'utf8'));
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    let body: Buffer;
    let type: string;
    if (path === BASELINE_PAGE) {
      body = Buffer.from(baseline);
      type = TYPES['.html'] as string;
    } else {
      let file = join(outDir, normalize(path).replace(/^(\.\.[/\\])+/, ''));
      if (!file.startsWith(outDir) || !existsSync(file) || !statSync(file).isFile())
        file = join(outDir, 'index.html');
      body = readFileSync(file);
      type = TYPES[extname(file)] ?? 'application/octet-stream';
    }
    const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache' };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      const key = `${path}:${body.length}`;
      let z = gzCache.get(key);
      if (!z) {
        z = gzipSync(body, { level: 9 });
        gzCache.set(key, z);
      }
      body = z;
      headers['content-encoding'] = 'gzip';
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://${HOST}:${address.port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** What the page waits for: a CSS selector in the DOM, or the load event (the baseline). */
type PaintTarget = { selector: string } | { load: true };

/**
 * Milliseconds from navigation start to the first animation frame after `target` (the
 * frame that paints it), on a fresh page with the link and CPU throttled and the HTTP cache
 * off: every byte comes over the link. `count`: elements matching the selector then.
 */
export async function timeToPaint(
  context: BrowserContext,
  url: string,
  target: PaintTarget,
): Promise<{ ms: number; count: number }> {
  const page = await context.newPage();
  try {
    // A string, not a function: tsx wraps named functions in a helper the page lacks.
    await page.addInitScript({
      content: `(() => {
        const mark = () => requestAnimationFrame(() => {
          if (window.__paintAt !== undefined) return;
          window.__paintAt = performance.now();
          window.__paintCount = target.load ? 0 : document.querySelectorAll(target.selector).length;
        });
        const target = ${JSON.stringify(target)};
        if (target.load) { addEventListener('load', mark); return; }
        const observer = new MutationObserver(() => {
          if (!document.querySelector(target.selector)) return;
          observer.disconnect();
          mark();
        });
        observer.observe(document, { subtree: true, childList: true });
      })();`,
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const bytesPerSecond = (LINK.mbit * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: LINK.rttMs,
      downloadThroughput: bytesPerSecond,
      uploadThroughput: bytesPerSecond,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: LINK.cpuSlowdown });
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction(
      () => (window as unknown as { __paintAt?: number }).__paintAt !== undefined,
      null,
      { timeout: 60_000, polling: 50 },
    );
    return await page.evaluate(() => {
      const w = window as unknown as { __paintAt: number; __paintCount: number };
      return { ms: w.__paintAt, count: w.__paintCount };
    });
  } finally {
    await page.close();
  }
}

/**
 * Put SEEDED_UNITS assigned units (with their period, units and the synced SPBE 2020
 * instrument) into the tablet database the app created, as a sync would leave them. Raw
 * IndexedDB in the page: the rows as the store keeps them (records with `_versions`).
 */
export async function seedTablet(context: BrowserContext, origin: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    // The store opens right after the first paint and creates the database at its version.
    await page.waitForFunction(
      async () =>
        (await indexedDB.databases()).some((d) => d.name === 'telusur' && (d.version ?? 0) > 1),
      null,
      { timeout: 60_000, polling: 100 },
    );
    const { spbe2020 } = await import('../../src/core/frameworks');
    const units = Array.from({ length: SEEDED_UNITS }, (_, i) => ({
      id: `bench-unit-${i + 1}`,
      name: i === 0 ? 'Pemerintah Kabupaten Contoh' : `Dinas Contoh ${i}`,
      kind: i === 0 ? 'pemda' : 'opd',
      parentId: i === 0 ? null : 'bench-unit-1',
    }));
    await page.evaluate(
      async ({ units, framework }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('telusur');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const stores = ['periods', 'frameworks', 'units', 'assignments', 'assessments'];
        const tx = db.transaction(stores, 'readwrite');
        const period = {
          id: 'bench-period',
          name: 'Evaluasi SPBE 2026',
          frameworkId: framework.id,
        };
        tx.objectStore('periods').put(period);
        tx.objectStore('frameworks').put(framework);
        units.forEach((u, i) => {
          tx.objectStore('units').put(u);
          const id = `0190a6f2-5c3e-7b1a-8f00-${String(i + 1).padStart(12, '0')}`;
          tx.objectStore('assignments').put({
            id: `bench-assignment-${i + 1}`,
            periodId: period.id,
            unitId: u.id,
            assessmentId: id,
          });
          tx.objectStore('assessments').put({
            id,
            periodId: period.id,
            unitId: u.id,
            frameworkId: framework.id,
            status: 'sedang',
            submittedAt: null,
            _versions: { periodId: 1, unitId: 1, frameworkId: 1, status: 1, submittedAt: 1 },
          });
        });
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        db.close();
      },
      { units, framework: JSON.parse(JSON.stringify(spbe2020)) },
    );
  } finally {
    await page.close();
  }
}

async function deleteTabletData(context: BrowserContext, origin: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}${BASELINE_PAGE}`);
    await page.evaluate(async () => {
      for (const name of ['telusur', 'telusur-latihan'])
        await new Promise<void>((resolve, reject) => {
          const r = indexedDB.deleteDatabase(name);
          r.onsuccess = () => resolve();
          r.onerror = () => reject(r.error);
          r.onblocked = () => reject(new Error(`deleting ${name} is blocked`));
        });
      localStorage.clear();
    });
  } finally {
    await page.close();
  }
}

/** Chromium with a fresh on-disk profile and no service worker (every byte over the link). */
export async function launch(origin: string) {
  const profile = mkdtempSync(join(tmpdir(), 'telusur-bench-firstpaint-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    serviceWorkers: 'block',
    viewport: { width: 1024, height: 768 },
    args: [
      ...ARGS,
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      `--unsafely-treat-insecure-origin-as-secure=${origin}`,
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Selector of the first useful paint of a tablet holding assigned units: a unit card. */
export const SEEDED_PAINT = '[data-testid="unit-card"]';
/** …of a fresh tablet: the empty state that tells the verifier to enrol. */
export const FRESH_PAINT = '[data-testid="no-assignments"]';

/** Paired samples of the first-paint measurement (ms), and the sanity facts seen. */
export interface FirstPaint {
  seeded: number[];
  seededBaseline: number[];
  fresh: number[];
  freshBaseline: number[];
  /** Unit cards on screen at each seeded paint (the whole seeded list: SEEDED_UNITS). */
  seededCards: number[];
}

/**
 * Paired runs (baseline page, then the app) for both tablets: one seeded with assigned
 * units, one fresh (its databases deleted before every run). `selectors` lets an older build
 * (without the empty state's test id) be measured the same way.
 */
export async function measureFirstPaint(
  outDir: string,
  runs = PAINT_RUNS,
  selectors = { seeded: SEEDED_PAINT, fresh: FRESH_PAINT },
): Promise<FirstPaint> {
  const served = await serveBuild(outDir);
  const out: FirstPaint = {
    seeded: [],
    seededBaseline: [],
    fresh: [],
    freshBaseline: [],
    seededCards: [],
  };
  const baselineUrl = `${served.origin}${BASELINE_PAGE}`;
  const appUrl = `${served.origin}/`;
  try {
    const seeded = await launch(served.origin);
    try {
      await seedTablet(seeded.context, served.origin);
      // One unmeasured pair warms Chromium itself (not the page: the cache stays off).
      await timeToPaint(seeded.context, baselineUrl, { load: true });
      await timeToPaint(seeded.context, appUrl, { selector: selectors.seeded });
      for (let i = 0; i < runs; i++) {
        out.seededBaseline.push(
          (await timeToPaint(seeded.context, baselineUrl, { load: true })).ms,
        );
        const app = await timeToPaint(seeded.context, appUrl, { selector: selectors.seeded });
        out.seeded.push(app.ms);
        out.seededCards.push(app.count);
      }
    } finally {
      await seeded.close();
    }
    const fresh = await launch(served.origin);
    try {
      for (let i = 0; i < runs; i++) {
        await deleteTabletData(fresh.context, served.origin);
        out.freshBaseline.push((await timeToPaint(fresh.context, baselineUrl, { load: true })).ms);
        out.fresh.push(
          (await timeToPaint(fresh.context, appUrl, { selector: selectors.fresh })).ms,
        );
      }
    } finally {
      await fresh.close();
    }
  } finally {
    await served.close();
  }
  return out;
}
