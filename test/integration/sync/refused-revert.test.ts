import { expect, it } from 'vitest';
import { currentSigningState } from '../../../src/app/lib/signing';
import { listIndicators, spbe2020, verificationId } from '../../../src/core';
import type { TelusurStore } from '../../../src/store';
import { fetchTransport, SyncEngine, type SyncTransport } from '../../../src/sync';
import { signOnStore } from '../../helpers/signing';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * A change the server refused must not stay as the tablet's value. The coordinator approves
 * while the tablet's push of a changed level is in flight: the push is refused
 * (`assessment_approved`); discarding the refusal brings the server's level back at the next
 * sync, so the tablet's signing state is the server's again, and a reopened record is
 * re-signed over the values the server holds. The pull's `refetch` is checked on its own:
 * only records of the tablet's scope come back.
 */

const ALL = listIndicators(spbe2020).map((i) => i.no);

describeSync('refused change, discarded: the server value comes back', (ctx) => {
  const detail = async (h: SyncHarness, token: string, a: string) => {
    const r = await h.call('GET', `/api/reports/assessments/${a}`, { token });
    expect(r.status).toBe(200);
    return r.body;
  };
  const tabletSigning = async (store: TelusurStore, a: string) =>
    currentSigningState(
      await store.beritaAcara.get(a),
      await store.verifications.listByAssessment(a),
    );

  async function signedUnit(h: SyncHarness) {
    const coordinator = await h.base.login('coordinator');
    const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const a = team.assessmentIds[0] as string;
    const t: Tablet = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string);
    const engine = tabletEngine(t, appFetch(h.app), { now: () => h.base.clock.now });
    await engine.sync();
    for (const no of ALL) await t.store.verifications.update(a, no, { verifiedLevel: 3 });
    await signOnStore(t.store, a, h.base.clock.now);
    await engine.sync();
    expect((await detail(h, coordinator, a)).signing.state).toBe('signed');
    return { coordinator, team, a, t };
  }

  it('approve during a held push → refused → discard → next sync shows the server level and signing', async () => {
    const h = ctx();
    const { coordinator, a, t } = await signedUnit(h);

    // The verifier changes indicator 1 offline; its push is held while the coordinator approves.
    await t.store.verifications.update(a, 1, { verifiedLevel: 1 });
    expect(await tabletSigning(t.store, a)).toBe('void');
    const base = fetchTransport({ baseUrl: '', token: () => t.token, fetch: appFetch(h.app) });
    let approved = false;
    const held: SyncTransport = {
      ...base,
      push: async (req) => {
        if (!approved) {
          approved = true;
          const d = await detail(h, coordinator, a);
          const r = await h.call('POST', `/api/assessments/${a}/review`, {
            token: coordinator,
            json: { decision: 'approve', expectedVersion: d.review.expectedVersion },
          });
          expect(r.status).toBe(200);
        }
        return base.push(req);
      },
    };
    const engine = new SyncEngine(t.store, held, { now: () => h.base.clock.now });
    await engine.sync();
    const [refused] = await t.store.rejected.list(a);
    expect(refused?.rejection.code).toBe('assessment_approved');
    expect((await t.store.assessments.get(a))?.status).toBe('disetujui');
    expect((await detail(h, coordinator, a)).signing.state).toBe('signed');

    // "Buang": the refused level leaves the record at once; the next sync brings the server's.
    await t.store.rejected.discard(refused?.id as string);
    expect(await t.store.rejected.list(a)).toEqual([]);
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBeNull();
    expect(await t.store.rejected.refetchWanted()).toEqual([verificationId(a, 1)]);
    await engine.sync();
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBe(3);
    expect(await t.store.rejected.refetchWanted()).toEqual([]);
    expect(await tabletSigning(t.store, a)).toBe('signed');
    expect(await t.store.outbox.count()).toBe(0);

    // Reopened: the tablet re-signs over the server's values, and both ends say signed.
    const d = await detail(h, coordinator, a);
    const reopen = await h.call('POST', `/api/assessments/${a}/reopen`, {
      token: coordinator,
      json: { reason: 'Indikator 2 perlu dikoreksi.', expectedVersion: d.review.expectedVersion },
    });
    expect(reopen.status).toBe(200);
    await engine.sync();
    expect((await t.store.assessments.get(a))?.status).toBe('dibuka');
    await t.store.verifications.update(a, 2, { verifiedLevel: 4 });
    h.base.clock.advance(60_000);
    await signOnStore(t.store, a, h.base.clock.now);
    await engine.sync();
    expect(await tabletSigning(t.store, a)).toBe('signed');
    const after = await detail(h, coordinator, a);
    expect(after.signing.state).toBe('signed');
    expect(after.assessment.status).toBe('diperbaiki');
  });

  it('a record the server never had is removed on discard; refetch names only records in scope', async () => {
    const h = ctx();
    const { a, t } = await signedUnit(h);
    const other = await signedUnit(h);
    const d = await detail(h, other.coordinator, a);
    const ok = await h.call('POST', `/api/assessments/${a}/review`, {
      token: other.coordinator,
      json: { decision: 'approve', expectedVersion: d.review.expectedVersion },
    });
    expect(ok.status).toBe(200);
    const engine = tabletEngine(t, appFetch(h.app), { now: () => h.base.clock.now });
    // A comment made before the approval reached the tablet: the server never had it.
    const comment = await t.store.comments.add({
      assessmentId: a,
      indicatorNo: null,
      body: 'Catatan baru',
      author: 'V',
    });
    await engine.sync();
    const [refused] = await t.store.rejected.list(a);
    expect(refused?.rejection.code).toBe('assessment_approved');
    await t.store.rejected.discard(refused?.id as string);
    expect((await t.store.comments.listByAssessment(a)).map((c) => c.id)).not.toContain(comment.id);
    await engine.sync();
    expect((await t.store.comments.listByAssessment(a)).map((c) => c.id)).not.toContain(comment.id);

    // The pull sends back only records of the asking tablet's scope.
    const foreign = verificationId(other.a, 1);
    const own = verificationId(a, 1);
    const r = await h.call('GET', `/api/sync/pull?cursor=999999999&refetch=${own},${foreign}`, {
      token: t.token,
    });
    expect(r.status).toBe(200);
    expect(r.body.changes.map((c: { id: string }) => c.id)).toEqual([own]);
    expect(r.body.changes[0].fields.verifiedLevel).toBe(3);
  });
});
