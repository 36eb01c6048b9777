import type ExcelJS from 'exceljs';
import {
  type CitySummaryIndicator,
  DEFAULT_STAGES,
  DEFAULT_ZONE_CODE,
  describeIndex,
  type Framework,
  type IndexResult,
  indexLevelName,
  listIndicators,
  type Stage,
  spbe2020,
  stageLabel,
  stageValueOf,
  statusLabel,
  valueDomainOf,
  type ZoneCode,
} from '../../../core';
import { consolidationRuleId } from '../city-index';
import {
  type CellKind,
  column,
  csvCells,
  csvFile,
  csvLines,
  type ExportColumn,
  type ExportFile,
  exportFilename,
  tableSheet,
  timeInZone,
  xlsxFile,
  xlsxFormat,
  xlsxValue,
} from './file';
import type { EvidenceRow, LevelRow, LevelsExport, UnitRecord } from './levels-data';
import {
  CHECK_STATE_ID,
  DECISION_ID,
  DOUBTFUL_CLOCK_ID,
  PROVISIONAL_ID,
  type RecordExport,
  SIGNING_ID,
  STATE_ID,
} from './records';

/**
 * The export of unit × indicator levels of a period (CSV and XLSX, Indonesian): every unit
 * with an assessment or a self-assessment, every indicator, with what the verification
 * found (levels, notes, not-applicable reasons, evidence documents) and where the record
 * stands (verifier, state, signing, decision, the coordinator comment that applies now).
 * Headers are Indonesian words for people; README "CSV files" lists them.
 *
 * - CSV: the unit × indicator table (`LEVEL_COLUMNS`), header row first. The facts about
 *   the file (period, instrument, time) are in its name and in the XLSX sheet "Info" — not
 *   in the CSV, so a program reads it without skipping lines.
 * - XLSX: sheets "Info" (period, instrument, time, city index, rule), "Kota" (city levels
 *   per indicator), "Indeks unit" (per unit), "Level" (the same table as the CSV) and
 *   "Bukti dukung" (one row per evidence document checked).
 *
 * Every index is the instrument's official one (not applicable counts as level 1), written
 * rounded half up to two decimals as official results are published (core `roundIndex`);
 * its predicate comes from the exact value, and where rounding carried the figure across a
 * band edge the predicate cell says so ("Cukup (2,597 — predikat dari nilai tepat)", core
 * `describeIndex`). An instrument with an index scale (Pemdi: Merintis … Unggul) gets the
 * level name of each index in a column beside it; a decimal instrument's indicator values
 * are written with two decimals; an instrument with indicators valued from other agencies'
 * indices gets the outside index as entered. Columns therefore follow the instrument
 * (`exportShape`); SPBE 2020's are `LEVEL_COLUMNS`.
 */

const KIND_ID: Record<string, string> = {
  pemda: 'pemerintah daerah',
  opd: 'perangkat daerah',
  kecamatan: 'kecamatan',
  kelurahan: 'kelurahan',
};

const yesNo = (b: boolean) => (b ? 'ya' : 'tidak');

/** A spreadsheet cell holds at most 32,767 characters. */
const CELL_MAX = 32_000;
const capped = (s: string) => (s.length > CELL_MAX ? `${s.slice(0, CELL_MAX)}…` : s);

/** "2.1 SK Wali Kota: tidak ada (belum ditandatangani)": one document as one line of text. */
function checkLine(c: EvidenceRow['check']): string {
  const note = c.note.trim();
  return `${c.level}.${c.index} ${c.evidence}: ${CHECK_STATE_ID[c.state]}${note ? ` (${note})` : ''}`;
}

/**
 * "Tahap": the record's state; a signed, re-signed or approved record whose signatures no
 * longer hold says so ("ditandatangani (tanda tangan batal)"), so it never contradicts the
 * column "Tanda tangan". A returned or draft record is expected to change: its state alone.
 */
function stageText(x: RecordExport | null): string {
  const state = x?.state ?? 'draft';
  const held = state === 'signed' || state === 'resigned' || state === 'approved';
  return held && x?.signing === 'void'
    ? `${STATE_ID[state]} (tanda tangan batal)`
    : STATE_ID[state];
}

/** "Tanda tangan": whether it holds, with "⚠ jam tablet diragukan" when its time is doubtful. */
function signingText(x: RecordExport | null): string {
  const signing = x?.signing ?? 'unsigned';
  return x?.signedAtDoubtful && signing !== 'unsigned'
    ? `${SIGNING_ID[signing]}; ${DOUBTFUL_CLOCK_ID}`
    : SIGNING_ID[signing];
}

/**
 * What an instrument's export looks like: indicator values whole or with two decimals,
 * whether indices get level names (`indexScale`), whether an outside-index column is needed.
 */
export interface ExportShape {
  values: 'int' | 'decimal';
  levelNames: boolean;
  sourceValues: boolean;
}

/** The export shape of an instrument (a single decimal indicator makes the column decimal). */
export function exportShape(fw: Framework): ExportShape {
  const indicators = listIndicators(fw);
  return {
    values: indicators.some((i) => valueDomainOf(fw, i.no) === 'decimal') ? 'decimal' : 'int',
    levelNames: fw.indexScale !== undefined,
    sourceValues: indicators.some((i) => i.spec.source !== undefined),
  };
}

/**
 * A predikat as the exports write it: from the exact index, with its marks in brackets —
 * "SEMENTARA" for a partial or incomplete record, and the exact value when the rounded
 * figure sits across a band edge ("Cukup (2,597 — predikat dari nilai tepat)").
 */
export function predicateText(
  fw: Framework,
  r: Pick<IndexResult, 'index' | 'predicate'>,
  provisional = false,
): string {
  const p = r.predicate ?? '';
  if (!p) return '';
  const note = describeIndex(fw, r.index, 'id', r.predicate).exactNote;
  const marks = [provisional ? PROVISIONAL_ID : null, note].filter((m) => m !== null);
  return marks.length ? `${p} (${marks.join('; ')})` : p;
}

/** A unit's verified predikat, marked SEMENTARA when the record is partial or incomplete. */
const verifiedPredicate = (fw: Framework) => (r: UnitRecord) =>
  predicateText(fw, r.unit.verified, r.record?.provisional ?? false);

/** The level name of an index on the instrument's index scale ('' for none). */
const levelNameOf = (fw: Framework, index: number | null) => indexLevelName(fw, index) ?? '';

/** Columns every table about a unit starts with: who it is and where its record stands. */
function unitColumns<R extends UnitRecord>(zone: ZoneCode): ExportColumn<R>[] {
  const rec = (r: R) => r.record;
  // A unit with only a penilaian mandiri has no record to be in a state.
  const assessed = (r: R) => r.unit.unit.assessmentId !== null;
  return [
    column('Kode unit', 'text', 18, (r) => r.unit.unit.code),
    column('Nama unit', 'text', 40, (r) => r.unit.unit.name),
    column('Jenis unit', 'text', 18, (r) => KIND_ID[r.unit.unit.kind] ?? r.unit.unit.kind),
    column('Induk', 'text', 28, (r) => r.unit.parentName),
    column('Verifikator', 'text', 28, (r) => rec(r)?.verifierName || r.unit.assigned.join(', ')),
    column('Status', 'text', 18, (r) => statusLabel(r.unit.unit.status)),
    column('Tahap', 'text', 18, (r) => (assessed(r) ? stageText(rec(r)) : '')),
    column('Tanda tangan', 'text', 22, (r) => (assessed(r) ? signingText(rec(r)) : '')),
    // Whether it was signed as partial: said of a signed record only.
    column('Verifikasi sebagian', 'text', 12, (r) => {
      const x = rec(r);
      return x && x.signing !== 'unsigned' ? yesNo(x.partial) : '';
    }),
    column(`Waktu tanda tangan (${zone})`, 'date', 18, (r) => rec(r)?.signedAt ?? null),
    column('Keputusan koordinator', 'text', 18, (r) => {
      const d = rec(r)?.decision;
      return d ? (DECISION_ID[d.status] ?? d.status) : '';
    }),
    column(`Waktu keputusan (${zone})`, 'date', 18, (r) => rec(r)?.decision?.at ?? null),
    column('Diputuskan oleh', 'text', 22, (r) => rec(r)?.decision?.by ?? ''),
    column('Catatan koordinator untuk unit', 'text', 40, (r) => rec(r)?.comment ?? ''),
  ];
}

/** The columns of `shape` only (level names, outside index) where the instrument has them. */
function when<R>(on: boolean, ...columns: ExportColumn<R>[]): ExportColumn<R>[] {
  return on ? columns : [];
}

/**
 * The unit × indicator table (CSV, and the XLSX sheet "Level") of an instrument; time
 * columns are in `zone` and say so in their header ("Waktu tanda tangan (WITA)").
 */
export function levelColumns(
  fw: Framework,
  shape: ExportShape = exportShape(fw),
  zone: ZoneCode = DEFAULT_ZONE_CODE,
  stages: readonly Stage[] = DEFAULT_STAGES,
): ExportColumn<LevelRow>[] {
  const { unit, indicator } = levelColumnParts(fw, shape, zone, stages);
  return [...unit, ...indicator];
}

/**
 * `levelColumns` in its two parts: the columns about the unit (the same on each of its
 * rows, so written once per unit) and those about the indicator; neither is empty.
 */
export function levelColumnParts(
  fw: Framework,
  shape: ExportShape = exportShape(fw),
  zone: ZoneCode = DEFAULT_ZONE_CODE,
  stages: readonly Stage[] = DEFAULT_STAGES,
): { unit: ExportColumn<UnitRecord>[]; indicator: ExportColumn<LevelRow>[] } {
  return {
    unit: [
      ...unitColumns<UnitRecord>(zone),
      column('Indeks mandiri unit', 'index', 14, (r) => r.unit.self.index),
      ...when<UnitRecord>(
        shape.levelNames,
        column('Level indeks mandiri unit', 'text', 14, (r) => levelNameOf(fw, r.unit.self.index)),
      ),
      column('Indeks verifikasi unit', 'index', 14, (r) => r.unit.verified.index),
      ...when<UnitRecord>(
        shape.levelNames,
        column('Level indeks verifikasi unit', 'text', 14, (r) =>
          levelNameOf(fw, r.unit.verified.index),
        ),
      ),
      column('Predikat verifikasi unit', 'text', 16, verifiedPredicate(fw)),
    ],
    indicator: [
      column('No. indikator', 'int', 10, (r) => r.no),
      column('Nama indikator', 'text', 40, (r) => r.name),
      column('Domain', 'text', 24, (r) => r.domain),
      column('Aspek', 'text', 24, (r) => r.aspect),
      column('Level mandiri', shape.values, 10, (r) => r.self),
      column('Level verifikasi', shape.values, 10, (r) => r.verified),
      ...when<LevelRow>(
        shape.sourceValues,
        column('Nilai indeks luar', 'number', 12, (r) => r.texts?.sourceValue ?? null),
      ),
      // The value per stage of the period ("Nilai Verifikasi dokumen"); penilaian mandiri
      // falls back on the imported self-assessed level (core `stageValueOf`).
      ...stages.map((stage) =>
        column<LevelRow>(`Nilai ${stageLabel(stage)}`, shape.values, 12, (r) =>
          stageValueOf({ ...r.texts?.stageFields, selfLevel: r.self }, stage),
        ),
      ),
      ...levelTail,
    ],
  };
}

/** The level table's columns after the levels (the same for every instrument). */
const levelTail: readonly ExportColumn<LevelRow>[] = [
  column('Tidak berlaku', 'text', 10, (r) => yesNo(r.notApplicable)),
  column('Alasan tidak berlaku', 'text', 30, (r) => r.texts?.naReason ?? ''),
  column('Catatan verifikator', 'text', 40, (r) => capped(r.texts?.notes ?? '')),
  column('Rekomendasi', 'text', 40, (r) => capped(r.texts?.rekomendasi ?? '')),
  column('Penjelasan fakta', 'text', 40, (r) => capped(r.texts?.penjelasanFakta ?? '')),
  column('Penjelasan analisis', 'text', 40, (r) => capped(r.texts?.penjelasanAnalisis ?? '')),
  column('Penjelasan justifikasi', 'text', 40, (r) => capped(r.texts?.penjelasanJustifikasi ?? '')),
  column('Berkas dikutip penjelasan', 'text', 30, (r) =>
    capped((r.texts?.citedFiles ?? []).join('; ')),
  ),
  column('Status bukti', 'text', 16, (r) => r.evidence),
  column('Bukti ada', 'int', 10, (r) => r.present),
  column('Bukti tidak ada', 'int', 10, (r) => r.missing),
  column('Bukti tidak memadai', 'int', 10, (r) => r.inadequate),
  column('Rincian bukti dukung', 'text', 50, (r) =>
    capped((r.texts?.checks ?? []).map(checkLine).join('; ')),
  ),
  column('Berkas bukti', 'int', 10, (r) => r.files),
  column('Berkas diterima server', 'int', 12, (r) => r.held),
  column('Catatan koordinator untuk indikator', 'text', 40, (r) => r.texts?.reviewComment ?? ''),
];

/**
 * The unit × indicator table of an instrument of whole levels without index scale (SPBE
 * 2020), for an organisation on WIB (the demo's, and every server's before set-up).
 */
export const LEVEL_COLUMNS: readonly ExportColumn<LevelRow>[] = levelColumns(spbe2020);

/** The XLSX sheet "Bukti dukung": one row per evidence document the verifier checked. */
export const EVIDENCE_COLUMNS: readonly ExportColumn<EvidenceRow>[] = [
  column('Kode unit', 'text', 18, (r) => r.unit.unit.code),
  column('Nama unit', 'text', 40, (r) => r.unit.unit.name),
  column('No. indikator', 'int', 10, (r) => r.no),
  column('Nama indikator', 'text', 40, (r) => r.name),
  column('Level', 'int', 8, (r) => r.check.level),
  column('No. bukti', 'int', 8, (r) => r.check.index),
  column('Bukti dukung', 'text', 50, (r) => r.check.evidence),
  column('Status bukti', 'text', 14, (r) => CHECK_STATE_ID[r.check.state]),
  column('Catatan bukti', 'text', 40, (r) => r.check.note),
];

/** The XLSX sheet "Indeks unit" of an instrument: one row per unit. */
export function unitIndexColumns(
  fw: Framework,
  shape: ExportShape = exportShape(fw),
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): ExportColumn<UnitRecord>[] {
  return [
    ...unitColumns<UnitRecord>(zone),
    column('Indeks mandiri', 'index', 14, (r) => r.unit.self.index),
    ...when<UnitRecord>(
      shape.levelNames,
      column('Level indeks mandiri', 'text', 14, (r) => levelNameOf(fw, r.unit.self.index)),
    ),
    column('Predikat mandiri', 'text', 16, (r) => predicateText(fw, r.unit.self)),
    column('Indeks verifikasi', 'index', 14, (r) => r.unit.verified.index),
    ...when<UnitRecord>(
      shape.levelNames,
      column('Level indeks verifikasi', 'text', 14, (r) => levelNameOf(fw, r.unit.verified.index)),
    ),
    column('Predikat verifikasi', 'text', 16, verifiedPredicate(fw)),
    ...unitIndexTail,
  ];
}

const unitIndexTail: readonly ExportColumn<UnitRecord>[] = [
  column('Indikator terverifikasi', 'int', 14, (r) => r.unit.unit.verified),
  column('Indikator tidak berlaku', 'int', 14, (r) => r.unit.unit.notApplicable),
  column('Jumlah indikator', 'int', 12, (r) => r.unit.unit.indicatorCount),
  column('Berkas bukti', 'int', 10, (r) => r.unit.unit.files),
  column('Berkas diterima server', 'int', 12, (r) => r.unit.unit.filesHeld),
];

const SOURCE_ID: Record<CitySummaryIndicator['source'], string> = {
  verified: 'terverifikasi',
  self: 'mandiri',
  none: 'belum dinilai',
};

/** The XLSX sheet "Kota": the city's levels per indicator. */
export function cityColumns(shape: ExportShape): ExportColumn<CitySummaryIndicator>[] {
  return [
    column('No. indikator', 'int', 10, (i) => i.no),
    column('Nama indikator', 'text', 50, (i) => i.name),
    column('Domain', 'text', 30, (i) => (i.groups.length > 1 ? (i.groups[0] ?? '') : '')),
    column('Aspek', 'text', 30, (i) => i.groups.at(-1) ?? ''),
    column('Bobot', 'int', 8, (i) => i.weight),
    column('Level mandiri', shape.values, 10, (i) => i.self),
    column('Level verifikasi', shape.values, 10, (i) => i.verified),
    column('Level konsolidasi', shape.values, 12, (i) => i.level),
    column('Sumber', 'text', 14, (i) => SOURCE_ID[i.source]),
    // Counted as level 1 in the official index (the Info sheet says so).
    column('Tidak berlaku', 'text', 10, (i) => yesNo(i.notApplicable)),
  ];
}

const TITLE = 'Telusur — ekspor level unit × indikator';

/** One line of the sheet "Info": what it says, its value (typed), and a note. */
type InfoLine = [label: string, kind: CellKind, value: string | number | null, note?: string];

/** "Cukup · Merintis (1,845 — …)": an index's predikat, level name and exact-value note. */
function indexNote(fw: Framework, r: Pick<IndexResult, 'index' | 'predicate'>): string {
  const d = describeIndex(fw, r.index, 'id', r.predicate);
  const words = [d.predicate, d.levelName].filter((w) => w !== null).join(' · ');
  return d.exactNote ? `${words} (${d.exactNote})` : words;
}

/** Facts about the export (period, instrument, time, scope, city index, rule). */
function infoLines(d: LevelsExport): InfoLine[] {
  const { city, fw } = d;
  const k = city.consolidation;
  const c = city.consolidated;
  return [
    ['Periode', 'text', d.period.name],
    ['Tahun', 'int', d.period.year],
    ['Instrumen', 'text', d.fw.name, `${d.fw.id} versi ${d.fw.version}`],
    ['Organisasi', 'text', d.organisation ?? '–'],
    [`Dibuat (${d.zone})`, 'date', d.generatedAt, timeInZone(d.generatedAt, d.zone)],
    [
      'Cakupan',
      'text',
      'Semua unit yang ditugaskan atau memiliki penilaian mandiri pada periode ini (tanpa filter)',
    ],
    ['Jumlah unit', 'int', d.unitCount],
    ['Indeks kota (konsolidasi)', 'index', c.index, indexNote(fw, c)],
    ['Indeks mandiri kota', 'index', city.self.index, indexNote(fw, city.self)],
    ['Target indeks', 'index', d.period.targetIndex],
    ['Batas kenaikan per indikator dalam rencana (langkah level)', 'int', d.period.planStepCap],
    ['Unit tingkat kota', 'text', k.unit ? `${k.unit.name} (${k.unit.code})` : '–'],
    ['Indikator kota terverifikasi', 'int', k.verifiedCount],
    ['Indikator kota dari penilaian mandiri', 'int', k.selfOnlyCount],
    ['Indikator kota belum dinilai', 'int', k.unassessedCount],
    [
      'Indikator kota tidak berlaku',
      'int',
      k.notApplicable.length,
      c.notApplicableAsLevel1 > 0 ? 'dihitung sebagai level 1 pada indeks resmi' : undefined,
    ],
    ...(exportShape(fw).sourceValues
      ? [
          [
            'Indikator kota bernilai indeks luar yang belum diisi',
            'int',
            c.missingSourceAsLevel1,
            'dihitung 1 pada indeks resmi',
          ] satisfies InfoLine,
        ]
      : []),
    ['Aturan konsolidasi', 'text', consolidationRuleId(fw)],
    [
      'Lembar',
      'text',
      'Kota: level kota per indikator; Indeks unit: per unit; Level: unit × indikator (sama dengan CSV); Bukti dukung: setiap dokumen bukti yang diperiksa',
    ],
  ];
}

/** The unit × indicator table as CSV (header row first), streamed a batch of units at a time. */
export function levelsCsv(d: LevelsExport): ExportFile {
  const parts = levelColumnParts(d.fw, exportShape(d.fw), d.zone, d.period.stages);
  const { header } = csvLines([...parts.unit, ...parts.indicator], d.zone);
  // The unit's cells are the same on each of its 47 rows: written once per unit.
  const unitCells = csvCells(parts.unit, d.zone);
  const indicatorCells = csvCells(parts.indicator, d.zone);
  const chunks = (async function* () {
    yield header;
    for await (const batch of d.records({ checks: true }))
      for (const u of batch) {
        const prefix = `${unitCells(u)};`;
        let lines = '';
        for (const r of d.rowsOf(u)) lines += `${prefix}${indicatorCells(r)}\r\n`;
        yield lines;
      }
  })();
  return csvFile(exportFilename(d.period.name, 'level', d.generatedAt, 'csv', d.zone), chunks);
}

/** The same data as XLSX, streamed while the workbook is written (file.ts `xlsxFile`). */
export function levelsXlsx(d: LevelsExport): ExportFile {
  return xlsxFile(
    exportFilename(d.period.name, 'level', d.generatedAt, 'xlsx', d.zone),
    d.generatedAt,
    (wb, drained) => writeLevelsWorkbook(d, wb, drained),
  );
}

/** `drained`: awaited after each batch (file.ts `xlsxFile`). */
async function writeLevelsWorkbook(
  d: LevelsExport,
  wb: ExcelJS.stream.xlsx.WorkbookWriter,
  drained: () => Promise<void>,
): Promise<void> {
  const info = wb.addWorksheet('Info');
  info.columns = [{ width: 36 }, { width: 60 }, { width: 28 }];
  info.addRow([TITLE]).font = { bold: true, size: 13 };
  for (const [label, kind, value, note] of infoLines(d)) {
    const row = info.addRow([label, xlsxValue(kind, value, d.zone), note ?? null]);
    const numFmt = xlsxFormat(kind);
    if (numFmt) row.getCell(2).numFmt = numFmt;
    row.commit();
  }
  info.commit();

  const shape = exportShape(d.fw);
  const city = tableSheet(wb, 'Kota', cityColumns(shape), d.zone);
  for (const i of d.cityIndicators) city.add(i);
  city.end();

  // Each unit's state, signing and comment come from its texts, read once per sheet below:
  // the sheets are written one after the other (a zip holds one at a time), and the texts
  // of a whole period are never held at once.
  const units = tableSheet(wb, 'Indeks unit', unitIndexColumns(d.fw, shape, d.zone), d.zone);
  for await (const batch of d.records({ checks: false })) {
    for (const u of batch) units.add(u);
    await drained();
  }
  units.end();

  const parts = levelColumnParts(d.fw, shape, d.zone, d.period.stages);
  const level = tableSheet(wb, 'Level', [...parts.unit, ...parts.indicator], d.zone);
  const cells = <R>(columns: readonly ExportColumn<R>[], r: R) =>
    columns.map((c) => xlsxValue(c.kind, c.value(r), d.zone));
  for await (const batch of d.records({ checks: true })) {
    for (const u of batch) {
      // The unit's cells are the same on each of its rows: made once per unit.
      const unitCells = cells(parts.unit, u);
      for (const r of d.rowsOf(u)) level.addValues([...unitCells, ...cells(parts.indicator, r)]);
    }
    await drained();
  }
  level.end();

  const evidence = tableSheet(wb, 'Bukti dukung', EVIDENCE_COLUMNS, d.zone);
  for await (const batch of d.evidence()) {
    for (const r of batch) evidence.add(r);
    await drained();
  }
  evidence.end();
}
