import { expect, it } from 'vitest';
import {
  computeIndex,
  formatIndex,
  indexLevelName,
  listIndicators,
  pemdi2026,
  planImprovement,
  spbe2020,
} from '../../../src/core';
import { prepareDatabase } from '../../../src/server/app';
import {
  CITY_LEVELS,
  DEMO_OWNER,
  DEMO_PASSWORD,
  opdCode,
  PEMDA_CODE,
  PEMDI_CITY_VALUES,
  seedDemo,
  wipeDatabase,
} from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';

it('the demo city levels give exactly 2.10 (Cukup), policy lower than services', () => {
  const levels = Object.fromEntries(
    listIndicators(spbe2020).map((ind, i) => [ind.no, CITY_LEVELS[i]]),
  );
  const r = computeIndex(spbe2020, levels);
  expect(CITY_LEVELS).toHaveLength(47);
  expect(r.index).toBe(2.1);
  expect(r.predicate).toBe('Cukup');
  const byId = Object.fromEntries(r.groups.map((g) => [g.id, g.index ?? 0]));
  expect(byId.D1).toBeLessThan(byId.D4 as number);
  expect(byId.D3).toBeLessThan(byId.D4 as number);
  const plan = planImprovement(spbe2020, levels, 3);
  expect(plan.reachable).toBe(true);
});

it('the demo Pemdi 2026 city values score as the formula: Σ(wI·NI)/100 = 1,845, shown 1,85 · Merintis', () => {
  const values = Object.fromEntries(
    listIndicators(pemdi2026).map((ind, i) => [ind.no, PEMDI_CITY_VALUES[i]]),
  );
  expect(PEMDI_CITY_VALUES).toHaveLength(20);
  expect(PEMDI_CITY_VALUES.some((v) => !Number.isInteger(v))).toBe(true);
  const weighted = listIndicators(pemdi2026).reduce(
    (sum, ind, i) => sum + ind.spec.weight * (PEMDI_CITY_VALUES[i] as number),
    0,
  );
  const r = computeIndex(pemdi2026, values);
  expect(r.index).toBeCloseTo(weighted / 100, 12);
  expect(r.index).toBe(1.845);
  expect(formatIndex(r.index)).toBe('1,85');
  expect(r.predicate).toBe('Cukup');
  expect(indexLevelName(pemdi2026, r.index)).toBe('Merintis');
});

describeEachDialect('the Cilegon demo seed', (ctx) => {
  it('has the pemda, 20 OPD, 8 kecamatan and their 43 kelurahan', async () => {
    const token = await ctx().login('coordinator');
    const units = (await ctx().call('GET', '/api/units', { token })).body.units as {
      kind: string;
      name: string;
      parentId: string;
      id: string;
      demo: boolean;
    }[];
    const count = (k: string) => units.filter((u) => u.kind === k).length;
    expect([count('pemda'), count('opd'), count('kecamatan'), count('kelurahan')]).toEqual([
      1, 20, 8, 43,
    ]);
    expect(units.every((u) => u.demo)).toBe(true);
    const pulomerak = units.find((u) => u.name === 'Kecamatan Pulomerak');
    const suralaya = units.find((u) => u.name === 'Kelurahan Suralaya');
    expect(suralaya?.parentId).toBe(pulomerak?.id);
    expect(
      units
        .filter((u) => u.parentId === pulomerak?.id)
        .map((u) => u.name)
        .sort(),
    ).toEqual([
      'Kelurahan Lebak Gede',
      'Kelurahan Mekarsari',
      'Kelurahan Suralaya',
      'Kelurahan Tamansari',
    ]);
  });

  it('has the active periods "Evaluasi Pemdi 2026" (Pemdi 2026, city 1,845) and "Evaluasi SPBE 2023" (SPBE 2020, target 3.00, city 2.10)', async () => {
    const token = await ctx().login('viewer');
    const periods = (await ctx().call('GET', '/api/periods', { token })).body.periods;
    expect(periods).toEqual([
      expect.objectContaining({
        name: 'Evaluasi Pemdi 2026',
        year: 2026,
        frameworkId: 'pemdi-2026',
        // The self-assessment is imported: the demo's verifiers work the document review.
        currentStage: 'dokumen',
        targetIndex: 2.5,
        planStepCap: 2,
        status: 'active',
        demo: true,
      }),
      expect.objectContaining({
        name: 'Evaluasi SPBE 2023',
        year: 2023,
        frameworkId: 'spbe-2020',
        // The self-assessment is imported: the demo's verifiers work the document review.
        currentStage: 'dokumen',
        targetIndex: 3,
        planStepCap: 2,
        status: 'active',
        demo: true,
      }),
    ]);
    const pemda = await ctx().unitId(PEMDA_CODE);
    const city = await ctx().call(
      'GET',
      `/api/periods/${periods[1].id}/units/${pemda}/self-assessment`,
      { token },
    );
    expect(city.body.index).toBe(2.1);
    expect(ctx().demo?.cityIndex).toBe(2.1);
    const pemdi = await ctx().call(
      'GET',
      `/api/periods/${periods[0].id}/units/${pemda}/self-assessment`,
      { token },
    );
    expect(pemdi.body).toMatchObject({
      frameworkId: 'pemdi-2026',
      index: 1.845,
      indicatorCount: 20,
    });
    expect(pemdi.body.levels.map((l: { level: number }) => l.level)).toEqual(PEMDI_CITY_VALUES);
    expect(ctx().demo).toMatchObject({ pemdiPeriodId: periods[0].id, pemdiCityIndex: 1.845 });
    // The Pemdi dashboard starts from the city's statement, every value "self".
    const coordinator = await ctx().login('coordinator');
    const dash = await ctx().call('GET', `/api/dashboard/${periods[0].id}`, {
      token: coordinator,
    });
    expect(dash.status).toBe(200);
    expect(dash.body.city.consolidated).toMatchObject({ index: 1.845, predicate: 'Cukup' });
    expect(dash.body.consolidation).toMatchObject({
      selfOnlyCount: 20,
      unit: { code: PEMDA_CODE },
    });
  });

  it('lets each demo account sign in, and gives both verifiers assignments (verifier 1 has the city)', async () => {
    for (const who of ['coordinator', 'viewer', 'verifier1', 'verifier2'] as const)
      expect(await ctx().login(who)).toMatch(/^tls_/);
    const token = await ctx().login('coordinator');
    const verifiers = (await ctx().call('GET', '/api/verifiers', { token })).body.verifiers;
    expect(
      verifiers
        .map((v: { assignmentCount: number }) => v.assignmentCount)
        .every((n: number) => n >= 4),
    ).toBe(true);
    const pkg = await ctx().call('GET', '/api/my/assignments', {
      token: await ctx().login('verifier1'),
    });
    expect(
      pkg.body.units.find((u: { code: string; assigned: boolean }) => u.code === PEMDA_CODE)
        .assigned,
    ).toBe(true);
    // Both verifiers have Pemdi 2026 work on their tablets, on units not assigned on SPBE 2023
    // (a unit code names one assessment per verifier and period).
    for (const who of ['verifier1', 'verifier2'] as const) {
      const mine = await ctx().call('GET', '/api/my/assignments', {
        token: await ctx().login(who),
      });
      const pemdi = mine.body.periods.find(
        (p: { frameworkId: string }) => p.frameworkId === 'pemdi-2026',
      );
      const onPemdi = mine.body.assignments.filter(
        (a: { periodId: string }) => a.periodId === pemdi.id,
      );
      const onSpbe = mine.body.assignments.filter(
        (a: { periodId: string }) => a.periodId !== pemdi.id,
      );
      expect(onPemdi.length).toBeGreaterThan(0);
      const spbeUnits = new Set(onSpbe.map((a: { unitId: string }) => a.unitId));
      expect(onPemdi.some((a: { unitId: string }) => spbeUnits.has(a.unitId))).toBe(false);
    }
    const setda = await ctx().unitId(opdCode(0));
    expect(
      pkg.body.selfAssessments.filter((s: { unitId: string }) => s.unitId === setda),
    ).toHaveLength(20);
    expect(
      ctx().demo?.credentials.every(
        (c) => c.password === DEMO_PASSWORD && c.email.endsWith('@cilegon.demo'),
      ),
    ).toBe(true);
  });

  it('has improvement actions on SPBE 2023 from its plan, and Diskominfo’s owner account', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId as string;
    const list = await ctx().call('GET', `/api/actions?periodId=${periodId}`, { token });
    expect(list.status).toBe(200);
    const actions = list.body.actions as {
      displayStatus: string;
      unitId: string;
      ownerUnitId: string;
      closingNote: string | null;
      links: string[];
      origin: string;
    }[];
    expect(actions.map((a) => a.displayStatus).sort()).toEqual([
      'berjalan',
      'selesai',
      'terlambat',
    ]);
    const pemda = await ctx().unitId(PEMDA_CODE);
    expect(actions.every((a) => a.unitId === pemda && a.origin === 'plan')).toBe(true);
    const done = actions.find((a) => a.displayStatus === 'selesai');
    expect(done?.closingNote).toBeTruthy();
    expect(done?.links.length).toBe(1);
    const diskominfo = await ctx().unitId(opdCode(7));
    expect(actions.find((a) => a.displayStatus === 'berjalan')?.ownerUnitId).toBe(diskominfo);
    // The owner signs in with the demo password and sees the actions Diskominfo owns.
    const login = await ctx().call('POST', '/api/auth/login', {
      json: { email: DEMO_OWNER.email, password: DEMO_PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(login.body.account).toMatchObject({ role: 'owner', unitId: diskominfo });
    const mine = await ctx().call('GET', '/api/actions', { token: login.body.token });
    expect(mine.body.actions.map((a: { displayStatus: string }) => a.displayStatus).sort()).toEqual(
      ['berjalan', 'selesai'],
    );
    expect(ctx().demo?.credentials.map((c) => c.email)).toContain(DEMO_OWNER.email);
  });

  it('refuses to seed in production and over existing accounts', async () => {
    await expect(seedDemo(ctx().services, { nodeEnv: 'production' })).rejects.toThrow(/production/);
    await expect(seedDemo(ctx().services, { nodeEnv: 'development' })).rejects.toThrow(
      /already has accounts/,
    );
  });

  it('can be wiped and seeded again (npm run seed)', async () => {
    await wipeDatabase(ctx().db);
    expect(Object.values(await ctx().rowCounts()).every((n) => n === 0)).toBe(true);
    await prepareDatabase(ctx().db, () => ctx().clock.now);
    const again = await seedDemo(ctx().services, { nodeEnv: 'development' });
    expect(again.cityIndex).toBe(2.1);
    expect(again.pemdiCityIndex).toBe(1.845);
    const counts = await ctx().rowCounts();
    expect(counts.units).toBe(72);
    expect(counts.periods).toBe(2);
  });
});
