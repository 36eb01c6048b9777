import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import {
  computeIndex,
  listIndicators,
  type OfficialComparison,
  pemdi2026,
  spbe2020,
} from '../../../src/core';
import { PEMDI_CITY_VALUES } from '../../../src/server/seed';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';

/**
 * The official result KemenPANRB publishes for the Pemda, imported into a period (CSV as the
 * template, or XLSX) and compared with the local verification: the official index is the
 * instrument's formula over the imported values, a bad file is refused row by row with
 * nothing stored, a re-import replaces the set, and an indicator that fell since the
 * previous period of the same instrument is flagged.
 */

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PEMDI = listIndicators(pemdi2026);

/** Assessor-style values for Pemdi 2026, in indicator order (decimals as published). */
const OFFICIAL: readonly number[] = [
  2, 2.25, 1.5, 1.5, 2.25, 1, 1.5, 1.17, 1.25, 1.75, 1, 1, 2.5, 1.5, 1.75, 1.3, 2, 1, 1.5, 2,
];

/** A CSV body: `;` between columns, decimal comma, as the template is filled in. */
function csvOf(values: readonly (number | string)[], nos = PEMDI.map((i) => i.no)): string {
  const rows = nos.map((no, i) => `${no};Indikator ${no};${String(values[i]).replace('.', ',')}`);
  return `\uFEFFno_indikator;nama_indikator;nilai\r\n${rows.join('\r\n')}\r\n`;
}

function valuesMap(values: readonly number[]): Record<number, number> {
  return Object.fromEntries(PEMDI.map((ind, i) => [ind.no, values[i] as number]));
}

async function put(
  h: ServerContext,
  periodId: string,
  body: string | Uint8Array,
  contentType: string,
  who: 'coordinator' | 'viewer' | 'verifier1' = 'coordinator',
  file = 'hasil.csv',
) {
  return h.call('PUT', `/api/periods/${periodId}/official?file=${encodeURIComponent(file)}`, {
    token: await h.login(who),
    body,
    contentType,
  });
}

async function get(h: ServerContext, periodId: string, who: 'coordinator' | 'viewer' = 'viewer') {
  const r = await h.call('GET', `/api/periods/${periodId}/official`, { token: await h.login(who) });
  expect(r.status, r.text).toBe(200);
  return r.body as OfficialComparison;
}

async function storedCount(h: ServerContext, periodId: string): Promise<number> {
  return (
    await h.db
      .selectFrom('officialResults')
      .select('indicatorNo')
      .where('periodId', '=', periodId)
      .execute()
  ).length;
}

describeEachDialect('official result (KemenPANRB) import and comparison', (ctx) => {
  const pemdiId = () => ctx().demo?.pemdiPeriodId as string;

  it('gives a template per instrument that, filled in with decimal commas, imports as it is', async () => {
    const h = ctx();
    const r = await h.app.request(`/api/periods/${pemdiId()}/official/template.csv`, {
      headers: { authorization: `Bearer ${await h.login('viewer')}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder()
      .decode(bytes)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(lines[0]).toBe('no_indikator;nama_indikator;nilai');
    expect(lines.filter((l) => l).length).toBe(1 + 20);
    expect(lines[1]).toBe(`1;${PEMDI[0]?.spec.name};`);

    // Filled in as a coordinator would, in Excel with Indonesian settings.
    const filled = lines
      .filter((l) => l)
      .map((l, i) => (i === 0 ? l : `${l}${String(OFFICIAL[i - 1]).replace('.', ',')}`))
      .join('\r\n');
    const res = await put(
      h,
      pemdiId(),
      `\uFEFF${filled}\r\n`,
      'text/csv',
      'coordinator',
      'LHE Pemdi 2026.csv',
    );
    expect(res.status, res.text).toBe(200);
    const cmp = res.body as OfficialComparison;
    const expected = computeIndex(pemdi2026, valuesMap(OFFICIAL), { rule: 'official' });
    expect(cmp.official.index).toBe(expected.index);
    expect(cmp.official.predicate).toBe(expected.predicate);
    expect(cmp.indicators.map((i) => i.official)).toEqual(OFFICIAL);
    expect(cmp.indicators[7]?.published).toBe('1,17');
    expect(cmp.imported).toMatchObject({
      sourceName: 'LHE Pemdi 2026.csv',
      indicatorCount: 20,
      byName: 'Koordinator SPBE (Diskominfo)',
    });
    // Local = the city's penilaian mandiri (nothing verified on the city unit yet).
    expect(cmp.local.index).toBe(h.demo?.pemdiCityIndex);
    expect(cmp.self.index).toBe(h.demo?.pemdiCityIndex);
    for (const [i, ind] of cmp.indicators.entries()) {
      const local = PEMDI_CITY_VALUES[i] as number;
      const off = OFFICIAL[i] as number;
      expect(ind.local).toBe(local);
      expect(ind.localSource).toBe('self');
      expect(ind.difference).toBe(Math.round((local - off) * 100) / 100);
      expect(ind.higherThanOfficial).toBe(local > off);
    }
    // Indicator 1: city 2,5 vs official 2 → more generous by 0,5.
    expect(cmp.indicators[0]).toMatchObject({ difference: 0.5, higherThanOfficial: true });
    expect(cmp.higherThanOfficialCount).toBe(
      PEMDI_CITY_VALUES.filter((v, i) => v > (OFFICIAL[i] as number)).length,
    );
    // The latest earlier period is SPBE 2023 on another instrument: named, not compared.
    expect(cmp.previous).toBeNull();
    expect(cmp.otherInstrument).toMatchObject({ id: h.demo?.periodId });
    expect(cmp.indicators.every((i) => i.previous === null && !i.fell)).toBe(true);
  });

  it('imports the first sheet of an XLSX (number cells, text with decimal comma, other column order) and a re-import replaces the set', async () => {
    const h = ctx();
    const first = await put(h, pemdiId(), csvOf(OFFICIAL), 'text/csv');
    expect(first.status, first.text).toBe(200);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Hasil');
    ws.addRow(['Nilai', 'No', 'Keterangan']);
    const second = OFFICIAL.map((v) => Math.min(5, Math.round((v + 0.25) * 100) / 100));
    PEMDI.forEach((ind, i) => {
      const v = second[i] as number;
      // One value typed as text with a decimal comma, as some published sheets carry it.
      ws.addRow([i === 2 ? String(v).replace('.', ',') : v, ind.no, 'catatan']);
    });
    wb.addWorksheet('Lain').addRow(['tidak dibaca']);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const res = await put(h, pemdiId(), bytes, XLSX, 'coordinator', 'hasil.xlsx');
    expect(res.status, res.text).toBe(200);
    const cmp = res.body as OfficialComparison;
    expect(cmp.indicators.map((i) => i.official)).toEqual(second);
    expect(cmp.official.index).toBe(
      computeIndex(pemdi2026, valuesMap(second), { rule: 'official' }).index,
    );
    expect(cmp.imported?.sourceName).toBe('hasil.xlsx');
    expect(cmp.imported?.importCount).toBeGreaterThanOrEqual(2);
    expect(await storedCount(h, pemdiId())).toBe(20);
    // The viewer reads the same.
    expect((await get(h, pemdiId())).indicators.map((i) => i.official)).toEqual(second);
  });

  it('refuses a file with bad rows, listing each with its row number, and stores nothing', async () => {
    const h = ctx();
    expect((await put(h, pemdiId(), csvOf(OFFICIAL), 'text/csv')).status).toBe(200);
    const before = await get(h, pemdiId());

    const nos: (number | string)[] = PEMDI.map((i) => i.no);
    const values: (number | string)[] = [...OFFICIAL];
    nos[2] = 99; // row 4: unknown indicator (and 3 then missing)
    nos[5] = 5; // row 7: duplicate of row 6
    values[7] = '1,175'; // row 9: three decimals
    values[8] = 'abc'; // row 10: unreadable
    values[9] = ''; // row 11: empty
    values[10] = 6; // row 12: above 5
    const bad = csvOf(values, nos as number[]);
    const r = await h.call('PUT', `/api/periods/${pemdiId()}/official`, {
      token: await h.login('coordinator'),
      body: bad,
      contentType: 'text/csv',
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('official_invalid');
    expect(r.body.message).toContain('Tidak ada data yang disimpan');
    const rows = r.body.details.rows as {
      line: number;
      problems: { code: string; message: string }[];
    }[];
    const at = (line: number) => rows.find((x) => x.line === line)?.problems.map((p) => p.code);
    expect(at(1)).toEqual(['missing_indicators']); // header line: indicators 3 and 6 missing
    expect(rows.find((x) => x.line === 1)?.problems[0]?.message).toContain('3, 6');
    expect(at(4)).toEqual(['unknown_indicator']);
    expect(at(7)).toEqual(['duplicate']);
    expect(rows.find((x) => x.line === 7)?.problems[0]?.message).toContain('baris 6');
    expect(at(9)).toEqual(['value_out_of_domain']);
    expect(at(10)).toEqual(['invalid_value']);
    expect(at(11)).toEqual(['required']);
    expect(at(12)).toEqual(['value_out_of_domain']);
    expect(r.body.details.total).toBe(7);

    // In English on request.
    const en = await h.call('PUT', `/api/periods/${pemdiId()}/official`, {
      token: await h.login('coordinator'),
      body: bad,
      contentType: 'text/csv',
      lang: 'en',
    });
    expect(en.body.message).toContain('Nothing was saved');

    // Nothing changed.
    const after = await get(h, pemdiId());
    expect(after.indicators).toEqual(before.indicators);
    expect(after.imported?.importCount).toBe(before.imported?.importCount);
  });

  it('takes `,` between columns with `.` decimals, and refuses an unquoted decimal comma there instead of misreading it', async () => {
    const h = ctx();
    const dot = `no_indikator,nama_indikator,nilai\n${PEMDI.map((i, k) => `${i.no},"Indikator, ${i.no}",${OFFICIAL[k]}`).join('\n')}\n`;
    const ok = await put(h, pemdiId(), dot, 'text/csv');
    expect(ok.status, ok.text).toBe(200);
    expect((ok.body as OfficialComparison).indicators[7]?.official).toBe(1.17);

    const quoted = dot.replace(/,1\.17\n/, ',"1,17"\n');
    expect((await put(h, pemdiId(), quoted, 'text/csv')).status).toBe(200);

    const unquoted = dot.replace(/,1\.17\n/, ',1,17\n');
    const r = await put(h, pemdiId(), unquoted, 'text/csv');
    expect(r.status).toBe(422);
    expect(r.body.details.rows).toEqual([
      expect.objectContaining({
        line: 9,
        problems: [expect.objectContaining({ code: 'extra_cells' })],
      }),
    ]);
  });

  it('on SPBE 2020 takes whole levels only, and refuses an unreadable workbook or a wrong header', async () => {
    const h = ctx();
    const spbeId = h.demo?.periodId as string;
    const nos = listIndicators(spbe2020).map((i) => i.no);
    const levels = nos.map((n) => (n % 4) + 1);
    const ok = await put(h, spbeId, csvOf(levels, nos), 'text/csv');
    expect(ok.status, ok.text).toBe(200);
    expect((ok.body as OfficialComparison).official.index).toBe(
      computeIndex(spbe2020, Object.fromEntries(nos.map((n, i) => [n, levels[i]])), {
        rule: 'official',
      }).index,
    );
    const half = await put(
      h,
      spbeId,
      csvOf(
        levels.map((l, i) => (i === 0 ? 2.5 : l)),
        nos,
      ),
      'text/csv',
    );
    expect(half.status).toBe(422);
    expect(half.body.details.rows[0]).toMatchObject({
      line: 2,
      problems: [{ code: 'value_out_of_domain' }],
    });

    const broken = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect((await put(h, spbeId, broken, XLSX)).body.code).toBe('xlsx_unreadable');
    const header = await put(h, spbeId, 'kode;level\n1;2\n', 'text/csv');
    expect(header.status).toBe(422);
    expect(header.body.code).toBe('official_header');
    expect(await storedCount(h, spbeId)).toBe(nos.length);
  });

  it('flags indicators that fell since the previous period of the same instrument (its official result, else its city levels)', async () => {
    const h = ctx();
    const coordinator = await h.login('coordinator');
    const made = await h.call('POST', '/api/periods', {
      token: coordinator,
      json: { name: 'Evaluasi Pemdi 2028', year: 2028, frameworkId: pemdi2026.id, targetIndex: 3 },
    });
    expect(made.status, made.text).toBe(201);
    const later = made.body.id as string;
    // 2028's official values: indicator 1 below the 2026 city level (2,5), 2 equal, 3 above.
    const values2028 = PEMDI_CITY_VALUES.map((v, i) => (i === 0 ? 2 : i === 2 ? 2.5 : v));
    expect((await put(h, later, csvOf(values2028), 'text/csv')).status).toBe(200);

    // 2026 without an official result (a fresh period list: clear it first).
    await h.db.deleteFrom('officialResults').where('periodId', '=', pemdiId()).execute();
    const byCity = await get(h, later);
    expect(byCity.previous).toMatchObject({ period: { id: pemdiId() }, source: 'city' });
    expect(byCity.otherInstrument).toBeNull();
    expect(byCity.indicators[0]).toMatchObject({
      previous: 2.5,
      previousSource: 'self',
      fell: true,
    });
    expect(byCity.indicators[1]).toMatchObject({ fell: false });
    expect(byCity.indicators[2]).toMatchObject({ previous: 2, fell: false });
    expect(byCity.fellCount).toBe(1);

    // With 2026's official result imported, that is what 2028 is compared with.
    expect((await put(h, pemdiId(), csvOf(OFFICIAL), 'text/csv')).status).toBe(200);
    const byOfficial = await get(h, later);
    expect(byOfficial.previous?.source).toBe('official');
    for (const [i, ind] of byOfficial.indicators.entries()) {
      expect(ind.previous).toBe(OFFICIAL[i]);
      expect(ind.previousSource).toBe('official');
      expect(ind.fell).toBe((values2028[i] as number) < (OFFICIAL[i] as number));
    }
    expect(byOfficial.fellCount).toBe(
      values2028.filter((v, i) => v < (OFFICIAL[i] as number)).length,
    );
    await h.call('DELETE', `/api/periods/${later}`, { token: coordinator });
  });

  it('lets a viewer read the comparison and template but not import; a verifier gets neither', async () => {
    const h = ctx();
    expect((await put(h, pemdiId(), csvOf(OFFICIAL), 'text/csv')).status).toBe(200);
    const before = await storedCount(h, pemdiId());
    const viewer = await put(h, pemdiId(), csvOf(OFFICIAL.map(() => 1)), 'text/csv', 'viewer');
    expect(viewer.status).toBe(403);
    expect((await get(h, pemdiId(), 'viewer')).indicators[0]?.official).toBe(OFFICIAL[0]);
    const verifier = await h.login('verifier1');
    const r = await h.call('GET', `/api/periods/${pemdiId()}/official`, { token: verifier });
    expect(r.status).toBe(403);
    const w = await put(h, pemdiId(), csvOf(OFFICIAL.map(() => 1)), 'text/csv', 'verifier1');
    expect(w.status).toBe(403);
    const tpl = await h.call('GET', `/api/periods/${pemdiId()}/official/template.csv`, {
      token: verifier,
    });
    expect(tpl.status).toBe(403);
    expect(await storedCount(h, pemdiId())).toBe(before);
    expect((await get(h, pemdiId())).indicators.map((i) => i.official)).toEqual(OFFICIAL);
  });
});
