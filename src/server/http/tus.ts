import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ERRORS, type Lock, type Locker, MemoryLocker, Server } from '@tus/server';
import { evidenceLimitBytes } from '../../core';
import type { AppConfig } from '../config';
import { isSha256, probeDirectory } from '../lib/blob-store';
import type { Logger } from '../ops/logger';
import { type Lang, Problem, preferredLang, problemBody } from '../problems';
import {
  EVIDENCE_MIMES,
  evidenceTooLarge,
  type FilesService,
  type FinaliseOutcome,
} from '../services/files.service';
import {
  createStagingStore,
  removeStaging,
  type StagingStore,
  s3StoreParts,
  stagingDirOf,
} from './tus-staging';

/** Mount point of the tus endpoint (the app's uploader uses `/api/files/`). */
export const TUS_PATH = '/api/files';
/**
 * tus extensions this endpoint honours, and so the only ones it advertises (Tus-Extension):
 * creation (also with the first bytes in the POST), termination by the uploader, and
 * expiration (Upload-Expires; refused with 410 afterwards, staging deleted on a schedule).
 * Not creation-defer-length: every evidence file's size is known, and the per-tablet cap
 * counts declared sizes.
 */
export const TUS_EXTENSIONS: readonly string[] = [
  'creation',
  'creation-with-upload',
  'termination',
  'expiration',
];
/** Upload ids are `<sha256>-<16 hex>` (see namingFunction); nothing else is ever served. */
const UPLOAD_ID = /^[0-9a-f]{64}-[0-9a-f]{16}$/;
/** The id tus itself reads from a request URL (BaseHandler's rule), so both agree. */
const URL_ID = /([^/]+)\/?$/;

type TusOptions = ConstructorParameters<typeof Server>[0];
type TusRequest = Parameters<NonNullable<TusOptions['onUploadCreate']>>[0];
type Upload = Parameters<NonNullable<TusOptions['onUploadCreate']>>[1];
type DataStore = StagingStore;

/** Options of a TusEndpoint beyond the app's configuration. */
export interface TusEndpointOptions {
  /**
   * The upload lock (tus Locker). Default: tus's MemoryLocker, right for one process
   * (SQLite). Several processes on one PostgreSQL pass a PgAdvisoryLocker
   * (http/tus-locker.ts), so a PATCH on one process waits for (and can end) a PATCH of the
   * same upload on another, and only one process finalises an upload.
   */
  locker?: Locker;
  /** Where a staging removal that failed is reported (default: the console). */
  log?: Pick<Logger, 'warn'>;
}

/** The tablet behind a tus request: its device and verifier (uploads belong to the verifier). */
export interface Uploader {
  deviceId: string;
  verifierId: string;
}

function problemFor(req: TusRequest, p: Problem): { status_code: number; body: string } {
  const lang: Lang = preferredLang(req.headers.get('accept-language'));
  return { status_code: p.status, body: JSON.stringify(problemBody(p, lang)) };
}

/** The `filetype` of a tus Upload-Metadata header ("key base64,key base64"); '' when absent. */
function declaredType(header: string | null): string {
  for (const pair of (header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key === 'filetype' && value) return Buffer.from(value, 'base64').toString('utf8');
  }
  return '';
}

function problemResponse(req: Request, p: Problem): Response {
  const lang: Lang = preferredLang(req.headers.get('accept-language'));
  return new Response(JSON.stringify(problemBody(p, lang)), {
    status: p.status,
    headers: {
      'Tus-Resumable': '1.0.0',
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    },
  });
}

/** Bytes for a message: `3 KiB`, `12.5 MiB`. */
const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
    : `${Math.ceil(bytes / 1024)} KiB`;

/** Bytes of an upload, whatever the store (FileStore returns a stream, S3Store a promise of one). */
async function readUpload(store: DataStore, id: string): Promise<Readable> {
  const reader = (store as unknown as { read?: (id: string) => Readable | Promise<Readable> }).read;
  if (!reader) throw new Error('this upload store cannot read uploads back');
  return reader.call(store, id);
}

/** The upload id a request names (as tus reads it), when it is one of ours; else null. */
function uploadIdOf(req: Request): string | null {
  const m = URL_ID.exec(req.url);
  if (!m) return null;
  try {
    const id = decodeURIComponent(m[1] as string);
    return UPLOAD_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * The resumable evidence upload endpoint (tus 1.0 via @tus/server), mounted in Hono.
 * Upload-Metadata must carry `sha256` and `filetype`; the upload id starts with the hash
 * (`<sha256>-<random>`). When the last byte arrives the file is checked against its hash:
 * a mismatch deletes the upload and answers 422 `hash_mismatch` (problem JSON, which
 * tus-js-client reports and does not retry); a match stores it content-addressed, records
 * the tablet as a holder of the file, and the upload is removed.
 *
 * An upload belongs to the verifier whose tablet created it: only that verifier's tablets
 * may resume (HEAD, PATCH) or terminate (DELETE) it; anyone else gets 404. A HEAD or PATCH
 * for an upload that is gone but whose file this verifier's tablets hold answers
 * "complete", so a client whose last response was lost finishes cleanly; a HEAD for a
 * finished upload that was never checked (server killed in between) checks it first.
 *
 * Unfinished uploads expire `files.uploadExpiryMs` after creation (Upload-Expires; 410
 * afterwards); `cleanupExpired()` deletes their staging bytes, and `startCleanup()` runs
 * it on a schedule. A tablet's open uploads may declare at most
 * `files.maxOpenBytesPerDevice` bytes together (413 `upload_quota` beyond).
 *
 * Several processes: staging shared (a directory all see, or S3; see tus-staging.ts) and
 * `options.locker` shared (PgAdvisoryLocker): tus's own requests take the upload's lock,
 * and so does finalising (the last PATCH's check, and a HEAD's check of a finished upload
 * never checked), so two processes never check and remove one upload at once.
 *
 * @example
 *   const tus = new TusEndpoint(config, blobDir, services.files, { locker });
 *   const stop = tus.startCleanup();
 *   app.all('/api/files/*', (c) => tus.handle(c.req.raw, { deviceId, verifierId }));
 *   // on shutdown: stop();
 */
export class TusEndpoint {
  private server: Promise<{ tus: Server; store: DataStore }> | null = null;
  private readonly uploaders = new WeakMap<object, Uploader>();
  /**
   * Per request: an upload finished in it, with the upload's lock (held from the check until
   * tus has answered), and whether the check ran (then the upload is removed; when the check
   * failed its staging stays, for a HEAD to check it again).
   */
  private readonly finished = new WeakMap<object, { id: string; lock: Lock; checked: boolean }>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private sweeping: Promise<number> | null = null;
  /** The upload lock: tus's requests and finalising take it (see TusEndpointOptions.locker). */
  readonly locker: Locker;
  private readonly log: Pick<Logger, 'warn'> | null;

  constructor(
    private readonly config: AppConfig,
    private readonly blobDir: string,
    private readonly files: FilesService,
    options: TusEndpointOptions = {},
  ) {
    this.locker = options.locker ?? new MemoryLocker();
    this.log = options.log ?? null;
  }

  private instance(): Promise<{ tus: Server; store: DataStore }> {
    this.server ??= createStagingStore(this.config.files, this.blobDir).then((store) => {
      // Advertise (and accept) only what this endpoint honours.
      store.extensions = store.extensions.filter((e) => TUS_EXTENSIONS.includes(e));
      return { store, tus: this.build(store) };
    });
    return this.server;
  }

  private build(store: DataStore): Server {
    const finalise = (req: TusRequest, upload: Upload) => this.finalise(store, upload, req);
    const files = this.config.files;
    return new Server({
      path: TUS_PATH,
      datastore: store,
      locker: this.locker,
      maxSize: files.maxBytes,
      relativeLocation: true,
      respectForwardedHeaders: this.config.trustProxy > 0,
      // A finished upload is being checked or is gone already.
      disableTerminationForFinishedUploads: true,
      namingFunction: (req, metadata) => {
        const sha = metadata?.sha256 ?? '';
        const type = metadata?.filetype ?? '';
        if (!isSha256(sha) || !EVIDENCE_MIMES.has(type)) {
          throw problemFor(req, new Problem('upload_metadata'));
        }
        return `${sha}-${randomBytes(8).toString('hex')}`;
      },
      onUploadCreate: async (req, upload) => {
        if (!upload.size || upload.size <= 0) throw problemFor(req, new Problem('upload_metadata'));
        // Each kind of file has its own limit (core's table, which the tablet's picker also
        // reads): a PDF is refused above its limit, not only above the largest of all kinds.
        const type = String(upload.metadata?.filetype ?? '');
        const limit = evidenceLimitBytes(type, 'stored');
        if (limit !== null && upload.size > limit)
          throw problemFor(req, evidenceTooLarge(type, limit));
        const who = this.uploaders.get(req);
        if (!who) throw problemFor(req, new Problem('forbidden'));
        const createdAt = Date.parse(upload.creation_date ?? '') || Date.now();
        // Counted first, then summed with everything open: of two parallel uploads that
        // together exceed the cap, neither slips through unseen.
        await this.files.openUpload({
          id: upload.id,
          deviceId: who.deviceId,
          verifierId: who.verifierId,
          bytes: upload.size,
          createdAt,
        });
        const open = await this.files.openUploadBytes(
          who.deviceId,
          Date.now() - files.uploadExpiryMs,
        );
        if (open > files.maxOpenBytesPerDevice) {
          await this.files.closeUpload(upload.id);
          throw problemFor(
            req,
            new Problem('upload_quota', {
              open: size(open - upload.size),
              size: size(upload.size),
              limit: size(files.maxOpenBytesPerDevice),
            }),
          );
        }
        return {};
      },
      onUploadFinish: async (req, upload) => {
        // tus has released the upload's lock by now; take it again so no other process
        // checks (or removes) this upload at the same time.
        let lock: Lock;
        try {
          lock = await this.lockUpload(upload.id);
        } catch (e) {
          if (e === ERRORS.ERR_LOCK_TIMEOUT) throw problemFor(req, new Problem('upload_locked'));
          throw e;
        }
        // Removed (and unlocked) after tus has answered: it still reads the upload for its response.
        const entry = { id: upload.id, lock, checked: false };
        this.finished.set(req, entry);
        let outcome: FinaliseOutcome | null = null;
        if (await this.files.findUpload(upload.id)) outcome = await finalise(req, upload);
        else {
          // Another process checked it while this one waited: its outcome is in the database.
          const who = this.uploaders.get(req);
          const held =
            who && (await this.files.heldFor(upload.id.slice(0, 64), who.deviceId, who.verifierId));
          outcome = held ? 'already_held' : 'hash_mismatch';
        }
        entry.checked = true;
        if (outcome === 'hash_mismatch') throw problemFor(req, new Problem('hash_mismatch'));
        return {};
      },
      onResponseError: (req, err) => {
        // tus refuses a length above the largest of all kinds before our hooks run: say it
        // as the same problem, with the limit of the declared kind.
        if ('status_code' in err && err.status_code === 413 && !err.body.startsWith('{')) {
          const type = declaredType(req.headers.get('upload-metadata'));
          const limit = Math.min(
            evidenceLimitBytes(type, 'stored') ?? files.maxBytes,
            files.maxBytes,
          );
          return problemFor(req, evidenceTooLarge(type, limit));
        }
        // The upload is busy elsewhere past the lock timeout: a retryable 423, not a 500.
        if (err === ERRORS.ERR_LOCK_TIMEOUT) return problemFor(req, new Problem('upload_locked'));
        // Keep our problem bodies; let tus answer its own protocol errors.
        if ('status_code' in err) return { status_code: err.status_code, body: err.body };
        // Anything else failed in the staging or evidence store (S3 unreachable, a call the
        // server lacks, a full disk): logged with its cause, answered as a retryable problem
        // instead of tus's bare 500 that says nothing to the tablet or the operator.
        const line = { err, method: req.method, url: req.url };
        if (this.log) this.log.warn(line, 'upload failed in the file store');
        else console.warn('[telusur] upload failed in the file store:', err);
        return problemFor(req, new Problem('files_unavailable'));
      },
    });
  }

  private finalise(store: DataStore, upload: Upload, req: object) {
    return this.files.finaliseUpload({
      uploadId: upload.id,
      sha256: String(upload.metadata?.sha256 ?? ''),
      mime: String(upload.metadata?.filetype ?? ''),
      deviceId: this.uploaders.get(req)?.deviceId ?? null,
      read: () => readUpload(store, upload.id),
    });
  }

  /**
   * Take an upload's lock outside tus's own requests (finalising a finished upload), in
   * whichever process holds it now. Like any waiter it asks the holder to release (no PATCH
   * writes a finished upload: holders are short reads, or another check, which ignores the
   * request); its own check is never cut short by others.
   * @throws ERRORS.ERR_LOCK_TIMEOUT after the locker's timeout
   */
  private async lockUpload(id: string): Promise<Lock> {
    const lock = this.locker.newLock(id);
    await lock.lock(new AbortController().signal, () => undefined);
    return lock;
  }

  /**
   * Remove an upload's staging (data and metadata: file + `.json`, or the three S3 objects;
   * see removeStaging) and forget it (finished, terminated or expired). When the staging
   * cannot be removed now the upload stays recorded, so the expiry sweep tries again.
   */
  private async discard(store: DataStore, id: string): Promise<void> {
    try {
      await removeStaging(store, this.config.files, this.blobDir, id);
    } catch (err) {
      // Kept on record: the sweep retries once the upload has expired.
      if (this.log) this.log.warn({ err, uploadId: id }, 'removing upload staging failed');
      else console.warn(`[telusur] removing upload staging of ${id} failed:`, err);
      return;
    }
    await this.files.closeUpload(id);
  }

  /**
   * Is the upload staging store usable right now (readiness)? The file store: a probe file
   * written into and removed from its directory (`<blobDir>/uploads`). The S3 store: a
   * HeadBucket through the store's own S3 client (cheap, no object touched; it checks the
   * endpoint, the credentials and that the bucket exists).
   * @throws the store's error when it is not usable (or the S3 store cannot be loaded).
   */
  async checkStaging(): Promise<void> {
    const { store } = await this.instance();
    if (this.config.files.staging !== 's3')
      return probeDirectory(stagingDirOf(this.config.files, this.blobDir));
    // Through exactly the client uploads use.
    const { client, bucket } = s3StoreParts(store);
    const head = (client as { headBucket?: (input: { Bucket: string }) => Promise<unknown> })
      .headBucket;
    if (!head) throw new Error('this S3 store exposes no client to check the bucket with');
    await head.call(client, { Bucket: bucket });
  }

  /**
   * Start-up check of the staging store, more thorough than readiness: besides
   * checkStaging, an S3 staging bucket must support the multipart calls @tus/s3-store makes
   * (CreateMultipartUpload, ListParts on every resume, AbortMultipartUpload on termination,
   * ListMultipartUploads for expiry). Several S3-compatible servers lack some (s3rver:
   * ListParts, AbortMultipartUpload, ListMultipartUploads); without this check the server
   * would start "ready" and answer 500 to every upload.
   * @throws Error, one line in Indonesian and English, naming the missing call and the
   *   alternative (UPLOAD_STAGING=file with a shared UPLOAD_STAGING_DIR)
   */
  async checkStagingAtStart(): Promise<void> {
    await this.checkStaging();
    if (this.config.files.staging !== 's3') return;
    const { store } = await this.instance();
    const { client, bucket } = s3StoreParts(store);
    type Call = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;
    const c = client as unknown as Record<string, Call | undefined>;
    const call = async (name: string, input: Record<string, unknown>) => {
      const fn = c[name];
      if (!fn) throw new Error(`the S3 client has no ${name}`);
      try {
        return await fn.call(client, { Bucket: bucket, ...input });
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const what = `${name[0]?.toUpperCase()}${name.slice(1)}`;
        throw new Error(
          `UPLOAD_STAGING=s3: server S3 tidak mendukung ${what} (HTTP ${status ?? '?'}) yang diperlukan unggahan berlanjut; pakai UPLOAD_STAGING=file dengan UPLOAD_STAGING_DIR bersama / ` +
            `UPLOAD_STAGING=s3: the S3 server does not support ${what} (HTTP ${status ?? '?'}), which resumable uploads need; use UPLOAD_STAGING=file with a shared UPLOAD_STAGING_DIR`,
          { cause: e },
        );
      }
    };
    await call('listMultipartUploads', { MaxUploads: 1 });
    const Key = `.probe-${process.pid}-${randomBytes(6).toString('hex')}`;
    const created = await call('createMultipartUpload', { Key });
    const UploadId = created.UploadId;
    try {
      await call('listParts', { Key, UploadId });
    } catch (e) {
      await call('abortMultipartUpload', { Key, UploadId }).catch(() => undefined);
      throw e;
    }
    await call('abortMultipartUpload', { Key, UploadId });
  }

  /** Answer one tus request of an authenticated tablet. */
  async handle(req: Request, who: Uploader): Promise<Response> {
    const { tus, store } = await this.instance();
    this.uploaders.set(req, who);
    // Not advertised, so refused as a client error (tus itself would answer 501).
    if (req.method === 'POST' && req.headers.has('upload-defer-length'))
      return problemResponse(req, new Problem('upload_length'));
    if (req.method !== 'POST' && req.method !== 'OPTIONS') {
      const id = uploadIdOf(req);
      if (!id)
        return problemResponse(
          req,
          new Problem('not_found', { what: 'Unggahan', whatEn: 'Upload' }),
        );
      const open = await this.files.findUpload(id);
      if (open && open.verifierId !== who.verifierId) {
        // Somebody else's upload: not theirs to see, resume or end.
        return problemResponse(
          req,
          new Problem('not_found', { what: 'Unggahan', whatEn: 'Upload' }),
        );
      }
      if (!open) {
        // Finished and removed, expired and swept, or never this verifier's.
        const held =
          req.method === 'HEAD' || req.method === 'PATCH'
            ? await this.files.heldFor(id.slice(0, 64), who.deviceId, who.verifierId)
            : null;
        if (held) {
          const headers = new Headers({
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': String(held.bytes),
            'Upload-Length': String(held.bytes),
            'Cache-Control': 'no-store',
          });
          return new Response(null, { status: req.method === 'HEAD' ? 200 : 204, headers });
        }
        return problemResponse(
          req,
          new Problem('not_found', { what: 'Unggahan', whatEn: 'Upload' }),
        );
      }
      if (req.method === 'HEAD') {
        const complete = (u: Upload | null): u is Upload =>
          !!u && u.size !== undefined && u.offset === u.size;
        const upload = await store.getUpload(id).catch(() => null);
        if (complete(upload)) {
          // Finished but never checked (the server stopped between the last byte and the
          // check): check it now, under the upload's lock (another process may be checking
          // it too). On a mismatch it is gone and the client starts over.
          let lock: Lock;
          try {
            lock = await this.lockUpload(id);
          } catch (e) {
            if (e === ERRORS.ERR_LOCK_TIMEOUT)
              return problemResponse(req, new Problem('upload_locked'));
            throw e;
          }
          let outcome: FinaliseOutcome | null = null;
          try {
            // Looked at again under the lock: another process may have finished it meanwhile.
            const still = (await this.files.findUpload(id))
              ? await store.getUpload(id).catch(() => null)
              : null;
            if (complete(still)) {
              outcome = await this.finalise(store, still, req);
              await this.discard(store, id);
            }
          } finally {
            await lock.unlock();
          }
          const held =
            outcome === 'hash_mismatch'
              ? null
              : await this.files.heldFor(id.slice(0, 64), who.deviceId, who.verifierId);
          if (!held)
            return problemResponse(
              req,
              new Problem('not_found', { what: 'Unggahan', whatEn: 'Upload' }),
            );
          return new Response(null, {
            status: 200,
            headers: {
              'Tus-Resumable': '1.0.0',
              'Upload-Offset': String(held.bytes),
              'Upload-Length': String(held.bytes),
              'Cache-Control': 'no-store',
            },
          });
        }
      }
    }
    let res: Response;
    try {
      res = await tus.handleWeb(req);
    } finally {
      const done = this.finished.get(req);
      if (done) {
        try {
          if (done.checked) await this.discard(store, done.id);
        } finally {
          await done.lock.unlock();
        }
      }
    }
    const id = uploadIdOf(req);
    if (id && req.method === 'DELETE' && [204, 404, 410].includes(res.status)) {
      // Terminated: tus's own store removal leaves pieces (the S3 store keeps `<id>.part`),
      // so the whole staging goes here (kept on record if that fails: the sweep retries).
      await this.discard(store, id);
    }
    if (id && res.status === 410) await this.discard(store, id); // expired: free it now
    if (res.status >= 400 && res.headers.get('content-type') === null) {
      const text = await res.clone().text();
      if (text.startsWith('{')) res.headers.set('content-type', 'application/json; charset=utf-8');
    }
    return res;
  }

  /**
   * Delete the staging bytes of every upload that expired (created more than
   * `files.uploadExpiryMs` ago, by the wall clock tus judges expiry with) and forget it;
   * then let the store sweep uploads it holds without a record. Safe to call at any time;
   * concurrent calls share one sweep.
   *
   * @returns how many uploads were removed
   */
  cleanupExpired(): Promise<number> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async sweep(): Promise<number> {
    const { tus, store } = await this.instance();
    const before = Date.now() - this.config.files.uploadExpiryMs;
    let removed = 0;
    for (;;) {
      const ids = await this.files.expiredUploads(before, 500);
      for (const id of ids) {
        await this.discard(store, id);
        removed++;
      }
      if (ids.length < 500) break;
    }
    try {
      removed += await tus.cleanUpExpiredUploads();
    } catch {
      // A store that cannot list its uploads (the S3 store relies on bucket expiry rules).
    }
    return removed;
  }

  /**
   * Run `cleanupExpired` now and every `files.cleanupIntervalMs` (0 = never) until the
   * returned function (or `stopCleanup`) is called. The timer does not keep the process
   * alive; failures are logged (to `log`, else the console), never thrown.
   */
  startCleanup(log?: Pick<Logger, 'error'>): () => void {
    const every = this.config.files.cleanupIntervalMs;
    if (this.timer === null && every > 0) {
      const run = () => {
        this.cleanupExpired().catch((e) => {
          if (log) log.error({ err: e }, 'deleting expired uploads failed');
          else console.error('[telusur] deleting expired uploads failed:', e);
        });
      };
      run();
      this.timer = setInterval(run, every);
      this.timer.unref?.();
    }
    return () => this.stopCleanup();
  }

  /** Stop the scheduled cleanup (server shutdown). */
  stopCleanup(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Resolves when no cleanup sweep is running (at once when none is), whatever its outcome:
   * shutdown waits for it before closing the database the sweep writes to.
   */
  async settled(): Promise<void> {
    await this.sweeping?.catch(() => undefined);
  }
}
