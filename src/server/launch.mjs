#!/usr/bin/env node
// Runs one server entry — `main` (the server) or a `*-cli` command — for the npm scripts
// (`npm start`, `npm run serve|admin|seed|backup|restore`). Plain JavaScript, so it needs no
// TypeScript loader itself.
//
//   node src/server/launch.mjs [--build-first] <entry> [arguments…]
//
// NODE_ENV=production: runs the compiled entry `<build>/<entry>.mjs` and nothing else. It never
//   builds (a production install may lack the dev dependencies) and never loads tsx: a missing
//   build, one compiled from another package version, or one compiled from other sources than
//   the checkout holds (source-hash.mjs) stops it with one line asking for `npm run build`.
// Otherwise: with --build-first (`npm start`, the demo) it runs `npm run build` and then the
//   compiled entry; without it (admin, seed, …) it runs src/server/<entry>.ts through tsx, so a
//   developer or a test never runs a stale build.
//
// The entry is imported into this process (no child), so SIGTERM/SIGINT reach the server's own
// handlers, its exit code is this process's, and a service manager sees one process.
// process.argv is rewritten to [node, <entry file>, …arguments] first, as if node had been
// started on the entry itself. <build> is TELUSUR_SERVER_OUT (relative to the repository;
// default build/server), the folder `vite build --mode server` writes.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SERVER_SOURCE_DIRS, serverSourceHash } from './source-hash.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIR = join(ROOT, 'src/server');
const OUT = resolve(ROOT, process.env.TELUSUR_SERVER_OUT || 'build/server');
const production = process.env.NODE_ENV === 'production';

/** Stop with one line on stderr and exit status 1. */
function fail(message) {
  process.stderr.write(`[telusur] ${message}\n`);
  process.exit(1);
}

/** A path as the operator would type it: relative to the repository when inside it. */
function shown(path) {
  const rel = relative(ROOT, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Parsed JSON of a file, or null when it is missing or unreadable. */
function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

let args = process.argv.slice(2);
const buildFirst = args[0] === '--build-first';
if (buildFirst) args = args.slice(1);
const [entry, ...entryArgs] = args;

if (!entry || !/^[a-z][a-z0-9-]*$/.test(entry))
  fail(
    `usage: node src/server/launch.mjs [--build-first] <entry> [arguments…] (entry: main or a *-cli name, got "${entry ?? ''}")`,
  );

const build = readJson(join(OUT, 'build-info.json'));
const sourceFile = join(SOURCE_DIR, `${entry}.ts`);
const compiledFile = join(OUT, `${entry}.mjs`);
if (!existsSync(sourceFile) && !existsSync(compiledFile)) {
  const known = Array.isArray(build?.entries)
    ? ` (built entries: ${build.entries.join(', ')})`
    : '';
  fail(
    `unknown entry "${entry}": neither ${shown(sourceFile)} nor ${shown(compiledFile)} exists in this version${known}`,
  );
}

if (production) {
  await runCompiled();
} else if (buildFirst) {
  // The demo path (`npm start`): build the PWA and the server, then run what was built.
  const npmCli = process.env.npm_execpath;
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0)
    fail(`\`npm run build\` failed (exit ${result.status ?? result.signal})`);
  await runCompiled();
} else {
  let tsx;
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    fail(
      'tsx is not installed (dev dependencies omitted?): run with NODE_ENV=production to use the build, or run `npm install`',
    );
  }
  tsx.register();
  await runEntry(sourceFile);
}

/** The compiled entry, after checking the build is there and of this package version. */
async function runCompiled() {
  // Read again: `npm start` on a fresh clone has just written the build it runs.
  const build = readJson(join(OUT, 'build-info.json'));
  const pkg = readJson(join(ROOT, 'package.json'));
  if (build === null)
    fail(
      `no server build in ${shown(OUT)}: run \`npm run build\` first${production ? ' (NODE_ENV=production never builds)' : ''}`,
    );
  if (pkg?.version && build.version !== pkg.version)
    fail(
      `the server build in ${shown(OUT)} is version ${build.version}, package.json says ${pkg.version}: run \`npm run build\``,
    );
  if (!existsSync(compiledFile))
    fail(`${shown(compiledFile)} is not in the server build: run \`npm run build\``);
  // Same version, other sources: `git pull` without `npm run build`. Checked where the sources
  // are present (a deployment copied without them has nothing to compare).
  if (
    production &&
    typeof build.sourceHash === 'string' &&
    SERVER_SOURCE_DIRS.every((d) => existsSync(join(ROOT, d))) &&
    serverSourceHash(ROOT) !== build.sourceHash
  )
    fail(
      `the server build in ${shown(OUT)} was compiled from other sources than ${SERVER_SOURCE_DIRS.join(' and ')} hold now (changed since the last build): run \`npm run build\``,
    );
  // Stack traces point into src/ rather than the bundle.
  process.setSourceMapsEnabled(true);
  await runEntry(compiledFile);
}

/** Import `file` as if node had been started on it with the entry's arguments. */
async function runEntry(file) {
  process.argv = [process.argv[0], file, ...entryArgs];
  await import(pathToFileURL(file).href);
}
