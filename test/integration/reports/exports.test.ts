import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { computeIndex, formatIndex, listIndicators, spbe2020 } from '../../../src/core';
import { CITY_LEVELS, DEMO_PERIOD_NAME, opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { LEVEL_COLUMNS } from '../../../src/server/services/exports/levels';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import { assessmentOf, evidenceFile, levels, rawTablet, storeFile } from './helpers';

const INDICATORS = listIndicators(spbe2020);
const cityLevels = Object.fromEntries(
  INDICATORS.map((ind, i) => [ind.no, CITY_LEVELS[i] as number]),
);

/** RFC 4180 with `;` (quoted cells, doubled quotes, CRLF), as a spreadsheet reads it. */
function splitCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** The CSV as a spreadsheet user reads it: BOM, preamble `key;value` lines, blank line, table. */
function readCsv(bytes: Uint8Array) {
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
  const [preamble, table] = body.split('\r\n\r\n') as [string, string];
  const lines = splitCsv(`${preamble}\r\n`);
  const info = new Map(lines.slice(1).map((cells) => [cells[0] as string, cells.slice(1)]));
  const [header, ...rows] = splitCsv(table);
  return { title: lines[0]?.[0], info, header, rows };
}

/** Some verification work: the city lowers 1 and finds 46 not applicable; Diskominfo sends a photo and checks. */
async function work(ctx: ServerContext) {
  const t1 = await rawTablet(ctx, 'verifier1', 'Tablet ekspor');
  const city = await assessmentOf(ctx, PEMDA_CODE);
  const diskominfo = await assessmentOf(ctx, opdCode(7));
  const bytes = new TextEncoder().encode('foto kebijakan');
  const sha = createHash('sha256').update(bytes).digest('hex');
  await storeFile(ctx.services, bytes, sha);
  await t1.push([
    ...levels(city, { 1: 1, 2: 3 }, [46]),
    ...levels(diskominfo, { 1: 4, 3: 2 }),
    {
      entity: 'verification',
      id: `${diskominfo}:1`,
      changes: {
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
  const review = await ctx.call('POST', `/api/assessments/${diskominfo}/review`, {
    token: coordinator,
    json: {
      decision: 'return',
      comments: [{ indicatorNo: 3, comment: 'Bukti "pendukung"; lengkapi.' }],
    },
  });
  expect(review.status).toBe(200);
  return { city, diskominfo };
}

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips it otherwise).
describeEachDialect('exports of unit × indicator levels', (ctx) => {
  // The same verification work for both tests, done once (each test may also run alone).
  let prepared: ReturnType<typeof work> | null = null;
  const ready = () => {
    prepared ??= work(ctx());
    return prepared;
  };

  it('CSV: named period, instrument and time, then every level as stored, opening cleanly in Excel', async () => {
    const h = ctx();
    await ready();
    const token = await h.login('viewer');
    const res = await h.app.request(`/api/reports/periods/${h.demo?.periodId}/levels.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="telusur-evaluasi-spbe-2023-level-20231002-0800.csv"; filename*=UTF-8''telusur-evaluasi-spbe-2023-level-20231002-0800.csv`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const csv = readCsv(new Uint8Array(await res.arrayBuffer()));
    expect(csv.title).toBe('Telusur — ekspor level unit × indikator');
    expect(csv.info.get('Periode')).toEqual([DEMO_PERIOD_NAME, '2023']);
    expect(csv.info.get('Instrumen')).toEqual([
      spbe2020.name,
      `spbe-2020 versi ${spbe2020.version}`,
    ]);
    expect(csv.info.get('Dibuat')).toEqual([
      '2 Oktober 2023 pukul 08.00 WIB',
      new Date(h.clock.now).toISOString(),
    ]);
    const consolidated = computeIndex(
      spbe2020,
      { ...cityLevels, 1: 1, 2: 3 },
      { notApplicable: [46] },
    );
    expect(csv.info.get('Indeks kota (konsolidasi)')).toEqual([
      formatIndex(consolidated.index, 'id'),
      consolidated.predicate,
    ]);
    expect(csv.header).toEqual([...LEVEL_COLUMNS]);
    // Every unit with an assessment or a self-assessment, 47 rows each.
    const units = new Set(csv.rows.map((r) => r[0]));
    expect(units.size).toBe(12);
    expect(csv.rows).toHaveLength(12 * 47);
    const col = (name: (typeof LEVEL_COLUMNS)[number]) => LEVEL_COLUMNS.indexOf(name);
    const row = (code: string, no: number) =>
      csv.rows.find(
        (r) => r[col('kode_unit')] === code && r[col('no_indikator')] === String(no),
      ) as string[];

    const c1 = row(PEMDA_CODE, 1);
    expect([
      c1[col('level_mandiri')],
      c1[col('level_verifikasi')],
      c1[col('tidak_berlaku')],
    ]).toEqual([String(cityLevels[1]), '1', 'tidak']);
    expect(row(PEMDA_CODE, 46)[col('status_bukti')]).toBe('tidak berlaku');
    expect(row(PEMDA_CODE, 5)[col('level_verifikasi')]).toBe('');
    // The city unit's verified index covers only what was verified (1 and 2).
    const cityVerified = computeIndex(spbe2020, { 1: 1, 2: 3 }, { notApplicable: [46] });
    expect(c1[col('indeks_verifikasi_unit')]).toBe(formatIndex(cityVerified.index, 'id'));
    expect(c1[col('indeks_mandiri_unit')]).toBe('2,10');

    const d1 = row(opdCode(7), 1);
    expect(d1[col('level_verifikasi')]).toBe('4');
    expect(d1[col('status_bukti')]).toBe('ada kekurangan');
    expect([
      d1[col('bukti_ada')],
      d1[col('bukti_tidak_ada')],
      d1[col('berkas_bukti')],
      d1[col('berkas_diterima')],
    ]).toEqual(['1', '1', '1', '1']);
    expect(d1[col('status')]).toBe('dikembalikan');
    const d3 = row(opdCode(7), 3);
    expect(d3[col('status_bukti')]).toBe('lengkap');
    expect(d3[col('catatan_koordinator')]).toBe('Bukti "pendukung"; lengkapi.');
    expect(row(opdCode(7), 2)[col('status_bukti')]).toBe('belum diperiksa');
    // Text a spreadsheet would run as a formula is defused (unit names are user text).
    expect(row('36.72.OPD.99', 1)[col('nama_unit')]).toBe("'=1+1 Badan Uji");
    expect(row('36.72.OPD.99', 1)[col('status')]).toBe('belum mulai');
    expect(csv.rows.every((r) => !/^[=+\-@]/.test(r[col('nama_unit')] ?? ''))).toBe(true);
  });

  it('XLSX: Info, Kota, Indeks unit and Level sheets that match the CSV', async () => {
    const h = ctx();
    await ready();
    const token = await h.login('coordinator');
    const res = await h.app.request(`/api/reports/periods/${h.demo?.periodId}/levels.xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="telusur-evaluasi-spbe-2023-level-20231002-0800\.xlsx"/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Info', 'Kota', 'Indeks unit', 'Level']);
    const values = (sheet: string) => {
      const out: unknown[][] = [];
      wb.getWorksheet(sheet)?.eachRow((r) => {
        out.push((r.values as unknown[]).slice(1));
      });
      return out;
    };
    const info = new Map(values('Info').map((r) => [r[0], r.slice(1)]));
    expect(info.get('Periode')).toEqual([DEMO_PERIOD_NAME, '2023']);
    expect(info.get('Instrumen')?.[0]).toBe(spbe2020.name);
    expect(info.get('Dibuat')).toEqual([
      '2 Oktober 2023 pukul 08.00 WIB',
      new Date(h.clock.now).toISOString(),
    ]);

    const kota = values('Kota');
    expect(kota[0]?.slice(0, 3)).toEqual(['no_indikator', 'nama_indikator', 'domain']);
    const k1 = kota.find((r) => r[0] === 1) as unknown[];
    expect(k1.slice(5, 9)).toEqual([cityLevels[1], 1, 1, 'terverifikasi']);
    const k5 = kota.find((r) => r[0] === 5) as unknown[];
    expect(k5.slice(5, 9)).toEqual([cityLevels[5], undefined, cityLevels[5], 'mandiri']);

    const idx = values('Indeks unit');
    const city = idx.find((r) => r[0] === PEMDA_CODE) as unknown[];
    expect(city[5]).toBe(2.1);
    expect(city[6]).toBe('Cukup');
    const cityVerified = computeIndex(spbe2020, { 1: 1, 2: 3 }, { notApplicable: [46] });
    expect(city[7]).toBe(Math.floor((cityVerified.index as number) * 100 + 1e-7) / 100);

    // The Level sheet holds the same table as the CSV (numbers as numbers).
    const csvRes = await h.app.request(`/api/reports/periods/${h.demo?.periodId}/levels.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const csv = readCsv(new Uint8Array(await csvRes.arrayBuffer()));
    const level = values('Level');
    expect(level[0]).toEqual([...LEVEL_COLUMNS]);
    expect(level).toHaveLength(csv.rows.length + 1);
    const norm = (r: unknown[]) =>
      LEVEL_COLUMNS.map((name, i) => {
        const v = r[i];
        if (v === undefined || v === null) return '';
        return name.startsWith('indeks') && typeof v === 'number'
          ? formatIndex(v, 'id')
          : String(v);
      });
    const defuse = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);
    expect(level.slice(1).map(norm)).toEqual(
      csv.rows.map((r) => LEVEL_COLUMNS.map((_, i) => defuse(r[i] ?? ''))),
    );
  });
});
