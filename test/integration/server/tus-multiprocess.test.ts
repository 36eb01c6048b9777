import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';
import { createApp } from '../../../src/server/app';
import { DEFAULT_CONFIG, resolveConfig } from '../../../src/server/config';
import { TusEndpoint } from '../../../src/server/http/tus';
import {
  advisoryKey,
  PgAdvisoryLocker,
  TUS_LOCK_NAMESPACE,
} from '../../../src/server/http/tus-locker';
import { createServices, type Services } from '../../../src/server/services';
import {
  createServerContext,
  PG_URL,
  requestsTo,
  type ServerContext,
  TEST_CONFIG,
} from '../../helpers/server-context';
import { createUpload, patchUpload, sha, tus } from '../../helpers/tus';
import { enrol, freshVerifier, photo, pushEvidence } from './hardening-kit';

/**
 * One upload served by two server processes on one PostgreSQL database (as behind a
 * round-robin load balancer): each instance has its own services, tus endpoint and lock
 * connection (PgAdvisoryLocker); they share the database, the staging directory and the
 * evidence directory (one machine). An upload begun on one and finished on the other is
 * stored once and listed on the receipt, and nothing of it stays in staging; two PATCHes of
 * one upload at once through both never both write.
 */

const KB = 1024;

interface Instance {
  app: ReturnType<typeof createApp>;
  services: Services;
  tus: TusEndpoint;
  call: ReturnType<typeof requestsTo>;
}

// PostgreSQL is optional on a developer machine (test/run.mjs sets TELUSUR_PG_URL when a server
// answers; CI requires it): several processes only ever share a PostgreSQL database.
describe.skipIf(!PG_URL)('tus uploads across two server processes [postgres]', () => {
  let ctx: ServerContext;
  const blobDir = mkdtempSync(join(tmpdir(), 'telusur-multi-'));
  const stagingDir = join(blobDir, 'shared-staging');
  const lockers: PgAdvisoryLocker[] = [];
  let one: Instance;
  let two: Instance;

  async function instance(acquireLockTimeoutMs = 10_000): Promise<Instance> {
    const locker = await PgAdvisoryLocker.connect({
      connectionString: PG_URL as string,
      acquireLockTimeoutMs,
    });
    lockers.push(locker);
    const partial = {
      ...TEST_CONFIG,
      files: { ...DEFAULT_CONFIG.files, stagingDir, cleanupIntervalMs: 0 },
    };
    const config = resolveConfig(partial);
    const clock = () => ctx.clock.now;
    const services = createServices({ db: ctx.db, clock, config, blobDir });
    const endpoint = new TusEndpoint(config, blobDir, services.files, { locker });
    const app = createApp({
      db: ctx.db,
      dialect: 'postgres',
      clock,
      config: partial,
      services,
      blobDir,
      tus: endpoint,
    });
    return { app, services, tus: endpoint, call: requestsTo(app) };
  }

  beforeAll(async () => {
    ctx = await createServerContext('postgres');
    one = await instance();
    two = await instance();
  });
  afterAll(async () => {
    await Promise.all(lockers.map((l) => l.close()));
    await ctx?.close();
    rmSync(blobDir, { recursive: true, force: true });
  });

  const staged = (uploadId: string) =>
    readdirSync(stagingDir).filter((f) => f.startsWith(uploadId));

  async function tablet() {
    const v = await freshVerifier(ctx, one.services);
    const t = await enrol(
      { ...one, blobDir, config: resolveConfig(), dispose: () => {} },
      ctx,
      v.verifierId,
    );
    return { ...t, assessmentId: v.assessmentId };
  }

  it('finishes on one process an upload begun on another: stored once, on the receipt, staging empty', async () => {
    const t = await tablet();
    const bytes = photo(12 * KB);
    const viaOne = tus(one, t.token);
    const viaTwo = tus(two, t.token);
    const created = await createUpload(viaOne, bytes);
    expect(created.status).toBe(201);
    const location = created.headers.get('location') as string;
    const uploadId = location.split('/').pop() as string;
    expect((await patchUpload(viaOne, location, 0, bytes.subarray(0, 5 * KB))).status).toBe(204);
    expect(staged(uploadId).sort()).toEqual([uploadId, `${uploadId}.json`]);

    // The load balancer sends the rest to the other process.
    expect((await viaTwo('HEAD', location)).headers.get('upload-offset')).toBe(String(5 * KB));
    const done = await patchUpload(viaTwo, location, 5 * KB, bytes.subarray(5 * KB));
    expect(done.status).toBe(204);
    expect(done.headers.get('upload-offset')).toBe(String(12 * KB));

    expect(await two.services.files.held(sha(bytes))).toMatchObject({ bytes: 12 * KB });
    expect(await one.services.files.heldFor(sha(bytes), t.deviceId, t.verifierId)).toMatchObject({
      bytes: 12 * KB,
    });
    // Stored once: one row, one content-addressed file.
    const rows = await ctx.db
      .selectFrom('files')
      .select('sha256')
      .where('sha256', '=', sha(bytes))
      .execute();
    expect(rows).toHaveLength(1);
    expect(staged(uploadId)).toEqual([]); // data file and .json both gone
    expect(await one.services.files.findUpload(uploadId)).toBeNull();

    // The tablet's record, pushed to the first process, is confirmed by the receipt.
    await pushEvidence({ ...one, blobDir, config: resolveConfig(), dispose: () => {} }, t, {
      assessmentId: t.assessmentId,
      sha256: sha(bytes),
      name: 'foto.jpg',
      bytes: 12 * KB,
    });
    const coordinator = await ctx.login('coordinator');
    const receipt = await one.call('GET', `/api/sync/receipt/${t.assessmentId}`, {
      token: coordinator,
    });
    expect(receipt.body.hashes).toEqual([sha(bytes)]);
    // Asking the first process about the finished upload (a lost answer) says complete.
    const head = await viaOne('HEAD', location);
    expect([head.status, head.headers.get('upload-offset')]).toEqual([200, String(12 * KB)]);
  });

  it('never lets two processes write one upload at once: the second PATCH ends the stale one and is refused at a stale offset; the bytes end up right', async () => {
    const t = await tablet();
    const bytes = photo(64 * KB);
    const viaOne = tus(one, t.token);
    const viaTwo = tus(two, t.token);
    const location = (await createUpload(viaOne, bytes)).headers.get('location') as string;
    const uploadId = location.split('/').pop() as string;

    // A PATCH through process one that stalls half-way (a tablet whose connection hangs).
    let feed!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        feed = c;
      },
    });
    feed.enqueue(bytes.slice(0, 16 * KB));
    const stalled = one.app.request(location, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        authorization: `Bearer ${t.token}`,
        'Upload-Offset': '0',
        'Content-Type': 'application/offset+octet-stream',
      },
      body,
      duplex: 'half',
    } as RequestInit);
    await expect
      .poll(() => statSync(join(stagingDir, uploadId)).size, { timeout: 5_000 })
      .toBe(16 * KB);

    // The tablet retries through process two from offset 0 while the first still holds the
    // upload: process two asks process one (NOTIFY) to end its stale request, waits for the
    // lock, then finds the offset moved and refuses (409) instead of writing over it.
    const retry = await patchUpload(viaTwo, location, 0, bytes);
    const first = await stalled;
    feed.close();
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(16 * KB));
    expect(retry.status).toBe(409);
    expect(statSync(join(stagingDir, uploadId)).size).toBe(16 * KB);

    // The tablet asks where to resume and finishes through either process.
    const head = await viaTwo('HEAD', location);
    expect(head.headers.get('upload-offset')).toBe(String(16 * KB));
    const done = await patchUpload(viaOne, location, 16 * KB, bytes.subarray(16 * KB));
    expect(done.status).toBe(204);
    expect(await one.services.files.held(sha(bytes))).toMatchObject({ bytes: 64 * KB });
    expect(staged(uploadId)).toEqual([]);
  }, 30_000);

  it('checks a finished-but-unchecked upload once when both processes are asked about it at once', async () => {
    const t = await tablet();
    const bytes = photo(20 * KB);
    const viaOne = tus(one, t.token);
    const viaTwo = tus(two, t.token);
    const location = (await createUpload(viaOne, bytes)).headers.get('location') as string;
    const uploadId = location.split('/').pop() as string;
    // The last byte arrives but the check never runs (the process stopped in between).
    const files = one.services.files;
    const real = files.finaliseUpload.bind(files);
    files.finaliseUpload = async () => {
      throw new Error('server stopped');
    };
    try {
      const patch = await patchUpload(viaOne, location, 0, bytes);
      expect(patch.status).toBeGreaterThanOrEqual(500);
    } finally {
      files.finaliseUpload = real;
    }
    expect(staged(uploadId).sort()).toEqual([uploadId, `${uploadId}.json`]);
    // Count the checks that really read the staging bytes, on both processes.
    let checks = 0;
    for (const s of [one.services.files, two.services.files]) {
      const own = s.finaliseUpload.bind(s);
      s.finaliseUpload = (input) =>
        own({
          ...input,
          read: () => {
            checks++;
            return input.read();
          },
        });
    }
    // The tablet's retries reach both processes at once.
    const answers = await Promise.all([viaOne('HEAD', location), viaTwo('HEAD', location)]);
    expect(answers.map((r) => [r.status, r.headers.get('upload-offset')])).toEqual([
      [200, String(20 * KB)],
      [200, String(20 * KB)],
    ]);
    expect(checks).toBe(1);
    expect(await one.services.files.held(sha(bytes))).toMatchObject({ bytes: 20 * KB });
    expect(staged(uploadId)).toEqual([]);
  });

  it('answers 423 upload_locked (retryable) when the upload stays locked elsewhere past the timeout', async () => {
    const impatient = await instance(500);
    const t = await tablet();
    const bytes = photo(4 * KB);
    const location = (await createUpload(tus(impatient, t.token), bytes)).headers.get(
      'location',
    ) as string;
    const uploadId = location.split('/').pop() as string;
    // A process that holds the upload and never lets go (stuck), as a raw advisory lock.
    const stuck = new pg.Client({ connectionString: PG_URL });
    await stuck.connect();
    try {
      await stuck.query('SELECT pg_advisory_lock($1, $2)', [
        TUS_LOCK_NAMESPACE,
        advisoryKey(uploadId),
      ]);
      const r = await patchUpload(tus(impatient, t.token), location, 0, bytes);
      expect(r.status).toBe(423);
      expect((await r.json()).code).toBe('upload_locked');
    } finally {
      await stuck.end();
    }
    // Once the stuck process is gone, the tablet's retry goes through.
    const retry = await patchUpload(tus(impatient, t.token), location, 0, bytes);
    expect(retry.status).toBe(204);
    expect(await impatient.services.files.held(sha(bytes))).toMatchObject({ bytes: 4 * KB });
  });
});
