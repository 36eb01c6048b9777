import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from 'fflate';
import * as z from 'zod/mini';
import {
  ENTITY_NAMES,
  type EntityName,
  FrameworkSchema,
  fieldSchema,
  MutationSchema,
} from '../core';
import { sha256Hex } from './blobs';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleManifest,
  type ParsedBundle,
} from './bundle-format';
import { BundleError } from './errors';

/**
 * Zip and unzip the export file of one assessment (format in bundle-format.ts). Loaded on
 * demand, so fflate and the manifest schema stay out of the app's first load.
 */

export function buildBundle(
  manifest: BundleManifest,
  files: Map<string, Uint8Array>,
): Promise<Uint8Array> {
  const manifestBytes = strToU8(JSON.stringify(manifest));
  return sha256Hex(manifestBytes).then((digest) => {
    const entries: Zippable = {
      'manifest.json': [manifestBytes, { level: 6 }],
      'manifest.sha256': [strToU8(`${digest}\n`), { level: 0 }],
    };
    // Photos are already compressed: store them as they are.
    for (const f of manifest.files) {
      const bytes = files.get(f.sha256);
      if (bytes) entries[f.path] = [bytes, { level: 0 }];
    }
    return zipSync(entries);
  });
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
 * not pass core's schemas are refused with a BundleError.
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
  const listed = new Set<string>(['manifest.json', 'manifest.sha256']);
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
        const schema = fieldSchema(entity, field);
        if (!schema?.safeParse(value).success) {
          throw new BundleError('bundle-corrupt', `${entity} ${row.id}: invalid field ${field}`);
        }
      }
    }
  }
  for (const mutation of m.outbox) {
    if (mutation.deviceId !== m.deviceId)
      throw new BundleError('bundle-corrupt', 'outbox of another device');
  }
  for (const c of m.conflicts) {
    if (c.assessmentId !== m.assessmentId)
      throw new BundleError('bundle-corrupt', `conflict ${c.id} of another assessment`);
  }
}
