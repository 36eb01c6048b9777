import { indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { CURRENT_SCHEMA_VERSION, type TelusurStore } from '../../../src/store';
import {
  databaseExists,
  type HomeReads,
  MISSING_DATABASE,
  openQuickReader,
  QUICK_READ_SCHEMA_VERSION,
} from '../../../src/store/quick-read';
import { ASSESSMENT, addPhoto, freshName, open } from './helpers';

/**
 * The home screen's first paint reads the tablet database without the store (no Dexie): what
 * it reads must be what the store's reads of the same names return, or the list would jump
 * when the store's live list replaces it.
 */

const OTHER = '0190a6f2-5c3e-7b1a-8f00-000000000002';

/** Every read of HomeReads, on the same data, as one comparable value. */
async function everything(r: HomeReads) {
  const assessments = await r.assessments.list();
  const per = await Promise.all(
    [ASSESSMENT, OTHER].map(async (id) => ({
      verifications: await r.verifications.listByAssessment(id),
      conflicts: await r.conflicts.listByAssessment(id),
      allConflicts: await r.conflicts.listByAssessment(id, { includeResolved: true }),
      beritaAcara: await r.beritaAcara.get(id),
    })),
  );
  return {
    assessments: assessments.sort((a, b) => (a.id < b.id ? -1 : 1)),
    per,
    units: await r.reference.listUnits(),
    assignments: await r.reference.listAssignments(),
    assignmentsOfPeriod: await r.reference.listAssignments('p1'),
    period: await r.reference.getPeriod('p1'),
    noPeriod: await r.reference.getPeriod('none'),
    noFramework: await r.reference.getFramework('none'),
    unsent: await r.unsent(),
  };
}

async function tabletWithWork(): Promise<{ store: TelusurStore; name: string }> {
  const name = freshName('quick');
  const store = await open(name);
  await store.reference.putPeriods([{ id: 'p1', name: 'Evaluasi 2025', year: 2025 } as never]);
  await store.reference.putUnits([
    { id: 'u1', name: 'Dinas Kominfo', kind: 'opd', parentId: null } as never,
    { id: 'u2', name: 'Kelurahan Sukamaju', kind: 'kelurahan', parentId: 'u1' } as never,
  ]);
  await store.reference.putAssignments([
    { id: 'as1', periodId: 'p1', unitId: 'u1', assessmentId: ASSESSMENT },
    { id: 'as2', periodId: 'p2', unitId: 'u2', assessmentId: OTHER },
  ]);
  await store.applyRemote(
    'assessment',
    ASSESSMENT,
    { periodId: 'p1', unitId: 'u1', frameworkId: 'spbe-2020', status: 'sedang' },
    { periodId: 1, unitId: 1, frameworkId: 1, status: 1 },
  );
  await store.applyRemote(
    'assessment',
    OTHER,
    { periodId: 'p2', unitId: 'u2', frameworkId: 'spbe-2020', status: 'belum' },
    { periodId: 1, unitId: 1, frameworkId: 1, status: 1 },
  );
  await store.verifications.update(ASSESSMENT, 7, { verifiedLevel: 3 });
  await store.verifications.update(ASSESSMENT, 2, { verifiedLevel: 1 });
  await store.verifications.update(OTHER, 1, { verifiedLevel: 4 });
  await store.beritaAcara.update(ASSESSMENT, { place: 'Bulakan' });
  await store.conflicts.put([
    {
      id: 'c1',
      entity: 'verification',
      recordId: verificationId(ASSESSMENT, 7),
      field: 'verifiedLevel',
      assessmentId: ASSESSMENT,
      localValue: 3,
      serverValue: 4,
      serverVersion: 5,
      localAt: 1,
      serverAt: 2,
      serverAuthor: 'Verifikator 2',
      resolved: false,
    },
    {
      id: 'c2',
      entity: 'verification',
      recordId: verificationId(ASSESSMENT, 2),
      field: 'verifiedLevel',
      assessmentId: ASSESSMENT,
      localValue: 1,
      serverValue: 2,
      serverVersion: 3,
      localAt: 1,
      serverAt: 2,
      serverAuthor: 'Verifikator 2',
      resolved: true,
    },
  ]);
  const a = await addPhoto(store, 1, { indicatorNo: 1 });
  await addPhoto(store, 1, { indicatorNo: 2 });
  const b = await addPhoto(store, 2, { indicatorNo: 3 });
  await addPhoto(store, 3, { assessmentId: OTHER, indicatorNo: 1 });
  const c = await addPhoto(store, 4, { assessmentId: OTHER, indicatorNo: 2 });
  await store.blobs.markUploaded(a.sha256);
  await store.blobs.markFailed(b.sha256, {
    source: 'server',
    code: 'hash_mismatch',
    message: 'tidak utuh',
    at: 1,
  });
  await store.evidence.remove(c.id);
  return { store, name };
}

describe('the quick reader of the home list', () => {
  it('knows the current schema version (a new version must be looked at here too)', () => {
    expect(QUICK_READ_SCHEMA_VERSION).toBe(CURRENT_SCHEMA_VERSION);
  });

  it('reads what the store reads: records, reference data, conflicts and unsent counts', async () => {
    const { store, name } = await tabletWithWork();
    const reader = await openQuickReader(name, indexedDB);
    if (!reader || reader === MISSING_DATABASE) throw new Error('the reader did not open');
    const quick = await everything(reader);
    const fromStore = await everything(store);
    expect(quick).toEqual(fromStore);
    // The data is really there (not two empty answers agreeing), in indicator order.
    expect(quick.assessments).toHaveLength(2);
    expect(quick.per[0]?.verifications.map((v) => v.indicatorNo)).toEqual([2, 7]);
    expect(quick.per[0]?.conflicts).toHaveLength(1);
    expect(quick.unsent.total.files).toBeGreaterThan(0);
    expect(quick.unsent.total.failedFiles).toBe(1);
    reader.close();
    store.close();
  });

  it('never creates a missing database, so the store later creates it with its schema', async () => {
    const name = freshName('quick-missing');
    // Missing is said at once (the home screen shows a fresh tablet's empty state) ...
    expect(await openQuickReader(name, indexedDB)).toBe(MISSING_DATABASE);
    // ... and learnt without creating it, so asking again still finds nothing.
    expect(await databaseExists(indexedDB, name)).toBe(false);
    expect(await openQuickReader(name, indexedDB)).toBe(MISSING_DATABASE);
    expect(await databaseExists(indexedDB, name)).toBe(false);
    const store = await open(name);
    await store.verifications.update(ASSESSMENT, 1, { verifiedLevel: 2 });
    expect((await store.verifications.listByAssessment(ASSESSMENT))[0]?.verifiedLevel).toBe(2);
    store.close();
  });

  it('steps aside when the database is upgraded while it is open', async () => {
    const { store, name } = await tabletWithWork();
    store.close();
    const reader = await openQuickReader(name, indexedDB);
    expect(reader).not.toBeNull();
    // A newer app version's store (or another tab) upgrades: the reader must not block it.
    const upgraded = await new Promise<string>((resolve) => {
      const r = indexedDB.open(name, (CURRENT_SCHEMA_VERSION + 1) * 10);
      r.onblocked = () => resolve('blocked');
      r.onsuccess = () => {
        r.result.close();
        resolve('upgraded');
      };
      r.onerror = () => resolve('error');
    });
    expect(upgraded).toBe('upgraded');
    // And at another version the reader answers no more: the screen waits for the store.
    expect(await openQuickReader(name, indexedDB)).toBeNull();
  });
});
