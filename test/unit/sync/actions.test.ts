import { describe, expect, it, vi } from 'vitest';
import type { TabletAction } from '../../../src/core';
import { SyncEngine } from '../../../src/sync';
import type { OfflinePackage } from '../../../src/sync/transport';
import { FakeServer, tabletStore } from './fake-server';

/**
 * The offline package's improvement actions reach the tablet store: what the package
 * carries replaces the held set, an action this app cannot read is left out without
 * stopping the sync, and a package without `actions` (an older server) changes nothing.
 */
class ActionServer extends FakeServer {
  actions: unknown[] | undefined = [];
  override offlinePackage(): OfflinePackage {
    const pkg = super.offlinePackage();
    return this.actions === undefined ? pkg : { ...pkg, actions: this.actions };
  }
}

function action(server: FakeServer, over: Partial<TabletAction> & { id: string }): TabletAction {
  return {
    periodId: 'p2022',
    periodName: 'Evaluasi SPBE 2022',
    frameworkId: 'spbe-2020',
    indicatorNo: 3,
    unitId: server.units[0].id,
    ownerUnitId: server.units[0].id,
    ownerUnitName: server.units[0].name,
    ownerPerson: 'Lurah',
    title: 'Capai level 3',
    fromLevel: 2,
    targetLevel: 3,
    dueDate: '2026-06-30',
    evidence: ['SK tim'],
    status: 'rencana',
    displayStatus: 'rencana',
    closingNote: null,
    closedAt: null,
    closedByName: null,
    links: [],
    files: [],
    updatedAt: 1,
    ...over,
  };
}

async function setup() {
  const server = new ActionServer();
  const store = await tabletStore();
  const token = server.enrol(store.deviceId);
  const engine = new SyncEngine(
    store,
    server.transport(() => token),
    {
      saveToken: async () => {},
    },
  );
  return { server, store, engine, unit: server.units[0].id };
}

describe('sync: improvement actions from the offline package', () => {
  it('stores the actions, skips an unreadable one and still finishes the sync', async () => {
    const { server, store, engine, unit } = await setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    server.actions = [
      action(server, { id: 'ok' }),
      { ...action(server, { id: 'broken' }), dueDate: '30/06/2026' },
      'not an action',
    ];
    await engine.sync();
    expect(engine.getStatus().state).not.toBe('error');
    expect((await store.reference.listActionsForUnit(unit)).map((a) => a.id)).toEqual(['ok']);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
    store.close();
  });

  it('a later package replaces the set; one without `actions` keeps it', async () => {
    const { server, store, engine, unit } = await setup();
    server.actions = [action(server, { id: 'a1' }), action(server, { id: 'a2', indicatorNo: 4 })];
    await engine.sync();
    server.actions = [action(server, { id: 'a1', status: 'berjalan', updatedAt: 2 })];
    await engine.sync();
    let held = await store.reference.listActionsForUnit(unit);
    expect(held.map((a) => [a.id, a.status])).toEqual([['a1', 'berjalan']]);
    server.actions = undefined;
    await engine.sync();
    held = await store.reference.listActionsForUnit(unit);
    expect(held.map((a) => a.id)).toEqual(['a1']);
    store.close();
  });
});
