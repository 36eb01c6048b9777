import { describe, expect, it } from 'vitest';
import { SyncEngine, SyncHttpError } from '../../../src/sync';
import { FakeServer, photo, tabletStore } from './fake-server';

/**
 * What the storage page shows after a reload: the last successful sync with its time, and
 * the latest runs with what they sent and received and why they failed, in words.
 */

async function tablet(server: FakeServer, now: () => number) {
  const store = await tabletStore();
  const token = server.enrol(store.deviceId);
  const engine = () =>
    new SyncEngine(
      store,
      server.transport(() => token),
      { now },
    );
  const [u0] = server.units;
  const a = await store.assessments.create({
    periodId: server.periodId,
    unitId: u0.id,
    frameworkId: 'spbe-2020',
  });
  return { store, engine, a: a.id };
}

describe('sync history across reloads', () => {
  it('keeps "Terakhir berhasil" and each run: sent, received, offline, refused', async () => {
    const server = new FakeServer();
    let clock = Date.UTC(2026, 10, 30, 2, 0);
    const t = await tablet(server, () => clock);
    await t.store.verifications.update(t.a, 1, { verifiedLevel: 3 });
    await t.store.verifications.update(t.a, 2, { verifiedLevel: 2 });
    await t.store.evidence.add({
      assessmentId: t.a,
      indicatorNo: 1,
      blob: photo(1),
      name: 'sk.jpg',
      width: null,
      height: null,
      location: null,
    });
    await t.engine().sync();
    const synced = clock;

    // Offline twice, then the server refuses a change.
    server.healthy = false;
    clock += 60_000;
    await expect(t.engine().sync()).rejects.toBeInstanceOf(SyncHttpError);
    clock += 60_000;
    await expect(t.engine().sync()).rejects.toBeInstanceOf(SyncHttpError);
    server.healthy = true;
    server.rejectWhen = () => ({ code: 'period_closed', message: 'Periode sudah ditutup.' });
    await t.store.verifications.update(t.a, 3, { verifiedLevel: 4 });
    clock += 60_000;
    await t.engine().sync();

    // A reloaded app reads it back before any sync runs.
    const reloaded = t.engine();
    await reloaded.refreshLocal();
    const status = reloaded.getStatus();
    expect(status.lastSuccessAt).toBe(clock);
    expect(
      status.history.map((e) => ({ outcome: e.outcome, sent: e.sent, runs: e.runs, at: e.at })),
    ).toEqual([
      { outcome: 'ok', sent: 1, runs: 1, at: clock },
      { outcome: 'offline', sent: 0, runs: 2, at: clock - 60_000 },
      { outcome: 'ok', sent: 4, runs: 1, at: synced },
    ]);
    expect(status.history[0]).toMatchObject({ rejected: 1, error: null });
    expect(status.history[1]?.error).toEqual({
      code: 'offline',
      message: 'Server tidak terjangkau',
      source: 'network',
    });
    // The server's echo of this tablet's own changes is not "received".
    expect(status.history[2]).toMatchObject({ uploaded: 1, received: 0 });
  });

  it('a run that fails at the server is kept with its reason; the last success stays', async () => {
    const server = new FakeServer();
    let clock = Date.UTC(2026, 10, 30, 2, 0);
    const t = await tablet(server, () => clock);
    await t.engine().sync();
    const synced = clock;
    server.failStep = (step) =>
      step === 'pull' ? new SyncHttpError(503, 'server_busy', 'Server sedang sibuk.') : null;
    clock += 60_000;
    await expect(t.engine().sync()).rejects.toBeInstanceOf(SyncHttpError);
    const reloaded = t.engine();
    await reloaded.refreshLocal();
    expect(reloaded.getStatus().lastSuccessAt).toBe(synced);
    expect(reloaded.getStatus().history[0]).toMatchObject({
      outcome: 'failed',
      error: { code: 'server_busy', message: 'Server sedang sibuk.', source: 'server' },
    });
  });
});
