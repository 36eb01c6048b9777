import type { FilesConfig } from '../config';
import { BlobStore } from './blob-store';
import type { EvidenceStore } from './evidence-store';
import {
  explainS3Error,
  S3EvidenceStore,
  type S3Sdk,
  type S3StoreOptions,
} from './s3-evidence-store';

/**
 * The configured evidence store (FILES_STORE), already proven usable: a local directory
 * (`file`, BLOB_DIR) or the S3 bucket (`s3`, S3_*), probed once (write, read back, delete a
 * small object) so a wrong setting stops the start-up instead of answering 500 to the
 * first upload.
 *
 * @example
 *   const evidence = await openEvidenceStore(config.files, blobDir);
 * @throws Error with one line (Indonesian / English) naming the setting to fix: the missing
 *   package, S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY (AccessDenied, InvalidAccessKeyId),
 *   S3_BUCKET (NoSuchBucket), S3_ENDPOINT (unreachable), BLOB_DIR (not writable)
 */
export async function openEvidenceStore(
  files: FilesConfig,
  blobDir: string,
  opts: S3StoreOptions & { importer?: () => Promise<S3Sdk> } = {},
): Promise<EvidenceStore> {
  if (files.store === 'file') {
    const store = new BlobStore(blobDir);
    try {
      await store.probe();
    } catch (e) {
      const why = (e as { code?: string } | null)?.code ?? String(e);
      throw new Error(
        `direktori berkas bukti BLOB_DIR=${blobDir} tidak dapat ditulis (${why}) / ` +
          `the evidence directory BLOB_DIR=${blobDir} cannot be written (${why})`,
        { cause: e },
      );
    }
    return store;
  }
  const s3 = files.s3;
  if (!s3) throw new Error('FILES_STORE=s3 memerlukan S3_BUCKET / FILES_STORE=s3 needs S3_BUCKET');
  const store = await S3EvidenceStore.open(s3, opts);
  try {
    await store.probe();
  } catch (e) {
    store.destroy();
    throw new Error(`FILES_STORE=s3: ${explainS3Error(e, s3)}`, { cause: e });
  }
  return store;
}
