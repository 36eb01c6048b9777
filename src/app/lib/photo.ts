import type { CaptureTimeSource, EvidenceMime } from '../../core';
import {
  EVIDENCE_LIMITS,
  evidenceKindOf,
  evidenceKindPhrase,
  evidenceMimeOf,
  formatLimit,
} from '../../core';
import type { Translate } from '../../ui/i18n';
import type { MessageKey } from '../i18n';
import {
  type Compressed,
  MAX_INPUT_IMAGE_BYTES,
  MAX_PDF_BYTES,
  PhotoError,
  sniffType,
} from './compress';
import type { PhotoJob, PhotoJobResult } from './photo-job';
import type { PhotoStamp } from './photo-stamp';

export interface PreparedFile extends Compressed {
  mime: EvidenceMime;
  name: string;
  /** The camera's capture time (EXIF), else when the file reached the app. */
  capturedAt: number;
  capturedAtSource: CaptureTimeSource;
}

export interface PrepareOptions {
  /** When the file reached the app (ms): the moment of capture for a camera shot. */
  receivedAt?: number;
  /** The period's on-image stamp, or null/absent when the period has none. */
  stamp?: PhotoStamp | null;
  locale?: 'id' | 'en';
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve(c: PhotoJobResult): void; reject(e: Error): void }>();

function getWorker(): Worker | null {
  if (worker) return worker;
  if (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') return null;
  worker = new Worker(new URL('../workers/compress.worker.ts', import.meta.url), {
    type: 'module',
  });
  worker.onmessage = (
    e: MessageEvent<{ id: number; ok: boolean; result?: PhotoJobResult; error?: string }>,
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
 * Check and shrink a picked file: images are resized and compressed in a worker (with the
 * period's stamp burned in when it has one), PDFs kept as they are. The capture time is the
 * camera's (EXIF) when the photo carries one, else `receivedAt` — never the file's
 * modified time, which says when the file was last copied or edited. Throws
 * PhotoError('not_image' | 'too_large' | 'corrupt') for bad input.
 */
export async function prepareEvidenceFile(
  file: File,
  options: PrepareOptions = {},
): Promise<PreparedFile> {
  const receivedAt = options.receivedAt ?? Date.now();
  const type = await sniffType(file);
  if (!type) return prepareOpaqueFile(file, receivedAt);
  if (type === 'application/pdf') {
    if (file.size > MAX_PDF_BYTES)
      throw new PhotoError('too_large', { kind: 'pdf', bytes: MAX_PDF_BYTES });
    return {
      blob: file,
      width: 0,
      height: 0,
      mime: 'application/pdf',
      name: file.name || 'dokumen.pdf',
      capturedAt: receivedAt,
      capturedAtSource: 'tablet',
    };
  }
  if (file.size > MAX_INPUT_IMAGE_BYTES)
    throw new PhotoError('too_large', { kind: 'photo', bytes: MAX_INPUT_IMAGE_BYTES });
  const job: PhotoJob = {
    blob: file,
    receivedAt,
    stamp: options.stamp ?? null,
    locale: options.locale ?? 'id',
  };
  const w = getWorker();
  const result = w
    ? await new Promise<PhotoJobResult>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        w.postMessage({ id, job });
      })
    : // No worker canvas (older iPadOS): the same job on the page, loaded when first needed.
      await import('./photo-job').then((m) => m.runPhotoJob(job));
  const base = (file.name || 'foto').replace(/\.[^.]+$/, '');
  return { ...result, mime: 'image/jpeg', name: `${base}.jpg` };
}

/** The first bytes every office file (DOCX, XLSX, ODT, ODS: zip containers) and ZIP start with. */
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** RAR 4 and RAR 5 both start with "Rar!" 1A 07. */
const RAR_MAGIC = [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07];

/**
 * An office document, spreadsheet or archive, kept exactly as picked: no compression, no
 * EXIF, no stamp, its time the moment it reached the app. Its type comes from core's
 * evidenceMimeOf (declared type, else extension), and its first bytes must be a zip
 * container or a RAR archive as that type says (a renamed .exe is no DOCX).
 * @throws PhotoError('not_image') for a type that is no evidence, ('corrupt') when the
 *   bytes are not that type, ('too_large') over its kind's picker limit.
 */
async function prepareOpaqueFile(file: File, receivedAt: number): Promise<PreparedFile> {
  const mime = evidenceMimeOf(file.name, file.type);
  const kind = mime ? evidenceKindOf(mime) : null;
  if (!mime || !kind || kind === 'photo' || kind === 'pdf') throw new PhotoError('not_image');
  const limit = EVIDENCE_LIMITS[kind].pickedBytes;
  if (file.size > limit) throw new PhotoError('too_large', { kind, bytes: limit });
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const magic = mime === 'application/vnd.rar' ? RAR_MAGIC : ZIP_MAGIC;
  if (!magic.every((b, i) => head[i] === b)) throw new PhotoError('corrupt', null, true);
  return {
    blob: file,
    width: 0,
    height: 0,
    mime,
    name: file.name || `berkas.${mime === 'application/vnd.rar' ? 'rar' : 'zip'}`,
    capturedAt: receivedAt,
    capturedAtSource: 'tablet',
  };
}

/**
 * What the verifier is told about a file that could not be taken: a file over its limit
 * names the limit of that kind of file ("maks. 20 MB" for a PDF, 40 MB for a photo).
 */
export function photoErrorText(
  e: PhotoError,
  t: Translate<MessageKey>,
  locale: 'id' | 'en' = 'id',
): string {
  if (e.code === 'not_image') return t('notImage');
  if (e.code === 'too_large') {
    if (!e.limit) return t('tooLargeToShrink');
    const limit = formatLimit(e.limit.bytes);
    if (e.limit.kind === 'pdf') return t('tooLargePdf', { limit });
    if (e.limit.kind === 'photo') return t('tooLargePhoto', { limit });
    return t('tooLargeFile', { kind: evidenceKindPhrase(e.limit.kind, locale), limit });
  }
  return e.opaque ? t('corruptFile') : t('corruptImage');
}
