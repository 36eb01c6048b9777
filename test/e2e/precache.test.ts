import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Tablets install the service worker's precache over whatever connection a kelurahan office
// has, and keep it for days offline. The coordinator's pages are online-only: if one of their
// chunks (or coordinator code bundled into a shared chunk) entered the precache, every tablet
// would download and store it for nothing. This reads the production build that the e2e run
// makes (test/run.mjs builds dist/ first), so it needs the same switch as the browser suites.
const DIST = join(process.cwd(), 'dist');

/** The URLs workbox will precache, as written into dist/sw.js by vite-plugin-pwa. */
function precachedUrls(): string[] {
  const sw = readFileSync(join(DIST, 'sw.js'), 'utf8');
  return [...sw.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1] as string);
}

/** Source files bundled into one built chunk, from its source map. */
function sourcesOf(chunk: string): string[] {
  const map = join(DIST, `${chunk}.map`);
  if (!existsSync(map)) return [];
  return (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources;
}

describe.skipIf(process.env.TELUSUR_E2E !== '1')('service worker precache', () => {
  it('holds the tablet app but no coordinator chunk and no coordinator code', () => {
    const assets = readdirSync(join(DIST, 'assets'));
    // The check below is only meaningful if the build really has a coordinator chunk.
    expect(assets.some((f) => /^coordinator-.*\.js$/.test(f))).toBe(true);

    const urls = precachedUrls();
    expect(urls).toContain('index.html');
    expect(urls.some((u) => /^assets\/index-.*\.js$/.test(u))).toBe(true);
    expect(urls.filter((u) => u.includes('coordinator'))).toEqual([]);

    const leaked = urls
      .filter((u) => u.endsWith('.js'))
      .flatMap((u) => sourcesOf(u).map((s) => `${u}: ${s}`))
      .filter((s) => /src\/coordinator\/|src\/core\/api\//.test(s));
    expect(leaked).toEqual([]);
  });
});
