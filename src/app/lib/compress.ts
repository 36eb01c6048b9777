// The leaf module, not core's entry: the worker bundles this file and needs nothing else.
import { EVIDENCE_LIMITS, type EvidenceKind } from '../../core/evidence-limits';

/** Limits for evidence files, shared by the picker and the worker. */
export const MAX_EDGE = 2000;
export const TARGET_BYTES = 400 * 1024;
/** Per kind, from core's one table (the server's upload limits come from it too). */
export const MAX_INPUT_IMAGE_BYTES = EVIDENCE_LIMITS.photo.pickedBytes;
export const MAX_PDF_BYTES = EVIDENCE_LIMITS.pdf.pickedBytes;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export interface Compressed {
  blob: Blob;
  width: number;
  height: number;
}

/** Error codes the UI turns into readable messages. */
export type PhotoErrorCode = 'not_image' | 'too_large' | 'corrupt';
export class PhotoError extends Error {
  /**
   * @param limit for `too_large`: the kind of file and its limit (bytes) that was exceeded;
   *   null when a photo could not be shrunk enough (no picker limit was passed).
   */
  constructor(
    readonly code: PhotoErrorCode,
    readonly limit: { kind: EvidenceKind; bytes: number } | null = null,
    /** The file is an office document or archive (kept as is), not an image. */
    readonly opaque = false,
  ) {
    super(code);
    this.name = 'PhotoError';
  }
}

/** A 2D context of either canvas kind (worker or page). */
export type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

export interface CompressOptions {
  /**
   * Draws over the resized image before it is encoded (the period's on-image stamp), at
   * every size tried, so what is drawn is part of the stored photo.
   */
  decorate?(ctx: Canvas2D, width: number, height: number): void;
}

/**
 * Resize to ≤ 2000 px on the long edge and re-encode as JPEG at the highest quality that
 * fits in 400 KB. Runs in a worker (OffscreenCanvas) or, as a fallback, on the main thread.
 */
export async function compressImage(
  input: Blob,
  options: CompressOptions = {},
): Promise<Compressed> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(input);
  } catch {
    throw new PhotoError('corrupt');
  }
  try {
    let scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    for (let attempt = 0; attempt < 6; attempt++) {
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = makeCanvas(width, height);
      const ctx = canvas.getContext('2d') as Canvas2D | null;
      if (!ctx) throw new PhotoError('corrupt');
      ctx.drawImage(bitmap, 0, 0, width, height);
      options.decorate?.(ctx, width, height);
      for (const quality of [0.82, 0.72, 0.62, 0.52]) {
        const blob = await encode(canvas, quality);
        if (blob.size <= TARGET_BYTES) return { blob, width, height };
      }
      scale *= 0.8;
    }
    throw new PhotoError('too_large');
  } finally {
    bitmap.close();
  }
}

function makeCanvas(w: number, h: number): OffscreenCanvas | HTMLCanvasElement {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function encode(canvas: OffscreenCanvas | HTMLCanvasElement, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b ? resolve(b) : reject(new PhotoError('corrupt'))),
      'image/jpeg',
      quality,
    ),
  );
}

/** Sniff the real type from the first bytes; a renamed .exe is not a photo. */
export async function sniffType(file: Blob): Promise<string | null> {
  const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
  const is = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (is(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (is(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (
    is(0x52, 0x49, 0x46, 0x46) &&
    head[8] === 0x57 &&
    head[9] === 0x45 &&
    head[10] === 0x42 &&
    head[11] === 0x50
  )
    return 'image/webp';
  if (is(0x25, 0x50, 0x44, 0x46)) return 'application/pdf';
  return null;
}
