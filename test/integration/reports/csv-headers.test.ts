import { expect, it } from 'vitest';
import { kecamatanCode, opdCode } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';

interface RowReportBody {
  line: number;
  problems: { column: string; code: string }[];
}

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips it otherwise).
describeEachDialect('CSV imports read the Indonesian headers the exports write', (ctx) => {
  it('imports units with kode_unit;nama_unit;jenis_unit;kode_induk and names bad columns so', async () => {
    const token = await ctx().login('coordinator');
    const ok = await ctx().call('POST', '/api/units/import', {
      token,
      body: [
        'kode_unit;nama_unit;jenis_unit;kode_induk',
        `36.72.01.8001;Kelurahan Header Indonesia;kelurahan;${kecamatanCode(0)}`,
        '',
      ].join('\r\n'),
      contentType: 'text/csv',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ created: 1, updated: 0, unchanged: 0 });

    const bad = await ctx().call('POST', '/api/units/import', {
      token,
      body: ['kode_unit,nama_unit,jenis_unit,kode_induk', 'X.1,,desa,TIDAK.ADA'].join('\n'),
      contentType: 'text/csv',
    });
    expect(bad.status).toBe(422);
    const columns = (bad.body.details.rows as RowReportBody[]).flatMap((r) =>
      r.problems.map((p) => p.column),
    );
    expect(columns).toEqual(['nama_unit', 'jenis_unit']);
    // English headers name the columns in English, as before.
    const old = await ctx().call('POST', '/api/units/import', {
      token,
      body: ['code,name,kind,parent_code', 'X.1,,desa,'].join('\n'),
      contentType: 'text/csv',
    });
    expect(
      (old.body.details.rows as RowReportBody[]).flatMap((r) => r.problems.map((p) => p.column)),
    ).toEqual(['name', 'kind']);
  });

  it('imports penilaian mandiri levels with kode_unit;no_indikator;level_mandiri;penjelasan_mandiri', async () => {
    const token = await ctx().login('coordinator');
    const period = ctx().demo?.periodId as string;
    const r = await ctx().call('POST', `/api/periods/${period}/self-assessments/import`, {
      token,
      body: [
        'kode_unit;no_indikator;level_mandiri;penjelasan_mandiri',
        `${opdCode(9)};3;4;"Perwal; 2023"`,
        '',
      ].join('\r\n'),
      contentType: 'text/csv',
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ units: 1, levels: 1 });
    const sa = await ctx().call(
      'GET',
      `/api/periods/${period}/units/${await ctx().unitId(opdCode(9))}/self-assessment`,
      { token },
    );
    expect(sa.body.levels.find((l: { indicatorNo: number }) => l.indicatorNo === 3)).toMatchObject({
      level: 4,
      justification: 'Perwal; 2023',
    });

    const header = await ctx().call('POST', `/api/periods/${period}/self-assessments/import`, {
      token,
      body: 'kode_unit,level_mandiri\nX,1\n',
      contentType: 'text/csv',
    });
    expect(header.body.code).toBe('csv_header');
    expect(header.body.message).toContain('kode_unit,no_indikator,level_mandiri');
  });
});
