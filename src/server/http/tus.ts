import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import type { AppConfig, FilesConfig } from '../config';
import { isSha256 } from '../lib/blob-store';
import { type Lang, Problem, preferredLang, problemBody } from '../problems';
import { EVIDENCE_MIMES, type FilesService } from '../services/files.service';

/** Mount point of the tus endpoint (the app's uploader uses `/api/files/`). */
export const TUS_PATH = '/api/files';
/** Optional dependency for `files.store = 's3'` (not installed by default). */
const S3_STORE_MODULE: string = '@tus/s3-store';

type TusOptions = ConstructorParameters<typeof Server>[0];
type TusRequest = Parameters<NonNullable<TusOptions['onUploadCreate']>>[0];
type Upload = Parameters<NonNullable<TusOptions['onUploadCreate']>>[1];
type DataStore = TusOptions['datastore'];

function problemFor(req: TusRequest, p: Problem): { status_code: number; body: string } {
  const lang: Lang = preferredLang(req.headers.get('accept-language'));
  return { status_code: p.status, body: JSON.stringify(problemBody(p, lang)) };
}

async function createDatastore(files: FilesConfig, blobDir: string): Promise<DataStore> {
  if (files.store === 's3') {
    if (!files.s3) throw new Error('files.store is "s3" but no S3 settings are given');
    let mod: { S3Store: new (options: unknown) => DataStore };
    try {
      mod = await import(S3_STORE_MODULE);
    } catch (e) {
      throw new Error(
        `files.store is "s3": install the optional package first (npm install ${S3_STORE_MODULE})`,
        { cause: e },
      );
    }
    const s3 = files.s3;
    return new mod.S3Store({
      partSize: 8 * 1024 * 1024,
      s3ClientConfig: {
        bucket: s3.bucket,
        region: s3.region,
        ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
        ...(s3.forcePathStyle ? { forcePathStyle: true } : {}),
        ...(s3.accessKeyId && s3.secretAccessKey
          ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
          : {}),
      },
    });
  }
  return new FileStore({ directory: join(blobDir, 'uploads') });
}

/** Bytes of an upload, whatever the store (FileStore returns a stream, S3Store a promise of one). */
async function readUpload(store: DataStore, id: string): Promise<Readable> {
  const reader = (store as unknown as { read?: (id: string) => Readable | Promise<Readable> }).read;
  if (!reader) throw new Error('this upload store cannot read uploads back');
  return reader.call(store, id);
}

/**
 * The resumable evidence upload endpoint (tus 1.0 via @tus/server), mounted in Hono.
 * Upload-Metadata must carry `sha256` and `filetype`; the upload id starts with the hash
 * (`<sha256>-<random>`). When the last byte arrives the file is checked against its hash:
 * a mismatch deletes the upload and answers 422 `hash_mismatch` (problem JSON, which
 * tus-js-client reports and does not retry); a match stores it content-addressed and the
 * upload is removed. A HEAD or PATCH for an upload that is gone but whose file the server
 * holds answers "complete", so a client whose last response was lost finishes cleanly;
 * a HEAD for a finished upload that was never checked (server killed in between) checks
 * it first.
 *
 * @example
 *   const tus = new TusEndpoint(config, blobDir, services.files);
 *   app.all('/api/files/*', (c) => tus.handle(c.req.raw, deviceId));
 */
export class TusEndpoint {
  private server: Promise<{ tus: Server; store: DataStore }> | null = null;
  private readonly devices = new WeakMap<object, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly blobDir: string,
    private readonly files: FilesService,
  ) {}

  private instance(): Promise<{ tus: Server; store: DataStore }> {
    this.server ??= createDatastore(this.config.files, this.blobDir).then((store) => ({
      store,
      tus: this.build(store),
    }));
    return this.server;
  }

  private build(store: DataStore): Server {
    const finalise = (req: TusRequest, upload: Upload) => this.finalise(store, upload, req);
    return new Server({
      path: TUS_PATH,
      datastore: store,
      maxSize: this.config.files.maxBytes,
      relativeLocation: true,
      respectForwardedHeaders: this.config.trustProxy,
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
        return {};
      },
      onUploadFinish: async (req, upload) => {
        const outcome = await finalise(req, upload);
        await store.remove(upload.id).catch(() => undefined);
        if (outcome === 'hash_mismatch') throw problemFor(req, new Problem('hash_mismatch'));
        return {};
      },
      onResponseError: (_req, err) => {
        // Keep our problem bodies; let tus answer its own protocol errors.
        if ('status_code' in err) return { status_code: err.status_code, body: err.body };
        return undefined;
      },
    });
  }

  private finalise(store: DataStore, upload: Upload, req: object) {
    return this.files.finaliseUpload({
      uploadId: upload.id,
      sha256: String(upload.metadata?.sha256 ?? ''),
      mime: String(upload.metadata?.filetype ?? ''),
      deviceId: this.devices.get(req) ?? null,
      read: () => readUpload(store, upload.id),
    });
  }

  /** Answer one tus request of an authenticated tablet. */
  async handle(req: Request, deviceId: string): Promise<Response> {
    const { tus, store } = await this.instance();
    // Uploads are not tied to one tablet; nobody may delete one (tus termination).
    if (req.method === 'DELETE') throw new Problem('route_not_found');
    this.devices.set(req, deviceId);
    if (req.method === 'HEAD' || req.method === 'PATCH') {
      const id = decodeURIComponent(new URL(req.url).pathname.split('/').pop() ?? '');
      if (/^[0-9a-f]{64}-[0-9a-f]{16}$/.test(id)) {
        const upload = await store.getUpload(id).catch(() => null);
        let complete = upload === null;
        if (
          upload &&
          req.method === 'HEAD' &&
          upload.size !== undefined &&
          upload.offset === upload.size
        ) {
          // Finished but never checked (the server stopped between the last byte and the
          // check): check it now. On a mismatch it is gone and the client starts over.
          const outcome = await this.finalise(store, upload, req);
          await store.remove(id).catch(() => undefined);
          complete = outcome !== 'hash_mismatch';
        }
        const held = complete ? await this.files.held(id.slice(0, 64)) : null;
        if (held) {
          const headers = new Headers({
            'Tus-Resumable': '1.0.0',
            'Upload-Offset': String(held.bytes),
            'Upload-Length': String(held.bytes),
            'Cache-Control': 'no-store',
          });
          return new Response(null, { status: req.method === 'HEAD' ? 200 : 204, headers });
        }
      }
    }
    const res = await tus.handleWeb(req);
    if (res.status >= 400 && res.headers.get('content-type') === null) {
      const text = await res.clone().text();
      if (text.startsWith('{')) res.headers.set('content-type', 'application/json; charset=utf-8');
    }
    return res;
  }
}
