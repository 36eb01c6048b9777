import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from 'fflate';
import * as z from 'zod/mini';
import {
  bundleSigningInput,
  ENTITY_NAMES,
  type EntityName,
  FrameworkSchema,
  fieldSchema,
  MutationEnvelopeSchema,
  MutationSchema,
  RejectionSchema,
} from '../core';
import { sha256Hex } from './blobs';
import {
  BUNDLE_FORMAT,
  BUNDLE_SIGNATURE_ENTRY,
  BUNDLE_VERSION,
  type BundleManifest,
  type BundleSignature,
  type ParsedBundle,
} from './bundle-format';
import { BundleError } from './errors';

/**
 * Zip and unzip the export file of one assessment (format in bundle-format.ts). Loaded on
 * demand, so fflate and the manifest schema stay out of the app's first load.
 */

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * The `manifest.sig` content for a manifest: HMAC-SHA256 (Web Crypto) keyed with the bytes
 * of the hex `secret`, over core's `bundleSigningInput(manifestSha256, deviceId)`.
 *
 * @param manifestSha256 hex SHA-256 of the exact manifest.json bytes.
 * @param secret the device's bundle secret, 64 hex digits.
 */
export async function signManifest(
  manifestSha256: string,
  deviceId: string,
  secret: string,
): Promise<BundleSignature> {
  const key = await crypto.subtle.importKey(
    'raw',
    hexToBytes(secret) as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const message = strToU8(bundleSigningInput(manifestSha256, deviceId));
  const mac = await crypto.subtle.sign('HMAC', key, message as BufferSource);
  const hex = Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
  return { alg: 'HMAC-SHA256', deviceId, mac: hex };
}

/**
 * Zip a manifest and its files. With `signing` (the exporting identity and its bundle secret)
 * the zip also gets `manifest.sig` (format in bundle-format.ts); without, the bundle is
 * unsigned (a tablet imports it; the server refuses it).
 */
export async function buildBundle(
  manifest: BundleManifest,
  files: Map<string, Uint8Array>,
  signing?: { deviceId: string; secret: string } | null,
): Promise<Uint8Array> {
  const manifestBytes = strToU8(JSON.stringify(manifest));
  const digest = await sha256Hex(manifestBytes);
  const entries: Zippable = {
    'manifest.json': [manifestBytes, { level: 6 }],
    'manifest.sha256': [strToU8(`${digest}\n`), { level: 0 }],
  };
  if (signing) {
    const sig = await signManifest(digest, signing.deviceId, signing.secret);
    entries[BUNDLE_SIGNATURE_ENTRY] = [strToU8(JSON.stringify(sig)), { level: 0 }];
  }
  // Photos are already compressed: store them as they are.
  for (const f of manifest.files) {
    const bytes = files.get(f.sha256);
    if (bytes) entries[f.path] = [bytes, { level: 0 }];
  }
  return zipSync(entries);
}

const id = z.string().check(z.minLength(1), z.maxLength(100));
const idRow = z.looseObject({ id });
const recordRow = z.looseObject({
  id,
  _versions: z.record(z.string().check(z.maxLength(64)), z.int().check(z.gte(0))),
});
const records = z.array(recordRow).check(z.maxLength(100_000));
const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  exportedAt: z.int(),
  schemaVersion: z.int().check(z.gte(1)),
  deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
  assessmentId: z.string().check(z.minLength(1), z.maxLength(64)),
  records: z.object({
    assessment: records,
    verification: records,
    evidenceFile: records,
    beritaAcara: records,
    comment: records,
  } satisfies Record<EntityName, typeof records>),
  conflicts: z.array(z.looseObject({ id, assessmentId: z.string() })),
  reference: z.object({
    periods: z.array(idRow),
    units: z.array(idRow),
    assignments: z.array(idRow),
    frameworks: z.array(FrameworkSchema),
  }),
  outbox: z.array(MutationSchema),
  // Refused changes keep the content the server refused (that may be why), so only their
  // envelope is checked; they are never queued as they are (retry re-validates).
  rejected: z.optional(
    z.array(
      z.object({
        id: z.string().check(z.minLength(1), z.maxLength(200)),
        deviceId: z.string().check(z.minLength(1), z.maxLength(64)),
        seq: z.int().check(z.gte(1)),
        mutation: MutationEnvelopeSchema,
        assessmentId: z.nullable(z.string().check(z.maxLength(200))),
        indicatorNo: z.nullable(z.int()),
        rejection: RejectionSchema,
        rejectedAt: z.int(),
      }),
    ),
  ),
  files: z.array(
    z.object({
      sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      bytes: z.int().check(z.gte(0)),
      mime: z.string().check(z.maxLength(100)),
      path: z.string().check(z.maxLength(200)),
    }),
  ),
});

/**
 * Read and check a bundle completely before anything is written: a damaged zip, a file that
 * is not ours, a manifest or evidence file that does not match its SHA-256, or rows that do
 * not pass core's schemas are refused with a BundleError. Record values and queued changes
 * come back as core parses them (text NFC-normalised). `manifest.sig` is allowed and ignored.
 */
export async function parseBundle(bytes: Uint8Array): Promise<ParsedBundle> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new BundleError('bundle-corrupt', 'not a readable zip', e);
  }
  const manifestBytes = entries['manifest.json'];
  if (!manifestBytes) throw new BundleError('bundle-foreign', 'no manifest.json');
  const digestEntry = entries['manifest.sha256'];
  if (!digestEntry) throw new BundleError('bundle-foreign', 'no manifest.sha256');
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(manifestBytes));
  } catch (e) {
    throw new BundleError('bundle-corrupt', 'manifest.json is not JSON', e);
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head === null || typeof head !== 'object' || head.format !== BUNDLE_FORMAT) {
    throw new BundleError('bundle-foreign', `format ${JSON.stringify(head?.format)}`);
  }
  if (typeof head.version === 'number' && head.version > BUNDLE_VERSION) {
    throw new BundleError(
      'bundle-version',
      `bundle version ${head.version}, this app reads ${BUNDLE_VERSION}`,
    );
  }
  if (strFromU8(digestEntry).trim() !== (await sha256Hex(manifestBytes))) {
    throw new BundleError('bundle-integrity', 'manifest.json does not match manifest.sha256');
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError('bundle-corrupt', `manifest: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const manifest = parsed.data as unknown as BundleManifest;
  checkRecords(manifest);

  const files = new Map<string, Uint8Array>();
  // The signature is for the server; a tablet restores what the checksums prove intact.
  const listed = new Set<string>(['manifest.json', 'manifest.sha256', BUNDLE_SIGNATURE_ENTRY]);
  for (const f of manifest.files) {
    listed.add(f.path);
    const data = entries[f.path];
    if (f.path !== `files/${f.sha256}`)
      throw new BundleError('bundle-corrupt', `bad file path ${f.path}`);
    if (!data) throw new BundleError('bundle-integrity', `missing ${f.path}`);
    if (data.byteLength !== f.bytes || (await sha256Hex(data)) !== f.sha256) {
      throw new BundleError('bundle-integrity', `${f.path} does not match its SHA-256`);
    }
    files.set(f.sha256, data);
  }
  for (const name of Object.keys(entries)) {
    if (!listed.has(name) && !name.endsWith('/'))
      throw new BundleError('bundle-integrity', `unlisted entry ${name}`);
  }
  return { manifest, files };
}

function checkRecords(m: BundleManifest): void {
  for (const entity of ENTITY_NAMES) {
    for (const row of m.records[entity]) {
      const owner = entity === 'assessment' ? row.id : row.assessmentId;
      if (owner !== m.assessmentId) {
        throw new BundleError(
          'bundle-corrupt',
          `${entity} ${row.id} belongs to another assessment`,
        );
      }
      for (const [field, value] of Object.entries(row)) {
        if (field === 'id' || field === '_versions') continue;
        const parsed = fieldSchema(entity, field)?.safeParse(value);
        if (!parsed?.success) {
          throw new BundleError('bundle-corrupt', `${entity} ${row.id}: invalid field ${field}`);
        }
        // Keep the value as core parses it (NFC text), as a local save would.
        row[field] = parsed.data;
      }
    }
  }
  for (const mutation of m.outbox) {
    if (mutation.deviceId !== m.deviceId)
      throw new BundleError('bundle-corrupt', 'outbox of another device');
    for (const [field, value] of Object.entries(mutation.changes)) {
      const parsed = fieldSchema(mutation.entity, field)?.safeParse(value);
      if (parsed?.success) mutation.changes[field] = parsed.data;
    }
  }
  for (const c of m.conflicts) {
    if (c.assessmentId !== m.assessmentId)
      throw new BundleError('bundle-corrupt', `conflict ${c.id} of another assessment`);
  }
  for (const r of m.rejected ?? []) {
    if (r.assessmentId !== m.assessmentId)
      throw new BundleError('bundle-corrupt', `refused change ${r.id} of another assessment`);
  }
}
