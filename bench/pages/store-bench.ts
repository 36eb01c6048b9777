/**
 * In-browser half of bench module 2 (bench/lib/store.ts drives it). Exposes
 * `window.storeBench` with batch workloads that time themselves with performance.now():
 *
 * save variants (one indicator's `notes`, incl. its outbox entry, resolved once committed):
 *   store          store.verifications.update(aId, no, {notes}) — openStore() as shipped: one
 *                  native IDBTransaction on Dexie's connection reading the row, the clock and
 *                  device rows and the owning assessment (approval check) in one round trip,
 *                  then row + outbox + clock; liveQuery views told after commit (this tab
 *                  at once, other tabs within 50 ms)
 *   storeDefault   the same on a store opened with durability 'default' (the browser's, as PouchDB)
 *   raw            one IDB transaction: put the same verification row + add the outbox entry
 *                  (row and seq kept in memory), durability 'strict' like the store
 *   rawReads       one IDB transaction that reads the row and the device clock row first (as
 *                  the store must, for baseVersions and a gap-free seq across tabs and reloads),
 *                  then writes row + outbox + clock; durability 'strict'
 *   rawDefault     raw, but with the browser's default durability (what 'strict' costs)
 *   dexieReads     the rawReads workload through bare Dexie tables (plain-callback transaction,
 *                  Dexie.Promise.all of the two reads, then the three writes — the store's own
 *                  transaction shape), durability 'strict': the library without any store logic
 *   pouch          PouchDB put of the verification doc (its _rev kept in memory; PouchDB's
 *                  changes feed is its outbox); PouchDB sets no durability (browser default)
 *   pouchStrict    the same put on a second PouchDB whose read-write transactions are given
 *                  durability 'strict' (as the store's): PouchDB has no option for it, so this
 *                  page adds it where PouchDB opens its transactions (IDBDatabase.transaction)
 * open variants (one unit's 47 verifications):
 *   store          store.verifications.listByAssessment(aId)
 *   raw            index('assessmentId').getAll(aId) in a readonly transaction
 *   pouch          allDocs({include_docs, startkey/endkey}) over the unit's id prefix
 */
import Dexie, { type Table } from 'dexie';
import PouchDBModule from 'pouchdb-browser';
import { uuidv7, verificationId } from '../../src/core';
import { openStore, type TelusurStore } from '../../src/store';

export type SaveVariant =
  | 'store'
  | 'storeDefault'
  | 'raw'
  | 'rawReads'
  | 'rawDefault'
  | 'dexieReads'
  | 'pouch'
  | 'pouchStrict';
export type OpenVariant = 'store' | 'raw' | 'pouch';
export interface SetupInfo {
  assessments: number;
  indicators: number;
  rowBytes: number;
  dexieDebug: boolean;
  durabilitySupported: boolean;
  pouchAdapter: string;
  userAgent: string;
}
export interface StoreBench {
  setup(): Promise<SetupInfo>;
  save(variant: SaveVariant, n: number): Promise<number>;
  open(variant: OpenVariant, n: number): Promise<number>;
  verify(): Promise<string[]>;
}

const ASSESSMENTS = 10;
const INDICATORS = 47;

type Row = Record<string, unknown> & { id: string; _versions: Record<string, number> };
interface PouchDoc {
  _id: string;
  _rev?: string;
  [k: string]: unknown;
}
/** The slice of PouchDB's API used here (pouchdb-browser ships no types). */
interface Pouch {
  adapter: string;
  bulkDocs(
    docs: PouchDoc[],
  ): Promise<({ ok: true; id: string; rev: string } | { error: string })[]>;
  put(doc: PouchDoc): Promise<{ ok: true; id: string; rev: string }>;
  get(id: string): Promise<PouchDoc>;
  allDocs(options: {
    include_docs: boolean;
    startkey: string;
    endkey: string;
  }): Promise<{ rows: { id: string; doc?: PouchDoc }[] }>;
}
const PouchDB = PouchDBModule as unknown as new (name: string) => Pouch;

let store: TelusurStore;
let storeDefault: TelusurStore;
let raw: IDBDatabase;
let rawReads: IDBDatabase;
let rawDefault: IDBDatabase;
let dexie: Dexie & {
  verifications: Table<Row, string>;
  outbox: Table<unknown, number>;
  meta: Table<{ key: string; seq: number; hlc: string | null }, string>;
};
let rawDefaultSeq = 0;
const rawDefaultRows = new Map<string, Row>();
let pouch: Pouch;
let pouchStrict: Pouch;
const pouchStrictDocs = new Map<string, PouchDoc>();
let target = '';
let counter = 0;
let rawSeq = 0;
const rawRows = new Map<string, Row>();
const pouchDocs = new Map<string, PouchDoc>();
const lastNotes = new Map<SaveVariant, { no: number; notes: string }>();

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
const STRICT = { durability: 'strict' } as IDBTransactionOptions;

/** The database PouchDB's idb adapter opens for `new PouchDB('bench-pouch-strict')`. */
const POUCH_STRICT_DB = '_pouch_bench-pouch-strict';
/** Read-write transactions opened on it with 'strict' (checked in verify()). */
let pouchStrictTx = 0;
/** pouchStrict puts made (each must have opened a strict transaction). */
let strictPuts = 0;
const nativeTransaction = IDBDatabase.prototype.transaction;
// PouchDB has no durability option: its read-write transactions on the one database of the
// pouchStrict variant get 'strict' here, so that variant flushes each put as the store does.
IDBDatabase.prototype.transaction = function transaction(
  this: IDBDatabase,
  names: string | string[],
  mode?: IDBTransactionMode,
  options?: IDBTransactionOptions,
): IDBTransaction {
  if (this.name === POUCH_STRICT_DB && mode === 'readwrite') {
    const tx = nativeTransaction.call(this, names, mode, { ...options, durability: 'strict' });
    if ((tx as IDBTransaction & { durability?: string }).durability === 'strict') pouchStrictTx++;
    return tx;
  }
  return nativeTransaction.call(this, names, mode, options);
};
const pouchId = (a: string, no: number) => `v:${a}:${String(no).padStart(3, '0')}`;
const hlcOf = (at: number, deviceId: string, counter = 0) =>
  `${String(at).padStart(13, '0')}-${counter.toString(16).padStart(4, '0')}-${deviceId}`;

function sampleFields(no: number) {
  const states = ['present', 'missing', 'inadequate'] as const;
  return {
    selfLevel: (no % 5) + 1,
    selfJustification:
      'Unit telah menetapkan kebijakan internal terkait tata kelola SPBE melalui peraturan kepala daerah dan melaksanakan reviu berkala. '.repeat(
        2,
      ),
    verifiedLevel: ((no + 2) % 5) + 1,
    notes: `Dokumen SK tim koordinasi SPBE diperiksa; notulen rapat ${no} tersedia, bukti pemantauan belum lengkap.`,
    'checks.1.0': { state: states[no % 3] ?? null, note: '' },
    'checks.2.0': { state: states[(no + 1) % 3] ?? null, note: 'Salinan tanpa tanda tangan' },
    'checks.3.0': { state: 'present' as const, note: '' },
  };
}

function openRawDb(name: string, version?: number, upgrade?: (db: IDBDatabase) => void) {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const r = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** A raw database with the store's object stores and indexes, filled with the same rows. */
async function makeRaw(name: string, rows: Row[], outbox: unknown[], clock: unknown) {
  const db = await openRawDb(name, 1, (d) => {
    d.createObjectStore('verifications', { keyPath: 'id' }).createIndex(
      'assessmentId',
      'assessmentId',
    );
    const o = d.createObjectStore('outbox', { keyPath: 'seq' });
    o.createIndex('[entity+id]', ['entity', 'id']);
    o.createIndex('assessmentId', 'assessmentId');
    d.createObjectStore('meta', { keyPath: 'key' });
  });
  const tx = db.transaction(['verifications', 'outbox', 'meta'], 'readwrite', STRICT);
  for (const r of rows) tx.objectStore('verifications').put(r);
  for (const m of outbox) tx.objectStore('outbox').put(m);
  tx.objectStore('meta').put(clock);
  await done(tx);
  return db;
}

async function setup(): Promise<SetupInfo> {
  store = await openStore({ name: 'bench-store' });
  storeDefault = await openStore({ name: 'bench-store-default', durability: 'default' });
  const ids = Array.from({ length: ASSESSMENTS }, (_, k) => uuidv7(Date.now() + k));
  target = ids[4] as string;
  for (const a of ids) {
    for (let no = 1; no <= INDICATORS; no++) {
      await store.verifications.update(a, no, sampleFields(no));
      await storeDefault.verifications.update(a, no, sampleFields(no));
    }
  }
  // Copy the store's own rows, outbox and clock into the raw databases, byte for byte.
  const src = await openRawDb('bench-store');
  const stx = src.transaction(['verifications', 'outbox', 'meta'], 'readonly');
  const [rows, outbox, clock] = await Promise.all([
    req(stx.objectStore('verifications').getAll()) as Promise<Row[]>,
    req(stx.objectStore('outbox').getAll()),
    req(stx.objectStore('meta').get('clock')) as Promise<{ seq: number }>,
  ]);
  src.close();
  raw = await makeRaw('bench-raw', rows, outbox, clock);
  rawReads = await makeRaw('bench-raw-reads', rows, outbox, clock);
  rawDefault = await makeRaw('bench-raw-default', rows, outbox, clock);
  rawSeq = clock.seq;
  rawDefaultSeq = clock.seq;
  for (const r of rows) {
    rawRows.set(r.id, r);
    rawDefaultRows.set(r.id, r);
  }
  dexie = new Dexie('bench-dexie-reads', { chromeTransactionDurability: 'strict' }) as typeof dexie;
  dexie.version(1).stores({
    verifications: 'id, assessmentId',
    outbox: 'seq, [entity+id], assessmentId',
    meta: 'key',
  });
  await dexie.transaction('rw', dexie.tables, async () => {
    await dexie.table('verifications').bulkPut(rows);
    await dexie.table('outbox').bulkPut(outbox);
    await dexie.table('meta').put(clock);
  });

  pouch = new PouchDB('bench-pouch');
  pouchStrict = new PouchDB('bench-pouch-strict');
  // PouchDB reserves `_` members: the per-field versions travel as `versions`.
  const docs: PouchDoc[] = rows.map(({ id: _id, _versions, ...rest }) => ({
    _id: pouchId(String(rest.assessmentId), Number(rest.indicatorNo)),
    ...rest,
    versions: _versions,
  }));
  for (const [db, held] of [
    [pouch, pouchDocs],
    [pouchStrict, pouchStrictDocs],
  ] as const) {
    const res = await db.bulkDocs(docs.map((d) => ({ ...d })));
    res.forEach((r, i) => {
      if (!('ok' in r)) throw new Error(`pouch bulkDocs failed: ${JSON.stringify(r)}`);
      const d = docs[i] as PouchDoc;
      held.set(d._id, { ...d, _rev: r.rev });
    });
  }
  const sample = rows.find((r) => r.assessmentId === target) as Row;
  return {
    assessments: ASSESSMENTS,
    indicators: INDICATORS,
    rowBytes: JSON.stringify(sample).length,
    dexieDebug: Boolean((Dexie as unknown as { debug: unknown }).debug),
    durabilitySupported: 'durability' in IDBTransaction.prototype,
    pouchAdapter: pouch.adapter,
    userAgent: navigator.userAgent,
  };
}

/** The row and outbox entry a save of `notes` writes, from an in-memory copy of the row. */
function nextWrite(rows: Map<string, Row>, no: number, notes: string, seq: number) {
  const id = verificationId(target, no);
  const row = rows.get(id) as Row;
  const at = Date.now();
  const base = row._versions.notes ?? 0;
  const next: Row = { ...row, notes, _versions: { ...row._versions, notes: base } };
  const mutation = {
    deviceId: store.deviceId,
    seq,
    entity: 'verification',
    id,
    changes: { notes },
    baseVersions: { notes: base },
    hlc: hlcOf(at, store.deviceId),
    at,
    assessmentId: target,
  };
  return { id, next, mutation };
}

async function saveRaw(no: number, notes: string) {
  const { id, next, mutation } = nextWrite(rawRows, no, notes, ++rawSeq);
  const tx = raw.transaction(['verifications', 'outbox'], 'readwrite', STRICT);
  tx.objectStore('verifications').put(next);
  tx.objectStore('outbox').add(mutation);
  await done(tx);
  rawRows.set(id, next);
}

async function saveRawDefault(no: number, notes: string) {
  const { id, next, mutation } = nextWrite(rawDefaultRows, no, notes, ++rawDefaultSeq);
  const tx = rawDefault.transaction(['verifications', 'outbox'], 'readwrite');
  tx.objectStore('verifications').put(next);
  tx.objectStore('outbox').add(mutation);
  await done(tx);
  rawDefaultRows.set(id, next);
}

function saveDexieReads(no: number, notes: string) {
  const id = verificationId(target, no);
  return dexie.transaction('rw', dexie.verifications, dexie.outbox, dexie.meta, () =>
    Dexie.Promise.all([dexie.verifications.get(id), dexie.meta.get('clock')]).then(
      ([row, clock]) => {
        const r = row as Row;
        const at = Date.now();
        const seq = (clock?.seq ?? 0) + 1;
        const hlc = hlcOf(at, store.deviceId);
        const base = r._versions.notes ?? 0;
        return Dexie.Promise.all([
          dexie.verifications.put({ ...r, notes, _versions: { ...r._versions, notes: base } }),
          dexie.outbox.add({
            deviceId: store.deviceId,
            seq,
            entity: 'verification',
            id,
            changes: { notes },
            baseVersions: { notes: base },
            hlc,
            at,
            assessmentId: target,
          }),
          dexie.meta.put({ key: 'clock', seq, hlc }),
        ]);
      },
    ),
  );
}

function saveRawReads(no: number, notes: string) {
  const id = verificationId(target, no);
  const tx = rawReads.transaction(['verifications', 'outbox', 'meta'], 'readwrite', STRICT);
  const vs = tx.objectStore('verifications');
  const meta = tx.objectStore('meta');
  const rowReq = vs.get(id) as IDBRequest<Row>;
  const clockReq = meta.get('clock') as IDBRequest<{ seq: number; hlc: string | null }>;
  let pending = 2;
  const onRead = () => {
    if (--pending > 0) return;
    const row = rowReq.result;
    const clock = clockReq.result;
    const at = Date.now();
    const seq = clock.seq + 1;
    const hlc = hlcOf(at, store.deviceId);
    const base = row._versions.notes ?? 0;
    vs.put({ ...row, notes, _versions: { ...row._versions, notes: base } });
    tx.objectStore('outbox').add({
      deviceId: store.deviceId,
      seq,
      entity: 'verification',
      id,
      changes: { notes },
      baseVersions: { notes: base },
      hlc,
      at,
      assessmentId: target,
    });
    meta.put({ key: 'clock', seq, hlc });
  };
  rowReq.onsuccess = onRead;
  clockReq.onsuccess = onRead;
  return done(tx);
}

async function putPouch(db: Pouch, held: Map<string, PouchDoc>, no: number, notes: string) {
  const _id = pouchId(target, no);
  const doc = held.get(_id) as PouchDoc;
  const next = { ...doc, notes };
  const r = await db.put(next);
  held.set(_id, { ...next, _rev: r.rev });
}

const savers: Record<SaveVariant, (no: number, notes: string) => Promise<unknown>> = {
  store: (no, notes) => store.verifications.update(target, no, { notes }),
  storeDefault: (no, notes) => storeDefault.verifications.update(target, no, { notes }),
  raw: saveRaw,
  rawReads: saveRawReads,
  rawDefault: saveRawDefault,
  dexieReads: saveDexieReads,
  pouch: (no, notes) => putPouch(pouch, pouchDocs, no, notes),
  pouchStrict: (no, notes) => putPouch(pouchStrict, pouchStrictDocs, no, notes),
};

async function openRaw(): Promise<unknown[]> {
  const tx = raw.transaction('verifications', 'readonly');
  return req(tx.objectStore('verifications').index('assessmentId').getAll(target));
}

const openers: Record<OpenVariant, () => Promise<unknown[]>> = {
  store: () => store.verifications.listByAssessment(target),
  raw: openRaw,
  pouch: () =>
    pouch
      .allDocs({ include_docs: true, startkey: `v:${target}:`, endkey: `v:${target}:\ufff0` })
      .then((r) => r.rows),
};

const api: StoreBench = {
  setup,
  async save(variant, n) {
    const fn = savers[variant];
    let no = 1;
    let notes = '';
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      no = (counter % INDICATORS) + 1;
      notes = `x${++counter}`;
      await fn(no, notes);
    }
    const ms = performance.now() - t0;
    if (variant === 'pouchStrict') strictPuts += n;
    lastNotes.set(variant, { no, notes });
    return ms;
  },
  async open(variant, n) {
    const fn = openers[variant];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const rows = await fn();
      if (rows.length !== INDICATORS) throw new Error(`${variant}: ${rows.length} rows`);
    }
    return performance.now() - t0;
  },
  /** Sanity: every variant's last save is readable back. Returns problems (empty = fine). */
  async verify() {
    const problems: string[] = [];
    const check = (variant: SaveVariant, got: unknown) => {
      const want = lastNotes.get(variant);
      if (want && got !== want.notes)
        problems.push(`${variant}: notes ${String(got)} ≠ ${want.notes}`);
    };
    const at = (v: SaveVariant) => lastNotes.get(v)?.no ?? 1;
    check('store', (await store.verifications.get(target, at('store')))?.notes);
    check(
      'storeDefault',
      (await storeDefault.verifications.get(target, at('storeDefault')))?.notes,
    );
    const vid = (v: SaveVariant) => verificationId(target, at(v));
    const rawRow = await req(
      raw.transaction('verifications').objectStore('verifications').get(vid('raw')),
    );
    check('raw', (rawRow as Row | undefined)?.notes);
    const rrRow = await req(
      rawReads.transaction('verifications').objectStore('verifications').get(vid('rawReads')),
    );
    check('rawReads', (rrRow as Row | undefined)?.notes);
    const rdRow = await req(
      rawDefault.transaction('verifications').objectStore('verifications').get(vid('rawDefault')),
    );
    check('rawDefault', (rdRow as Row | undefined)?.notes);
    check('dexieReads', (await dexie.verifications.get(vid('dexieReads')))?.notes);
    check('pouch', (await pouch.get(pouchId(target, at('pouch')))).notes);
    check('pouchStrict', (await pouchStrict.get(pouchId(target, at('pouchStrict')))).notes);
    // Every pouchStrict put ran in (at least) one 'strict' read-write transaction.
    if (lastNotes.has('pouchStrict') && pouchStrictTx < strictPuts)
      problems.push(`pouchStrict: ${pouchStrictTx} strict transactions for ${strictPuts} puts`);
    // A live view (store.watch, Dexie liveQuery) must see a save made while it is open: the
    // store's save bypasses Dexie's tables and announces its writes itself.
    const liveNo = at('store');
    const liveNotes = `live-${Date.now()}`;
    const seen = await new Promise<boolean>((resolve) => {
      let saved = false;
      const timer = setTimeout(() => finish(false), 5000);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(ok);
      };
      const stop = store.watch(
        (st) => st.verifications.get(target, liveNo),
        (v) => {
          if (!saved) {
            saved = true;
            store.verifications
              .update(target, liveNo, { notes: liveNotes })
              .catch(() => finish(false));
          } else if (v?.notes === liveNotes) finish(true);
        },
        () => finish(false),
      );
    });
    if (!seen) problems.push('store: a live view did not see a save made while it was open');
    // The store's outbox must hold one mutation per save, gap-free.
    const seqs = (await store.outbox.peek(1_000_000)).map((m) => m.seq);
    for (let i = 1; i < seqs.length; i++)
      if ((seqs[i] as number) !== (seqs[i - 1] as number) + 1) {
        problems.push(`store outbox seq gap at ${seqs[i - 1]}→${seqs[i]}`);
        break;
      }
    return problems;
  },
};

(globalThis as unknown as { storeBench: StoreBench }).storeBench = api;
document.body.dataset.ready = '1';
(document.getElementById('status') as HTMLElement).textContent = 'siap';
