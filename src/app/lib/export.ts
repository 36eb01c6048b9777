import type { TelusurStore } from '../../store';
import { downloadBlob } from './rejected';

/**
 * Download one export file (zip, signed when the tablet knows its bundle secret) per
 * assessment on this tablet. The store records each export, so releasing the tablet knows
 * the unsent work is in a file (releaseCheck).
 *
 * @returns how many files were offered for download.
 */
export async function exportAllAssessments(store: TelusurStore): Promise<number> {
  let n = 0;
  for (const a of await store.assessments.list()) {
    const bytes = await store.exportAssessment(a.id);
    downloadBlob(new Blob([bytes as BlobPart], { type: 'application/zip' }), `telusur-${a.id}.zip`);
    n++;
  }
  return n;
}
