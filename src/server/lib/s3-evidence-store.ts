import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config';
import { NETWORK_FAILURE_CODES } from '../db/errors';
import { hashOf, isSha256, writeHashed } from './blob-store';
import {
  type EvidenceStore,
  EvidenceStoreUnavailable,
  type StoredFile,
  type StreamCheck,
} from './evidence-store';

/** The optional package's module (`@aws-sdk/client-s3`), loaded only with FILES_STORE=s3. */
export type S3Sdk = typeof import('@aws-sdk/client-s3');

/**
 * The optional package, named through a variable: the server build leaves it a run-time
 * import (never bundled, never required by a single-machine install).
 */
const S3_SDK_MODULE: string = '@aws-sdk/client-s3';

/** The message when the optional S3 packages are not installed. */
export const S3_PACKAGE_MISSING =
  'FILES_STORE=s3 memerlukan paket @aws-sdk/client-s3: jalankan `npm install @aws-sdk/client-s3 @tus/s3-store` atau setel FILES_STORE=file / ' +
  'FILES_STORE=s3 needs the package @aws-sdk/client-s3: run `npm install @aws-sdk/client-s3 @tus/s3-store` or set FILES_STORE=file';

/**
 * Load `@aws-sdk/client-s3` (an optionalDependency: a single-machine install may leave it
 * out). `importer` exists so a test can name a package that is really absent.
 * @throws Error with S3_PACKAGE_MISSING when it cannot be loaded
 */
export async function loadS3Sdk(
  importer: () => Promise<S3Sdk> = () => import(S3_SDK_MODULE) as Promise<S3Sdk>,
): Promise<S3Sdk> {
  try {
    return await importer();
  } catch (e) {
    throw new Error(S3_PACKAGE_MISSING, { cause: e });
  }
}

export interface S3StoreOptions {
  /** Longest wait for a TCP connection to the endpoint (ms, default 5000). */
  connectionTimeoutMs?: number;
  /** Longest silence on an open request's socket (ms, default 30000). */
  requestTimeoutMs?: number;
  /** Attempts per call, the first included (AWS SDK retries with backoff; default 3). */
  maxAttempts?: number;
  /** Longest a whole probe() may take (ms, default 10000): readiness must answer soon. */
  probeTimeoutMs?: number;
  /**
   * Longest a stat (HEAD) or the start of a download (until S3's answer headers) may take,
   * every retry included (ms, default 10000): a frozen S3 answers 503 files_unavailable
   * within it instead of holding the request for attempts × requestTimeoutMs.
   */
  operationTimeoutMs?: number;
  /** Where uploads are spooled while hashed (default os.tmpdir()). */
  spoolDir?: string;
}

/** The S3 client's settings from S3Config (region, endpoint, credentials, checksums, limits). */
export function s3ClientSettings(cfg: S3Config, opts: S3StoreOptions = {}) {
  const checksums = cfg.checksums === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return {
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    forcePathStyle: cfg.forcePathStyle ?? false,
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
    },
  } as const;
}

/** The S3 error's name / code (AWS SDK v3 sets `name`; HEAD answers have no body, only a status). */
export function s3ErrorName(e: unknown): string {
  if (!e || typeof e !== 'object') return '';
  const o = e as { name?: unknown; Code?: unknown; code?: unknown };
  return String(o.Code ?? o.code ?? o.name ?? '');
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

function isNotFound(e: unknown): boolean {
  const name = s3ErrorName(e);
  return name === 'NotFound' || name === 'NoSuchKey' || httpStatus(e) === 404;
}

/**
 * Verified evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, Garage, s3rver):
 * `<prefix>evidence/<sha[0:2]>/<sha>`, each object with the metadata `sha256` recorded when
 * it was written. A file is written only after its bytes were hashed (spooled to a local
 * temp file first) and counts as stored only when a HEAD afterwards shows its size and
 * hash: an S3-compatible server that kept something else (say an aws-chunked body it did
 * not decode) is caught at write time, not at the first download.
 *
 * @example
 *   const store = await S3EvidenceStore.open(config.files.s3);
 *   await store.probe();
 */
export class S3EvidenceStore implements EvidenceStore {
  readonly kind = 's3' as const;
  private readonly probeTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly spoolDir: string;

  constructor(
    private readonly sdk: S3Sdk,
    readonly client: S3Client,
    readonly config: S3Config,
    opts: S3StoreOptions = {},
  ) {
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 10_000;
    this.operationTimeoutMs = opts.operationTimeoutMs ?? 10_000;
    this.spoolDir = opts.spoolDir ?? tmpdir();
  }

  /**
   * Load the SDK and build the client (no request made yet: call probe()).
   * @throws Error with S3_PACKAGE_MISSING when @aws-sdk/client-s3 is not installed
   */
  static async open(
    cfg: S3Config,
    opts: S3StoreOptions & { importer?: () => Promise<S3Sdk> } = {},
  ): Promise<S3EvidenceStore> {
    const sdk = await loadS3Sdk(opts.importer);
    return new S3EvidenceStore(sdk, new sdk.S3Client(s3ClientSettings(cfg, opts)), cfg, opts);
  }

  get where(): string {
    return `s3://${this.config.bucket}/${this.config.prefix}`;
  }

  /** Object key of a file: `<prefix>evidence/<sha[0:2]>/<sha>`. */
  key(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${this.config.prefix}evidence/${sha256.slice(0, 2)}/${sha256}`;
  }

  /** HEAD: size and recorded hash; null when absent or recorded under another hash. */
  async stat(sha256: string): Promise<StoredFile | null> {
    const key = this.key(sha256);
    try {
      const h = await this.client.send(
        new this.sdk.HeadObjectCommand({ Bucket: this.config.bucket, Key: key }),
        { abortSignal: AbortSignal.timeout(this.operationTimeoutMs) },
      );
      const recorded = h.Metadata?.sha256;
      // Not written by us (or by a writer that skipped the check): not evidence.
      if (recorded !== sha256 || h.ContentLength === undefined) return null;
      return { bytes: h.ContentLength, sha256: recorded };
    } catch (e) {
      if (isNotFound(e)) return null;
      throw this.unavailable(e);
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== null;
  }

  /** GET (with `Range: bytes=0-END` for `range`), its body as a Node stream. */
  async open(sha256: string, range?: { end: number }): Promise<Readable> {
    const key = this.key(sha256);
    // Bounds the wait for S3's answer only: once the body streams, a slow client link must
    // not cut it (the socket's requestTimeoutMs still ends a stalled stream).
    const answered = new AbortController();
    const timer = setTimeout(() => answered.abort(), this.operationTimeoutMs);
    try {
      const r = await this.client.send(
        new this.sdk.GetObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          ...(range ? { Range: `bytes=0-${range.end}` } : {}),
        }),
        { abortSignal: answered.signal },
      );
      clearTimeout(timer);
      const body = r.Body;
      if (body instanceof Readable) return body;
      if (!body) throw new Error(`empty answer for ${key}`);
      // Not Node's http handler (should not happen on Node): a web stream.
      return Readable.fromWeb(
        (body as { transformToWebStream(): ReadableStream }).transformToWebStream() as never,
      );
    } catch (e) {
      if (isNotFound(e)) throw new Error(`evidence file ${sha256} is not in ${this.where}`);
      throw this.unavailable(e);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Hash the stream into a local spool file; on a match upload it (PutObject with its
   * length and `sha256` metadata) unless the bucket holds it already, then confirm by HEAD.
   * @throws EvidenceStoreUnavailable when S3 cannot be reached; Error when the bucket did
   *   not keep the bytes that were sent (see S3_CHECKSUMS)
   */
  async putStream(source: Readable, expected: string): Promise<StreamCheck> {
    const spool = join(
      this.spoolDir,
      `telusur-s3-${process.pid}-${randomBytes(8).toString('hex')}`,
    );
    try {
      const { sha256, bytes } = await writeHashed(source, spool);
      if (sha256 !== expected) return { ok: false, sha256, bytes };
      if ((await this.stat(sha256))?.bytes === bytes) return { ok: true, sha256, bytes };
      await this.put(sha256, bytes, () => createReadStream(spool));
      return { ok: true, sha256, bytes };
    } finally {
      await rm(spool, { force: true });
    }
  }

  /** Hash a stream without keeping it (nothing is sent to S3). */
  async verifyStream(source: Readable, expected: string): Promise<StreamCheck> {
    const { sha256, bytes } = await hashOf(source);
    return { ok: sha256 === expected, sha256, bytes };
  }

  /** Store bytes already checked against `sha256`; a no-op when the bucket holds them. */
  async putBytes(bytes: Uint8Array, sha256: string): Promise<void> {
    if ((await this.stat(sha256))?.bytes === bytes.byteLength) return;
    await this.put(sha256, bytes.byteLength, () => Buffer.from(bytes));
  }

  /**
   * HeadBucket, then write, read back and delete `<prefix>probe/<pid>-<random>`, all within
   * probeTimeoutMs.
   * @throws the SDK's error (AccessDenied, InvalidAccessKeyId, NoSuchBucket / NotFound,
   *   ECONNREFUSED, TimeoutError…): explainS3Error turns it into a sentence
   */
  async probe(): Promise<void> {
    const signal = AbortSignal.timeout(this.probeTimeoutMs);
    const Bucket = this.config.bucket;
    const Key = `${this.config.prefix}probe/${process.pid}-${randomBytes(6).toString('hex')}`;
    const body = `ready ${Key}`;
    await this.client.send(new this.sdk.HeadBucketCommand({ Bucket }), { abortSignal: signal });
    // Streamed, as uploads are: with S3_CHECKSUMS=when_supported the SDK then sends it
    // aws-chunked, and a server that does not decode that is caught here, at start-up.
    await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket,
        Key,
        Body: Readable.from([Buffer.from(body)]),
        ContentLength: Buffer.byteLength(body),
      }),
      { abortSignal: signal },
    );
    try {
      const r = await this.client.send(new this.sdk.GetObjectCommand({ Bucket, Key }), {
        abortSignal: signal,
      });
      const back = (await r.Body?.transformToString()) ?? '';
      if (back !== body)
        throw new Error(
          `S3 menyimpan ${Buffer.byteLength(back)} byte untuk ${Buffer.byteLength(body)} yang dikirim: setel S3_CHECKSUMS=when_required / ` +
            `S3 stored ${Buffer.byteLength(back)} bytes for the ${Buffer.byteLength(body)} sent (it does not decode aws-chunked checksums): set S3_CHECKSUMS=when_required`,
        );
    } finally {
      await this.client.send(new this.sdk.DeleteObjectCommand({ Bucket, Key }), {
        abortSignal: signal,
      });
    }
  }

  /** Close the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }

  /** PutObject, then HEAD: the object must have the size and hash that were sent. */
  private async put(sha256: string, bytes: number, body: () => Readable | Buffer): Promise<void> {
    try {
      await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.config.bucket,
          Key: this.key(sha256),
          Body: body(),
          ContentLength: bytes,
          ContentType: 'application/octet-stream',
          Metadata: { sha256 },
        }),
      );
    } catch (e) {
      throw this.unavailable(e);
    }
    const kept = await this.stat(sha256);
    if (kept?.bytes !== bytes) {
      // Nothing wrong may stay under the hash (best effort: the error below says why).
      await this.client
        .send(
          new this.sdk.DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.key(sha256) }),
        )
        .catch(() => undefined);
      throw new Error(
        `S3 did not keep the bytes sent for ${sha256}: ${bytes} bytes sent, ${kept ? `${kept.bytes} stored` : 'nothing stored'} ` +
          `(an S3-compatible server that does not decode aws-chunked checksums needs S3_CHECKSUMS=when_required)`,
      );
    }
  }

  private unavailable(e: unknown): Error {
    if (e instanceof EvidenceStoreUnavailable) return e;
    return new EvidenceStoreUnavailable(`${this.where}: ${explainS3Error(e, this.config)}`, {
      cause: e,
    });
  }
}

/** Network failures: the endpoint does not answer (or not in time). */
const UNREACHABLE = new Set([
  ...NETWORK_FAILURE_CODES,
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
]);

/**
 * One sentence (Indonesian / English) naming the setting to check for an S3 error: the
 * credentials for AccessDenied / InvalidAccessKeyId / SignatureDoesNotMatch, S3_BUCKET for
 * NoSuchBucket, S3_ENDPOINT when it cannot be reached, else the error itself.
 */
export function explainS3Error(e: unknown, cfg: S3Config): string {
  const name = s3ErrorName(e);
  const status = httpStatus(e);
  const cause = (e as { cause?: unknown } | null)?.cause;
  const code = s3ErrorName(cause) || name;
  const target = cfg.endpoint ? `S3_ENDPOINT=${cfg.endpoint}` : `AWS S3 (${cfg.region})`;
  // A HEAD answer has no body to name the error: the SDK calls it "Unknown".
  const label = name && name !== 'Unknown' ? name : `HTTP ${status}`;
  if (
    ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden'].includes(name) ||
    status === 403
  )
    return (
      `S3 menolak akses ke bucket "${cfg.bucket}" (${label}): periksa S3_ACCESS_KEY_ID dan S3_SECRET_ACCESS_KEY / ` +
      `S3 refused access to bucket "${cfg.bucket}" (${label}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`
    );
  if (name === 'NoSuchBucket' || (status === 404 && (name === 'NotFound' || name === '')))
    return (
      `bucket S3_BUCKET="${cfg.bucket}" tidak ada di ${target} / ` +
      `bucket S3_BUCKET="${cfg.bucket}" does not exist at ${target}`
    );
  if (UNREACHABLE.has(code) || UNREACHABLE.has(name))
    return (
      `${target} tidak dapat dihubungi (${code || name || String(e)}): periksa S3_ENDPOINT / S3_REGION dan jaringan / ` +
      `${target} cannot be reached (${code || name || String(e)}): check S3_ENDPOINT / S3_REGION and the network`
    );
  const text = e instanceof Error ? e.message : String(e);
  if (status === undefined) return text;
  return `S3 menjawab / S3 answered ${label} (HTTP ${status}): ${text}`;
}
