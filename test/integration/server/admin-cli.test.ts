import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/server/admin-cli';
import { resolveConfig } from '../../../src/server/config';
import { type DatabaseHandle, openDatabase } from '../../../src/server/db/connect';
import { Problem } from '../../../src/server/problems';
import { createServices } from '../../../src/server/services';
import { emblemPng } from '../../helpers/images';
import { PG_URL, TEST_CONFIG } from '../../helpers/server-context';

// `npm run admin`: how a Pemda's IT staff make the first coordinator of an empty production
// database, reset a forgotten password, see who has access and set the organisation. SQLite runs the real command
// as a child process (no terminal, like a script); PostgreSQL calls main() in-process on a
// fresh schema, the way the other PostgreSQL suites isolate themselves.

interface RunResult {
  code: number;
  out: string;
  err: string;
}
type Run = (argv: string[], password?: string) => Promise<RunResult>;

const PASSWORD = 'kata-sandi-koordinator-1';
const NEW_PASSWORD = 'kata-sandi-baru-yang-panjang';

/** The scenario both dialects go through; `open` gives a fresh handle on the same database. */
function adminScenario(run: () => Run, open: () => DatabaseHandle): void {
  async function login(email: string, password: string): Promise<string | null> {
    return (await session(email, password))?.role ?? null;
  }

  /** Log in through the auth service; the account's role and bearer token, or null when refused. */
  async function session(
    email: string,
    password: string,
  ): Promise<{ role: string; token: string } | null> {
    const handle = open();
    try {
      const s = createServices({
        db: handle.db,
        clock: Date.now,
        config: resolveConfig(TEST_CONFIG),
      });
      const r = await s.auth.login(email, password, '127.0.0.1');
      return { role: r.account.role, token: r.token };
    } catch (e) {
      if (e instanceof Problem) return null;
      throw e;
    } finally {
      await handle.close();
    }
  }

  async function resolves(token: string): Promise<boolean> {
    const handle = open();
    try {
      const s = createServices({
        db: handle.db,
        clock: Date.now,
        config: resolveConfig(TEST_CONFIG),
      });
      await s.auth.resolve(token);
      return true;
    } catch (e) {
      if (e instanceof Problem) return false;
      throw e;
    } finally {
      await handle.close();
    }
  }

  function expectNoSecret(r: RunResult) {
    const all = r.out + r.err;
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(NEW_PASSWORD);
    expect(all).not.toMatch(/scrypt|\$[0-9a-f]{16,}|tls_|tld_/i);
  }

  function expectOneLineRefusal(r: RunResult, en: RegExp, id: RegExp) {
    expect(r.code).not.toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(en);
    expect(lines[0]).toMatch(id);
    expectNoSecret(r);
  }

  it('lists no accounts on an empty database', async () => {
    const r = await run()(['list-accounts']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/no accounts/);
  });

  it('creates the first coordinator, who can then log in', async () => {
    const r = await run()(
      ['create-coordinator', '--email', 'Kominfo@Pemda.go.id', '--name', 'Koordinator SPBE'],
      PASSWORD,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/coordinator created: kominfo@pemda\.go\.id/);
    expectNoSecret(r);
    expect(await login('kominfo@pemda.go.id', PASSWORD)).toBe('coordinator');
  });

  it('refuses an e-mail that already has an account, in any letter case', async () => {
    const r = await run()(
      ['create-coordinator', '--email', 'KOMINFO@pemda.go.id', '--name', 'Orang Lain'],
      'kata-sandi-orang-lain',
    );
    expectOneLineRefusal(r, /already used/, /sudah dipakai/);
    expect(await login('kominfo@pemda.go.id', 'kata-sandi-orang-lain')).toBeNull();
  });

  it('refuses a password shorter than 12 characters and creates nothing', async () => {
    const r = await run()(
      ['create-coordinator', '--email', 'kedua@pemda.go.id', '--name', 'Kedua'],
      'pendek-11ch',
    );
    expectOneLineRefusal(r, /at least 12/, /minimal 12/);
    const list = await run()(['list-accounts']);
    expect(list.out).not.toContain('kedua@pemda.go.id');
  });

  it('resets a password: the old one and its sessions stop working, the new one works', async () => {
    const before = await session('kominfo@pemda.go.id', PASSWORD);
    expect(before?.role).toBe('coordinator');
    expect(await resolves(before?.token ?? '')).toBe(true);
    const r = await run()(['reset-password', '--email', 'kominfo@pemda.go.id'], NEW_PASSWORD);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/password reset/);
    expectNoSecret(r);
    expect(await login('kominfo@pemda.go.id', PASSWORD)).toBeNull();
    expect(await login('kominfo@pemda.go.id', NEW_PASSWORD)).toBe('coordinator');
    expect(await resolves(before?.token ?? '')).toBe(false);
  });

  it('refuses to reset the password of an unknown e-mail, or to a short one', async () => {
    expectOneLineRefusal(
      await run()(['reset-password', '--email', 'siapa@pemda.go.id'], NEW_PASSWORD),
      /no account/,
      /tidak ada akun/,
    );
    expectOneLineRefusal(
      await run()(['reset-password', '--email', 'kominfo@pemda.go.id'], 'pendek'),
      /at least 12/,
      /minimal 12/,
    );
    expect(await login('kominfo@pemda.go.id', NEW_PASSWORD)).toBe('coordinator');
  });

  it('lists e-mail, name, role and active, never a password or hash', async () => {
    const r = await run()(['list-accounts']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('email\tname\trole\tactive');
    expect(lines.slice(1)).toEqual(['kominfo@pemda.go.id\tKoordinator SPBE\tcoordinator\tyes']);
    expectNoSecret(r);
  });

  it('explains bad arguments in one line and exits non-zero', async () => {
    const cases: [string[], RegExp, RegExp][] = [
      [[], /no command/, /tidak diberikan/],
      [['drop-database'], /unknown command: drop-database/, /tidak dikenal/],
      [['create-coordinator', '--name', 'X'], /--email is required/, /wajib/],
      [['create-coordinator', '--email', 'a@b.id'], /--name is required/, /wajib/],
      [['reset-password', '--email', 'bukan-email'], /not a valid e-mail/, /tidak valid/],
      [['list-accounts', '--email', 'a@b.id'], /does not apply/, /tidak berlaku/],
      [['reset-password', '--email', 'a@b.id', '--force'], /invalid arguments/, /tidak valid/],
    ];
    for (const [argv, en, id] of cases) {
      expectOneLineRefusal(await run()(argv, PASSWORD), en, id);
    }
  });
}

/**
 * The organisation through the CLI, on a database the account scenario already used: set
 * once, shown, and every bad argument refused in one line with exit 2, changing nothing.
 */
function organisationScenario(run: () => Run, files: () => string): void {
  const show = async () => {
    const r = await run()(['show-organisation']);
    expect(r.code).toBe(0);
    return r.out.trim();
  };

  it('shows that no organisation is set yet, and that times are printed in WIB meanwhile', async () => {
    expect(await show()).toMatch(/organisation not set yet; times are printed in WIB/);
  });

  it('sets the organisation with its logo, and shows it', async () => {
    const logo = join(files(), 'logo-makassar.png');
    writeFileSync(logo, emblemPng());
    const r = await run()([
      'set-organisation',
      '--name',
      'Pemerintah Kota Makassar',
      '--kind',
      'kota',
      '--zone',
      'wita',
      '--logo',
      logo,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/organisation set: Pemerintah Kota Makassar \(kota, WITA, logo\)/);
    expect((await show()).split('\n')).toEqual([
      'name\tPemerintah Kota Makassar',
      'kind\tkota',
      'zone\tWITA (Asia/Makassar)',
      `logo\timage/png, ${emblemPng().length} bytes`,
    ]);
  });

  // Fourteen CLI processes, each loading the server's TypeScript through tsx: about 4 s
  // apiece on a busy 2-core machine, more than the suite's 60 s allows (a guard, not a
  // measure of speed: timings are the bench's).
  it('refuses bad arguments in one line, exit 2, and changes nothing', {
    timeout: 180_000,
  }, async () => {
    const before = await show();
    const svg = join(files(), 'logo.png');
    writeFileSync(svg, '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>');
    const big = join(files(), 'besar.png');
    writeFileSync(big, new Uint8Array(300 * 1024));
    const base = ['--name', 'Pemerintah Kota Jayapura', '--kind', 'kota', '--zone', 'WIT'];
    const cases: [string[], RegExp, RegExp][] = [
      [['set-organisation', '--kind', 'kota', '--zone', 'WIT'], /--name is required/, /wajib/],
      [
        ['set-organisation', '--name', ' ', '--kind', 'kota', '--zone', 'WIT'],
        /--name is required/,
        /wajib/,
      ],
      [
        ['set-organisation', '--name', 'Kota\nJayapura', '--kind', 'kota', '--zone', 'WIT'],
        /one line/,
        /satu baris/,
      ],
      [['set-organisation', '--name', 'X', '--zone', 'WIT'], /--kind is required/, /wajib/],
      [
        ['set-organisation', '--name', 'X', '--kind', 'desa', '--zone', 'WIT'],
        /unknown organisation kind: desa/,
        /tidak dikenal/,
      ],
      [['set-organisation', '--name', 'X', '--kind', 'kota'], /--zone is required/, /wajib/],
      [
        ['set-organisation', '--name', 'X', '--kind', 'kota', '--zone', 'WITB'],
        /unknown time zone: WITB/,
        /tidak dikenal/,
      ],
      [
        ['set-organisation', '--name', 'X', '--kind', 'kota', '--zone', 'Asia/Jayapura'],
        /unknown time zone/,
        /tidak dikenal/,
      ],
      [['set-organisation', ...base, '--logo', svg], /must be a PNG or JPEG/, /PNG atau JPEG/],
      [
        ['set-organisation', ...base, '--logo', big],
        /too large \(at most 256 KB\)/,
        /terlalu besar/,
      ],
      [
        ['set-organisation', ...base, '--logo', join(files(), 'tidak-ada.png')],
        /cannot read the logo file/,
        /tidak dapat dibaca/,
      ],
      [['show-organisation', '--name', 'X'], /does not apply/, /tidak berlaku/],
    ];
    for (const [argv, en, id] of cases) {
      const r = await run()(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(en);
      expect(r.err).toMatch(id);
    }
    expect(await show()).toBe(before);
  });

  it('changes name, kind and zone again later, keeping the logo when none is given', async () => {
    const r = await run()([
      'set-organisation',
      '--name',
      'Pemerintah Provinsi Papua',
      '--kind',
      'PROVINSI',
      '--zone',
      'WIT',
    ]);
    expect(r.code, r.err).toBe(0);
    const shown = (await show()).split('\n');
    expect(shown.slice(0, 3)).toEqual([
      'name\tPemerintah Provinsi Papua',
      'kind\tprovinsi',
      'zone\tWIT (Asia/Jayapura)',
    ]);
    expect(shown[3]).toMatch(/^logo\timage\/png/);
  });
}

describe('admin CLI as a process [sqlite]', { timeout: 60_000 }, () => {
  let dataDir = '';
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'telusur-admin-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run: Run = (argv, password) =>
    new Promise((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
      delete env.DATABASE_URL;
      delete env.TELUSUR_ADMIN_PASSWORD;
      if (password !== undefined) env.TELUSUR_ADMIN_PASSWORD = password;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/server/admin-cli.ts', ...argv],
        { env, stdio: ['pipe', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
      child.stdin.end();
    });

  adminScenario(
    () => run,
    () => openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') }),
  );
  organisationScenario(
    () => run,
    () => dataDir,
  );

  it('refuses to ask for a password without a terminal when the variable is unset', async () => {
    const r = await run(['reset-password', '--email', 'kominfo@pemda.go.id']);
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/no terminal.*TELUSUR_ADMIN_PASSWORD/);
  });
});

describe.skipIf(!PG_URL)('admin CLI [postgres]', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  let admin: pg.Pool;
  const open = () => openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  const run: Run = async (argv, password) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      env: password === undefined ? {} : { TELUSUR_ADMIN_PASSWORD: password },
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      readSecret: async () => null,
      open,
      config: TEST_CONFIG,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  adminScenario(() => run, open);
  let files = '';
  beforeAll(() => {
    files = mkdtempSync(join(tmpdir(), 'telusur-admin-files-'));
  });
  afterAll(() => {
    rmSync(files, { recursive: true, force: true });
  });
  organisationScenario(
    () => run,
    () => files,
  );

  it('asks twice on a terminal and refuses two different answers', async () => {
    const answers = [PASSWORD, `${PASSWORD}-x`];
    const err: string[] = [];
    const code = await main(['reset-password', '--email', 'kominfo@pemda.go.id'], {
      env: {},
      out: () => {},
      err: (l) => err.push(l),
      readSecret: async () => answers.shift() ?? null,
      open,
      config: TEST_CONFIG,
    });
    expect(code).not.toBe(0);
    expect(err.join('\n')).toMatch(/the two passwords differ/);
  });
});
