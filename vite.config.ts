import preact from '@preact/preset-vite';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

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

// One config for the PWA build and for Vitest, so tests resolve modules as the app does.
export default defineConfig({
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
  },
});
