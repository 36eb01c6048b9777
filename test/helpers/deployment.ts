import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../src/core';

/**
 * A stand-in production deployment in a temp folder, as an IT person gets it from `npm ci
 * --omit=dev && npm run build` (so the developer's build/ and dist/ are left alone):
 * package.json, node_modules holding only the runtime dependencies (links to the repository's,
 * every devDependency left out), dist/ (a tiny page, or the real PWA build) and build/server/
 * from `vite build --mode server` with TELUSUR_SERVER_OUT. Children run with plain `node`.
 */

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The npm scripts' launcher (src/server/launch.mjs). */
export const LAUNCHER = join(REPO, 'src/server/launch.mjs');

export interface Finished {
  code: number | null;
  out: string;
  err: string;
}

export interface Server {
  proc: ChildProcess;
  url: string;
  output(): string;
}

export interface Deployment {
  /** The deployment folder (package.json, node_modules, dist/, build/server/). */
  home: string;
  /** build/server inside it. */
  out: string;
  /** A fresh empty folder for data, working directories, archives. */
  freshDir(prefix: string): string;
  /** Remove everything this deployment wrote. */
  cleanup(): void;
}

/** How dist/ is filled: a tiny page holding `marker`, or the real PWA (`vite build`). */
export type PwaBuild = { kind: 'tiny'; marker: string } | { kind: 'full' };

function vite(args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(
    process.execPath,
    [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', ...args, '--logLevel', 'warn'],
    { cwd: REPO, env, encoding: 'utf8' },
  );
  if (r.status !== 0)
    throw new Error(`vite build ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/**
 * Build a stand-in deployment (takes a few seconds for the server, ~30 s more for the full PWA).
 * @throws Error with the build's output when a build fails.
 */
export function createDeployment(pwa: PwaBuild): Deployment {
  const home = mkdtempSync(join(tmpdir(), 'telusur-deploy-'));
  const scratch = mkdtempSync(join(tmpdir(), 'telusur-deploy-scratch-'));
  const out = join(home, 'build/server');
  writeFileSync(
    join(home, 'package.json'),
    JSON.stringify({ name: 'telusur', version: PKG.version, private: true, type: 'module' }),
  );
  linkRuntimeModules(join(REPO, 'node_modules'), join(home, 'node_modules'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_ENV;
  if (pwa.kind === 'tiny') {
    mkdirSync(join(home, 'dist'));
    writeFileSync(
      join(home, 'dist/index.html'),
      `<!doctype html><title>Telusur</title><p>${pwa.marker}</p>`,
    );
  } else {
    vite(['--outDir', join(home, 'dist'), '--emptyOutDir'], env);
  }
  vite(['--mode', 'server'], { ...env, TELUSUR_SERVER_OUT: out });
  return {
    home,
    out,
    freshDir: (prefix) => mkdtempSync(join(scratch, `${prefix}-`)),
    cleanup() {
      rmSync(home, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** node_modules as a production install has it: every package but the devDependencies. */
function linkRuntimeModules(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const dev = new Set(Object.keys(PKG.devDependencies));
  for (const name of readdirSync(from)) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      for (const sub of readdirSync(join(from, name))) {
        if (dev.has(`${name}/${sub}`)) continue;
        mkdirSync(join(to, name), { recursive: true });
        symlinkSync(join(from, name, sub), join(to, name, sub), 'dir');
      }
    } else if (!dev.has(name)) {
      symlinkSync(join(from, name), join(to, name), 'dir');
    }
  }
}

/** The environment of a child: nothing inherited that could load TypeScript or pick a database. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'NODE_OPTIONS',
    'NODE_ENV',
    'DATABASE_URL',
    'DATA_DIR',
    'BLOB_DIR',
    'STATIC_DIR',
    'TELUSUR_SERVER_OUT',
    'TELUSUR_ADMIN_PASSWORD',
  ])
    delete env[name];
  return { ...env, PORT: '0', HOST: '127.0.0.1', ...extra };
}

/**
 * Run a command to its end in `cwd` (stdin closed, as in a script). With `timeoutMs`, a
 * command still running then is killed and the promise rejects with its output, so a test
 * that expects a process to exit on its own leaves none behind.
 */
export function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs?: number,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${args.join(' ')} did not exit:\n${stdout}\n${stderr}`));
          }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: stdout, err: stderr });
    });
    child.stdin.end();
  });
}

/** Start a server process in `cwd` and resolve once it logs the port it listens on. */
export async function startServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<Server> {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: 'pipe' });
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += String(d);
      const m = /listening on http:\/\/localhost:(\d+)/.exec(text);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.on('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${text}`)),
    );
  });
  return { proc, url, output: () => text };
}

/** SIGTERM, then the exit status. */
export async function stop(server: Server): Promise<number | null> {
  if (server.proc.exitCode !== null) return server.proc.exitCode;
  const exited = once(server.proc, 'exit');
  server.proc.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

/** POST /api/auth/login over HTTP: status and body (`token`, `account`). */
export async function login(url: string, email: string, password: string) {
  const r = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
    body: JSON.stringify({ email, password }),
  });
  return { status: r.status, body: await r.json() };
}
