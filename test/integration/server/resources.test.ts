import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { computeIndex, PROTOCOL_VERSION, pemdi2026, spbe2020 } from '../../../src/core';
import { kecamatanCode, kelurahanCode, opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { tinyFramework } from '../../helpers/frameworks';
import { describeEachDialect } from '../../helpers/server-context';

const pemdi = JSON.parse(
  readFileSync(new URL('../../fixtures/frameworks/pemdi-2026.json', import.meta.url), 'utf8'),
);

describeEachDialect('frameworks', (ctx) => {
  it('lists the built-in SPBE 2020 and Pemdi 2026 instruments and returns their full documents', async () => {
    const token = await ctx().login('viewer');
    const list = await ctx().call('GET', '/api/frameworks', { token });
    expect(list.status).toBe(200);
    expect(list.body.frameworks).toEqual([
      expect.objectContaining({ id: 'pemdi-2026', builtIn: true, periodCount: 1 }),
      // SPBE 2023 and the closed SPBE 2022 of the demo.
      expect.objectContaining({ id: 'spbe-2020', builtIn: true, periodCount: 2 }),
    ]);
    const doc = await ctx().call('GET', '/api/frameworks/spbe-2020', { token });
    expect(doc.body).toEqual(JSON.parse(JSON.stringify(spbe2020)));
    const pemdiDoc = await ctx().call('GET', '/api/frameworks/pemdi-2026', { token });
    expect(pemdiDoc.body).toEqual(JSON.parse(JSON.stringify(pemdi2026)));
    expect((await ctx().call('GET', '/api/frameworks/nope', { token })).status).toBe(404);
  });

  it('imports another instrument file without a code change, and refuses the same id twice', async () => {
    const token = await ctx().login('coordinator');
    const r = await ctx().call('POST', '/api/frameworks', { token, json: pemdi });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: pemdi.id, builtIn: false, periodCount: 0 });
    const again = await ctx().call('POST', '/api/frameworks', { token, json: pemdi });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('framework_exists');
    const list = await ctx().call('GET', '/api/frameworks', { token });
    expect(list.body.frameworks.map((f: { id: string }) => f.id)).toEqual([
      'pemdi-2026',
      'spbe-2020',
      pemdi.id,
    ]);
  });

  it('lists every problem of an invalid instrument (422) and stores nothing', async () => {
    const token = await ctx().login('coordinator');
    const bad = tinyFramework();
    bad.id = 'rusak';
    (bad.groups[0] as { weight: number }).weight = 5; // weights no longer add up
    bad.predicates = [{ name: 'Baik', min: 3 }]; // gap below 3
    const r = await ctx().call('POST', '/api/frameworks', { token, json: bad });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('framework_invalid');
    const codes = r.body.details.problems.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['weight_sum', 'band_gap']));
    expect(r.body.details.problems[0]).toHaveProperty('messageEn');
    expect(r.body.message).toMatch(/\d+ masalah/);
    expect((await ctx().call('GET', '/api/frameworks/rusak', { token })).status).toBe(404);
  });

  it('deletes an unused imported instrument but never a built-in or one in use', async () => {
    const token = await ctx().login('coordinator');
    const tiny = { ...tinyFramework(), id: 'hapus-saya' };
    expect((await ctx().call('POST', '/api/frameworks', { token, json: tiny })).status).toBe(201);
    expect((await ctx().call('DELETE', '/api/frameworks/hapus-saya', { token })).status).toBe(204);
    const builtIn = await ctx().call('DELETE', '/api/frameworks/spbe-2020', { token });
    expect(builtIn.status).toBe(409);
    expect(builtIn.body.code).toBe('framework_built_in');
    const used = { ...tinyFramework(), id: 'dipakai' };
    await ctx().call('POST', '/api/frameworks', { token, json: used });
    await ctx().call('POST', '/api/periods', {
      token,
      json: { name: 'Uji', year: 2024, frameworkId: 'dipakai', targetIndex: 2.5 },
    });
    const inUse = await ctx().call('DELETE', '/api/frameworks/dipakai', { token });
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('framework_in_use');
  });
});

describeEachDialect('periods', (ctx) => {
  it('creates, reads, updates and deletes a period', async () => {
    const token = await ctx().login('coordinator');
    const c = await ctx().call('POST', '/api/periods', {
      token,
      json: {
        name: '  Evaluasi SPBE 2024 ',
        year: 2024,
        frameworkId: 'spbe-2020',
        targetIndex: 3.25,
      },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      name: 'Evaluasi SPBE 2024',
      year: 2024,
      targetIndex: 3.25,
      planStepCap: 2,
      photoStamp: false,
      status: 'draft',
      demo: false,
    });
    const id = c.body.id;
    expect((await ctx().call('GET', `/api/periods/${id}`, { token })).body.name).toBe(
      'Evaluasi SPBE 2024',
    );
    const u = await ctx().call('PATCH', `/api/periods/${id}`, {
      token,
      json: { status: 'active', targetIndex: 3.5, planStepCap: 3 },
    });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ status: 'active', targetIndex: 3.5, planStepCap: 3 });
    expect((await ctx().call('GET', `/api/periods/${id}`, { token })).body.planStepCap).toBe(3);
    // The photo stamp is turned on and off again by itself; a value that is no yes/no is refused.
    const on = await ctx().call('PATCH', `/api/periods/${id}`, {
      token,
      json: { photoStamp: true },
    });
    expect(on.body).toMatchObject({ photoStamp: true, planStepCap: 3, targetIndex: 3.5 });
    for (const photoStamp of ['ya', 1, null]) {
      const bad = await ctx().call('PATCH', `/api/periods/${id}`, { token, json: { photoStamp } });
      expect(bad.status, String(photoStamp)).toBe(422);
      expect(bad.body.details.issues[0].path).toBe('photoStamp');
    }
    expect((await ctx().call('GET', `/api/periods/${id}`, { token })).body.photoStamp).toBe(true);
    const off = await ctx().call('PATCH', `/api/periods/${id}`, {
      token,
      json: { photoStamp: false },
    });
    expect(off.body.photoStamp).toBe(false);
    const list = await ctx().call('GET', '/api/periods', { token });
    expect(list.body.periods.map((p: { name: string }) => p.name)).toEqual([
      'Evaluasi Pemdi 2026',
      'Evaluasi SPBE 2024',
      'Evaluasi SPBE 2023',
      'Evaluasi SPBE 2022',
    ]);
    expect((await ctx().call('DELETE', `/api/periods/${id}`, { token })).status).toBe(204);
    expect((await ctx().call('GET', `/api/periods/${id}`, { token })).status).toBe(404);
  });

  it('validates the target index (1..5, two decimals), the step cap (1..4) and the instrument reference', async () => {
    const token = await ctx().login('coordinator');
    const base = { name: 'X', year: 2024, frameworkId: 'spbe-2020' };
    for (const targetIndex of [0.5, 5.01, 3.125, '3']) {
      const r = await ctx().call('POST', '/api/periods', { token, json: { ...base, targetIndex } });
      expect(r.status).toBe(422);
    }
    const before = (await ctx().call('GET', '/api/periods', { token })).body.periods.length;
    for (const planStepCap of [0, 5, 1.5, '2', null]) {
      const r = await ctx().call('POST', '/api/periods', {
        token,
        json: { ...base, targetIndex: 3, planStepCap },
      });
      expect(r.status, String(planStepCap)).toBe(422);
      expect(r.body.details.issues[0].path).toBe('planStepCap');
      const patch = await ctx().call('PATCH', `/api/periods/${ctx().demo?.periodId}`, {
        token,
        json: { planStepCap },
      });
      expect(patch.status).toBe(422);
    }
    expect((await ctx().call('GET', '/api/periods', { token })).body.periods).toHaveLength(before);
    expect(
      (await ctx().call('GET', `/api/periods/${ctx().demo?.periodId}`, { token })).body.planStepCap,
    ).toBe(2);
    const r = await ctx().call('POST', '/api/periods', {
      token,
      json: { ...base, targetIndex: 3, frameworkId: 'tidak-ada' },
    });
    expect(r.status).toBe(422);
    expect(r.body.details.issues[0]).toMatchObject({
      path: 'frameworkId',
      code: 'unknown_reference',
    });
  });

  it('keeps the instrument of a period with assignments, and refuses to delete it', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId;
    const r = await ctx().call('PATCH', `/api/periods/${periodId}`, {
      token,
      json: { frameworkId: 'spbe-2020' },
    });
    expect(r.status).toBe(200);
    await ctx().call('POST', '/api/frameworks', {
      token,
      json: { ...tinyFramework(), id: 'lain' },
    });
    const change = await ctx().call('PATCH', `/api/periods/${periodId}`, {
      token,
      json: { frameworkId: 'lain' },
    });
    expect(change.status).toBe(409);
    expect(change.body.code).toBe('period_in_use');
    expect((await ctx().call('DELETE', `/api/periods/${periodId}`, { token })).status).toBe(409);
  });
});

describeEachDialect('units', (ctx) => {
  it('returns the Cilegon tree in order: pemda, its OPD, then each kecamatan with its kelurahan', async () => {
    const token = await ctx().login('viewer');
    const r = await ctx().call('GET', '/api/units', { token });
    expect(r.status).toBe(200);
    const units = r.body.units as {
      code: string;
      kind: string;
      depth: number;
      parentId: string | null;
      name: string;
    }[];
    expect(units).toHaveLength(72);
    expect(units[0]).toMatchObject({
      code: PEMDA_CODE,
      kind: 'pemda',
      depth: 0,
      parentId: null,
      name: 'Pemerintah Kota Cilegon',
    });
    expect(units[1]).toMatchObject({ kind: 'opd', depth: 1 });
    const cibeber = units.findIndex((u) => u.code === kecamatanCode(0));
    expect(units[cibeber + 1]).toMatchObject({ name: 'Kelurahan Bulakan', depth: 2 });
  });

  it('creates, renames and deletes a unit, checking the hierarchy', async () => {
    const token = await ctx().login('coordinator');
    const kec = await ctx().unitId(kecamatanCode(4));
    const c = await ctx().call('POST', '/api/units', {
      token,
      json: { code: '36.72.05.1099', name: 'Kelurahan Baru', kind: 'kelurahan', parentId: kec },
    });
    expect(c.status).toBe(201);
    const wrong = await ctx().call('POST', '/api/units', {
      token,
      json: {
        code: 'X1',
        name: 'Salah',
        kind: 'kelurahan',
        parentId: await ctx().unitId(PEMDA_CODE),
      },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('unit_parent_invalid');
    const dup = await ctx().call('POST', '/api/units', {
      token,
      json: { code: '36.72.05.1099', name: 'Lagi', kind: 'kelurahan', parentId: kec },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('unit_code_taken');
    const p = await ctx().call('PATCH', `/api/units/${c.body.id}`, {
      token,
      json: { name: 'Kelurahan Baru Sekali' },
    });
    expect(p.body.name).toBe('Kelurahan Baru Sekali');
    expect((await ctx().call('DELETE', `/api/units/${kec}`, { token })).body.code).toBe(
      'unit_in_use',
    );
    expect((await ctx().call('DELETE', `/api/units/${c.body.id}`, { token })).status).toBe(204);
  });

  it('imports a CSV of units (semicolons, quotes, parents defined in the same file)', async () => {
    const token = await ctx().login('coordinator');
    const csv = [
      'code;name;kind;parent_code',
      'OPD.X1;"Badan Riset dan Inovasi Daerah; BRIDA";opd;36.72',
      '36.72.09;Kecamatan Uji;kecamatan;36.72',
      '36.72.09.1001;Kelurahan Uji Satu;kelurahan;36.72.09',
      `${opdCode(0)};Sekretariat Daerah Kota Cilegon;opd;36.72`,
      '',
    ].join('\r\n');
    const r = await ctx().call('POST', '/api/units/import', {
      token,
      body: csv,
      contentType: 'text/csv',
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ created: 3, updated: 1, unchanged: 0 });
    const units = (await ctx().call('GET', '/api/units', { token })).body.units;
    expect(units.find((u: { code: string }) => u.code === 'OPD.X1').name).toBe(
      'Badan Riset dan Inovasi Daerah; BRIDA',
    );
    expect(units.find((u: { code: string }) => u.code === opdCode(0)).name).toBe(
      'Sekretariat Daerah Kota Cilegon',
    );
  });

  it('reports every bad CSV row and saves nothing', async () => {
    const token = await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    const csv = [
      'code,name,kind,parent_code',
      'BAIK.1,Unit Baik,opd,36.72',
      ',Tanpa Kode,opd,36.72',
      'K.2,Kelurahan Salah Induk,kelurahan,36.72',
      'K.3,Induk Hilang,kelurahan,TIDAK.ADA',
      'BAIK.1,Duplikat,opd,36.72',
      "K.5,'; DROP TABLE units; --,desa,36.72",
    ].join('\n');
    const r = await ctx().call('POST', '/api/units/import', {
      token,
      body: csv,
      contentType: 'text/csv',
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('csv_invalid');
    expect(r.body.message).toMatch(/5 baris bermasalah/);
    const byLine = Object.fromEntries(
      r.body.details.rows.map((x: { line: number; problems: { code: string }[] }) => [
        x.line,
        x.problems.map((p) => p.code),
      ]),
    );
    expect(byLine).toEqual({
      3: ['required'],
      4: ['parent_kind'],
      5: ['unknown_parent'],
      6: ['duplicate'],
      7: ['invalid_kind'],
    });
    expect(await ctx().rowCounts()).toEqual(before);
    const header = await ctx().call('POST', '/api/units/import', {
      token,
      body: 'kode,nama\n1,2',
      contentType: 'text/csv',
    });
    expect(header.body.code).toBe('csv_header');
    expect(header.body.message).toContain('code,name,kind,parent_code');
  });
});

describeEachDialect('self-assessment levels', (ctx) => {
  it('returns the city levels with their index: exactly 2.10, Cukup', async () => {
    const token = await ctx().login('viewer');
    const r = await ctx().call(
      'GET',
      `/api/periods/${ctx().demo?.periodId}/units/${await ctx().unitId(PEMDA_CODE)}/self-assessment`,
      { token },
    );
    expect(r.status).toBe(200);
    expect(r.body.levels).toHaveLength(47);
    expect(r.body).toMatchObject({
      index: 2.1,
      predicate: 'Cukup',
      assessedCount: 47,
      indicatorCount: 47,
    });
    const recomputed = computeIndex(
      spbe2020,
      Object.fromEntries(
        r.body.levels.map((l: { indicatorNo: number; level: number }) => [l.indicatorNo, l.level]),
      ),
    );
    expect(recomputed.index).toBe(2.1);
  });

  it("replaces a unit's levels with PUT and validates indicator numbers", async () => {
    const token = await ctx().login('coordinator');
    const unit = await ctx().unitId(kelurahanCode(3, 0));
    const url = `/api/periods/${ctx().demo?.periodId}/units/${unit}/self-assessment`;
    const r = await ctx().call('PUT', url, {
      token,
      json: {
        levels: [
          { indicatorNo: 1, level: 3, justification: 'SK Wali Kota ✓' },
          { indicatorNo: 42, level: 4 },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.levels.map((l: { indicatorNo: number }) => l.indicatorNo)).toEqual([1, 42]);
    expect(r.body.levels[0].justification).toBe('SK Wali Kota ✓');
    const bad = await ctx().call('PUT', url, {
      token,
      json: {
        levels: [
          { indicatorNo: 48, level: 3 },
          { indicatorNo: 1, level: 2 },
          { indicatorNo: 1, level: 3 },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.issues.map((i: { code: string }) => i.code)).toEqual([
      'unknown_indicator',
      'duplicate',
    ]);
    expect((await ctx().call('GET', url, { token })).body.levels).toHaveLength(2);
  });

  it('imports levels from CSV (all-or-nothing, per-row report)', async () => {
    const token = await ctx().login('coordinator');
    const url = `/api/periods/${ctx().demo?.periodId}/self-assessments/import`;
    const good = [
      'unit_code,indicator_no,level,justification',
      `${opdCode(0)},1,2,"Perwal ""Arsitektur SPBE"" 2022"`,
      `${opdCode(0)},2,3,`,
      `${opdCode(1)},47,1,Belum ada`,
    ].join('\n');
    const r = await ctx().call('POST', url, { token, body: good, contentType: 'text/csv' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ units: 2, levels: 3 });
    const sa = await ctx().call(
      'GET',
      `/api/periods/${ctx().demo?.periodId}/units/${await ctx().unitId(opdCode(0))}/self-assessment`,
      { token },
    );
    expect(sa.body.levels[0]).toMatchObject({
      indicatorNo: 1,
      level: 2,
      justification: 'Perwal "Arsitektur SPBE" 2022',
    });

    const before = await ctx().rowCounts();
    const bad = [
      'unit_code,indicator_no,level,justification',
      `${opdCode(2)},1,3,ok`,
      'NOPE,1,3,x',
      `${opdCode(2)},99,3,x`,
      `${opdCode(2)},2,6,x`,
      `${opdCode(2)},1,2,dup`,
    ].join('\n');
    const e = await ctx().call('POST', url, {
      token,
      body: bad,
      contentType: 'text/csv',
      lang: 'en',
    });
    expect(e.status).toBe(422);
    expect(e.body.message).toMatch(/Nothing was saved/);
    expect(e.body.details.rows.map((x: { line: number }) => x.line)).toEqual([3, 4, 5, 6]);
    expect(await ctx().rowCounts()).toEqual(before);
  });

  it('accepts the CSV as JSON { csv } too', async () => {
    const token = await ctx().login('coordinator');
    const url = `/api/periods/${ctx().demo?.periodId}/self-assessments/import`;
    const r = await ctx().call('POST', url, {
      token,
      json: { csv: `unit_code,indicator_no,level\n${opdCode(5)},10,2\n` },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ units: 1, levels: 1 });
  });
});

describeEachDialect('verifiers and assignments', (ctx) => {
  it('creates a verifier without password (tablet only) and renames it', async () => {
    const token = await ctx().login('coordinator');
    const c = await ctx().call('POST', '/api/verifiers', {
      token,
      json: { email: 'Verifikator3@Cilegon.demo', name: 'Verifikator Tiga' },
    });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({
      email: 'verifikator3@cilegon.demo',
      role: 'verifier',
      hasPassword: false,
      active: true,
    });
    expect(
      (
        await ctx().call('POST', '/api/verifiers', {
          token,
          json: { email: 'verifikator3@cilegon.demo', name: 'X' },
        })
      ).body.code,
    ).toBe('email_taken');
    const p = await ctx().call('PATCH', `/api/verifiers/${c.body.id}`, {
      token,
      json: { name: 'Verifikator Ketiga' },
    });
    expect(p.body.name).toBe('Verifikator Ketiga');
    const list = await ctx().call('GET', '/api/verifiers', { token });
    expect(list.body.verifiers.map((v: { email: string }) => v.email)).toContain(
      'verifikator3@cilegon.demo',
    );
  });

  it('assigns units to a verifier, creating one assessment per period × unit shared by verifiers', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId;
    const v2 = await ctx().accountId('verifier2');
    const v1 = await ctx().accountId('verifier1');
    const units = [await ctx().unitId(kelurahanCode(5, 0)), await ctx().unitId(PEMDA_CODE)];
    const r = await ctx().call('POST', '/api/assignments', {
      token,
      json: { periodId, verifierId: v2, unitIds: units },
    });
    expect(r.status).toBe(201);
    expect(r.body.created).toBe(2);
    const again = await ctx().call('POST', '/api/assignments', {
      token,
      json: { periodId, verifierId: v2, unitIds: units },
    });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(0);
    expect(again.body.assignments.map((a: { id: string }) => a.id)).toEqual(
      r.body.assignments.map((a: { id: string }) => a.id),
    );
    // Verifier 1 already has the pemda unit: both share its assessment.
    const list = await ctx().call(
      'GET',
      `/api/assignments?periodId=${periodId}&unitId=${units[1]}`,
      { token },
    );
    const byVerifier = Object.fromEntries(
      list.body.assignments.map((a: { verifierId: string; assessmentId: string }) => [
        a.verifierId,
        a.assessmentId,
      ]),
    );
    expect(byVerifier[v1]).toBe(byVerifier[v2]);
    const assessment = await ctx().call('GET', `/api/assessments/${byVerifier[v1]}`, { token });
    expect(assessment.body).toMatchObject({
      periodId,
      unitId: units[1],
      frameworkId: 'spbe-2020',
      status: 'belum',
      submittedAt: null,
    });
    const del = await ctx().call('DELETE', `/api/assignments/${r.body.assignments[0].id}`, {
      token,
    });
    expect(del.status).toBe(204);
  });

  it('refuses assignments with unknown references or in a closed period', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId;
    const v1 = await ctx().accountId('verifier1');
    const unknownUnit = await ctx().call('POST', '/api/assignments', {
      token,
      json: { periodId, verifierId: v1, unitIds: ['nope'] },
    });
    expect(unknownUnit.status).toBe(422);
    expect(unknownUnit.body.details.issues[0].path).toBe('unitIds.0');
    const coordId = await ctx().accountId('coordinator');
    const notVerifier = await ctx().call('POST', '/api/assignments', {
      token,
      json: { periodId, verifierId: coordId, unitIds: [await ctx().unitId(PEMDA_CODE)] },
    });
    expect(notVerifier.body.details.issues[0].path).toBe('verifierId');
    const closed = await ctx().call('POST', '/api/periods', {
      token,
      json: {
        name: 'Lama',
        year: 2021,
        frameworkId: 'spbe-2020',
        targetIndex: 2,
        status: 'closed',
      },
    });
    const r = await ctx().call('POST', '/api/assignments', {
      token,
      json: { periodId: closed.body.id, verifierId: v1, unitIds: [await ctx().unitId(PEMDA_CODE)] },
    });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('period_closed');
  });

  it('gives a verifier tablet everything it needs offline for its assigned units', async () => {
    const v1 = await ctx().accountId('verifier1');
    const tablet = await ctx().enrol(v1, 'Tablet V1');
    const r = await ctx().call('GET', '/api/my/assignments', { token: tablet.token });
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b.protocol).toBe(PROTOCOL_VERSION);
    expect(b.device).toEqual({ id: tablet.deviceId, label: 'Tablet V1' });
    // Both active demo periods, newest first, each with its instrument (the closed SPBE 2022
    // has no assignments: no tablet receives it).
    expect(b.periods.map((p: { name: string }) => p.name)).toEqual([
      'Evaluasi Pemdi 2026',
      'Evaluasi SPBE 2023',
    ]);
    expect(b.frameworks.map((f: { id: string }) => f.id)).toEqual(['pemdi-2026', 'spbe-2020']);
    const assigned = b.units
      .filter((u: { assigned: boolean }) => u.assigned)
      .map((u: { code: string }) => u.code);
    expect(assigned.sort()).toEqual(
      [
        PEMDA_CODE,
        opdCode(7),
        opdCode(3),
        kecamatanCode(0),
        kelurahanCode(0, 0),
        kelurahanCode(0, 1),
        // Pemdi 2026.
        opdCode(0),
        opdCode(4),
      ].sort(),
    );
    // Ancestors come along for display; no foreign unit does.
    expect(b.units.every((u: { code: string }) => u.code.startsWith('36.72'))).toBe(true);
    expect(b.units.some((u: { code: string }) => u.code === opdCode(16))).toBe(false);
    expect(b.assignments).toHaveLength(8);
    expect(b.assessments).toHaveLength(8);
    const pemda = b.units.find((u: { code: string }) => u.code === PEMDA_CODE);
    expect(b.selfAssessments.filter((s: { unitId: string }) => s.unitId === pemda.id)).toHaveLength(
      47,
    );
    // Pemdi values keep their decimals on the way to the tablet.
    const setda = b.units.find((u: { code: string }) => u.code === opdCode(0));
    const setdaLevels = b.selfAssessments
      .filter((s: { unitId: string }) => s.unitId === setda.id)
      .map((s: { level: number }) => s.level);
    expect(setdaLevels).toHaveLength(20);
    expect(setdaLevels.some((l: number) => !Number.isInteger(l))).toBe(true);
    const unitIds = new Set(b.units.map((u: { id: string }) => u.id));
    expect(b.selfAssessments.every((s: { unitId: string }) => unitIds.has(s.unitId))).toBe(true);
  });
});
