import { expect, it } from 'vitest';
import { kecamatanCode, kelurahanCode, opdCode } from '../../../src/server/seed';
import { describeEachDialect } from '../../helpers/server-context';

/**
 * What the coordinator's unit and assignment pages send: unit renames, moves and deletions
 * with refusals that say why, the bulk reassignment of units between verifiers, and what a
 * viewer may read (the plan) or is refused (writes: 403 `forbidden`, "Anda tidak memiliki
 * akses", never a "not found").
 */

describeEachDialect('unit edits from the units page', (ctx) => {
  it('renames a kelurahan and moves it to another kecamatan; the tree shows it there', async () => {
    const token = await ctx().login('coordinator');
    const unit = await ctx().unitId(kelurahanCode(1, 0)); // Bagendung, Kec. Cilegon
    const target = await ctx().unitId(kecamatanCode(4)); // Kec. Grogol
    const r = await ctx().call('PATCH', `/api/units/${unit}`, {
      token,
      json: { name: 'Kelurahan Bagendung Baru', parentId: target },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Kelurahan Bagendung Baru', parentId: target });
    const tree = (await ctx().call('GET', '/api/units', { token })).body.units as {
      id: string;
      parentId: string | null;
      depth: number;
    }[];
    const at = tree.findIndex((u) => u.id === unit);
    const parentAt = tree.findIndex((u) => u.id === target);
    expect(tree[at]).toMatchObject({ parentId: target, depth: 2 });
    // Listed after its new parent and before the next kecamatan.
    expect(at).toBeGreaterThan(parentAt);
    expect(tree.slice(parentAt + 1, at).every((u) => u.parentId === target)).toBe(true);
  });

  it('refuses a move under the wrong kind of parent in the caller’s language, changing nothing', async () => {
    const token = await ctx().login('coordinator');
    const unit = await ctx().unitId(kelurahanCode(0, 2));
    const before = (await ctx().call('GET', `/api/units/${unit}`, { token })).body;
    const opd = await ctx().unitId(opdCode(1));
    const id = await ctx().call('PATCH', `/api/units/${unit}`, { token, json: { parentId: opd } });
    expect(id.status).toBe(422);
    expect(id.body.code).toBe('unit_parent_invalid');
    expect(id.body.message).toBe(
      'Induk unit tidak sesuai: kelurahan harus berinduk kecamatan, bukan perangkat daerah',
    );
    const en = await ctx().call('PATCH', `/api/units/${unit}`, {
      token,
      lang: 'en',
      json: { parentId: opd },
    });
    expect(en.body.message).toBe(
      'Invalid parent unit: a kelurahan needs kecamatan as parent, not opd',
    );
    expect((await ctx().call('GET', `/api/units/${unit}`, { token })).body).toEqual(before);
  });

  it('refuses to delete a unit that is held, saying by what and what to do first', async () => {
    const token = await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    // Kelurahan Bulakan is assigned to verifier 1 and has its assessment.
    const assessed = await ctx().call(
      'DELETE',
      `/api/units/${await ctx().unitId(kelurahanCode(0, 0))}`,
      {
        token,
      },
    );
    expect(assessed.status).toBe(409);
    expect(assessed.body).toEqual({
      code: 'unit_in_use',
      message:
        'Unit "Kelurahan Bulakan" tidak dapat dihapus karena masih memiliki 1 penugasan, 1 penilaian. Unit yang sudah dinilai tetap disimpan sebagai bukti; ganti namanya atau pindahkan bila perlu.',
    });
    // Kecamatan Pulomerak has four kelurahan and nothing else.
    const parent = await ctx().call(
      'DELETE',
      `/api/units/${await ctx().unitId(kecamatanCode(6))}`,
      {
        token,
        lang: 'en',
      },
    );
    expect(parent.body.message).toBe(
      'The unit "Kecamatan Pulomerak" cannot be deleted: it still has 4 sub-unit(s). Move or delete its sub-units first.',
    );
    expect(await ctx().rowCounts()).toEqual(before);
  });
});

interface Assignment {
  id: string;
  unitId: string;
  verifierId: string;
  assessmentId: string;
}

describeEachDialect('bulk reassignment of units between verifiers', (ctx) => {
  const listed = async (periodId: string): Promise<Assignment[]> =>
    (
      await ctx().call('GET', `/api/assignments?periodId=${periodId}`, {
        token: await ctx().login('coordinator'),
      })
    ).body.assignments;

  it("moves several of verifier 1's units to verifier 2 in one call, keeping each unit's assessment", async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId as string;
    const v1 = await ctx().accountId('verifier1');
    const v2 = await ctx().accountId('verifier2');
    const codes = [kelurahanCode(0, 0), kelurahanCode(0, 1)];
    const unitIds = await Promise.all(codes.map((c) => ctx().unitId(c)));
    const before = await listed(periodId);
    const picked = before.filter((a) => a.verifierId === v1 && unitIds.includes(a.unitId));
    expect(picked).toHaveLength(2);
    // One of verifier 2's own assignments rides along: it stays as it is.
    const own = before.find((a) => a.verifierId === v2) as Assignment;
    const r = await ctx().call('POST', '/api/assignments/reassign', {
      token,
      json: { assignmentIds: [...picked.map((a) => a.id), own.id], verifierId: v2 },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ moved: 2, unchanged: 1 });

    const after = await listed(periodId);
    for (const a of picked) {
      const now = after.filter((x) => x.unitId === a.unitId);
      expect(now.map((x) => [x.verifierId, x.assessmentId])).toEqual([[v2, a.assessmentId]]);
    }
    expect(after.find((x) => x.id === own.id)).toEqual(own);
    expect(after).toHaveLength(before.length);
    // Recorded as the coordinator's, as a single assignment is.
    const coordinator = await ctx().accountId('coordinator');
    const rows = await ctx()
      .db.selectFrom('assignments')
      .select(['unitId', 'createdBy'])
      .where('verifierId', '=', v2)
      .where('unitId', 'in', unitIds)
      .execute();
    expect(rows.map((x) => x.createdBy)).toEqual([coordinator, coordinator]);

    // Verifier 2's tablet now carries the units; verifier 1's no longer does.
    const tablet2 = await ctx().enrol(v2, 'Tablet V2');
    const pkg2 = await ctx().call('GET', '/api/my/assignments', { token: tablet2.token });
    const assigned2 = pkg2.body.units.filter((u: { assigned: boolean }) => u.assigned);
    expect(assigned2.map((u: { code: string }) => u.code)).toEqual(expect.arrayContaining(codes));
    const tablet1 = await ctx().enrol(v1, 'Tablet V1');
    const pkg1 = await ctx().call('GET', '/api/my/assignments', { token: tablet1.token });
    const assigned1 = pkg1.body.units
      .filter((u: { assigned: boolean }) => u.assigned)
      .map((u: { code: string }) => u.code);
    for (const c of codes) expect(assigned1).not.toContain(c);
  });

  it('refuses unknown assignments, a non-verifier, an inactive verifier and a closed period, changing nothing', async () => {
    const token = await ctx().login('coordinator');
    const periodId = ctx().demo?.periodId as string;
    const v1 = await ctx().accountId('verifier1');
    const v2 = await ctx().accountId('verifier2');
    const first = (await listed(periodId)).find((a) => a.verifierId === v1) as Assignment;
    const before = await ctx().rowCounts();
    const send = (json: unknown, lang?: string) =>
      ctx().call('POST', '/api/assignments/reassign', { token, json, lang });

    const unknown = await send({ assignmentIds: [first.id, 'tidak-ada'], verifierId: v2 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.issues).toEqual([
      expect.objectContaining({ path: 'assignmentIds.1', code: 'unknown_reference' }),
    ]);
    const coordinator = await send({
      assignmentIds: [first.id],
      verifierId: await ctx().accountId('coordinator'),
    });
    expect(coordinator.body.details.issues[0].path).toBe('verifierId');
    const empty = await send({ assignmentIds: [], verifierId: v2 });
    expect(empty.status).toBe(422);

    const inactive = await ctx().call('POST', '/api/verifiers', {
      token,
      json: { email: 'nonaktif@cilegon.demo', name: 'Verifikator Nonaktif' },
    });
    await ctx().call('PATCH', `/api/verifiers/${inactive.body.id}`, {
      token,
      json: { active: false },
    });
    const off = await send({ assignmentIds: [first.id], verifierId: inactive.body.id });
    expect(off.status).toBe(409);
    expect(off.body.code).toBe('not_a_verifier');

    await ctx().call('PATCH', `/api/periods/${periodId}`, { token, json: { status: 'closed' } });
    const closed = await send({ assignmentIds: [first.id], verifierId: v2 });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('period_closed');

    // Only the inactive verifier's account was added; every assignment is where it was.
    const after = await ctx().rowCounts();
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed).toEqual(['accounts']);
    expect((await listed(periodId)).find((a) => a.id === first.id)).toEqual(first);
  });

  it('refuses a viewer with 403 forbidden, "Anda tidak memiliki akses"', async () => {
    const periodId = ctx().demo?.periodId as string;
    const first = (await listed(periodId))[0] as Assignment;
    const r = await ctx().call('POST', '/api/assignments/reassign', {
      token: await ctx().login('viewer'),
      json: { assignmentIds: [first.id], verifierId: await ctx().accountId('verifier2') },
    });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      code: 'forbidden',
      message: 'Anda tidak memiliki akses: peran Anda tidak diizinkan melakukan tindakan ini.',
    });
    expect((await listed(periodId)).find((a) => a.id === first.id)).toEqual(first);
  });
});

describeEachDialect('what a viewer reads', (ctx) => {
  it('reads the improvement plan with its own settings (a GET that changes nothing)', async () => {
    const periodId = ctx().demo?.periodId as string;
    const token = await ctx().login('viewer');
    await ctx().login('coordinator');
    const before = await ctx().rowCounts();
    const viewer = await ctx().call('GET', `/api/dashboard/${periodId}/plan?fixed=1`, { token });
    expect(viewer.status).toBe(200);
    const coordinator = await ctx().call('GET', `/api/dashboard/${periodId}/plan?fixed=1`, {
      token: await ctx().login('coordinator'),
    });
    expect({ ...viewer.body, generatedAt: 0 }).toEqual({ ...coordinator.body, generatedAt: 0 });
    expect(await ctx().rowCounts()).toEqual(before);
  });

  it('is told "Anda tidak memiliki akses" (403) for a unit edit, in English when asked', async () => {
    const viewer = await ctx().login('viewer');
    const unit = await ctx().unitId(kelurahanCode(0, 0));
    const id = await ctx().call('PATCH', `/api/units/${unit}`, {
      token: viewer,
      json: { name: 'Nama lain' },
    });
    expect(id.status).toBe(403);
    expect(id.body.code).toBe('forbidden');
    expect(id.body.message).toMatch(/^Anda tidak memiliki akses/);
    const en = await ctx().call('DELETE', `/api/units/${unit}`, { token: viewer, lang: 'en' });
    expect(en.status).toBe(403);
    expect(en.body.message).toBe('You do not have access: your role is not allowed to do this.');
  });
});
