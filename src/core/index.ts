/**
 * Public contract of the shared core, used by the tablet (store, sync, app) and the
 * server alike. Changes here are protocol changes: keep them backward compatible or bump
 * PROTOCOL_VERSION.
 *
 * Everything but the built-in instruments lives in index.browser.ts, which the app's build
 * uses so the instrument data stays out of the first load (see vite.config.ts).
 */

// The coordinator API contract (server and coordinator only; see api/index.ts).
export * from './api';
export { builtInFrameworks, findBuiltInFramework, pemdi2026, spbe2020 } from './frameworks';
export * from './index.browser';
