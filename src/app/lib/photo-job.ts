import type { CaptureTimeSource } from '../../core';
import { type Compressed, compressImage } from './compress';
import { cameraTime } from './photo-exif';
import { drawStamp, type PhotoStamp, stampLines } from './photo-stamp';

/** What the compression worker (or the page, where there is no worker) is asked to do. */
export interface PhotoJob {
  blob: Blob;
  /** When the photo reached the app: its time when the camera recorded none. */
  receivedAt: number;
  /** The period's on-image stamp, or null when the period has none. */
  stamp: PhotoStamp | null;
  locale: 'id' | 'en';
}

export interface PhotoJobResult extends Compressed {
  capturedAt: number;
  capturedAtSource: CaptureTimeSource;
}

/**
 * Read the camera's capture time, then resize and re-encode the photo with the stamp (if
 * any) burned in, naming that time. Throws PhotoError like `compressImage`.
 */
export async function runPhotoJob(job: PhotoJob): Promise<PhotoJobResult> {
  const camera = await cameraTime(job.blob, job.receivedAt);
  const capturedAt = camera ?? job.receivedAt;
  const lines = job.stamp ? stampLines(job.stamp, capturedAt, job.locale) : null;
  const compressed = await compressImage(
    job.blob,
    lines ? { decorate: (ctx, width, height) => drawStamp(ctx, width, height, lines) } : {},
  );
  return { ...compressed, capturedAt, capturedAtSource: camera === null ? 'tablet' : 'camera' };
}
