import { expect, it } from 'vitest';
import { opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';

interface ListedUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
}

/**
 * A kode unit is an identifier the coordinator types; letter case never tells two units of a
 * Pemda apart (core unitCodeKey). The demo's OPD codes are spelt `36.72.OPD.01`.
 */
describeEachDialect('unit codes ignore letter case', (ctx) => {
  const units = async (token: string): Promise<ListedUnit[]> =>
    (await ctx().call('GET', '/api/units', { token })).body.units;

  it('a CSV import with a code in another case updates that unit and creates no second one', async () => {
    const token = await ctx().login('coordinator');
    const code = opdCode(0);
    expect(code).toBe('36.72.OPD.01');
    const before = await units(token);
    // `spell` writes every code of the file in one case, as a coordinator might type them.
    const file = (spell: (c: string) => string) =>
      [
        'kode_unit;nama_unit;jenis_unit;kode_induk',
        `${spell(code)};Sekretariat Daerah (diimpor);opd;${PEMDA_CODE}`,
        `${spell('36.72.KEC.X')};Kecamatan Uji;kecamatan;${PEMDA_CODE}`,
        // Its parent in a third spelling, neither the file's nor the server's.
        `${spell('36.72.KEC.X.1')};Kelurahan Uji;kelurahan;36.72.Kec.X`,
      ].join('\r\n');
    const r = await ctx().call('POST', '/api/units/import', {
      token,
      body: file((c) => c.toLowerCase()),
      contentType: 'text/csv',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ created: 2, updated: 1, unchanged: 0 });
    const after = await units(token);
    expect(after).toHaveLength(before.length + 2);
    const same = after.filter((u) => u.code.toLowerCase() === code.toLowerCase());
    // One unit, the same one, its code as first typed, its name from the file.
    expect(same).toEqual([
      expect.objectContaining({
        id: before.find((u) => u.code === code)?.id,
        code,
        name: 'Sekretariat Daerah (diimpor)',
      }),
    ]);
    // New units keep the codes as the file spells them.
    const kec = after.find((u) => u.code === '36.72.kec.x');
    expect(after.find((u) => u.code === '36.72.kec.x.1')?.parentId).toBe(kec?.id);

    // The same file with its codes in upper case is the same units: nothing changes.
    const again = await ctx().call('POST', '/api/units/import', {
      token,
      body: file((c) => c.toUpperCase()),
      contentType: 'text/csv',
    });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await units(token)).toEqual(after);
  });

  it('two rows of one file whose codes differ only in case are reported, nothing saved', async () => {
    const token = await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    const r = await ctx().call('POST', '/api/units/import', {
      token,
      body: `code,name,kind,parent_code\nOPD.X;Satu;opd;${PEMDA_CODE}\nopd.x;Dua;opd;${PEMDA_CODE}\n`.replaceAll(
        ';',
        ',',
      ),
      contentType: 'text/csv',
    });
    expect(r.status).toBe(422);
    expect(r.body.details.rows).toEqual([
      { line: 3, problems: [expect.objectContaining({ column: 'code', code: 'duplicate' })] },
    ]);
    expect(await ctx().rowCounts()).toEqual(before);
  });

  it('creating a unit with a code another unit has in another case is refused, nothing saved', async () => {
    const token = await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    const pemda = await ctx().unitId(PEMDA_CODE);
    const json = { code: '36.72.opd.01', name: 'Duplikat', kind: 'opd', parentId: pemda };
    const id = await ctx().call('POST', '/api/units', { token, json });
    expect(id.status).toBe(409);
    expect(id.body).toEqual({
      code: 'unit_code_taken',
      message: 'Kode unit "36.72.OPD.01" sudah dipakai.',
    });
    const en = await ctx().call('POST', '/api/units', { token, json, lang: 'en' });
    expect(en.status).toBe(409);
    expect(en.body.message).toBe('Unit code "36.72.OPD.01" is already used.');
    expect(await ctx().rowCounts()).toEqual(before);
  });

  it("renaming a unit's code to another unit's code in another case is refused; its own in another case is not", async () => {
    const token = await ctx().login('coordinator');
    const second = await ctx().unitId(opdCode(1));
    const before = await units(token);
    const r = await ctx().call('PATCH', `/api/units/${second}`, {
      token,
      json: { code: '36.72.opd.01', name: 'Tidak Disimpan' },
    });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      code: 'unit_code_taken',
      message: 'Kode unit "36.72.OPD.01" sudah dipakai.',
    });
    expect(await units(token)).toEqual(before);

    // A unit may change the case of its own code (the coordinator's spelling is kept).
    const own = await ctx().call('PATCH', `/api/units/${second}`, {
      token,
      json: { code: opdCode(1).toLowerCase() },
    });
    expect(own.status, own.text).toBe(200);
    expect(own.body.code).toBe('36.72.opd.02');
  });

  it('the penilaian mandiri import finds a unit by its code in another case', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId as string;
    const unitId = await ctx().unitId(opdCode(2));
    const r = await ctx().call('POST', `/api/periods/${periodId}/self-assessments/import`, {
      token,
      body: `kode_unit,no_indikator,level_mandiri,penjelasan_mandiri\n${opdCode(2).toLowerCase()},2,4,Ada\n`,
      contentType: 'text/csv',
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ units: 1, levels: 1 });
    const own = await ctx().call(
      'GET',
      `/api/periods/${periodId}/units/${unitId}/self-assessment`,
      {
        token,
      },
    );
    expect(own.body.levels.find((l: { indicatorNo: number }) => l.indicatorNo === 2)).toMatchObject(
      { level: 4, justification: 'Ada' },
    );
  });
});
