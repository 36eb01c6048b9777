import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import {
  computeIndex,
  formatIndex,
  listIndicators,
  roundIndex,
  type SigningResult,
  spbe2020,
} from '../../../src/core';
import { resolveConfig } from '../../../src/server/config';
import { createRepositories } from '../../../src/server/db/repositories';
import { parseCsv } from '../../../src/server/lib/csv';
import {
  CITY_LEVELS,
  DEMO_PERIOD_NAME,
  DEMO_PERIOD_STAGES,
  kelurahanCode,
  opdCode,
  PEMDA_CODE,
} from '../../../src/server/seed';
import { CityIndexService } from '../../../src/server/services/city-index';
import type { ExportFile } from '../../../src/server/services/exports/file';
import { levelColumns, levelsCsv, levelsXlsx } from '../../../src/server/services/exports/levels';
import { loadLevelsExport } from '../../../src/server/services/exports/levels-data';
import { describeEachDialect, type ServerContext, T0 } from '../../helpers/server-context';
import { SIGNATORIES, signingMutation } from '../../helpers/signing';
import { assessmentOf, evidenceFile, levels, rawTablet, storeFile } from './helpers';

const INDICATORS = listIndicators(spbe2020);
const cityLevels = Object.fromEntries(
  INDICATORS.map((ind, i) => [ind.no, CITY_LEVELS[i] as number]),
);
/** The level table of the demo period: SPBE 2020, WIB, the period's stages. */
const LEVEL_COLUMNS = levelColumns(spbe2020, undefined, undefined, DEMO_PERIOD_STAGES);
const HEADER = LEVEL_COLUMNS.map((c) => c.label);
type Label = (typeof HEADER)[number];
/** 2 October 2023 08:00 WIB (the test clock) as the CSV writes it. */
const wibStamp = (ms: number) =>
  new Date(ms + 7 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

const NOTES_1 = 'Perwal SPBE 2023 ada; "salinan" belum dilegalisir\r\nbaris kedua';
const RETURN_COMMENT = 'Lengkapi bukti kebijakan sebelum ditandatangani ulang.';
const INDICATOR_COMMENT = 'Bukti "pendukung"; lengkapi.';

/** The evidence document the instrument expects at this level and place. */
const evidenceText = (no: number, level: number, index: number) =>
  INDICATORS.find((i) => i.no === no)?.spec.levels?.[level - 1]?.evidence[index] as string;

/**
 * A coordinator decision (`review`: approve or return; `reopen`) taken on the record as the
 * review detail shows it now (its version token).
 */
async function decide(
  ctx: ServerContext,
  token: string,
  id: string,
  action: 'review' | 'reopen',
  body: Record<string, unknown>,
): Promise<void> {
  const detail = await ctx.call('GET', `/api/reports/assessments/${id}`, { token });
  expect(detail.status).toBe(200);
  const r = await ctx.call('POST', `/api/assessments/${id}/${action}`, {
    token,
    json: { ...body, expectedVersion: detail.body.review.expectedVersion },
  });
  expect(r.status, r.text).toBe(200);
}

/**
 * Verification work: the city lowers 1 and finds 46 not applicable; Diskominfo writes notes,
 * checks documents, sends a photo, signs as partial and is returned with comments.
 */
async function work(ctx: ServerContext) {
  const t1 = await rawTablet(ctx, 'verifier1', 'Tablet ekspor');
  const city = await assessmentOf(ctx, PEMDA_CODE);
  const diskominfo = await assessmentOf(ctx, opdCode(7));
  const bytes = new TextEncoder().encode('foto kebijakan');
  const sha = createHash('sha256').update(bytes).digest('hex');
  await storeFile(ctx.services, bytes, sha);
  const results: SigningResult[] = [
    { no: 1, verifiedLevel: 4, notApplicable: false, naReason: '', notes: NOTES_1 },
    { no: 3, verifiedLevel: 2, notApplicable: false, naReason: '', notes: '' },
    {
      no: 46,
      verifiedLevel: null,
      notApplicable: true,
      naReason: 'Tidak ada layanan ini',
      notes: '',
    },
  ];
  const signedAt = ctx.clock.now;
  await t1.push([
    ...levels(city, { 1: 1, 2: 3 }, [46]),
    ...levels(diskominfo, { 1: 4, 3: 2 }, [46]),
    {
      entity: 'verification',
      id: `${diskominfo}:1`,
      changes: {
        notes: NOTES_1,
        'checks.4.0': { state: 'present', note: '' },
        'checks.4.1': { state: 'missing', note: '=HYPERLINK("x")' },
      },
    },
    {
      entity: 'verification',
      id: `${diskominfo}:3`,
      changes: { 'checks.2.0': { state: 'present', note: 'ada' } },
    },
    evidenceFile(diskominfo, 'ekspor-foto-1', {
      sha256: sha,
      bytes: bytes.length,
      capturedAt: ctx.clock.now,
      name: 'kebijakan.jpg',
    }),
    signingMutation(diskominfo, results, signedAt, true),
    { entity: 'assessment', id: diskominfo, changes: { status: 'selesai' } },
  ]);
  const coordinator = await ctx.login('coordinator');
  // A unit whose name a spreadsheet would take for a formula.
  const odd = await ctx.services.units.create({
    code: '36.72.OPD.99',
    name: '=1+1 Badan Uji',
    kind: 'opd',
    parentId: await ctx.unitId(PEMDA_CODE),
  });
  await ctx.services.selfAssessments.put(
    ctx.demo?.periodId as string,
    odd.id,
    [{ indicatorNo: 1, level: 2, justification: '' }],
    null,
  );
  ctx.clock.advance(3600_000);
  await decide(ctx, coordinator, diskominfo, 'review', {
    decision: 'return',
    comment: RETURN_COMMENT,
    comments: [{ indicatorNo: 3, comment: INDICATOR_COMMENT }],
  });
  return { t1, diskominfo, results, signedAt, coordinator };
}

/** A CSV download as a spreadsheet user reads it: BOM, `;`, header row first. */
async function getCsv(ctx: ServerContext, token: string) {
  const res = await ctx.app.request(`/api/reports/periods/${ctx.demo?.periodId}/levels.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  // The very first line (after the BOM) is the header, `;`-separated.
  expect(text.slice(1, text.indexOf('\r\n'))).toBe(HEADER.join(';'));
  // The import reader (lib/csv.ts) parses the table; it lower-cases header names.
  const { header, rows } = parseCsv(text);
  expect(header).toEqual(HEADER.map((x) => x.toLowerCase()));
  const col = (name: Label) => HEADER.indexOf(name);
  const row = (code: string, no: number) => {
    const r = rows.find(
      (x) => x.cells[col('Kode unit')] === code && x.cells[col('No. indikator')] === String(no),
    );
    if (!r) throw new Error(`no CSV row for ${code} / ${no}`);
    return (name: Label) => r.cells[col(name)];
  };
  return { res, rows: rows.map((r) => r.cells), row };
}

async function getXlsx(ctx: ServerContext, token: string) {
  const res = await ctx.app.request(`/api/reports/periods/${ctx.demo?.periodId}/levels.xlsx`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return { res, wb };
}

/** The rows of a sheet (values from column 1). */
function values(wb: ExcelJS.Workbook, sheet: string): unknown[][] {
  const out: unknown[][] = [];
  wb.getWorksheet(sheet)?.eachRow((r) => {
    out.push((r.values as unknown[]).slice(1));
  });
  return out;
}

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips it otherwise).
describeEachDialect('exports of unit × indicator levels', (ctx) => {
  // The same verification work for every test, done once (each test may also run alone).
  let prepared: ReturnType<typeof work> | null = null;
  const ready = () => {
    prepared ??= work(ctx());
    return prepared;
  };

  it('CSV: header row first, then every level with notes, reasons, evidence and where the record stands', async () => {
    const h = ctx();
    const w = await ready();
    const token = await h.login('viewer');
    const { res, rows, row } = await getCsv(h, token);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="telusur-evaluasi-spbe-2023-level-20231002-0900.csv"; filename*=UTF-8''telusur-evaluasi-spbe-2023-level-20231002-0900.csv`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // Every unit with an assessment or a self-assessment, 47 rows each.
    expect(new Set(rows.map((r) => r[0])).size).toBe(12);
    expect(rows).toHaveLength(12 * 47);

    const c1 = row(PEMDA_CODE, 1);
    expect([c1('Level mandiri'), c1('Level verifikasi'), c1('Tidak berlaku')]).toEqual([
      String(cityLevels[1]),
      '1',
      'tidak',
    ]);
    const cityVerified = computeIndex(spbe2020, { 1: 1, 2: 3 }, { notApplicable: [46] });
    expect(c1('Indeks verifikasi unit')).toBe(formatIndex(cityVerified.index, 'id'));
    expect(c1('Indeks mandiri unit')).toBe('2,10');
    // Not signed: a draft; the verifier is the one assigned.
    expect([
      c1('Verifikator'),
      c1('Tahap'),
      c1('Tanda tangan'),
      c1('Verifikasi sebagian'),
      c1('Waktu tanda tangan (WIB)'),
    ]).toEqual(['Verifikator Satu', 'draf', 'belum ditandatangani', '', '']);
    expect(row(PEMDA_CODE, 46)('Status bukti')).toBe('tidak berlaku');
    expect(row(PEMDA_CODE, 46)('Alasan tidak berlaku')).toBe('Tidak ada layanan ini');
    expect(row(PEMDA_CODE, 5)('Level verifikasi')).toBe('');

    // Diskominfo: signed as partial, returned with an overall and an indicator comment.
    const d1 = row(opdCode(7), 1);
    expect(d1('Verifikator')).toBe(SIGNATORIES.verifierName);
    expect(d1('Status')).toBe('dikembalikan');
    expect(d1('Tahap')).toBe('dikembalikan');
    expect(d1('Tanda tangan')).toBe('sah');
    expect(d1('Verifikasi sebagian')).toBe('ya');
    expect(d1('Waktu tanda tangan (WIB)')).toBe(wibStamp(w.signedAt));
    expect(d1('Waktu tanda tangan (WIB)')).toBe('2023-10-02 08:00');
    expect(d1('Keputusan koordinator')).toBe('dikembalikan');
    expect(d1('Waktu keputusan (WIB)')).toBe('2023-10-02 09:00');
    expect(d1('Diputuskan oleh')).toBe('Koordinator SPBE (Diskominfo)');
    expect(d1('Catatan koordinator untuk unit')).toBe(RETURN_COMMENT);
    expect(d1('Level verifikasi')).toBe('4');
    expect(d1('Catatan verifikator')).toBe(NOTES_1);
    expect(d1('Status bukti')).toBe('ada kekurangan');
    expect([
      d1('Bukti ada'),
      d1('Bukti tidak ada'),
      d1('Berkas bukti'),
      d1('Berkas diterima server'),
    ]).toEqual(['1', '1', '1', '1']);
    // Each document checked: its place, the instrument's words, its state and the note.
    expect(d1('Rincian bukti dukung')).toBe(
      `4.1 ${evidenceText(1, 4, 0)}: ada; 4.2 ${evidenceText(1, 4, 1)}: tidak ada (=HYPERLINK("x"))`,
    );
    expect(d1('Catatan koordinator untuk indikator')).toBe('');
    const d3 = row(opdCode(7), 3);
    expect(d3('Status bukti')).toBe('lengkap');
    expect(d3('Rincian bukti dukung')).toBe(`2.1 ${evidenceText(3, 2, 0)}: ada (ada)`);
    expect(d3('Catatan koordinator untuk indikator')).toBe(INDICATOR_COMMENT);
    expect(row(opdCode(7), 46)('Alasan tidak berlaku')).toBe('Tidak ada layanan ini');
    expect(row(opdCode(7), 2)('Status bukti')).toBe('belum diperiksa');

    // Text a spreadsheet would run as a formula is defused (unit names are user text).
    expect(row('36.72.OPD.99', 1)('Nama unit')).toBe("'=1+1 Badan Uji");
    expect(row('36.72.OPD.99', 1)('Status')).toBe('belum mulai');
    // Only a penilaian mandiri: no verifier, no record to be in a state.
    expect(
      ['Verifikator', 'Tahap', 'Tanda tangan', 'Verifikasi sebagian'].map((c) =>
        row('36.72.OPD.99', 1)(c),
      ),
    ).toEqual(['', '', '', '']);
    expect(rows.every((r) => !/^[=+\-@]/.test(r[HEADER.indexOf('Nama unit')] ?? ''))).toBe(true);
  });

  it('XLSX: typed numbers and dates, frozen headers and autofilters, Info and Bukti dukung sheets', async () => {
    const h = ctx();
    const w = await ready();
    const token = await h.login('coordinator');
    const { res, wb } = await getXlsx(h, token);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="telusur-evaluasi-spbe-2023-level-20231002-0900\.xlsx"/,
    );
    expect(wb.worksheets.map((s) => s.name)).toEqual([
      'Info',
      'Kota',
      'Indeks unit',
      'Level',
      'Bukti dukung',
    ]);

    // Info: the facts about the file, numbers as numbers.
    const info = wb.getWorksheet('Info') as ExcelJS.Worksheet;
    const infoRow = (label: string) => {
      let found: ExcelJS.Row | null = null;
      info.eachRow((r) => {
        if (r.getCell(1).value === label) found = r;
      });
      if (!found) throw new Error(`no Info line ${label}`);
      return (found as ExcelJS.Row).getCell(2);
    };
    expect(infoRow('Periode').value).toBe(DEMO_PERIOD_NAME);
    expect(infoRow('Tahun').type).toBe(ExcelJS.ValueType.Number);
    expect(infoRow('Tahun').value).toBe(2023);
    expect(infoRow('Instrumen').value).toBe(spbe2020.name);
    expect(infoRow('Dibuat (WIB)').type).toBe(ExcelJS.ValueType.Date);
    // Spreadsheets have no time zones: the cell holds the WIB wall-clock time.
    expect((infoRow('Dibuat (WIB)').value as Date).toISOString()).toBe('2023-10-02T09:00:00.000Z');
    const consolidated = computeIndex(
      spbe2020,
      { ...cityLevels, 1: 1, 2: 3 },
      { notApplicable: [46] },
    );
    const kotaIndex = infoRow('Indeks kota (konsolidasi)');
    expect(kotaIndex.type).toBe(ExcelJS.ValueType.Number);
    // Rounded half up to two decimals, as official results are published.
    expect(kotaIndex.value).toBe(roundIndex(consolidated.index as number));
    expect(kotaIndex.numFmt).toBe('0.00');
    expect(infoRow('Jumlah unit').value).toBe(12);
    expect(infoRow('Indikator kota tidak berlaku').value).toBe(1);

    // Every table sheet: bold header row frozen at the top and an autofilter over the table.
    for (const name of ['Kota', 'Indeks unit', 'Level', 'Bukti dukung']) {
      const sheet = wb.getWorksheet(name) as ExcelJS.Worksheet;
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.getRow(1).font?.bold).toBe(true);
      const last = sheet.getColumn(sheet.columnCount).letter;
      expect(sheet.autoFilter).toBe(`A1:${last}${sheet.rowCount}`);
    }

    const kota = values(wb, 'Kota');
    expect(kota[0]?.slice(0, 3)).toEqual(['No. indikator', 'Nama indikator', 'Domain']);
    const k1 = kota.find((r) => r[0] === 1) as unknown[];
    expect(k1.slice(5, 9)).toEqual([cityLevels[1], 1, 1, 'terverifikasi']);
    const k5 = kota.find((r) => r[0] === 5) as unknown[];
    expect(k5.slice(5, 9)).toEqual([cityLevels[5], undefined, cityLevels[5], 'mandiri']);

    const idx = values(wb, 'Indeks unit');
    const idxCol = (label: string) => (idx[0] as unknown[]).indexOf(label);
    const cityRow = idx.find((r) => r[0] === PEMDA_CODE) as unknown[];
    expect(cityRow[idxCol('Indeks mandiri')]).toBe(2.1);
    expect(cityRow[idxCol('Predikat mandiri')]).toBe('Cukup');
    const disk = idx.find((r) => r[0] === opdCode(7)) as unknown[];
    expect(disk[idxCol('Tahap')]).toBe('dikembalikan');
    expect(disk[idxCol('Catatan koordinator untuk unit')]).toBe(RETURN_COMMENT);
    expect((disk[idxCol('Waktu tanda tangan (WIB)')] as Date).getTime()).toBe(
      w.signedAt + 7 * 3600_000,
    );

    // Level: the same table as the CSV, numbers and dates typed.
    const { rows: csvRows } = await getCsv(h, token);
    const level = wb.getWorksheet('Level') as ExcelJS.Worksheet;
    const levelRows = values(wb, 'Level');
    expect(levelRows[0]).toEqual(HEADER);
    expect(levelRows).toHaveLength(csvRows.length + 1);
    const at = (label: Label) => HEADER.indexOf(label) + 1;
    let diskRow: ExcelJS.Row | null = null;
    level.eachRow((r) => {
      if (r.getCell(1).value === opdCode(7) && r.getCell(at('No. indikator')).value === 1)
        diskRow = r;
    });
    const d1 = diskRow as unknown as ExcelJS.Row;
    for (const label of ['No. indikator', 'Level verifikasi', 'Bukti ada', 'Berkas bukti'] as const)
      expect(d1.getCell(at(label)).type, label).toBe(ExcelJS.ValueType.Number);
    expect(d1.getCell(at('Indeks verifikasi unit')).type).toBe(ExcelJS.ValueType.Number);
    expect(d1.getCell(at('Indeks verifikasi unit')).numFmt).toBe('0.00');
    expect(d1.getCell(at('Waktu tanda tangan (WIB)')).type).toBe(ExcelJS.ValueType.Date);
    expect(d1.getCell(at('Waktu keputusan (WIB)')).type).toBe(ExcelJS.ValueType.Date);
    // A line break in a cell is LF, as spreadsheets write it.
    expect(d1.getCell(at('Catatan verifikator')).value).toBe(NOTES_1.replace('\r\n', '\n'));
    const norm = (r: unknown[]) =>
      LEVEL_COLUMNS.map((c, i) => {
        const v = r[i];
        if (v === undefined || v === null) return '';
        if (v instanceof Date) return wibStamp(v.getTime() - 7 * 3600_000);
        return c.kind === 'index' && typeof v === 'number' ? formatIndex(v, 'id') : String(v);
      });
    const defuse = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s).replace(/\r\n/g, '\n');
    expect(levelRows.slice(1).map(norm)).toEqual(
      csvRows.map((r) => HEADER.map((_, i) => defuse(r[i] ?? ''))),
    );

    // Bukti dukung: one row per document checked, with its note.
    const docs = values(wb, 'Bukti dukung');
    expect(docs[0]).toEqual([
      'Kode unit',
      'Nama unit',
      'No. indikator',
      'Nama indikator',
      'Level',
      'No. bukti',
      'Bukti dukung',
      'Status bukti',
      'Catatan bukti',
    ]);
    expect(docs.slice(1).map((r) => [r[0], r[2], r[4], r[5], r[6], r[7], r[8]])).toEqual([
      [opdCode(7), 1, 4, 1, evidenceText(1, 4, 0), 'ada', undefined],
      [opdCode(7), 1, 4, 2, evidenceText(1, 4, 1), 'tidak ada', '=HYPERLINK("x")'],
      [opdCode(7), 3, 2, 1, evidenceText(3, 2, 0), 'ada', 'ada'],
    ]);
  });

  it('writes indices rounded half up as published (22/6 → 3,67) with the predicate of the exact value, saying so across a band edge', async () => {
    const h = ctx();
    const w = await ready();
    const bulakan = await assessmentOf(h, kelurahanCode(0, 0));
    const cibeber = await assessmentOf(h, kelurahanCode(0, 1));
    // Six indicators of equal weight summing to 22: 22/6 = 3,666… (truncated it read 3,66).
    // Cibeber's exact 2,5972… shows 2,60 — the Baik edge — yet is Cukup.
    await w.t1.push([
      ...levels(bulakan, { 1: 4, 2: 4, 3: 4, 4: 4, 5: 3, 6: 3 }),
      ...levels(cibeber, { 1: 4, 11: 2, 21: 1, 32: 4, 42: 2 }),
    ]);
    const exact = computeIndex(spbe2020, { 1: 4, 11: 2, 21: 1, 32: 4, 42: 2 });
    expect(exact.index as number).toBeLessThan(2.6);
    expect(exact.predicate).toBe('Cukup');
    const { row } = await getCsv(h, w.coordinator);
    expect(row(kelurahanCode(0, 0), 1)('Indeks verifikasi unit')).toBe('3,67');
    // Both records are incomplete, so their predicates are provisional too.
    expect(row(kelurahanCode(0, 0), 1)('Predikat verifikasi unit')).toBe('Sangat Baik (SEMENTARA)');
    expect(row(kelurahanCode(0, 1), 1)('Indeks verifikasi unit')).toBe('2,60');
    expect(row(kelurahanCode(0, 1), 1)('Predikat verifikasi unit')).toBe(
      'Cukup (SEMENTARA; 2,597 — predikat dari nilai tepat)',
    );
    const { wb } = await getXlsx(h, w.coordinator);
    const idx = values(wb, 'Indeks unit');
    const col = (label: string) => (idx[0] as unknown[]).indexOf(label);
    const unit = (code: string) => idx.find((r) => r[0] === code) as unknown[];
    expect(unit(kelurahanCode(0, 0))[col('Indeks verifikasi')]).toBe(3.67);
    expect(unit(kelurahanCode(0, 1))[col('Indeks verifikasi')]).toBe(2.6);
    expect(unit(kelurahanCode(0, 1))[col('Predikat verifikasi')]).toBe(
      'Cukup (SEMENTARA; 2,597 — predikat dari nilai tepat)',
    );
  });

  it('writes the same files whatever the number of units read at a time', async () => {
    const h = ctx();
    await ready();
    const periodId = h.demo?.periodId as string;
    const cities = new CityIndexService(
      { db: h.db, clock: () => h.clock.now, config: resolveConfig({}) },
      h.services.periods,
      h.services.frameworks,
    );
    const pc = await cities.forPeriod(periodId);
    const repos = createRepositories(h.db);
    const text = async (f: ExportFile) => new Uint8Array(await new Response(f.body).arrayBuffer());
    const sheets = async (f: ExportFile) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await text(f)).buffer);
      return wb.worksheets.map((w) => [w.name, values(wb, w.name)]);
    };
    // The period's units in one batch, and in batches of 5 (the last one partial): levels,
    // texts, checks and file counts are read per batch and must land on their own units.
    const [one, many] = await Promise.all(
      [100, 5].map((batch) => loadLevelsExport(repos, pc, h.clock.now, batch)),
    );
    if (!one || !many) throw new Error('export not loaded');
    expect(one.unitCount).toBeGreaterThan(2 * 5);
    const csv = await text(levelsCsv(one));
    expect(Buffer.from(await text(levelsCsv(many))).equals(Buffer.from(csv))).toBe(true);
    expect(await sheets(levelsXlsx(many))).toEqual(await sheets(levelsXlsx(one)));
  });

  it('CSV and XLSX carry each indicator’s rekomendasi, penjelasan, cited files and value per stage', async () => {
    const h = ctx();
    const w = await ready();
    const city = await assessmentOf(h, PEMDA_CODE);
    const at = h.clock.now;
    await w.t1.push(
      [
        evidenceFile(city, 'keluaran-notulen', {
          sha256: 'c'.repeat(64),
          bytes: 10,
          capturedAt: at,
          name: 'Notulen interviu.pdf',
          indicatorNo: 5,
        }),
        {
          entity: 'verification',
          id: `${city}:5`,
          changes: {
            assessmentId: city,
            indicatorNo: 5,
            verifiedLevel: 3,
            rekomendasi: 'Tetapkan Perwal tata kelola SPBE; lakukan reviu tahunan.',
            penjelasanFakta: 'Perwal 12/2022 pasal 4, hlm. 3',
            penjelasanAnalisis: '=belum mengatur reviu',
            penjelasanJustifikasi: 'Kriteria level 3 terpenuhi, level 4 belum.',
            penjelasanFiles: ['keluaran-notulen'],
            'stages.mandiri': { value: 4, by: 'Tim internal', at },
            'stages.dokumen': { value: 3, by: 'Verifikator', at },
          },
        },
        // Made while penilaian mandiri was still open (the seed closed it at T0): a stage's
        // value made after its close is refused.
      ],
      { editedAt: T0 - 3_600_000 },
    );
    const { row } = await getCsv(h, await h.login('viewer'));
    const r5 = row(PEMDA_CODE, 5);
    expect(r5('Rekomendasi')).toBe('Tetapkan Perwal tata kelola SPBE; lakukan reviu tahunan.');
    expect(r5('Penjelasan fakta')).toBe('Perwal 12/2022 pasal 4, hlm. 3');
    // Formula-like text is defused as every text cell is.
    expect(r5('Penjelasan analisis')).toBe("'=belum mengatur reviu");
    expect(r5('Penjelasan justifikasi')).toBe('Kriteria level 3 terpenuhi, level 4 belum.');
    expect(r5('Berkas dikutip penjelasan')).toBe('Notulen interviu.pdf');
    expect(
      ['Nilai Penilaian mandiri', 'Nilai Verifikasi dokumen', 'Nilai Interviu', 'Nilai Final'].map(
        (c) => r5(c),
      ),
    ).toEqual(['4', '3', '', '']);
    // Without a stage value of its own, penilaian mandiri is the imported self level.
    const r6 = row(PEMDA_CODE, 6);
    expect(r6('Nilai Penilaian mandiri')).toBe(r6('Level mandiri'));
    expect(r6('Nilai Penilaian mandiri')).not.toBe('');

    const { wb } = await getXlsx(h, await h.login('viewer'));
    const sheet = values(wb, 'Level');
    const header = sheet[0] as string[];
    const x5 = sheet.find(
      (r) =>
        r[header.indexOf('Kode unit')] === PEMDA_CODE && r[header.indexOf('No. indikator')] === 5,
    ) as unknown[];
    expect(x5[header.indexOf('Rekomendasi')]).toBe(
      'Tetapkan Perwal tata kelola SPBE; lakukan reviu tahunan.',
    );
    expect(x5[header.indexOf('Penjelasan justifikasi')]).toBe(
      'Kriteria level 3 terpenuhi, level 4 belum.',
    );
    expect(x5[header.indexOf('Berkas dikutip penjelasan')]).toBe('Notulen interviu.pdf');
    expect(x5[header.indexOf('Nilai Penilaian mandiri')]).toBe(4);
    expect(x5[header.indexOf('Nilai Verifikasi dokumen')]).toBe(3);

    // The printed unit report reads the same outputs from the review detail.
    const detail = await h.call('GET', `/api/reports/assessments/${city}`, {
      token: await h.login('viewer'),
    });
    const i5 = (detail.body.indicators as { no: number; outputs: unknown }[]).find(
      (i) => i.no === 5,
    );
    expect(i5?.outputs).toEqual({
      rekomendasi: 'Tetapkan Perwal tata kelola SPBE; lakukan reviu tahunan.',
      penjelasanFakta: 'Perwal 12/2022 pasal 4, hlm. 3',
      penjelasanAnalisis: '=belum mengatur reviu',
      penjelasanJustifikasi: 'Kriteria level 3 terpenuhi, level 4 belum.',
      citedFiles: [{ recordId: 'keluaran-notulen', name: 'Notulen interviu.pdf' }],
      stages: [
        { stage: 'mandiri', value: 4, by: 'Tim internal', at },
        { stage: 'dokumen', value: 3, by: 'Verifikator', at },
        { stage: 'interviu', value: null, by: '', at: null },
        { stage: 'final', value: null, by: '', at: null },
      ],
    });
  });

  it('after re-signing, approval and reopening: only the latest decision’s comments are exported', async () => {
    const h = ctx();
    const w = await ready();
    // A result changed after signing voids the signatures until the record is signed again.
    await w.t1.push(levels(w.diskominfo, { 3: 3 }));
    const changed = (await getCsv(h, w.coordinator)).row(opdCode(7), 3);
    expect([changed('Tanda tangan'), changed('Level verifikasi')]).toEqual([
      'batal: hasil berubah setelah ditandatangani',
      '3',
    ]);

    h.clock.advance(3600_000);
    const resignedAt = h.clock.now;
    const results = w.results.map((r) => (r.no === 3 ? { ...r, verifiedLevel: 3 } : r));
    await w.t1.push([
      signingMutation(w.diskominfo, results, resignedAt, true),
      { entity: 'assessment', id: w.diskominfo, changes: { status: 'diperbaiki' } },
    ]);
    const waiting = await getCsv(h, w.coordinator);
    const r3 = waiting.row(opdCode(7), 3);
    // Re-signed and waiting: the return's comments still say what was asked.
    expect([r3('Tahap'), r3('Tanda tangan'), r3('Waktu tanda tangan (WIB)')]).toEqual([
      'ditandatangani ulang',
      'sah',
      '2023-10-02 10:00',
    ]);
    expect(r3('Status')).toBe('diperbaiki, menunggu keputusan');
    expect(r3('Catatan koordinator untuk indikator')).toBe(INDICATOR_COMMENT);
    expect(r3('Catatan koordinator untuk unit')).toBe(RETURN_COMMENT);

    h.clock.advance(1800_000);
    await decide(h, w.coordinator, w.diskominfo, 'review', { decision: 'approve' });

    const { row, rows } = await getCsv(h, w.coordinator);
    const d3 = row(opdCode(7), 3);
    expect([d3('Status'), d3('Tahap'), d3('Keputusan koordinator')]).toEqual([
      'disetujui',
      'disetujui',
      'disetujui',
    ]);
    expect(d3('Waktu keputusan (WIB)')).toBe('2023-10-02 10:30');
    expect(d3('Level verifikasi')).toBe('3');
    // The return's comments are stale now: in no row, on no column.
    const comments = [
      HEADER.indexOf('Catatan koordinator untuk unit'),
      HEADER.indexOf('Catatan koordinator untuk indikator'),
    ];
    expect(rows.flatMap((r) => comments.map((i) => r[i])).filter((x) => x !== '')).toEqual([]);

    const { wb } = await getXlsx(h, w.coordinator);
    expectNoComments(wb);

    // Reopened: a draft again, and the reopening's reason is what applies now.
    h.clock.advance(600_000);
    await decide(h, w.coordinator, w.diskominfo, 'reopen', {
      reason: 'Level 3 perlu diperiksa ulang.',
    });
    const reopened = (await getCsv(h, w.coordinator)).row(opdCode(7), 3);
    expect([
      reopened('Status'),
      reopened('Tahap'),
      reopened('Keputusan koordinator'),
      reopened('Waktu keputusan (WIB)'),
      reopened('Catatan koordinator untuk unit'),
      reopened('Catatan koordinator untuk indikator'),
    ]).toEqual([
      'dibuka kembali',
      'draf',
      'dibuka kembali',
      '2023-10-02 10:40',
      'Level 3 perlu diperiksa ulang.',
      '',
    ]);
  });
});

/** The approved record in the XLSX: no row carries a coordinator comment (they are stale). */
function expectNoComments(wb: ExcelJS.Workbook) {
  const idx = values(wb, 'Indeks unit');
  const disk = idx.find((r) => r[0] === opdCode(7)) as unknown[];
  expect(disk[(idx[0] as unknown[]).indexOf('Tahap')]).toBe('disetujui');
  expect(disk[(idx[0] as unknown[]).indexOf('Catatan koordinator untuk unit')]).toBeUndefined();
  const at = (label: Label) => HEADER.indexOf(label);
  const commented = values(wb, 'Level')
    .slice(1)
    .filter(
      (r) =>
        r[at('Catatan koordinator untuk unit')] !== undefined ||
        r[at('Catatan koordinator untuk indikator')] !== undefined,
    );
  expect(commented).toEqual([]);
}
