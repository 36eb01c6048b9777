import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MutationSchema, TabletActionSchema } from '../../../src/core';
import { openStore } from '../../../src/store';
import { CURRENT_SCHEMA_VERSION, SCHEMA_HISTORY } from '../../../src/store/schema';
import { FIXTURE_BUILDERS } from '../../fixtures/store/build-fixtures';
import { dumpDatabase, loadDump, rowsOf, type StoreDump } from '../../fixtures/store/dump';

const deps = { indexedDB, IDBKeyRange };
const dir = new URL('../../fixtures/store/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as StoreDump)
  .sort((a, b) => a.schemaVersion - b.schemaVersion);

let n = 0;
const fresh = (v: number) => `migrate-v${v}-${++n}-${Math.random().toString(36).slice(2, 7)}`;
const keyOf = (table: string, row: Record<string, unknown>) =>
  String(
    table === 'outbox'
      ? row.seq
      : table === 'blobs'
        ? row.sha256
        : table === 'meta'
          ? row.key
          : row.id,
  );
const rejectionOf = (seq: number) => ({
  seq,
  outcome: 'rejected' as const,
  duplicate: false,
  fields: {},
  rejection: null,
});

async function bytesOf(v: unknown): Promise<number[]> {
  return [...new Uint8Array(v instanceof Blob ? await v.arrayBuffer() : (v as ArrayBuffer))];
}

/** Deep compare with file bytes compared by content, whatever container holds them. */
async function sameRow(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Promise<void> {
  for (const [field, value] of Object.entries(before)) {
    if (value instanceof Blob || value instanceof ArrayBuffer) {
      expect(await bytesOf(after[field]), field).toEqual(await bytesOf(value));
    } else {
      expect(after[field], field).toEqual(value);
    }
  }
}

describe('store schema history', () => {
  it('every released schema version has a fixture database', () => {
    expect(fixtures.map((f) => f.schemaVersion)).toEqual(SCHEMA_HISTORY.map((v) => v.version));
    expect(Object.keys(FIXTURE_BUILDERS).map(Number)).toEqual(SCHEMA_HISTORY.map((v) => v.version));
  });

  it('the committed fixtures are what their frozen builders produce', () => {
    for (const f of fixtures) {
      const built = FIXTURE_BUILDERS[f.schemaVersion]?.() as StoreDump;
      for (const table of Object.keys(f.tables)) {
        const byKey = new Map(rowsOf(built, table).map((r) => [keyOf(table, r), r]));
        expect(
          rowsOf(f, table)
            .map((r) => keyOf(table, r))
            .sort(),
        ).toEqual([...byKey.keys()].sort());
      }
    }
  });
});

describe.each(fixtures.map((f) => [f.schemaVersion, f] as const))(
  'a tablet still on schema v%i',
  (version, fixture) => {
    it(`updates to v${CURRENT_SCHEMA_VERSION} with every row intact`, async () => {
      const name = fresh(version);
      await loadDump(deps, name, fixture);
      const store = await openStore({ name, ...deps, witness: null, storageManager: null });
      expect(store.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
      store.close();
      const after = await dumpDatabase(deps, name, CURRENT_SCHEMA_VERSION);
      for (const table of Object.keys(fixture.tables)) {
        const before = rowsOf(fixture, table);
        const upgraded = new Map(rowsOf(after, table).map((r) => [keyOf(table, r), r]));
        expect(upgraded.size, `${table} row count`).toBe(before.length);
        for (const row of before) {
          const now = upgraded.get(keyOf(table, row));
          expect(now, `${table} ${keyOf(table, row)}`).toBeDefined();
          await sameRow(row, now as Record<string, unknown>);
        }
      }
    });

    it('after the update the verifier sees the same work and sync continues where it stopped', async () => {
      const name = fresh(version);
      await loadDump(deps, name, fixture);
      const store = await openStore({ name, ...deps, witness: null, storageManager: null });
      const meta = new Map(rowsOf(fixture, 'meta').map((r) => [r.key, r]));
      const assessmentId = String(rowsOf(fixture, 'assessments')[0]?.id);
      expect(store.deviceId).toBe(meta.get('device')?.deviceId);

      const verifications = await store.verifications.listByAssessment(assessmentId);
      expect(verifications.length).toBe(rowsOf(fixture, 'verifications').length);
      expect(verifications[0]).toMatchObject({
        verifiedLevel: 2,
        'checks.2.0': { state: 'inadequate' },
      });

      const pending = await store.outbox.peek(100);
      expect(pending.map((m) => m.seq)).toEqual(rowsOf(fixture, 'outbox').map((r) => r.seq));
      for (const m of pending) expect(MutationSchema.safeParse(m).success).toBe(true);
      expect(await store.outbox.countByAssessment(assessmentId)).toBe(pending.length);

      for (const f of await store.evidence.listByAssessment(assessmentId, {
        includeDeleted: true,
      })) {
        const blob = await store.blobs.get(f.sha256);
        expect(blob?.size).toBe(f.bytes);
      }
      expect(await store.cursors.get('pull')).toBe(meta.get('cursor:pull')?.value);
      expect((await store.conflicts.listOpen()).length).toBe(rowsOf(fixture, 'conflicts').length);

      // v4: the berita acara has the signing fields and keeps what was typed; a record signed
      // before v4 has no digest, so it must be signed again; comments say who wrote them.
      const ba = await store.beritaAcara.get(assessmentId);
      const baBefore = rowsOf(fixture, 'beritaAcara')[0] as Record<string, unknown>;
      expect(ba).toMatchObject({
        verifierName: baBefore.verifierName,
        signedAt: baBefore.signedAt,
        verifierNip: baBefore.verifierNip ?? '',
        representativeNip: '',
        partial: baBefore.partial ?? false,
        signedDigest: null,
        signedResults: null,
      });
      // v8: a signature keeps the results it was bound to; one drawn before v8 has none.
      expect(ba).toMatchObject({
        verifierSignedOver: baBefore.verifierSignedOver ?? null,
        representativeSignedOver: baBefore.representativeSignedOver ?? null,
      });
      const comments = await store.comments.listByAssessment(assessmentId);
      expect(comments.length).toBe(rowsOf(fixture, 'comments').length);
      for (const c of comments) expect(c.kind).toBe('verifier');

      // v3: refused changes and file failures carried over (none before v3), and the
      // pending file is still offered for upload.
      const refused = rowsOf(fixture, 'rejected');
      expect((await store.rejected.list()).map((r) => r.id)).toEqual(refused.map((r) => r.id));
      const pendingFiles = rowsOf(fixture, 'blobs').filter((b) => b.uploaded === 0);
      const offered = await store.blobs.listPendingUpload();
      expect(offered.map((p) => p.sha256)).toEqual(pendingFiles.map((b) => b.sha256));
      for (const p of offered) {
        const before = pendingFiles.find((b) => b.sha256 === p.sha256)?.failure ?? null;
        expect(p.failure).toEqual(before);
      }
      expect(await store.health()).toMatchObject({
        rejectedChanges: refused.length,
        failedFiles: pendingFiles.filter((b) => b.failure).length,
      });
      expect(await store.getBundleSecret()).toBe(meta.get('bundle-secret')?.secret ?? null);
      const release = await store.releaseCheck();
      expect(release).toMatchObject({
        unsentChanges: pending.length,
        unsentFiles: pendingFiles.length,
        rejected: refused.length,
        exportCoversUnsent: meta.has('exports'),
      });

      // v7: the improvement actions the package brought are read for the unit (on it or
      // owned by it); a tablet updated from before v7 holds none until its next sync, and
      // that sync's set is stored and read back.
      const unitId = String(rowsOf(fixture, 'assessments')[0]?.unitId);
      const heldActions = rowsOf(fixture, 'actions');
      const forUnit = await store.reference.listActionsForUnit(unitId);
      expect(forUnit.map((a) => a.id).sort()).toEqual(heldActions.map((a) => String(a.id)).sort());
      for (const a of forUnit) expect(TabletActionSchema.safeParse(a).success).toBe(true);
      const synced = TabletActionSchema.parse({
        id: 'action-after-upgrade',
        periodId: 'p-lalu',
        periodName: 'Evaluasi SPBE 2022',
        frameworkId: String(rowsOf(fixture, 'assessments')[0]?.frameworkId),
        indicatorNo: 1,
        unitId,
        ownerUnitId: unitId,
        ownerUnitName: 'Kecamatan',
        ownerPerson: 'Camat',
        title: 'Capai level 3',
        fromLevel: 2,
        targetLevel: 3,
        dueDate: '2026-06-30',
        evidence: ['SK'],
        status: 'rencana',
        displayStatus: 'rencana',
        closingNote: null,
        closedAt: null,
        closedByName: null,
        links: [],
        files: [],
        updatedAt: 1,
      });
      await store.reference.replaceActions([synced]);
      expect(await store.reference.listActionsForIndicator(unitId, synced.frameworkId, 1)).toEqual([
        synced,
      ]);

      await store.verifications.update(assessmentId, 1, { notes: 'setelah pembaruan aplikasi' });
      const [last] = (await store.outbox.peek(100)).slice(-1);
      expect(last?.seq).toBe(Number(meta.get('clock')?.seq) + 1);
      expect(last?.baseVersions).toEqual({ notes: 2 });
      expect((last?.hlc ?? '') > String(meta.get('clock')?.hlc)).toBe(true);

      // The protocol-2 flow works on the upgraded database: a push answer refusing the
      // oldest pending change lists it and settles the rest.
      const oldest = pending[0]?.seq as number;
      expect(
        await store.outbox.settle({ appliedThrough: oldest, results: [rejectionOf(oldest)] }),
      ).toEqual({ removed: 1, rejected: 1 });
      expect(await store.rejected.count()).toBe(refused.length + 1);
      store.close();
    });
  },
);

describe('the newest fixture', () => {
  it('has the same row shapes as what this code writes (a shape change needs a new schema version)', async () => {
    const newest = fixtures.at(-1) as StoreDump;
    expect(newest.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    const name = fresh(0);
    const s = await openStore({ name, ...deps, witness: null, storageManager: null });
    // Change 1, refused below for a row in `rejected`: a record of its own, since a refused
    // new record leaves the tablet (the rows compared must stay).
    await s.assessments.create({ periodId: 'p', unitId: 'refused', frameworkId: 'f' });
    const a = await s.assessments.create({ periodId: 'p', unitId: 'u', frameworkId: 'f' });
    await s.verifications.update(a.id, 1, { notes: 'x' });
    await s.evidence.add({
      assessmentId: a.id,
      indicatorNo: 1,
      blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }),
      name: 'a.png',
      width: 1,
      height: 1,
      location: null,
    });
    await s.beritaAcara.update(a.id, { place: 'x' });
    await s.comments.add({ assessmentId: a.id, indicatorNo: null, body: 'x', author: 'y' });
    await s.outbox.settle({ appliedThrough: 1, results: [rejectionOf(1)] });
    s.close();
    const written = await dumpDatabase(deps, name, CURRENT_SCHEMA_VERSION);
    const shape = (rows: Record<string, unknown>[]) =>
      [
        // Dynamic fields (evidence checks, per-stage values) exist only once given.
        ...new Set(
          rows.flatMap((r) =>
            Object.keys(r).filter((k) => !k.startsWith('checks.') && !k.startsWith('stages.')),
          ),
        ),
      ].sort();
    for (const table of [
      'assessments',
      'verifications',
      'evidenceFiles',
      'beritaAcara',
      'comments',
      'outbox',
      'blobs',
      'rejected',
    ]) {
      expect(shape(rowsOf(written, table)), table).toEqual(shape(rowsOf(newest, table)));
    }
  });
});
