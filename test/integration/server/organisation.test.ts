import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { LOGO_MAX_BYTES } from '../../../src/core';
import { parseCsv } from '../../../src/server/lib/csv';
import { DEMO_ORGANISATION, opdCode } from '../../../src/server/seed';
import { emblemPng, JPEG_HEAD } from '../../helpers/images';
import { describeEachDialect, type ServerContext, T0 } from '../../helpers/server-context';
import { signingMutation } from '../../helpers/signing';
import { assessmentOf, rawTablet } from '../reports/helpers';

/**
 * The organisation a server works for: set once by a coordinator (or the admin CLI), read by
 * every role, and the zone every time printed for it is written in. Bad input is refused
 * with a problem and changes nothing; viewers and verifiers cannot change it.
 */

const MAKASSAR = { name: 'Pemerintah Kota Makassar', kind: 'kota', zone: 'WITA' } as const;

/** The organisation as a signed-in role reads it. */
async function read(ctx: ServerContext, token: string) {
  const r = await ctx.call('GET', '/api/organisation', { token });
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** A coordinator, a viewer and a verifier on a database without the demo. */
async function accounts(ctx: ServerContext) {
  const out: Record<'coordinator' | 'viewer' | 'verifier', string> = {
    coordinator: '',
    viewer: '',
    verifier: '',
  };
  for (const role of ['coordinator', 'viewer', 'verifier'] as const) {
    const email = `${role}@makassar.go.id`;
    const password = `kata-sandi-${role}-panjang`;
    await ctx.services.accounts.create({ email, name: `Akun ${role}`, role, password });
    const r = await ctx.call('POST', '/api/auth/login', { json: { email, password } });
    expect(r.status, r.text).toBe(200);
    out[role] = r.body.token;
  }
  return out;
}

describeEachDialect(
  'organisation set-up',
  (ctx) => {
    let tokens: Awaited<ReturnType<typeof accounts>> | null = null;
    const token = async (role: 'coordinator' | 'viewer' | 'verifier') => {
      tokens ??= await accounts(ctx());
      return tokens[role];
    };

    it('is not set on a new database: every role reads WIB, and no logo', async () => {
      for (const role of ['coordinator', 'viewer', 'verifier'] as const)
        expect(await read(ctx(), await token(role))).toEqual({
          configured: false,
          name: null,
          kind: null,
          zone: 'WIB',
          logo: null,
          updatedAt: null,
        });
    });

    it('refuses a logo before the organisation is set, and bad fields with the field named, changing nothing', async () => {
      const t = await token('coordinator');
      const early = await ctx().call('PUT', '/api/organisation/logo', {
        token: t,
        body: emblemPng(),
        contentType: 'image/png',
      });
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('organisation_not_set');
      const cases: [Record<string, unknown>, string][] = [
        [{ ...MAKASSAR, zone: 'WITB' }, 'zone'],
        [{ ...MAKASSAR, zone: 'Asia/Makassar' }, 'zone'],
        [{ ...MAKASSAR, name: '   ' }, 'name'],
        [{ ...MAKASSAR, name: 'Pemerintah\nKota Makassar' }, 'name'],
        [{ ...MAKASSAR, name: 'x'.repeat(201) }, 'name'],
        [{ ...MAKASSAR, kind: 'desa' }, 'kind'],
        [{ name: MAKASSAR.name, kind: 'kota' }, 'zone'],
      ];
      for (const [json, path] of cases) {
        const r = await ctx().call('PUT', '/api/organisation', { token: t, json, lang: 'en' });
        expect(r.status, JSON.stringify(json)).toBe(422);
        expect(r.body.code).toBe('validation_failed');
        expect(r.body.message).toMatch(/not valid/);
        expect(r.body.details.issues.map((i: { path: string }) => i.path)).toContain(path);
      }
      expect((await read(ctx(), t)).configured).toBe(false);
    });

    it('lets neither a viewer nor a verifier set it', async () => {
      for (const role of ['viewer', 'verifier'] as const) {
        const r = await ctx().call('PUT', '/api/organisation', {
          token: await token(role),
          json: MAKASSAR,
        });
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('forbidden');
        const logo = await ctx().call('PUT', '/api/organisation/logo', {
          token: await token(role),
          body: emblemPng(),
          contentType: 'image/png',
        });
        expect(logo.status).toBe(403);
      }
      expect((await read(ctx(), await token('coordinator'))).configured).toBe(false);
    });

    it('is set by a coordinator, who is recorded with the time, and then read by every role', async () => {
      const t = await token('coordinator');
      const r = await ctx().call('PUT', '/api/organisation', {
        token: t,
        json: { ...MAKASSAR, name: '  Pemerintah Kota Makassar ', zone: 'WITA' },
      });
      expect(r.status, r.text).toBe(200);
      const want = { configured: true, ...MAKASSAR, logo: null, updatedAt: ctx().clock.now };
      expect(r.body).toEqual(want);
      for (const role of ['viewer', 'verifier'] as const)
        expect(await read(ctx(), await token(role))).toEqual(want);
      const me = await ctx().call('GET', '/api/me', { token: t });
      const row = await ctx()
        .db.selectFrom('organisation')
        .select(['updatedBy'])
        .executeTakeFirstOrThrow();
      expect(row.updatedBy).toBe(me.body.account.id);
    });

    it('refuses a logo that is not a PNG or JPEG by its bytes, or too large, keeping the one stored', async () => {
      const t = await token('coordinator');
      const png = emblemPng();
      const ok = await ctx().call('PUT', '/api/organisation/logo', {
        token: t,
        body: png,
        contentType: 'image/png',
      });
      expect(ok.status, ok.text).toBe(200);
      const stored = ok.body.logo;
      expect(stored).toMatchObject({ mime: 'image/png', bytes: png.length });

      const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
      const html = '<!doctype html><html><body><script>alert(1)</script></body></html>';
      const tooLarge = new Uint8Array(LOGO_MAX_BYTES + 1);
      tooLarge.set(png.subarray(0, 16));
      const bad: [string | Uint8Array, string, number, string][] = [
        [svg, 'image/svg+xml', 422, 'logo_invalid'],
        [html, 'image/png', 422, 'logo_invalid'],
        ['', 'image/png', 422, 'logo_invalid'],
        [tooLarge, 'image/png', 413, 'logo_too_large'],
      ];
      for (const [body, contentType, status, code] of bad) {
        const r = await ctx().call('PUT', '/api/organisation/logo', {
          token: t,
          body,
          contentType,
        });
        expect(r.status, code).toBe(status);
        expect(r.body.code).toBe(code);
        expect(r.body.message).toMatch(/Logo tidak disimpan/);
      }
      expect((await read(ctx(), t)).logo).toEqual(stored);

      // Served as the image it is, to every role, never sniffed as something else.
      const got = await ctx().app.request('/api/organisation/logo', {
        headers: { authorization: `Bearer ${await token('verifier')}` },
      });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);

      // A JPEG is told by its bytes too, whatever the request claimed.
      const jpeg = await ctx().call('PUT', '/api/organisation/logo', {
        token: t,
        body: JPEG_HEAD,
        contentType: 'application/octet-stream',
      });
      expect(jpeg.body.logo.mime).toBe('image/jpeg');
      const asJpeg = await ctx().app.request('/api/organisation/logo', {
        headers: { authorization: `Bearer ${t}` },
      });
      expect(asJpeg.headers.get('content-type')).toBe('image/jpeg');
    });

    it('removes the logo (coordinator only); then there is none to fetch', async () => {
      const viewer = await ctx().call('DELETE', '/api/organisation/logo', {
        token: await token('viewer'),
      });
      expect(viewer.status).toBe(403);
      const t = await token('coordinator');
      const r = await ctx().call('DELETE', '/api/organisation/logo', { token: t });
      expect(r.status).toBe(200);
      expect(r.body.logo).toBeNull();
      expect(r.body.name).toBe(MAKASSAR.name);
      const none = await ctx().call('GET', '/api/organisation/logo', { token: t });
      expect(none.status).toBe(404);
    });

    it('answers in English when asked', async () => {
      const r = await ctx().call('PUT', '/api/organisation/logo', {
        token: await token('coordinator'),
        body: 'GIF89a……………',
        contentType: 'image/gif',
        lang: 'en',
      });
      expect(r.body.message).toBe('The logo must be a PNG or JPEG image. The logo was not saved.');
    });
  },
  { seed: false },
);

/** The levels CSV of the demo's SPBE period: response, header and a cell reader. */
async function levelsCsv(ctx: ServerContext, token: string) {
  const res = await ctx.app.request(`/api/reports/periods/${ctx.demo?.periodId}/levels.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  // The header as written (the import reader lower-cases it), then the rows.
  const header = text.slice(text.charCodeAt(0) === 0xfeff ? 1 : 0, text.indexOf('\r\n')).split(';');
  const { rows } = parseCsv(text);
  const cell = (code: string, no: number, label: string) => {
    const r = rows.find(
      (x) => x.cells[0] === code && x.cells[header.indexOf('No. indikator')] === String(no),
    );
    return r?.cells[header.indexOf(label)];
  };
  return { res, header, cell };
}

describeEachDialect('times printed in the organisation’s zone', (ctx) => {
  /** Diskominfo's berita acara signed at T0: 08.00 WIB = 09.00 WITA = 10.00 WIT. */
  let signed: Promise<void> | null = null;
  const sign = () => {
    signed ??= (async () => {
      const t1 = await rawTablet(ctx(), 'verifier1', 'Tablet zona');
      const a = await assessmentOf(ctx(), opdCode(7));
      const r = await t1.push([
        signingMutation(
          a,
          [{ no: 1, verifiedLevel: 3, notApplicable: false, naReason: '', notes: '' }],
          T0,
          true,
        ),
      ]);
      expect(r.status, r.text).toBe(200);
    })();
    return signed;
  };

  it('is WIB for the demo, which is Kota Cilegon', async () => {
    await sign();
    const t = await ctx().login('viewer');
    expect(await read(ctx(), t)).toMatchObject({ configured: true, ...DEMO_ORGANISATION });
    const { res, header, cell } = await levelsCsv(ctx(), t);
    expect(header).toContain('Waktu tanda tangan (WIB)');
    expect(cell(opdCode(7), 1, 'Waktu tanda tangan (WIB)')).toBe('2023-10-02 08:00');
    expect(res.headers.get('content-disposition')).toContain('-level-20231002-0800.csv');
  });

  it('writes a WITA organisation’s export in WITA: headers, cells, file name and the Info sheet', async () => {
    await sign();
    const coordinator = await ctx().login('coordinator');
    const set = await ctx().call('PUT', '/api/organisation', {
      token: coordinator,
      json: MAKASSAR,
    });
    expect(set.status).toBe(200);
    const { res, header, cell } = await levelsCsv(ctx(), coordinator);
    expect(header).toContain('Waktu tanda tangan (WITA)');
    expect(header).toContain('Waktu keputusan (WITA)');
    expect(header.some((h) => h.includes('(WIB)'))).toBe(false);
    expect(cell(opdCode(7), 1, 'Waktu tanda tangan (WITA)')).toBe('2023-10-02 09:00');
    expect(res.headers.get('content-disposition')).toContain('-level-20231002-0900.csv');

    const x = await ctx().app.request(`/api/reports/periods/${ctx().demo?.periodId}/levels.xlsx`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    expect(x.headers.get('content-disposition')).toContain('-level-20231002-0900.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    const info = new Map<string, unknown[]>();
    wb.getWorksheet('Info')?.eachRow((r) => {
      const [label, ...rest] = (r.values as unknown[]).slice(1);
      info.set(String(label), rest);
    });
    expect(info.get('Organisasi')?.[0]).toBe(MAKASSAR.name);
    const made = info.get('Dibuat (WITA)') ?? [];
    expect((made[0] as Date).getTime()).toBe(Date.UTC(2023, 9, 2, 9, 0));
    expect(made[1]).toBe('2 Oktober 2023 pukul 09.00 WITA');
    let signedCell: unknown = null;
    const level = wb.getWorksheet('Level') as ExcelJS.Worksheet;
    const labels = (level.getRow(1).values as unknown[]).slice(1);
    level.eachRow((r) => {
      if (
        r.getCell(1).value === opdCode(7) &&
        r.getCell(labels.indexOf('No. indikator') + 1).value === 1
      )
        signedCell = r.getCell(labels.indexOf('Waktu tanda tangan (WITA)') + 1).value;
    });
    expect((signedCell as Date).getTime()).toBe(Date.UTC(2023, 9, 2, 9, 0));
  });

  it('and a WIT organisation’s in WIT', async () => {
    await sign();
    const coordinator = await ctx().login('coordinator');
    await ctx().call('PUT', '/api/organisation', {
      token: coordinator,
      json: { name: 'Pemerintah Kota Jayapura', kind: 'kota', zone: 'WIT' },
    });
    const { cell } = await levelsCsv(ctx(), coordinator);
    expect(cell(opdCode(7), 1, 'Waktu tanda tangan (WIT)')).toBe('2023-10-02 10:00');
  });

  it('comes with the tablet’s offline package, name and zone, for printing offline', async () => {
    const coordinator = await ctx().login('coordinator');
    await ctx().call('PUT', '/api/organisation', { token: coordinator, json: MAKASSAR });
    const { token } = await ctx().enrol(await ctx().accountId('verifier1'), 'Tablet paket');
    const pkg = await ctx().call('GET', '/api/my/assignments', { token });
    expect(pkg.status).toBe(200);
    expect(pkg.body.organisation).toMatchObject({ configured: true, ...MAKASSAR });
  });
});
