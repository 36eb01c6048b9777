import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  computeIndex,
  formatIndex,
  indexLevelName,
  listIndicators,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  pemdi2026,
} from '../../src/core';
import { DEMO_PEMDI_PERIOD_NAME, PEMDI_CITY_VALUES } from '../../src/server/seed';
import { CoordinatorApp } from './page-models/coordinator-app';
import { OfficialResultPage } from './page-models/coordinator-official';
import { api, coordinatorToken } from './support/api';
import { e2eEnabled } from './support/browser';
import { appStage } from './support/stage';

/**
 * What a coordinator notices on "Hasil resmi": the template to fill in, a file with wrong
 * rows refused row by row (nothing stored), the published XLSX taken as it is, the official
 * index next to the local one, rows where the local verification was more generous
 * highlighted, and — on a later period of the same instrument — indicators that fell. A
 * viewer reads the same page without the import form.
 */

const PASSWORD = 'telusur-demo';
const PEMDI = listIndicators(pemdi2026);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Official values in indicator order: indicator 1 at 2 where the city says 2,5. */
const OFFICIAL = [
  2, 2.25, 1.5, 1.5, 2.25, 1, 1.5, 1.17, 1.25, 1.75, 1, 1, 2.5, 1.5, 1.75, 1.3, 2, 1, 1.5, 2,
];

function csv(values: readonly (number | string)[], nos = PEMDI.map((i) => i.no)): Buffer {
  const rows = nos.map((no, i) => `${no};;${String(values[i]).replace('.', ',')}`);
  return Buffer.from(`\uFEFFno_indikator;nama_indikator;nilai\r\n${rows.join('\r\n')}\r\n`);
}

describe.skipIf(!e2eEnabled)('coordinator: the official result of a period', () => {
  const stage = appStage();
  const open = async (email: string) => {
    const context = await stage.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'id-ID',
    });
    const page = await context.newPage();
    const app = new CoordinatorApp(page, stage.url);
    await app.login(email, PASSWORD);
    await app.nav('hasil-resmi');
    const official = new OfficialResultPage(page);
    await official.choosePeriod(DEMO_PEMDI_PERIOD_NAME);
    return { page, app, official };
  };

  it('imports the published file, refusing bad rows first, and shows where the local verification was more generous', {
    timeout: 120_000,
  }, async () => {
    const { app, official } = await open('koordinator@cilegon.demo');
    expect(await official.text('official-none')).toBe('Belum ada hasil resmi untuk periode ini.');

    const template = await official.downloadTemplate();
    expect(template.name).toBe('templat-hasil-resmi-pemdi-2026.csv');
    const lines = template.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('no_indikator;nama_indikator;nilai');
    expect(lines).toHaveLength(21);

    // Three decimals on row 3, an indicator the instrument lacks on row 5 (so 4 is missing).
    const bad = [...OFFICIAL] as (number | string)[];
    bad[1] = '1,175';
    const nos = PEMDI.map((i) => i.no);
    nos[3] = 21;
    const refused = await official.upload({
      name: 'hasil.csv',
      mimeType: 'text/csv',
      buffer: csv(bad, nos),
    });
    expect(refused.ok).toBe(false);
    expect(refused.message).toContain('3 baris bermasalah');
    expect(refused.rows.map((r) => r.split(':')[0])).toEqual(['1', '3', '5']);
    expect(refused.rows[0]).toContain('indikator 4');
    expect(refused.rows[1]).toContain('dua desimal');
    expect(refused.rows[2]).toContain('"21"');
    expect(await official.text('official-none')).toContain('Belum ada hasil resmi');

    // The published workbook: number cells, the first sheet.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('LHE');
    ws.addRow(['No', 'Indikator', 'Nilai']);
    for (const [i, ind] of PEMDI.entries()) ws.addRow([ind.no, ind.spec.name, OFFICIAL[i]]);
    const done = await official.upload({
      name: 'LHE Pemdi 2026.xlsx',
      mimeType: XLSX,
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    expect(done).toMatchObject({ ok: true, message: 'Hasil resmi diimpor: 20 indikator.' });

    const exact = computeIndex(
      pemdi2026,
      Object.fromEntries(PEMDI.map((ind, i) => [ind.no, OFFICIAL[i] as number])),
    ).index;
    const shown = `${formatIndex(exact)} · ${indexLevelName(pemdi2026, exact)}`;
    expect(await official.text('official-index')).toBe(shown);
    expect(await official.text('official-local-index')).toBe('1,85 · Merintis');
    expect(await official.text('official-summary')).toContain(`Indeks resmi ${shown}`);
    expect(await official.text('official-imported')).toContain('LHE Pemdi 2026.xlsx');
    expect(await official.text('official-value-8')).toBe('1,17');
    expect(await official.text('official-diff-1')).toBe('+0,50');
    expect(await official.rowMarks(1)).toEqual({ higher: true, fell: false });
    expect(await official.text('official-higher-1')).toBe('lebih tinggi dari hasil resmi');
    // City 1 vs official 1 on indicator 6: equal, not highlighted.
    expect(await official.text('official-diff-6')).toBe('0,00');
    expect(await official.rowMarks(6)).toEqual({ higher: false, fell: false });
    const generous = PEMDI_CITY_VALUES.filter((v, i) => v > (OFFICIAL[i] as number)).length;
    expect(await official.page.locator('tr.o-higher').count()).toBe(generous);
    // The previous period is on SPBE 2020: named, not compared per indicator.
    expect(await official.text('official-previous-note')).toContain('memakai instrumen lain');
    expect(await app.accessibilityViolations()).toEqual([]);

    await app.switchLanguage('English');
    expect(await official.page.locator('main h1').textContent()).toBe('Official result');
    expect(await official.text('official-higher-1')).toBe('higher than the official result');
  });

  it('flags what fell since the previous Pemdi period, and lets a viewer read without importing', {
    timeout: 120_000,
  }, async () => {
    const token = await coordinatorToken(stage.url);
    const later = await api<{ id: string }>(stage.url, '/api/periods', {
      method: 'POST',
      token,
      body: { name: 'Evaluasi Pemdi 2028', year: 2028, frameworkId: pemdi2026.id, targetIndex: 3 },
    });
    // 2028: indicator 2 fell from 2,25 to 1,5; the rest as in 2026.
    const values2028 = OFFICIAL.map((v, i) => (i === 1 ? 1.5 : v));
    const r = await fetch(`${stage.url}/api/periods/${later.id}/official`, {
      method: 'PUT',
      headers: {
        'content-type': 'text/csv',
        authorization: `Bearer ${token}`,
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
      },
      body: new Uint8Array(csv(values2028)),
    });
    expect(r.status).toBe(200);
    const { official } = await open('pimpinan@cilegon.demo');
    expect(await official.importForm().count()).toBe(0);
    await official.choosePeriod('Evaluasi Pemdi 2028');
    expect(await official.importForm().count()).toBe(0);
    // 2026 has its official result from the first test: 2028 is compared with it.
    expect(await official.text('official-previous-note')).toContain('hasil resminya');
    expect(await official.rowMarks(2)).toMatchObject({ fell: true });
    expect(await official.text('official-fell-2')).toBe('turun sejak periode sebelumnya');
    expect(await official.page.locator('tr.o-fell').count()).toBe(1);
  });
});
