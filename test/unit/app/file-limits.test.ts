import { beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../../src/app/i18n';
import { PhotoError } from '../../../src/app/lib/compress';
import { photoErrorText, prepareEvidenceFile } from '../../../src/app/lib/photo';
import { EVIDENCE_LIMITS } from '../../../src/core';
import { loadEnglish } from '../../../src/ui/i18n';

/**
 * A file over its limit is told the limit of that kind of file: a 25 MB PDF hears
 * "maks. 20 MB" (the PDF limit), never the photo limit.
 */

const MB = 1024 * 1024;
const t =
  (locale: 'id' | 'en') =>
  (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
    translate(locale, key, vars);

/** A file of `size` bytes that starts like a PDF (the picker sniffs the first bytes). */
function pdfOf(size: number): File {
  const bytes = new Uint8Array(size);
  bytes.set(new TextEncoder().encode('%PDF-1.7\n'));
  return new File([bytes], 'laporan.pdf', { type: 'application/pdf' });
}

async function refusal(file: File): Promise<PhotoError> {
  const e = await prepareEvidenceFile(file).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PhotoError);
  return e as PhotoError;
}

// The tablet's English texts are a chunk the app loads after its first paint.
beforeAll(() => loadEnglish());

describe('too-large files name their own limit', () => {
  it('a 25 MB PDF is refused with the PDF limit, in both languages', async () => {
    const e = await refusal(pdfOf(25 * MB));
    expect(e.code).toBe('too_large');
    expect(photoErrorText(e, t('id'))).toBe('Berkas PDF terlalu besar (maks. 20 MB).');
    expect(photoErrorText(e, t('en'))).toBe('PDF file too large (max 20 MB).');
  });

  it('a PDF within its limit is taken as it is', async () => {
    const ok = await prepareEvidenceFile(pdfOf(EVIDENCE_LIMITS.pdf.pickedBytes));
    expect(ok.mime).toBe('application/pdf');
  });

  it('a photo over the photo limit names the photo limit', async () => {
    const bytes = new Uint8Array(EVIDENCE_LIMITS.photo.pickedBytes + 1);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const e = await refusal(new File([bytes], 'kamera.jpg', { type: 'image/jpeg' }));
    expect(photoErrorText(e, t('id'))).toBe('Foto terlalu besar (maks. 40 MB).');
  });
});
