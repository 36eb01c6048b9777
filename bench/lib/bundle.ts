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
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, TMP } from './paths';
import { atMost, type BenchModule, notMeasured, type Result, valueResult } from './result';
import { charsBySource, groupOf } from './sourcemap';

const MODULE = 'bundle';
const OUT = join(TMP, 'dist');
export const JS_BUDGET = 60 * 1024;

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
    'The app built as `npm run build` does (project vite.config.ts) into bench/tmp/dist. First load = what the built index.html requests: entry module(s), modulepreloads and stylesheets, closed over static imports with the Vite build manifest; lazy (dynamic-import) chunks excluded. Each file gzipped with zlib level 9. Precache = the entries of the generated sw.js (raw bytes on disk). Byte sizes: no baseline, single build.',
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
    ];
  },
};

const chunkName = (f: string) => f.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '.js');

function readdirJs(outDir: string): string[] {
  const dir = join(outDir, 'assets');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
}
