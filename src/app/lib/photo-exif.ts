/**
 * When a photo was taken, as its camera recorded it (EXIF DateTimeOriginal). A picked file's
 * `lastModified` says when the file was last written (copied, downloaded, edited), which a
 * reviewer must not take for the moment of the shot; the camera's own record is what a
 * verifier's photo of a document can show for its time.
 */

/** EXIF tags by number: the mini build of exifr carries no tag names. */
const DATE_TIME_ORIGINAL = 0x9003;
const OFFSET_TIME_ORIGINAL = 0x9011;
/** EXIF sits in an APP1 segment (at most 64 KB) near the start of a JPEG. */
const HEAD_BYTES = 192 * 1024;
/** A camera clock set ahead of the tablet by more than this is not believed. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;
const EARLIEST = Date.UTC(2000, 0, 1);

/**
 * The camera's capture time of `file` (epoch ms), or null when it has none that can be
 * believed: no EXIF, an unset camera clock ("0000:00:00 00:00:00"), a time before 2000 or
 * more than a day after `now`. Reads only the head of the file; exifr is loaded here, on
 * demand, so it never rides in the first load. Never throws.
 */
export async function cameraTime(file: Blob, now: number): Promise<number | null> {
  try {
    const { default: exifr } = await import('exifr/dist/mini.esm.mjs');
    const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
    // Only the two tags of the EXIF block; IFD0 is skipped (exifr's types want it on, but
    // it finds the EXIF block without keeping IFD0's tags).
    const options = {
      ifd0: false,
      ifd1: false,
      gps: false,
      interop: false,
      exif: [DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL],
      translateKeys: false,
      reviveValues: false,
    } as unknown as Parameters<typeof exifr.parse>[1];
    const tags = (await exifr.parse(head, options)) as Record<number, unknown> | undefined;
    if (!tags) return null;
    return exifTime(tags[DATE_TIME_ORIGINAL], tags[OFFSET_TIME_ORIGINAL], now);
  } catch {
    // A damaged or unusual header is not a reason to refuse the photo: its time is then
    // the moment it reached the app.
    return null;
  }
}

/**
 * An EXIF date ("2026:11:28 09:14:05") as epoch ms. With an offset ("+07:00",
 * OffsetTimeOriginal) the instant is exact; without one it is read as this device's local
 * time, the zone a tablet camera (or a camera used at the same place) writes in. Null for
 * anything that is not a believable time (see `cameraTime`).
 */
export function exifTime(raw: unknown, offset: unknown, now: number): number | null {
  if (typeof raw !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const zone = typeof offset === 'string' ? /^([+-])(\d{2}):(\d{2})$/.exec(offset.trim()) : null;
  let at: number;
  if (zone) {
    const minutes = (Number(zone[2]) * 60 + Number(zone[3])) * (zone[1] === '-' ? -1 : 1);
    at = Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000;
  } else {
    at = new Date(y, mo - 1, d, h, mi, s).getTime();
  }
  // 31 February rolls over into March: not a date the camera meant.
  const check = zone ? new Date(Date.UTC(y, mo - 1, d)) : new Date(y, mo - 1, d);
  if ((zone ? check.getUTCDate() : check.getDate()) !== d) return null;
  if (!Number.isFinite(at) || at < EARLIEST || at > now + FUTURE_SLACK_MS) return null;
  return at;
}
