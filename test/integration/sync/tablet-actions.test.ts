import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { type FetchLike, fetchTransport, SyncHttpError } from '../../../src/sync';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  tabletEngine,
} from '../../helpers/sync-harness';

/** A small PDF whose first bytes say so (the server checks them). */
const PDF = new TextEncoder().encode(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/**
 * What a server older than improvement actions answers: the offline package without
 * `actions` (the rest as it is).
 */
function withoutActions(inner: FetchLike): FetchLike {
  return async (input, init) => {
    const res = await inner(input, init);
    if (!String(input).endsWith('/api/my/assignments') || !res.ok) return res;
    const { actions: _dropped, ...pkg } = (await res.json()) as Record<string, unknown>;
    return new Response(JSON.stringify(pkg), { status: res.status, headers: res.headers });
  };
}

/**
 * Improvement actions (tindak lanjut) reach the tablets of the verifiers of the units they
 * concern, read-only, through the offline package: the real engine and store against the
 * real server, on both databases.
 */
describeSync('tablet actions', (ctx) => {
  it("a verifier's tablet holds only the actions on or owned by its units; a changed action is updated; a package without actions keeps them", async () => {
    const h = ctx();
    const coordinator = await h.base.login('coordinator');
    const a = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const b = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const unitA = a.unitIds[0] as string;
    const unitB = b.unitIds[0] as string;
    const create = async (body: Record<string, unknown>) => {
      const r = await h.call('POST', '/api/actions', {
        token: coordinator,
        json: { periodId: a.periodId, targetLevel: 4, dueDate: '2027-06-30', ...body },
      });
      expect(r.status, r.text).toBe(201);
      return r.body as { id: string; version: number };
    };
    const onA = await create({ indicatorNo: 1, unitId: unitA, ownerPerson: 'Kepala Bidang' });
    // On B's unit, owned by A's unit: both tablets see it.
    const ownedByA = await create({ indicatorNo: 2, unitId: unitB, ownerUnitId: unitA });
    const onB = await create({ indicatorNo: 3, unitId: unitB });
    const upload = await h.call(
      'POST',
      `/api/actions/${onB.id}/files?name=${encodeURIComponent('bukti-b.pdf')}`,
      { token: coordinator, body: PDF, contentType: 'application/pdf' },
    );
    expect(upload.status, upload.text).toBeLessThan(300);

    const tabletA = await enrolTablet(h.call, coordinator, a.verifiers[0]?.id as string);
    const tabletB = await enrolTablet(h.call, coordinator, b.verifiers[0]?.id as string);
    await tabletEngine(tabletA, appFetch(h.app)).sync();
    await tabletEngine(tabletB, appFetch(h.app)).sync();

    const idsOf = async (t: typeof tabletA, unit: string) =>
      (await t.store.reference.listActionsForUnit(unit)).map((x) => x.id).sort();
    expect(await idsOf(tabletA, unitA)).toEqual([onA.id, ownedByA.id].sort());
    // Nothing of B's own action on A's tablet, by either index.
    expect(await idsOf(tabletA, unitB)).toEqual([ownedByA.id]);
    expect(await idsOf(tabletB, unitB)).toEqual([ownedByA.id, onB.id].sort());
    const [held] = await tabletA.store.reference.listActionsForIndicator(unitA, 'spbe-2020', 1);
    expect(held).toMatchObject({
      id: onA.id,
      periodId: a.periodId,
      periodName: 'Evaluasi SPBE 2023',
      ownerUnitId: unitA,
      ownerPerson: 'Kepala Bidang',
      targetLevel: 4,
      dueDate: '2027-06-30',
      status: 'rencana',
      closingNote: null,
    });
    expect(held?.evidence.length).toBeGreaterThan(0);

    // The file of B's action opens with B's device token, never with A's.
    const fileOf = (t: typeof tabletA) =>
      fetchTransport({ token: () => t.token, fetch: appFetch(h.app) }).actionFile?.(
        onB.id,
        createHash('sha256').update(PDF).digest('hex'),
      );
    expect(Buffer.from((await fileOf(tabletB)) ?? [])).toEqual(Buffer.from(PDF));
    const refused = await fileOf(tabletA)?.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SyncHttpError);
    expect(refused).toMatchObject({ status: 403, code: 'not_assigned' });

    // The coordinator moves the due date, then the unit closes the action with a link.
    const moved = await h.call('PATCH', `/api/actions/${onA.id}`, {
      token: coordinator,
      json: { expectedVersion: onA.version, dueDate: '2027-09-30' },
    });
    expect(moved.status, moved.text).toBe(200);
    const closed = await h.call('POST', `/api/actions/${onA.id}/close`, {
      token: coordinator,
      json: {
        expectedVersion: moved.body.version,
        note: 'SK ditandatangani.',
        links: ['https://jdih.example.go.id/sk'],
      },
    });
    expect(closed.status, closed.text).toBe(200);
    // A withdrawn action leaves the tablet.
    const removed = await h.call('DELETE', `/api/actions/${ownedByA.id}`, { token: coordinator });
    expect(removed.status, removed.text).toBeLessThan(300);
    await tabletEngine(tabletA, appFetch(h.app)).sync();
    expect(await tabletA.store.reference.listActionsForUnit(unitA)).toMatchObject([
      {
        id: onA.id,
        dueDate: '2027-09-30',
        status: 'selesai',
        displayStatus: 'selesai',
        closingNote: 'SK ditandatangani.',
        links: ['https://jdih.example.go.id/sk'],
      },
    ]);

    // An older server's package has no `actions`: the tablet keeps what it holds.
    await tabletEngine(tabletA, withoutActions(appFetch(h.app))).sync();
    expect(await idsOf(tabletA, unitA)).toEqual([onA.id]);
    // Nothing of it is unsent work.
    expect(await tabletA.store.outbox.count()).toBe(0);
  });
});
