import type { Readable } from 'node:stream';
import { ENTITY_FIELDS } from '../../core';
import type { Principal } from '../domain';
import type { BlobStore } from '../lib/blob-store';
import { isSha256 } from '../lib/blob-store';
import { Problem } from '../problems';
import type { HeldFile } from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';

/** MIME types of evidence files (core's evidenceFile.mime). */
export const EVIDENCE_MIMES: ReadonlySet<string> = new Set(ENTITY_FIELDS.evidenceFile.mime.options);

export type FinaliseOutcome = 'stored' | 'already_held' | 'hash_mismatch';

export interface ServedFile {
  sha256: string;
  mime: string;
  /** File name for Content-Disposition (the evidence record's name, else the hash). */
  name: string;
  bytes: number;
  open(): Readable;
}

/**
 * Evidence files: a file counts only after its SHA-256 was checked; then it is stored
 * content-addressed (BlobStore) and listed in `files`. Uploads arrive through tus
 * (http/tus.ts) or inside a tablet's export file (bundles).
 */
export class FilesService extends BaseService {
  private readonly finalising = new Map<string, Promise<FinaliseOutcome>>();

  constructor(
    deps: ServiceDeps,
    readonly blobs: BlobStore,
  ) {
    super(deps);
  }

  held(sha256: string): Promise<HeldFile | null> {
    return isSha256(sha256) ? this.repos.files.find(sha256) : Promise.resolve(null);
  }

  /**
   * Check a finished upload's bytes against the SHA-256 the tablet declared and keep them
   * if they match. Idempotent and safe to run twice at once (one run per upload id).
   */
  finaliseUpload(input: {
    uploadId: string;
    sha256: string;
    mime: string;
    deviceId: string | null;
    read: () => Promise<Readable>;
  }): Promise<FinaliseOutcome> {
    const running = this.finalising.get(input.uploadId);
    if (running) return running;
    const run = this.doFinalise(input).finally(() => this.finalising.delete(input.uploadId));
    this.finalising.set(input.uploadId, run);
    return run;
  }

  private async doFinalise(input: {
    sha256: string;
    mime: string;
    deviceId: string | null;
    read: () => Promise<Readable>;
  }): Promise<FinaliseOutcome> {
    if ((await this.repos.files.find(input.sha256)) && (await this.blobs.has(input.sha256)))
      return 'already_held';
    const r = await this.blobs.putStream(await input.read(), input.sha256);
    if (!r.ok) return 'hash_mismatch';
    await this.repos.files.insert({
      sha256: input.sha256,
      bytes: r.bytes,
      mime: input.mime,
      receivedAt: this.now(),
      receivedByDevice: input.deviceId,
    });
    return 'stored';
  }

  /**
   * A held file for reading: coordinators and viewers see every file; a verifier only files
   * of evidence records in its assigned assessments. Type and name come from the evidence
   * record the caller may see.
   */
  async describe(
    sha256: string,
    principal: Principal,
    scope: () => Promise<string[]>,
  ): Promise<ServedFile> {
    const notFound = () => new Problem('not_found', { what: 'Berkas', whatEn: 'File' });
    if (!isSha256(sha256)) throw notFound();
    const file = await this.repos.files.find(sha256);
    if (!file || !(await this.blobs.has(sha256))) throw notFound();
    let refs = await this.repos.sync.evidenceByHash(sha256);
    if (principal.account.role === 'verifier') {
      const mine = new Set(await scope());
      const visible = refs.filter((r) => mine.has(r.assessmentId));
      if (visible.length === 0) throw refs.length > 0 ? new Problem('not_assigned') : notFound();
      refs = visible;
    }
    const record = refs[0];
    let mime = file.mime;
    let name = sha256;
    if (record) {
      const fields = await this.repos.sync.fieldsOfRecords([record.recordId]);
      const value = (f: string) =>
        fields.find((x) => x.entity === 'evidenceFile' && x.field === f)?.value;
      const m = value('mime');
      if (typeof m === 'string' && EVIDENCE_MIMES.has(m)) mime = m;
      const n = value('name');
      if (typeof n === 'string' && n.trim()) name = n.trim();
    }
    if (!EVIDENCE_MIMES.has(mime)) mime = 'application/octet-stream';
    return { sha256, mime, name, bytes: file.bytes, open: () => this.blobs.open(sha256) };
  }
}
