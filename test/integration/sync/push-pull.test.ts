import { expect, it } from 'vitest';
import { encodeHlc, type Mutation, verificationId } from '../../../src/core';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';

/** A hand-made mutation, as a tablet's outbox holds it. */
function mutation(
  deviceId: string,
  seq: number,
  m: Pick<Mutation, 'entity' | 'id' | 'changes'> & { base?: Record<string, number> },
): Mutation {
  const at = Date.UTC(2023, 9, 2, 2, 0, seq);
  return {
    deviceId,
    seq,
    entity: m.entity,
    id: m.id,
    changes: m.changes,
    baseVersions:
      m.base ?? Object.fromEntries(Object.keys(m.changes).map((f) => [f, 0] as [string, number])),
    hlc: encodeHlc({ ms: at, counter: 0, node: deviceId }),
    at,
  };
}

async function setup(h: SyncHarness, tablets = 2, options: { verifiers?: number } = {}) {
  const team = await newTeam(h.services, h.base, { verifiers: options.verifiers ?? 2 });
  const coordinator = await h.base.login('coordinator');
  const list: Tablet[] = [];
  for (let i = 0; i < tablets; i++) {
    const v = team.verifiers[i % team.verifiers.length] as { id: string };
    list.push(
      await enrolTablet(h.call, coordinator, v.id, `Tablet ${String.fromCharCode(65 + i)}`),
    );
  }
  const engines = list.map((t) => tabletEngine(t, appFetch(h.app)));
  return { team, coordinator, tablets: list, engines, a: team.assessmentIds[0] as string };
}

function push(h: SyncHarness, t: Tablet, mutations: Mutation[], deviceId = t.deviceId) {
  return h.call('POST', '/api/sync/push', { token: t.token, json: { deviceId, mutations } });
}

describeSync('sync push and pull', (ctx) => {
  it('enrols every tablet under a fresh server-made identity: the same tablet twice gets two, another verifier may enrol it too', async () => {
    const h = ctx();
    const { team, tablets, coordinator } = await setup(h, 1, { verifiers: 2 });
    const [t] = tablets as [Tablet];
    const code = async (verifierId: string) =>
      (await h.call('POST', `/api/verifiers/${verifierId}/enrolments`, { token: coordinator })).body
        .code;
    const again = await h.call('POST', '/api/devices/enrol', {
      json: {
        code: await code(team.verifiers[0]?.id as string),
        label: 'Tablet A (baru)',
        deviceId: t.deviceId,
      },
    });
    expect(again.status).toBe(201);
    expect(again.body.device.id).not.toBe(t.deviceId);
    expect(again.body.device).toMatchObject({
      label: 'Tablet A (baru)',
      revokedAt: null,
      origin: 'enrol',
      previousDeviceId: t.deviceId,
    });
    expect(again.body.bundleSecret).toMatch(/^[0-9a-f]{64}$/);
    // The first identity is untouched: its token still works and still answers for it.
    const me = await h.call('GET', '/api/me', { token: t.token });
    expect(me.body.device.id).toBe(t.deviceId);
    const other = await h.call('POST', '/api/devices/enrol', {
      json: {
        code: await code(team.verifiers[1]?.id as string),
        label: 'Tablet lain',
        deviceId: t.deviceId,
      },
    });
    expect(other.status).toBe(201);
    expect(other.body.device.verifierId).toBe(team.verifiers[1]?.id);
    expect([t.deviceId, again.body.device.id]).not.toContain(other.body.device.id);
    const bad = await h.call('POST', '/api/devices/enrol', {
      json: {
        code: await code(team.verifiers[1]?.id as string),
        label: 'x',
        deviceId: 'bukan-uuid',
      },
    });
    expect(bad.status).toBe(422);
  });

  it('brings a tablet its assessment and the self-assessed levels by pull', async () => {
    const { tablets, engines, a } = await setup(ctx(), 1);
    const [t] = tablets as [Tablet];
    const report = await engines[0]?.sync();
    expect(report?.pulled).toBeGreaterThan(0);
    const assessment = await t.store.assessments.get(a);
    expect(assessment).toMatchObject({ id: a, status: 'belum', submittedAt: null });
    const v = await t.store.verifications.listByAssessment(a);
    expect(v.map((x) => [x.indicatorNo, x.selfLevel, x.selfJustification])).toEqual([
      [1, 1, 'Mandiri 1'],
      [2, 2, 'Mandiri 2'],
      [3, 3, 'Mandiri 3'],
    ]);
    // A later change of the self-assessment reaches the tablet at its next pull.
    const coordinator = await ctx().base.login('coordinator');
    const period = ctx().base.demo?.periodId as string;
    const unitId = (await t.store.assessments.get(a))?.unitId as string;
    const put = await ctx().call('PUT', `/api/periods/${period}/units/${unitId}/self-assessment`, {
      token: coordinator,
      json: { levels: [{ indicatorNo: 1, level: 4, justification: 'Direvisi' }] },
    });
    expect(put.status).toBe(200);
    await engines[0]?.sync();
    const after = await t.store.verifications.listByAssessment(a);
    expect(after.map((x) => [x.indicatorNo, x.selfLevel, x.selfJustification])).toEqual([
      [1, 4, 'Direvisi'],
      [2, null, ''],
      [3, null, ''],
    ]);
  });

  it('applies a push once: versions come back, a retried batch changes nothing, the audit names who and when', async () => {
    const h = ctx();
    const { tablets, engines, a, coordinator } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    await engines[0]?.sync();
    await t.store.verifications.update(a, 1, { verifiedLevel: 2, notes: 'SK ada' });
    await t.store.verifications.update(a, 2, { verifiedLevel: 3 });
    const batch = await t.store.outbox.peek(500);
    expect(batch.map((m) => m.seq)).toEqual([1, 2]);
    const first = await push(h, t, batch);
    expect(first.status).toBe(200);
    expect(first.body.appliedThrough).toBe(2);
    expect(first.body.results[0].fields).toEqual({
      verifiedLevel: { outcome: 'applied', version: 1 },
      notes: { outcome: 'applied', version: 1 },
    });
    const counts = await h.base.rowCounts();
    const again = await push(h, t, batch);
    expect(again.status).toBe(200);
    // Duplicates (same content): the stored outcomes come back, nothing is applied again.
    expect(again.body).toEqual({
      appliedThrough: 2,
      results: [
        { seq: 1, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
        { seq: 2, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
      ],
      conflicts: [],
      serverTime: h.base.clock.now,
      // The database's incarnation (never restored here).
      incarnation: { id: expect.any(String), parent: null, restoredThrough: null },
    });
    expect(await h.base.rowCounts()).toEqual(counts);
    // The engine sends the same batch again (its ack was "lost"), then pulls: nothing doubles.
    await engines[0]?.sync();
    expect(await t.store.outbox.count()).toBe(0);
    expect(await h.base.rowCounts()).toEqual(counts);

    const audit = await h.call('GET', `/api/assessments/${a}/audit?indicatorNo=1`, {
      token: coordinator,
    });
    expect(audit.status).toBe(200);
    const mine = audit.body.entries.filter((e: { source: string }) => e.source === 'push');
    expect(mine.map((e: { field: string; value: unknown }) => [e.field, e.value])).toEqual([
      ['verifiedLevel', 2],
      ['notes', 'SK ada'],
    ]);
    expect(mine[0]).toMatchObject({
      device: { id: t.deviceId, label: 'Tablet A' },
      account: { name: expect.stringContaining('Verifikator') },
      deviceAt: batch[0]?.at,
      serverAt: h.base.clock.now,
      version: 1,
    });
    const viewer = await h.base.login('viewer');
    expect((await h.call('GET', `/api/assessments/${a}/audit`, { token: viewer })).status).toBe(
      200,
    );
  });

  it('refuses a gap in seq (409 seq_gap in both languages) and writes nothing', async () => {
    const h = ctx();
    const { tablets, a } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    const ok = await push(h, t, [
      mutation(t.deviceId, 1, {
        entity: 'verification',
        id: verificationId(a, 1),
        changes: { notes: 'a' },
      }),
    ]);
    expect(ok.status).toBe(200);
    const counts = await h.base.rowCounts();
    const gap = [
      mutation(t.deviceId, 3, {
        entity: 'verification',
        id: verificationId(a, 1),
        changes: { notes: 'c' },
      }),
    ];
    const r = await push(h, t, gap);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('seq_gap');
    expect(r.body.message).toContain('server menunggu nomor 2');
    const en = await h.call('POST', '/api/sync/push', {
      token: t.token,
      lang: 'en',
      json: { deviceId: t.deviceId, mutations: gap },
    });
    expect(en.body.message).toContain('expects number 2');
    expect(await h.base.rowCounts()).toEqual(counts);
  });

  it('rejects records outside the verifier’s scope per mutation (seq consumed); refuses sessions and foreign device ids, writing nothing', async () => {
    const h = ctx();
    const { tablets } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    const other = await newTeam(h.services, h.base, { verifiers: 1 });
    const foreign = other.assessmentIds[0] as string;
    const session = await h.base.login('verifier1');
    const counts = await h.base.rowCounts();
    const r = await push(h, t, [
      mutation(t.deviceId, 1, {
        entity: 'verification',
        id: verificationId(foreign, 1),
        changes: { verifiedLevel: 5 },
      }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.appliedThrough).toBe(1);
    expect(r.body.results[0]).toMatchObject({
      seq: 1,
      outcome: 'rejected',
      rejection: { code: 'not_assigned', assessmentId: foreign, retryable: true },
    });
    // A new comment names its assessment: a foreign one is rejected the same way.
    const c = await push(h, t, [
      mutation(t.deviceId, 2, {
        entity: 'comment',
        id: '0190a6f2-5c3e-7b1a-8f00-00000000c001',
        changes: {
          assessmentId: foreign,
          body: 'x',
          author: 'x',
          createdAt: Date.UTC(2023, 9, 2),
        },
      }),
    ]);
    expect(c.body.results[0].rejection.code).toBe('not_assigned');
    // Only the rejections were kept (with their seqs and the cursor), no record data.
    const rejected = await h.base.rowCounts();
    expect(rejected).toEqual({
      ...counts,
      syncRejections: (counts.syncRejections ?? 0) + 2,
      deviceSeqHashes: (counts.deviceSeqHashes ?? 0) + 2,
      deviceCursors: (counts.deviceCursors ?? 0) + 1,
    });
    const mismatch = await push(h, t, [], 'another-device');
    expect(mismatch.status).toBe(422); // an empty batch is malformed before anything else
    const wrongDevice = await h.call('POST', '/api/sync/push', {
      token: t.token,
      json: {
        deviceId: 'another-device',
        mutations: [
          mutation('another-device', 1, {
            entity: 'assessment',
            id: 'x',
            changes: { status: 'sedang' },
          }),
        ],
      },
    });
    expect(wrongDevice.status).toBe(403);
    expect(wrongDevice.body.code).toBe('device_mismatch');
    const verifierLogin = await h.call('POST', '/api/sync/push', {
      token: session,
      json: { deviceId: t.deviceId, mutations: [] },
    });
    expect(verifierLogin.status).toBe(403);
    const noProtocol = await h.call('GET', '/api/sync/pull', { token: t.token, noProtocol: true });
    expect(noProtocol.status).toBe(426);
    expect(await h.base.rowCounts()).toEqual(rejected);
  });

  it('rejects an invalid value, a server-owned field or an identity change per mutation, writing none of it', async () => {
    const h = ctx();
    const { tablets, a } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    const counts = await h.base.rowCounts();
    const r = await push(h, t, [
      mutation(t.deviceId, 1, {
        entity: 'verification',
        id: verificationId(a, 1),
        changes: { notes: 'ok' },
      }),
      mutation(t.deviceId, 2, {
        entity: 'verification',
        id: verificationId(a, 1),
        changes: { verifiedLevel: 9, notApplicable: false },
      }),
      // Server-owned fields and identity changes are rejected as well.
      mutation(t.deviceId, 3, {
        entity: 'verification',
        id: verificationId(a, 1),
        changes: { selfLevel: 5 },
      }),
      mutation(t.deviceId, 4, { entity: 'assessment', id: a, changes: { status: 'disetujui' } }),
      mutation(t.deviceId, 5, { entity: 'assessment', id: a, changes: { unitId: 'lain' } }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.appliedThrough).toBe(5);
    expect(
      r.body.results.map(
        (x: {
          seq: number;
          outcome: string;
          rejection: { code: string; field: string } | null;
        }) => [x.seq, x.outcome, x.rejection?.code ?? null, x.rejection?.field ?? null],
      ),
    ).toEqual([
      [1, 'applied', null, null],
      // 9 is no value of the indicator's instrument: said as its domain (SPBE 2020: whole levels 1–5).
      [2, 'rejected', 'value_out_of_domain', 'verifiedLevel'],
      [3, 'rejected', 'field_not_writable', 'selfLevel'],
      [4, 'rejected', 'field_not_writable', 'status'],
      [5, 'rejected', 'immutable_field', 'unitId'],
    ]);
    // Only the valid note was written (one field); seq 2's valid `notApplicable` was not.
    expect(await h.base.rowCounts()).toEqual({
      ...counts,
      changes: (counts.changes ?? 0) + 1,
      recordFields: (counts.recordFields ?? 0) + 1,
      syncRejections: (counts.syncRejections ?? 0) + 4,
      deviceSeqHashes: (counts.deviceSeqHashes ?? 0) + 5,
      deviceCursors: (counts.deviceCursors ?? 0) + 1,
    });
  });

  it('treats one tablet’s consecutive edits of a field as a sequence, not a conflict', async () => {
    const h = ctx();
    const { tablets, engines, a } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    await engines[0]?.sync();
    await t.store.verifications.update(a, 1, { verifiedLevel: 2 });
    await t.store.verifications.update(a, 1, { verifiedLevel: 3 });
    await t.store.verifications.update(a, 1, { verifiedLevel: 4 });
    const batch = await t.store.outbox.peek(10);
    expect(batch.map((m) => m.baseVersions.verifiedLevel)).toEqual([0, 0, 0]);
    const r = await push(h, t, batch);
    expect(
      r.body.results.map((x: { fields: { verifiedLevel: unknown } }) => x.fields.verifiedLevel),
    ).toEqual([
      { outcome: 'applied', version: 1 },
      { outcome: 'applied', version: 2 },
      { outcome: 'applied', version: 3 },
    ]);
    expect(r.body.conflicts).toEqual([]);
  });

  it('keeps the server’s value and records a conflict with both values when two tablets edit one field', async () => {
    const h = ctx();
    const { tablets, engines, a, coordinator } = await setup(h, 2);
    const [ta, tb] = tablets as [Tablet, Tablet];
    await engines[0]?.sync();
    await engines[1]?.sync();
    h.base.clock.advance(60_000);
    await ta.store.verifications.update(a, 1, { verifiedLevel: 4, notes: 'A' });
    await tb.store.verifications.update(a, 1, { verifiedLevel: 2 });
    await engines[0]?.sync();
    const report = await engines[1]?.sync();
    expect(report?.conflicts).toBeGreaterThan(0);

    const server = await h.call('GET', `/api/conflicts?periodId=${h.base.demo?.periodId}`, {
      token: coordinator,
    });
    const mine = server.body.conflicts.filter(
      (c: { assessmentId: string }) => c.assessmentId === a,
    );
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      entity: 'verification',
      recordId: verificationId(a, 1),
      field: 'verifiedLevel',
      localValue: 2,
      serverValue: 4,
      serverVersion: 1,
      baseVersion: 0,
      localDeviceId: tb.deviceId,
      localAuthor: expect.stringContaining('(Tablet B)'),
      serverAuthor: expect.stringContaining('(Tablet A)'),
      resolved: false,
    });
    // The server value stayed.
    const audit = await h.call('GET', `/api/assessments/${a}/audit?indicatorNo=1`, {
      token: coordinator,
    });
    const levels = audit.body.entries.filter((e: { field: string }) => e.field === 'verifiedLevel');
    expect(levels.map((e: { value: unknown }) => e.value)).toEqual([4]);
    // Tablet B holds the conflict, both values and both authors.
    const local = await tb.store.conflicts.listOpen();
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({ localValue: 2, serverValue: 4, resolved: false });
    // Tablet A, whose value B disputed, is told at its next pull: its own value is the
    // server's, B's is the other.
    await engines[0]?.sync();
    const told = await ta.store.conflicts.listOpen();
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ role: 'disputed', localValue: 2, serverValue: 4 });
    expect(local[0]?.role).toBe('raised');
  });

  it('closes a conflict when the tablet keeps the server’s value (same) or its own (applied)', async () => {
    const h = ctx();
    const { tablets, engines, a } = await setup(h, 2);
    const [ta, tb] = tablets as [Tablet, Tablet];
    await Promise.all([engines[0]?.sync(), engines[1]?.sync()]);
    await ta.store.verifications.update(a, 1, { verifiedLevel: 4, notes: 'dari A' });
    await tb.store.verifications.update(a, 1, { verifiedLevel: 2, notes: 'dari B' });
    await engines[0]?.sync();
    await engines[1]?.sync();
    const open = await tb.store.conflicts.listOpen();
    const level = open.find((c) => c.field === 'verifiedLevel');
    const notes = open.find((c) => c.field === 'notes');
    expect(open).toHaveLength(2);
    // Keep the server's level, keep my own notes.
    await tb.store.conflicts.resolve(level?.id as string, level?.serverValue);
    await tb.store.conflicts.resolve(notes?.id as string, notes?.localValue);
    const outbox = await tb.store.outbox.peek(10);
    const r = await push(h, tb, outbox);
    const outcomes = r.body.results.flatMap((x: { fields: Record<string, { outcome: string }> }) =>
      Object.entries(x.fields).map(([f, o]) => `${f}:${o.outcome}`),
    );
    expect(outcomes.sort()).toEqual(['notes:applied', 'verifiedLevel:same']);
    const coordinator = await h.base.login('coordinator');
    const all = await h.call('GET', '/api/conflicts?status=all', { token: coordinator });
    const mine = all.body.conflicts.filter((c: { assessmentId: string }) => c.assessmentId === a);
    expect(
      mine.map((c: { field: string; resolution: string }) => [c.field, c.resolution]).sort(),
    ).toEqual([
      ['notes', 'local'],
      ['verifiedLevel', 'server_kept'],
    ]);
    // Tablet A pulls B's notes and sees both conflicts closed.
    await engines[0]?.sync();
    expect((await ta.store.verifications.get(a, 1))?.notes).toBe('dari B');
    expect(await ta.store.conflicts.listOpen()).toEqual([]);
  });

  it('lets a coordinator resolve a conflict; the decision reaches every tablet by pull', async () => {
    const h = ctx();
    const { tablets, engines, a, coordinator } = await setup(h, 2);
    const [ta, tb] = tablets as [Tablet, Tablet];
    await Promise.all([engines[0]?.sync(), engines[1]?.sync()]);
    await ta.store.beritaAcara.update(a, { place: 'Aula Diskominfo' });
    await tb.store.beritaAcara.update(a, { place: 'Ruang rapat OPD' });
    await engines[0]?.sync();
    await engines[1]?.sync();
    const open = await h.call('GET', '/api/conflicts?status=open', { token: coordinator });
    const c = open.body.conflicts.find((x: { assessmentId: string }) => x.assessmentId === a);
    expect(c).toMatchObject({
      field: 'place',
      localValue: 'Ruang rapat OPD',
      serverValue: 'Aula Diskominfo',
    });
    const bad = await h.call('POST', `/api/conflicts/${c.id}/resolve`, {
      token: coordinator,
      json: { value: 42 },
    });
    expect(bad.status).toBe(422);
    const ok = await h.call('POST', `/api/conflicts/${c.id}/resolve`, {
      token: coordinator,
      json: { value: 'Ruang rapat OPD' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ resolved: true, resolution: 'coordinator' });
    const twice = await h.call('POST', `/api/conflicts/${c.id}/resolve`, {
      token: coordinator,
      json: { value: 'x' },
    });
    expect([twice.status, twice.body.code]).toEqual([409, 'conflict_resolved']);
    await engines[0]?.sync();
    await engines[1]?.sync();
    for (const t of [ta, tb]) {
      expect((await t.store.beritaAcara.get(a))?.place).toBe('Ruang rapat OPD');
      expect(await t.store.conflicts.listOpen()).toEqual([]);
    }
    const audit = await h.call('GET', `/api/assessments/${a}/audit`, { token: coordinator });
    const places = audit.body.entries.filter((e: { field: string }) => e.field === 'place');
    expect(places.map((e: { source: string; value: string }) => [e.source, e.value])).toEqual([
      ['push', 'Aula Diskominfo'],
      ['resolution', 'Ruang rapat OPD'],
    ]);
  });

  it('brings a coordinator’s review (server-side write) to the tablet, and a tablet may resume work after it', async () => {
    const h = ctx();
    const { tablets, engines, a } = await setup(h, 1);
    const [t] = tablets as [Tablet];
    await engines[0]?.sync();
    await t.store.assessments.update(a, { status: 'selesai' });
    await engines[0]?.sync();
    const coordinatorId = await h.base.accountId('coordinator');
    const review = (
      entity: 'assessment' | 'verification',
      id: string,
      values: Record<string, unknown>,
    ) =>
      h.services.sync.serverWrite({
        entity,
        id,
        assessmentId: a,
        values,
        actorId: coordinatorId,
        source: 'review',
      });
    expect(await review('assessment', a, { status: 'dikembalikan' })).toBe(1);
    expect(
      await review('verification', verificationId(a, 2), { reviewComment: 'Lampirkan SK' }),
    ).toBe(1);
    expect(
      await review('verification', verificationId(a, 2), { reviewComment: 'Lampirkan SK' }),
    ).toBe(0);
    await expect(review('assessment', a, { status: 'hilang' })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    await engines[0]?.sync();
    expect((await t.store.assessments.get(a))?.status).toBe('dikembalikan');
    expect((await t.store.verifications.get(a, 2))?.reviewComment).toBe('Lampirkan SK');
    expect(
      (await h.services.assignments.getAssessment(a, await h.services.auth.resolve(t.token)))
        .status,
    ).toBe('dikembalikan');
    // The verifier works on: its edit is based on the coordinator's version, no conflict.
    await t.store.assessments.update(a, { status: 'sedang' });
    const r = await push(h, t, await t.store.outbox.peek(10));
    expect(r.body.results[0].fields.status.outcome).toBe('applied');
  });

  it('sends a whole assessment to a tablet that is assigned it after its cursor moved on', async () => {
    const h = ctx();
    const { team, tablets, engines, a, coordinator } = await setup(h, 2, { verifiers: 2 });
    const [ta, tb] = tablets as [Tablet, Tablet];
    await engines[0]?.sync();
    await ta.store.verifications.update(a, 2, { verifiedLevel: 5, notes: 'lengkap' });
    await engines[0]?.sync();
    // A second unit, assigned first to verifier 0 only, gathers changes...
    const unit = await h.services.units.create({
      code: `UJI.LATE.${Date.now()}`,
      name: 'Unit belakangan',
      kind: 'opd',
      parentId: await h.base.unitId('36.72'),
    });
    const v0 = team.verifiers[0]?.id as string;
    const v1 = team.verifiers[1]?.id as string;
    const periodId = team.periodId;
    const made = await h.call('POST', '/api/assignments', {
      token: coordinator,
      json: { periodId, verifierId: v0, unitIds: [unit.id] },
    });
    const late = made.body.assignments[0].assessmentId as string;
    await engines[0]?.sync();
    await ta.store.verifications.update(late, 7, { verifiedLevel: 3 });
    await engines[0]?.sync();
    await engines[1]?.sync(); // B's cursor is now past all of that
    expect(await tb.store.assessments.get(late)).toBeNull();
    // ...then verifier 1 is assigned too: B's next pull brings the whole assessment.
    await h.call('POST', '/api/assignments', {
      token: coordinator,
      json: { periodId, verifierId: v1, unitIds: [unit.id] },
    });
    await engines[1]?.sync();
    expect(await tb.store.assessments.get(late)).toMatchObject({
      status: 'belum',
      unitId: unit.id,
    });
    expect((await tb.store.verifications.get(late, 7))?.verifiedLevel).toBe(3);
  });
});
