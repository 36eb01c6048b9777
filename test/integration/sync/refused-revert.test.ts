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
 * (`assessment_approved`), and the same sync brings the server's level back (the refused one
 * stays in the "Ditolak server" list, and Kirim ulang sends it again), so the tablet's signing
 * state is the server's again, and a reopened record is re-signed over the values the server
 * holds. The pull's `refetch` is checked on its own:
 * only records of the tablet's scope come back.
 */

const ALL = listIndicators(spbe2020).map((i) => i.no);

/** The coordinator's review detail of assessment `a`. */
async function detail(h: SyncHarness, token: string, a: string) {
  const r = await h.call('GET', `/api/reports/assessments/${a}`, { token });
  expect(r.status).toBe(200);
  return r.body;
}

/**
 * The coordinator approves unit `a`; then the tablet, not yet told, adds a comment and syncs:
 * the server refuses it (`assessment_approved`). Returns the engine, the comment and its entry.
 */
async function commentRefusedForApproval(
  h: SyncHarness,
  coordinator: string,
  a: string,
  t: Tablet,
) {
  const d = await detail(h, coordinator, a);
  const ok = await h.call('POST', `/api/assessments/${a}/review`, {
    token: coordinator,
    json: { decision: 'approve', expectedVersion: d.review.expectedVersion },
  });
  expect(ok.status).toBe(200);
  const engine = tabletEngine(t, appFetch(h.app), { now: () => h.base.clock.now });
  const comment = await t.store.comments.add({
    assessmentId: a,
    indicatorNo: null,
    body: 'Catatan baru',
    author: 'V',
  });
  await engine.sync();
  const [refused] = await t.store.rejected.list(a);
  expect(refused?.rejection.code).toBe('assessment_approved');
  return { engine, comment, refused };
}

describeSync('refused change, discarded: the server value comes back', (ctx) => {
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

    // The refusal itself put the server's level back (same sync); the refused one is listed.
    expect(refused?.mutation.changes.verifiedLevel).toBe(1);
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBe(3);
    // "Buang" only removes the entry: the record already holds the server's value.
    await t.store.rejected.discard(refused?.id as string);
    expect(await t.store.rejected.list(a)).toEqual([]);
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBe(3);
    expect(await t.store.rejected.refetchWanted()).toEqual([]);
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

  it('a refused level shows the server value at once, the refused one only in the list; a newer unsent edit survives', async () => {
    const h = ctx();
    const { coordinator, a, t } = await signedUnit(h);
    const base = fetchTransport({ baseUrl: '', token: () => t.token, fetch: appFetch(h.app) });
    const approve = async () => {
      const d = await detail(h, coordinator, a);
      const r = await h.call('POST', `/api/assessments/${a}/review`, {
        token: coordinator,
        json: { decision: 'approve', expectedVersion: d.review.expectedVersion },
      });
      expect(r.status).toBe(200);
    };

    // Offline: indicator 1 goes to level 1 (and indicator 2 to level 4 later, still unsent
    // when the answer comes back); meanwhile the coordinator approves the unit.
    await t.store.verifications.update(a, 1, { verifiedLevel: 1 });
    let pushes = 0;
    const cut: SyncTransport = {
      ...base,
      push: async (req) => {
        pushes++;
        if (pushes > 1) throw new TypeError('Failed to fetch');
        await approve();
        const answer = await base.push(req);
        // Typed while the push was on its way: a newer edit of the same field, not yet sent.
        await t.store.verifications.update(a, 1, { verifiedLevel: 2 });
        return answer;
      },
    };
    const lost = await new SyncEngine(t.store, cut, { now: () => h.base.clock.now })
      .sync()
      .catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(Error);
    const [first] = await t.store.rejected.list(a);
    expect(first?.rejection.code).toBe('assessment_approved');
    expect(first?.mutation.changes.verifiedLevel).toBe(1);
    // The newer edit is neither overwritten nor dropped: it waits to be sent.
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBe(2);
    expect(await t.store.outbox.count()).toBe(1);

    // Back online: the newer edit is refused as well. The tablet's record is the server's
    // again — the level, the other indicators, the signing — and both refused values are
    // listed under "Ditolak server".
    const engine = tabletEngine(t, appFetch(h.app), { now: () => h.base.clock.now });
    await engine.sync();
    const refused = await t.store.rejected.list(a);
    expect(refused.map((r) => r.mutation.changes.verifiedLevel).sort()).toEqual([1, 2]);
    expect(refused.every((r) => r.rejection.code === 'assessment_approved')).toBe(true);
    expect(await t.store.outbox.count()).toBe(0);
    const server = (await detail(h, coordinator, a)) as {
      assessment: { status: string };
      signing: { state: string };
    };
    expect(server.signing.state).toBe('signed');
    for (const no of ALL)
      expect((await t.store.verifications.get(a, no))?.verifiedLevel, `indikator ${no}`).toBe(3);
    expect(await tabletSigning(t.store, a)).toBe('signed');
    expect(await t.store.rejected.refetchWanted()).toEqual([]);

    // Reopened, "Kirim ulang" sends the refused value again, and the server takes it.
    const d = await detail(h, coordinator, a);
    const reopen = await h.call('POST', `/api/assessments/${a}/reopen`, {
      token: coordinator,
      json: { reason: 'Indikator 1 perlu dikoreksi.', expectedVersion: d.review.expectedVersion },
    });
    expect(reopen.status).toBe(200);
    await engine.sync();
    const older = refused.find((r) => r.mutation.changes.verifiedLevel === 1);
    const queued = await t.store.rejected.retry(older?.id as string);
    expect(queued?.changes.verifiedLevel).toBe(1);
    expect((await t.store.verifications.get(a, 1))?.verifiedLevel).toBe(1);
    await engine.sync();
    expect(await t.store.outbox.count()).toBe(0);
    expect(await t.store.rejected.count()).toBe(1);
    const r = await h.call(
      'GET',
      `/api/sync/pull?cursor=999999999&refetch=${verificationId(a, 1)}`,
      {
        token: t.token,
      },
    );
    expect(r.body.changes[0].fields.verifiedLevel).toBe(1);
  });

  it('a comment refused for an approved unit leaves the tablet at once and comes back with Kirim ulang', async () => {
    const h = ctx();
    const { coordinator, a, t } = await signedUnit(h);
    const { engine, comment, refused } = await commentRefusedForApproval(h, coordinator, a, t);
    expect(refused?.mutation.changes.body).toBe('Catatan baru');
    expect((await t.store.comments.listByAssessment(a)).map((c) => c.id)).not.toContain(comment.id);

    const again = await detail(h, coordinator, a);
    const reopen = await h.call('POST', `/api/assessments/${a}/reopen`, {
      token: coordinator,
      json: { reason: 'Catatan perlu dikirim.', expectedVersion: again.review.expectedVersion },
    });
    expect(reopen.status).toBe(200);
    await engine.sync();
    await t.store.rejected.retry(refused?.id as string);
    expect((await t.store.comments.listByAssessment(a)).map((c) => c.body)).toContain(
      'Catatan baru',
    );
    await engine.sync();
    expect(await t.store.outbox.count()).toBe(0);
    expect(await t.store.rejected.count()).toBe(0);
    expect((await t.store.comments.listByAssessment(a)).map((c) => c.body)).toContain(
      'Catatan baru',
    );
  });

  it('a record the server never had is removed on discard; refetch names only records in scope', async () => {
    const h = ctx();
    const { a, t } = await signedUnit(h);
    const other = await signedUnit(h);
    // A comment made before the approval reached the tablet: the server never had it.
    const { engine, comment, refused } = await commentRefusedForApproval(
      h,
      other.coordinator,
      a,
      t,
    );
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
