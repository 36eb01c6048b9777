/**
 * Where unfinished tus uploads live (staging), shared by every server process:
 *
 *  - `file`: a directory (`files.stagingDir`, default `<blobDir>/uploads`) that all processes
 *    see (one machine, or one shared mount). @tus/file-store keeps no per-process state: its
 *    FileKvStore reads `<id>.json` from the directory on every call and the offset is the data
 *    file's size, so any process may serve the next PATCH of an upload another began.
 *  - `s3`: the bucket (keys under `<S3_PREFIX>uploads/`), through @tus/s3-store (optional
 *    package, given the checksum setting and the shared lock). Its default metadata cache is
 *    a per-process MemoryKvStore that goes stale when another process finishes or removes an
 *    upload, so it is given `UncachedKvStore` (every read asks the bucket for `<id>.info`).
 *
 * s3rver (the S3-API server the test suites run) lacks three calls @tus/s3-store makes, so the
 * whole S3 staging path cannot run against it (checked against s3rver 3.7.1, test
 * tus-staging-s3.test.ts): ListParts (`GET /bucket/key?uploadId=…` → 405 MethodNotAllowed; the
 * store calls it on every HEAD and PATCH of an upload), AbortMultipartUpload (`DELETE
 * /bucket/key?uploadId=…` → 405; termination and removal) and ListMultipartUploads (`GET
 * /bucket?uploads` → 501 NotImplemented; its deleteExpired). Create, UploadPart,
 * CompleteMultipartUpload, Put/Get/Head/DeleteObject(s) work.
 */

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import type { KvStore, Server } from '@tus/server';
import type { FilesConfig, S3Config } from '../config';

type TusOptions = ConstructorParameters<typeof Server>[0];
/** A tus data store (FileStore or S3Store). */
export type StagingStore = TusOptions['datastore'];

/** Optional dependency for `files.staging = 's3'` (optionalDependencies). */
const S3_STORE_MODULE: string = '@tus/s3-store';

/**
 * A tus KvStore that keeps nothing: `get` always misses, so @tus/s3-store reads an upload's
 * `<id>.info` from the bucket every time (one GetObject per request), and every process sees
 * what another wrote or removed. Never lists (expiry runs from the database and the bucket).
 */
export class UncachedKvStore<T> implements KvStore<T> {
  async get(_key: string): Promise<T | undefined> {
    return undefined;
  }
  async set(_key: string, _value: T): Promise<void> {}
  async delete(_key: string): Promise<void> {}
}

/**
 * The S3 objects of one upload in staging: the object itself, its `.info` and its `.part`
 * (an unfinished last part); relative to s3StagingPrefix, as the store's client names them.
 */
export function s3StagingKeys(id: string): [string, string, string] {
  return [id, `${id}.info`, `${id}.part`];
}

/**
 * The S3 client settings of `s3` (region, endpoint, path style, credentials) with the AWS
 * SDK's checksum setting from `s3.checksums`: `WHEN_REQUIRED` for S3-compatible servers that
 * cannot decode aws-chunked CRC32 trailers (else every part upload fails), `WHEN_SUPPORTED`
 * (the SDK default) for AWS.
 */
export function s3ClientSettings(s3: S3Config) {
  const checksums = s3.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return {
    region: s3.region,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.forcePathStyle ? { forcePathStyle: true } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
      : {}),
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
  } as const;
}

/** Staging directory of the `file` staging: `files.stagingDir`, else `<blobDir>/uploads`. */
export function stagingDirOf(files: FilesConfig, blobDir: string): string {
  return files.stagingDir ?? join(blobDir, 'uploads');
}

/** Key prefix of S3 staging objects: `<S3 prefix>uploads/` (evidence is under `<S3 prefix>evidence/`). */
export function s3StagingPrefix(s3: S3Config): string {
  return `${s3.prefix}uploads/`;
}

/**
 * Put every object key the client sends under `prefix`, and take it off the keys S3 answers
 * with (ListMultipartUploads). @tus/s3-store 2.0.7 has no key prefix of its own (every key is
 * the bare upload id; its partKey carries a TODO for one), so staging gets one here, in the
 * client all its calls go through: Key, DeleteObjects' keys, and ListMultipartUploads' Prefix,
 * KeyMarker and the Keys it returns.
 */
export function prefixObjectKeys(client: Pick<S3Client, 'middlewareStack'>, prefix: string): void {
  if (!prefix) return;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = { ...(args.input as Record<string, unknown>) };
      if (typeof input.Key === 'string') input.Key = prefix + input.Key;
      const del = input.Delete as { Objects?: { Key?: string }[] } | undefined;
      if (del?.Objects)
        input.Delete = {
          ...del,
          Objects: del.Objects.map((o) => ({ ...o, Key: prefix + (o.Key ?? '') })),
        };
      const listing = context.commandName === 'ListMultipartUploadsCommand';
      if (listing) {
        input.Prefix = prefix + String(input.Prefix ?? '');
        if (typeof input.KeyMarker === 'string') input.KeyMarker = prefix + input.KeyMarker;
      }
      const result = await next({ ...args, input: input as typeof args.input });
      if (listing) {
        const out = result.output as {
          Uploads?: { Key?: string }[];
          NextKeyMarker?: string;
        };
        const strip = (k: string | undefined) =>
          k?.startsWith(prefix) ? k.slice(prefix.length) : k;
        for (const u of out.Uploads ?? []) u.Key = strip(u.Key);
        out.NextKeyMarker = strip(out.NextKeyMarker);
      }
      return result;
    },
    { step: 'initialize', name: 'telusurStagingKeyPrefix' },
  );
}

/**
 * The tus data store `files.staging` asks for. S3 staging objects live under
 * `s3StagingPrefix` (`<S3_PREFIX>uploads/`): `<sha256>-<16 hex>`, `….info`, `….part`.
 *
 * @throws Error when staging is `s3` without S3 settings or without the optional package
 */
export async function createStagingStore(
  files: FilesConfig,
  blobDir: string,
): Promise<StagingStore> {
  if (files.staging === 's3') {
    if (!files.s3) throw new Error('files.staging is "s3" but no S3 settings are given');
    let mod: { S3Store: new (options: unknown) => StagingStore };
    try {
      mod = await import(S3_STORE_MODULE);
    } catch (e) {
      throw new Error(
        `UPLOAD_STAGING is "s3": install the optional package first (npm install ${S3_STORE_MODULE})`,
        { cause: e },
      );
    }
    const store = new mod.S3Store({
      partSize: 8 * 1024 * 1024,
      expirationPeriodInMilliseconds: files.uploadExpiryMs,
      // Per-process caching of `<id>.info` goes stale across processes (see the module doc).
      cache: new UncachedKvStore(),
      s3ClientConfig: { bucket: files.s3.bucket, ...s3ClientSettings(files.s3) },
    });
    const { client } = s3StoreParts(store);
    prefixObjectKeys(
      client as unknown as Pick<S3Client, 'middlewareStack'>,
      s3StagingPrefix(files.s3),
    );
    return store;
  }
  return new FileStore({
    directory: stagingDirOf(files, blobDir),
    expirationPeriodInMilliseconds: files.uploadExpiryMs,
  });
}

/** What removeS3Staging needs of @tus/s3-store's client (the AWS SDK's aggregated S3 client). */
interface S3StagingClient {
  headObject(input: {
    Bucket: string;
    Key: string;
  }): Promise<{ Metadata?: Record<string, string> | undefined }>;
  abortMultipartUpload(input: { Bucket: string; Key: string; UploadId: string }): Promise<unknown>;
  deleteObjects(input: {
    Bucket: string;
    Delete: { Objects: { Key: string }[]; Quiet?: boolean };
  }): Promise<{ Errors?: { Key?: string; Code?: string; Message?: string }[] | undefined }>;
}

/** @tus/s3-store 2.x keeps its client and bucket as protected fields; removal runs through them. */
export function s3StoreParts(store: StagingStore): { client: S3StagingClient; bucket: string } {
  const s = store as unknown as { client?: S3StagingClient; bucket?: string };
  if (!s.client || !s.bucket) throw new Error('this upload store exposes no S3 client');
  return { client: s.client, bucket: s.bucket };
}

const isMissing = (e: unknown) => {
  const name = (e as { name?: string; Code?: string } | null)?.name;
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  return name === 'NotFound' || name === 'NoSuchKey' || status === 404;
};

/**
 * Remove one upload's staging from the bucket, whatever state it is in: its multipart upload
 * aborted when still open (its id is in `<id>.info`'s metadata), then `<id>`, `<id>.info`
 * and `<id>.part` deleted. Evidence objects are never touched.
 *
 * Written because @tus/s3-store's own remove() cannot remove a FINISHED upload: it aborts
 * the (completed) multipart upload first, S3 answers NoSuchUpload, and remove() throws
 * FILE_NOT_FOUND before its DeleteObjects — every verified photo would stay in staging
 * forever. Here a failed abort (completed, already aborted, or a server without
 * AbortMultipartUpload such as s3rver) never stops the deletion.
 *
 * @throws the S3 error when the objects cannot be deleted (unreachable, access denied)
 */
export async function removeS3Staging(
  client: S3StagingClient,
  bucket: string,
  id: string,
): Promise<void> {
  const [object, info, part] = s3StagingKeys(id);
  let uploadId: string | undefined;
  try {
    uploadId = (await client.headObject({ Bucket: bucket, Key: info })).Metadata?.['upload-id'];
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  if (uploadId) {
    await client
      .abortMultipartUpload({ Bucket: bucket, Key: object, UploadId: uploadId })
      .catch(() => undefined); // completed, gone, or not supported: the objects go anyway
  }
  const r = await client.deleteObjects({
    Bucket: bucket,
    Delete: { Objects: [{ Key: object }, { Key: info }, { Key: part }], Quiet: true },
  });
  const failed = (r.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
  if (failed.length > 0)
    throw new Error(
      `deleting staging objects of upload ${id} failed: ${failed.map((e) => `${e.Key}: ${e.Code} ${e.Message ?? ''}`).join('; ')}`,
    );
}

/**
 * Remove one upload's staging bytes and metadata, whatever the store: the data file and its
 * `.json` from the staging directory, or the three staging objects from the bucket
 * (removeS3Staging). Removing what is already gone is no error.
 *
 * @throws the store's error when something present cannot be removed
 */
export async function removeStaging(
  store: StagingStore,
  files: FilesConfig,
  blobDir: string,
  id: string,
): Promise<void> {
  // Ids come from our naming function (`<sha256>-<16 hex>`); never a path.
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`not an upload id: ${JSON.stringify(id)}`);
  if (files.staging === 's3') {
    const { client, bucket } = s3StoreParts(store);
    await removeS3Staging(client, bucket, id);
    return;
  }
  // FileStore.remove() throws before deleting the .json when the data file is gone; both go here.
  const dir = stagingDirOf(files, blobDir);
  await rm(join(dir, id), { force: true });
  await rm(join(dir, `${id}.json`), { force: true });
}
