import Dexie from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from '../../../src/store';
import { freshName, open } from './helpers';

describe('an app update in another tab', () => {
  it('closes this connection so the upgrade can run, and tells this tab to reload', async () => {
    const name = freshName('upgrade');
    const store = await open(name);
    let told = 0;
    store.onUpgradeElsewhere(() => {
      told++;
    });
    // Another tab runs a newer build whose schema has one more version.
    const newer = new Dexie(name, { indexedDB, IDBKeyRange });
    newer.version(CURRENT_SCHEMA_VERSION + 1).stores({ extra: 'id' });
    await newer.open();
    expect(told).toBe(1);
    expect(newer.verno).toBe(CURRENT_SCHEMA_VERSION + 1);
    newer.close();
    await expect(store.verifications.update('a', 1, { notes: 'x' })).rejects.toThrow();
  });
});
