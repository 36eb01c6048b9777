import { evidenceKindOf } from '../../core';
import type { FileFailure, TelusurStore } from '../../store';

/** An evidence file whose last upload failed, named the way the verifier finds it again. */
export interface FailedFileView {
  /** The evidence record (for "Hapus"). */
  evidenceId: string;
  sha256: string;
  assessmentId: string;
  unitName: string | null;
  indicatorNo: number;
  /** The file name the verifier gave or the camera made. */
  name: string;
  /**
   * A photo (taken again with the camera) rather than a file picked as it is (a PDF, an
   * office file, an archive: picked again) — what "Foto ulang" / "Ganti berkas" means.
   */
  photo: boolean;
  failure: FileFailure;
}

/** Whether a failed evidence file is retaken with the camera (a photo, or a link's screenshot). */
export function retakenWithCamera(mime: string): boolean {
  return evidenceKindOf(mime) === 'photo';
}

/**
 * Failed uploads of files still in use, read from the store (live with `useLive`): one row
 * per evidence record that is not removed and whose bytes' last upload attempt failed.
 * A removed record is not listed (the verifier already dealt with it).
 */
export async function loadFailedFiles(
  store: TelusurStore,
  only: { assessmentId?: string; indicatorNo?: number } = {},
): Promise<FailedFileView[]> {
  const failed = new Map(
    (await store.blobs.listPendingUpload())
      .filter((f) => f.failure !== null)
      .map((f) => [f.sha256, f.failure as FileFailure]),
  );
  if (failed.size === 0) return [];
  const out: FailedFileView[] = [];
  const assessments = only.assessmentId
    ? [await store.assessments.get(only.assessmentId)].filter((a) => a !== null)
    : await store.assessments.list();
  for (const a of assessments) {
    const records = (
      only.indicatorNo === undefined
        ? await store.evidence.listByAssessment(a.id)
        : await store.evidence.listByIndicator(a.id, only.indicatorNo)
    ).filter((r) => !r.deleted && failed.has(r.sha256));
    if (records.length === 0) continue;
    const unitName = (await store.reference.getUnit(a.unitId))?.name ?? null;
    for (const r of records) {
      out.push({
        evidenceId: r.id,
        sha256: r.sha256,
        assessmentId: a.id,
        unitName,
        indicatorNo: r.indicatorNo,
        name: r.name,
        photo: retakenWithCamera(r.mime),
        failure: failed.get(r.sha256) as FileFailure,
      });
    }
  }
  return out.sort((x, y) => y.failure.at - x.failure.at);
}

/** Keys (see i18n) of a failure's origin in words: on this tablet, or refused by the server. */
export function failureSourceKey(f: FileFailure): 'fileFailedLocal' | 'fileFailedServer' {
  return f.source === 'local' ? 'fileFailedLocal' : 'fileFailedServer';
}
