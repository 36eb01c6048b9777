import type { Readable } from 'node:stream';

/** A file the evidence store holds, as the store itself reports it (stat / HEAD). */
export interface StoredFile {
  /** Size in bytes of the stored object. */
  bytes: number;
  /**
   * The SHA-256 recorded when the file was written (local store: its verified name; S3:
   * the object's `sha256` metadata); a mismatch with the key means the object is not ours.
   */
  sha256: string;
}

/** What writing or checking a stream against its expected SHA-256 found. */
export interface StreamCheck {
  ok: boolean;
  /** SHA-256 of the bytes actually read (lowercase hex). */
  sha256: string;
  bytes: number;
}

/**
 * Verified evidence files, keyed by SHA-256 (lowercase hex): the one place every server
 * process reads and writes them. Two backends: a local directory (`BlobStore`, one machine
 * or a shared mount) and S3-compatible object storage (`S3EvidenceStore`). A file is under
 * its key only complete and checked against its hash; storing the same content twice is a
 * no-op. Nothing here deletes evidence.
 */
export interface EvidenceStore {
  /** 'file' (directory) or 's3'. */
  readonly kind: 'file' | 's3';
  /** Where the files are, for logs and messages (a directory, or `s3://bucket/prefix`). */
  readonly where: string;
  /**
   * The stored file's size and recorded hash (one stat or HEAD), or null when the store
   * does not hold it.
   * @throws the backend's error when the store cannot be asked (S3 unreachable…)
   */
  stat(sha256: string): Promise<StoredFile | null>;
  /** Whether the store holds the file (stat ≠ null). */
  has(sha256: string): Promise<boolean>;
  /**
   * The file's bytes, streamed from the store; `range.end` (inclusive byte offset) reads
   * only its start.
   * @throws Error when the store does not hold it
   */
  open(sha256: string, range?: { end: number }): Promise<Readable>;
  /** Copy a stream in while hashing it; kept only when its SHA-256 is `expected`. */
  putStream(source: Readable, expected: string): Promise<StreamCheck>;
  /**
   * Hash a stream without keeping it: does it hold exactly the bytes of `expected`? (A
   * second uploader of a file the store has must still prove it has the bytes.)
   */
  verifyStream(source: Readable, expected: string): Promise<StreamCheck>;
  /** Store bytes already checked against `sha256` (bundle import). */
  putBytes(bytes: Uint8Array, sha256: string): Promise<void>;
  /**
   * Can files be stored and read right now? (readiness and start-up): writes, reads back
   * and removes a small probe object.
   * @throws the backend's error (ENOSPC, EACCES, S3 AccessDenied, NoSuchBucket, ECONNREFUSED…)
   */
  probe(): Promise<void>;
}

/**
 * The store could not be asked (S3 unreachable, timed out, refused): not "the file is
 * absent". Requests that need the store answer 503 `files_unavailable` (app.ts), never a
 * 500 and never a receipt or download that pretends the file is missing.
 */
export class EvidenceStoreUnavailable extends Error {
  override readonly name = 'EvidenceStoreUnavailable';
}
