/**
 * Native IndexedDB transactions on the connection Dexie holds open, for the hot write path
 * (write.ts `save`) and the hot list reads (`rowsWhere`, `rowByKey`): one IDBTransaction
 * whose requests go straight to IndexedDB, without Dexie's per-request promise, zone and
 * middleware layers. Reads inside a `store.watch` query or a Dexie transaction still go
 * through Dexie, which must observe them (liveQuery) or order them (the transaction). Dexie's liveQuery does not see
 * such writes by itself, so every committed one is announced the way Dexie learns of a
 * write it did not make (`announce`), which re-runs the affected views here and in every
 * other tab and drops Dexie's cached results of the changed keys.
 */
import Dexie, { type IndexableType, type IndexSpec, RangeSet } from 'dexie';
import type { StoreContext } from './context';

/**
 * The name Dexie 4 (since 3.2) uses for writes committed elsewhere: as a window event (a
 * write of this tab that Dexie did not make) and as a BroadcastChannel (a write of another
 * tab). Either makes Dexie fire `storagemutated` AND forget its cached query results that
 * overlap the changed parts. test/unit/store/watch.test.ts and test/e2e/store-tabs.test.ts
 * prove the views update, so a Dexie upgrade that renames it fails there.
 */
const DEXIE_MUTATION_EVENT = 'x-storagemutated-1';
/**
 * Other tabs are told at most this often (ms): telling them costs a BroadcastChannel post
 * (about as much as a save's IndexedDB puts), and a few quick saves fold into one notice.
 */
const OTHER_TABS_DELAY_MS = 50;

/** Which keys changed, in Dexie's ObservabilitySet format (`idb://<db>/<table>/<index>`). */
export type MutatedParts = Record<string, RangeSet>;

/** A browser window or worker, where Dexie listens for the window event. */
const windowEvents =
  typeof dispatchEvent === 'function' &&
  typeof addEventListener === 'function' &&
  typeof CustomEvent === 'function';

let channel: BroadcastChannel | null | undefined;
let otherTabs: MutatedParts | null = null;
let otherTabsTimer: ReturnType<typeof setTimeout> | null = null;
let flushOnHide = false;

/** The channel to Dexie's listeners, or null where BroadcastChannel is missing. */
function mutationChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel =
      typeof BroadcastChannel === 'function' ? new BroadcastChannel(DEXIE_MUTATION_EVENT) : null;
    // Node (tests): the channel must not keep the process alive.
    (channel as { unref?: () => void } | null)?.unref?.();
  }
  return channel;
}

/** Whether `announce` can reach Dexie's views (else writes must go through Dexie). */
export function canAnnounce(): boolean {
  return windowEvents || mutationChannel() !== null;
}

/**
 * Tell Dexie's liveQuery views that `parts` changed (call after the transaction committed):
 * this tab's at once, other tabs' within OTHER_TABS_DELAY_MS (Dexie's own `storagemutated`
 * event, which Dexie forwards to them; sent early when the page is hidden). Firing that
 * event alone is not enough here: this tab's views would re-run but be served Dexie's
 * cached, older result (test/unit/store/watch.test.ts fails so). Outside a window (Node
 * tests) the channel post reaches this and the other Dexie instances.
 */
export function announce(parts: MutatedParts): void {
  if (!windowEvents) {
    mutationChannel()?.postMessage(parts);
    return;
  }
  dispatchEvent(new CustomEvent(DEXIE_MUTATION_EVENT, { detail: parts }));
  otherTabs = Dexie.extendObservabilitySet(otherTabs ?? {}, parts) as MutatedParts;
  if (otherTabsTimer === null) {
    if (!flushOnHide) {
      flushOnHide = true;
      addEventListener('pagehide', tellOtherTabs);
    }
    otherTabsTimer = setTimeout(tellOtherTabs, OTHER_TABS_DELAY_MS);
  }
}

function tellOtherTabs(): void {
  if (otherTabsTimer !== null) clearTimeout(otherTabsTimer);
  otherTabsTimer = null;
  const parts = otherTabs;
  otherTabs = null;
  if (parts) Dexie.on('storagemutated').fire(parts);
}

/**
 * Record in `parts` that `table` put `next` over `prev` (undefined: a new row): its primary
 * key and every index value before and after, as Dexie's observability middleware does.
 */
export function notePut(
  c: StoreContext,
  parts: MutatedParts,
  table: string,
  prev: object | undefined,
  next: object,
): void {
  const schema = c.db.table(table).schema;
  const part = (index: string) => {
    const key = `idb://${c.db.name}/${table}/${index}`;
    let set = parts[key];
    if (!set) {
      set = new RangeSet();
      parts[key] = set;
    }
    return set;
  };
  const pk = Dexie.getByKeyPath(next, schema.primKey.keyPath as string);
  part('').addKey(pk);
  // Dexie marks a put's keys as possibly deleted when it did not see the old row; marking
  // them always is the safe superset (a view of the primary key range re-runs).
  part(':dels').addKey(pk);
  for (const index of schema.indexes as IndexSpec[]) {
    if (!index.keyPath) continue;
    for (const row of prev ? [prev, next] : [next]) {
      const key = Dexie.getByKeyPath(row, index.keyPath);
      if (isIndexable(key)) part(index.name).addKey(key);
    }
  }
}

function isIndexable(key: unknown): key is IndexableType {
  if (Array.isArray(key)) return key.every((k) => k !== undefined && k !== null);
  return typeof key === 'string' || typeof key === 'number' || key instanceof Date;
}

/**
 * A read-write IDBTransaction over `stores` on Dexie's open connection, with the store's
 * durability; null when the native path must not be taken: the database is not open (Dexie
 * reopens or reports that), the caller is inside a Dexie transaction (whose atomicity the
 * write must join), or Dexie's views cannot be told (`announce`).
 */
export function nativeTransaction(c: StoreContext, stores: string[]): IDBTransaction | null {
  const db = c.db;
  if (!db.isOpen() || Dexie.currentTransaction || !canAnnounce()) return null;
  try {
    const idb = db.backendDB();
    return c.durability === 'default'
      ? idb.transaction(stores, 'readwrite')
      : idb.transaction(stores, 'readwrite', { durability: c.durability });
  } catch {
    // The connection is closing (another tab's upgrade): Dexie's path reports it.
    return null;
  }
}

/**
 * Whether the caller runs inside a Dexie liveQuery querier (`store.watch`): Dexie keeps the
 * ranges such a query read in its zone (`PSD.subscr`) and re-runs the query when a write
 * overlaps them. A read that bypasses Dexie there would never be re-run, and the view would
 * stop updating (test/unit/store/native-read.test.ts). `Dexie.currentTransaction` is null
 * in a querier until it opens a transaction itself, so it cannot tell this.
 */
function inLiveQuery(): boolean {
  const zone = (Dexie.Promise as unknown as { PSD?: { subscr?: unknown } }).PSD;
  return !!zone?.subscr;
}

/**
 * A read-only IDBTransaction over `stores` on Dexie's open connection, or null when the read
 * must go through Dexie: the database is not open (Dexie opens it or reports that), the
 * caller is inside a Dexie transaction (whose snapshot and order the read must share) or a
 * liveQuery querier (`inLiveQuery`), or the connection is closing.
 */
export function nativeReadTransaction(c: StoreContext, stores: string[]): IDBTransaction | null {
  const db = c.db;
  if (!db.isOpen() || Dexie.currentTransaction || inLiveQuery()) return null;
  try {
    return db.backendDB().transaction(stores, 'readonly');
  } catch {
    // The connection is closing (another tab's upgrade): Dexie's path reports it.
    return null;
  }
}

/**
 * A key IndexedDB accepts (a string, a number other than NaN, or an array of those): only
 * such keys take the native path. Anything else goes to Dexie, which rejects it as before —
 * a native getAll(undefined) would answer every row instead.
 */
function isQueryKey(key: unknown): key is string | number | (string | number)[] {
  if (typeof key === 'string') return true;
  if (typeof key === 'number') return !Number.isNaN(key);
  return (
    Array.isArray(key) && key.length > 0 && key.every((k) => isQueryKey(k) && !Array.isArray(k))
  );
}

function requestResult<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * The rows of `table` whose index `index` (Dexie's name: `assessmentId`,
 * `[assessmentId+indicatorNo]`) equals `key`, in the index's order (index key, then primary
 * key) — what `db.table(table).where(index).equals(key).toArray()` answers, and that is
 * what runs when a native read must not be taken (`nativeReadTransaction`, or `key` is not a
 * valid key). Callers must not change the rows: Dexie's may be shared with its liveQuery
 * cache. Rejects with IndexedDB's or Dexie's error (the caller's `guard` maps it).
 */
export function rowsWhere<T>(
  c: StoreContext,
  table: string,
  index: string,
  key: unknown,
): Promise<T[]> {
  const tx = isQueryKey(key) ? nativeReadTransaction(c, [table]) : null;
  if (!tx)
    return Promise.resolve(
      c.db
        .table(table)
        .where(index)
        .equals(key as IndexableType)
        .toArray() as Promise<T[]>,
    );
  return requestResult(
    tx
      .objectStore(table)
      .index(index)
      .getAll(key as IDBValidKey),
  ) as Promise<T[]>;
}

/** The row of `table` with primary key `key`, or undefined: `db.table(table).get(key)`, natively when allowed. */
export function rowByKey<T>(c: StoreContext, table: string, key: unknown): Promise<T | undefined> {
  const tx = isQueryKey(key) ? nativeReadTransaction(c, [table]) : null;
  if (!tx)
    return Promise.resolve(c.db.table(table).get(key as IndexableType) as Promise<T | undefined>);
  return requestResult(tx.objectStore(table).get(key as IDBValidKey)) as Promise<T | undefined>;
}
