import type ExcelJS from 'exceljs';
import {
  type CitySummaryIndicator,
  compileFramework,
  computeIndex,
  type Framework,
  formatIndex,
  type IndexResult,
  listIndicators,
  type UnitProgress,
} from '../../../core';
import type { VerificationCell } from '../../db/reporting.repository';
import type { Repositories } from '../../db/repositories';
import type { Period } from '../../domain';
import { groupBy } from '../../lib/group-by';
import {
  type CityIndex,
  CONSOLIDATION_RULE_ID,
  namedCityIndicators,
  type PeriodCity,
} from '../city-index';
import { toUnitProgress } from '../dashboard.service';
import {
  csvFile,
  csvLine,
  type ExportFile,
  exportFilename,
  truncIndex,
  wib,
  xlsxFile,
} from './file';

/**
 * The export of unit × indicator levels of a period (CSV and XLSX, Indonesian): every unit
 * with an assessment or a self-assessment, every indicator, with indices and evidence
 * status. Both formats name the period, the instrument and the time they were made:
 *
 * - CSV: a short preamble of `key;value` lines (period, instrument, time, city index,
 *   consolidation rule, format), one empty line, then the table with a header row
 *   (`LEVEL_COLUMNS`); file.ts says how the file is written.
 * - XLSX: sheets "Info" (the same facts), "Kota" (city levels per indicator), "Indeks unit"
 *   (per unit) and "Level" (the unit × indicator table). Indices are truncated to two
 *   decimals (as shown everywhere, so the number and its predicate agree).
 */

const STATUS_ID: Record<string, string> = {
  belum: 'belum mulai',
  sedang: 'sedang',
  selesai: 'selesai',
  terkirim: 'terkirim',
  disetujui: 'disetujui',
  dikembalikan: 'dikembalikan',
};

const KIND_ID: Record<string, string> = {
  pemda: 'pemerintah daerah',
  opd: 'perangkat daerah',
  kecamatan: 'kecamatan',
  kelurahan: 'kelurahan',
};

export type EvidenceStatus = 'tidak berlaku' | 'belum diperiksa' | 'lengkap' | 'ada kekurangan';

/** Header of the unit × indicator table (CSV, and the XLSX sheet "Level"). */
export const LEVEL_COLUMNS = [
  'kode_unit',
  'nama_unit',
  'jenis_unit',
  'induk',
  'status',
  'indeks_mandiri_unit',
  'indeks_verifikasi_unit',
  'predikat_verifikasi_unit',
  'no_indikator',
  'nama_indikator',
  'domain',
  'aspek',
  'level_mandiri',
  'level_verifikasi',
  'tidak_berlaku',
  'status_bukti',
  'bukti_ada',
  'bukti_tidak_ada',
  'bukti_tidak_memadai',
  'berkas_bukti',
  'berkas_diterima',
  'catatan_koordinator',
] as const;

/** Header of the XLSX sheet "Kota" (city levels per indicator), with column widths. */
const CITY_COLUMNS: readonly [string, number][] = [
  ['no_indikator', 12],
  ['nama_indikator', 50],
  ['domain', 30],
  ['aspek', 30],
  ['bobot', 8],
  ['level_mandiri', 14],
  ['level_verifikasi', 16],
  ['level_konsolidasi', 18],
  ['sumber', 14],
  ['tidak_berlaku', 14],
];

/** Header of the XLSX sheet "Indeks unit" (per unit), with column widths. */
const UNIT_COLUMNS: readonly [string, number][] = [
  ['kode_unit', 18],
  ['nama_unit', 40],
  ['jenis_unit', 18],
  ['induk', 28],
  ['status', 14],
  ['indeks_mandiri', 14],
  ['predikat_mandiri', 16],
  ['indeks_verifikasi', 16],
  ['predikat_verifikasi', 18],
  ['indikator_terverifikasi', 22],
  ['indikator_tidak_berlaku', 22],
  ['berkas_bukti', 14],
  ['berkas_diterima', 16],
];

interface UnitExport {
  unit: UnitProgress;
  parentName: string;
  self: IndexResult;
  verified: IndexResult;
  selfLevels: Map<number, number>;
  cells: Map<number, VerificationCell>;
}

interface LevelRow {
  unit: UnitExport;
  no: number;
  name: string;
  domain: string;
  aspect: string;
  self: number | null;
  verified: number | null;
  notApplicable: boolean;
  evidence: EvidenceStatus;
  present: number;
  missing: number;
  inadequate: number;
  files: number;
  held: number;
  reviewComment: string;
}

/** Everything both formats write, read with a fixed number of queries for the whole period. */
export interface LevelsExport {
  period: Period;
  fw: Framework;
  generatedAt: number;
  city: CityIndex;
  cityIndicators: CitySummaryIndicator[];
  units: UnitExport[];
  /** The unit × indicator rows of one unit, made when written (not all kept at once). */
  rowsOf(unit: UnitExport): LevelRow[];
}

function levelCells(r: LevelRow, decimal: (i: number | null) => string | number | null) {
  return [
    r.unit.unit.code,
    r.unit.unit.name,
    KIND_ID[r.unit.unit.kind] ?? r.unit.unit.kind,
    r.unit.parentName,
    STATUS_ID[r.unit.unit.status] ?? r.unit.unit.status,
    decimal(r.unit.self.index),
    decimal(r.unit.verified.index),
    r.unit.verified.predicate ?? '',
    r.no,
    r.name,
    r.domain,
    r.aspect,
    r.self,
    r.verified,
    r.notApplicable ? 'ya' : 'tidak',
    r.evidence,
    r.present,
    r.missing,
    r.inadequate,
    r.files,
    r.held,
    r.reviewComment,
  ];
}

/**
 * Units (with an assessment or a self-assessment) × indicators of a period, with indices
 * and evidence status, from the city index already read in this request.
 */
export async function loadLevelsExport(
  repos: Repositories,
  { period, fw, city }: PeriodCity,
  generatedAt: number,
): Promise<LevelsExport> {
  const indicators = listIndicators(fw);
  const c = compileFramework(fw);
  const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
  const domainOf = new Map(
    indicators.map((ind) => [
      ind.no,
      ind.path.length > 1 ? (groupName.get(ind.path[0] as string) ?? '') : '',
    ]),
  );
  const aspectOf = new Map(
    indicators.map((ind) => [ind.no, groupName.get(ind.path.at(-1) as string) ?? '']),
  );
  const r = repos.reporting;
  const [progress, cells, selfRows, checks, files] = await Promise.all([
    r.unitProgress(period.id),
    r.periodCells(period.id),
    r.selfLevels(period.id),
    r.evidenceChecks(period.id),
    r.evidenceFileCounts(period.id),
  ]);
  const names = new Map(progress.map((u) => [u.unitId, u.name]));
  const cellsByAssessment = groupBy(cells, (x) => x.assessmentId);
  const selfByUnit = groupBy(selfRows, (x) => x.unitId);
  const checksByRecord = new Map(checks.map((x) => [x.recordId, x]));
  const filesByKey = new Map(files.map((f) => [`${f.assessmentId}:${f.indicatorNo}`, f]));
  const units: UnitExport[] = [];
  for (const p of progress) {
    const selfLevels = new Map(
      (selfByUnit.get(p.unitId) ?? []).map((x) => [x.indicatorNo, x.level]),
    );
    if (!p.assessmentId && selfLevels.size === 0) continue;
    const byNo = new Map(
      (p.assessmentId ? (cellsByAssessment.get(p.assessmentId) ?? []) : [])
        .filter((x) => x.indicatorNo !== null)
        .map((x) => [x.indicatorNo as number, x]),
    );
    const na = [...byNo.values()]
      .filter((x) => x.notApplicable)
      .map((x) => x.indicatorNo as number);
    units.push({
      unit: toUnitProgress(p, indicators.length),
      parentName: p.parentId ? (names.get(p.parentId) ?? '') : '',
      self: computeIndex(fw, Object.fromEntries(selfLevels)),
      verified: computeIndex(
        fw,
        Object.fromEntries([...byNo].map(([no, x]) => [no, x.verifiedLevel])),
        { notApplicable: na },
      ),
      selfLevels,
      cells: byNo,
    });
  }
  const rowsOf = (unit: UnitExport): LevelRow[] =>
    indicators.map((ind) => {
      const cell = unit.cells.get(ind.no);
      const ch = cell ? checksByRecord.get(cell.recordId) : undefined;
      const a = unit.unit.assessmentId;
      const f = a ? filesByKey.get(`${a}:${ind.no}`) : undefined;
      const present = ch?.present ?? 0;
      const missing = ch?.missing ?? 0;
      const inadequate = ch?.inadequate ?? 0;
      const notApplicable = cell?.notApplicable ?? false;
      return {
        unit,
        no: ind.no,
        name: ind.spec.name,
        domain: domainOf.get(ind.no) ?? '',
        aspect: aspectOf.get(ind.no) ?? '',
        self: unit.selfLevels.get(ind.no) ?? null,
        verified: cell?.verifiedLevel ?? null,
        notApplicable,
        evidence: notApplicable
          ? 'tidak berlaku'
          : missing + inadequate > 0
            ? 'ada kekurangan'
            : present > 0
              ? 'lengkap'
              : 'belum diperiksa',
        present,
        missing,
        inadequate,
        files: f?.files ?? 0,
        held: f?.held ?? 0,
        reviewComment: cell?.reviewComment ?? '',
      };
    });
  return {
    period,
    fw,
    generatedAt,
    city,
    cityIndicators: namedCityIndicators(fw, city.levels),
    units,
    rowsOf,
  };
}

const TITLE = 'Telusur — ekspor level unit × indikator';

/** Facts every export starts with (period, instrument, time, city index, rule). */
function infoLines(d: LevelsExport): [string, string | number, string?][] {
  const { city } = d;
  const k = city.consolidation;
  return [
    ['Periode', d.period.name, String(d.period.year)],
    ['Instrumen', d.fw.name, `${d.fw.id} versi ${d.fw.version}`],
    ['Dibuat', wib(d.generatedAt), new Date(d.generatedAt).toISOString()],
    [
      'Indeks kota (konsolidasi)',
      formatIndex(city.consolidated.index, 'id'),
      city.consolidated.predicate ?? '',
    ],
    ['Indeks mandiri kota', formatIndex(city.self.index, 'id'), city.self.predicate ?? ''],
    ['Target indeks', formatIndex(d.period.targetIndex, 'id')],
    ['Unit tingkat kota', k.unit ? `${k.unit.name} (${k.unit.code})` : '–'],
    [
      'Sumber level kota',
      `${k.verifiedCount} terverifikasi, ${k.selfOnlyCount} penilaian mandiri, ${k.unassessedCount} belum dinilai, ${k.notApplicable.length} tidak berlaku`,
    ],
    ['Aturan konsolidasi', CONSOLIDATION_RULE_ID],
  ];
}

/** The unit × indicator table as CSV (see the file comment for the format), streamed unit by unit. */
export function levelsCsv(d: LevelsExport): ExportFile {
  const head = [
    csvLine([TITLE]),
    ...infoLines(d).map((r) => csvLine(r.filter((x) => x !== undefined))),
    csvLine(['Format', 'pemisah kolom titik koma (;), desimal koma (,), UTF-8']),
    '',
    csvLine([...LEVEL_COLUMNS]),
  ];
  const decimal = (i: number | null) => (i === null ? null : formatIndex(i, 'id'));
  const chunks = (function* () {
    yield `${head.join('\r\n')}\r\n`;
    for (const u of d.units) {
      const rows = d.rowsOf(u);
      yield `${rows.map((r) => csvLine(levelCells(r, decimal))).join('\r\n')}\r\n`;
    }
  })();
  return csvFile(exportFilename(d.period.name, 'level', d.generatedAt, 'csv'), chunks);
}

/** The same data as XLSX, streamed while the workbook is written (file.ts `xlsxFile`). */
export function levelsXlsx(d: LevelsExport): ExportFile {
  return xlsxFile(
    exportFilename(d.period.name, 'level', d.generatedAt, 'xlsx'),
    d.generatedAt,
    (wb) => writeLevelsWorkbook(d, wb),
  );
}

/** A frozen-header sheet with these columns (bold header row already committed). */
function tableSheet(
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: Partial<ExcelJS.Column>[],
): ExcelJS.Worksheet {
  const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns;
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  return sheet;
}

const INDEX_FORMAT = { numFmt: '0.00' };

async function writeLevelsWorkbook(
  d: LevelsExport,
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
): Promise<void> {
  const decimal = (i: number | null) => truncIndex(i);

  const info = wb.addWorksheet('Info');
  info.columns = [{ width: 28 }, { width: 60 }, { width: 28 }];
  info.addRow([TITLE]).font = { bold: true, size: 13 };
  for (const r of infoLines(d)) info.addRow(r).commit();
  info
    .addRow([
      'Lembar',
      'Kota: level kota per indikator; Indeks unit: indeks per unit; Level: unit × indikator',
    ])
    .commit();
  info.commit();

  const city = tableSheet(
    wb,
    'Kota',
    CITY_COLUMNS.map(([header, width]) => ({ header, width })),
  );
  for (const i of d.cityIndicators) {
    city
      .addRow([
        i.no,
        i.name,
        i.groups.length > 1 ? i.groups[0] : '',
        i.groups.at(-1) ?? '',
        i.weight,
        i.self,
        i.verified,
        i.level,
        i.source === 'verified'
          ? 'terverifikasi'
          : i.source === 'self'
            ? 'mandiri'
            : 'belum dinilai',
        i.notApplicable ? 'ya' : 'tidak',
      ])
      .commit();
  }
  city.commit();

  const idx = tableSheet(
    wb,
    'Indeks unit',
    UNIT_COLUMNS.map(([header, width]) => ({
      header,
      width,
      ...(header.startsWith('indeks') ? { style: INDEX_FORMAT } : {}),
    })),
  );
  for (const u of d.units) {
    idx
      .addRow([
        u.unit.code,
        u.unit.name,
        KIND_ID[u.unit.kind] ?? u.unit.kind,
        u.parentName,
        STATUS_ID[u.unit.status] ?? u.unit.status,
        decimal(u.self.index),
        u.self.predicate ?? '',
        decimal(u.verified.index),
        u.verified.predicate ?? '',
        u.unit.verified,
        u.unit.notApplicable,
        u.unit.files,
        u.unit.filesHeld,
      ])
      .commit();
  }
  idx.commit();

  const lv = tableSheet(
    wb,
    'Level',
    LEVEL_COLUMNS.map((h) => ({
      header: h,
      width: h.startsWith('nama') || h === 'catatan_koordinator' ? 40 : 16,
      ...(h.startsWith('indeks') ? { style: INDEX_FORMAT } : {}),
    })),
  );
  let n = 0;
  for (const u of d.units) {
    for (const r of d.rowsOf(u)) lv.addRow(levelCells(r, decimal)).commit();
    // Let the zip already written flow to the client between units.
    if (++n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  lv.commit();
}
