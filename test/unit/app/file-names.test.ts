import { describe, expect, it } from 'vitest';
import { exportFileNames } from '../../../src/app/lib/export';
import { downloadName, fileSlug } from '../../../src/app/lib/file-names';
import type { TelusurStore } from '../../../src/store';

/** Files the tablet offers are named by unit and day, never by an assessment's UUID. */

const NOV_30 = new Date(2026, 10, 30, 9, 15).getTime();

function reference(
  units: Record<string, string>,
  periods: Record<string, string>,
): Pick<TelusurStore, 'reference'> {
  return {
    reference: {
      getUnit: async (id: string) => (units[id] ? { id, name: units[id] } : null),
      getPeriod: async (id: string) =>
        periods[id] ? { id, name: periods[id], frameworkId: 'spbe-2020' } : null,
    },
  } as unknown as Pick<TelusurStore, 'reference'>;
}

describe('download names', () => {
  it('slugs a unit name: lower case, dashes, accents dropped', () => {
    expect(fileSlug('Kelurahan Ciwaduk')).toBe('kelurahan-ciwaduk');
    expect(fileSlug('Dinas Komunikasi, Informatika, Statistik dan Persandian')).toBe(
      'dinas-komunikasi-informatika-statistik-dan-persandian',
    );
    expect(fileSlug('  Kécamatan   Cibeber / Timur ')).toBe('kecamatan-cibeber-timur');
    expect(downloadName(['Kelurahan Ciwaduk'], NOV_30, 'json')).toBe(
      'telusur-kelurahan-ciwaduk-2026-11-30.json',
    );
    expect(downloadName([''], NOV_30, 'json', 'ditolak')).toBe(
      'telusur-ditolak-unit-2026-11-30.json',
    );
  });

  it('names each export by its unit and day; one unit in two periods gets the period too', async () => {
    const store = reference(
      { u1: 'Kelurahan Ciwaduk', u2: 'Sekretariat Daerah' },
      { p1: 'Evaluasi SPBE 2023', p2: 'Evaluasi Pemdi 2026' },
    );
    const names = await exportFileNames(
      store,
      [
        { id: '0190a1b2-0000-7000-8000-000000000001', unitId: 'u1', periodId: 'p1' },
        { id: '0190a1b2-0000-7000-8000-000000000002', unitId: 'u2', periodId: 'p1' },
        { id: '0190a1b2-0000-7000-8000-000000000003', unitId: 'u2', periodId: 'p2' },
      ],
      NOV_30,
    );
    expect([...names.values()]).toEqual([
      'telusur-kelurahan-ciwaduk-2026-11-30.zip',
      'telusur-sekretariat-daerah-evaluasi-spbe-2023-2026-11-30.zip',
      'telusur-sekretariat-daerah-evaluasi-pemdi-2026-2026-11-30.zip',
    ]);
  });
});
