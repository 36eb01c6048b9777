import { deflateSync } from 'node:zlib';

/**
 * Real image files for tests of the organisation's logo: a PNG any browser draws, made here
 * (no fixture file to keep), and a JPEG's first bytes where only the type check matters.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A truecolour PNG of `width` × `height` whose pixel (x, y) is `color(x, y)` as [r, g, b].
 *
 * @example pngImage(64, 64, (x, y) => (x + y < 64 ? [15, 76, 92] : [255, 255, 255]))
 */
export function pngImage(
  width: number,
  height: number,
  color: (x: number, y: number) => readonly [number, number, number],
): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) raw.set(color(x, y), row + 1 + x * 3);
  }
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/** A small emblem: a teal disc on white, as a logo on a letterhead would be. */
export function emblemPng(size = 64): Uint8Array {
  const r = size / 2;
  return pngImage(size, size, (x, y) =>
    (x - r) ** 2 + (y - r) ** 2 < (r - 2) ** 2 ? [15, 76, 92] : [255, 255, 255],
  );
}

/** The first bytes of a JPEG (SOI and a JFIF APP0 segment): enough for the type check. */
export const JPEG_HEAD = new Uint8Array([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
  0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
]);
