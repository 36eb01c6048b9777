#!/usr/bin/env node
// `npm test`: decides which suites this machine can run, then runs Vitest once.
// - PostgreSQL suite: needs a server at TELUSUR_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
// - e2e suite: needs Chromium at CHROMIUM_PATH (default /usr/bin/chromium).
// - WebKit lane (test/webkit/): needs WebKitGTK's WebDriver at WEBKIT_WEBDRIVER_PATH (default
//   /usr/bin/WebKitWebDriver) and Xvfb to give it a display.
// On a developer machine a missing one is skipped with a one-line notice; in CI (CI=true)
// a missing one fails the run, because CI must prove them all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tcpReachable } from './helpers/tcp-reachable.mjs';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const pgUrl = process.env.TELUSUR_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const webkitDriver = process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';

/** The first `name` on PATH, or null. */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

const env = { ...process.env };
const problems = [];

if (await tcpReachable(pgUrl)) {
  env.TELUSUR_PG_URL = pgUrl;
} else if (ci) {
  problems.push(`PostgreSQL is not reachable at ${pgUrl} (CI requires it)`);
} else {
  console.log(
    `notice: PostgreSQL suite skipped — install and start PostgreSQL (or set TELUSUR_PG_URL) to run it`,
  );
}

if (existsSync(chromium)) {
  env.TELUSUR_E2E = '1';
  env.CHROMIUM_PATH = chromium;
} else if (ci) {
  problems.push(`Chromium not found at ${chromium} (CI requires it)`);
} else {
  console.log(
    `notice: e2e suite skipped — install Chromium (apt-get install chromium) or set CHROMIUM_PATH to run it`,
  );
}

const xvfb = process.env.XVFB_PATH ?? onPath('Xvfb');
if (existsSync(webkitDriver) && xvfb && existsSync(xvfb)) {
  env.TELUSUR_WEBKIT = '1';
  env.WEBKIT_WEBDRIVER_PATH = webkitDriver;
  env.XVFB_PATH = xvfb;
} else if (ci) {
  problems.push(
    `WebKitWebDriver (${webkitDriver}) or Xvfb not found (CI requires them: apt-get install webkit2gtk-driver xvfb)`,
  );
} else {
  console.log(
    `notice: WebKit e2e lane skipped — install WebKitGTK's WebDriver and Xvfb (apt-get install webkit2gtk-driver xvfb) to run it`,
  );
}

if (problems.length) {
  for (const p of problems) console.error(`error: ${p}`);
  process.exit(1);
}

if (env.TELUSUR_E2E === '1' || env.TELUSUR_WEBKIT === '1') {
  // Both browser lanes run against the production build (real service worker), so build first.
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

mkdirSync('test-results', { recursive: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  '--outputFile.json=test-results/vitest.json',
  ...process.argv.slice(2),
];
const run = spawnSync('npx', args, { stdio: 'inherit', env });

try {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
} catch {
  // No JSON report: Vitest itself failed to start; its own output says why.
}
process.exit(run.status ?? 1);
