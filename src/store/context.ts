/**
 * What every part of the store shares: the open database with the device identity and
 * options it was opened with, the meta rows (device, clock, exports), and the plumbing
 * each operation goes through (error mapping, row ↔ domain object).
 */
import type { Table } from 'dexie';
import type { EntityName } from '../core';
import type { StorageManagerLike, StoreOptions } from './api';
import { toStoreError } from './errors';
import { ENTITY_TABLE, type MetaRow, type RecordRow, type TelusurDb } from './schema';
import type { BlobMode, EvictionWitness } from './types';

/** Meta row of the seq and HLC clock (`ClockRow`): advanced in every write transaction. */
export const CLOCK = 'clock';
/** Meta row of the device identity (`DeviceRow`). */
export const DEVICE = 'device';
/** Meta row written at creation: its absence while the witness remembers us means eviction. */
export const MARKER = 'marker';
/** Meta row set when the database vanished since an earlier start (until acknowledged). */
export const EVICTION = 'eviction';
/** Bundle signing secret: `{ deviceId, secret }` (valid only for that identity). */
export const BUNDLE_SECRET = 'bundle-secret';
/** Export files made on this tablet: `{ byAssessment: Record<assessmentId, ExportRecord> }`. */
export const EXPORTS = 'exports';
/** The sync history: last success and the latest runs (see sync-log.ts). */
export const SYNC_LOG = 'sync-log';
/** The latest request for persistent storage and its answer (`PersistenceRequest`). */
export const PERSISTENCE = 'persistence';

export interface ClockRow extends MetaRow {
  seq: number;
  hlc: string | null;
}

export interface DeviceRow extends MetaRow {
  deviceId: string;
  createdAt?: number;
  /** Identities this database had before (adoptIdentity), oldest first. */
  previous?: string[];
  adoptedAt?: number;
}

/** What one export file held, to tell whether the unsent work is in an export (releaseCheck). */
export interface ExportRecord {
  /** Tablet clock (ms) of the export. */
  at: number;
  /** Identity the outbox rows were under, and the seq clock then: rows of the assessment with seq ≤ it were in the file. */
  deviceId: string;
  seq: number;
  /** Evidence files in the file. */
  files: string[];
  /** Ids of refused changes in the file. */
  rejected: string[];
}

export interface ExportsRow extends MetaRow {
  byAssessment: Record<string, ExportRecord>;
}

/** The open store's shared state; `deviceId` follows the device row (another tab may change it). */
export interface StoreContext {
  readonly db: TelusurDb;
  readonly name: string;
  deviceId: string;
  readonly now: () => number;
  /** IndexedDB commit durability of write transactions (StoreOptions.durability). */
  readonly durability: 'strict' | 'relaxed' | 'default';
  readonly blobMode: BlobMode;
  readonly storage: StorageManagerLike | null;
  readonly hooks: StoreOptions['testHooks'];
  readonly witness: EvictionWitness | null;
}

/** Run a database operation; whatever it throws comes out as a StoreError (quota, closed…). */
export function guard<T>(fn: () => PromiseLike<T> | Promise<T>): Promise<T> {
  return Promise.resolve(fn()).catch((e: unknown) => {
    throw toStoreError(e);
  });
}

/** The table of a synced entity. */
export function tableOf(db: TelusurDb, entity: EntityName): Table<RecordRow, string> {
  return db[ENTITY_TABLE[entity]];
}

/** The identity in a device meta row (remembered as the current one), else the known one. */
export function deviceFrom(c: StoreContext, row: MetaRow | undefined): string {
  if (typeof row?.deviceId === 'string') c.deviceId = row.deviceId;
  return c.deviceId;
}

/** The secret in a bundle-secret meta row when it belongs to `deviceId`, else null. */
export function secretOf(row: MetaRow | undefined, deviceId: string): string | null {
  return row && row.deviceId === deviceId && typeof row.secret === 'string' ? row.secret : null;
}

/** A stored row as the app sees it (without its field versions). */
export function toDomain<T>(row: RecordRow | undefined): T | null {
  if (!row) return null;
  const { _versions: _, ...rest } = row;
  return rest as T;
}

export function rowsToDomain<T>(rows: RecordRow[]): T[] {
  return rows.map((r) => toDomain<T>(r) as T);
}

/** Order rows by a numeric field, then by id (stable across tablets). */
export function byNumber(field: string) {
  return (a: RecordRow, b: RecordRow) =>
    Number(a[field] ?? 0) - Number(b[field] ?? 0) || (a.id < b.id ? -1 : 1);
}
