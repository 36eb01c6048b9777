import Dexie, { type Table, type Transaction } from 'dexie';
import {
  type EntityName,
  type Framework,
  type Mutation,
  RECORD_DEFAULTS,
  type TabletAction,
} from '../core';
import type { Assignment, Conflict, FileFailure, Period, RejectedChange, Unit } from './types';

/**
 * The tablet database and its version history. Versions are forward-only: a released entry
 * is never edited, a change is a new entry whose `upgrade` keeps every row (it may add
 * fields or indexes and backfill them, never delete user rows). Each released version has a
 * fixture in test/fixtures/store/ that test/migrations/store upgrades to the current one.
 */

/** A synced record as stored: its fields plus the server version each field was based on. */
export interface RecordRow {
  id: string;
  _versions: Record<string, number>;
  [field: string]: unknown;
}

export interface OutboxRow extends Mutation {
  /** The assessment the change belongs to (v2), for per-unit counts and export. */
  assessmentId?: string;
}

export interface BlobRow {
  sha256: string;
  /** A Blob, or its bytes where the browser cannot keep Blobs in IndexedDB. */
  data: Blob | ArrayBuffer;
  mime: string;
  bytes: number;
  /** 1 once the server holds the file (sync marks it), else 0. Indexed, hence a number. */
  uploaded: 0 | 1;
  storedAt: number;
  /** Last failed upload attempt (v3); null when none or once uploaded. Indexed by `failure.at`. */
  failure?: FileFailure | null;
}

export interface MetaRow {
  key: string;
  [value: string]: unknown;
}

/** Table of each synced entity. */
export const ENTITY_TABLE = {
  assessment: 'assessments',
  verification: 'verifications',
  evidenceFile: 'evidenceFiles',
  beritaAcara: 'beritaAcara',
  comment: 'comments',
} as const satisfies Record<EntityName, string>;

export type EntityTable = (typeof ENTITY_TABLE)[EntityName];

export interface SchemaVersion {
  version: number;
  /** Only the tables whose definition changes in this version (Dexie semantics). */
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void>;
}

export const SCHEMA_HISTORY: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      periods: 'id',
      frameworks: 'id',
      units: 'id, parentId',
      assignments: 'id, periodId, unitId',
      assessments: 'id, [periodId+unitId], unitId',
      verifications: 'id, assessmentId',
      evidenceFiles: 'id, assessmentId, [assessmentId+indicatorNo], sha256',
      beritaAcara: 'id, assessmentId',
      comments: 'id, assessmentId, [assessmentId+indicatorNo]',
      conflicts: 'id, assessmentId, [entity+recordId]',
      outbox: 'seq, [entity+id]',
      blobs: 'sha256, uploaded',
      meta: 'key',
    },
  },
  {
    // v2: the outbox knows its assessment, so a unit's unsent changes are counted and
    // exported without scanning every mutation. Backfilled from the record rows.
    version: 2,
    stores: { outbox: 'seq, [entity+id], assessmentId' },
    upgrade: async (tx) => {
      const tables = Object.fromEntries(
        Object.entries(ENTITY_TABLE).map(([entity, table]) => [
          entity,
          tx.table<RecordRow, string>(table),
        ]),
      ) as Record<EntityName, Table<RecordRow, string>>;
      const outbox = tx.table<OutboxRow, number>('outbox');
      const rows = await outbox.toArray();
      for (const m of rows) {
        if (m.assessmentId !== undefined) continue;
        const assessmentId = await assessmentOf(tables, m);
        if (assessmentId !== undefined) await outbox.put({ ...m, assessmentId });
      }
    },
  },
  {
    // v3: changes the server refused leave the outbox into `rejected` (newest
    // first, per unit); a file's last failed upload is kept on its blob row, indexed by its
    // time so failed files are counted without reading file bytes. Existing blob rows get
    // `failure: null`. The bundle secret and export records are meta rows (no schema).
    version: 3,
    stores: { rejected: 'id, assessmentId, rejectedAt', blobs: 'sha256, uploaded, failure.at' },
    upgrade: async (tx) => {
      await tx
        .table<BlobRow, string>('blobs')
        .toCollection()
        .modify((row) => {
          if (row.failure === undefined) row.failure = null;
        });
    },
  },
  {
    // v4: the berita acara carries the signatories' NIPs, the verifier's explicit partial
    // verification, and the signing lock (digest and results as signed); comments say who
    // wrote them (`kind`: verifier, or the coordinator's approve/return/reopen). No index
    // changes; existing rows get the record defaults so every reader sees one shape. A record
    // signed before v4 has no digest: it reads as unsigned until it is signed again, since
    // nothing proves which results its signatures covered.
    version: 4,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table<Record<string, unknown>, string>('beritaAcara')
        .toCollection()
        .modify((row) => {
          for (const [field, value] of Object.entries(RECORD_DEFAULTS.beritaAcara))
            if (row[field] === undefined) row[field] = value;
        });
      await tx
        .table<Record<string, unknown>, string>('comments')
        .toCollection()
        .modify((row) => {
          if (row.kind === undefined) row.kind = RECORD_DEFAULTS.comment.kind;
        });
    },
  },
  {
    // v5: a verification keeps the outside index it was valued from (`sourceValue`,
    // PermenPANRB 8/2026; its value stays in `verifiedLevel`). An evidence file says where
    // its capture time comes from (`capturedAtSource`) and which expected document it proves
    // (`proves`). No index changes; existing rows get the record defaults (null) so every
    // reader sees one shape: an older photo's time source is unknown, and it proves nothing
    // until the verifier links it. Values with two decimals need nothing here: the stored
    // number is the same, only the accepted domain grew.
    version: 5,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table<Record<string, unknown>, string>('verifications')
        .toCollection()
        .modify((row) => {
          if (row.sourceValue === undefined)
            row.sourceValue = RECORD_DEFAULTS.verification.sourceValue;
        });
      await tx
        .table<Record<string, unknown>, string>('evidenceFiles')
        .toCollection()
        .modify((row) => {
          if (row.capturedAtSource === undefined)
            row.capturedAtSource = RECORD_DEFAULTS.evidenceFile.capturedAtSource;
          if (row.proves === undefined) row.proves = RECORD_DEFAULTS.evidenceFile.proves;
        });
    },
  },
  {
    // v6: the assessor's workflow (core workflow.ts). A verification keeps its written
    // outputs besides the catatan (`notes`): rekomendasi and the penjelasan in three parts
    // with the evidence files it cites; its per-stage values are dynamic `stages.<stage>`
    // fields, absent until given (like `checks.*`). An evidence file may be link evidence
    // (`url`, `checkedAt`). No index changes; existing rows get the record defaults (empty
    // text, no files, no link) so every reader sees one shape. Office and archive files
    // need nothing here: only the accepted MIME list grew.
    version: 6,
    stores: {},
    upgrade: async (tx) => {
      const backfill = (table: string, defaults: Readonly<Record<string, unknown>>) =>
        tx
          .table<Record<string, unknown>, string>(table)
          .toCollection()
          .modify((row) => {
            for (const [field, value] of Object.entries(defaults))
              if (row[field] === undefined) row[field] = value;
          });
      const v = RECORD_DEFAULTS.verification;
      await backfill('verifications', {
        rekomendasi: v.rekomendasi,
        penjelasanFakta: v.penjelasanFakta,
        penjelasanAnalisis: v.penjelasanAnalisis,
        penjelasanJustifikasi: v.penjelasanJustifikasi,
        penjelasanFiles: v.penjelasanFiles,
      });
      const e = RECORD_DEFAULTS.evidenceFile;
      await backfill('evidenceFiles', { url: e.url, checkedAt: e.checkedAt });
    },
  },
  {
    // v7: improvement actions (tindak lanjut, issue 18) as server-owned reference data from
    // the offline package (core TabletAction; read-only on the tablet, never in the outbox).
    // Indexed by the unit the action is on and by the unit that owns it, since a verifier's
    // unit shows both. A new, empty table: nothing to backfill.
    version: 7,
    stores: { actions: 'id, unitId, ownerUnitId' },
  },
  {
    // v8: each signature of the berita acara is bound to the results it was drawn over
    // (`verifierSignedOver`, `representativeSignedOver`; core `signaturesBound`), so a
    // change of the results asks both persons to sign again. No index changes; existing rows
    // get null (drawn before bindings were kept): a signing that holds keeps holding, and
    // such a signature is drawn again before the next signing.
    version: 8,
    stores: {},
    upgrade: async (tx) => {
      await tx
        .table<Record<string, unknown>, string>('beritaAcara')
        .toCollection()
        .modify((row) => {
          for (const field of ['verifierSignedOver', 'representativeSignedOver'] as const)
            if (row[field] === undefined) row[field] = RECORD_DEFAULTS.beritaAcara[field];
        });
    },
  },
];

export const CURRENT_SCHEMA_VERSION = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1]?.version ?? 1;

async function assessmentOf(
  tables: Record<EntityName, Table<RecordRow, string>>,
  m: Mutation,
): Promise<string | undefined> {
  if (m.entity === 'assessment') return m.id;
  const fromChange = m.changes.assessmentId;
  if (typeof fromChange === 'string') return fromChange;
  const row = await tables[m.entity].get(m.id);
  return typeof row?.assessmentId === 'string' ? row.assessmentId : undefined;
}

/** The assessment a record belongs to. */
export function assessmentIdOf(entity: EntityName, row: RecordRow): string {
  return entity === 'assessment' ? row.id : String(row.assessmentId);
}

export class TelusurDb extends Dexie {
  periods!: Table<Period, string>;
  frameworks!: Table<Framework, string>;
  units!: Table<Unit, string>;
  assignments!: Table<Assignment, string>;
  actions!: Table<TabletAction, string>;
  assessments!: Table<RecordRow, string>;
  verifications!: Table<RecordRow, string>;
  evidenceFiles!: Table<RecordRow, string>;
  beritaAcara!: Table<RecordRow, string>;
  comments!: Table<RecordRow, string>;
  conflicts!: Table<Conflict, string>;
  outbox!: Table<OutboxRow, number>;
  rejected!: Table<RejectedChange, string>;
  blobs!: Table<BlobRow, string>;
  meta!: Table<MetaRow, string>;
}

/** Declare the schema history on a Dexie instance, up to `upTo` (tests open old versions). */
export function declareSchema(db: Dexie, upTo: number = CURRENT_SCHEMA_VERSION): void {
  for (const v of SCHEMA_HISTORY) {
    if (v.version > upTo) break;
    const version = db.version(v.version).stores(v.stores);
    if (v.upgrade) version.upgrade(v.upgrade);
  }
}
