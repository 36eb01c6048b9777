import { inflateRawSync } from 'node:zlib';

/**
 * A minimal, defensive zip reader for tablet export files (uploaded by people, so possibly
 * hostile). The directory is read without inflating anything, so sizes, counts and ratios can be
 * judged first; an entry is then inflated by zlib with its declared size as a hard output limit, so
 * a deflate stream that lies about its size stops at that size instead of filling memory. Supports
 * what the tablet writes (fflate: stored or deflated, no encryption, no zip64).
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** Bytes in the file, as declared by the central directory. */
  compressedSize: number;
  /** Bytes once inflated, as declared by the central directory. */
  size: number;
  /** Offset of the entry's data (after its local header). */
  dataOffset: number;
}

/**
 * Why a zip could not be read: `not_zip` (no directory), `corrupt` (inconsistent
 * structure), `unsupported` (encryption, zip64, another compression), `size_mismatch`
 * (the data inflates to more or less than declared).
 */
export class ZipReadError extends Error {
  constructor(
    readonly kind: 'not_zip' | 'corrupt' | 'unsupported' | 'size_mismatch',
    message: string,
  ) {
    super(message);
    this.name = 'ZipReadError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_MARK = 0xffffffff;

/**
 * The entries of a zip from its central directory, in directory order; nothing is
 * inflated. Throws ZipReadError when the bytes are not a zip this server accepts, when an
 * entry's data lies outside the file or overlaps another's, or when a name repeats.
 */
export function readZipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const inFile = (o: number, n: number) => o >= 0 && n >= 0 && o + n <= bytes.byteLength;

  // End of central directory: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let o = bytes.byteLength - 22; o >= 0 && o >= bytes.byteLength - 22 - 0xffff; o--) {
    if (u32(o) === EOCD) {
      eocd = o;
      break;
    }
  }
  if (eocd < 0) throw new ZipReadError('not_zip', 'no end of central directory');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdSize === ZIP64_MARK || cdOffset === ZIP64_MARK)
    throw new ZipReadError('unsupported', 'zip64');
  if (!inFile(cdOffset, cdSize) || cdOffset + cdSize > eocd)
    throw new ZipReadError('corrupt', 'central directory outside the file');

  const decoder = new TextDecoder('utf-8', { fatal: true });
  const latin1 = new TextDecoder('latin1');
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    if (!inFile(o, 46) || u32(o) !== CENTRAL)
      throw new ZipReadError('corrupt', `directory entry ${i}`);
    const flags = u16(o + 8);
    const method = u16(o + 10);
    const compressedSize = u32(o + 20);
    const size = u32(o + 24);
    const nameLen = u16(o + 28);
    const extraLen = u16(o + 30);
    const commentLen = u16(o + 32);
    const localOffset = u32(o + 42);
    if (!inFile(o + 46, nameLen)) throw new ZipReadError('corrupt', `directory entry ${i}`);
    const rawName = bytes.subarray(o + 46, o + 46 + nameLen);
    let name: string;
    try {
      // Bit 11: UTF-8 names; otherwise CP437, read as latin1 (the tablet writes ASCII).
      name = flags & 0x800 ? decoder.decode(rawName) : latin1.decode(rawName);
    } catch {
      throw new ZipReadError('corrupt', `directory entry ${i}: name`);
    }
    if (flags & 0x1) throw new ZipReadError('unsupported', `${name}: encrypted`);
    if (method !== 0 && method !== 8)
      throw new ZipReadError('unsupported', `${name}: compression ${method}`);
    if (compressedSize === ZIP64_MARK || size === ZIP64_MARK || localOffset === ZIP64_MARK)
      throw new ZipReadError('unsupported', 'zip64');
    if (method === 0 && compressedSize !== size)
      throw new ZipReadError('corrupt', `${name}: stored sizes differ`);
    if (names.has(name)) throw new ZipReadError('corrupt', `${name}: listed twice`);
    names.add(name);
    if (!inFile(localOffset, 30) || u32(localOffset) !== LOCAL)
      throw new ZipReadError('corrupt', `${name}: local header`);
    const dataOffset = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    if (!inFile(dataOffset, compressedSize) || dataOffset + compressedSize > cdOffset)
      throw new ZipReadError('corrupt', `${name}: data outside the file`);
    entries.push({ name, method, compressedSize, size, dataOffset });
    o += 46 + nameLen + extraLen + commentLen;
  }
  // Entries sharing bytes are how overlapping zip bombs multiply one deflate stream.
  const byOffset = [...entries].sort((a, b) => a.dataOffset - b.dataOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1] as ZipEntry;
    const cur = byOffset[i] as ZipEntry;
    if (prev.dataOffset + prev.compressedSize > cur.dataOffset)
      throw new ZipReadError('corrupt', `${cur.name}: overlaps ${prev.name}`);
  }
  return entries;
}

/**
 * An entry's bytes. Deflated data is inflated with its declared size as zlib's output
 * limit, so at most `entry.size` bytes (plus one internal chunk) are ever allocated.
 * Throws ZipReadError `size_mismatch` when the data inflates to another size, `corrupt`
 * when it is not valid deflate data.
 */
export function readZipEntry(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  if (entry.method === 0) return data.slice();
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, entry.size) });
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ZipReadError('size_mismatch', `${entry.name}: inflates beyond ${entry.size} bytes`);
    throw new ZipReadError('corrupt', `${entry.name}: deflate data`);
  }
  if (out.byteLength !== entry.size)
    throw new ZipReadError(
      'size_mismatch',
      `${entry.name}: ${out.byteLength} ≠ ${entry.size} bytes`,
    );
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
