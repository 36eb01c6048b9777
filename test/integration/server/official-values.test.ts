import { expect, it } from 'vitest';
import {
  computeIndex,
  encodeHlc,
  indexLevelName,
  listIndicators,
  pemdi2026,
  verificationId,
} from '../../../src/core';
import { parseCsv } from '../../../src/server/lib/csv';
import { opdCode, PEMDA_CODE, PEMDI_CITY_VALUES } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';
import { assessmentOf, levels, type RawTablet, rawTablet } from '../reports/helpers';

/**
 * Indicator values as PermenPANRB 8/2026 gives them (two decimals) next to SPBE 2020's whole
 * levels, at every edge of the server: a value is one its indicator's instrument takes, or it
 * is refused with the instrument's words (never dropped, never a server error), and the
 * official index of a decimal instrument is the published formula.
 */

const PEMDI = listIndicators(pemdi2026);
const WEIGHT = new Map(PEMDI.map((i) => [i.no, i.spec.weight]));

/** A verifier's values on Setda's Pemdi assessment: 18 (an outside index) left empty. */
const SETDA: Record<number, number> = {
  1: 1.17,
  2: 1.25,
  3: 2.5,
  4: 2,
  5: 3.75,
  6: 1,
  7: 2.97,
  8: 1.5,
  9: 1.24,
  10: 2,
  11: 1,
  12: 1.25,
  13: 3,
  14: 2.5,
  15: 1.5,
  16: 2,
  17: 2.25,
  19: 2.5,
  20: 3,
};

describeEachDialect('indicator values and the official index', (ctx) => {
  let tablet: RawTablet | null = null;
  const t = async () => {
    tablet ??= await rawTablet(ctx(), 'verifier1', 'Tablet Pemdi');
    return tablet;
  };
  const pemdiPeriod = () => ctx().demo?.pemdiPeriodId as string;
  const coordinator = () => ctx().login('coordinator');

  it('scores a Pemdi assessment with fractional values as the formula: IA = Σ(wI·NI)/wA, Index = Σ(wA·IA)/100', async () => {
    const h = ctx();
    const setda = await assessmentOf(h, opdCode(0), pemdiPeriod());
    await (await t()).push([
      ...levels(setda, SETDA),
      // Indicator 5 is valued from Indeks SDI: the verifier enters the outside index.
      { entity: 'verification', id: verificationId(setda, 5), changes: { sourceValue: 68.75 } },
    ]);
    const token = await coordinator();
    const detail = await h.call('GET', `/api/reports/assessments/${setda}`, { token });
    expect(detail.status, detail.text).toBe(200);
    // The published formula, aspect by aspect; the missing outside index (18) counts as 1.
    const values: Record<number, number> = { ...SETDA, 18: 1 };
    let total = 0;
    for (const aspect of pemdi2026.groups) {
      const nos = (aspect.indicators ?? []).map((i) => i.no);
      const ia =
        nos.reduce((s, no) => s + (WEIGHT.get(no) ?? 0) * (values[no] ?? 0), 0) / aspect.weight;
      total += aspect.weight * ia;
    }
    const formula = total / 100;
    const verified = detail.body.indices.verified;
    expect(verified.index).toBeCloseTo(formula, 12);
    expect(verified).toMatchObject({ rule: 'official', missingSourceAsLevel1: 1 });
    expect(verified.predicate).toBe(computeIndex(pemdi2026, values).predicate);
    expect(indexLevelName(pemdi2026, verified.index)).toBe('Membangun');
    const five = detail.body.indicators.find((i: { no: number }) => i.no === 5);
    expect(five).toMatchObject({ verifiedLevel: 3.75, sourceValue: 68.75 });
    expect(detail.body.indicators.find((i: { no: number }) => i.no === 1).verifiedLevel).toBe(1.17);

    // The dashboard's heatmap shows the same values and the same index.
    const dash = await h.call('GET', `/api/dashboard/${pemdiPeriod()}?kind=opd`, { token });
    const row = dash.body.heatmap.rows.find((r: { code: string }) => r.code === opdCode(0));
    expect(row.verified.slice(0, 3)).toEqual([1.17, 1.25, 2.5]);
    expect(row.index).toBe(verified.index);
  });

  it('refuses 1,5 on an SPBE 2020 indicator and 1,175 anywhere, each alone: the later changes are applied', async () => {
    const h = ctx();
    const spbe = await assessmentOf(h, opdCode(3));
    const setda = await assessmentOf(h, opdCode(0), pemdiPeriod());
    const r = await (await t()).push([
      ...levels(spbe, { 1: 1.5 }),
      ...levels(spbe, { 2: 2 }),
      ...levels(setda, { 13: 1.175 }),
      ...levels(setda, { 14: 1.05 }),
      ...levels(spbe, { 3: 9 }),
    ]);
    const results = r.body.results as {
      seq: number;
      outcome: string;
      rejection: { code: string; message: string; messageEn: string; field: string } | null;
    }[];
    expect(results.map((x) => [x.outcome, x.rejection?.code ?? null])).toEqual([
      ['rejected', 'value_out_of_domain'],
      ['applied', null],
      ['rejected', 'value_out_of_domain'],
      ['applied', null],
      ['rejected', 'value_out_of_domain'],
    ]);
    expect(r.body.appliedThrough).toBe(results.at(-1)?.seq);
    const [spbeRefusal, , pemdiRefusal] = results.map((x) => x.rejection);
    expect(spbeRefusal?.field).toBe('verifiedLevel');
    expect(spbeRefusal?.message).toContain('Indikator 1: nilai harus level bulat 1–5, bukan 1,5');
    expect(spbeRefusal?.messageEn).toContain('Indicator 1: the value must be a whole level 1–5');
    expect(pemdiRefusal?.message).toContain(
      'Indikator 13: nilai harus 1,00–5,00 dengan paling banyak dua desimal, bukan 1,175',
    );
    // Nothing of a refused change is kept; the rest is.
    const token = await coordinator();
    const value = async (a: string, no: number) =>
      (await h.call('GET', `/api/reports/assessments/${a}`, { token })).body.indicators.find(
        (i: { no: number }) => i.no === no,
      ).verifiedLevel;
    expect(await value(spbe, 1)).toBeNull();
    expect(await value(spbe, 2)).toBe(2);
    expect(await value(spbe, 3)).toBeNull();
    expect(await value(setda, 13)).toBe(3);
    expect(await value(setda, 14)).toBe(1.05);
    // The coordinator's audit of refused changes lists them with their reason.
    const refused = await h.call('GET', `/api/sync/rejections?assessmentId=${spbe}`, { token });
    expect(
      refused.body.rejections.filter((x: { code: string }) => x.code === 'value_out_of_domain'),
    ).toHaveLength(2);
  });

  it('checks penilaian mandiri values against the instrument (JSON and CSV, decimal comma or point)', async () => {
    const h = ctx();
    const token = await coordinator();
    const spbePeriod = h.demo?.periodId as string;
    const pemda = await h.unitId(PEMDA_CODE);
    const put = (period: string, unit: string, lv: { indicatorNo: number; level: number }[]) =>
      h.call('PUT', `/api/periods/${period}/units/${unit}/self-assessment`, {
        token,
        json: { levels: lv.map((l) => ({ ...l, justification: '' })) },
      });
    const refused = await put(spbePeriod, pemda, [
      { indicatorNo: 1, level: 2 },
      { indicatorNo: 2, level: 2.5 },
    ]);
    expect(refused.status).toBe(422);
    expect(refused.body.details.issues).toEqual([
      expect.objectContaining({
        path: 'levels.1.level',
        code: 'value_out_of_domain',
        message: expect.stringContaining('Indikator 2'),
      }),
    ]);
    const city = await h.call('GET', `/api/periods/${spbePeriod}/units/${pemda}/self-assessment`, {
      token,
    });
    expect(city.body.index).toBe(2.1);
    // Three decimals is no value of any instrument.
    expect((await put(pemdiPeriod(), pemda, [{ indicatorNo: 1, level: 1.175 }])).status).toBe(422);

    const inspektorat = await h.unitId(opdCode(2));
    const ok = await put(pemdiPeriod(), inspektorat, [
      { indicatorNo: 1, level: 2.5 },
      { indicatorNo: 2, level: 1.17 },
    ]);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.levels.map((l: { level: number }) => l.level)).toEqual([2.5, 1.17]);

    const url = (p: string) => `/api/periods/${p}/self-assessments/import`;
    const csv = [
      'kode_unit;no_indikator;level_mandiri',
      `${opdCode(2)};3;2,75`,
      `${opdCode(2)};4;1.25`,
    ].join('\r\n');
    const imported = await h.call('POST', url(pemdiPeriod()), {
      token,
      body: csv,
      contentType: 'text/csv',
    });
    expect(imported.status, imported.text).toBe(200);
    const after = await h.call(
      'GET',
      `/api/periods/${pemdiPeriod()}/units/${inspektorat}/self-assessment`,
      { token },
    );
    expect(after.body.levels.map((l: { level: number }) => l.level)).toEqual([
      2.5, 1.17, 2.75, 1.25,
    ]);
    const bad = await h.call('POST', url(spbePeriod), {
      token,
      body: ['kode_unit;no_indikator;level_mandiri', `${opdCode(2)};3;2,5`].join('\r\n'),
      contentType: 'text/csv',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('csv_invalid');
    expect(bad.body.details.rows[0].problems[0]).toMatchObject({
      column: 'level_mandiri',
      code: 'value_out_of_domain',
    });
  });

  it('refuses a conflict resolution with a value the instrument does not take', async () => {
    const h = ctx();
    const spbe = await assessmentOf(h, opdCode(3));
    // Another tablet of the same verifier changes indicator 2 from a version it never saw.
    const { token, deviceId } = await h.enrol(await h.accountId('verifier1'), 'Tablet kedua');
    const at = h.clock.now;
    const pushed = await h.call('POST', '/api/sync/push', {
      token,
      json: {
        deviceId,
        mutations: [
          {
            deviceId,
            seq: 1,
            entity: 'verification',
            id: verificationId(spbe, 2),
            changes: { verifiedLevel: 4 },
            baseVersions: { verifiedLevel: 0 },
            hlc: encodeHlc({ ms: at, counter: 0, node: deviceId }),
            at,
          },
        ],
      },
    });
    expect(pushed.body.results[0].outcome).toBe('conflict');
    const c = await coordinator();
    const list = await h.call('GET', `/api/conflicts?periodId=${h.demo?.periodId}`, { token: c });
    const conflict = list.body.conflicts.find(
      (x: { recordId: string }) => x.recordId === verificationId(spbe, 2),
    );
    const resolve = (value: unknown) =>
      h.call('POST', `/api/conflicts/${conflict.id}/resolve`, { token: c, json: { value } });
    const refused = await resolve(2.5);
    expect(refused.status).toBe(422);
    expect(refused.body.details.issues[0]).toMatchObject({
      path: 'value',
      code: 'value_out_of_domain',
    });
    expect((await resolve(4)).status).toBe(200);
  });

  it('keeps a period on its instrument while its penilaian mandiri does not fit another', async () => {
    const h = ctx();
    const token = await coordinator();
    const created = await h.call('POST', '/api/periods', {
      token,
      json: { name: 'Uji Pemdi', year: 2027, frameworkId: 'pemdi-2026', targetIndex: 2.5 },
    });
    const id = created.body.id as string;
    const unit = await h.unitId(opdCode(5));
    const put = (level: number) =>
      h.call('PUT', `/api/periods/${id}/units/${unit}/self-assessment`, {
        token,
        json: { levels: [{ indicatorNo: 1, level }] },
      });
    expect((await put(2.5)).status).toBe(200);
    const refused = await h.call('PATCH', `/api/periods/${id}`, {
      token,
      json: { frameworkId: 'spbe-2020' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details.issues[0]).toMatchObject({
      path: 'frameworkId',
      code: 'value_out_of_domain',
    });
    expect((await h.call('GET', `/api/periods/${id}`, { token })).body.frameworkId).toBe(
      'pemdi-2026',
    );
    expect((await put(2)).status).toBe(200);
    const moved = await h.call('PATCH', `/api/periods/${id}`, {
      token,
      json: { frameworkId: 'spbe-2020' },
    });
    expect(moved.status, moved.text).toBe(200);
  });

  it('answers a stored value outside its domain with a problem naming it, never a server error', async () => {
    const h = ctx();
    const token = await coordinator();
    const period = h.demo?.periodId as string;
    const pemda = await h.unitId(PEMDA_CODE);
    // Only a database edited by hand can hold one: every edge refuses it.
    const set = (level: number) =>
      h.db
        .updateTable('selfAssessments')
        .set({ level })
        .where('periodId', '=', period)
        .where('unitId', '=', pemda)
        .where('indicatorNo', '=', 1)
        .execute();
    await set(2.5);
    try {
      for (const path of [
        `/api/dashboard/${period}`,
        `/api/dashboard/${period}/plan`,
        `/api/reports/periods/${period}/summary`,
      ]) {
        const r = await h.call('GET', path, { token });
        expect(r.status, path).toBe(409);
        expect(r.body.code).toBe('stored_value_out_of_domain');
        expect(r.body.message).toContain('indikator 1 (2.5)');
      }
    } finally {
      await set(2);
    }
    expect((await h.call('GET', `/api/dashboard/${period}`, { token })).status).toBe(200);
  });

  it('exports a decimal instrument with two decimals, level names and the outside index', async () => {
    const h = ctx();
    const token = await coordinator();
    const res = await h.app.request(`/api/reports/periods/${pemdiPeriod()}/levels.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const { header, rows } = parseCsv(await res.text());
    const col = (name: string) => header.indexOf(name.toLowerCase());
    expect(col('Level indeks mandiri unit')).toBeGreaterThan(-1);
    expect(col('Nilai indeks luar')).toBeGreaterThan(-1);
    const row = (code: string, no: number) =>
      rows.find(
        (r) => r.cells[col('Kode unit')] === code && r.cells[col('No. indikator')] === String(no),
      )?.cells as string[];
    const city = row(PEMDA_CODE, 1);
    // 1,845 exactly: rounded half up as published, Merintis.
    expect(city[col('Indeks mandiri unit')]).toBe('1,85');
    expect(city[col('Level indeks mandiri unit')]).toBe('Merintis');
    expect(city[col('Level mandiri')]).toBe('2,50');
    expect(row(PEMDA_CODE, 4)[col('Level mandiri')]).toBe('1,50');
    expect(PEMDI_CITY_VALUES[3]).toBe(1.5);
    const five = row(opdCode(0), 5);
    expect([five[col('Level verifikasi')], five[col('Nilai indeks luar')]]).toEqual([
      '3,75',
      '68,75',
    ]);
    expect(row(opdCode(0), 6)[col('Level verifikasi')]).toBe('1,00');
    expect(row(opdCode(0), 18)[col('Level verifikasi')]).toBe('');
  });
});
