import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { translate } from '../../../../src/app/i18n';
import { PhotoError } from '../../../../src/app/lib/compress';
import { photoErrorText, prepareEvidenceFile } from '../../../../src/app/lib/photo';
import { EVIDENCE_LIMITS, mutationProblems } from '../../../../src/core';
import { ValidationError } from '../../../../src/store';
import { loadEnglish } from '../../../../src/ui/i18n';
import { ASSESSMENT, freshStore, photo } from '../../store/helpers';

/**
 * Office files and archives reach the tablet store as they were picked (no shrinking, no
 * EXIF, no stamp), typed by name when the browser gives no type, and are refused with a
 * readable message when they are not evidence, are not what their name says, or exceed
 * their kind's limit. Link evidence is one record: its screenshot, the address and the day
 * it was checked.
 */

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const t =
  (locale: 'id' | 'en') =>
  (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
    translate(locale, key, vars);

/** A file starting with the zip signature, as every DOCX/XLSX/ODT/ODS/ZIP does. */
function zipLike(name: string, type: string, size = 4096): File {
  const bytes = new Uint8Array(size);
  bytes.set([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);
  for (let i = 6; i < size; i++) bytes[i] = (i * 31) % 251;
  return new File([bytes], name, { type });
}

async function refusal(file: File): Promise<PhotoError> {
  const e = await prepareEvidenceFile(file).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(PhotoError);
  return e as PhotoError;
}

// The tablet's English texts are a chunk the app loads after its first paint.
beforeAll(() => loadEnglish());

describe('office files and archives from the picker', () => {
  it('a DOCX is kept byte for byte, typed, with the moment it arrived', async () => {
    const file = zipLike('SK Tim Penilai.docx', DOCX);
    const prepared = await prepareEvidenceFile(file, { receivedAt: 1_700_000_000_000 });
    expect(prepared).toMatchObject({
      mime: DOCX,
      name: 'SK Tim Penilai.docx',
      capturedAt: 1_700_000_000_000,
      capturedAtSource: 'tablet',
      width: 0,
      height: 0,
    });
    expect(new Uint8Array(await prepared.blob.arrayBuffer())).toEqual(
      new Uint8Array(await file.arrayBuffer()),
    );
  });

  it('a RAR the browser reports without a type is typed by its name', async () => {
    const bytes = new Uint8Array(64);
    bytes.set([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00]);
    const prepared = await prepareEvidenceFile(new File([bytes], 'bukti.rar', { type: '' }));
    expect(prepared.mime).toBe('application/vnd.rar');
  });

  it('refuses other types with the accepted ones named, and a renamed file as damaged', async () => {
    const txt = await refusal(new File(['catatan'], 'catatan.txt', { type: 'text/plain' }));
    expect(photoErrorText(txt, t('id'))).toBe(
      'Jenis berkas ini tidak diterima. Pilih foto (JPEG/PNG/WebP), PDF, dokumen (DOCX, ODT), lembar kerja (XLSX, ODS) atau arsip (ZIP, RAR).',
    );
    const renamed = await refusal(new File(['MZ\x90\x00 program'], 'laporan.docx', { type: '' }));
    expect(photoErrorText(renamed, t('id'))).toBe(
      'Isi berkas tidak sesuai jenisnya (rusak atau berganti nama).',
    );
  });

  it('a file over its kind’s limit names that kind and limit', async () => {
    const big = zipLike('arsip.zip', 'application/zip', EVIDENCE_LIMITS.archive.pickedBytes + 1);
    const e = await refusal(big);
    expect(photoErrorText(e, t('id'), 'id')).toBe(
      'Berkas arsip (ZIP, RAR) terlalu besar (maks. 50 MB).',
    );
    expect(photoErrorText(e, t('en'), 'en')).toBe(
      'The archive (ZIP, RAR) file is too large (max 50 MB).',
    );
    const sheet = await refusal(
      zipLike(
        'rekap.xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        EVIDENCE_LIMITS.spreadsheet.pickedBytes + 1,
      ),
    );
    expect(photoErrorText(sheet, t('id'), 'id')).toBe(
      'Berkas lembar kerja (XLSX, ODS) terlalu besar (maks. 20 MB).',
    );
  });
});

describe('the tablet store', () => {
  it('keeps a DOCX as an opaque blob and sends a valid record for it', async () => {
    const s = await freshStore();
    const prepared = await prepareEvidenceFile(zipLike('notulen.docx', DOCX));
    const file = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 7,
      blob: prepared.blob,
      name: prepared.name,
      mime: prepared.mime,
      width: null,
      height: null,
      capturedAt: prepared.capturedAt,
      capturedAtSource: prepared.capturedAtSource,
      location: null,
    });
    expect(file).toMatchObject({ mime: DOCX, bytes: 4096, url: null, checkedAt: null });
    const blob = await s.blobs.get(file.sha256);
    expect(blob?.size).toBe(4096);
    expect(new Uint8Array(await (blob as Blob).arrayBuffer())).toEqual(
      new Uint8Array(await prepared.blob.arrayBuffer()),
    );
    const [created] = await s.outbox.peek(1);
    expect(created?.changes).toMatchObject({ mime: DOCX, name: 'notulen.docx' });
    expect(mutationProblems(created as never)).toEqual([]);
    s.close();
  });

  it('keeps link evidence as one record: screenshot, address, day checked; refuses javascript:', async () => {
    const s = await freshStore();
    const checkedAt = Date.UTC(2026, 10, 20, 5, 0, 0);
    const link = await s.evidence.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 7,
      blob: photo(3),
      name: 'layanan.jpg',
      width: 1200,
      height: 800,
      location: null,
      capturedAtSource: 'tablet',
      url: 'https://sipd.pemda.go.id/layanan',
      checkedAt,
      proves: '2.0',
    });
    expect(link).toMatchObject({
      mime: 'image/jpeg',
      url: 'https://sipd.pemda.go.id/layanan',
      checkedAt,
      proves: '2.0',
    });
    const listed = await s.evidence.listByIndicator(ASSESSMENT, 7);
    expect(listed.map((f) => f.url)).toEqual(['https://sipd.pemda.go.id/layanan']);
    const [created] = await s.outbox.peek(1);
    expect(created?.changes).toMatchObject({ url: 'https://sipd.pemda.go.id/layanan', checkedAt });
    expect(mutationProblems(created as never)).toEqual([]);

    const bad = await s.evidence
      .add({
        assessmentId: ASSESSMENT,
        indicatorNo: 7,
        blob: photo(4),
        name: 'x.jpg',
        width: 1,
        height: 1,
        location: null,
        url: 'javascript:alert(1)',
      })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(await s.evidence.listByIndicator(ASSESSMENT, 7)).toHaveLength(1);
    expect(await s.outbox.peek(5)).toHaveLength(1);
    s.close();
  });
});
