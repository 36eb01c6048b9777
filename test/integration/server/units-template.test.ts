import { expect, it } from 'vitest';
import { describeEachDialect } from '../../helpers/server-context';

/**
 * The units template a coordinator downloads from the units page: the importer takes it as
 * it is, example rows included, and builds the tree they describe.
 */
describeEachDialect('units CSV template', (ctx) => {
  it('downloads as a CSV the units import accepts unchanged, building one unit of each kind', async () => {
    const token = await ctx().login('coordinator');
    const res = await ctx().app.request('/api/units/template.csv', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('filename="templat-unit.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // UTF-8 with BOM, the documented header first, `;` between columns (Excel, Indonesian settings).
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe('kode_unit;nama_unit;jenis_unit;kode_induk');

    const before = (await ctx().services.units.tree()).length;
    const imported = await ctx().call('POST', '/api/units/import', {
      token,
      body: bytes,
      contentType: 'text/csv',
    });
    expect(imported.status, imported.text).toBe(200);
    expect(imported.body).toMatchObject({ created: 4, updated: 0 });
    const tree = await ctx().services.units.tree();
    expect(tree.length).toBe(before + 4);
    const made = (code: string) => tree.find((u) => u.code === code);
    expect(made('PEMDA')?.kind).toBe('pemda');
    expect(made('PEMDA.OPD.01')?.parentId).toBe(made('PEMDA')?.id);
    expect(made('PEMDA.01.1001')?.parentId).toBe(made('PEMDA.01')?.id);
    expect(made('PEMDA.01.1001')?.kind).toBe('kelurahan');

    // The same file again changes nothing.
    const again = await ctx().call('POST', '/api/units/import', {
      token,
      body: bytes,
      contentType: 'text/csv',
    });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
  });

  it('is there for viewers too, but only a coordinator imports it', async () => {
    const viewer = await ctx().login('viewer');
    const res = await ctx().call('GET', '/api/units/template.csv', { token: viewer });
    expect(res.status).toBe(200);
    const refused = await ctx().call('POST', '/api/units/import', {
      token: viewer,
      body: res.text,
      contentType: 'text/csv',
    });
    expect(refused.status).toBe(403);
  });
});
