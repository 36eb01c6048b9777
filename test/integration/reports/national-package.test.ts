import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';
import { expect, it } from 'vitest';
import { listIndicators, spbe2020 } from '../../../src/core';
import type { BlobStore } from '../../../src/server/lib/blob-store';
import { opdCode, PEMDA_CODE } from '../../../src/server/seed';
import {
  PACKAGE_NAME_RE,
  packageSlug,
} from '../../../src/server/services/exports/national-package';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import { assessmentOf, levels, type RawMutation, rawTablet, storeFile } from './helpers';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const item = (no: number, level: number, index: number) =>
  listIndicators(spbe2020).find((i) => i.no === no)?.spec.levels?.[level - 1]?.evidence[
    index
  ] as string;

/** Bytes unique to this run (every suite shares one evidence directory). */
function content(label: string): Uint8Array {
  return new Uint8Array([...new TextEncoder().encode(`${label} `), ...randomBytes(64)]);
}

interface Put {
  id: string;
  no: number;
  name: string;
  mime: string;
  proves?: string | null;
  url?: string;
  checkedAt?: number;
  deleted?: boolean;
  /** Leave the bytes off the server (the record names a file it never received). */
  unsent?: boolean;
}

/** Evidence files stored on the server as hash-checked uploads, and their records. */
async function files(
  ctx: ServerContext,
  assessmentId: string,
  list: Put[],
): Promise<{ mutations: RawMutation[]; bytes: Map<string, Uint8Array> }> {
  const bytes = new Map<string, Uint8Array>();
  const mutations: RawMutation[] = [];
  for (const f of list) {
    const b = content(`${ctx.dialect} ${f.id}`);
    const sha = sha256(b);
    if (!f.unsent) await storeFile(ctx.services, b, sha, f.mime);
    bytes.set(f.id, b);
    mutations.push({
      entity: 'evidenceFile',
      id: f.id,
      changes: {
        assessmentId,
        indicatorNo: f.no,
        sha256: sha,
        name: f.name,
        mime: f.mime,
        bytes: b.length,
        width: null,
        height: null,
        capturedAt: ctx.clock.now,
        location: null,
        deleted: f.deleted ?? false,
        proves: f.proves ?? null,
        url: f.url ?? null,
        checkedAt: f.checkedAt ?? null,
      },
    });
  }
  return { mutations, bytes };
}

async function get(ctx: ServerContext, token: string, unitId?: string, lang?: string) {
  const q = unitId ? `?unitId=${encodeURIComponent(unitId)}` : '';
  return ctx.app.request(`/api/reports/periods/${ctx.demo?.periodId}/national-package.zip${q}`, {
    headers: { authorization: `Bearer ${token}`, ...(lang ? { 'accept-language': lang } : {}) },
  });
}

/** The index rows as objects keyed by header. */
async function indexRows(zip: Record<string, Uint8Array>): Promise<Record<string, unknown>[]> {
  const wb = new ExcelJS.Workbook();
  const index = zip['indeks.xlsx'] as Uint8Array;
  await wb.xlsx.load(index.slice().buffer);
  const sheet = wb.getWorksheet('Indeks');
  const rows: unknown[][] = [];
  sheet?.eachRow((r) => {
    rows.push((r.values as unknown[]).slice(1));
  });
  const [header, ...body] = rows as [string[], ...unknown[][]];
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? null])));
}

describeEachDialect('national evidence package', (ctx) => {
  let diskominfo = '';
  let unitId = '';
  let pemdaUnitId = '';
  let bytes = new Map<string, Uint8Array>();
  const checkedAt = Date.UTC(2023, 9, 1, 2, 30);

  it('names every verified file by indicator, level and item, with an index that matches the bytes', async () => {
    const c = ctx();
    const t1 = await rawTablet(c, 'verifier1', 'Tablet paket');
    diskominfo = await assessmentOf(c, opdCode(7));
    unitId = await c.unitId(opdCode(7));
    pemdaUnitId = await c.unitId(PEMDA_CODE);
    const city = await assessmentOf(c, PEMDA_CODE);
    const mine = await files(c, diskominfo, [
      { id: 'np-foto', no: 1, name: 'IMG_2041.jpg', mime: 'image/jpeg', proves: '2.0' },
      { id: 'np-pdf', no: 1, name: 'Perwal 12-2022.pdf', mime: 'application/pdf', proves: '2.0' },
      { id: 'np-docx', no: 1, name: 'Notulen rapat.docx', mime: DOCX, proves: '1.1' },
      {
        id: 'np-link',
        no: 3,
        name: 'tangkapan-layar.png',
        mime: 'image/png',
        proves: '2.1',
        url: 'https://satudata.example.go.id/dataset',
        checkedAt,
      },
      { id: 'np-loose', no: 3, name: 'Foto Ruang Server (lantai 2).jpg', mime: 'image/jpeg' },
      { id: 'np-gone', no: 1, name: 'dihapus.jpg', mime: 'image/jpeg', deleted: true },
      { id: 'np-unsent', no: 1, name: 'belum-terkirim.jpg', mime: 'image/jpeg', unsent: true },
    ]);
    const cityFiles = await files(c, city, [
      { id: 'np-city', no: 2, name: 'SK Wali Kota.pdf', mime: 'application/pdf', proves: '3.0' },
    ]);
    bytes = new Map([...mine.bytes, ...cityFiles.bytes]);
    await t1.push([
      ...levels(diskominfo, { 1: 2, 3: 2 }),
      ...levels(city, { 2: 3 }),
      {
        entity: 'verification',
        id: `${diskominfo}:1`,
        changes: {
          'checks.2.0': { state: 'present', note: '' },
          'checks.1.1': { state: 'inadequate', note: 'tanpa daftar hadir' },
        },
      },
      {
        entity: 'verification',
        id: `${diskominfo}:3`,
        changes: { 'checks.2.1': { state: 'missing', note: '' } },
      },
      ...mine.mutations,
      ...cityFiles.mutations,
    ]);

    const res = await get(c, await c.login('coordinator'), unitId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    // The download names the period and the unit.
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(
        `telusur-evaluasi-spbe-2023-paket-bukti-${packageSlug(opdCode(7))}-\\d{8}-\\d{4}\\.zip`,
      ),
    );
    const body = new Uint8Array(await res.arrayBuffer());
    // The entries' time is the organisation's wall clock (WIB), as the download's name says
    // it: DOS time in the first local header (offset 10, little endian).
    const stamp = /-(\d{8})-(\d{2})(\d{2})\.zip/.exec(res.headers.get('content-disposition') ?? '');
    const dos = (body[10] ?? 0) | ((body[11] ?? 0) << 8);
    expect([dos >> 11, (dos >> 5) & 63]).toEqual([Number(stamp?.[2]), Number(stamp?.[3])]);
    const zip = unzipSync(body);
    const names = Object.keys(zip).sort();
    expect(names).toEqual(
      [
        'I01_L1_02_bahan-rapat-penyusunan-undangan-notulen.docx',
        'I01_L2_01_perkada-atau-keputusan-kepala-daerah.jpg',
        'I01_L2_01_perkada-atau-keputusan-kepala-daerah-2.pdf',
        'I03_L0_00_foto-ruang-server-lantai-2.jpg',
        'I03_L2_02_pasal-pasal-yang-ditandai-memperlihatkan.png',
        'indeks.xlsx',
      ].sort(),
    );
    const rows = await indexRows(zip);
    expect(rows).toHaveLength(5);
    for (const name of names.filter((n) => n !== 'indeks.xlsx')) {
      const m = PACKAGE_NAME_RE.exec(name);
      expect(m, name).not.toBeNull();
      const [, no, level, itemNo] = m as RegExpExecArray;
      const row = rows.find((r) => r['Berkas dalam zip'] === name);
      expect(row, name).toBeDefined();
      expect(row?.['No. indikator']).toBe(Number(no));
      expect(row?.Level).toBe(Number(level));
      expect(row?.['No. butir']).toBe(Number(itemNo));
      // The bytes in the zip are the evidence as stored, and the index says so.
      const body = zip[name] as Uint8Array;
      expect(sha256(body)).toBe(row?.['SHA-256']);
      expect(row?.['Ukuran (byte)']).toBe(body.length);
      const original = [...bytes.values()].find((b) => sha256(b) === sha256(body));
      expect(original).toBeDefined();
    }
    const byName = (n: string) => rows.find((r) => r['Nama asli'] === n) as Record<string, unknown>;
    expect(byName('IMG_2041.jpg')).toMatchObject({
      'Kode unit': opdCode(7),
      'Butir bukti': item(1, 2, 0),
      'Status butir': 'Diterima',
      Jenis: 'JPG',
      'Nama indikator': listIndicators(spbe2020)[0]?.spec.name,
    });
    expect(byName('Notulen rapat.docx')).toMatchObject({
      'Status butir': 'Perlu revisi',
      Jenis: 'DOCX',
      'Butir bukti': item(1, 1, 1),
    });
    expect(byName('tangkapan-layar.png')).toMatchObject({
      'Status butir': 'Ditolak',
      URL: 'https://satudata.example.go.id/dataset',
    });
    // The checked date is a date cell holding the organisation's wall clock (WIB: +7 h).
    expect(byName('tangkapan-layar.png')['Tanggal diperiksa (WIB)']).toEqual(
      new Date(checkedAt + 7 * 3600_000),
    );
    expect(byName('Foto Ruang Server (lantai 2).jpg')).toMatchObject({
      Level: 0,
      'No. butir': 0,
      'Butir bukti': null,
      'Status butir': null,
    });
  });

  it('gives the Pemda package one folder per unit and one index for all', async () => {
    const c = ctx();
    const res = await get(c, await c.login('viewer'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/paket-bukti-pemda-\d{8}-\d{4}\.zip/);
    const zip = unzipSync(new Uint8Array(await res.arrayBuffer()));
    const folders = new Set(
      Object.keys(zip)
        .filter((n) => n.includes('/'))
        .map((n) => n.slice(0, n.indexOf('/'))),
    );
    // Only the units with evidence on the server have a folder: the city and Diskominfo.
    expect(folders.size).toBe(2);
    for (const code of [PEMDA_CODE, opdCode(7)])
      expect(
        [...folders].some(
          (f) => /^[a-z0-9-]+$/.test(f.slice(code.length + 1)) && f.startsWith(`${code}_`),
        ),
      ).toBe(true);
    const rows = await indexRows(zip);
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      const path = r['Berkas dalam zip'] as string;
      const [folder, name] = path.split('/') as [string, string];
      expect(folder.startsWith(`${r['Kode unit']}_`)).toBe(true);
      expect(PACKAGE_NAME_RE.test(name)).toBe(true);
      expect(sha256(zip[path] as Uint8Array)).toBe(r['SHA-256']);
    }
    expect(rows.find((r) => r['Kode unit'] === PEMDA_CODE)?.['Berkas dalam zip']).toMatch(
      /\/I02_L3_01_perkada-atau-keputusan-kepala-daerah\.pdf$/,
    );
  });

  it('refuses the verifier and a unit without an assessment in the period', async () => {
    const c = ctx();
    const verifier = await get(c, await c.login('verifier1'), unitId);
    expect(verifier.status).toBe(403);
    const unknown = await get(c, await c.login('coordinator'), 'no-such-unit');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { code: string }).code).toBe('not_found');
  });

  it('refuses the whole package, naming unit, indicator and file, when a stored file no longer matches its hash', async () => {
    const c = ctx();
    const pdf = bytes.get('np-pdf') as Uint8Array;
    const path = (c.services.files.evidence as BlobStore).path(sha256(pdf));
    writeFileSync(path, zipSync({ 'ganti.txt': new TextEncoder().encode('bukan bukti') }));
    for (const target of [unitId, undefined]) {
      const res = await get(c, await c.login('coordinator'), target);
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/json/);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe('evidence_hash_mismatch');
      expect(body.message).toContain('Perwal 12-2022.pdf');
      expect(body.message).toContain(opdCode(7));
      expect(body.message).toContain('indikator 1');
    }
    const en = await get(c, await c.login('coordinator'), unitId, 'en');
    expect(((await en.json()) as { message: string }).message).toContain('indicator 1');
    // The other unit's package is still whole.
    const other = await get(c, await c.login('coordinator'), pemdaUnitId);
    expect(other.status).toBe(200);
    expect(Object.keys(unzipSync(new Uint8Array(await other.arrayBuffer())))).toHaveLength(2);
    writeFileSync(path, pdf);
  });
});
