import type { Kysely } from 'kysely';
import {
  computeIndex,
  type Framework,
  isoDayInZone,
  listIndicators,
  pemdi2026,
  spbe2020,
  ZONE_IANA,
} from '../core';
import type { Database } from './db/database';
import { MaintenanceRepository } from './db/maintenance.repository';
import type { Role, UnitKind } from './domain';
import type { Services } from './services';
import type { UnitRow } from './services/units.service';

/**
 * The demo data set: Pemerintah Kota Cilegon with its 8 kecamatan, 43 kelurahan and 20
 * perangkat daerah; the period "Evaluasi SPBE 2023" on SPBE 2020 with target 3.00; city
 * self-assessment levels whose index is exactly 2.10 (the city's own 2023 statement);
 * one coordinator, one viewer and two verifiers with assignments. Next to it the period
 * "Evaluasi Pemdi 2026" on Pemdi 2026 (PermenPANRB 8/2026, assessor values with two
 * decimals) with its own penilaian mandiri and a few assignments on other units, so every
 * demo verifier has work on both instruments and a unit code names one assessment per
 * verifier and period. Every row is flagged demo. Unit codes follow the Kemendagri pattern
 * (36.72…) but are demo codes, not the official numbering.
 */

export const DEMO_PASSWORD = 'telusur-demo';

export const DEMO_ACCOUNTS = [
  { email: 'koordinator@cilegon.demo', name: 'Koordinator SPBE (Diskominfo)', role: 'coordinator' },
  { email: 'pimpinan@cilegon.demo', name: 'Sekretaris Daerah (pimpinan)', role: 'viewer' },
  { email: 'verifikator1@cilegon.demo', name: 'Verifikator Satu', role: 'verifier' },
  { email: 'verifikator2@cilegon.demo', name: 'Verifikator Dua', role: 'verifier' },
] as const satisfies readonly { email: string; name: string; role: Role }[];

/**
 * The demo's owner account (issue 18): Diskominfo follows up the improvement actions it is
 * responsible for. Apart from DEMO_ACCOUNTS because an owner belongs to a unit.
 */
export const DEMO_OWNER = {
  email: 'diskominfo@cilegon.demo',
  name: 'Diskominfo (penanggung jawab tindak lanjut)',
  role: 'owner',
} as const satisfies { email: string; name: string; role: Role };

export const DEMO_PERIOD_NAME = 'Evaluasi SPBE 2023';
/** The stages of the demo's 59/2020 period, as Cilegon ran that evaluation. */
export const DEMO_PERIOD_STAGES = ['mandiri', 'dokumen', 'interviu', 'final'] as const;
/** The sector services Cilegon chose for SPBE 2020 indicators 45–47 (demo). */
export const DEMO_SECTOR_SERVICES = [
  { indicatorNo: 45, name: 'Layanan perizinan berusaha (DPMPTSP)' },
  { indicatorNo: 46, name: 'Layanan administrasi kependudukan (Disdukcapil)' },
  { indicatorNo: 47, name: 'Layanan kesehatan puskesmas (Dinas Kesehatan)' },
];
export const DEMO_PEMDI_PERIOD_NAME = 'Evaluasi Pemdi 2026';
export const PEMDA_CODE = '36.72';
/**
 * The demo is one organisation like any other: Kota Cilegon (Banten), on Western Indonesia
 * Time. No logo: its prints show the name alone.
 */
export const DEMO_ORGANISATION = {
  name: 'Pemerintah Kota Cilegon',
  kind: 'kota',
  zone: 'WIB',
} as const;

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

/**
 * City-level penilaian mandiri on Pemdi 2026, indicators 1..20: assessor values with partial
 * credit toward the next level (1,25 · 2,5), governance and services ahead of security and
 * data, as a kota two years into SPBE would state them. Indicators 5, 6, 7 and 18 are valued
 * from other agencies' indices; the city states its own reading of them.
 * Σ value × weight = 184,5 → index 1,845 exactly: shown 1,85 (rounded half up, as official
 * results are; truncation would say 1,84), Cukup · Merintis.
 */
export const PEMDI_CITY_VALUES: readonly number[] = [
  // A1 Tata kelola (1–2), A2 Penyelenggara (3–4)
  2.5, 2.25, 2, 1.5,
  // A3 Data (5–8)
  2.25, 1, 2, 1.25,
  // A4 Keamanan (9–12)
  1.5, 1.75, 1, 1.25,
  // A5 Teknologi (13–14), A6 Keterpaduan layanan (15–18)
  2.5, 2, 1.75, 1.5, 2, 1,
  // A7 Kepuasan pengguna (19–20)
  2.05, 2,
];

/** Perangkat daerah with a Pemdi 2026 penilaian mandiri: the city's values shifted. */
const PEMDI_VARIANTS: readonly [code: string, shift: readonly number[]][] = [
  [opdCode(7), [0.5, 0.25, 0, 0.75]], // Diskominfo: ahead of the city
  [opdCode(0), [0, -0.25, 0.25]], // Sekretariat Daerah
  [opdCode(4), [-0.5, 0, 0.25, 0]], // BPKAD
  [opdCode(2), [0.25, 0, -0.25]], // Inspektorat
];

/**
 * The demo's document-review values (Pemdi 2026, verifier 2): Inspektorat's penilaian
 * mandiri lowered by `lower` on every indicator valued by the assessors (outside-index
 * indicators left to the verifier), kept in 1,00–5,00.
 */
export const INSPEKTORAT_DOKUMEN = { code: opdCode(2), lower: 0.5 };

function inspektoratDokumen(): Record<number, number> {
  const shift = PEMDI_VARIANTS.find(([code]) => code === INSPEKTORAT_DOKUMEN.code)?.[1] ?? [];
  const own = pemdiVariant(shift);
  const out: Record<number, number> = {};
  listIndicators(pemdi2026).forEach((ind, i) => {
    if (ind.spec.source) return;
    const v = Math.round(((own[i] ?? 1) - INSPEKTORAT_DOKUMEN.lower) * 100) / 100;
    out[ind.no] = Math.max(1, v);
  });
  return out;
}

/** Units verified on Pemdi 2026, per demo verifier: none of them is assigned on SPBE 2023. */
const PEMDI_ASSIGNMENTS: readonly [verifier: 1 | 2, codes: readonly string[]][] = [
  [1, [opdCode(0), opdCode(4)]],
  [2, [opdCode(2)]],
];

/** A unit's Pemdi 2026 values: the city's shifted by a per-unit pattern, kept in 1,00–5,00. */
function pemdiVariant(shift: readonly number[]): number[] {
  return PEMDI_CITY_VALUES.map((v, i) => {
    const x = Math.round((v + (shift[i % shift.length] ?? 0)) * 100) / 100;
    return Math.min(5, Math.max(1, x));
  });
}

/** Penilaian mandiri rows of Pemdi 2026 from values in indicator order. */
function pemdiLevels(values: readonly number[]) {
  return listIndicators(pemdi2026).map((ind, i) => {
    const level = values[i] ?? 1;
    return {
      indicatorNo: ind.no,
      level,
      justification: `(Demo) ${JUSTIFICATION[Math.floor(level)]}`,
    };
  });
}

export interface DemoSummary {
  periodId: string;
  /** The demo's second period, "Evaluasi Pemdi 2026". */
  pemdiPeriodId: string;
  cityIndex: number | null;
  /** Index of the city's Pemdi 2026 penilaian mandiri (exact). */
  pemdiCityIndex: number | null;
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

  await s.organisation.set(DEMO_ORGANISATION, null);
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
    // The unit's self-assessment is imported: the demo's verifiers work the document review.
    year: 2023,
    frameworkId: fw.id,
    targetIndex: 3,
    // The verifiers are at the document review (the move from penilaian mandiri is in the
    // period's history).
    stages: [...DEMO_PERIOD_STAGES],
    periodType: 'evaluasi',
    skNumber: '800/Kep.112-Diskominfo/2023',
    skDate: '2023-03-14',
    skSignedBy: 'Wali Kota Cilegon',
    sectorServices: DEMO_SECTOR_SERVICES,
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

  // Penilaian mandiri is in (imported above): the coordinator moved on to the documents.
  await s.periods.moveStage(period.id, 'mandiri', 'dokumen', coordinator.id);

  const pemdi = await seedPemdi(s, idOf, coordinator.id, [v1.id, v2.id]);
  await seedDemoActions(s, period.id, idOf, coordinator.id);

  return {
    periodId: period.id,
    pemdiPeriodId: pemdi.periodId,
    cityIndex: computeIndex(fw, Object.fromEntries(city.map((l) => [l.indicatorNo, l.level])))
      .index,
    pemdiCityIndex: pemdi.cityIndex,
    units: rows.length,
    credentials: [...DEMO_ACCOUNTS, DEMO_OWNER].map((a) => ({
      email: a.email,
      password: DEMO_PASSWORD,
      role: a.role,
    })),
  };
}

/**
 * The period "Evaluasi Pemdi 2026": active, target 2,50 (Baik), the city's and four OPD's
 * penilaian mandiri, and assignments on units that have none on SPBE 2023.
 */
async function seedPemdi(
  s: Services,
  idOf: (code: string) => string,
  coordinatorId: string,
  verifierIds: readonly [string, string],
): Promise<{ periodId: string; cityIndex: number | null }> {
  const period = await s.periods.create({
    name: DEMO_PEMDI_PERIOD_NAME,
    // The unit's self-assessment is imported: the demo's verifiers work the document review.
    year: 2026,
    frameworkId: pemdi2026.id,
    targetIndex: 2.5,
    stages: ['mandiri', 'dokumen', 'interviu', 'visitasi', 'final'],
    periodType: 'evaluasi',
    skNumber: '800.1.3/Kep.41-Diskominfo/2026',
    skDate: '2026-02-02',
    skSignedBy: 'Sekretaris Daerah Kota Cilegon',
    status: 'active',
    demo: true,
  });
  const city = pemdiLevels(PEMDI_CITY_VALUES);
  await s.selfAssessments.put(period.id, idOf(PEMDA_CODE), city, coordinatorId);
  for (const [code, shift] of PEMDI_VARIANTS)
    await s.selfAssessments.put(
      period.id,
      idOf(code),
      pemdiLevels(pemdiVariant(shift)),
      coordinatorId,
    );
  for (const [verifier, codes] of PEMDI_ASSIGNMENTS)
    await s.assignments.create(
      {
        periodId: period.id,
        verifierId: verifierIds[verifier - 1] as string,
        unitIds: codes.map(idOf),
      },
      coordinatorId,
    );
  await s.periods.moveStage(period.id, 'mandiri', 'dokumen', coordinatorId);
  // Inspektorat's document review is done: its values moved from the penilaian mandiri, so
  // the dashboard's "Indeks per tahap" shows a unit whose index moved between stages.
  await s.assignments.seedStageValues(
    period.id,
    idOf(INSPEKTORAT_DOKUMEN.code),
    'dokumen',
    inspektoratDokumen(),
    { accountId: verifierIds[1], name: DEMO_ACCOUNTS[3].name },
  );
  return {
    periodId: period.id,
    cityIndex: computeIndex(
      pemdi2026,
      Object.fromEntries(city.map((l) => [l.indicatorNo, l.level])),
    ).index,
  };
}

const DAY_MS = 86_400_000;

/**
 * The demo's improvement actions (tindak lanjut, issue 18) on "Evaluasi SPBE 2023": the
 * owner account of Diskominfo, and three actions on the Pemda unit taken from the first
 * items of the period's improvement plan — one `berjalan` owned by Diskominfo, one `rencana`
 * whose due date has passed by the seed's clock (so it reads `terlambat`), one `selesai`
 * with a closing note and a link. Due dates follow the seed's clock, so the statuses read
 * the same on whatever day the demo is seeded.
 */
async function seedDemoActions(
  s: Services,
  periodId: string,
  idOf: (code: string) => string,
  coordinatorId: string,
): Promise<void> {
  const diskominfo = idOf(opdCode(7));
  await s.accounts.create({
    ...DEMO_OWNER,
    password: DEMO_PASSWORD,
    demo: true,
    unitId: diskominfo,
  });
  const coordinator = (await s.accounts.listAll()).find((a) => a.id === coordinatorId);
  if (!coordinator) throw new Error('demo coordinator missing');
  const who = { account: coordinator };
  const plan = await s.plan.plan(periodId);
  const [first, second, third] = plan.items;
  if (!first || !second || !third) throw new Error('the demo plan has fewer than three items');
  const now = s.actions.clockNow();
  const day = (offset: number) =>
    isoDayInZone(now + offset * DAY_MS, ZONE_IANA[DEMO_ORGANISATION.zone]);
  const pemda = idOf(PEMDA_CODE);
  const make = (item: typeof first, due: string, ownerUnitId: string, ownerPerson: string) =>
    s.actions.create(who, {
      periodId,
      indicatorNo: item.no,
      unitId: pemda,
      ownerUnitId,
      ownerPerson,
      targetLevel: item.to,
      dueDate: due,
      origin: 'plan',
    });
  const running = await make(first, day(60), diskominfo, 'Kepala Bidang Aplikasi Informatika');
  await s.actions.patch(who, running.id, { expectedVersion: running.version, status: 'berjalan' });
  await make(second, day(-14), idOf(opdCode(3)), 'Kepala Bidang Perencanaan');
  const done = await make(third, day(-7), diskominfo, 'Sekretaris Diskominfo');
  await s.actions.close(who, done.id, {
    expectedVersion: done.version,
    note: '(Demo) Dokumen ditetapkan dan diunggah ke JDIH.',
    links: ['https://jdih.cilegonkota.go.id/'],
  });
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
