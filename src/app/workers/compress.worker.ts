/// <reference lib="webworker" />
import { compressImage } from '../lib/compress';

/**
 * Photo compression off the main thread, so typing and scrolling stay smooth while a
 * 12 MP photo is resized. Messages: {id, blob} in, {id, ok, result|error} out.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<{ id: number; blob: Blob }>) => {
  const { id, blob } = e.data;
  try {
    const result = await compressImage(blob);
    scope.postMessage({ id, ok: true, result });
  } catch (err) {
    scope.postMessage({ id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
};
