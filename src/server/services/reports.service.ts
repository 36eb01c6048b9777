import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  compileFramework,
  computeIndex,
  type Framework,
  formatIndex,
  type IndexResult,
  listIndicators,
} from '../../core';
import type { VerificationCell } from '../db/reporting.repository';
import type { Period } from '../domain';
import { BaseService, type ServiceDeps } from './context';
import {
  type CityIndicator,
  type Consolidation,
  type DashboardService,
  type DashboardView,
  type FrameworkRef,
  groupBy,
  type PlanView,
  toUnitProgress,
  type UnitProgress,
} from './dashboard.service';

/**
 * Reports (Indonesian, issue 7): the city summary (data for the printable page with its
 * charts) and the exports of unit × indicator levels. Every export names the period, the
 * instrument and the time it was made:
 *
 * - CSV: UTF-8 with a byte-order mark, `;` between columns and `,` as the decimal mark, CRLF
 *   line ends — what Excel with Indonesian regional settings opens directly (and what the
 *   unit import of this server reads). A short preamble of `key;value` lines (period,
 *   instrument, time, city index, consolidation rule, format), one empty line, then the
 *   table with a header row. Text cells that start with = + - @ get a leading apostrophe so
 *   spreadsheet programs never run them as formulas.
 * - XLSX (exceljs): sheets "Info" (the same facts), "Kota" (city levels per indicator),
 *   "Indeks unit" (per unit) and "Level" (the unit × indicator table). Indices are
 *   truncated to two decimals (as shown everywhere, so the number and its predicate agree).
 */

export const CONSOLIDATION_RULE_ID =
  'Tingkat kota per indikator = level terverifikasi unit Pemerintah Daerah (jenis pemda) bila sudah diverifikasi, selain itu level penilaian mandiri kota; indikator yang dinyatakan tidak berlaku dikeluarkan dan bobot lainnya dinormalkan ulang.';

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

export interface CitySummary {
  period: Period;
  framework: FrameworkRef;
  generatedAt: number;
  consolidation: Consolidation;
  city: DashboardView['city'];
  groups: DashboardView['groups'];
  progress: DashboardView['progress'];
  overclaims: DashboardView['overclaims'];
  indicators: (CityIndicator & { name: string; groups: string[]; weight: number })[];
  plan: PlanView;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  /** Streamed: a period of 10,000 units is ~470,000 rows, never held whole in memory as text. */
  body: ReadableStream<Uint8Array>;
}

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

/** What the exports say about the city (the Info facts and the "Kota" sheet). */
interface CityFacts {
  consolidation: Consolidation;
  self: IndexResult;
  consolidated: IndexResult;
  target: number;
  indicators: CitySummary['indicators'];
}

interface ExportData {
  period: Period;
  fw: Framework;
  generatedAt: number;
  city: CityFacts;
  units: UnitExport[];
  /** The unit × indicator rows of one unit, made when written (not all kept at once). */
  rowsOf(unit: UnitExport): LevelRow[];
}

/** Index truncated to two decimals, as a number (same band as the exact index). */
export function truncIndex(i: number | null): number | null {
  return i === null ? null : Math.floor(i * 100 + 1e-7) / 100;
}

/** Time in Western Indonesia Time, e.g. "2 Oktober 2023 pukul 08.00 WIB". */
export function wib(ms: number): string {
  return `${new Intl.DateTimeFormat('id-ID', {
    timeZone: 'Asia/Jakarta',
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(ms))} WIB`;
}

function stamp(ms: number): string {
  // YYYYMMDD-HHmm in WIB (UTC+7, no daylight saving).
  const d = new Date(ms + 7 * 3600_000).toISOString();
  return `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}-${d.slice(11, 13)}${d.slice(14, 16)}`;
}

function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 60) || 'periode'
  );
}

/** One CSV cell: quoted when needed; text that a spreadsheet would run as a formula is defused. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csvLine(cells: (string | number | null)[]): string {
  return cells.map(csvCell).join(';');
}

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

export class ReportsService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly dashboards: DashboardService,
  ) {
    super(deps);
  }

  /** Everything the printable city summary shows: indices, charts' data, progress, over-claims, plan. */
  async summary(periodId: string): Promise<CitySummary> {
    const [view, plan] = await Promise.all([
      this.dashboards.dashboard(periodId, {}, { limit: 1 }),
      this.dashboards.plan(periodId),
    ]);
    const { period, fw } = await this.dashboards.periodWithFramework(periodId);
    const city = await this.dashboards.cityLevels(period, fw);
    const c = compileFramework(fw);
    const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
    return {
      period: view.period,
      framework: view.framework,
      generatedAt: this.now(),
      consolidation: view.consolidation,
      city: view.city,
      groups: view.groups,
      progress: view.progress,
      overclaims: view.overclaims,
      indicators: city.indicators.map((i) => {
        const ind = c.byNo.get(i.no);
        return {
          ...i,
          name: ind?.spec.name ?? '',
          groups: (ind?.path ?? []).map((g) => groupName.get(g) ?? g),
          weight: ind?.spec.weight ?? 0,
        };
      }),
      plan,
    };
  }

  /** The city's indices, consolidation and per-indicator levels (without the dashboard's heavier parts). */
  private async cityFacts(period: Period, fw: Framework): Promise<CityFacts> {
    const city = await this.dashboards.cityLevels(period, fw);
    const c = compileFramework(fw);
    const groupName = new Map(c.groups.map((g) => [g.spec.id, g.spec.name]));
    return {
      consolidation: this.dashboards.consolidation(city),
      self: computeIndex(fw, city.self),
      consolidated: computeIndex(fw, city.consolidated, { notApplicable: city.notApplicable }),
      target: period.targetIndex,
      indicators: city.indicators.map((i) => {
        const ind = c.byNo.get(i.no);
        return {
          ...i,
          name: ind?.spec.name ?? '',
          groups: (ind?.path ?? []).map((g) => groupName.get(g) ?? g),
          weight: ind?.spec.weight ?? 0,
        };
      }),
    };
  }

  /**
   * Units (with an assessment or a self-assessment) × indicators, with indices and
   * evidence status: a fixed number of aggregation queries for the whole period.
   */
  private async exportData(periodId: string): Promise<ExportData> {
    const { period, fw } = await this.dashboards.periodWithFramework(periodId);
    const generatedAt = this.now();
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
    const r = this.repos.reporting;
    const [city, progress, cells, selfRows, checks, files] = await Promise.all([
      this.cityFacts(period, fw),
      r.unitProgress(periodId),
      r.periodCells(periodId),
      r.selfLevels(periodId),
      r.evidenceChecks(periodId),
      r.evidenceFileCounts(periodId),
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
    return { period, fw, generatedAt, city, units, rowsOf };
  }

  /** Facts every export starts with (period, instrument, time, city index, rule). */
  private info(d: ExportData): [string, string | number, string?][] {
    const s = { city: d.city, consolidation: d.city.consolidation };
    return [
      ['Periode', d.period.name, String(d.period.year)],
      ['Instrumen', d.fw.name, `${d.fw.id} versi ${d.fw.version}`],
      ['Dibuat', wib(d.generatedAt), new Date(d.generatedAt).toISOString()],
      [
        'Indeks kota (konsolidasi)',
        formatIndex(s.city.consolidated.index, 'id'),
        s.city.consolidated.predicate ?? '',
      ],
      ['Indeks mandiri kota', formatIndex(s.city.self.index, 'id'), s.city.self.predicate ?? ''],
      ['Target indeks', formatIndex(s.city.target, 'id')],
      [
        'Unit tingkat kota',
        s.consolidation.unit ? `${s.consolidation.unit.name} (${s.consolidation.unit.code})` : '–',
      ],
      [
        'Sumber level kota',
        `${s.consolidation.verifiedCount} terverifikasi, ${s.consolidation.selfOnlyCount} penilaian mandiri, ${s.consolidation.unassessedCount} belum dinilai, ${s.consolidation.notApplicable.length} tidak berlaku`,
      ],
      ['Aturan konsolidasi', CONSOLIDATION_RULE_ID],
    ];
  }

  /** The unit × indicator table as CSV (see the file comment for the format), streamed unit by unit. */
  async levelsCsv(periodId: string): Promise<ExportFile> {
    const d = await this.exportData(periodId);
    const head = [
      csvLine(['Telusur — ekspor level unit × indikator']),
      ...this.info(d).map((r) => csvLine(r.filter((x) => x !== undefined))),
      csvLine(['Format', 'pemisah kolom titik koma (;), desimal koma (,), UTF-8']),
      '',
      csvLine([...LEVEL_COLUMNS]),
    ];
    const decimal = (i: number | null) => (i === null ? null : formatIndex(i, 'id'));
    const chunks = (function* () {
      yield `\uFEFF${head.join('\r\n')}\r\n`;
      for (const u of d.units) {
        const rows = d.rowsOf(u);
        yield `${rows.map((r) => csvLine(levelCells(r, decimal))).join('\r\n')}\r\n`;
      }
    })();
    const encoder = new TextEncoder();
    return {
      filename: `telusur-${slug(d.period.name)}-level-${stamp(d.generatedAt)}.csv`,
      contentType: 'text/csv; charset=utf-8',
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        },
      }),
    };
  }

  /**
   * The same data as XLSX (exceljs's streaming writer): rows are committed as they are
   * made and the zip flows to the client while the workbook is written.
   */
  async levelsXlsx(periodId: string): Promise<ExportFile> {
    const d = await this.exportData(periodId);
    const out = new PassThrough();
    void this.writeXlsx(d, out).catch((e: unknown) => {
      console.error('[telusur] XLSX export failed:', e);
      out.destroy(e instanceof Error ? e : new Error(String(e)));
    });
    return {
      filename: `telusur-${slug(d.period.name)}-level-${stamp(d.generatedAt)}.xlsx`,
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body: Readable.toWeb(out) as ReadableStream<Uint8Array>,
    };
  }

  private async writeXlsx(d: ExportData, out: PassThrough): Promise<void> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    wb.creator = 'Telusur';
    wb.created = new Date(d.generatedAt);
    const bold = { bold: true };
    const decimal = (i: number | null) => truncIndex(i);

    const info = wb.addWorksheet('Info');
    info.columns = [{ width: 28 }, { width: 60 }, { width: 28 }];
    info.addRow(['Telusur — ekspor level unit × indikator']).font = { bold: true, size: 13 };
    for (const r of this.info(d)) info.addRow(r).commit();
    info
      .addRow([
        'Lembar',
        'Kota: level kota per indikator; Indeks unit: indeks per unit; Level: unit × indikator',
      ])
      .commit();
    info.commit();

    const city = wb.addWorksheet('Kota', { views: [{ state: 'frozen', ySplit: 1 }] });
    city.columns = [
      { header: 'no_indikator', width: 12 },
      { header: 'nama_indikator', width: 50 },
      { header: 'domain', width: 30 },
      { header: 'aspek', width: 30 },
      { header: 'bobot', width: 8 },
      { header: 'level_mandiri', width: 14 },
      { header: 'level_verifikasi', width: 16 },
      { header: 'level_konsolidasi', width: 18 },
      { header: 'sumber', width: 14 },
      { header: 'tidak_berlaku', width: 14 },
    ];
    city.getRow(1).font = bold;
    city.getRow(1).commit();
    for (const i of d.city.indicators) {
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

    const idx = wb.addWorksheet('Indeks unit', { views: [{ state: 'frozen', ySplit: 1 }] });
    idx.columns = [
      { header: 'kode_unit', width: 18 },
      { header: 'nama_unit', width: 40 },
      { header: 'jenis_unit', width: 18 },
      { header: 'induk', width: 28 },
      { header: 'status', width: 14 },
      { header: 'indeks_mandiri', width: 14, style: { numFmt: '0.00' } },
      { header: 'predikat_mandiri', width: 16 },
      { header: 'indeks_verifikasi', width: 16, style: { numFmt: '0.00' } },
      { header: 'predikat_verifikasi', width: 18 },
      { header: 'indikator_terverifikasi', width: 22 },
      { header: 'indikator_tidak_berlaku', width: 22 },
      { header: 'berkas_bukti', width: 14 },
      { header: 'berkas_diterima', width: 16 },
    ];
    idx.getRow(1).font = bold;
    idx.getRow(1).commit();
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

    const lv = wb.addWorksheet('Level', { views: [{ state: 'frozen', ySplit: 1 }] });
    lv.columns = LEVEL_COLUMNS.map((h) => ({
      header: h,
      width: h.startsWith('nama') || h === 'catatan_koordinator' ? 40 : 16,
      ...(h.startsWith('indeks') ? { style: { numFmt: '0.00' } } : {}),
    }));
    lv.getRow(1).font = bold;
    lv.getRow(1).commit();
    let n = 0;
    for (const u of d.units) {
      for (const r of d.rowsOf(u)) lv.addRow(levelCells(r, decimal)).commit();
      // Let the zip already written flow to the client between units.
      if (++n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    lv.commit();
    await wb.commit();
  }
}
