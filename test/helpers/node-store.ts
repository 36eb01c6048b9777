import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { openStore, type StoreOptions, type TelusurStore } from '../../src/store';

/**
 * A tablet store on fake-indexeddb as the Node sync suites open it: no eviction witness or
 * storage manager (there is no browser), Blobs kept as bytes (as older iPadOS does), and
 * relaxed durability (nothing to flush in memory).
 */
export function openNodeStore(name: string, extra: StoreOptions = {}): Promise<TelusurStore> {
  return openStore({
    name,
    indexedDB,
    IDBKeyRange,
    witness: null,
    storageManager: null,
    blobMode: 'arraybuffer',
    durability: 'relaxed',
    ...extra,
  });
}
