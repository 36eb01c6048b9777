import type { Readable } from 'node:stream';
import {
  ENTITY_FIELDS,
  EVIDENCE_FORMATS,
  evidenceKindOf,
  evidenceKindPhrase,
  formatLimit,
} from '../../core';
import type { OpenUpload } from '../db/files.repository';
import type { Principal } from '../domain';
import { isSha256 } from '../lib/blob-store';
import type { EvidenceStore } from '../lib/evidence-store';
import { mapLimit } from '../lib/map-limit';
import { Problem } from '../problems';
import type { HeldFile } from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';

/** MIME types of evidence files (core's evidenceFile.mime). */
export const EVIDENCE_MIMES: ReadonlySet<string> = new Set(ENTITY_FIELDS.evidenceFile.mime.options);

/**
 * `413 evidence_too_large` for a file of MIME type `type` over `limit` bytes, naming its kind
 * as a sentence reads it ("Berkas dokumen (DOCX, ODT) terlalu besar (maks. 20 MB).").
 */
export function evidenceTooLarge(type: string, limit: number): Problem {
  const kind = evidenceKindOf(type) ?? 'photo';
  return new Problem('evidence_too_large', {
    kind: evidenceKindPhrase(kind, 'id'),
    kindEn: evidenceKindPhrase(kind, 'en'),
    limit: formatLimit(limit),
  });
}

export type FinaliseOutcome = 'stored' | 'already_held' | 'hash_mismatch';

export interface ServedFile {
  sha256: string;
  mime: string;
  /**
   * File name for Content-Disposition: the name in the evidence record being viewed, else
   * the one name every candidate record agrees on, else `<sha256>.<ext>`.
   */
  name: string;
  bytes: number;
  /** The evidence record name and type were taken from (null: none, or no single one). */
  recordId: string | null;
  /** The file's bytes, streamed from the evidence store; `range.end` (inclusive) reads only the start. */
  open(range?: { end: number }): Promise<Readable>;
}

/** Store stat calls (S3 HEADs) one request has in flight at most: receipts list dozens. */
const STAT_CONCURRENCY = 8;

const EXTENSIONS: Record<string, string> = Object.fromEntries(
  Object.entries(EVIDENCE_FORMATS).map(([mime, f]) => [mime, f.ext]),
);

/**
 * Evidence files: a file counts only after its SHA-256 was checked; then it is stored
 * content-addressed in the evidence store (local directory or S3) and listed in `files`, and the tablet that proved it has
 * the bytes is recorded as a holder (`file_holders`). Uploads arrive through tus
 * (http/tus.ts) or inside a tablet's export file (bundles). Knowing a hash is not a key to
 * a file: an evidence record grants its file only when its author holds that file.
 */
export class FilesService extends BaseService {
  private readonly finalising = new Map<string, Promise<FinaliseOutcome>>();

  constructor(
    deps: ServiceDeps,
    readonly evidence: EvidenceStore,
  ) {
    super(deps);
  }

  held(sha256: string): Promise<HeldFile | null> {
    return isSha256(sha256) ? this.repos.files.find(sha256) : Promise.resolve(null);
  }

  /**
   * The held file when its `files` row exists AND the evidence store confirms it holds the
   * bytes: an object of exactly the row's size, recorded under this hash. Null otherwise
   * (a row whose bytes another process kept on its own disk, or that the store lost).
   * @throws EvidenceStoreUnavailable when the store cannot be asked
   */
  async confirmed(sha256: string): Promise<HeldFile | null> {
    const file = await this.held(sha256);
    return file && (await this.storeConfirms(file)) ? file : null;
  }

  /**
   * Of these hashes, those confirmed as by confirmed(): one database query, then at most
   * STAT_CONCURRENCY store stats at a time.
   * @throws EvidenceStoreUnavailable when the store cannot be asked
   */
  async confirmedAmong(shas: readonly string[]): Promise<Set<string>> {
    const rows = [...(await this.repos.files.findMany(shas.filter(isSha256))).values()];
    const ok = await mapLimit(rows, STAT_CONCURRENCY, (f) => this.storeConfirms(f));
    return new Set(rows.filter((_, i) => ok[i]).map((f) => f.sha256));
  }

  private async storeConfirms(file: HeldFile): Promise<boolean> {
    const s = await this.evidence.stat(file.sha256);
    return s !== null && s.bytes === file.bytes && s.sha256 === file.sha256;
  }

  /**
   * The held file when `deviceId`, or any device of `verifierId`, proved it holds it (an
   * upload whose last answer was lost asks this); null otherwise, even when the server
   * holds the file from somebody else, and null when the evidence store does not confirm
   * the bytes (the tablet then uploads them again).
   */
  async heldFor(sha256: string, deviceId: string, verifierId: string): Promise<HeldFile | null> {
    const file = await this.confirmed(sha256);
    if (!file) return null;
    const h = (await this.repos.files.holdersOf([sha256])).get(sha256);
    return h && (h.devices.has(deviceId) || h.verifiers.has(verifierId)) ? file : null;
  }

  /**
   * Record that `deviceId` holds the bytes of `sha256`. Call it only after those bytes were
   * checked against the hash and are stored (an export file's entries, say; tus uploads
   * record it themselves). Bundle import, for a file the server held already:
   * `await files.recordHolder(sha, manifest.deviceId)` (or `repos.files.addHolder(sha,
   * deviceId, now)` inside a transaction; `repos.files.insert` records it for new files).
   *
   * @throws Error when `sha256` is not 64 lowercase hex digits
   */
  async recordHolder(sha256: string, deviceId: string): Promise<void> {
    if (!isSha256(sha256)) throw new Error(`not a sha256: ${sha256}`);
    await this.repos.files.addHolder(sha256, deviceId, this.now());
  }

  // --- unfinished tus uploads (http/tus.ts) ------------------------------------------

  /** Remember a new tus upload and its uploader. */
  openUpload(u: OpenUpload): Promise<void> {
    return this.repos.files.openUpload(u);
  }

  findUpload(id: string): Promise<OpenUpload | null> {
    return this.repos.files.findUpload(id);
  }

  /** Forget a tus upload (finished, terminated or expired). */
  closeUpload(id: string): Promise<void> {
    return this.repos.files.closeUpload(id);
  }

  /** Declared bytes of a device's unfinished uploads created after `since` (wall-clock ms). */
  openUploadBytes(deviceId: string, since: number): Promise<number> {
    return this.repos.files.openBytes(deviceId, since);
  }

  /** Ids of uploads created at or before `before` (wall-clock ms), at most `limit`. */
  expiredUploads(before: number, limit: number): Promise<string[]> {
    return this.repos.files.uploadsCreatedBefore(before, limit);
  }

  /**
   * Check a finished upload's bytes against the SHA-256 the tablet declared and keep them
   * if they match; the uploading device becomes a holder. A file the server held already
   * is checked all the same (never trusted by its hash alone). Idempotent and safe to run
   * twice at once (one run per upload id).
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
    // The store is asked, not only the table: a row whose bytes are missing from the store
    // is stored again from this upload.
    const held = (await this.confirmed(input.sha256)) !== null;
    const source = await input.read();
    const r = held
      ? await this.evidence.verifyStream(source, input.sha256)
      : await this.evidence.putStream(source, input.sha256);
    if (!r.ok) return 'hash_mismatch';
    // Only now, with the store's confirmation (putStream HEADs what it wrote), is the file
    // listed: inserts it when new; records the device as a holder either way.
    await this.repos.files.insert({
      sha256: input.sha256,
      bytes: r.bytes,
      mime: input.mime,
      receivedAt: this.now(),
      receivedByDevice: input.deviceId,
    });
    return held ? 'already_held' : 'stored';
  }

  /**
   * A held file for reading. Coordinators and viewers see every file; a verifier a file
   * named by an evidence record of its assigned assessments, and only when that record's
   * author holds the file (or the verifier's own tablet uploaded it): pushing a record
   * with somebody else's hash gains nothing.
   *
   * Name and type come from the evidence record being viewed (`recordId`), never from
   * another record of the same hash; without `recordId`, from the one candidate record
   * (or the name and type every candidate agrees on), else `<sha256>.<ext>` and the type
   * declared at upload.
   *
   * @throws Problem 404 not_found (no such file, record, or no file of the caller's),
   *   403 not_assigned (only records outside the verifier's scope name it)
   */
  async describe(
    sha256: string,
    principal: Principal,
    scope: () => Promise<string[]>,
    recordId: string | null = null,
  ): Promise<ServedFile> {
    const notFound = () => new Problem('not_found', { what: 'Berkas', whatEn: 'File' });
    if (!isSha256(sha256)) throw notFound();
    // Only what the store confirms is served: a row alone would answer 500 mid-stream.
    const file = await this.confirmed(sha256);
    if (!file) throw notFound();
    let refs = await this.repos.sync.evidenceByHash(sha256);
    if (recordId !== null) {
      refs = refs.filter((r) => r.recordId === recordId);
      if (refs.length === 0) throw notFound();
    }
    const vouched = await this.repos.files.heldByAuthors(
      refs.map((r) => ({ recordId: r.recordId, sha256 })),
    );
    if (principal.account.role === 'verifier') {
      const mine = new Set(await scope());
      const visible = refs.filter((r) => mine.has(r.assessmentId));
      if (visible.length === 0) throw refs.length > 0 ? new Problem('not_assigned') : notFound();
      const usable = visible.filter((r) => vouched.has(r.recordId));
      if (usable.length === 0) {
        const own = (await this.repos.files.holdersOf([sha256]))
          .get(sha256)
          ?.verifiers.has(principal.account.id);
        if (!own) throw notFound();
      }
      refs = usable.length > 0 ? usable : visible;
    } else if (recordId === null) {
      // Records whose author holds the file speak for it before records that only name it.
      const authentic = refs.filter((r) => vouched.has(r.recordId));
      if (authentic.length > 0) refs = authentic;
    }
    const fields = await this.repos.sync.fieldsOfRecords(refs.map((r) => r.recordId));
    const described = new Map<string, { recordId: string; name: string; mime: string }>();
    for (const r of refs) {
      const value = (f: string) =>
        fields.find(
          (x) => x.recordId === r.recordId && x.entity === 'evidenceFile' && x.field === f,
        )?.value;
      const m = value('mime');
      const n = value('name');
      const mime = typeof m === 'string' && EVIDENCE_MIMES.has(m) ? m : file.mime;
      const name = typeof n === 'string' && n.trim() ? n.trim() : '';
      described.set(`${name}\u0000${mime}`, { recordId: r.recordId, name, mime });
    }
    const only = described.size === 1 ? [...described.values()][0] : undefined;
    let mime = only?.mime ?? file.mime;
    if (!EVIDENCE_MIMES.has(mime)) mime = 'application/octet-stream';
    const name = only?.name || `${sha256}.${EXTENSIONS[mime] ?? 'bin'}`;
    return {
      sha256,
      mime,
      name,
      bytes: file.bytes,
      recordId: recordId ?? (refs.length === 1 ? (refs[0]?.recordId ?? null) : null),
      open: (range) => this.evidence.open(sha256, range),
    };
  }
}
