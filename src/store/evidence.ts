/**
 * Evidence: photo and document records (synced like any record) and their bytes, stored
 * once per content (SHA-256) and kept until the server holds them. Nothing unsent is
 * deleted automatically; a file the verifier removes goes with its last record.
 */
import { uuidv7 } from '../core';
import type { BlobRepository, EvidenceRepository } from './api';
import { sha256Hex, toBlob } from './blobs';
import { byNumber, guard, rowsToDomain, type StoreContext, toDomain } from './context';
import { rowsWhere } from './direct';
import type { BlobRow, RecordRow, TelusurDb } from './schema';
import type { EvidenceFile, FileFailure, NewEvidence, PurgeResult } from './types';
import { save, stage, validate } from './write';

export function evidenceRepository(c: StoreContext): EvidenceRepository {
  const db = c.db;
  const live = (rows: RecordRow[], includeDeleted?: boolean) =>
    rowsToDomain<EvidenceFile>(
      rows.filter((r) => includeDeleted || r.deleted !== true).sort(byNumber('capturedAt')),
    );
  return {
    add: (input) => addEvidence(c, input),
    get: (id) => guard(() => db.evidenceFiles.get(id).then((r) => toDomain<EvidenceFile>(r))),
    // Native reads when allowed (direct.ts): the same rows, without Dexie's layers.
    listByIndicator: (assessmentId, no, options) =>
      guard(() =>
        rowsWhere<RecordRow>(c, 'evidenceFiles', '[assessmentId+indicatorNo]', [
          assessmentId,
          no,
        ]).then((rows) => live(rows, options?.includeDeleted)),
      ),
    listByAssessment: (assessmentId, options) =>
      guard(() =>
        rowsWhere<RecordRow>(c, 'evidenceFiles', 'assessmentId', assessmentId).then((rows) =>
          live(rows, options?.includeDeleted),
        ),
      ),
    link: (id, proves) => save<EvidenceFile>(c, 'evidenceFile', id, { proves }, null),
    remove: async (id) => {
      const removed = await save(c, 'evidenceFile', id, { deleted: true }, null);
      await dropOrphanBytes(c, String((removed as { sha256: unknown }).sha256));
    },
    purgeConfirmed: (hashes) => purgeConfirmed(c, hashes),
  };
}

export function blobRepository(c: StoreContext): BlobRepository {
  const db = c.db;
  return {
    get: (sha) => guard(() => db.blobs.get(sha).then((r) => (r ? toBlob(r.data, r.mime) : null))),
    has: (sha) =>
      guard(() =>
        db.blobs
          .where('sha256')
          .equals(sha)
          .count()
          .then((n) => n > 0),
      ),
    listPendingUpload: () =>
      guard(() =>
        db.transaction('r', [db.blobs, db.evidenceFiles], async () => {
          const shas = (await db.blobs.where('uploaded').equals(0).primaryKeys()) as string[];
          const [info, failed] = await Promise.all([fileInfo(db, shas), failures(db)]);
          return shas.map((sha) => ({
            ...(info.get(sha) ?? { sha256: sha, bytes: 0, mime: 'application/octet-stream' }),
            failure: failed.get(sha) ?? null,
          }));
        }),
      ),
    markUploaded: (sha) =>
      guard(() =>
        db.blobs
          .where('sha256')
          .equals(sha)
          .modify({ uploaded: 1, failure: null })
          .then(() => undefined),
      ),
    markFailed: (sha, failure) =>
      guard(() =>
        db.transaction('rw', db.blobs, async () => {
          await db.blobs
            .where('sha256')
            .equals(sha)
            .modify((row) => {
              row.failure = {
                source: failure.source,
                code: failure.code,
                message: failure.message,
                at: failure.at,
                attempts: (row.failure?.attempts ?? 0) + 1,
              };
            });
          c.hooks?.beforeCommit?.('blobs.markFailed');
        }),
      ),
    clearFailure: (sha) =>
      guard(() =>
        db.blobs
          .where('sha256')
          .equals(sha)
          .modify({ failure: null })
          .then(() => undefined),
      ),
    requeueMissing: (assessmentId, receiptHashes) => {
      const held = new Set(receiptHashes);
      return guard(() =>
        db.transaction('rw', [db.blobs, db.evidenceFiles, db.outbox, db.rejected], async () => {
          const records = (
            await db.evidenceFiles.where('assessmentId').equals(assessmentId).toArray()
          ).filter((r) => r.deleted !== true && !held.has(String(r.sha256)));
          if (records.length === 0) return [];
          const refused = new Set(
            (await db.rejected.where('assessmentId').equals(assessmentId).toArray())
              .filter((r) => r.mutation.entity === 'evidenceFile')
              .map((r) => r.mutation.id),
          );
          const requeued: string[] = [];
          for (const r of records) {
            const sha = String(r.sha256);
            if (refused.has(r.id) || requeued.includes(sha)) continue;
            const unsent = await db.outbox
              .where('[entity+id]')
              .equals(['evidenceFile', r.id])
              .count();
            if (unsent > 0) continue;
            const blob = await db.blobs.get(sha);
            if (blob?.uploaded !== 1) continue;
            await db.blobs.update(sha, { uploaded: 0 });
            requeued.push(sha);
          }
          c.hooks?.beforeCommit?.('blobs.requeueMissing');
          return requeued;
        }),
      );
    },
  };
}

/**
 * Last failed upload per file hash (only failed rows are read, through the `failure.at`
 * index). Runs inside the caller's transaction when there is one.
 */
export async function failures(db: TelusurDb): Promise<Map<string, FileFailure>> {
  const rows = await db.blobs.orderBy('failure.at').toArray();
  const out = new Map<string, FileFailure>();
  for (const r of rows) if (r.failure && r.uploaded === 0) out.set(r.sha256, r.failure);
  return out;
}

/** Size and type of stored files by hash, from their first evidence record. */
export async function fileInfo(
  db: TelusurDb,
  shas: string[],
): Promise<Map<string, { sha256: string; bytes: number; mime: string }>> {
  const info = new Map<string, { sha256: string; bytes: number; mime: string }>();
  if (shas.length === 0) return info;
  const rows = await db.evidenceFiles.where('sha256').anyOf(shas).toArray();
  for (const r of rows) {
    const sha = String(r.sha256);
    if (!info.has(sha))
      info.set(sha, { sha256: sha, bytes: Number(r.bytes), mime: String(r.mime) });
  }
  return info;
}

/** Hash the file, keep its bytes once per content, and create its record (one transaction). */
async function addEvidence(c: StoreContext, input: NewEvidence): Promise<EvidenceFile> {
  const at = c.now();
  const mime = input.mime ?? input.blob.type;
  const bytes = await input.blob.arrayBuffer();
  const sha256 = await sha256Hex(bytes);
  const fields = validate('evidenceFile', {
    assessmentId: input.assessmentId,
    indicatorNo: input.indicatorNo,
    sha256,
    name: input.name,
    mime,
    bytes: bytes.byteLength,
    width: input.width,
    height: input.height,
    capturedAt: input.capturedAt ?? at,
    capturedAtSource: input.capturedAtSource ?? null,
    location: input.location,
    deleted: false,
    proves: input.proves ?? null,
    url: input.url ?? null,
    checkedAt: input.url ? (input.checkedAt ?? at) : null,
  });
  const db = c.db;
  const blobRow: BlobRow = {
    sha256,
    data: c.blobMode === 'blob' ? new Blob([bytes], { type: mime }) : bytes,
    mime,
    bytes: bytes.byteLength,
    uploaded: 0,
    storedAt: at,
    failure: null,
  };
  return guard(() =>
    db.transaction('rw', [db.evidenceFiles, db.assessments, db.blobs, db.outbox, db.meta], () =>
      db.blobs
        .where('sha256')
        .equals(sha256)
        .count()
        .then((n) => (n > 0 ? undefined : db.blobs.add(blobRow)))
        .then(() => stage(c, 'evidenceFile', uuidv7(at), {}, fields, 'create'))
        .then(({ row }) => toDomain<EvidenceFile>(row) as EvidenceFile),
    ),
  );
}

/**
 * The verifier removed a photo: its bytes go too, unless another photo record still shows
 * them. Nothing waits to be uploaded for a photo that no longer exists (a damaged photo
 * removed would otherwise fail on every sync and block releasing the tablet).
 */
function dropOrphanBytes(c: StoreContext, sha256: string): Promise<void> {
  const db = c.db;
  return guard(() =>
    db.transaction('rw', [db.blobs, db.evidenceFiles], async () => {
      const live = (await db.evidenceFiles.where('sha256').equals(sha256).toArray()).some(
        (r) => r.deleted !== true,
      );
      if (!live) await db.blobs.delete(sha256);
      c.hooks?.beforeCommit?.('evidence.dropBytes');
    }),
  );
}

/** See EvidenceRepository.purgeConfirmed. */
function purgeConfirmed(c: StoreContext, receiptHashes: string[]): Promise<PurgeResult> {
  const db = c.db;
  const hashes = [...new Set(receiptHashes)];
  return guard(() =>
    db.transaction('rw', [db.blobs, db.evidenceFiles, db.outbox], async () => {
      const result: PurgeResult = { purged: [], kept: [] };
      for (const sha of hashes) {
        if ((await db.blobs.where('sha256').equals(sha).count()) === 0) {
          result.kept.push({ sha256: sha, reason: 'not-stored' });
          continue;
        }
        const files = await db.evidenceFiles.where('sha256').equals(sha).primaryKeys();
        let unsent = 0;
        for (const fileId of files) {
          unsent += await db.outbox.where('[entity+id]').equals(['evidenceFile', fileId]).count();
        }
        if (unsent > 0) {
          result.kept.push({ sha256: sha, reason: 'metadata-unsent' });
          continue;
        }
        await db.blobs.delete(sha);
        result.purged.push(sha);
      }
      c.hooks?.beforeCommit?.('evidence.purge');
      return result;
    }),
  );
}
