/**
 * Opening the tablet store: the IndexedDB database (created or upgraded to the current
 * schema), the device identity and eviction check, the Blob probe, and the assembled
 * TelusurStore with its lifecycle (watch, destroy, close, another tab's upgrade).
 */
import { liveQuery } from 'dexie';
import { uuidv7 } from '../core';
import type { StorageManagerLike, StoreOptions, TelusurStore } from './api';
import { probeBlobMode } from './blobs';
import {
  CLOCK,
  type ClockRow,
  DEVICE,
  EVICTION,
  guard,
  MARKER,
  type StoreContext,
} from './context';
import { countsApi } from './counts';
import { StoreError, toStoreError, UnsentDataError } from './errors';
import { blobRepository, evidenceRepository } from './evidence';
import { exportImportApi } from './export-import';
import { healthApi } from './health';
import { identityApi } from './identity';
import { outboxApi, rejectedApi } from './outbox';
import { rebaseApi } from './rebase';
import { remoteApi } from './remote';
import {
  assessmentRepository,
  beritaAcaraRepository,
  commentRepository,
  conflictRepository,
  cursorApi,
  referenceRepository,
  verificationRepository,
} from './repositories';
import { CURRENT_SCHEMA_VERSION, declareSchema, TelusurDb } from './schema';
import { syncLogApi } from './sync-log';
import type { EvictionWitness } from './types';

function defaultWitness(name: string): EvictionWitness | null {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls) return null;
  const key = `telusur:store:${name}:device`;
  return {
    read: () => ls.getItem(key),
    write: (value) => ls.setItem(key, value),
    clear: () => ls.removeItem(key),
  };
}

/**
 * Open (creating or upgrading) the tablet database. Resolves once the device id, eviction
 * check and Blob probe are done.
 *
 * @throws StoreError `unavailable` when the database cannot be opened (e.g. another tab
 *   blocks the upgrade), or the mapped StoreError (quota…).
 */
export async function openStore(options: StoreOptions = {}): Promise<TelusurStore> {
  const name = options.name ?? 'telusur';
  const now = options.now ?? Date.now;
  const deps: { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange } = {};
  if (options.indexedDB) deps.indexedDB = options.indexedDB;
  if (options.IDBKeyRange) deps.IDBKeyRange = options.IDBKeyRange;
  const durability = options.durability ?? 'strict';
  const db = new TelusurDb(name, {
    ...deps,
    ...(durability === 'default' ? {} : { chromeTransactionDurability: durability }),
  });
  declareSchema(db);
  try {
    await db.open();
  } catch (e) {
    const mapped = toStoreError(e);
    if (mapped instanceof StoreError) throw mapped;
    throw new StoreError(
      'unavailable',
      'Basis data tablet tidak dapat dibuka. Tutup tab Telusur lain lalu coba lagi; jika tetap gagal, jangan hapus data situs dan hubungi admin.',
      'The tablet database cannot be opened. Close other Telusur tabs and try again; if it still fails, do not clear site data and contact support.',
      e,
    );
  }

  const witness = options.witness === undefined ? defaultWitness(name) : options.witness;
  let witnessed: string | null = null;
  try {
    witnessed = witness?.read() ?? null;
  } catch {
    witnessed = null;
  }
  const deviceId = await db
    .transaction('rw', db.meta, async () => {
      const [device, marker, clock, eviction] = await db.meta.bulkGet([
        DEVICE,
        MARKER,
        CLOCK,
        EVICTION,
      ]);
      const id = typeof device?.deviceId === 'string' ? device.deviceId : uuidv7(now());
      // An identity this database left (adoptIdentity) is not a sign of eviction: the tab
      // may have closed between the commit and the witness update.
      const previous = Array.isArray(device?.previous) ? (device.previous as string[]) : [];
      const vanished =
        witnessed !== null && (!marker || (witnessed !== id && !previous.includes(witnessed)));
      if (vanished && !eviction) {
        await db.meta.put({ key: EVICTION, detectedAt: now(), previousDeviceId: witnessed });
      }
      if (!device) await db.meta.put({ key: DEVICE, deviceId: id, createdAt: now() });
      if (!marker) await db.meta.put({ key: MARKER, deviceId: id, createdAt: now() });
      if (!clock) await db.meta.put({ key: CLOCK, seq: 0, hlc: null } satisfies ClockRow);
      return id;
    })
    .catch((e: unknown) => {
      throw toStoreError(e);
    });
  try {
    witness?.write(deviceId);
  } catch {
    // A witness that cannot be written only weakens eviction detection.
  }
  if ((await db.meta.get(EVICTION)) !== undefined) {
    console.error(
      'Telusur: the local database was lost (evicted) since an earlier start; see store.health().',
    );
  }

  const blobMode =
    options.blobMode && options.blobMode !== 'auto' ? options.blobMode : await probeBlobMode(db);
  const nav = (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator;
  const storage =
    options.storageManager === undefined ? (nav?.storage ?? null) : options.storageManager;
  return assemble({
    db,
    name,
    deviceId,
    now,
    durability,
    blobMode,
    storage,
    hooks: options.testHooks,
    witness,
  });
}

/** The public store over an opened context: each part comes from its own module. */
function assemble(c: StoreContext): TelusurStore {
  const db = c.db;
  const store: TelusurStore = {
    name: c.name,
    get deviceId() {
      return c.deviceId;
    },
    schemaVersion: CURRENT_SCHEMA_VERSION,
    blobMode: c.blobMode,
    assessments: assessmentRepository(c),
    verifications: verificationRepository(c),
    beritaAcara: beritaAcaraRepository(c),
    comments: commentRepository(c),
    evidence: evidenceRepository(c),
    blobs: blobRepository(c),
    reference: referenceRepository(c),
    conflicts: conflictRepository(c),
    outbox: outboxApi(c),
    rejected: rejectedApi(c),
    cursors: cursorApi(c),
    syncLog: syncLogApi(c),
    ...countsApi(c),
    ...identityApi(c),
    ...remoteApi(c),
    ...rebaseApi(c),
    ...healthApi(c),
    ...exportImportApi(c),
    watch: (query, onValue, onError) => {
      const subscription = liveQuery(() => query(store)).subscribe({
        next: onValue,
        error: (e: unknown) => {
          const mapped = toStoreError(e);
          if (onError) onError(mapped);
          else console.error('Telusur store watch failed', mapped);
        },
      });
      return () => subscription.unsubscribe();
    },
    destroy: async (options = {}) => {
      if (!options.discardUnsent) {
        const h = await store.health();
        if (h.unsyncedMutations > 0 || h.unsyncedFiles > 0 || h.rejectedChanges > 0) {
          throw new UnsentDataError(h.unsyncedMutations, h.unsyncedFiles, h.rejectedChanges);
        }
      }
      await guard(() => db.delete());
      try {
        c.witness?.clear?.();
      } catch {
        // Nothing to forget.
      }
    },
    onUpgradeElsewhere: (fn) => {
      const handler = () => {
        // Close at once: the other tab's upgrade waits for every older connection.
        db.close();
        fn();
        return false;
      };
      db.on('versionchange', handler);
      return () => db.on('versionchange').unsubscribe(handler);
    },
    close: () => db.close(),
  };
  return store;
}
