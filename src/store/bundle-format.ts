import type { EntityName, Mutation } from '../core';
import type { RecordRow } from './schema';
import type { Assignment, Conflict, Framework, Period, Unit } from './types';

/**
 * The export file of one assessment (support, and the no-network workshop path of DESIGN §5):
 * a zip with `manifest.json`, `manifest.sha256` (hex SHA-256 of the exact manifest bytes) and
 * `files/<sha256>` for every evidence file the tablet still holds. Issue 6 reads the same
 * format on the server.
 */
export const BUNDLE_FORMAT = 'telusur-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleFile {
  sha256: string;
  bytes: number;
  mime: string;
  /** `files/<sha256>` */
  path: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  exportedAt: number;
  /** Store schema version of the exporting app. */
  schemaVersion: number;
  deviceId: string;
  assessmentId: string;
  /** Rows as stored: fields plus `_versions` (server version per field). */
  records: Record<EntityName, RecordRow[]>;
  conflicts: Conflict[];
  reference: {
    periods: Period[];
    units: Unit[];
    assignments: Assignment[];
    frameworks: Framework[];
  };
  /** The exporting tablet's changes of the assessment not yet accepted by the server, in seq order. */
  outbox: Mutation[];
  files: BundleFile[];
}

export interface ParsedBundle {
  manifest: BundleManifest;
  files: Map<string, Uint8Array>;
}
