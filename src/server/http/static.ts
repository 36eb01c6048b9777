import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env';

/** Files the browser must revalidate on every load so updates reach users. */
const NO_CACHE = new Set(['/', '/index.html', '/sw.js', '/registerSW.js', '/manifest.webmanifest']);
/** Vite's content-hashed output (`assets/index-B2x9QfzA.js`) and Workbox's hashed runtime. */
const HASHED = /^\/assets\/|^\/workbox-[0-9a-f]{8}\.js$/;

/** Cache-Control for a built PWA file. */
export function cacheControlFor(path: string): string {
  if (NO_CACHE.has(path)) return 'no-cache';
  if (HASHED.test(path)) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/**
 * Serve the built PWA from `dir`: real files with their cache policy, and index.html for
 * any other GET navigation (client-side routes such as /unit/123) outside /api.
 */
export function staticSite(dir: string): MiddlewareHandler<AppEnv> {
  const files = serveStatic<AppEnv>({ root: dir });
  const indexPath = join(dir, 'index.html');
  return async (c, next) => {
    if (
      (c.req.method !== 'GET' && c.req.method !== 'HEAD') ||
      c.req.path === '/api' ||
      c.req.path.startsWith('/api/')
    ) {
      return next();
    }
    // Set before serving: serveStatic builds its Response before any onFound hook runs.
    c.header('Cache-Control', cacheControlFor(c.req.path));
    const res = await files(c, async () => {});
    if (res) return res;
    c.header('Cache-Control', undefined);
    const accept = c.req.header('accept') ?? '';
    const lastSegment = c.req.path.split('/').pop() ?? '';
    const isNavigation = accept.includes('text/html') || !lastSegment.includes('.');
    if (isNavigation && existsSync(indexPath)) {
      c.header('Cache-Control', 'no-cache');
      return c.html(readFileSync(indexPath, 'utf8'));
    }
    return next();
  };
}
