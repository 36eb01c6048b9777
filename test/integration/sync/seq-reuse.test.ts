import { expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { inTransaction } from '../../../src/server/db/repositories';
import {
  edit,
  enrolRaw,
  handled,
  outcomes,
  pushRaw,
  type RawTablet,
  serverValue,
  type WireMutation,
} from '../../helpers/raw-push';
import { describeSync, newTeam, type SyncHarness } from '../../helpers/sync-harness';

/**
 * One device identity, one sequence, server side: exactly-once WITH content. The server keeps a
 * hash per (device, seq); the same seq with the same content is a duplicate (the stored outcome is
 * repeated), with other content the whole request is refused 409 `device_seq_reused` and nothing is
 * written — never a silent ack that makes a real edit vanish. Export-file import (`applyBundle`)
 * follows the same rules.
 */
describeSync('sync push: seq reuse and duplicates by content', (ctx) => {
  async function setup(h: SyncHarness) {
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const verifierId = team.verifiers[0]?.id as string;
    const t = await enrolRaw(h, verifierId, 'Tablet asli');
    return { a: team.assessmentIds[0] as string, t, verifierId };
  }

  function importBundle(
    h: SyncHarness,
    t: RawTablet,
    assessmentId: string,
    mutations: WireMutation[],
  ) {
    return inTransaction(h.base.db, async (repos) =>
      h.services.sync.applyBundle(repos, {
        deviceId: t.deviceId,
        assessmentId,
        importedBy: 'koordinator',
        mutations,
      }),
    );
  }

  it('refuses a seq already applied with other content (409 device_seq_reused, both languages) and writes nothing of the request', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    const original = edit(t, 1, 'verification', verificationId(a, 1), {
      notes: 'dari tablet asli',
    });
    expect(outcomes(await pushRaw(h, t, [original]))).toEqual(['1:applied']);
    const counts = await h.base.rowCounts();
    // A clone of the tablet (or one restored from an old backup) issues seq 1 again for
    // another edit, followed by a fresh seq 2.
    const clone = [
      edit(t, 1, 'verification', verificationId(a, 2), { notes: 'dari tablet salinan' }),
      edit(t, 2, 'verification', verificationId(a, 3), { verifiedLevel: 4 }),
    ];
    const r = await pushRaw(h, t, clone);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('device_seq_reused');
    expect(r.body.details).toEqual({ deviceId: t.deviceId, seq: 1 });
    expect(r.body.message).toContain('isi yang berbeda');
    const en = await pushRaw(h, t, clone, 'en');
    expect(en.body.message).toContain('different content');
    expect(await h.base.rowCounts()).toEqual(counts);
    expect(await serverValue(h, a, verificationId(a, 2), 'notes')).toBeUndefined();
    expect(await serverValue(h, a, verificationId(a, 3), 'verifiedLevel')).toBeUndefined();
    // The original content is still a plain duplicate.
    const same = await pushRaw(h, t, [original]);
    expect(same.status).toBe(200);
    expect(same.body.results).toEqual([
      { seq: 1, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
    ]);
  });

  it('refuses a fix of a rejected change sent under the same seq: a fix is a new change', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    const bad = edit(t, 1, 'verification', verificationId(a, 1), { notes: 'a\u0000b' });
    expect(outcomes(await pushRaw(h, t, [bad]))).toEqual(['1:rejected']);
    const fixed = edit(t, 1, 'verification', verificationId(a, 1), { notes: 'ab' });
    const r = await pushRaw(h, t, [fixed]);
    expect([r.status, r.body.code]).toEqual([409, 'device_seq_reused']);
    const asNew = await pushRaw(h, t, [{ ...fixed, seq: 2 }]);
    expect(outcomes(asNew)).toEqual(['2:applied']);
  });

  it('repeats stored outcomes (conflict included) for a same-content duplicate mixed with new seqs', async () => {
    const h = ctx();
    const { a, t, verifierId } = await setup(h);
    // Another tablet of the same verifier writes first: this tablet's edit conflicts.
    const other = await enrolRaw(h, verifierId, 'Tablet kedua');
    await pushRaw(h, other, [
      edit(other, 1, 'verification', verificationId(a, 1), { verifiedLevel: 2 }),
    ]);
    const first = [edit(t, 1, 'verification', verificationId(a, 1), { verifiedLevel: 5 })];
    expect(outcomes(await pushRaw(h, t, first))).toEqual(['1:conflict']);
    const r = await pushRaw(h, t, [
      ...first,
      edit(t, 2, 'verification', verificationId(a, 2), { verifiedLevel: 3 }),
    ]);
    expect(r.body.appliedThrough).toBe(2);
    expect(handled(r)).toEqual([
      [1, 'conflict', true],
      [2, 'applied', false],
    ]);
  });

  it('takes seqs handled before content hashes existed as matching (documented upgrade rule)', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    await pushRaw(h, t, [edit(t, 1, 'verification', verificationId(a, 1), { notes: 'lama' })]);
    // As if seq 1 had been applied by a server before this migration: no stored hash.
    await h.base.db.deleteFrom('deviceSeqHashes').where('deviceId', '=', t.deviceId).execute();
    const r = await pushRaw(h, t, [
      edit(t, 1, 'verification', verificationId(a, 1), { notes: 'isi lain' }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { seq: 1, outcome: 'applied', duplicate: true, fields: {}, rejection: null },
    ]);
    expect(await serverValue(h, a, verificationId(a, 1), 'notes')).toBe('lama');
  });

  it('imports an export file per mutation with the same hash check; the tablet then learns its outcomes', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    const online = [
      edit(t, 1, 'verification', verificationId(a, 1), { notes: 'daring' }),
      edit(t, 2, 'verification', verificationId(a, 2), { verifiedLevel: 2 }),
    ];
    await pushRaw(h, t, online);
    const offline = [
      online[0] as WireMutation,
      edit(t, 3, 'verification', verificationId(a, 3), { notes: 'tempelan\u0000PDF' }),
      edit(t, 4, 'verification', verificationId(a, 4), { verifiedLevel: 4 }),
    ];
    // A seq the server holds with other content refuses the whole import, writing nothing.
    const counts = await h.base.rowCounts();
    await expect(
      importBundle(h, t, a, [
        ...offline,
        edit(t, 2, 'verification', verificationId(a, 2), { verifiedLevel: 5 }),
      ]),
    ).rejects.toMatchObject({
      code: 'device_seq_reused',
      details: { deviceId: t.deviceId, seq: 2 },
    });
    expect(await h.base.rowCounts()).toEqual(counts);

    const result = await importBundle(h, t, a, offline);
    expect(result).toMatchObject({ applied: 1, duplicates: 1, rejected: 1, appliedThrough: 4 });
    expect(result.rejections).toEqual([
      expect.objectContaining({ code: 'validation_failed', field: 'notes', indicatorNo: 3 }),
    ]);
    expect(result.results.map((x) => `${x.seq}:${x.outcome}:${x.duplicate}`)).toEqual([
      '1:applied:true',
      '3:rejected:false',
      '4:applied:false',
    ]);
    // Back online, the tablet sends seqs 3–4: duplicates, the rejection repeated to it.
    const r = await pushRaw(h, t, offline.slice(1));
    expect(r.body.appliedThrough).toBe(4);
    expect(r.body.results[0]).toMatchObject({
      seq: 3,
      outcome: 'rejected',
      duplicate: true,
      rejection: { code: 'validation_failed', field: 'notes' },
    });
    expect(r.body.results[1]).toMatchObject({ seq: 4, outcome: 'applied', duplicate: true });
    const list = await h.call('GET', `/api/sync/rejections?assessmentId=${a}`, {
      token: await h.base.login('coordinator'),
    });
    expect(list.body.rejections).toMatchObject([{ seq: 3, source: 'bundle' }]);
  });

  it('refuses the real tablet’s push when a forged export file claimed its seqs first', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    await importBundle(h, t, a, [
      edit(t, 1, 'verification', verificationId(a, 1), { verifiedLevel: 1, notes: 'palsu' }),
    ]);
    const real = edit(t, 1, 'verification', verificationId(a, 1), { verifiedLevel: 5 });
    const r = await pushRaw(h, t, [real]);
    expect([r.status, r.body.code]).toEqual([409, 'device_seq_reused']);
  });

  it('rejects the changes of an assessment outside the bundle’s (or its verifier’s) scope, per mutation', async () => {
    const h = ctx();
    const { a, t } = await setup(h);
    const other = await newTeam(h.services, h.base, { verifiers: 1 });
    const foreign = other.assessmentIds[0] as string;
    const result = await importBundle(h, t, a, [
      edit(t, 1, 'verification', verificationId(foreign, 1), { notes: 'bukan milik saya' }),
      edit(t, 2, 'verification', verificationId(a, 1), { notes: 'milik saya' }),
    ]);
    expect(result.results.map((x) => `${x.seq}:${x.outcome}`)).toEqual(['1:rejected', '2:applied']);
    expect(result.rejections[0]).toMatchObject({ code: 'not_assigned', assessmentId: foreign });
    // The same device's bundle for an assessment its verifier is not assigned: all rejected.
    const stray = await importBundle(h, t, foreign, [
      edit(t, 3, 'verification', verificationId(foreign, 2), { notes: 'x' }),
    ]);
    expect(stray).toMatchObject({ applied: 0, rejected: 1, appliedThrough: 3 });
    expect(await serverValue(h, foreign, verificationId(foreign, 2), 'notes')).toBeUndefined();
  });
});
