/**
 * Shared browser plumbing for the in-browser benchmarks: a production build of
 * bench/pages/*.html (Vite, minified, like the app), a tiny static server, and real Chromium
 * via playwright-core with an on-disk profile (an incognito context would keep IndexedDB in
 * memory and make durability meaningless).
 *
 * Pages are served under a non-localhost origin (http://telusur-bench.test, mapped to
 * 127.0.0.1 and treated as secure): Dexie turns on its debug mode — an async stack task per
 * promise — on localhost/127.0.0.1 only, which no tablet in the field ever runs.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { BENCH, ROOT, TMP } from './paths';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HOST = 'telusur-bench.test';
const PAGES_OUT = join(TMP, 'pages');

let built: Promise<void> | null = null;

/** Build bench/pages once per `npm run bench` (production mode, like `vite build` of the app). */
export function buildPages(): Promise<void> {
  built ??= (async () => {
    const { build } = await import('vite');
    await build({
      configFile: false,
      root: join(BENCH, 'pages'),
      logLevel: 'error',
      cacheDir: join(TMP, 'vite-cache'),
      build: {
        outDir: PAGES_OUT,
        emptyOutDir: true,
        target: 'es2020', // as the app's vite.config.ts
        sourcemap: false,
        reportCompressedSize: false,
        rollupOptions: {
          input: {
            store: join(BENCH, 'pages', 'store-bench.html'),
            photo: join(BENCH, 'pages', 'photo-bench.html'),
          },
        },
      },
    });
  })();
  return built;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** Extra files the pages may load, outside the build (URL path → file). */
const VENDOR: Record<string, string> = {
  '/vendor/browser-image-compression.js': join(
    ROOT,
    'node_modules/browser-image-compression/dist/browser-image-compression.js',
  ),
};

export interface Served {
  origin: string;
  port: number;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function serve(): Promise<Served> {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] as string);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const file = VENDOR[path] ?? join(PAGES_OUT, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(PAGES_OUT) && !VENDOR[path]) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://${HOST}:${address.port}`,
    port: address.port,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  served: Served;
  errors: string[];
  close(): Promise<void>;
}

/** Launch Chromium with a fresh on-disk profile and open `page` (e.g. 'store-bench.html'). */
export async function openPage(pagePath: string): Promise<BrowserSession> {
  await buildPages();
  const served = await serve();
  const profile = mkdtempSync(join(tmpdir(), 'telusur-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...ARGS,
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
      `--unsafely-treat-insecure-origin-as-secure=${served.origin}`,
    ],
  });
  const errors: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  page.setDefaultTimeout(120_000);
  await page.goto(`${served.origin}/${pagePath}`);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined, null, {
    timeout: 60_000,
  });
  const ready = await page.evaluate(() => document.body.dataset.ready);
  if (ready !== '1') {
    const why = await page.evaluate(() => document.body.textContent ?? '');
    throw new Error(`${pagePath} failed to start: ${why} ${errors.join(' | ')}`);
  }
  return {
    context,
    page,
    served,
    errors,
    async close() {
      await context.close();
      await served.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Call `globalThis[name][fn](...args)` in the page. Errors come back as readable messages
 * (a minified page otherwise surfaces them as one-letter names).
 */
export async function callPage<T>(
  page: Page,
  name: string,
  fn: string,
  ...args: unknown[]
): Promise<T> {
  const r = (await page.evaluate(
    async ([n, f, a]) => {
      try {
        const api = (
          globalThis as unknown as Record<string, Record<string, (...x: unknown[]) => unknown>>
        )[n as string];
        const method = api?.[f as string];
        if (!method) throw new Error(`no ${n as string}.${f as string}() in the page`);
        return { ok: true, value: await method(...(a as unknown[])) };
      } catch (e) {
        const err = e as { name?: string; message?: string; reason?: string };
        return {
          ok: false,
          error: `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}${err?.reason ? ` (${err.reason})` : ''}`,
        };
      }
    },
    [name, fn, args] as const,
  )) as { ok: true; value: T } | { ok: false; error: string };
  if (!r.ok) throw new Error(`${name}.${fn}: ${r.error}`);
  return r.value;
}

export function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return `unknown (${CHROMIUM})`;
  }
}
