import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../../src/server/seed';
import { serverSourceHash } from '../../../src/server/source-hash.mjs';
import {
  childEnv,
  createDeployment,
  type Deployment,
  type Finished,
  LAUNCHER,
  login,
  PKG,
  REPO,
  run as runIn,
  type Server,
  startServer as startServerIn,
  stop,
} from '../../helpers/deployment';
import { PG_URL } from '../../helpers/server-context';

// What an IT person gets from `npm run build` and `NODE_ENV=production npm start`: the server
// compiled to plain JavaScript, run by plain `node` with no TypeScript loader and no dev
// dependency, on an empty database that it never fills with the demo; the admin command
// compiled alongside it; and src/server/launch.mjs, which the npm scripts use, refusing a
// missing or stale build in one line instead of building in production.
//
// The build goes into a stand-in deployment in a temp folder (so the developer's build/ is
// left alone): package.json, node_modules holding only the runtime dependencies (links to the
// repository's, every devDependency left out, as `npm ci --omit=dev` would), dist/ with a
// tiny PWA, and build/server/ from `vite build --mode server` with TELUSUR_SERVER_OUT.

const PWA_MARKER = 'telusur-production-build-test-pwa';
const ADMIN_PASSWORD = 'kata-sandi-produksi-1';

let deployment: Deployment;
let out = '';

beforeAll(() => {
  deployment = createDeployment({ kind: 'tiny', marker: PWA_MARKER });
  out = deployment.out;
}, 120_000);

afterAll(() => deployment?.cleanup());

/** A fresh empty folder under the scratch folder. */
function freshDir(prefix: string): string {
  return deployment.freshDir(prefix);
}

/** Run a command to its end, from a folder outside the repository. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  return runIn(args, env, freshDir('cwd'));
}

/** Start a server process from a folder outside the repository. */
function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<Server> {
  return startServerIn(args, env, freshDir('cwd'));
}

/** Every file the build wrote that node would load. */
function bundleFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (/\.(m|c)?js$/.test(e.name)) files.push(join(dir, e.name));
    }
  };
  walk(out);
  return files;
}

/** Module specifiers of static imports/re-exports and of literal dynamic imports. */
function importedSpecifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1] as string);
  return found;
}

describe('the compiled server bundle', () => {
  it('has main and every *-cli command of src/server as entries, built from this version', () => {
    const info = JSON.parse(readFileSync(join(out, 'build-info.json'), 'utf8'));
    const clis = readdirSync(join(REPO, 'src/server'))
      .filter((f) => f.endsWith('-cli.ts'))
      .map((f) => f.slice(0, -3));
    expect(clis).toContain('admin-cli');
    expect(info.version).toBe(PKG.version);
    expect(info.sourceHash).toBe(serverSourceHash(REPO));
    expect([...info.entries].sort()).toEqual(['main', ...clis].sort());
    for (const entry of info.entries) expect(existsSync(join(out, `${entry}.mjs`))).toBe(true);
  });

  it('imports no TypeScript and no package outside "dependencies"', () => {
    const builtins = new Set(builtinModules);
    const packages = new Set<string>();
    const relative: string[] = [];
    for (const file of bundleFiles()) {
      const code = readFileSync(file, 'utf8');
      for (const spec of importedSpecifiers(code)) {
        if (spec.startsWith('.')) relative.push(spec);
        else if (!spec.startsWith('node:') && !builtins.has(spec))
          packages.add(
            spec.startsWith('@')
              ? spec.split('/').slice(0, 2).join('/')
              : (spec.split('/')[0] as string),
          );
      }
      expect(code).not.toMatch(/["']tsx(\/[^"']*)?["']/);
    }
    // The scan saw the real imports (a broken pattern would find nothing and prove nothing).
    expect(packages).toContain('better-sqlite3');
    expect(relative.length).toBeGreaterThan(0);
    expect(relative.filter((s) => /\.(c|m)?tsx?$/.test(s))).toEqual([]);
    expect([...packages].filter((p) => !(p in PKG.dependencies))).toEqual([]);
    // The optional S3 staging store stays a run-time import of a name, never bundled or required.
    expect(packages).not.toContain('@tus/s3-store');
  });
});

interface Dialect {
  name: 'sqlite' | 'postgres';
  /** Database settings for the server and the admin command. */
  env(): Record<string, string>;
}

function productionScenario(dialect: Dialect): void {
  let server: Server;
  let serverEnv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    serverEnv = childEnv({ NODE_ENV: 'production', ...dialect.env() });
    server = await startServer([join(out, 'main.mjs')], serverEnv);
  });
  afterAll(async () => {
    if (server) await stop(server);
  });

  it('starts with plain node on an empty database and answers /api/health', async () => {
    const r = await fetch(`${server.url}/api/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      ok: true,
      db: 'ok',
      dialect: dialect.name,
      version: PKG.version,
    });
  });

  it('serves the PWA from dist/ next to the build, wherever it is started from', async () => {
    const r = await fetch(`${server.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain(PWA_MARKER);
  });

  it('seeds no demo: demo accounts cannot log in, and the log names the admin command', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const r = await login(server.url, account.email, DEMO_PASSWORD);
      expect(r.status).toBe(401);
    }
    expect(server.output()).not.toMatch(/demo seeded/);
    expect(server.output()).toMatch(/npm run admin -- create-coordinator/);
  });

  it('the compiled admin command (through the launcher) makes a coordinator who logs in over HTTP', async () => {
    const email = `kominfo-${dialect.name}@pemda.go.id`;
    const r = await run(
      [LAUNCHER, 'admin-cli', 'create-coordinator', '--email', email, '--name', 'Koordinator'],
      { ...serverEnv, TELUSUR_SERVER_OUT: out, TELUSUR_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/coordinator created/);
    const session = await login(server.url, email, ADMIN_PASSWORD);
    expect(session.status).toBe(200);
    expect(session.body.account).toMatchObject({ email, role: 'coordinator' });
    const me = await fetch(`${server.url}/api/me`, {
      headers: {
        authorization: `Bearer ${session.body.token}`,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      },
    });
    expect(me.status).toBe(200);
  });

  it('stops on SIGTERM with exit status 0', async () => {
    expect(await stop(server)).toBe(0);
    expect(server.output()).toMatch(
      /"signal":"SIGTERM".*shutting down: refusing new connections, finishing open requests/,
    );
  });
}

describe('NODE_ENV=production on the compiled server [sqlite]', { timeout: 60_000 }, () => {
  let dataDir = '';
  productionScenario({
    name: 'sqlite',
    env() {
      dataDir ||= freshDir('data');
      return { DATA_DIR: dataDir };
    },
  });
});

describe.skipIf(!PG_URL)(
  'NODE_ENV=production on the compiled server [postgres]',
  {
    timeout: 60_000,
  },
  () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    let admin: pg.Pool;
    beforeAll(async () => {
      admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
      await admin.query(`CREATE SCHEMA ${schema}`);
    });
    afterAll(async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });
    productionScenario({
      name: 'postgres',
      env() {
        const url = new URL(PG_URL as string);
        url.searchParams.set('options', `-c search_path=${schema}`);
        // DATA_DIR still holds evidence files; the database is PostgreSQL.
        return { DATABASE_URL: url.toString(), DATA_DIR: freshDir('pgdata') };
      },
    });
  },
);

describe('the launcher (src/server/launch.mjs)', { timeout: 60_000 }, () => {
  function expectOneLine(r: Finished, pattern: RegExp) {
    expect(r.code).not.toBe(0);
    expect(r.out).toBe('');
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  }

  it('with NODE_ENV=production and no build: one line asking for `npm run build`, builds nothing', async () => {
    const empty = freshDir('no-build');
    const dataDir = freshDir('data');
    const r = await run(
      [LAUNCHER, 'main'],
      childEnv({ NODE_ENV: 'production', TELUSUR_SERVER_OUT: empty, DATA_DIR: dataDir }),
    );
    expectOneLine(r, /no server build in .*run `npm run build`/);
    expect(readdirSync(empty)).toEqual([]);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a build of another version, and never runs it', async () => {
    const stale = freshDir('stale');
    writeFileSync(
      join(stale, 'build-info.json'),
      JSON.stringify({ name: 'telusur', version: '0.0.0-old', entries: ['main', 'admin-cli'] }),
    );
    writeFileSync(join(stale, 'admin-cli.mjs'), "console.log('STALE BUILD RAN');\n");
    const r = await run(
      [LAUNCHER, 'admin-cli', 'list-accounts'],
      childEnv({ NODE_ENV: 'production', TELUSUR_SERVER_OUT: stale, DATA_DIR: freshDir('data') }),
    );
    expectOneLine(r, /version 0\.0\.0-old.*run `npm run build`/);

    // Without NODE_ENV=production a command runs from source, never from a (stale) build.
    const dev = await run(
      [LAUNCHER, 'admin-cli', 'list-accounts'],
      childEnv({ TELUSUR_SERVER_OUT: stale, DATA_DIR: freshDir('data') }),
    );
    expect(dev.out).not.toContain('STALE BUILD RAN');
    expect(dev.out).toMatch(/no accounts yet/);
    expect(dev.code).toBe(0);
  });

  it('refuses a build of this version compiled from other sources (git pull without a build)', async () => {
    const old = freshDir('old-sources');
    writeFileSync(
      join(old, 'build-info.json'),
      JSON.stringify({
        name: 'telusur',
        version: PKG.version,
        entries: ['main', 'admin-cli'],
        // What an earlier checkout's sources hashed to.
        sourceHash: createHash('sha256').update('an earlier checkout').digest('hex'),
      }),
    );
    writeFileSync(join(old, 'admin-cli.mjs'), "console.log('OLD BUILD RAN');\n");
    const r = await run(
      [LAUNCHER, 'admin-cli', 'list-accounts'],
      childEnv({ NODE_ENV: 'production', TELUSUR_SERVER_OUT: old, DATA_DIR: freshDir('data') }),
    );
    expectOneLine(
      r,
      /compiled from other sources than src\/server and src\/core.*run `npm run build`/,
    );
    expect(r.out).not.toContain('OLD BUILD RAN');
  });

  it('a setting the server cannot use stops it in one line naming it, before anything is created', async () => {
    for (const [name, value] of [
      ['LOG_LEVEL', 'verbose'],
      ['SHUTDOWN_GRACE_MS', 'abc'],
      ['PORT', 'abc'],
    ] as const) {
      const dataDir = join(freshDir('bad-setting'), 'data');
      const r = await run(
        [LAUNCHER, 'main'],
        childEnv({
          NODE_ENV: 'production',
          TELUSUR_SERVER_OUT: out,
          DATA_DIR: dataDir,
          [name]: value,
        }),
      );
      expectOneLine(r, new RegExp(`^\\[telusur\\] ${name} .*"${value}"`));
      expect(existsSync(dataDir)).toBe(false);
    }
  });

  it('names an entry that does not exist in one line', async () => {
    for (const nodeEnv of [{ NODE_ENV: 'production' }, {}] as Record<string, string>[]) {
      const r = await run(
        [LAUNCHER, 'nothing-cli'],
        childEnv({ ...nodeEnv, TELUSUR_SERVER_OUT: out, DATA_DIR: freshDir('data') }),
      );
      expectOneLine(r, /unknown entry "nothing-cli"/);
    }
  });

  it("passes arguments through and exits with the command's own status", async () => {
    const r = await run(
      [LAUNCHER, 'admin-cli', 'drop-database'],
      childEnv({ NODE_ENV: 'production', TELUSUR_SERVER_OUT: out, DATA_DIR: freshDir('data') }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command: drop-database/);
  });

  it('runs the compiled server in its own process: SIGTERM stops it gracefully', async () => {
    const server = await startServer(
      [LAUNCHER, 'main'],
      childEnv({ NODE_ENV: 'production', TELUSUR_SERVER_OUT: out, DATA_DIR: freshDir('data') }),
    );
    try {
      const r = await fetch(`${server.url}/api/health`);
      expect((await r.json()).version).toBe(PKG.version);
    } finally {
      expect(await stop(server)).toBe(0);
    }
    expect(server.output()).toMatch(
      /"signal":"SIGTERM".*shutting down: refusing new connections, finishing open requests/,
    );
  });
});
