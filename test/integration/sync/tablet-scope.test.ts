import { expect, it } from 'vitest';
import { listIndicators, spbe2020 } from '../../../src/core';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * What reaches a tablet: nothing of a period the coordinator is still
 * preparing (draft) — not the period, its units, assignments, assessments nor the
 * self-assessed levels — until it is opened; then the whole assessment arrives.
 */
describeSync('tablet scope', (ctx) => {
  it('brings nothing of a draft period to a tablet, and everything once the period is opened', async () => {
    const h = ctx();
    const coordinator = await h.base.login('coordinator');
    const coordinatorId = await h.base.accountId('coordinator');
    // The verifier already works in the active demo period (so the tablet does sync).
    const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const verifierId = team.verifiers[0]?.id as string;
    const draft = await h.services.periods.create({
      name: 'Evaluasi SPBE 2024 (disiapkan)',
      year: 2024,
      frameworkId: spbe2020.id,
      targetIndex: 3,
    });
    expect(draft.status).toBe('draft');
    const unitId = team.unitIds[0] as string;
    const [first] = listIndicators(spbe2020);
    await h.services.selfAssessments.put(
      draft.id,
      unitId,
      [{ indicatorNo: first?.no as number, level: 4, justification: 'Rahasia draf' }],
      coordinatorId,
    );
    const { assignments } = await h.services.assignments.create(
      { periodId: draft.id, verifierId, unitIds: [unitId] },
      coordinatorId,
    );
    const draftAssessment = assignments[0]?.assessmentId as string;

    const t = await enrolTablet(h.call, coordinator, verifierId);
    const engine = tabletEngine(t, appFetch(h.app));
    await engine.sync();
    expect((await t.store.reference.listPeriods()).map((p) => p.id)).not.toContain(draft.id);
    expect(await t.store.reference.listAssignments(draft.id)).toEqual([]);
    expect(await t.store.assessments.get(draftAssessment)).toBeNull();
    expect(await t.store.verifications.listByAssessment(draftAssessment)).toEqual([]);
    // Nor may the tablet write into it.
    await t.store.verifications.update(draftAssessment, 1, { notes: 'coba' });
    await engine.sync();
    expect((await t.store.rejected.list(draftAssessment)).map((r) => r.rejection.code)).toEqual([
      'not_assigned',
    ]);

    // Opened: the whole assessment arrives, self-assessed level included.
    await h.services.periods.update(draft.id, { status: 'active' });
    await engine.sync();
    expect((await t.store.reference.listPeriods()).map((p) => p.id)).toContain(draft.id);
    expect(await t.store.assessments.get(draftAssessment)).toMatchObject({ periodId: draft.id });
    expect(await t.store.verifications.get(draftAssessment, first?.no as number)).toMatchObject({
      selfLevel: 4,
      selfJustification: 'Rahasia draf',
    });
  });
});
