import { expect, it } from 'vitest';
import {
  appFetch,
  cloneTablet,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * One device identity, one sequence — or a loud change of it, against the
 * real server: a browser profile copied to a second tablet (or restored from a backup)
 * shares the first one's identity. The copy notices (409 `device_seq_reused`, or an
 * `appliedThrough` beyond what it ever sent), takes a fresh identity for the same
 * enrolment, sends its unsent changes again under it and says so — nothing is lost.
 */

async function setup(h: SyncHarness) {
  const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
  const t = await enrolTablet(
    h.call,
    await h.base.login('coordinator'),
    team.verifiers[0]?.id as string,
  );
  const engine = tabletEngine(t, appFetch(h.app));
  await engine.sync();
  return { t, engine, a: team.assessmentIds[0] as string };
}

describeSync('tablet device identity', (ctx) => {
  it('a copied tablet whose change numbers were used with other content takes a fresh identity and loses nothing', async () => {
    const h = ctx();
    const { t, engine, a } = await setup(h);
    await t.store.verifications.update(a, 1, { verifiedLevel: 2, notes: 'sebelum disalin' });
    const copy = await cloneTablet(t);
    const copyEngine = tabletEngine(copy, appFetch(h.app));
    const original = t.deviceId;
    expect(copy.deviceId).toBe(original);
    // Both go on working; the original syncs first and takes the next numbers.
    await t.store.verifications.update(a, 2, { verifiedLevel: 3, notes: 'tablet asli' });
    await copy.store.verifications.update(a, 3, { verifiedLevel: 4, notes: 'tablet salinan' });
    await engine.sync();

    await copyEngine.sync();

    const status = copyEngine.getStatus();
    expect(status.state).toBe('idle');
    expect(copy.deviceId).not.toBe(original);
    expect(status.identityChanged).toMatchObject({
      from: original,
      to: copy.deviceId,
      reason: 'seq_reused',
    });
    expect(copy.token).not.toBe(t.token);
    expect(await copy.store.outbox.count()).toBe(0);
    expect(await copy.store.getBundleSecret()).toMatch(/^[0-9a-f]{64}$/);
    // Every edit of both tablets is on the server: the original pulls the copy's.
    await engine.sync();
    expect(engine.getStatus().identityChanged).toBeNull();
    expect(await t.store.verifications.get(a, 3)).toMatchObject({ notes: 'tablet salinan' });
    expect(await t.store.verifications.get(a, 2)).toMatchObject({ notes: 'tablet asli' });
    expect(await t.store.verifications.get(a, 1)).toMatchObject({ notes: 'sebelum disalin' });
    // The copy's later work goes under its own identity without further trouble.
    await copy.store.verifications.update(a, 4, { verifiedLevel: 1 });
    await copyEngine.sync();
    expect(await copy.store.outbox.count()).toBe(0);
    await engine.sync();
    expect((await t.store.verifications.get(a, 4))?.verifiedLevel).toBe(1);
  });

  it('a tablet restored from an older copy, told the server handled more than it ever sent, takes a fresh identity and re-sends', async () => {
    const h = ctx();
    const { t, engine, a } = await setup(h);
    await t.store.verifications.update(a, 1, { verifiedLevel: 2 });
    await t.store.verifications.update(a, 2, { verifiedLevel: 3 });
    // The backup holds these two unsent changes; the tablet goes on and syncs more.
    const restored = await cloneTablet(t);
    for (let no = 3; no <= 5; no++) await t.store.verifications.update(a, no, { notes: `n${no}` });
    await engine.sync();
    const original = t.deviceId;

    const restoredEngine = tabletEngine(restored, appFetch(h.app));
    await restoredEngine.sync();

    expect(restored.deviceId).not.toBe(original);
    expect(restoredEngine.getStatus().identityChanged).toMatchObject({
      from: original,
      to: restored.deviceId,
      reason: 'ahead',
    });
    expect(await restored.store.outbox.count()).toBe(0);
    // Its changes are on the server (the same values: nothing conflicting), and it now
    // has everything the original sent.
    expect(await restored.store.conflicts.listOpen()).toEqual([]);
    expect((await restored.store.verifications.get(a, 5))?.notes).toBe('n5');
    await restored.store.verifications.update(a, 6, { notes: 'setelah pulih' });
    await restoredEngine.sync();
    await engine.sync();
    expect((await t.store.verifications.get(a, 6))?.notes).toBe('setelah pulih');
  });

  it('fetches the export signing key when a tablet enrolled without one syncs', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const t = await enrolTablet(
      h.call,
      await h.base.login('coordinator'),
      team.verifiers[0]?.id as string,
    );
    const issued = await t.store.getBundleSecret();
    expect(issued).toMatch(/^[0-9a-f]{64}$/);
    await t.store.setBundleSecret(null);
    await tabletEngine(t, appFetch(h.app)).sync();
    expect(await t.store.getBundleSecret()).toBe(issued);
  });
});
