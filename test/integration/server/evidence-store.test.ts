import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/server/app';
import { DEFAULT_CONFIG, type FilesConfig, resolveConfig } from '../../../src/server/config';
import type { Dialect } from '../../../src/server/db/database';
import { createRepositories } from '../../../src/server/db/repositories';
import { BlobStore } from '../../../src/server/lib/blob-store';
import {
  type EvidenceStore,
  EvidenceStoreUnavailable,
} from '../../../src/server/lib/evidence-store';
import { openEvidenceStore } from '../../../src/server/lib/evidence-stores';
import { S3EvidenceStore } from '../../../src/server/lib/s3-evidence-store';
import { filesConfigFromEnv } from '../../../src/server/runtime';
import { createServices } from '../../../src/server/services';
import { childEnv, REPO, run } from '../../helpers/deployment';
import { lines, runCli } from '../../helpers/ops-cli';
import { type S3rverHandle, startS3rver } from '../../helpers/s3rver';
import {
  createServerContext,
  DIALECTS,
  PG_URL,
  requestsTo,
  TEST_CONFIG,
} from '../../helpers/server-context';
import {
  enrolTablet,
  listenHttp,
  newTeam,
  photoBytes,
  type SyncHarness,
  syncHard,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * The one store of verified evidence, keyed by SHA-256, on both real backends: a local
 * directory and S3 (s3rver as its own process). The same behaviour is asked of each; then
 * the app on each, a real tablet uploading through tus: the receipt lists a file only when
 * the store confirms its bytes, and downloads come from the store (404 when it lost them).
 */

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytesOf = async (r: Readable) => {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(Buffer.from(c));
  return new Uint8Array(Buffer.concat(parts));
};

let s3: S3rverHandle;
const dirs: string[] = [];
const stores: S3EvidenceStore[] = [];
beforeAll(async () => {
  s3 = await startS3rver({ bucket: 'telusur-evidence' });
}, 30_000);
afterAll(async () => {
  for (const s of stores) s.destroy();
  await s3?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'telusur-evidence-test-'));
  dirs.push(d);
  return d;
}

/** FilesConfig for FILES_STORE=s3 on the test bucket, with `env` over it. */
function s3Files(env: Record<string, string> = {}): FilesConfig {
  return filesConfigFromEnv({ ...s3.env, S3_PREFIX: 'telusur/', ...env });
}

const BACKENDS: { kind: 'file' | 's3'; open(): Promise<EvidenceStore> }[] = [
  {
    kind: 'file',
    open: () => openEvidenceStore(DEFAULT_CONFIG.files, tempDir()),
  },
  {
    kind: 's3',
    open: async () => {
      const store = (await openEvidenceStore(s3Files(), tempDir())) as S3EvidenceStore;
      stores.push(store);
      return store;
    },
  },
];

for (const backend of BACKENDS) {
  describe(`evidence store [${backend.kind}]`, () => {
    let store: EvidenceStore;
    beforeAll(async () => {
      store = await backend.open();
    });

    it('keeps a stream whose SHA-256 matches, reports its size and hash, reads it back whole or its start', async () => {
      expect(store.kind).toBe(backend.kind);
      const bytes = photoBytes(200_000);
      const h = sha(bytes);
      expect(await store.stat(h)).toBeNull();
      expect(await store.has(h)).toBe(false);
      const r = await store.putStream(
        Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
        h,
      );
      expect(r).toEqual({ ok: true, sha256: h, bytes: 200_000 });
      expect(await store.stat(h)).toEqual({ bytes: 200_000, sha256: h });
      expect(await store.has(h)).toBe(true);
      expect(await bytesOf(await store.open(h))).toEqual(bytes);
      expect(await bytesOf(await store.open(h, { end: 9 }))).toEqual(bytes.subarray(0, 10));
      // The same content again: nothing changes, still ok.
      expect(await store.putStream(Readable.from([bytes]), h)).toEqual(r);
      expect(await store.stat(h)).toEqual({ bytes: 200_000, sha256: h });
    });

    it('refuses a stream whose bytes do not match the expected hash and keeps nothing', async () => {
      const bytes = photoBytes(5000);
      const claimed = sha(photoBytes(5000));
      const r = await store.putStream(Readable.from([bytes]), claimed);
      expect(r).toEqual({ ok: false, sha256: sha(bytes), bytes: 5000 });
      expect(await store.stat(claimed)).toBeNull();
      expect(await store.stat(sha(bytes))).toBeNull();
      await expect(store.open(claimed)).rejects.toThrow();
    });

    it('verifies a stream without keeping it', async () => {
      const bytes = photoBytes(3000);
      expect(await store.verifyStream(Readable.from([bytes]), sha(bytes))).toEqual({
        ok: true,
        sha256: sha(bytes),
        bytes: 3000,
      });
      expect(await store.verifyStream(Readable.from([bytes]), '0'.repeat(64))).toMatchObject({
        ok: false,
      });
      expect(await store.has(sha(bytes))).toBe(false);
    });

    it('stores checked bytes once (putBytes twice is a no-op) and passes its probe', async () => {
      const bytes = photoBytes(7000);
      await store.putBytes(bytes, sha(bytes));
      await store.putBytes(bytes, sha(bytes));
      expect(await store.stat(sha(bytes))).toEqual({ bytes: 7000, sha256: sha(bytes) });
      expect(await bytesOf(await store.open(sha(bytes)))).toEqual(bytes);
      await expect(store.probe()).resolves.toBeUndefined();
    });
  });
}

describe('S3 evidence store specifics (s3rver)', () => {
  let store: S3EvidenceStore;
  beforeAll(async () => {
    store = (await openEvidenceStore(s3Files(), tempDir())) as S3EvidenceStore;
    stores.push(store);
  });

  it('writes <prefix>evidence/<sha[0:2]>/<sha> with its sha256 metadata; probes leave nothing', async () => {
    const bytes = photoBytes(4000);
    const h = sha(bytes);
    await store.putBytes(bytes, h);
    await store.probe();
    const keys = await s3.listKeys('telusur/');
    expect(keys).toContain(`telusur/evidence/${h.slice(0, 2)}/${h}`);
    expect(keys.filter((k) => k.startsWith('telusur/probe/'))).toEqual([]);
    expect(keys.every((k) => k.startsWith('telusur/evidence/'))).toBe(true);
    expect(store.where).toBe('s3://telusur-evidence/telusur/');
  });

  it('counts an object under a hash without that hash recorded (written by another tool) as absent', async () => {
    const bytes = photoBytes(2000);
    const h = sha(bytes);
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await store.client.send(
      new PutObjectCommand({
        Bucket: 'telusur-evidence',
        Key: store.key(h),
        Body: Buffer.from(bytes),
      }),
    );
    expect(await store.stat(h)).toBeNull();
    // Writing it properly records the hash, and then it counts.
    await store.putBytes(bytes, h);
    expect(await store.stat(h)).toEqual({ bytes: 2000, sha256: h });
  });

  it('with S3_CHECKSUMS=when_supported s3rver keeps the aws-chunked body: the write is refused, naming the setting', async () => {
    // The AWS SDK's default since 3.729 sends a streamed body aws-chunked with a CRC32
    // trailer; s3rver stores those frames as the object. The HEAD after the write sees the
    // wrong size, so nothing is counted as stored.
    const files = s3Files({ S3_CHECKSUMS: 'when_supported' });
    // At start-up the streamed probe finds it and the server does not start…
    await expect(openEvidenceStore(files, tempDir())).rejects.toThrow(
      /^FILES_STORE=s3: S3 menyimpan \d+ byte .* set S3_CHECKSUMS=when_required$/,
    );
    // …and a store built without the probe refuses every streamed write.
    const supported = await S3EvidenceStore.open(files.s3 as NonNullable<FilesConfig['s3']>);
    stores.push(supported);
    const bytes = photoBytes(10_000);
    await expect(supported.putStream(Readable.from([bytes]), sha(bytes))).rejects.toThrow(
      /S3_CHECKSUMS=when_required/,
    );
    expect(await store.stat(sha(bytes))).toBeNull();
    // when_required (the default with S3_ENDPOINT) stores the same stream intact.
    expect((await store.putStream(Readable.from([bytes]), sha(bytes))).ok).toBe(true);
    expect(await bytesOf(await store.open(sha(bytes)))).toEqual(bytes);
  });
});

describe('openEvidenceStore stops a wrong setting with one clear line', () => {
  it('names S3_BUCKET for a bucket that does not exist', async () => {
    await expect(
      openEvidenceStore(s3Files({ S3_BUCKET: 'no-such-bucket' }), tempDir()),
    ).rejects.toThrow(/S3_BUCKET="no-such-bucket" tidak ada .* does not exist/);
  });

  it('names the credentials when S3 refuses the access key', async () => {
    // s3rver checks the access key id (not SigV4 signatures): a wrong key id is refused.
    await expect(
      openEvidenceStore(
        s3Files({ S3_ACCESS_KEY_ID: 'WRONGKEY', S3_SECRET_ACCESS_KEY: 'wrong' }),
        tempDir(),
      ),
    ).rejects.toThrow(/S3 menolak akses .* check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  });

  it('names S3_ENDPOINT when nothing listens there', async () => {
    const t0 = Date.now();
    await expect(
      openEvidenceStore(s3Files({ S3_ENDPOINT: 'http://127.0.0.1:1' }), tempDir(), {
        maxAttempts: 1,
      }),
    ).rejects.toThrow(
      /S3_ENDPOINT=http:\/\/127\.0\.0\.1:1 tidak dapat dihubungi \(ECONNREFUSED\).* cannot be reached/,
    );
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('says what to install (or FILES_STORE=file) when the S3 package is missing', async () => {
    await expect(
      openEvidenceStore(s3Files(), tempDir(), {
        // A package name that really is not installed: the import fails as a missing
        // @aws-sdk/client-s3 would.
        importer: () => import(['@aws-sdk', 'client-s3-not-installed'].join('/')),
      }),
    ).rejects.toThrow(
      /npm install @aws-sdk\/client-s3 @tus\/s3-store` atau setel FILES_STORE=file .* or set FILES_STORE=file/,
    );
  });

  it('names BLOB_DIR when the evidence directory cannot be written', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(openEvidenceStore(DEFAULT_CONFIG.files, file)).rejects.toThrow(
      /BLOB_DIR=.*not-a-directory tidak dapat ditulis .* cannot be written/,
    );
  });
});

describe('operators see where the evidence is', () => {
  it('the server process stops at start-up with one line when the bucket does not exist', async () => {
    const dataDir = tempDir();
    const r = await run(
      ['--import', 'tsx', 'src/server/main.ts'],
      childEnv({ ...s3.env, S3_BUCKET: 'missing-bucket', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
      REPO,
      60_000,
    );
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/listening on/);
    // (On Node 20 the AWS SDK adds its own NodeVersionSupportWarning lines; ours is one.)
    expect(lines(r.err).filter((l) => l.startsWith('[telusur]'))).toEqual([
      `[telusur] FILES_STORE=s3: bucket S3_BUCKET="missing-bucket" tidak ada di S3_ENDPOINT=${s3.endpoint} / bucket S3_BUCKET="missing-bucket" does not exist at S3_ENDPOINT=${s3.endpoint}`,
    ]);
  }, 70_000);

  it('npm run backup refuses with FILES_STORE=s3 and says the evidence is in the bucket', async () => {
    const dir = tempDir();
    const out = join(dir, 'telusur.tar.gz');
    const r = await runCli('backup', ['--out', out], { ...s3.env, DATA_DIR: dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toContain(`S3_BUCKET=${s3.bucket}`);
    expect(r.err).toContain('back up the database with pg_dump and the bucket');
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

/** A sync harness whose app and services use `evidence`. */
async function harnessWith(dialect: Dialect, evidence: EvidenceStore): Promise<SyncHarness> {
  const base = await createServerContext(dialect);
  const blobDir = tempDir();
  const config = resolveConfig(TEST_CONFIG);
  const clock = () => base.clock.now;
  const services = createServices({ db: base.db, clock, config, blobDir, evidence });
  const app = createApp({
    db: base.db,
    dialect,
    clock,
    config: TEST_CONFIG,
    services,
    blobDir,
    evidence,
  });
  return {
    dialect,
    base,
    services,
    app,
    blobDir,
    call: requestsTo(app),
    close: () => base.close(),
  };
}

/** Remove a file from the store behind the server's back (a lost disk, a wiped bucket). */
async function loseFromStore(store: EvidenceStore, h: string): Promise<void> {
  if (store instanceof BlobStore) await rm(store.path(h));
  else if (store instanceof S3EvidenceStore) {
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await store.client.send(
      new DeleteObjectCommand({ Bucket: store.config.bucket, Key: store.key(h) }),
    );
  }
  expect(await store.stat(h)).toBeNull();
}

for (const dialect of DIALECTS) {
  for (const backend of BACKENDS) {
    describe.skipIf(dialect === 'postgres' && !PG_URL)(
      `a tablet's evidence through the app [${backend.kind}, ${dialect}]`,
      () => {
        let h: SyncHarness;
        let store: EvidenceStore;
        const closers: (() => Promise<void>)[] = [];
        beforeAll(async () => {
          store = await backend.open();
          h = await harnessWith(dialect, store);
        });
        afterAll(async () => {
          for (const c of closers) await c();
          await h?.close();
        });

        it('a tus upload is listed on the receipt and served from the store; a file the store lost is neither listed nor served', async () => {
          const team = await newTeam(h.services, h.base, { verifiers: 1 });
          const a = team.assessmentIds[0] as string;
          const coordinator = await h.base.login('coordinator');
          const t = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
          const server = await listenHttp(h);
          closers.push(server.close);
          const engine = tabletEngine(t, (u, i) => fetch(u, i), {
            baseUrl: server.baseUrl,
            uploads: true,
          });
          const photos = [photoBytes(150_000), photoBytes(40_000)];
          for (const [i, p] of photos.entries())
            await t.store.evidence.add({
              assessmentId: a,
              indicatorNo: 1,
              blob: new Blob([p], { type: 'image/jpeg' }),
              name: `foto-${i}.jpg`,
              mime: 'image/jpeg',
              width: null,
              height: null,
              capturedAtSource: 'tablet',
              location: null,
            });
          await syncHard(engine);
          expect(await t.store.blobs.listPendingUpload()).toEqual([]);
          const hashes = photos.map(sha);
          for (const [i, p] of photos.entries())
            expect(await store.stat(hashes[i] as string)).toEqual({
              bytes: p.byteLength,
              sha256: hashes[i],
            });

          const receipt = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
          expect(receipt.status).toBe(200);
          expect(receipt.body.hashes).toEqual([...hashes].sort());
          const download = (x: string) =>
            h.app.request(`/api/files/by-hash/${x}`, {
              headers: { authorization: `Bearer ${coordinator}` },
            });
          const d = await download(hashes[0] as string);
          expect(d.status).toBe(200);
          expect(new Uint8Array(await d.arrayBuffer())).toEqual(photos[0]);

          // The database still lists the second photo; the store no longer has it.
          await loseFromStore(store, hashes[1] as string);
          expect(await h.services.files.held(hashes[1] as string)).not.toBeNull();
          const after = await h.call('GET', `/api/sync/receipt/${a}`, { token: coordinator });
          expect(after.body.hashes).toEqual([hashes[0]]);
          const gone = await download(hashes[1] as string);
          expect(gone.status).toBe(404);
          expect((await gone.json()).code).toBe('not_found');
          // Its uploader asking "is my upload complete?" is told no: it must send it again.
          expect(
            await h.services.files.heldFor(
              hashes[1] as string,
              t.deviceId,
              team.verifiers[0]?.id as string,
            ),
          ).toBeNull();
        });
      },
    );
  }
}

describe('an S3 store that goes away', () => {
  it('makes /api/ready answer 503 files: unavailable in time, and a download 503 files_unavailable (not 404, not 500)', async () => {
    const own = await startS3rver({ bucket: 'short-lived' });
    try {
      const store = (await openEvidenceStore(filesConfigFromEnv(own.env), tempDir(), {
        maxAttempts: 1,
        connectionTimeoutMs: 1000,
        requestTimeoutMs: 2000,
        probeTimeoutMs: 3000,
      })) as S3EvidenceStore;
      stores.push(store);
      const h = await harnessWith('sqlite', store);
      try {
        // A file the store holds and the database lists (as a bundle import leaves it).
        const bytes = photoBytes(3000);
        await store.putBytes(bytes, sha(bytes));
        await createRepositories(h.base.db).files.insert({
          sha256: sha(bytes),
          bytes: 3000,
          mime: 'image/jpeg',
          receivedAt: Date.now(),
          receivedByDevice: null,
        });
        const coordinator = await h.base.login('coordinator');
        const download = () =>
          h.app.request(`/api/files/by-hash/${sha(bytes)}`, {
            headers: { authorization: `Bearer ${coordinator}` },
          });
        expect((await download()).status).toBe(200);
        const ready = await h.app.request('/api/ready');
        expect([ready.status, (await ready.json()).files]).toEqual([200, 'ok']);

        own.kill();
        const t0 = Date.now();
        const down = await h.app.request('/api/ready');
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ ok: false, db: 'ok', files: 'unavailable' });
        expect(Date.now() - t0).toBeLessThan(6000);

        await expect(store.stat(sha(randomBytes(10)))).rejects.toBeInstanceOf(
          EvidenceStoreUnavailable,
        );
        const d = await download();
        expect(d.status).toBe(503);
        const problem = await d.json();
        expect(problem.code).toBe('files_unavailable');
        expect(problem.message).toMatch(/tidak dapat dihubungi/);
      } finally {
        await h.close();
      }
    } finally {
      await own.stop();
    }
  }, 30_000);

  it('answers a download 503 files_unavailable when S3 hangs (frozen, not refusing), instead of holding the request', async () => {
    const own = await startS3rver({ bucket: 'frozen' });
    try {
      // Default retries and socket timeouts (3 × 30 s would hold a request for minutes); only
      // the per-operation bound is shortened so the test stays quick.
      const store = (await openEvidenceStore(filesConfigFromEnv(own.env), tempDir(), {
        operationTimeoutMs: 1500,
      })) as S3EvidenceStore;
      stores.push(store);
      const h = await harnessWith('sqlite', store);
      try {
        const bytes = photoBytes(2000);
        await store.putBytes(bytes, sha(bytes));
        await createRepositories(h.base.db).files.insert({
          sha256: sha(bytes),
          bytes: 2000,
          mime: 'image/jpeg',
          receivedAt: Date.now(),
          receivedByDevice: null,
        });
        const coordinator = await h.base.login('coordinator');
        own.freeze(true);
        const d = await h.app.request(`/api/files/by-hash/${sha(bytes)}`, {
          headers: { authorization: `Bearer ${coordinator}` },
        });
        expect(d.status).toBe(503);
        expect((await d.json()).code).toBe('files_unavailable');
      } finally {
        own.freeze(false);
        await h.close();
      }
    } finally {
      await own.stop();
    }
  }, 20_000);
});
