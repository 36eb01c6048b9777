/**
 * Mode latihan: a fictional unit that works with no server and no account. It lives in its
 * own IndexedDB database ("telusur-latihan"), so resetting it or practising in it can never
 * touch real, unsent verification data.
 */
export const TRAINING_DB = 'telusur-latihan';
export const TRAINING_ASSESSMENT_ID = 'latihan-2026-sukamaju';
export const TRAINING_PERIOD = {
  id: 'latihan-2026',
  name: 'Latihan Evaluasi SPBE',
  year: 2026,
  frameworkId: 'spbe-2020',
  targetIndex: 3,
  status: 'active' as const,
  // The workflow as a real period has it: the internal team's values came first, the
  // verifier works the document review; the sector services of SPBE 2020 45–47 are named.
  periodType: 'evaluasi' as const,
  stages: ['mandiri', 'dokumen', 'interviu', 'final'] as const,
  currentStage: 'dokumen' as const,
  sectorServices: [
    { indicatorNo: 45, name: 'Perizinan Berusaha' },
    { indicatorNo: 46, name: 'Kesehatan' },
    { indicatorNo: 47, name: 'Pendidikan' },
  ],
};

/** Who gave the fictional unit's self-assessment values, and when (2 Oct 2026 09.00 WIB). */
export const TRAINING_MANDIRI = {
  by: 'Tim Asesor Internal (fiktif)',
  at: Date.UTC(2026, 9, 2, 2, 0),
};
export const TRAINING_UNIT = {
  id: 'latihan-unit-sukamaju',
  name: 'Kelurahan Sukamaju (fiktif)',
  kind: 'kelurahan' as const,
  parentName: 'Kecamatan Contoh',
  code: 'LATIHAN-01',
};

/** Self-assessed levels of the fictional unit: policies weak, services stronger (a typical picture). */
export function trainingSelfLevels(): Record<number, { level: number; justification: string }> {
  const out: Record<number, { level: number; justification: string }> = {};
  for (let no = 1; no <= 47; no++) {
    const level =
      no <= 10 ? 1 + (no % 3) : no <= 31 ? 1 + (no % 2) + (no % 5 === 0 ? 1 : 0) : 2 + (no % 3);
    out[no] = {
      level,
      justification: `Contoh penjelasan unit untuk indikator ${no}: dokumen pendukung disiapkan oleh sekretariat kelurahan (data fiktif untuk latihan).`,
    };
  }
  return out;
}
