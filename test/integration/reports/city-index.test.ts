import { expect, it } from 'vitest';
import { opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';
import { assessmentOf, levels, rawTablet } from './helpers';

// PostgreSQL runs only where TELUSUR_PG_URL points at a server (describeEachDialect skips it otherwise).
describeEachDialect('city index rule (one reading per request)', (ctx) => {
  it('dashboard, plan and the city summary state the same consolidation and city index', async () => {
    const h = ctx();
    const tablet = await rawTablet(h, 'verifier1', 'Tablet kota');
    await tablet.push(levels(await assessmentOf(h, PEMDA_CODE), { 1: 1, 7: 4 }, [46]));
    const token = await h.login('coordinator');
    const period = h.demo?.periodId as string;
    const [dashboard, plan, summary] = await Promise.all([
      h.call('GET', `/api/dashboard/${period}`, { token }),
      h.call('GET', `/api/dashboard/${period}/plan`, { token }),
      h.call('GET', `/api/reports/periods/${period}/summary`, { token }),
    ]);
    expect(dashboard.body.consolidation).toMatchObject({
      unit: { code: PEMDA_CODE },
      verifiedCount: 2,
      selfOnlyCount: 44,
      notApplicable: [46],
    });
    expect(plan.body.consolidation).toEqual(dashboard.body.consolidation);
    expect(summary.body.consolidation).toEqual(dashboard.body.consolidation);
    expect(summary.body.plan.consolidation).toEqual(dashboard.body.consolidation);
    expect(summary.body.city).toEqual(dashboard.body.city);
    expect(plan.body.current).toEqual(dashboard.body.city.consolidated);
    // The summary's per-indicator levels are the plan's and follow the rule.
    const levelOf = (list: { no: number; level: number | null; source: string }[], no: number) =>
      list.find((i) => i.no === no);
    expect(levelOf(summary.body.indicators, 1)).toMatchObject({ level: 1, source: 'verified' });
    expect(levelOf(summary.body.indicators, 2)).toMatchObject({ source: 'self' });
    for (const i of plan.body.indicators)
      expect(levelOf(summary.body.indicators, i.no)).toMatchObject({
        level: i.level,
        source: i.source,
      });
  });

  it('stands the city for the pemda unit with an assessment, not the first pemda by code', async () => {
    const h = ctx();
    const token = await h.login('coordinator');
    // A second pemda unit sorts first by code but has neither an assessment nor self levels.
    const created = await h.call('POST', '/api/units', {
      token,
      json: { code: '00.LAIN', name: 'Pemerintah Daerah Lain', kind: 'pemda', parentId: null },
    });
    expect(created.status).toBe(201);
    const r = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    expect(r.body.consolidation.unit.code).toBe(PEMDA_CODE);
    expect(r.body.consolidation.assessmentId).toBe(await assessmentOf(h, PEMDA_CODE));
    // A sub-unit's verified level never enters the city index.
    const tablet = await rawTablet(h, 'verifier1', 'Tablet OPD');
    const before = r.body.city.consolidated;
    await tablet.push(levels(await assessmentOf(h, opdCode(7)), { 1: 5, 2: 5 }));
    const after = await h.call('GET', `/api/dashboard/${h.demo?.periodId}`, { token });
    expect(after.body.city.consolidated).toEqual(before);
  });
});
