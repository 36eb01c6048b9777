import { describe, expect, it } from 'vitest';
import {
  PACKAGE_NAME_RE,
  type PackageEntry,
  packageFileName,
  packageFits,
  packageSlug,
  unitFolder,
} from '../../../src/server/services/exports/national-package';

describe('national package names', () => {
  it('writes I<no>_L<level>_<item>_<judul>.<ext> with a safe ASCII judul of at most 40 characters', () => {
    expect(packageFileName(5, 2, 1, 'SK Tim SPBE', 'pdf')).toBe('I05_L2_01_sk-tim-spbe.pdf');
    expect(packageFileName(47, 0, 0, 'Foto', 'jpg')).toBe('I47_L0_00_foto.jpg');
    // Accents fold to ASCII; punctuation, slashes and dots become single hyphens.
    expect(packageSlug('Señal / Perwal No. 12/2022 — «Tata Kelola»')).toBe(
      'senal-perwal-no-12-2022-tata-kelola',
    );
    // Cut at 40 at a word's end (not mid-word) without a trailing hyphen; nothing usable
    // left → "bukti"; one long word is cut where it must be.
    const long = packageSlug('Perkada atau Keputusan Kepala Daerah yang memuat ketentuan');
    expect(long).toBe('perkada-atau-keputusan-kepala-daerah');
    expect(long.length).toBeLessThanOrEqual(40);
    expect(packageSlug('Perkada atau Keputusan Kepala Daerah x')).toBe(
      'perkada-atau-keputusan-kepala-daerah-x',
    );
    expect(packageSlug('ab-- --cd', 3)).toBe('ab');
    expect(packageSlug('a'.repeat(50))).toBe('a'.repeat(40));
    expect(packageSlug('…')).toBe('bukti');
    expect(packageSlug('../../etc/passwd')).toBe('etc-passwd');
  });

  it('parses names back, and names unit folders by code and name', () => {
    const m = PACKAGE_NAME_RE.exec('I05_L2_01_sk-tim-spbe-2.pdf');
    expect(m?.slice(1)).toEqual(['05', '2', '01', 'sk-tim-spbe-2', 'pdf']);
    expect(PACKAGE_NAME_RE.test('I05_L2_01_../x.pdf')).toBe(false);
    expect(unitFolder('36.72.OPD.08', 'Dinas Komunikasi, Informatika & Persandian')).toBe(
      '36.72.OPD.08_dinas-komunikasi-informatika-persandian',
    );
    expect(unitFolder('A/B C', 'x')).toBe('A-B-C_x');
  });

  it('refuses what a plain zip cannot hold: more than 65,535 files, or 4 GiB in all', () => {
    const entry = (bytes: number, i = 0) =>
      ({ bytes, path: `I01_L0_00_foto-${i}.jpg` }) as PackageEntry;
    expect(packageFits([entry(20 * 2 ** 20)], 10_000)).toBe(true);
    // 65,534 files and the index fit; one more does not.
    const many = Array.from({ length: 65_534 }, (_, i) => entry(1, i));
    expect(packageFits(many, 10_000)).toBe(true);
    expect(packageFits([...many, entry(1, 65_534)], 10_000)).toBe(false);
    // 4 GiB of files does not fit, with headers and index counted.
    const big = Array.from({ length: 82 }, (_, i) => entry(50 * 2 ** 20, i));
    expect(packageFits(big, 0)).toBe(false);
    expect(packageFits(big.slice(0, 81), 0)).toBe(true);
  });
});
