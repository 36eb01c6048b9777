/**
 * A small read-only reader of the tablet database over raw IndexedDB, without Dexie: the
 * home screen's unit list paints from it while the store (Dexie, the write path, validation;
 * about 45 KB gzip) loads after the first paint. It reads the database the store created and
 * never creates or upgrades one: when the database is missing, at another schema version or
 * blocked, it answers null and the screen waits for the store instead.
 *
 * It reads exactly what the store's read methods of the same names return (records without
 * their `_versions`, the same orders and the same unsent counts as counts.ts), so a list
 * painted from it equals the store's; test/unit/store/quick-read.test.ts holds the two
 * side by side. Nothing here may import a value from Dexie or from the store's modules that
 * do (only types), or the first load would carry them again.
 */
// core/entities, not the barrel: the first load reads with this module and must not carry
// core's schemas (zod).
import { beritaAcaraId } from '../core/entities';
import type {
  AssessmentRepository,
  BeritaAcaraRepository,
  ConflictRepository,
  ReferenceRepository,
  VerificationRepository,
} from './api';
import type { BlobRow, RecordRow } from './schema';
import type { Assignment, Conflict, FileFailure, UnsentSummary } from './types';
import { countPendingFiles, unsentTally } from './unsent-tally';

/**
 * The schema version (schema.ts SCHEMA_HISTORY) this reader knows; a database at any other
 * version is left to the store. A unit test keeps it equal to CURRENT_SCHEMA_VERSION.
 */
export const QUICK_READ_SCHEMA_VERSION = 8;
/** Dexie stores version n as IndexedDB version n × 10. */
const IDB_VERSION = QUICK_READ_SCHEMA_VERSION * 10;

/** The reads of the home screen's unit list: a subset of TelusurStore with its shapes. */
export interface HomeReads {
  assessments: Pick<AssessmentRepository, 'list'>;
  verifications: Pick<VerificationRepository, 'listByAssessment'>;
  beritaAcara: Pick<BeritaAcaraRepository, 'get'>;
  conflicts: Pick<ConflictRepository, 'listByAssessment'>;
  reference: Pick<
    ReferenceRepository,
    'listUnits' | 'listAssignments' | 'getPeriod' | 'getFramework'
  >;
  /** As TelusurStore.unsent(). */
  unsent(): Promise<UnsentSummary>;
}

/** HomeReads over one raw connection; `close` releases it (the store opens its own). */
export interface QuickReader extends HomeReads {
  close(): void;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function strip<T>(row: RecordRow | undefined): T | null {
  if (!row) return null;
  const { _versions: _, ...rest } = row;
  return rest as T;
}

/** Index keys (not rows) of an index: outbox rows may hold signatures of hundreds of KB. */
function indexKeys(index: IDBIndex): Promise<IDBValidKey[]> {
  return new Promise((resolve, reject) => {
    const keys: IDBValidKey[] = [];
    const r = index.openKeyCursor();
    r.onerror = () => reject(r.error);
    r.onsuccess = () => {
      const cursor = r.result;
      if (!cursor) return resolve(keys);
      keys.push(cursor.key);
      cursor.continue();
    };
  });
}

/**
 * Whether the database exists, without creating it (indexedDB.databases()); null when the
 * browser cannot tell.
 */
export async function databaseExists(factory: IDBFactory, name: string): Promise<boolean | null> {
  if (typeof factory.databases !== 'function') return null;
  try {
    return (await factory.databases()).some((d) => d.name === name);
  } catch {
    return null;
  }
}

/** What `openQuickReader` answers for a database that does not exist (a fresh tablet). */
export const MISSING_DATABASE = 'missing';

/**
 * Open `name` read-only at the known schema version; `MISSING_DATABASE` when there is no
 * such database (a fresh tablet: its empty state is true at once); null when the reader
 * cannot answer (other version, blocked, any error) and the caller must wait for the store.
 * A missing database is never created: the upgrade its open starts is aborted, which
 * removes it again, so the store's later open creates it with its real schema. (This is
 * also how "missing" is learnt: `indexedDB.databases()` answers late on a fresh profile.)
 *
 * @param factory the IndexedDB factory (tests pass fake-indexeddb's)
 */
export async function openQuickReader(
  name: string,
  factory: IDBFactory | undefined = globalThis.indexedDB,
): Promise<QuickReader | typeof MISSING_DATABASE | null> {
  if (!factory) return null;
  let missing = false;
  const db = await new Promise<IDBDatabase | null>((resolve) => {
    let r: IDBOpenDBRequest;
    try {
      r = factory.open(name);
    } catch {
      return resolve(null);
    }
    r.onupgradeneeded = (e) => {
      missing = e.oldVersion === 0;
      r.transaction?.abort();
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => resolve(null);
    r.onblocked = () => resolve(null);
  });
  if (!db) return missing ? MISSING_DATABASE : null;
  if (db.version !== IDB_VERSION) {
    db.close();
    return null;
  }
  // The store's open (or another tab's) may upgrade the database: step aside at once.
  db.onversionchange = () => db.close();
  const tx = (stores: string | string[]) => db.transaction(stores, 'readonly');
  const all = <T>(store: string) => request(tx(store).objectStore(store).getAll()) as Promise<T[]>;
  const one = <T>(store: string, key: IDBValidKey) =>
    request(tx(store).objectStore(store).get(key)) as Promise<T | undefined>;
  const byIndex = <T>(store: string, index: string, key: IDBValidKey) =>
    request(tx(store).objectStore(store).index(index).getAll(key)) as Promise<T[]>;

  return {
    assessments: {
      list: async () => (await all<RecordRow>('assessments')).map((r) => strip(r) as never),
    },
    verifications: {
      listByAssessment: async (assessmentId) => {
        const rows = await byIndex<RecordRow>('verifications', 'assessmentId', assessmentId);
        rows.sort(
          (a, b) =>
            Number(a.indicatorNo ?? 0) - Number(b.indicatorNo ?? 0) || (a.id < b.id ? -1 : 1),
        );
        return rows.map((r) => strip(r) as never);
      },
    },
    beritaAcara: {
      get: async (assessmentId) =>
        strip(await one<RecordRow>('beritaAcara', beritaAcaraId(assessmentId))),
    },
    conflicts: {
      listByAssessment: async (assessmentId, options) =>
        (await byIndex<Conflict>('conflicts', 'assessmentId', assessmentId)).filter(
          (r) => options?.includeResolved || !r.resolved,
        ),
    },
    reference: {
      listUnits: () => all('units'),
      listAssignments: (periodId) =>
        periodId === undefined
          ? all<Assignment>('assignments')
          : byIndex<Assignment>('assignments', 'periodId', periodId),
      getPeriod: async (id) => (await one('periods', id)) ?? null,
      getFramework: async (id) => (await one('frameworks', id)) ?? null,
    },
    unsent: () => unsentCounts(tx(['outbox', 'blobs', 'evidenceFiles', 'rejected'])),
    close: () => db.close(),
  } satisfies QuickReader as QuickReader;
}

/** counts.ts unsentCounts over one raw read transaction (same rules: unsent-tally.ts). */
async function unsentCounts(t: IDBTransaction): Promise<UnsentSummary> {
  const tally = unsentTally();
  const { total, of } = tally;
  const outbox = t.objectStore('outbox');
  const rejected = t.objectStore('rejected');
  const blobs = t.objectStore('blobs');
  const files = t.objectStore('evidenceFiles');
  total.changes = await request(outbox.count());
  for (const id of await indexKeys(outbox.index('assessmentId'))) of(id as string).changes++;
  total.rejected = await request(rejected.count());
  for (const id of await indexKeys(rejected.index('assessmentId')))
    if (typeof id === 'string') of(id).rejected++;

  const pending = (await request(blobs.index('uploaded').getAllKeys(0))) as string[];
  if (pending.length > 0) {
    const failed = new Map<string, FileFailure>();
    for (const r of (await request(blobs.index('failure.at').getAll())) as BlobRow[])
      if (r.failure && r.uploaded === 0) failed.set(r.sha256, r.failure);
    // Dexie's anyOf: rows in index order (by hash, then id).
    const records: RecordRow[] = [];
    for (const sha of [...pending].sort())
      records.push(...((await request(files.index('sha256').getAll(sha))) as RecordRow[]));
    countPendingFiles(tally, pending, records, failed);
  }
  return { total, byAssessment: tally.byAssessment };
}
