import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TabletAction } from '../../../src/core';
import { freshName, open } from './helpers';

/** An action as the offline package carries it, with fields overridden per test. */
function action(over: Partial<TabletAction> & { id: string }): TabletAction {
  return {
    periodId: 'p2022',
    periodName: 'Evaluasi SPBE 2022',
    frameworkId: 'spbe-2020',
    indicatorNo: 1,
    unitId: 'kec-a',
    ownerUnitId: 'kec-a',
    ownerUnitName: 'Kecamatan A',
    ownerPerson: 'Sekretaris Camat',
    title: 'Capai level 3',
    fromLevel: 2,
    targetLevel: 3,
    dueDate: '2026-06-30',
    evidence: ['SK tim'],
    status: 'berjalan',
    displayStatus: 'berjalan',
    closingNote: null,
    closedAt: null,
    closedByName: null,
    links: [],
    files: [],
    updatedAt: 1,
    ...over,
  };
}

describe('improvement actions on the tablet (reference data, schema v7)', () => {
  it('a unit reads the actions on it and those it owns, once each, by due date', async () => {
    const store = await open(freshName());
    await store.reference.replaceActions([
      action({ id: 'late', dueDate: '2026-09-01' }),
      action({ id: 'owned', unitId: 'kota', ownerUnitId: 'kec-a', dueDate: '2026-03-01' }),
      action({ id: 'other', unitId: 'kec-b', ownerUnitId: 'kec-b' }),
      action({ id: 'early', dueDate: '2026-01-15', indicatorNo: 7 }),
    ]);
    const ids = (await store.reference.listActionsForUnit('kec-a')).map((a) => a.id);
    expect(ids).toEqual(['early', 'owned', 'late']);
    expect((await store.reference.listActionsForUnit('kec-b')).map((a) => a.id)).toEqual(['other']);
    expect(await store.reference.listActionsForUnit('nowhere')).toEqual([]);
    store.close();
  });

  it('an indicator shows only the actions of its own instrument and number', async () => {
    const store = await open(freshName());
    await store.reference.replaceActions([
      action({ id: 'same', indicatorNo: 4 }),
      action({ id: 'other-number', indicatorNo: 5 }),
      action({ id: 'other-instrument', indicatorNo: 4, frameworkId: 'pemdi-2026' }),
    ]);
    const shown = await store.reference.listActionsForIndicator('kec-a', 'spbe-2020', 4);
    expect(shown.map((a) => a.id)).toEqual(['same']);
    store.close();
  });

  it('a new set replaces the old one: changed actions change, withdrawn ones go', async () => {
    const store = await open(freshName());
    await store.reference.replaceActions([
      action({ id: 'a1' }),
      action({ id: 'a2', indicatorNo: 2 }),
    ]);
    await store.reference.replaceActions([
      action({
        id: 'a1',
        status: 'selesai',
        displayStatus: 'selesai',
        closingNote: 'SK ditandatangani',
        updatedAt: 2,
      }),
    ]);
    const now = await store.reference.listActionsForUnit('kec-a');
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ id: 'a1', status: 'selesai', closingNote: 'SK ditandatangani' });
    store.close();
  });

  it('the actions survive a reload and are never counted as unsent work', async () => {
    const name = freshName();
    const store = await open(name);
    await store.reference.replaceActions([action({ id: 'kept' })]);
    expect(await store.outbox.count()).toBe(0);
    store.close();
    const again = await open(name);
    expect((await again.reference.listActionsForUnit('kec-a')).map((a) => a.id)).toEqual(['kept']);
    again.close();
  });
});
