import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { cameraTime, exifTime } from '../../../../src/app/lib/photo-exif';

// Small real JPEGs (48×32, made by Chromium) given EXIF with exiftool:
//   exif-offset.jpg  DateTimeOriginal 2026:11:28 09:14:05, OffsetTimeOriginal +07:00,
//                    ModifyDate 2027:01:02 10:00:00 (the file's edit time, not the shot's)
//   exif-local.jpg   DateTimeOriginal 2026:11:28 09:14:05, no offset
//   no-exif.jpg      no EXIF at all
const fixture = (name: string) =>
  new Blob([readFileSync(new URL(`./fixtures/${name}`, import.meta.url))], { type: 'image/jpeg' });

const NOW = Date.UTC(2026, 11, 1, 0, 0, 0);

// The compressor needs a canvas (browser only); the time and the stamp are what is tested here.
vi.mock('../../../../src/app/lib/compress', async (actual) => ({
  ...(await actual<typeof import('../../../../src/app/lib/compress')>()),
  compressImage: vi.fn(async (blob: Blob) => ({ blob, width: 48, height: 32 })),
}));

describe("a photo's capture time", () => {
  it('is the camera time, as an exact instant when the camera wrote its zone', async () => {
    // 09:14:05 at +07:00 (WIB) is 02:14:05 UTC, whatever zone the tablet is in.
    expect(await cameraTime(fixture('exif-offset.jpg'), NOW)).toBe(
      Date.UTC(2026, 10, 28, 2, 14, 5),
    );
  });

  it("is read in the tablet's zone when the camera wrote none", async () => {
    expect(await cameraTime(fixture('exif-local.jpg'), NOW)).toBe(
      new Date(2026, 10, 28, 9, 14, 5).getTime(),
    );
  });

  it('is unknown to the camera for a photo without EXIF or with bytes that are no photo', async () => {
    expect(await cameraTime(fixture('no-exif.jpg'), NOW)).toBeNull();
    expect(await cameraTime(new Blob([new Uint8Array([1, 2, 3])]), NOW)).toBeNull();
  });

  it('is not believed from an unset, impossible or future camera clock', () => {
    expect(exifTime('0000:00:00 00:00:00', undefined, NOW)).toBeNull();
    expect(exifTime('    :  :     :  :  ', undefined, NOW)).toBeNull();
    expect(exifTime('2026:02:31 10:00:00', '+07:00', NOW)).toBeNull();
    expect(exifTime('1999:12:31 10:00:00', '+00:00', NOW)).toBeNull();
    // More than a day ahead of the tablet: the camera's clock is wrong, not the tablet's.
    expect(exifTime('2026:12:03 00:00:00', '+00:00', NOW)).toBeNull();
    expect(exifTime('2026:12:01 20:00:00', '+00:00', NOW)).toBe(Date.UTC(2026, 11, 1, 20));
    expect(exifTime('2026:11:28 09:14:05', '-03:30', NOW)).toBe(Date.UTC(2026, 10, 28, 12, 44, 5));
    expect(exifTime(20261128, undefined, NOW)).toBeNull();
  });

  it("is kept with the photo: the camera's, else the moment it arrived, never the file's modified time", async () => {
    const { prepareEvidenceFile } = await import('../../../../src/app/lib/photo');
    const received = Date.UTC(2026, 10, 30, 3, 0, 0);
    const modified = Date.UTC(2027, 0, 2, 3, 0, 0);
    const file = async (name: string) =>
      new File([await fixture(name).arrayBuffer()], name, {
        type: 'image/jpeg',
        lastModified: modified,
      });

    const camera = await prepareEvidenceFile(await file('exif-offset.jpg'), {
      receivedAt: received,
    });
    expect(camera).toMatchObject({
      capturedAt: Date.UTC(2026, 10, 28, 2, 14, 5),
      capturedAtSource: 'camera',
      mime: 'image/jpeg',
    });

    const plain = await prepareEvidenceFile(await file('no-exif.jpg'), { receivedAt: received });
    expect(plain).toMatchObject({ capturedAt: received, capturedAtSource: 'tablet' });
    expect(plain.capturedAt).not.toBe(modified);

    const pdf = await prepareEvidenceFile(
      new File(['%PDF-1.4 renstra'], 'renstra.pdf', { lastModified: modified }),
      { receivedAt: received },
    );
    expect(pdf).toMatchObject({ capturedAt: received, capturedAtSource: 'tablet' });
  });
});
