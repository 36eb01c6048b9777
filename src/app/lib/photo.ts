import {
  type Compressed,
  compressImage,
  MAX_INPUT_IMAGE_BYTES,
  MAX_PDF_BYTES,
  PhotoError,
  sniffType,
} from './compress';

export interface PreparedFile extends Compressed {
  mime: 'image/jpeg' | 'application/pdf';
  name: string;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve(c: Compressed): void; reject(e: Error): void }>();

function getWorker(): Worker | null {
  if (worker) return worker;
  if (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') return null;
  worker = new Worker(new URL('../workers/compress.worker.ts', import.meta.url), {
    type: 'module',
  });
  worker.onmessage = (
    e: MessageEvent<{ id: number; ok: boolean; result?: Compressed; error?: string }>,
  ) => {
    const p = pending.get(e.data.id);
    if (!p) return;
    pending.delete(e.data.id);
    if (e.data.ok && e.data.result) p.resolve(e.data.result);
    else p.reject(new PhotoError((e.data.error as 'corrupt') ?? 'corrupt'));
  };
  return worker;
}

/**
 * Check and shrink a picked file: images are resized and compressed in a worker, PDFs kept
 * as they are. Throws PhotoError('not_image' | 'too_large' | 'corrupt') for bad input.
 */
export async function prepareEvidenceFile(file: File): Promise<PreparedFile> {
  const type = await sniffType(file);
  if (!type) throw new PhotoError('not_image');
  if (type === 'application/pdf') {
    if (file.size > MAX_PDF_BYTES) throw new PhotoError('too_large');
    return {
      blob: file,
      width: 0,
      height: 0,
      mime: 'application/pdf',
      name: file.name || 'dokumen.pdf',
    };
  }
  if (file.size > MAX_INPUT_IMAGE_BYTES) throw new PhotoError('too_large');
  const w = getWorker();
  const result = w
    ? await new Promise<Compressed>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        w.postMessage({ id, blob: file });
      })
    : await compressImage(file);
  const base = (file.name || 'foto').replace(/\.[^.]+$/, '');
  return { ...result, mime: 'image/jpeg', name: `${base}.jpg` };
}
