import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import type { Plugin, UserConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';
import { serverSourceHash } from './src/server/source-hash.mjs';

const ROOT = fileURLToPath(new URL('.', import.meta.url));

/**
 * In the browser build, relative imports of `src/core` resolve to core without the built-in
 * instrument re-exports, so its 120 KB of criteria text never rides in the first load; the
 * app imports src/core/frameworks lazily where it needs it (training mode, no synced copy).
 * Build only: tests and the server use the full core.
 */
function coreWithoutInstrument(): Plugin {
  return {
    name: 'telusur-core-without-instrument',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || importer.includes('node_modules') || !source.startsWith('.')) return null;
      if (!/(^|\/)core(\/index(\.ts)?)?$/.test(source)) return null;
      return this.resolve(
        source.replace(/\/core(\/index(\.ts)?)?$/, '/core/index.browser.ts'),
        importer,
        {
          skipSelf: true,
        },
      );
    },
  };
}

/**
 * `build-info.json` next to the server build's entries: the package version, the entries it
 * was built from and the fingerprint of the sources compiled (`sourceHash`,
 * src/server/source-hash.mjs). src/server/launch.mjs refuses a build of another version or of
 * other sources in production, and the build refuses to empty a folder without one.
 */
function serverBuildInfo(pkg: { name: string; version: string }, entries: string[]): Plugin {
  return {
    name: 'telusur-server-build-info',
    apply: 'build',
    generateBundle() {
      const info = {
        name: pkg.name,
        version: pkg.version,
        entries,
        sourceHash: serverSourceHash(ROOT),
      };
      this.emitFile({
        type: 'asset',
        fileName: 'build-info.json',
        source: `${JSON.stringify(info, null, 2)}\n`,
      });
    },
  };
}

/**
 * `vite build --mode server`: the Node server compiled to plain ESM, so production runs no
 * TypeScript loader. Entries are src/server/main.ts and every src/server/*-cli.ts (found here,
 * so a new command needs no change to the build), written as `<name>.mjs` to
 * TELUSUR_SERVER_OUT (relative to the repository; default `build/server`, gitignored) with
 * shared code under `chunks/`. Every bare import (node_modules, `node:` builtins) stays an
 * import: native better-sqlite3 and the optional, dynamically imported `@tus/s3-store` load at
 * run time from node_modules, so everything the server imports must be in `dependencies`.
 * The PWA plugins are left out: the server needs the full core (built-in instruments too).
 */
function serverConfig(): UserConfig {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const outDir = resolve(ROOT, process.env.TELUSUR_SERVER_OUT || 'build/server');
  // The build empties its folder first: never one that holds anything but an earlier build.
  if (
    existsSync(outDir) &&
    readdirSync(outDir).length > 0 &&
    !existsSync(join(outDir, 'build-info.json'))
  )
    throw new Error(
      `${outDir} is not empty and holds no server build (no build-info.json): refusing to empty it; choose another TELUSUR_SERVER_OUT`,
    );
  const serverDir = join(ROOT, 'src/server');
  const input: Record<string, string> = { main: join(serverDir, 'main.ts') };
  for (const file of readdirSync(serverDir).sort()) {
    if (file.endsWith('-cli.ts')) input[file.slice(0, -'.ts'.length)] = join(serverDir, file);
  }
  return {
    publicDir: false,
    // runtime.ts reports this as the running version (a build copied without its package.json
    // still knows what it is).
    define: { __TELUSUR_BUILD_VERSION__: JSON.stringify(pkg.version) },
    ssr: { external: true, target: 'node' },
    plugins: [serverBuildInfo(pkg, Object.keys(input))],
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      copyPublicDir: false,
      target: 'node20',
      minify: false,
      sourcemap: true,
      reportCompressedSize: false,
      rolldownOptions: {
        input,
        // A bare specifier is a package or a builtin: never bundled (see above).
        external: (id: string) => !id.startsWith('.') && !id.startsWith('\0') && !isAbsolute(id),
        output: {
          format: 'esm',
          entryFileNames: '[name].mjs',
          chunkFileNames: 'chunks/[name]-[hash].mjs',
        },
      },
    },
  };
}

// One config for the PWA build and for Vitest, so tests resolve modules as the app does;
// `--mode server` builds the server instead (serverConfig).
const appConfig: UserConfig = {
  plugins: [
    coreWithoutInstrument(),
    preact(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg', 'icons/*.png'],
      manifest: {
        name: 'Telusur — Verifikasi SPBE',
        short_name: 'Telusur',
        description:
          'Aplikasi verifikasi lapangan evaluasi SPBE yang tetap bekerja tanpa internet.',
        lang: 'id',
        theme_color: '#0f4c5c',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // Coordinator pages (src/coordinator, one lazy chunk named after its folder) are
        // online-only: tablets must not download them into the precache.
        globIgnores: ['**/coordinator-*'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/files\//],
        cleanupOutdatedCaches: true,
        // Take control on the very first visit, so the app works offline without a second load.
        clientsClaim: true,
      },
    }),
  ],
  build: { target: 'es2020', sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (CPUs − 1) runs ONE file at a time on a 2-core machine (CI ≈ 30 min,
    // most of it waiting on browsers, PostgreSQL and child servers). TELUSUR_TEST_WORKERS=2
    // runs two at once; not the default: measured, it saves ≈ 10 % (the machine is CPU-bound)
    // and stretches process-heavy tests towards their timeouts (CONTRIBUTING.md).
    maxWorkers: Number(process.env.TELUSUR_TEST_WORKERS) || undefined,
  },
};

export default defineConfig(({ mode }) => (mode === 'server' ? serverConfig() : appConfig));
