/**
 * Export files: one assessment with its unsent changes, refused changes and files as a zip
 * (bundle-format.ts) for when no network reaches the server, and importing one back on a
 * tablet. The zip code (bundle.ts) loads only when a file is made or read.
 */
import type { Table } from 'dexie';
import { decodeHlc, type EntityName, encodeHlc, RECORD_DEFAULTS, tickHlc } from '../core';
import type { TelusurStore } from './api';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleManifest } from './bundle-format';
import {
  BUNDLE_SECRET,
  byNumber,
  CLOCK,
  type ClockRow,
  DEVICE,
  deviceFrom,
  EXPORTS,
  type ExportRecord,
  type ExportsRow,
  guard,
  type StoreContext,
  secretOf,
  tableOf,
} from './context';
import { RecordNotFoundError } from './errors';
import { type BlobRow, CURRENT_SCHEMA_VERSION, type RecordRow } from './schema';
import type { ImportResult } from './types';

async function blobBytes(data: Blob | ArrayBuffer): Promise<Uint8Array> {
  return new Uint8Array(data instanceof Blob ? await data.arrayBuffer() : data);
}

/** The export file part of the store (`exportAssessment`, `importBundle`). */
export function exportImportApi(
  c: StoreContext,
): Pick<TelusurStore, 'exportAssessment' | 'importBundle'> {
  const db = c.db;
  return {
    async exportAssessment(assessmentId: string): Promise<Uint8Array> {
      const snapshot = await guard(() =>
        db.transaction('r', db.tables, async () => {
          const assessment = await db.assessments.get(assessmentId);
          if (!assessment) throw new RecordNotFoundError('Penilaian', assessmentId);
          const byAssessment = (t: Table<RecordRow, string>) =>
            t.where('assessmentId').equals(assessmentId).toArray();
          const records: BundleManifest['records'] = {
            assessment: [assessment],
            verification: (await byAssessment(db.verifications)).sort(byNumber('indicatorNo')),
            evidenceFile: (await byAssessment(db.evidenceFiles)).sort(byNumber('capturedAt')),
            beritaAcara: await byAssessment(db.beritaAcara),
            comment: (await byAssessment(db.comments)).sort(byNumber('createdAt')),
          };
          const periodId = String(assessment.periodId);
          const unitId = String(assessment.unitId);
          const [period, unit, framework, assignments, conflicts, outbox, rejected, meta] =
            await Promise.all([
              db.periods.get(periodId),
              db.units.get(unitId),
              db.frameworks.get(String(assessment.frameworkId)),
              db.assignments
                .where('unitId')
                .equals(unitId)
                .filter((a) => a.periodId === periodId)
                .toArray(),
              db.conflicts.where('assessmentId').equals(assessmentId).toArray(),
              db.outbox.where('assessmentId').equals(assessmentId).sortBy('seq'),
              db.rejected.where('assessmentId').equals(assessmentId).sortBy('seq'),
              db.meta.bulkGet([DEVICE, CLOCK, BUNDLE_SECRET]),
            ]);
          const shas = [...new Set(records.evidenceFile.map((r) => String(r.sha256)))];
          const blobs = (await db.blobs.bulkGet(shas)).filter((b): b is BlobRow => b !== undefined);
          const [deviceRow, clockRow, secretRow] = meta;
          const deviceId = deviceFrom(c, deviceRow);
          return {
            records,
            period,
            unit,
            framework,
            assignments,
            conflicts,
            outbox,
            rejected,
            blobs,
            deviceId,
            seq: Number((clockRow as ClockRow | undefined)?.seq ?? 0),
            secret: secretOf(secretRow, deviceId),
          };
        }),
      );
      const files = new Map<string, Uint8Array>();
      for (const b of snapshot.blobs) files.set(b.sha256, await blobBytes(b.data));
      const manifest: BundleManifest = {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        exportedAt: c.now(),
        schemaVersion: CURRENT_SCHEMA_VERSION,
        deviceId: snapshot.deviceId,
        assessmentId,
        records: snapshot.records,
        conflicts: snapshot.conflicts,
        reference: {
          periods: snapshot.period ? [snapshot.period] : [],
          units: snapshot.unit ? [snapshot.unit] : [],
          assignments: snapshot.assignments,
          frameworks: snapshot.framework ? [snapshot.framework] : [],
        },
        outbox: snapshot.outbox.map(({ assessmentId: _, ...m }) => m),
        files: snapshot.blobs.map((b) => ({
          sha256: b.sha256,
          bytes: b.bytes,
          mime: b.mime,
          path: `files/${b.sha256}`,
        })),
        rejected: snapshot.rejected,
      };
      const { buildBundle } = await import('./bundle');
      const bundle = await buildBundle(
        manifest,
        files,
        snapshot.secret ? { deviceId: snapshot.deviceId, secret: snapshot.secret } : null,
      );
      await recordExport(c, assessmentId, {
        at: manifest.exportedAt,
        deviceId: snapshot.deviceId,
        seq: snapshot.seq,
        files: snapshot.blobs.map((b) => b.sha256),
        rejected: snapshot.rejected.map((r) => r.id),
      });
      return bundle;
    },
    /**
     * Restore an export file: records, reference data, conflicts, refused changes and files
     * this tablet lacks are added (nothing present is overwritten), and the unsent changes of
     * restored records are queued again as this tablet's own. Idempotent.
     *
     * @throws BundleError (nothing changed) when the file is corrupt, foreign, tampered or too new.
     */
    async importBundle(bytes: Uint8Array): Promise<ImportResult> {
      const { parseBundle } = await import('./bundle');
      const { manifest, files } = await parseBundle(bytes);
      const at = c.now();
      return guard(() =>
        db.transaction('rw', db.tables, async () => {
          const result: ImportResult = {
            assessmentId: manifest.assessmentId,
            inserted: 0,
            skipped: 0,
            files: 0,
            requeued: 0,
          };
          const restored = new Set<string>();
          for (const [entity, rows] of Object.entries(manifest.records) as [
            EntityName,
            RecordRow[],
          ][]) {
            const table = tableOf(db, entity);
            const existing = await table.bulkGet(rows.map((r) => r.id));
            const fresh = rows.filter((_, i) => existing[i] === undefined);
            await table.bulkAdd(fresh.map((r) => ({ ...RECORD_DEFAULTS[entity], ...r })));
            for (const r of fresh) restored.add(`${entity}\u0000${r.id}`);
            result.inserted += fresh.length;
            result.skipped += rows.length - fresh.length;
          }
          const addMissing = async <T extends { id: string }>(
            table: Table<T, string>,
            rows: T[],
          ) => {
            const existing = await table.bulkGet(rows.map((r) => r.id));
            await table.bulkAdd(rows.filter((_, i) => existing[i] === undefined));
          };
          await addMissing(db.conflicts, manifest.conflicts);
          await addMissing(db.periods, manifest.reference.periods);
          await addMissing(db.units, manifest.reference.units);
          await addMissing(db.assignments, manifest.reference.assignments);
          await addMissing(db.frameworks, manifest.reference.frameworks);
          // Refused changes travel with the export so none is lost on the way.
          await addMissing(db.rejected, manifest.rejected ?? []);
          for (const f of manifest.files) {
            const data = files.get(f.sha256);
            if (!data || (await db.blobs.get(f.sha256))) continue;
            const buffer = data.slice().buffer;
            await db.blobs.add({
              sha256: f.sha256,
              data: c.blobMode === 'blob' ? new Blob([buffer], { type: f.mime }) : buffer,
              mime: f.mime,
              bytes: f.bytes,
              uploaded: 0,
              storedAt: at,
              failure: null,
            });
            result.files++;
          }
          // Unsent changes of records restored here would otherwise never reach the server:
          // queue them again as this tablet's own (the server treats equal values as no-ops).
          const requeue = manifest.outbox
            .filter((m) => restored.has(`${m.entity}\u0000${m.id}`))
            .sort((a, b) => a.seq - b.seq);
          if (requeue.length > 0) {
            const [clockRow, deviceRow] = await db.meta.bulkGet([CLOCK, DEVICE]);
            const clock = clockRow as ClockRow | undefined;
            const deviceId = deviceFrom(c, deviceRow);
            let seq = clock?.seq ?? 0;
            let hlc = clock?.hlc ? decodeHlc(clock.hlc) : null;
            for (const m of requeue) {
              seq += 1;
              hlc = tickHlc(hlc, deviceId, at);
              await db.outbox.add({
                ...m,
                deviceId,
                seq,
                hlc: encodeHlc(hlc),
                assessmentId: manifest.assessmentId,
              });
            }
            await db.meta.put({
              key: CLOCK,
              seq,
              hlc: hlc ? encodeHlc(hlc) : null,
            } satisfies ClockRow);
            result.requeued = requeue.length;
          }
          c.hooks?.beforeCommit?.('importBundle');
          return result;
        }),
      );
    },
  };
}

/** Remember what an export file holds (the latest per assessment), for releaseCheck. */
function recordExport(c: StoreContext, assessmentId: string, record: ExportRecord): Promise<void> {
  const db = c.db;
  return guard(() =>
    db.transaction('rw', db.meta, async () => {
      const row = (await db.meta.get(EXPORTS)) as ExportsRow | undefined;
      await db.meta.put({
        key: EXPORTS,
        byAssessment: { ...row?.byAssessment, [assessmentId]: record },
      } satisfies ExportsRow);
      c.hooks?.beforeCommit?.('export.record');
    }),
  );
}
