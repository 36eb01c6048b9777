import { randomFillSync } from 'node:crypto';

/** The MIME type of a Word document (DOCX), as a browser reports a picked one. */
export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * A DOCX-shaped file of `size` bytes: the zip signature a DOCX starts with (the tablet checks
 * it), then random bytes, so every call is a distinct file with its own SHA-256.
 */
export function docxBytes(size: number): Buffer {
  const b = Buffer.alloc(size);
  randomFillSync(b);
  b.set([0x50, 0x4b, 0x03, 0x04]);
  return b;
}
