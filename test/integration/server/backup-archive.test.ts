import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { Header, Parser } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../../src/server/app';
import { resolveConfig } from '../../../src/server/config';
import { openDatabase } from '../../../src/server/db/connect';
import { migrationNames } from '../../../src/server/db/migrate';
import { BlobStore } from '../../../src/server/lib/blob-store';
import { packageVersion } from '../../../src/server/runtime';
import { createServices } from '../../../src/server/services';
import {
  type CliRun,
  lines,
  listFiles,
  pgUrl,
  runCli,
  scratchDatabase,
  sha256,
} from '../../helpers/ops-cli';
import { PG_URL, TEST_CONFIG } from '../../helpers/server-context';

// The archive `npm run backup` writes, and what `npm run restore` refuses: damaged or
// tampered archives (checked whole before anything is written), non-empty targets, a
// backup of the other database kind, wrong arguments. Real child processes throughout.

interface TarEntry {
  path: string;
  data: Buffer;
  type?: 'File' | 'SymbolicLink' | 'Directory';
  linkpath?: string;
}

/** The entries of a .tar.gz, in order. */
function readTar(file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const parser = new Parser({
    onReadEntry: (e) => {
      const parts: Buffer[] = [];
      e.on('data', (c: Buffer) => parts.push(c));
      e.on('end', () =>
        entries.push({ path: e.path, data: Buffer.concat(parts), type: e.type as 'File' }),
      );
    },
  });
  parser.end(gunzipSync(readFileSync(file)));
  return entries;
}

/** A .tar.gz of exactly these entries (raw headers: paths are written as given). */
function writeTar(file: string, entries: readonly TarEntry[]): void {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'File';
    const h = new Header({
      path: e.path,
      mode: 0o644,
      size: type === 'File' ? e.data.length : 0,
      mtime: new Date(0),
      type,
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (type === 'File') {
      blocks.push(e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  writeFileSync(file, gzipSync(Buffer.concat(blocks)));
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary manifest JSON.
type AnyManifest = any;
const manifestOf = (entries: TarEntry[]): AnyManifest =>
  JSON.parse((entries.find((e) => e.path === 'manifest.json') as TarEntry).data.toString());
const withManifest = (entries: TarEntry[], m: AnyManifest): TarEntry[] =>
  entries.map((e) =>
    e.path === 'manifest.json' ? { ...e, data: Buffer.from(JSON.stringify(m)) } : e,
  );

function expectRefused(r: CliRun, ...mentions: string[]): void {
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(lines(r.err)).toHaveLength(1);
  for (const m of mentions) expect(r.err).toContain(m);
}

const work = mkdtempSync(join(tmpdir(), 'telusur-backup-archive-'));
const dataDir = join(work, 'data');
const blobDir = join(dataDir, 'files');
const archive = join(work, 'telusur.tar.gz');
const env = { DATA_DIR: dataDir };
const evidence = [randomBytes(70_000), randomBytes(1_000), Buffer.from('%PDF-1.4 bukti')];

beforeAll(async () => {
  const h = openDatabase({ sqliteFile: join(dataDir, 'telusur.sqlite') });
  try {
    await prepareDatabase(h.db);
    const s = createServices({ db: h.db, clock: Date.now, config: resolveConfig(TEST_CONFIG) });
    await s.accounts.create({
      email: 'koordinator@arsip.test',
      name: 'Koordinator',
      role: 'coordinator',
      password: 'sandi-rahasia-arsip',
    });
    const blobs = new BlobStore(blobDir);
    for (const b of evidence) {
      await blobs.putBytes(b, sha256(b));
      await h.db
        .insertInto('files')
        .values({
          sha256: sha256(b),
          bytes: b.length,
          mime: 'image/jpeg',
          receivedAt: Date.now(),
          receivedByDevice: null,
        })
        .execute();
    }
  } finally {
    await h.close();
  }
  // Upload staging is not evidence: it stays out of the archive.
  mkdirSync(join(blobDir, 'uploads'), { recursive: true });
  writeFileSync(join(blobDir, 'uploads', `${'a'.repeat(64)}-0123456789abcdef`), 'setengah');
  const r = await runCli('backup', ['--out', archive], env);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
}, 60_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A fresh path under the work folder (absent). */
let n = 0;
const fresh = (name: string) => join(work, `${name}-${++n}`);

describe('the backup archive', () => {
  it('holds a manifest, the database and every evidence file with their sizes and SHA-256', () => {
    const entries = readTar(archive);
    expect(entries.map((e) => e.path)).toEqual([
      'manifest.json',
      'database/telusur.sqlite',
      ...evidence.map((b) => `files/${sha256(b).slice(0, 2)}/${sha256(b)}`).sort(),
    ]);
    const m = manifestOf(entries);
    expect(m).toMatchObject({
      format: 'telusur-backup',
      formatVersion: 1,
      appVersion: packageVersion(),
      dialect: 'sqlite',
      migrations: migrationNames(),
      missingFiles: [],
    });
    expect(Number.isNaN(Date.parse(m.createdAt))).toBe(false);
    for (const e of entries.slice(1))
      expect(m.entries).toContainEqual({
        path: e.path,
        size: e.data.length,
        sha256: sha256(e.data),
      });
    expect(m.entries).toHaveLength(entries.length - 1);
  });

  it('is readable by its owner only (it holds password hashes and every evidence file)', () => {
    expect(statSync(archive).mode & 0o777).toBe(0o600);
  });

  it('is verified whole by restore --check', async () => {
    const r = await runCli('restore', ['--check', archive], {});
    expect(r.code).toBe(0);
    expect(lines(r.out)).toHaveLength(1);
    expect(r.out).toContain('archive intact');
  });

  it('is never written over an existing file without --force, and no partial file is left', async () => {
    const before = readFileSync(archive);
    expectRefused(await runCli('backup', ['--out', archive], env), 'already exists', '--force');
    expect(readFileSync(archive).equals(before)).toBe(true);
    const again = join(work, 'again.tar.gz');
    writeFileSync(again, 'lama');
    const forced = await runCli('backup', ['--out', again, '--force'], env);
    expect(forced.code).toBe(0);
    expect(readTar(again)[0]?.path).toBe('manifest.json');
    // Only the archives: no staging folder or .partial file beside them.
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 30_000);

  it('is refused when there is no database, or the target folder does not exist', async () => {
    const empty = fresh('empty');
    const out = join(work, 'none.tar.gz');
    expectRefused(
      await runCli('backup', ['--out', out], { DATA_DIR: empty }),
      'no SQLite database',
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(empty)).toBe(false);
    expectRefused(
      await runCli('backup', ['--out', join(work, 'no-such-dir', 'x.tar.gz')], env),
      'does not exist',
    );
    expect(readdirSync(work).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 30_000);
});

describe('restore refuses a damaged archive and writes nothing', () => {
  const good = () => readTar(archive);
  const fileEntry = () => good().find((e) => e.path.startsWith('files/')) as TarEntry;

  /** Restore `file` into an absent DATA_DIR: refused, and the DATA_DIR is still absent. */
  async function refused(file: string, ...mentions: string[]): Promise<void> {
    const target = fresh('target');
    expectRefused(await runCli('restore', [file], { DATA_DIR: target }), ...mentions);
    expect(existsSync(target)).toBe(false);
  }

  it('names an evidence entry with a flipped byte, and the database entry', async () => {
    const bad = fresh('flip.tar.gz');
    const victim = fileEntry().path;
    writeTar(
      bad,
      good().map((e) => {
        if (e.path !== victim) return e;
        const data = Buffer.from(e.data);
        data[data.length >> 1] = (data[data.length >> 1] as number) ^ 0x01;
        return { ...e, data };
      }),
    );
    const badDb = fresh('flipdb.tar.gz');
    writeTar(
      badDb,
      good().map((e) => {
        if (e.path !== 'database/telusur.sqlite') return e;
        const data = Buffer.from(e.data);
        data[4096] = (data[4096] as number) ^ 0x80;
        return { ...e, data };
      }),
    );
    await Promise.all([
      refused(bad, victim, 'SHA-256'),
      refused(badDb, 'database/telusur.sqlite', 'SHA-256'),
    ]);
  }, 30_000);

  it('refuses a truncated archive, a flipped byte in the compressed stream, and a file that is no archive', async () => {
    const bytes = readFileSync(archive);
    const cut = fresh('cut.tar.gz');
    writeFileSync(cut, bytes.subarray(0, bytes.length >> 1));
    const flipped = fresh('gz.tar.gz');
    const g = Buffer.from(bytes);
    g[g.length >> 1] = (g[g.length >> 1] as number) ^ 0xff;
    writeFileSync(flipped, g);
    const noise = fresh('noise.tar.gz');
    writeFileSync(noise, randomBytes(4096));
    await Promise.all([
      refused(cut, 'truncated'),
      refused(flipped, 'archive'),
      refused(noise, 'archive'),
      refused(fresh('absent.tar.gz'), 'not found'),
    ]);
  }, 30_000);

  it('refuses a tampered manifest: a wrong size, an entry it does not list, bad JSON, none at all', async () => {
    const victim = fileEntry().path;
    const size = fresh('size.tar.gz');
    const m1 = manifestOf(good());
    for (const e of m1.entries) if (e.path === victim) e.size += 1;
    writeTar(size, withManifest(good(), m1));
    const unlisted = fresh('unlisted.tar.gz');
    const m2 = manifestOf(good());
    m2.entries = m2.entries.filter((e: { path: string }) => e.path !== victim);
    writeTar(unlisted, withManifest(good(), m2));
    const missing = fresh('missing.tar.gz');
    writeTar(
      missing,
      good().filter((e) => e.path !== victim),
    );
    const json = fresh('json.tar.gz');
    writeTar(
      json,
      good().map((e) =>
        e.path === 'manifest.json' ? { ...e, data: Buffer.from('{"format":') } : e,
      ),
    );
    const none = fresh('none.tar.gz');
    writeTar(
      none,
      good().filter((e) => e.path !== 'manifest.json'),
    );
    const newer = fresh('format.tar.gz');
    writeTar(newer, withManifest(good(), { ...manifestOf(good()), formatVersion: 2 }));
    await Promise.all([
      refused(size, victim, 'size'),
      refused(unlisted, victim, 'not listed'),
      refused(missing, victim, 'missing'),
      refused(json, 'manifest.json', 'not JSON'),
      refused(none, 'manifest.json missing'),
      refused(newer, 'format version 2'),
    ]);
  }, 30_000);

  it('removes what it wrote when the database inside a well-formed archive is damaged', async () => {
    // The manifest agrees with the bytes (as if the copy had been bad when archived), so only
    // the integrity check after the files are written catches it.
    const broken = fresh('broken-db.tar.gz');
    const junk = Buffer.alloc(8192, 7);
    const m = manifestOf(good());
    for (const e of m.entries)
      if (e.path === 'database/telusur.sqlite')
        Object.assign(e, { size: junk.length, sha256: sha256(junk) });
    writeTar(
      broken,
      withManifest(good(), m).map((e) =>
        e.path === 'database/telusur.sqlite' ? { ...e, data: junk } : e,
      ),
    );
    const data = fresh('empty-data');
    mkdirSync(data);
    const blobs = fresh('blobs');
    expectRefused(
      await runCli('restore', [broken], { DATA_DIR: data, BLOB_DIR: blobs }),
      'not a database',
    );
    expect(readdirSync(data)).toEqual([]);
    expect(existsSync(blobs)).toBe(false);
  }, 30_000);

  it('refuses an entry that would land outside the target, a link, and an unknown entry', async () => {
    const outside = join(work, 'evil.txt');
    const traversal = fresh('traversal.tar.gz');
    const evil = { path: '../evil.txt', data: Buffer.from('jahat') };
    const m = manifestOf(good());
    m.entries.push({ path: evil.path, size: evil.data.length, sha256: sha256(evil.data) });
    writeTar(traversal, [...withManifest(good(), m), evil]);
    const nested = fresh('nested.tar.gz');
    writeTar(nested, [...good(), { path: 'files/../../evil.txt', data: Buffer.from('jahat') }]);
    const link = fresh('link.tar.gz');
    writeTar(link, [
      ...good(),
      {
        path: `files/ab/${'ab'.repeat(32)}`,
        data: Buffer.alloc(0),
        type: 'SymbolicLink',
        linkpath: '/etc/passwd',
      },
    ]);
    const unknown = fresh('unknown.tar.gz');
    writeTar(unknown, [...good(), { path: 'database/extra.sql', data: Buffer.from('drop') }]);
    await Promise.all([
      refused(traversal, '../evil.txt', 'unsafe path'),
      refused(nested, 'files/../../evil.txt', 'unsafe path'),
      refused(link, `files/ab/${'ab'.repeat(32)}`, 'not a regular file'),
      refused(unknown, 'database/extra.sql'),
    ]);
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(tmpdir(), 'evil.txt'))).toBe(false);
  }, 30_000);
});

describe('restore', () => {
  it('puts the database and every evidence file back into an absent DATA_DIR', async () => {
    const target = fresh('restored');
    const r = await runCli('restore', [archive], { DATA_DIR: target });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.out)).toHaveLength(1);
    expect(listFiles(target)).toEqual(
      [
        'telusur.sqlite',
        ...evidence.map((b) => join('files', sha256(b).slice(0, 2), sha256(b))),
      ].sort(),
    );
    for (const b of evidence) {
      const sha = sha256(b);
      expect(readFileSync(join(target, 'files', sha.slice(0, 2), sha)).equals(b)).toBe(true);
    }
    const h = openDatabase({ sqliteFile: join(target, 'telusur.sqlite') });
    try {
      const accounts = await h.db.selectFrom('accounts').select('email').execute();
      expect(accounts.map((a) => a.email)).toEqual(['koordinator@arsip.test']);
    } finally {
      await h.close();
    }
  }, 30_000);

  it('never writes into a non-empty DATA_DIR or BLOB_DIR, and changes nothing there', async () => {
    const busy = fresh('busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'catatan.txt'), 'jangan ditimpa');
    expectRefused(await runCli('restore', [archive], { DATA_DIR: busy }), 'not empty', busy);
    expect(listFiles(busy)).toEqual(['catatan.txt']);

    const empty = fresh('empty-data');
    mkdirSync(empty);
    const blobs = fresh('busy-blobs');
    mkdirSync(join(blobs, 'ab'), { recursive: true });
    writeFileSync(join(blobs, 'ab', 'x'), 'x');
    expectRefused(
      await runCli('restore', [archive], { DATA_DIR: empty, BLOB_DIR: blobs }),
      'BLOB_DIR',
      'not empty',
    );
    expect(readdirSync(empty)).toEqual([]);
    expect(listFiles(blobs)).toEqual([join('ab', 'x')]);
  }, 30_000);

  it("counts a mount point's lost+found and the empty folders a started server made as empty", async () => {
    const data = fresh('mounted-data');
    mkdirSync(join(data, 'lost+found'), { recursive: true });
    mkdirSync(join(data, 'files', 'uploads'), { recursive: true });
    const r = await runCli('restore', [archive], { DATA_DIR: data });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(data, 'telusur.sqlite'))).toBe(true);
  }, 30_000);

  it('goes into an empty DATA_DIR and a separate BLOB_DIR', async () => {
    const data = fresh('empty-data');
    mkdirSync(data);
    const blobs = fresh('blobs');
    const r = await runCli('restore', [archive], { DATA_DIR: data, BLOB_DIR: blobs });
    expect(r.code).toBe(0);
    expect(listFiles(data)).toEqual(['telusur.sqlite']);
    expect(listFiles(blobs)).toHaveLength(evidence.length);
  }, 30_000);

  it('refuses an SQLite backup into PostgreSQL', async () => {
    const blobs = fresh('blobs');
    expectRefused(
      await runCli('restore', [archive], {
        DATABASE_URL: 'postgres://telusur:rahasia-sekali@127.0.0.1:1/telusur',
        BLOB_DIR: blobs,
      }),
      'SQLite',
      'PostgreSQL',
      'not supported',
    );
    expect(existsSync(blobs)).toBe(false);
  }, 30_000);
});

describe('wrong arguments', () => {
  it('exit 2 with one line, and change nothing', async () => {
    const cases: ['backup' | 'restore', string[], string][] = [
      ['backup', [], '--out'],
      ['backup', ['--out'], '--out'],
      ['backup', ['--out', ''], '--out'],
      ['backup', ['--out', join(work, 'x.tar.gz'), '--keep'], 'keep'],
      ['backup', ['--out', join(work, 'x.tar.gz'), 'extra'], 'extra'],
      ['backup', ['--force=ya', '--out', join(work, 'x.tar.gz')], 'force'],
      ['restore', [], 'FILE'],
      ['restore', [archive, archive], 'unexpected'],
      ['restore', ['--force', archive], 'force'],
      ['restore', ['--check'], 'FILE'],
    ];
    const runs = await Promise.all(cases.map(([cmd, args]) => runCli(cmd, args, env)));
    runs.forEach((r, i) => {
      const [cmd, args, mention] = cases[i] as [string, string[], string];
      expect(r.code, `${cmd} ${args.join(' ')}`).toBe(2);
      expect(r.out).toBe('');
      expect(lines(r.err), `${cmd} ${args.join(' ')}`).toHaveLength(1);
      expect(r.err).toContain(mention);
    });
    expect(existsSync(join(work, 'x.tar.gz'))).toBe(false);
  }, 60_000);
});

describe.skipIf(!PG_URL)('PostgreSQL backup and restore', () => {
  const schema = `bka_${randomBytes(5).toString('hex')}`;
  const pgArchive = join(work, 'pg.tar.gz');
  let admin: pg.Pool;
  let scratch: { name: string; drop(): Promise<void> } | null = null;

  beforeAll(async () => {
    admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const h = openDatabase({ databaseUrl: PG_URL, pgSchema: schema, pgPoolSize: 2 });
    try {
      await prepareDatabase(h.db);
      const s = createServices({ db: h.db, clock: Date.now, config: resolveConfig(TEST_CONFIG) });
      await s.accounts.create({
        email: 'koordinator@pg.test',
        name: 'Koordinator',
        role: 'coordinator',
        password: 'sandi-rahasia-pg',
      });
    } finally {
      await h.close();
    }
    const r = await runCli('backup', ['--out', pgArchive], {
      DATABASE_URL: pgUrl(PG_URL as string, schema),
      BLOB_DIR: blobDir,
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await scratch?.drop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  const relations = async (db: pg.Pool | pg.Client) =>
    Number(
      (
        await db.query(
          `select count(*) as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`,
          [schema],
        )
      ).rows[0].n,
    );

  it('holds a custom-format dump of the schema and the evidence files', () => {
    const entries = readTar(pgArchive);
    expect(entries.map((e) => e.path).slice(0, 2)).toEqual([
      'manifest.json',
      'database/telusur.pgdump',
    ]);
    expect(entries[1]?.data.subarray(0, 5).toString()).toBe('PGDMP');
    const m = manifestOf(entries);
    expect(m).toMatchObject({
      dialect: 'postgres',
      postgres: { schema },
      migrations: migrationNames(),
    });
    expect(entries.filter((e) => e.path.startsWith('files/'))).toHaveLength(evidence.length);
  });

  it('refuses the schema it came from (not empty) and changes nothing', async () => {
    const before = await relations(admin);
    const blobs = fresh('pg-blobs');
    expectRefused(
      await runCli('restore', [pgArchive], {
        DATABASE_URL: pgUrl(PG_URL as string, schema),
        BLOB_DIR: blobs,
      }),
      `schema "${schema}" is not empty`,
    );
    expect(await relations(admin)).toBe(before);
    expect(existsSync(blobs)).toBe(false);
  }, 30_000);

  it('refuses a PostgreSQL backup into SQLite, and a damaged one, writing nothing', async () => {
    const data = fresh('pg-into-sqlite');
    expectRefused(await runCli('restore', [pgArchive], { DATA_DIR: data }), 'PostgreSQL', 'SQLite');
    expect(existsSync(data)).toBe(false);
    const bad = fresh('pgflip.tar.gz');
    writeTar(
      bad,
      readTar(pgArchive).map((e) => {
        if (e.path !== 'database/telusur.pgdump') return e;
        const data = Buffer.from(e.data);
        data[100] = (data[100] as number) ^ 0x01;
        return { ...e, data };
      }),
    );
    const blobs = fresh('pg-blobs');
    expectRefused(
      await runCli('restore', [bad], {
        DATABASE_URL: pgUrl(PG_URL as string, schema),
        BLOB_DIR: blobs,
      }),
      'database/telusur.pgdump',
    );
    expect(existsSync(blobs)).toBe(false);
  }, 30_000);

  it('restores into an empty schema of the same name in another database', async () => {
    scratch = await scratchDatabase(PG_URL as string);
    const url = pgUrl(PG_URL as string, schema, scratch.name);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA ${schema}`);
      // A type named like a table: the schema has no tables, yet pg_restore fails inside its
      // one transaction, and the evidence files written before are removed again.
      await c.query(`CREATE TYPE ${schema}.accounts AS (x int)`);
      const blobs = fresh('pg-blobs');
      expectRefused(
        await runCli('restore', [pgArchive], { DATABASE_URL: url, BLOB_DIR: blobs }),
        'pg_restore failed',
      );
      expect(existsSync(blobs)).toBe(false);
      expect(await relations(c)).toBe(1); // the type's own row in pg_class, nothing else
      await c.query(`DROP TYPE ${schema}.accounts`);
      const r = await runCli('restore', [pgArchive], { DATABASE_URL: url, BLOB_DIR: blobs });
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const rows = await c.query(`select email from ${schema}.accounts`);
      expect(rows.rows.map((x) => x.email)).toEqual(['koordinator@pg.test']);
      expect(listFiles(blobs)).toHaveLength(evidence.length);
      // A second restore finds the schema full and refuses.
      const again = await runCli('restore', [pgArchive], {
        DATABASE_URL: url,
        BLOB_DIR: fresh('b'),
      });
      expectRefused(again, 'not empty');
    } finally {
      await c.end();
    }
  }, 60_000);

  it('never prints the password of DATABASE_URL', async () => {
    const secret = 'kata-sandi-rahasia-db';
    const url = new URL(pgUrl(PG_URL as string, `nope_${randomBytes(3).toString('hex')}`));
    url.password = secret;
    const noSchema = await runCli('backup', ['--out', fresh('x.tar.gz')], {
      DATABASE_URL: url.toString(),
    });
    url.pathname = '/no_such_database_here';
    const noDb = await runCli('backup', ['--out', fresh('y.tar.gz')], {
      DATABASE_URL: url.toString(),
    });
    const restore = await runCli('restore', [pgArchive], {
      DATABASE_URL: url.toString(),
      BLOB_DIR: fresh('z'),
    });
    for (const r of [noSchema, noDb, restore]) {
      expectRefused(r);
      expect(r.err).not.toContain(secret);
    }
    expect(noSchema.err).toContain('search_path');
  }, 60_000);
});
