import { expect, it } from 'vitest';
import { computeIndex, listIndicators, planImprovement, spbe2020 } from '../../../src/core';
import { prepareDatabase } from '../../../src/server/app';
import {
  CITY_LEVELS,
  DEMO_PASSWORD,
  PEMDA_CODE,
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

  it('has the active period "Evaluasi SPBE 2023" on SPBE 2020 with target 3.00 and city index 2.10', async () => {
    const token = await ctx().login('viewer');
    const periods = (await ctx().call('GET', '/api/periods', { token })).body.periods;
    expect(periods).toEqual([
      expect.objectContaining({
        name: 'Evaluasi SPBE 2023',
        year: 2023,
        frameworkId: 'spbe-2020',
        targetIndex: 3,
        status: 'active',
        demo: true,
      }),
    ]);
    const city = await ctx().call(
      'GET',
      `/api/periods/${periods[0].id}/units/${await ctx().unitId(PEMDA_CODE)}/self-assessment`,
      { token },
    );
    expect(city.body.index).toBe(2.1);
    expect(ctx().demo?.cityIndex).toBe(2.1);
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
    expect(
      ctx().demo?.credentials.every(
        (c) => c.password === DEMO_PASSWORD && c.email.endsWith('@cilegon.demo'),
      ),
    ).toBe(true);
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
    expect((await ctx().rowCounts()).units).toBe(72);
  });
});
