import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { S3Store } from '@tus/s3-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type FilesConfig } from '../../../src/server/config';
import {
  createStagingStore,
  prefixObjectKeys,
  removeStaging,
  type StagingStore,
} from '../../../src/server/http/tus-staging';
import { s3ClientSettings } from '../../../src/server/lib/s3-evidence-store';
import {
  S3RVER_ACCESS_KEY,
  S3RVER_SECRET_KEY,
  type S3rverHandle,
  startS3rver,
} from '../../helpers/s3rver';
import { createServerContext, type ServerContext } from '../../helpers/server-context';
import { hardApp } from './hardening-kit';

/**
 * tus staging in an S3-compatible bucket, against s3rver run as its own process. s3rver lacks
 * ListParts, AbortMultipartUpload and ListMultipartUploads, which @tus/s3-store calls on every
 * resume and HEAD, on termination and when sweeping — so a whole upload cannot run through it
 * (first test: exactly what it answers). What can run is tested here with real S3 calls: the
 * removal of a finished upload's staging (which @tus/s3-store's own remove() never does), the
 * uncached metadata every process reads afresh, the checksum setting, and the expiry sweep.
 */

const DAY = 24 * 60 * 60 * 1000;
const uploadId = () => `${randomBytes(32).toString('hex')}-${randomBytes(8).toString('hex')}`;
/** Staging objects live under `<S3_PREFIX>uploads/` (S3_PREFIX `telusur/` here). */
const K = (key: string) => `telusur/uploads/${key}`;

describe('tus staging in S3 (s3rver as its own process)', () => {
  let s3: S3rverHandle;
  let client: S3Client;
  let files: FilesConfig;
  beforeAll(async () => {
    s3 = await startS3rver();
    files = {
      ...DEFAULT_CONFIG.files,
      staging: 's3',
      s3: {
        bucket: s3.bucket,
        region: 'us-east-1',
        endpoint: s3.endpoint,
        forcePathStyle: true,
        accessKeyId: S3RVER_ACCESS_KEY,
        secretAccessKey: S3RVER_SECRET_KEY,
        prefix: 'telusur/',
        checksums: 'when_required',
      },
    };
    client = new S3Client(s3ClientSettings(files.s3 as NonNullable<FilesConfig['s3']>));
  }, 30_000);
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  /** A FINISHED tus upload as @tus/s3-store leaves it: completed object, .info (with its multipart id) and a .part. */
  async function finishedUpload(id: string) {
    const bytes = randomBytes(2048);
    const mp = await client.send(
      new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: K(id) }),
    );
    const part = await client.send(
      new UploadPartCommand({
        Bucket: s3.bucket,
        Key: K(id),
        UploadId: mp.UploadId,
        PartNumber: 1,
        Body: bytes,
      }),
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: s3.bucket,
        Key: K(id),
        UploadId: mp.UploadId,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    await putInfo(id, mp.UploadId as string, bytes.byteLength);
    await put(K(`${id}.part`), 'x');
  }
  const put = (Key: string, Body: string) =>
    client.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body }));
  /** `<id>.info` as @tus/s3-store's saveMetadata writes it. */
  const putInfo = (id: string, multipartId: string, size: number) =>
    client.send(
      new PutObjectCommand({
        Bucket: s3.bucket,
        Key: K(`${id}.info`),
        Body: JSON.stringify({
          id,
          size,
          offset: 0,
          metadata: { filetype: 'image/jpeg' },
          creation_date: new Date().toISOString(),
        }),
        Metadata: { 'upload-id': multipartId, 'tus-version': '1.0.0' },
      }),
    );

  it('s3rver lacks ListParts (405), AbortMultipartUpload (405) and ListMultipartUploads (NotImplemented)', async () => {
    const key = uploadId();
    const mp = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key: key }));
    expect(mp.UploadId).toBeTruthy();
    const status = (e: unknown) =>
      (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const listParts = await client
      .send(new ListPartsCommand({ Bucket: s3.bucket, Key: key, UploadId: mp.UploadId }))
      .catch((e: unknown) => e);
    expect(status(listParts)).toBe(405);
    const abort = await client
      .send(new AbortMultipartUploadCommand({ Bucket: s3.bucket, Key: key, UploadId: mp.UploadId }))
      .catch((e: unknown) => e);
    expect(status(abort)).toBe(405);
    const listUploads = await client
      .send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }))
      .catch((e: unknown) => e);
    expect([(listUploads as Error).name, status(listUploads)]).toEqual(['NotImplemented', 501]);
  });

  it("removes a finished upload's three staging objects, and nothing else (not evidence, not other uploads)", async () => {
    const [done, other] = [uploadId(), uploadId()];
    await finishedUpload(done);
    await finishedUpload(other);
    const evidence = `telusur/evidence/${randomBytes(32).toString('hex')}`;
    await put(evidence, 'verified bytes');
    const store = await createStagingStore(files, '/nonexistent');
    const before = await s3.listKeys();
    expect(before).toEqual(
      expect.arrayContaining([K(done), K(`${done}.info`), K(`${done}.part`), evidence]),
    );

    await removeStaging(store, files, '/nonexistent', done);
    const after = await s3.listKeys();
    expect(before.filter((k) => !after.includes(k)).sort()).toEqual(
      [K(done), K(`${done}.info`), K(`${done}.part`)].sort(),
    );
    expect(after).toEqual(
      expect.arrayContaining([evidence, K(other), K(`${other}.info`), K(`${other}.part`)]),
    );
    // Removing what is gone already is no error (a retry after a lost answer).
    await removeStaging(store, files, '/nonexistent', done);
  });

  it('reads upload metadata from the bucket every time: what another process removed is gone here too', async () => {
    const id = uploadId();
    await putInfo(id, 'multipart-1', 4096);
    const [here, there] = [
      await createStagingStore(files, '/nonexistent'),
      await createStagingStore(files, '/nonexistent'),
    ];
    // What @tus/s3-store gives by default: a per-process MemoryKvStore.
    const cached = new S3Store({
      s3ClientConfig: { bucket: s3.bucket, ...s3ClientSettings(files.s3 as never) },
    }) as unknown as StagingStore;
    prefixObjectKeys((cached as unknown as { client: S3Client }).client, K(''));
    const metadata = (store: StagingStore) =>
      (store as unknown as { getMetadata(id: string): Promise<{ file: { size?: number } }> })
        .getMetadata(id)
        .then((m) => m.file.size);
    expect(await metadata(here)).toBe(4096);
    expect(await metadata(cached)).toBe(4096);

    await removeStaging(there, files, '/nonexistent', id); // another process finished it
    await expect(metadata(here)).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(await metadata(cached)).toBe(4096); // stale: why the cache is replaced
  });

  it('passes the checksum setting to the S3 client of the staging store', async () => {
    const config = async (checksums: 'when_required' | 'when_supported') => {
      const store = await createStagingStore(
        { ...files, s3: { ...(files.s3 as NonNullable<FilesConfig['s3']>), checksums } },
        '/nonexistent',
      );
      const c = (store as unknown as { client: S3Client }).client.config;
      return [await c.requestChecksumCalculation(), await c.responseChecksumValidation()];
    };
    expect(await config('when_required')).toEqual(['WHEN_REQUIRED', 'WHEN_REQUIRED']);
    expect(await config('when_supported')).toEqual(['WHEN_SUPPORTED', 'WHEN_SUPPORTED']);
  });

  describe('expiry sweep', () => {
    let ctx: ServerContext;
    beforeAll(async () => {
      ctx = await createServerContext('sqlite', { seed: false });
    });
    afterAll(() => ctx?.close());

    it('stops the start with one line naming the missing call and UPLOAD_STAGING=file when the bucket cannot take resumable uploads', async () => {
      const h = hardApp(ctx, { files });
      try {
        // Readiness (HeadBucket) passes: only the start-up check finds the missing calls.
        await expect(h.tus.checkStaging()).resolves.toBeUndefined();
        const refused = await h.tus.checkStagingAtStart().catch((e: Error) => e);
        expect(refused).toBeInstanceOf(Error);
        expect((refused as Error).message).toMatch(
          /does not support ListMultipartUploads \(HTTP 501\).*UPLOAD_STAGING=file with a shared UPLOAD_STAGING_DIR/,
        );
        expect((refused as Error).message).not.toMatch(/\n/);
        // The probe leaves nothing in the bucket.
        expect((await s3.listKeys()).filter((k) => k.includes('.probe-'))).toEqual([]);
      } finally {
        h.dispose();
      }
    });

    it("deletes the staging objects of every expired upload the database knows and forgets it; a live upload's stay", async () => {
      const h = hardApp(ctx, { files: { ...files, uploadExpiryMs: 2 * DAY } });
      try {
        const [expired, live] = [uploadId(), uploadId()];
        await finishedUpload(expired);
        await finishedUpload(live);
        const open = (id: string, createdAt: number) =>
          h.services.files.openUpload({
            id,
            deviceId: 'device-1',
            verifierId: 'verifier-1',
            bytes: 2048,
            createdAt,
          });
        await open(expired, Date.now() - 3 * DAY);
        await open(live, Date.now() - DAY);
        // The store's own sweep (ListMultipartUploads) fails on s3rver; the sweep goes on.
        expect(await h.tus.cleanupExpired()).toBeGreaterThanOrEqual(1);
        const keys = await s3.listKeys();
        expect(keys.filter((k) => k.includes(expired))).toEqual([]);
        expect(keys).toEqual(
          expect.arrayContaining([K(live), K(`${live}.info`), K(`${live}.part`)]),
        );
        expect(await h.services.files.findUpload(expired)).toBeNull();
        expect(await h.services.files.findUpload(live)).not.toBeNull();
      } finally {
        h.dispose();
      }
    });
  });
});
