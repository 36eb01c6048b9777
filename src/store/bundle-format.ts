import type { EntityName, Mutation } from '../core';
import type { RecordRow } from './schema';
import type { Assignment, Conflict, Framework, Period, RejectedChange, Unit } from './types';

/**
 * The export file of one assessment (support, and the workshop path when no network reaches the server):
 * a zip with `manifest.json`, `manifest.sha256` (hex SHA-256 of the exact manifest bytes) and
 * `files/<sha256>` for every evidence file the tablet still holds. The server reads the same
 * format (bundles.service.ts) when a coordinator imports the file.
 *
 * Signed bundles (protocol 2) also hold `manifest.sig`: JSON
 * `{"alg":"HMAC-SHA256","deviceId":"<id>","mac":"<hex>"}` where mac = lower-case hex
 * HMAC-SHA256(key = the 32 bytes of the device's hex bundle secret, message = UTF-8 of core
 * `bundleSigningInput(<hex SHA-256 of the exact manifest.json bytes>, deviceId)`). The server
 * imports only bundles signed by the device named; a tablet importing a bundle ignores it.
 */
export const BUNDLE_FORMAT = 'telusur-bundle';
export const BUNDLE_VERSION = 1;

/** Zip entry of the signature. */
export const BUNDLE_SIGNATURE_ENTRY = 'manifest.sig';

/** Content of `manifest.sig`. */
export interface BundleSignature {
  alg: 'HMAC-SHA256';
  deviceId: string;
  /** Lower-case hex HMAC-SHA256. */
  mac: string;
}

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
  /**
   * The assessment's changes the server refused ("Ditolak server" list), so an
   * export carries them too. Absent in bundles of older apps; the server ignores it.
   */
  rejected?: RejectedChange[];
}

export interface ParsedBundle {
  manifest: BundleManifest;
  files: Map<string, Uint8Array>;
}
