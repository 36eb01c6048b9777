/// <reference lib="webworker" />
import { type PhotoJob, runPhotoJob } from '../lib/photo-job';

/**
 * Photo work off the main thread, so typing and scrolling stay smooth while a 12 MP photo
 * is read (camera time), resized, stamped and encoded. Messages: {id, job} in,
 * {id, ok, result|error} out.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<{ id: number; job: PhotoJob }>) => {
  const { id, job } = e.data;
  try {
    const result = await runPhotoJob(job);
    scope.postMessage({ id, ok: true, result });
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
