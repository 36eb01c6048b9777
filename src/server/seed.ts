import type { Kysely } from 'kysely';
import { computeIndex, type Framework, listIndicators, spbe2020 } from '../core';
import type { Database } from './db/database';
import { MaintenanceRepository } from './db/maintenance.repository';
import type { Role, UnitKind } from './domain';
import type { Services } from './services';
import type { UnitRow } from './services/units.service';

/**
 * The demo data set: Pemerintah Kota Cilegon with its 8 kecamatan, 43 kelurahan and 20
 * perangkat daerah; the period "Evaluasi SPBE 2023" on SPBE 2020 with target 3.00; city
 * self-assessment levels whose index is exactly 2.10 (the city's own 2023 statement);
 * one coordinator, one viewer and two verifiers with assignments. Every row is flagged
 * demo. Unit codes follow the Kemendagri pattern (36.72…) but are demo codes, not the
 * official numbering.
 */

export const DEMO_PASSWORD = 'telusur-demo';

export const DEMO_ACCOUNTS = [
  { email: 'koordinator@cilegon.demo', name: 'Koordinator SPBE (Diskominfo)', role: 'coordinator' },
  { email: 'pimpinan@cilegon.demo', name: 'Sekretaris Daerah (pimpinan)', role: 'viewer' },
  { email: 'verifikator1@cilegon.demo', name: 'Verifikator Satu', role: 'verifier' },
  { email: 'verifikator2@cilegon.demo', name: 'Verifikator Dua', role: 'verifier' },
] as const satisfies readonly { email: string; name: string; role: Role }[];

export const DEMO_PERIOD_NAME = 'Evaluasi SPBE 2023';
export const PEMDA_CODE = '36.72';

const KECAMATAN: readonly [string, readonly string[]][] = [
  ['Cibeber', ['Bulakan', 'Cibeber', 'Cikerai', 'Kalitimbang', 'Karangasem', 'Kedaleman']],
  ['Cilegon', ['Bagendung', 'Bendungan', 'Ciwaduk', 'Ciwedus', 'Ketileng']],
  [
    'Citangkil',
    ['Citangkil', 'Deringo', 'Kebonsari', 'Lebakdenok', 'Samangraya', 'Tamanbaru', 'Warnasari'],
  ],
  ['Ciwandan', ['Banjarnegara', 'Gunungsugih', 'Kepuh', 'Kubangsari', 'Randakari', 'Tegalratu']],
  ['Grogol', ['Gerem', 'Grogol', 'Kotasari', 'Rawa Arum']],
  ['Jombang', ['Gedong Dalam', 'Jombang Wetan', 'Masigit', 'Panggung Rawi', 'Sukmajaya']],
  ['Pulomerak', ['Lebak Gede', 'Mekarsari', 'Suralaya', 'Tamansari']],
  ['Purwakarta', ['Kebondalem', 'Kotabumi', 'Pabean', 'Purwakarta', 'Ramanuju', 'Tegal Bunder']],
];

const OPD: readonly string[] = [
  'Sekretariat Daerah',
  'Sekretariat DPRD',
  'Inspektorat',
  'Badan Perencanaan Pembangunan Daerah',
  'Badan Pengelolaan Keuangan dan Aset Daerah',
  'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia',
  'Badan Penanggulangan Bencana Daerah',
  'Dinas Komunikasi, Informatika, Statistik dan Persandian',
  'Dinas Pendidikan dan Kebudayaan',
  'Dinas Kesehatan',
  'Dinas Pekerjaan Umum dan Penataan Ruang',
  'Dinas Perumahan dan Kawasan Permukiman',
  'Satuan Polisi Pamong Praja',
  'Dinas Sosial',
  'Dinas Tenaga Kerja',
  'Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu',
  'Dinas Kependudukan dan Pencatatan Sipil',
  'Dinas Perhubungan',
  'Dinas Lingkungan Hidup',
  'Dinas Perpustakaan dan Kearsipan',
];

const pad = (n: number) => String(n).padStart(2, '0');
export const opdCode = (i: number) => `${PEMDA_CODE}.OPD.${pad(i + 1)}`;
export const kecamatanCode = (i: number) => `${PEMDA_CODE}.${pad(i + 1)}`;
export const kelurahanCode = (k: number, i: number) => `${kecamatanCode(k)}.${1001 + i}`;

/** The 72 demo units in CSV-import shape (parents first). */
export function demoUnitRows(): UnitRow[] {
  const rows: Omit<UnitRow, 'line'>[] = [
    {
      code: PEMDA_CODE,
      name: 'Pemerintah Kota Cilegon',
      kind: 'pemda' satisfies UnitKind,
      parentCode: '',
    },
  ];
  OPD.forEach((name, i) => {
    rows.push({ code: opdCode(i), name, kind: 'opd', parentCode: PEMDA_CODE });
  });
  KECAMATAN.forEach(([kec, kels], k) => {
    rows.push({
      code: kecamatanCode(k),
      name: `Kecamatan ${kec}`,
      kind: 'kecamatan',
      parentCode: PEMDA_CODE,
    });
    kels.forEach((kel, i) => {
      rows.push({
        code: kelurahanCode(k, i),
        name: `Kelurahan ${kel}`,
        kind: 'kelurahan',
        parentCode: kecamatanCode(k),
      });
    });
  });
  return rows.map((r, i) => ({ ...r, line: i + 2 }));
}

/**
 * City-level self-assessment, indicator 1..47 of SPBE 2020. Policy (D1) and management
 * (D3) low, administrative services (A7) highest, as in many kota of that year:
 * Σ level × weight = 210 → index 2.10 (Cukup).
 */
export const CITY_LEVELS: readonly number[] = [
  // A1 Kebijakan internal (1–10)
  2, 2, 1, 2, 1, 1, 1, 2, 1, 2,
  // A2 Perencanaan strategis (11–14)
  2, 2, 2, 1,
  // A3 TIK (15–18)
  2, 2, 2, 1,
  // A4 Penyelenggara (19–20)
  2, 1,
  // A5 Penerapan manajemen (21–28)
  1, 1, 2, 1, 2, 1, 1, 2,
  // A6 Audit TIK (29–31)
  1, 1, 1,
  // A7 Layanan administrasi pemerintahan (32–41)
  3, 3, 4, 3, 4, 3, 3, 3, 3, 3,
  // A8 Layanan publik (42–47)
  3, 2, 3, 2, 2, 1,
];

const JUSTIFICATION: Record<number, string> = {
  1: 'Baru tersedia konsep/draf; belum ditetapkan.',
  2: 'Sudah ditetapkan/berjalan, tetapi belum mencakup seluruh perangkat daerah.',
  3: 'Diterapkan di seluruh perangkat daerah sesuai pedoman.',
  4: 'Terpadu dengan layanan lain dan dievaluasi berkala.',
  5: 'Hasil evaluasi ditindaklanjuti untuk perbaikan berkelanjutan.',
};

/** Self-assessment for one unit: the city levels shifted by a per-unit pattern, clamped to 1..5. */
function variantLevels(
  fw: Framework,
  shift: readonly number[],
): { indicatorNo: number; level: number; justification: string }[] {
  return listIndicators(fw).map((ind, i) => {
    const level = Math.min(5, Math.max(1, (CITY_LEVELS[i] ?? 1) + (shift[i % shift.length] ?? 0)));
    return { indicatorNo: ind.no, level, justification: `(Demo) ${JUSTIFICATION[level]}` };
  });
}

export interface DemoSummary {
  periodId: string;
  cityIndex: number | null;
  units: number;
  credentials: { email: string; password: string; role: Role }[];
}

/**
 * Fill an empty database with the demo. Refuses in production (NODE_ENV=production).
 *
 * @example
 *   await prepareDatabase(db); await seedDemo(createServices({ db, clock, config }));
 */
export async function seedDemo(
  s: Services,
  env: { nodeEnv?: string | undefined } = { nodeEnv: process.env.NODE_ENV },
): Promise<DemoSummary> {
  if (env.nodeEnv === 'production')
    throw new Error('refusing to seed demo data with NODE_ENV=production');
  if ((await s.accounts.count()) > 0)
    throw new Error(
      'refusing to seed: the database already has accounts (use `npm run seed` to reset a demo database)',
    );

  const accounts = [];
  for (const a of DEMO_ACCOUNTS) {
    accounts.push(await s.accounts.create({ ...a, password: DEMO_PASSWORD, demo: true }));
  }
  const [coordinator, , v1, v2] = accounts;
  if (!coordinator || !v1 || !v2) throw new Error('demo accounts missing');

  const rows = demoUnitRows();
  await s.units.importRows(rows, { demo: true });
  const units = await s.units.tree();
  const byCode = new Map(units.map((u) => [u.code, u.id]));
  const idOf = (code: string) => {
    const id = byCode.get(code);
    if (!id) throw new Error(`demo unit ${code} missing`);
    return id;
  };

  const fw = spbe2020;
  const period = await s.periods.create({
    name: DEMO_PERIOD_NAME,
    year: 2023,
    frameworkId: fw.id,
    targetIndex: 3,
    status: 'active',
    demo: true,
  });

  const city = listIndicators(fw).map((ind, i) => ({
    indicatorNo: ind.no,
    level: CITY_LEVELS[i] ?? 1,
    justification: `(Demo) ${JUSTIFICATION[CITY_LEVELS[i] ?? 1]}`,
  }));
  await s.selfAssessments.put(period.id, idOf(PEMDA_CODE), city, coordinator.id);
  const variants: [string, number[]][] = [
    [opdCode(7), [1, 0, 1, 1, 0]], // Diskominfo: ahead of the city
    [opdCode(3), [0, 1, 0, 0]], // Bappeda
    [opdCode(16), [0, 0, 1, -1]], // Disdukcapil
    [opdCode(9), [0, -1, 0]], // Dinas Kesehatan
    [kecamatanCode(0), [-1, 0, 0, -1]], // Kecamatan Cibeber
    [kecamatanCode(2), [0, -1, -1, 0]], // Kecamatan Citangkil
  ];
  for (const [code, shift] of variants) {
    await s.selfAssessments.put(period.id, idOf(code), variantLevels(fw, shift), coordinator.id);
  }

  await s.assignments.create(
    {
      periodId: period.id,
      verifierId: v1.id,
      unitIds: [
        PEMDA_CODE,
        opdCode(7),
        opdCode(3),
        kecamatanCode(0),
        kelurahanCode(0, 0),
        kelurahanCode(0, 1),
      ].map(idOf),
    },
    coordinator.id,
  );
  await s.assignments.create(
    {
      periodId: period.id,
      verifierId: v2.id,
      unitIds: [
        opdCode(16),
        opdCode(9),
        kecamatanCode(2),
        kelurahanCode(2, 0),
        kelurahanCode(2, 1),
      ].map(idOf),
    },
    coordinator.id,
  );

  return {
    periodId: period.id,
    cityIndex: computeIndex(fw, Object.fromEntries(city.map((l) => [l.indicatorNo, l.level])))
      .index,
    units: rows.length,
    credentials: DEMO_ACCOUNTS.map((a) => ({
      email: a.email,
      password: DEMO_PASSWORD,
      role: a.role,
    })),
  };
}

/** Delete every row (schema stays) so the demo can be seeded again. */
export async function wipeDatabase(db: Kysely<Database>): Promise<void> {
  await new MaintenanceRepository(db).wipeAll();
}

/** The start-up banner listing the demo logins. */
export function demoBanner(credentials: DemoSummary['credentials']): string {
  const lines = credentials.map(
    (c) => `  ${c.role.padEnd(11)} ${c.email.padEnd(28)} ${c.password}`,
  );
  return [
    'DEMO data (Kota Cilegon, fictitious accounts) — do not use in production. Demo logins:',
    ...lines,
  ].join('\n');
}
