import { describe, expect, it } from 'vitest';
import {
  EvidenceUrlSchema,
  evidenceBadge,
  evidenceKindPhrase,
  evidenceLimitsLine,
  evidenceMimeOf,
  isDownloadOnly,
  sniffRenderableMime,
} from '../../../src/core';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';

/**
 * A picked file's type as the tablet decides it: the declared type when it is evidence,
 * the old RAR/ZIP names browsers still report, else the extension; nothing else.
 */
describe('evidenceMimeOf', () => {
  it('trusts an accepted declared type whatever the name', () => {
    expect(evidenceMimeOf('laporan', DOCX)).toBe(DOCX);
    expect(evidenceMimeOf('foto.docx', 'image/png')).toBe('image/png');
  });

  it('maps the legacy RAR and ZIP types browsers report', () => {
    expect(evidenceMimeOf('arsip', 'application/x-rar-compressed')).toBe('application/vnd.rar');
    expect(evidenceMimeOf('arsip', 'application/x-rar')).toBe('application/vnd.rar');
    expect(evidenceMimeOf('arsip', 'application/x-zip-compressed')).toBe('application/zip');
  });

  it('reads the extension, in any case, when the browser reports no useful type', () => {
    expect(evidenceMimeOf('Bukti.RAR', '')).toBe('application/vnd.rar');
    expect(evidenceMimeOf('rekap.ods', 'application/octet-stream')).toBe(ODS);
    expect(evidenceMimeOf('scan.JPEG', '')).toBe('image/jpeg');
    expect(evidenceMimeOf('sk.tim.2026.docx', '')).toBe(DOCX);
  });

  it('refuses what is no evidence: other types, other or missing extensions', () => {
    expect(evidenceMimeOf('catatan.txt', 'text/plain')).toBeNull();
    expect(evidenceMimeOf('lama.doc', 'application/msword')).toBeNull();
    expect(evidenceMimeOf('setup.exe', 'application/octet-stream')).toBeNull();
    expect(evidenceMimeOf('docx', '')).toBeNull();
    expect(evidenceMimeOf('laporan.docx.exe', '')).toBeNull();
    expect(evidenceMimeOf('', '')).toBeNull();
    expect(evidenceMimeOf('halaman.html', 'text/html')).toBeNull();
  });
});

describe('how evidence kinds are shown and served', () => {
  it('office files and archives are download-only; photos and PDF are not', () => {
    expect(isDownloadOnly(DOCX)).toBe(true);
    expect(isDownloadOnly('application/vnd.rar')).toBe(true);
    expect(isDownloadOnly('application/zip')).toBe(true);
    expect(isDownloadOnly('image/jpeg')).toBe(false);
    expect(isDownloadOnly('application/pdf')).toBe(false);
    // Whatever is not evidence is never rendered either.
    expect(isDownloadOnly('text/html')).toBe(true);
  });

  it('badges and the limit line name each kind with its limit', () => {
    expect(evidenceBadge(DOCX)).toBe('DOCX');
    expect(evidenceBadge('application/vnd.rar')).toBe('RAR');
    expect(evidenceBadge('text/html')).toBeNull();
    expect(evidenceLimitsLine('id')).toBe(
      'Foto maks. 40 MB · PDF maks. 20 MB · Dokumen (DOCX, ODT) maks. 20 MB · Lembar kerja (XLSX, ODS) maks. 20 MB · Arsip (ZIP, RAR) maks. 50 MB',
    );
    expect(evidenceLimitsLine('en')).toMatch(/^Photo max\. 40 MB · PDF max\. 20 MB · Document/);
    expect(evidenceKindPhrase('archive', 'id')).toBe('arsip (ZIP, RAR)');
    expect(evidenceKindPhrase('pdf', 'en')).toBe('PDF');
  });

  it('a file is renderable only when its first bytes are an image or a PDF', () => {
    const bytes = (...b: number[]) => new Uint8Array(b);
    expect(sniffRenderableMime(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffRenderableMime(new TextEncoder().encode('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffRenderableMime(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe(
      'image/webp',
    );
    expect(sniffRenderableMime(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffRenderableMime(new TextEncoder().encode('<html><script>'))).toBeNull();
    expect(sniffRenderableMime(bytes(0x50, 0x4b, 3, 4))).toBeNull();
    expect(sniffRenderableMime(bytes())).toBeNull();
  });

  it('a link must be http(s) without spaces', () => {
    expect(EvidenceUrlSchema.safeParse('https://layanan.pemda.go.id/izin?x=1').success).toBe(true);
    expect(EvidenceUrlSchema.safeParse('HTTP://10.0.0.5:8080').success).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,hi',
      'ftp://x.go.id',
      'https://',
      'https://a b.go.id',
      '//pemda.go.id',
    ])
      expect(EvidenceUrlSchema.safeParse(bad).success, bad).toBe(false);
  });
});
