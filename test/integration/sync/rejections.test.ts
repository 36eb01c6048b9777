import { expect, it } from 'vitest';
import { beritaAcaraId, verificationId } from '../../../src/core';
import {
  edit,
  enrolRaw,
  handled,
  outcomes,
  pushRaw,
  type RawTablet,
  serverValue,
} from '../../helpers/raw-push';
import { describeSync, newTeam, type SyncHarness, type Team } from '../../helpers/sync-harness';

/**
 * Refused changes, server side: one refused change never holds back the others. The push
 * answers per mutation; a rejected one writes nothing, its seq is consumed, and the
 * rejection (code, both languages, unit, indicator, field) is stored for the coordinator.
 */
describeSync('sync push: per-mutation rejections', (ctx) => {
  async function setup(h: SyncHarness, options: { units?: number; verifiers?: number } = {}) {
    const team = await newTeam(h.services, h.base, {
      units: options.units ?? 1,
      verifiers: options.verifiers ?? 1,
    });
    const tablets: RawTablet[] = [];
    for (const [i, v] of team.verifiers.entries())
      tablets.push(await enrolRaw(h, v.id, `Tablet ${String.fromCharCode(65 + i)}`));
    return { team, tablets, t: tablets[0] as RawTablet };
  }

  async function unitName(h: SyncHarness, id: string): Promise<string> {
    return (await h.services.units.tree()).find((u) => u.id === id)?.name as string;
  }

  async function withdraw(h: SyncHarness, team: Team, unitId: string, verifierId: string) {
    const coordinator = await h.base.login('coordinator');
    const list = await h.call('GET', `/api/assignments?periodId=${team.periodId}`, {
      token: coordinator,
    });
    const a = list.body.assignments.find(
      (x: { unitId: string; verifierId: string }) =>
        x.unitId === unitId && x.verifierId === verifierId,
    );
    const r = await h.call('DELETE', `/api/assignments/${a.id}`, { token: coordinator });
    expect(r.status).toBeLessThan(300);
  }

  it('rejects the edits of a withdrawn unit A naming A, applies unit B’s, and moves the cursor past both', async () => {
    const h = ctx();
    const { team, t } = await setup(h, { units: 2 });
    const [a, b] = team.assessmentIds as [string, string];
    const [unitA] = team.unitIds as [string, string];
    const nameA = await unitName(h, unitA);
    const first = await pushRaw(h, t, [
      edit(t, 1, 'verification', verificationId(a, 1), { notes: 'A sebelum' }),
      edit(t, 2, 'verification', verificationId(b, 1), { notes: 'B sebelum' }),
    ]);
    expect(outcomes(first)).toEqual(['1:applied', '2:applied']);
    // Offline, the verifier edits both units; meanwhile the coordinator withdraws A.
    await withdraw(h, team, unitA, team.verifiers[0]?.id as string);
    const batch = [
      edit(t, 3, 'verification', verificationId(a, 1), { notes: 'A sesudah' }, { notes: 1 }),
      edit(t, 4, 'verification', verificationId(b, 1), { notes: 'B sesudah' }, { notes: 1 }),
      edit(t, 5, 'verification', verificationId(a, 2), { verifiedLevel: 3 }),
      edit(t, 6, 'verification', verificationId(b, 2), { verifiedLevel: 4 }),
    ];
    const r = await pushRaw(h, t, batch);
    expect(r.status).toBe(200);
    expect(r.body.appliedThrough).toBe(6);
    expect(outcomes(r)).toEqual(['3:rejected', '4:applied', '5:rejected', '6:applied']);
    const [r3, , r5] = r.body.results;
    expect(r3.rejection).toMatchObject({
      code: 'not_assigned',
      entity: 'verification',
      recordId: verificationId(a, 1),
      assessmentId: a,
      unitId: unitA,
      unitName: nameA,
      indicatorNo: 1,
      retryable: true,
    });
    expect(r3.rejection.message).toContain(nameA);
    expect(r3.rejection.messageEn).toContain(nameA);
    expect(r3.fields).toEqual({});
    expect(r5.rejection).toMatchObject({ code: 'not_assigned', unitName: nameA, indicatorNo: 2 });

    // B's edits arrived, A's did not.
    expect(await serverValue(h, b, verificationId(b, 1), 'notes')).toBe('B sesudah');
    expect(await serverValue(h, b, verificationId(b, 2), 'verifiedLevel')).toBe(4);
    expect(await serverValue(h, a, verificationId(a, 1), 'notes')).toBe('A sebelum');
    expect(await serverValue(h, a, verificationId(a, 2), 'verifiedLevel')).toBeUndefined();
    // The next change continues after the rejected seqs; pulls keep working.
    const next = await pushRaw(h, t, [
      edit(t, 7, 'verification', verificationId(b, 3), { notes: 'B lagi' }),
    ]);
    expect([next.status, next.body.appliedThrough, outcomes(next)]).toEqual([
      200,
      7,
      ['7:applied'],
    ]);
    const pull = await h.call('GET', '/api/sync/pull?cursor=0', { token: t.token });
    expect(pull.status).toBe(200);

    // The coordinator (and a viewer) can see what was refused, with the change itself.
    const coordinator = await h.base.login('coordinator');
    const list = await h.call('GET', `/api/sync/rejections?assessmentId=${a}`, {
      token: coordinator,
    });
    expect(list.status).toBe(200);
    expect(
      list.body.rejections.map((x: { seq: number; code: string; deviceId: string }) => [
        x.seq,
        x.code,
        x.deviceId,
      ]),
    ).toEqual([
      [3, 'not_assigned', t.deviceId],
      [5, 'not_assigned', t.deviceId],
    ]);
    expect(list.body.rejections[0]).toMatchObject({
      unitName: nameA,
      deviceLabel: 'Tablet A',
      source: 'push',
      mutation: { seq: 3, changes: { notes: 'A sesudah' } },
    });
    const byDevice = await h.call('GET', `/api/sync/rejections?deviceId=${t.deviceId}`, {
      token: await h.base.login('viewer'),
    });
    expect(byDevice.body.rejections.map((x: { seq: number }) => x.seq)).toEqual([3, 5]);
    const verifier = await h.call('GET', `/api/sync/rejections?assessmentId=${a}`, {
      token: t.token,
    });
    expect(verifier.status).toBe(403);
  });

  it('answers a repeated batch with the stored outcomes, the rejection included, and writes nothing', async () => {
    const h = ctx();
    const { team, t } = await setup(h, { units: 2 });
    const [a, b] = team.assessmentIds as [string, string];
    await withdraw(h, team, team.unitIds[0] as string, team.verifiers[0]?.id as string);
    const batch = [
      edit(t, 1, 'verification', verificationId(b, 1), { verifiedLevel: 2 }),
      edit(t, 2, 'verification', verificationId(a, 1), { verifiedLevel: 2 }),
      edit(t, 3, 'verification', verificationId(b, 2), { notes: 'x\u0000y' }),
    ];
    const first = await pushRaw(h, t, batch);
    expect(outcomes(first)).toEqual(['1:applied', '2:rejected', '3:rejected']);
    const counts = await h.base.rowCounts();
    // The tablet never got that answer and sends the same batch again.
    const again = await pushRaw(h, t, batch);
    expect(again.status).toBe(200);
    expect(again.body.appliedThrough).toBe(3);
    expect(handled(again)).toEqual([
      [1, 'applied', true],
      [2, 'rejected', true],
      [3, 'rejected', true],
    ]);
    expect(again.body.results[1].rejection).toEqual(first.body.results[1].rejection);
    expect(again.body.results[2].rejection).toEqual(first.body.results[2].rejection);
    expect(await h.base.rowCounts()).toEqual(counts);
  });

  it('rejects a note holding U+0000 naming the field, and applies the later changes of the batch', async () => {
    const h = ctx();
    const { team, t } = await setup(h);
    const a = team.assessmentIds[0] as string;
    const pasted = 'Catatan dari PDF\u0000 halaman 2';
    const r = await pushRaw(h, t, [
      edit(t, 1, 'verification', verificationId(a, 3), { notes: pasted, verifiedLevel: 2 }),
      edit(t, 2, 'verification', verificationId(a, 3), { notes: 'Catatan bersih' }),
      edit(t, 3, 'verification', verificationId(a, 4), { verifiedLevel: 5 }),
      edit(t, 4, 'evidenceFile', '0190a6f2-5c3e-7b1a-8f00-00000000e001', {
        assessmentId: a,
        indicatorNo: 4,
        sha256: 'a'.repeat(64),
        name: 'foto\uD83D.jpg', // half an emoji
        mime: 'image/jpeg',
        bytes: 10,
        width: null,
        height: null,
        capturedAt: Date.UTC(2023, 9, 2),
        location: null,
        deleted: false,
      }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.appliedThrough).toBe(4);
    expect(outcomes(r)).toEqual(['1:rejected', '2:applied', '3:applied', '4:rejected']);
    expect(r.body.results[0].rejection).toMatchObject({
      code: 'validation_failed',
      field: 'notes',
      indicatorNo: 3,
      assessmentId: a,
      unitId: team.unitIds[0],
      retryable: false,
    });
    // The field as the verifier knows it, not its code name.
    expect(r.body.results[0].rejection.message).toContain('Isian "Catatan" tidak valid');
    expect(r.body.results[0].rejection.messageEn).toContain('The field "Notes" is not valid');
    expect(r.body.results[0].rejection.messageEn).toContain('not allowed');
    expect(r.body.results[3].rejection).toMatchObject({
      code: 'validation_failed',
      field: 'name',
      indicatorNo: 4,
    });
    // No field of the refused mutation was written (its valid level neither).
    expect(await serverValue(h, a, verificationId(a, 3), 'verifiedLevel')).toBeUndefined();
    expect(await serverValue(h, a, verificationId(a, 3), 'notes')).toBe('Catatan bersih');
    expect(await serverValue(h, a, verificationId(a, 4), 'verifiedLevel')).toBe(5);
    // The refused change is kept as sent, NUL included, for the coordinator to see.
    const list = await h.call('GET', `/api/sync/rejections?deviceId=${t.deviceId}`, {
      token: await h.base.login('coordinator'),
    });
    expect(list.body.rejections[0].mutation.changes.notes).toBe(pasted);
    expect(list.body.rejections.map((x: { seq: number }) => x.seq)).toEqual([1, 4]);
  });

  it('rejects a berita acara signed at 8.7e15 ms (beyond any date) and keeps the page readable', async () => {
    const h = ctx();
    const { team, t } = await setup(h);
    const a = team.assessmentIds[0] as string;
    const r = await pushRaw(h, t, [
      edit(t, 1, 'beritaAcara', beritaAcaraId(a), {
        assessmentId: a,
        place: 'Aula',
        signedAt: 8.7e15,
      }),
      edit(t, 2, 'beritaAcara', beritaAcaraId(a), { assessmentId: a, place: 'Aula' }),
    ]);
    expect(outcomes(r)).toEqual(['1:rejected', '2:applied']);
    expect(r.body.results[0].rejection).toMatchObject({
      code: 'validation_failed',
      field: 'signedAt',
      entity: 'beritaAcara',
    });
    expect(r.body.results[0].rejection.message).toContain('2000–2100');
    expect(await serverValue(h, a, beritaAcaraId(a), 'signedAt')).toBeUndefined();
  });

  it('rejects a push into a closed period (pulls still work) and accepts it while the period is open', async () => {
    const h = ctx();
    const coordinator = await h.base.login('coordinator');
    const demo = await h.services.periods.get(h.base.demo?.periodId as string);
    const period = await h.services.periods.create({
      name: `Periode uji tutup ${Math.random().toString(36).slice(2, 6)}`,
      year: 2024,
      frameworkId: demo.frameworkId,
      targetIndex: 3,
      status: 'active',
    });
    const unit = await h.services.units.create({
      code: `UJI.TUTUP.${Math.random().toString(36).slice(2, 8)}`,
      name: 'Unit periode tutup',
      kind: 'opd',
      parentId: await h.base.unitId('36.72'),
    });
    const verifier = await h.services.accounts.create({
      email: `tutup-${Math.random().toString(36).slice(2, 8)}@uji.test`,
      name: 'Verifikator periode tutup',
      role: 'verifier',
    });
    const made = await h.call('POST', '/api/assignments', {
      token: coordinator,
      json: { periodId: period.id, verifierId: verifier.id, unitIds: [unit.id] },
    });
    const a = made.body.assignments[0].assessmentId as string;
    const t = await enrolRaw(h, verifier.id);
    const open = await pushRaw(h, t, [
      edit(t, 1, 'verification', verificationId(a, 1), { notes: 'sebelum tutup' }),
    ]);
    expect(outcomes(open)).toEqual(['1:applied']);
    const closed = await h.call('PATCH', `/api/periods/${period.id}`, {
      token: coordinator,
      json: { status: 'closed' },
    });
    expect(closed.status).toBe(200);
    const r = await pushRaw(h, t, [
      edit(t, 2, 'verification', verificationId(a, 1), { notes: 'sesudah tutup' }, { notes: 1 }),
    ]);
    expect([r.status, r.body.appliedThrough, outcomes(r)]).toEqual([200, 2, ['2:rejected']]);
    expect(r.body.results[0].rejection).toMatchObject({
      code: 'period_closed',
      unitName: 'Unit periode tutup',
      retryable: true,
    });
    expect(r.body.results[0].rejection.message).toContain(period.name);
    expect(await serverValue(h, a, verificationId(a, 1), 'notes')).toBe('sebelum tutup');
    const pull = await h.call('GET', '/api/sync/pull?cursor=0', { token: t.token });
    expect(pull.status).toBe(200);
    expect(
      pull.body.changes.find((c: { id: string }) => c.id === verificationId(a, 1))?.fields.notes,
    ).toBe('sebelum tutup');
  });

  it('rejects a mutation with one unwritable field whole, and the record-level refusals one by one', async () => {
    const h = ctx();
    const { team, t } = await setup(h);
    const a = team.assessmentIds[0] as string;
    const r = await pushRaw(h, t, [
      // A server-owned field next to an ordinary one: neither is written.
      edit(t, 1, 'verification', verificationId(a, 1), { notes: 'ikut ditolak', selfLevel: 5 }),
      edit(t, 2, 'assessment', a, { status: 'disetujui' }),
      edit(t, 3, 'assessment', a, { unitId: 'unit-lain' }),
      // An evidence record the server never saw, without its assessment.
      edit(t, 4, 'evidenceFile', '0190a6f2-5c3e-7b1a-8f00-00000000e002', { deleted: true }),
      // Based on the version the assignment created: applied.
      edit(t, 5, 'assessment', a, { status: 'sedang' }, { status: 1 }),
    ]);
    expect(r.status).toBe(200);
    expect(outcomes(r)).toEqual([
      '1:rejected',
      '2:rejected',
      '3:rejected',
      '4:rejected',
      '5:applied',
    ]);
    expect(
      r.body.results
        .slice(0, 4)
        .map((x: { rejection: { code: string; field: string } }) => [
          x.rejection.code,
          x.rejection.field,
        ]),
    ).toEqual([
      ['field_not_writable', 'selfLevel'],
      ['field_not_writable', 'status'],
      ['immutable_field', 'unitId'],
      ['record_unknown', null],
    ]);
    expect(await serverValue(h, a, verificationId(a, 1), 'notes')).toBeUndefined();
    expect(await serverValue(h, a, a, 'status')).toBe('sedang');
  });

  it('refuses a push too deeply nested and a NUL in the rejections query with a 4xx, writing nothing', async () => {
    const h = ctx();
    const { t } = await setup(h);
    const counts = await h.base.rowCounts();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const r = await h.call('POST', '/api/sync/push', {
      token: t.token,
      body: `{"deviceId":"${t.deviceId}","mutations":${deep}}`,
      contentType: 'application/json',
    });
    expect([r.status, r.body.code]).toEqual([400, 'json_too_deep']);
    const q = await h.call('GET', '/api/sync/rejections?assessmentId=%00', {
      token: await h.base.login('coordinator'),
    });
    expect(q.status >= 400 && q.status < 500).toBe(true);
    expect(await h.base.rowCounts()).toEqual(counts);
  });

  it('treats NFC and NFD of the same note as the same value, never a conflict', async () => {
    const h = ctx();
    const { team, tablets } = await setup(h, { verifiers: 2 });
    const [ta, tb] = tablets as [RawTablet, RawTablet];
    const a = team.assessmentIds[0] as string;
    const nfd = 'Pe\u0301riksa SK Wali Kota'; // e + combining acute
    const nfc = nfd.normalize('NFC');
    expect(nfc).not.toBe(nfd);
    const ra = await pushRaw(h, ta, [
      edit(ta, 1, 'verification', verificationId(a, 5), { notes: nfd }),
    ]);
    expect(ra.body.results[0].fields.notes).toEqual({ outcome: 'applied', version: 1 });
    // Stored normalised.
    expect(await serverValue(h, a, verificationId(a, 5), 'notes')).toBe(nfc);
    const rb = await pushRaw(h, tb, [
      edit(tb, 1, 'verification', verificationId(a, 5), { notes: nfc }),
    ]);
    expect(rb.body.results[0]).toMatchObject({
      outcome: 'same',
      fields: { notes: { outcome: 'same', version: 1 } },
    });
    expect(rb.body.conflicts).toEqual([]);
    const open = await h.call('GET', '/api/conflicts?status=open', {
      token: await h.base.login('coordinator'),
    });
    expect(
      open.body.conflicts.filter((c: { assessmentId: string }) => c.assessmentId === a),
    ).toEqual([]);
  });

  it('gives two tablets writing the same value on the same base "same", not a conflict', async () => {
    const h = ctx();
    const { team, tablets } = await setup(h, { verifiers: 2 });
    const [ta, tb] = tablets as [RawTablet, RawTablet];
    const a = team.assessmentIds[0] as string;
    const ra = await pushRaw(h, ta, [
      edit(ta, 1, 'verification', verificationId(a, 2), { verifiedLevel: 3, notApplicable: false }),
    ]);
    expect(ra.body.results[0].outcome).toBe('applied');
    const rb = await pushRaw(h, tb, [
      edit(tb, 1, 'verification', verificationId(a, 2), { verifiedLevel: 3, notApplicable: false }),
    ]);
    expect(rb.body.results[0]).toMatchObject({
      outcome: 'same',
      duplicate: false,
      fields: {
        verifiedLevel: { outcome: 'same', version: 1 },
        notApplicable: { outcome: 'same', version: 1 },
      },
      rejection: null,
    });
    expect(rb.body.conflicts).toEqual([]);
    // A different value on the same base is still a conflict (the control).
    const rc = await pushRaw(h, tb, [
      edit(tb, 2, 'verification', verificationId(a, 2), { verifiedLevel: 4 }),
    ]);
    expect(rc.body.results[0].outcome).toBe('conflict');
    expect(rc.body.conflicts).toHaveLength(1);
  });
});
