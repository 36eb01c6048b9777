import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../../src/server/seed';
import { PG_URL } from '../../helpers/server-context';

/**
 * Two real server processes (`node --import tsx src/server/main.ts`) on one PostgreSQL schema,
 * sharing the evidence and staging directories, spoken to over real HTTP the way a tablet's
 * uploader speaks to them behind a round-robin balancer: the PostgreSQL upload lock that
 * main.ts sets up is what lets one process take over an upload the other was writing, at once
 * when that process is killed with -9.
 */

const ROOT = join(import.meta.dirname, '../../..');

interface Proc {
  proc: ChildProcess;
  port: number;
  output(): string;
}

// PostgreSQL is optional on a developer machine (test/run.mjs sets TELUSUR_PG_URL when a server
// answers; CI requires it): several processes only ever share a PostgreSQL database.
describe.skipIf(!PG_URL)('tus uploads across two real server processes [postgres]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'telusur-two-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  const procs: Proc[] = [];
  let device = '';

  async function start(): Promise<Proc> {
    const url = new URL(PG_URL as string);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: url.toString(),
        DATA_DIR: dir,
        BLOB_DIR: join(dir, 'files'),
        UPLOAD_STAGING_DIR: join(dir, 'staging'),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout?.on('data', (d) => {
      out += String(d);
    });
    proc.stderr?.on('data', (d) => {
      out += String(d);
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        const p = { proc, port: Number(m[1]), output: () => out };
        procs.push(p);
        return p;
      }
      if (proc.exitCode !== null || Date.now() > deadline)
        throw new Error(`server did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const call = (p: Proc, method: string, path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${p.port}${path}`, {
      ...init,
      method,
      headers: {
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        ...(init.headers as Record<string, string>),
      },
    });
  const tusCall = (p: Proc, method: string, path: string, headers = {}, body?: BodyInit) =>
    call(p, method, path, {
      headers: { 'Tus-Resumable': '1.0.0', authorization: `Bearer ${device}`, ...headers },
      ...(body ? { body, duplex: 'half' } : {}),
    } as RequestInit);
  const patch = (p: Proc, path: string, offset: number, body: BodyInit) =>
    tusCall(
      p,
      'PATCH',
      path,
      { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
      body,
    );
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  async function create(p: Proc, bytes: Uint8Array) {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const r = await tusCall(p, 'POST', '/api/files/', {
      'Upload-Length': String(bytes.byteLength),
      'Upload-Metadata': `sha256 ${b64(sha)},filetype ${b64('image/jpeg')}`,
    });
    expect(r.status).toBe(201);
    return r.headers.get('location') as string;
  }
  const photo = (n: number) => {
    const b = new Uint8Array(randomBytes(n));
    b.set([0xff, 0xd8]);
    return b;
  };
  const staged = () => readdirSync(join(dir, 'staging'));

  beforeAll(async () => {
    await admin.query(`CREATE SCHEMA ${schema}`);
    // One after the other: the first migrates and seeds the demo, the second finds it done.
    const a = await start();
    await start();
    const json = { 'content-type': 'application/json' };
    const coordinator = DEMO_ACCOUNTS[0].email;
    const login = await call(a, 'POST', '/api/auth/login', {
      headers: json,
      body: JSON.stringify({ email: coordinator, password: DEMO_PASSWORD }),
    }).then((r) => r.json());
    const auth = { authorization: `Bearer ${login.token}` };
    const verifiers = await call(a, 'GET', '/api/verifiers', { headers: auth }).then((r) =>
      r.json(),
    );
    const verifier = (verifiers.verifiers ?? verifiers)[0];
    const code = await call(a, 'POST', `/api/verifiers/${verifier.id}/enrolments`, {
      headers: auth,
    }).then((r) => r.json());
    const enrolled = await call(a, 'POST', '/api/devices/enrol', {
      headers: json,
      body: JSON.stringify({ code: code.code, label: 'Tablet dua proses' }),
    }).then((r) => r.json());
    device = enrolled.token;
  }, 120_000);
  afterAll(async () => {
    for (const p of procs)
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGTERM');
    await Promise.all(
      procs.map((p) =>
        p.proc.exitCode !== null || p.proc.signalCode !== null
          ? null
          : new Promise((r) => p.proc.once('exit', r)),
      ),
    );
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('each process keeps its own lock connection, named for operators', async () => {
    const { rows } = await admin.query<{ name: string }>(
      "SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE 'telusur-%-tus-locks'",
    );
    for (const p of procs)
      expect(rows.map((r) => r.name)).toContain(`telusur-${p.proc.pid}-tus-locks`);
  });

  it('begins an upload on one process and finishes it on the other; nothing stays in staging', async () => {
    const [a, b] = procs as [Proc, Proc];
    const bytes = photo(200 * 1024);
    const location = await create(a, bytes);
    expect((await patch(a, location, 0, bytes.slice(0, 80 * 1024))).status).toBe(204);
    const head = await tusCall(b, 'HEAD', location);
    expect(head.headers.get('upload-offset')).toBe(String(80 * 1024));
    const done = await patch(b, location, 80 * 1024, bytes.slice(80 * 1024));
    expect([done.status, done.headers.get('upload-offset')]).toEqual([204, String(200 * 1024)]);
    const after = await tusCall(a, 'HEAD', location);
    expect([after.status, after.headers.get('upload-offset')]).toEqual([200, String(200 * 1024)]);
    expect(staged()).toEqual([]);
  });

  it('takes over at once an upload whose process was killed with -9 mid-PATCH', async () => {
    const [a, b] = procs as [Proc, Proc];
    const bytes = photo(256 * 1024);
    const location = await create(a, bytes);
    // A PATCH on process a that stalls after 64 KiB; then process a is killed.
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        feed = c;
      },
    });
    feed.enqueue(bytes.slice(0, 64 * 1024));
    const stalled = patch(a, location, 0, body).catch(() => null);
    // Watched on disk (a HEAD would ask process a to let go, which is not what is tested).
    const id = location.split('/').pop() as string;
    await expect
      .poll(() => statSync(join(dir, 'staging', id)).size, { timeout: 10_000 })
      .toBe(64 * 1024);
    a.proc.kill('SIGKILL');
    await stalled;
    const t0 = Date.now();
    const head = await tusCall(b, 'HEAD', location);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(64 * 1024);
    const done = await patch(b, location, offset, bytes.slice(offset));
    expect(done.status).toBe(204);
    // No lock lifetime to wait out, no release to ask for: the lock died with process a's
    // connection (a holder that is alive takes tus's 3 s drain to let go).
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(staged()).toEqual([]);
  }, 30_000);
});
