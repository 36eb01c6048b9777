import { expect, it } from 'vitest';
import {
  auditEvents,
  computeIndex,
  encodeHlc,
  listIndicators,
  pemdi2026,
  type Stage,
  spbe2020,
  stageValueOf,
  verificationId,
} from '../../../src/core';
import { CITY_LEVELS, DEMO_SECTOR_SERVICES, opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { describeEachDialect, T0 } from '../../helpers/server-context';
import { assessmentOf, type RawMutation, type RawTablet, rawTablet } from '../reports/helpers';

/**
 * The stages of a period (issue 17): the coordinator moves a period one stage forward at a
 * time (audited, refused when someone else moved it first), tablets learn the stage from
 * their offline package and write a value per stage that syncs like any field, a value for
 * a stage the period does not use is refused on its own, and the dashboard shows the index
 * of each stage, computed with the official arithmetic.
 */

const COORDINATOR_NAME = 'Koordinator SPBE (Diskominfo)';

/**
 * When the tablet values below were made: before the demo closed penilaian mandiri (at
 * T0, by the seed) and before a test here closes verifikasi dokumen, so every stage they
 * name was open then (a value made after its stage closed is refused, see
 * test/integration/sync/stage-closed.test.ts).
 */
const MADE_WHILE_OPEN = T0 - 3_600_000;

/** One tablet write of a value in a stage, as the tablet makes it (with `verifiedLevel` outside penilaian mandiri). */
function stageWrite(
  assessmentId: string,
  no: number,
  stage: Stage,
  value: number | null,
  alsoVerified = stage !== 'mandiri',
): RawMutation {
  return {
    entity: 'verification',
    id: verificationId(assessmentId, no),
    changes: {
      assessmentId,
      indicatorNo: no,
      [`stages.${stage}`]: { value, by: 'Verifikator Satu', at: Date.UTC(2023, 9, 2, 1) },
      ...(alsoVerified ? { verifiedLevel: value } : {}),
    },
  };
}

describeEachDialect('stages of a period', (ctx) => {
  let tablet: RawTablet | null = null;
  const t = async () => {
    tablet ??= await rawTablet(ctx(), 'verifier1', 'Tablet tahap');
    const raw = tablet;
    return {
      ...raw,
      push: (list: RawMutation[]) => raw.push(list, { editedAt: MADE_WHILE_OPEN }),
    };
  };
  const demoPeriod = () => ctx().demo?.periodId as string;
  const as = (who: 'coordinator' | 'viewer' | 'verifier1') => ctx().login(who);
  const move = async (
    periodId: string,
    from: Stage,
    to: Stage,
    who: 'coordinator' | 'viewer' | 'verifier1' = 'coordinator',
    lang?: 'en',
  ) =>
    ctx().call('POST', `/api/periods/${periodId}/stage`, {
      token: await as(who),
      json: { from, to },
      ...(lang ? { lang } : {}),
    });

  it('moves a period one stage forward at a time, refuses stale, skipping and backward moves, and keeps who moved it when', async () => {
    const h = ctx();
    const token = await as('coordinator');
    const created = await h.call('POST', '/api/periods', {
      token,
      json: {
        name: 'Pemantauan SPBE 2024',
        year: 2024,
        frameworkId: spbe2020.id,
        targetIndex: 2.6,
        stages: ['mandiri', 'dokumen', 'final'],
        periodType: 'pemantauan',
      },
    });
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ currentStage: 'mandiri', periodType: 'pemantauan' });

    // Skipping a stage, or a stage another coordinator already left: refused, nothing moves.
    const skip = await move(id, 'mandiri', 'final');
    expect(skip.status).toBe(422);
    expect(skip.body.code).toBe('stage_not_next');
    expect(skip.body.message).toContain('dari "Penilaian mandiri" ke "Verifikasi dokumen"');
    const stale = await move(id, 'dokumen', 'final');
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stage_changed');
    // Only a coordinator moves a period.
    expect((await move(id, 'mandiri', 'dokumen', 'viewer')).status).toBe(403);
    expect((await move(id, 'mandiri', 'dokumen', 'verifier1')).status).toBe(403);
    expect((await h.call('GET', `/api/periods/${id}`, { token })).body.currentStage).toBe(
      'mandiri',
    );

    h.clock.advance(60_000);
    const moved = await move(id, 'mandiri', 'dokumen');
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.currentStage).toBe('dokumen');
    const movedAt = h.clock.now;
    // The same click again (a second tab still showing mandiri) says the stage changed.
    const again = await move(id, 'mandiri', 'dokumen', 'coordinator', 'en');
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('already changed to "Document review"');
    // Backward is never a move.
    const back = await move(id, 'dokumen', 'mandiri');
    expect(back.status).toBe(422);
    expect(back.body.code).toBe('stage_not_next');

    // The stage list may change, but never drop the stage the tablets work in.
    const dropped = await h.call('PATCH', `/api/periods/${id}`, {
      token,
      json: { stages: ['mandiri', 'final'] },
    });
    expect(dropped.status).toBe(422);
    expect(dropped.body.details.issues[0]).toMatchObject({
      path: 'stages',
      code: 'current_stage_missing',
    });
    // Nor drop a stage already passed: the index per stage starts from it.
    const before = (await h.call('GET', `/api/periods/${id}`, { token })).body;
    for (const stages of [['dokumen', 'final'], ['dokumen']]) {
      const rewritten = await h.call('PATCH', `/api/periods/${id}`, { token, json: { stages } });
      expect(rewritten.status, JSON.stringify(stages)).toBe(422);
      expect(rewritten.body.details.issues[0]).toMatchObject({
        path: 'stages',
        code: 'stage_history_locked',
      });
      expect(JSON.stringify(rewritten.body)).toContain('Penilaian mandiri');
    }
    expect((await h.call('GET', `/api/periods/${id}`, { token })).body).toEqual(before);
    const widened = await h.call('PATCH', `/api/periods/${id}`, {
      token,
      json: { stages: ['mandiri', 'dokumen', 'interviu', 'final'] },
    });
    expect(widened.status, widened.text).toBe(200);
    expect(widened.body).toMatchObject({
      stages: ['mandiri', 'dokumen', 'interviu', 'final'],
      currentStage: 'dokumen',
    });

    h.clock.advance(60_000);
    expect((await move(id, 'dokumen', 'interviu')).status).toBe(200);
    h.clock.advance(60_000);
    expect((await move(id, 'interviu', 'final')).status).toBe(200);
    const past = await move(id, 'final', 'final');
    expect(past.status).toBe(422);
    expect(past.body.message).toContain('"Final" adalah tahap terakhir');

    // History, oldest first, readable by a viewer, with the account's name.
    const history = await h.call('GET', `/api/periods/${id}/stage-changes`, {
      token: await as('viewer'),
    });
    expect(history.status).toBe(200);
    expect(
      history.body.changes.map((c: { from: string; to: string; accountName: string }) => [
        c.from,
        c.to,
        c.accountName,
      ]),
    ).toEqual([
      ['mandiri', 'dokumen', COORDINATOR_NAME],
      ['dokumen', 'interviu', COORDINATOR_NAME],
      ['interviu', 'final', COORDINATOR_NAME],
    ]);
    expect(history.body.changes[0].at).toBe(movedAt);
    const denied = await h.call('GET', `/api/periods/${id}/stage-changes`, {
      token: await as('verifier1'),
    });
    expect(denied.status).toBe(403);

    // A closed period stays where it is.
    await h.call('PATCH', `/api/periods/${id}`, { token, json: { status: 'closed' } });
    const closed = await move(id, 'final', 'final');
    expect(closed.body.code).toBe('period_closed');
  });

  it("carries the period's stage and facts to the tablet's offline package, and a move reaches it", async () => {
    const h = ctx();
    const { token } = await t();
    const pkg = async () =>
      (await h.call('GET', '/api/my/assignments', { token })).body.periods.find(
        (p: { id: string }) => p.id === demoPeriod(),
      );
    expect(await pkg()).toMatchObject({
      stages: ['mandiri', 'dokumen', 'interviu', 'final'],
      currentStage: 'dokumen',
      periodType: 'evaluasi',
      skNumber: '800/Kep.112-Diskominfo/2023',
      skDate: '2023-03-14',
      skSignedBy: 'Wali Kota Cilegon',
      sectorServices: DEMO_SECTOR_SERVICES,
    });
    // The demo's own move (mandiri → dokumen) is in its history.
    const history = await h.call('GET', `/api/periods/${demoPeriod()}/stage-changes`, {
      token: await as('coordinator'),
    });
    expect(history.body.changes.map((c: { to: string }) => c.to)).toEqual(['dokumen']);

    expect((await move(demoPeriod(), 'dokumen', 'interviu')).status).toBe(200);
    expect((await pkg()).currentStage).toBe('interviu');
  });

  it('keeps a value per stage from a tablet, refuses a stage the period does not use or a value outside the instrument, each on its own', async () => {
    const h = ctx();
    const a = await assessmentOf(h, opdCode(7));
    const r = await (await t()).push([
      stageWrite(a, 1, 'dokumen', 3),
      // Visitasi is not one of this period's stages.
      stageWrite(a, 2, 'visitasi', 2),
      // SPBE 2020 takes whole levels.
      stageWrite(a, 3, 'interviu', 2.5),
      stageWrite(a, 1, 'interviu', 2),
      stageWrite(a, 4, 'mandiri', 2),
    ]);
    const results = r.body.results as {
      outcome: string;
      rejection: { code: string; field: string; message: string; messageEn: string } | null;
    }[];
    expect(results.map((x) => [x.outcome, x.rejection?.code ?? null])).toEqual([
      ['applied', null],
      ['rejected', 'stage_not_in_period'],
      ['rejected', 'value_out_of_domain'],
      ['applied', null],
      ['applied', null],
    ]);
    const notInPeriod = results[1]?.rejection;
    expect(notInPeriod?.field).toBe('stages.visitasi');
    expect(notInPeriod?.message).toContain(
      'Tahap "Visitasi" tidak dipakai dalam periode "Evaluasi SPBE 2023"',
    );
    expect(notInPeriod?.messageEn).toContain('The stage "Site visit" is not one of the stages');
    expect(results[2]?.rejection?.field).toBe('stages.interviu');
    expect(results[2]?.rejection?.message).toContain('nilai harus level bulat 1–5, bukan 2,5');

    // Read back per stage, as another tablet of the same verifier pulls them.
    const other = await rawTablet(h, 'verifier1', 'Tablet kedua');
    const fields: Record<string, Record<string, unknown>> = {};
    for (let cursor = 0; ; ) {
      const page = await other.pull(cursor);
      for (const c of page.body.changes as { id: string; fields: Record<string, unknown> }[])
        fields[c.id] = { ...fields[c.id], ...c.fields };
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    const one = fields[verificationId(a, 1)] ?? {};
    expect(stageValueOf(one, 'dokumen')).toBe(3);
    expect(stageValueOf(one, 'interviu')).toBe(2);
    expect(one.verifiedLevel).toBe(2);
    expect(one['stages.dokumen']).toMatchObject({ by: 'Verifikator Satu' });
    expect(stageValueOf(fields[verificationId(a, 4)] ?? {}, 'mandiri')).toBe(2);
    // Nothing of a refused change is kept.
    expect(fields[verificationId(a, 2)]?.['stages.visitasi']).toBeUndefined();
    expect(fields[verificationId(a, 3)]?.['stages.interviu']).toBeUndefined();
    expect(fields[verificationId(a, 3)]?.verifiedLevel).toBeUndefined();

    // The coordinator's audit reads the stage value as a sentence, not the tablet's object.
    const audit = await h.call('GET', `/api/assessments/${a}/audit?indicatorNo=1`, {
      token: await as('coordinator'),
    });
    expect(audit.status, audit.text).toBe(200);
    const lines = auditEvents(audit.body.entries, 'id').map((e) => e.what);
    expect(lines).toContain('Level verifikasi 3 (tahap verifikasi dokumen)');
    expect(lines).toContain('Level verifikasi 3 → 2 (tahap interviu)');
  });

  it("shows the index of each stage for the city and per unit, as computeIndex gives for that stage's values", async () => {
    const h = ctx();
    const city = await assessmentOf(h, PEMDA_CODE);
    const indicators = listIndicators(spbe2020);
    // The verifier lowered three of the city's levels at the document review; the rest of
    // the document stage is not valued yet.
    const dokumen: Record<number, number> = { 1: 1, 2: 1, 4: 1 };
    await (await t()).push(
      Object.entries(dokumen).map(([no, v]) => stageWrite(city, Number(no), 'dokumen', v)),
    );
    const view = await h.call('GET', `/api/dashboard/${demoPeriod()}/stages`, {
      token: await as('viewer'),
    });
    expect(view.status, view.text).toBe(200);
    expect(view.body.city.unit.code).toBe(PEMDA_CODE);
    const byStage = Object.fromEntries(
      view.body.city.stages.map((s: { stage: Stage }) => [s.stage, s]),
    );
    expect(Object.keys(byStage)).toEqual(['mandiri', 'dokumen', 'interviu', 'final']);

    // Penilaian mandiri: the city's self-assessed levels (no tablet value in that stage).
    const mandiri = Object.fromEntries(indicators.map((ind, i) => [ind.no, CITY_LEVELS[i] ?? 1]));
    const expectedMandiri = computeIndex(spbe2020, mandiri, { rule: 'official' });
    expect(byStage.mandiri.index.index).toBeCloseTo(expectedMandiri.index as number, 12);
    expect(byStage.mandiri.valued).toBe(indicators.length);
    expect(byStage.mandiri.index.complete).toBe(true);

    // Verifikasi dokumen: only the three values given; the index says it is incomplete.
    const expectedDokumen = computeIndex(spbe2020, dokumen, { rule: 'official' });
    expect(byStage.dokumen.valued).toBe(3);
    expect(byStage.dokumen.index).toMatchObject({
      index: expectedDokumen.index,
      complete: false,
      assessedCount: 3,
      rule: 'official',
    });
    expect(byStage.final.valued).toBe(0);

    // Diskominfo (pushed in the previous test): its document stage holds indicator 1 only.
    const diskominfo = view.body.units.find((u: { code: string }) => u.code === opdCode(7));
    const dok = diskominfo.stages.find((s: { stage: Stage }) => s.stage === 'dokumen');
    expect(dok.valued).toBe(1);
    expect(dok.index.index).toBe(computeIndex(spbe2020, { 1: 3 }, { rule: 'official' }).index);
    // The demo's Pemdi 2026 period: Inspektorat's document review lowered its index.
    const pemdi = await h.call('GET', `/api/dashboard/${h.demo?.pemdiPeriodId}/stages`, {
      token: await as('coordinator'),
    });
    const insp = pemdi.body.units.find((u: { code: string }) => u.code === opdCode(2));
    const [own, doc] = insp.stages as { valued: number; index: { index: number } }[];
    expect(doc?.valued).toBe(listIndicators(pemdi2026).filter((i) => !i.spec.source).length);
    expect(doc?.index.index).toBeLessThan(own?.index.index as number);
    // A unit with neither an assessment nor a self level is not listed.
    expect(view.body.units.every((u: { assessmentId: string | null }) => u.assessmentId)).toBe(
      true,
    );
  });

  it("counts a verified value's conflict and its stage value's as one on the review page, as the lists show them", async () => {
    const h = ctx();
    const a = await assessmentOf(h, opdCode(7));
    await (await t()).push([stageWrite(a, 9, 'dokumen', 3)]);
    // Another tablet that never pulled gives indicator 9 another value: one tap wrote both
    // the verified value and the stage's, so both fields conflict.
    const other = await h.enrol(await h.accountId('verifier1'), 'Tablet tanpa tarik');
    const m = stageWrite(a, 9, 'dokumen', 2);
    const at = MADE_WHILE_OPEN;
    const r = await h.call('POST', '/api/sync/push', {
      token: other.token,
      json: {
        deviceId: other.deviceId,
        mutations: [
          {
            ...m,
            deviceId: other.deviceId,
            seq: 1,
            baseVersions: Object.fromEntries(Object.keys(m.changes).map((f) => [f, 0])),
            hlc: encodeHlc({ ms: at, counter: 0, node: other.deviceId }),
            at,
          },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect((r.body.conflicts as { field: string }[]).map((c) => c.field).sort()).toEqual([
      'stages.dokumen',
      'verifiedLevel',
    ]);
    const detail = await h.call('GET', `/api/reports/assessments/${a}`, {
      token: await as('coordinator'),
    });
    expect(detail.status).toBe(200);
    // "Ada 1 konflik terbuka", as the sync page and the tablet list it — not 2.
    expect(detail.body.openConflicts).toBe(1);
    const nine = (detail.body.indicators as { no: number; openConflicts: number }[]).find(
      (i) => i.no === 9,
    );
    expect(nine?.openConflicts).toBe(1);
  });
  it("refuses on its own a closed stage's value made after the close (stage_closed, also when sent again), keeping the rest of the change", async () => {
    const h = ctx();
    const a = await assessmentOf(h, opdCode(7));
    // The demo period left verifikasi dokumen for interviu in an earlier test; learn when.
    const history = await h.call('GET', `/api/periods/${demoPeriod()}/stage-changes`, {
      token: await as('coordinator'),
    });
    const closedAt = (history.body.changes as { from: string; at: number }[]).find(
      (c) => c.from === 'dokumen',
    )?.at as number;
    expect(closedAt).toBeGreaterThan(MADE_WHILE_OPEN);
    const device = await h.enrol(await h.accountId('verifier1'), 'Tablet terlambat');
    // The server's versions of indicator 6, as the tablet pulled them.
    const versions: Record<string, number> = {};
    for (let cursor = 0; ; ) {
      const page = await h.call('GET', `/api/sync/pull?cursor=${cursor}`, { token: device.token });
      for (const c of page.body.changes as { id: string; versions: Record<string, number> }[])
        if (c.id === verificationId(a, 6)) Object.assign(versions, c.versions);
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    const m = stageWrite(a, 6, 'dokumen', 2);
    const at = closedAt + 60_000;
    const body = {
      deviceId: device.deviceId,
      mutations: [
        {
          ...m,
          deviceId: device.deviceId,
          seq: 1,
          baseVersions: Object.fromEntries(
            Object.keys(m.changes).map((f) => [f, versions[f] ?? 0]),
          ),
          hlc: encodeHlc({ ms: at, counter: 0, node: device.deviceId }),
          at,
        },
      ],
      clock: h.clock.now,
    };
    for (const again of [false, true]) {
      const r = await h.call('POST', '/api/sync/push', { token: device.token, json: body });
      expect(r.status, r.text).toBe(200);
      const [result] = r.body.results;
      expect(result.outcome).toBe('applied');
      expect(result.duplicate).toBe(again);
      if (!again) {
        expect(result.fields.verifiedLevel.outcome).toBe('applied');
        expect(result.fields['stages.dokumen']).toBeUndefined();
      }
      expect(result.rejection).toMatchObject({
        code: 'stage_closed',
        field: 'stages.dokumen',
        indicatorNo: 6,
        retryable: false,
      });
      expect(result.rejection.message).toContain('Tahap "Verifikasi dokumen" sudah ditutup');
    }
    const other = await rawTablet(h, 'verifier1', 'Tablet pembaca');
    const fields: Record<string, unknown> = {};
    for (let cursor = 0; ; ) {
      const page = await other.pull(cursor);
      for (const c of page.body.changes as { id: string; fields: Record<string, unknown> }[])
        if (c.id === verificationId(a, 6)) Object.assign(fields, c.fields);
      cursor = page.body.cursor;
      if (!page.body.hasMore) break;
    }
    expect(fields.verifiedLevel).toBe(2);
    expect(fields['stages.dokumen']).toBeUndefined();
  });
});
