import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { z } from 'zod';
import { type Mutation, MutationSchema } from '../../core';
import { inTransaction } from '../db/repositories';
import { Problem } from '../problems';
import type { ConflictView } from '../sync-domain';
import { BaseService, type ServiceDeps } from './context';
import { EVIDENCE_MIMES, type FilesService } from './files.service';
import type { SyncService } from './sync.service';

/** The tablet store's export format (src/store/bundle-format.ts; read here without importing the store). */
const BUNDLE_FORMAT = 'telusur-bundle';
const BUNDLE_VERSION = 1;
/** Largest manifest and largest evidence file inside a bundle, uncompressed. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const MAX_FILE_BYTES = 25 * 1024 * 1024;

const id = z.string().min(1).max(100);
const ManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  exportedAt: z.number().int(),
  schemaVersion: z.number().int().min(1),
  deviceId: z.string().min(1).max(64),
  assessmentId: z.string().min(1).max(64),
  records: z.record(z.string(), z.array(z.looseObject({ id }))),
  conflicts: z.array(z.unknown()),
  reference: z.unknown(),
  outbox: z.array(z.unknown()).max(1_000_000),
  files: z
    .array(
      z.object({
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        bytes: z.number().int().min(0),
        mime: z.string().max(100),
        path: z.string().max(200),
      }),
    )
    .max(100_000),
});

export interface BundleImportResult {
  assessmentId: string;
  deviceId: string;
  /** Unsent changes of the tablet applied now, and those the server already had. */
  mutations: { applied: number; duplicates: number };
  fields: { applied: number; same: number; conflict: number };
  files: { stored: number; alreadyHeld: number };
  conflicts: ConflictView[];
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

class TooLarge extends Error {}

/**
 * Import of a tablet's export file (DESIGN §5, workshop without any network). The whole
 * file is checked first — zip, manifest hash, every evidence file's hash, no foreign
 * entries — and refused whole on any problem. Then its unsent changes go through the
 * same push logic as the tablet's own sync (idempotent by device and seq) and its files
 * are stored like uploaded ones.
 */
export class BundlesService extends BaseService {
  constructor(
    deps: ServiceDeps,
    private readonly sync: SyncService,
    private readonly files: FilesService,
  ) {
    super(deps);
  }

  async import(bytes: Uint8Array, importedBy: string): Promise<BundleImportResult> {
    const { manifest, outbox, files } = parse(bytes);
    const assessment = await this.repos.assignments.findAssessmentById(manifest.assessmentId);
    if (!assessment) throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    // Files first: content-addressed and verified, so a failure below leaves at worst
    // unlisted bytes on disk, never a file counted as held.
    for (const f of files) await this.files.blobs.putBytes(f.data, f.sha256);
    const { applied, stored } = await inTransaction(this.deps.db, async (repos) => {
      let applied: Awaited<ReturnType<SyncService['applyBundle']>>;
      try {
        applied = await this.sync.applyBundle(repos, {
          deviceId: manifest.deviceId,
          assessmentId: manifest.assessmentId,
          importedBy,
          mutations: outbox,
        });
      } catch (e) {
        if (e instanceof Problem && (e.code === 'not_assigned' || e.code === 'record_unknown'))
          throw new Problem('bundle_corrupt', {
            reason: 'perubahan untuk penilaian lain / changes of another assessment',
          });
        throw e;
      }
      const stored = { stored: 0, alreadyHeld: 0 };
      for (const f of files) {
        if (await repos.files.find(f.sha256)) {
          stored.alreadyHeld++;
          continue;
        }
        await repos.files.insert({
          sha256: f.sha256,
          bytes: f.data.byteLength,
          mime: f.mime,
          receivedAt: this.now(),
          receivedByDevice: manifest.deviceId,
        });
        stored.stored++;
      }
      return { applied, stored };
    });
    return {
      assessmentId: manifest.assessmentId,
      deviceId: manifest.deviceId,
      mutations: { applied: applied.applied, duplicates: applied.duplicates },
      fields: applied.fields,
      files: stored,
      conflicts: applied.conflicts,
    };
  }
}

function parse(bytes: Uint8Array): {
  manifest: z.infer<typeof ManifestSchema>;
  outbox: Mutation[];
  files: { sha256: string; mime: string; data: Uint8Array }[];
} {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        const max = f.name === 'manifest.json' ? MAX_MANIFEST_BYTES : MAX_FILE_BYTES;
        if (f.originalSize > max) throw new TooLarge(f.name);
        return true;
      },
    });
  } catch (e) {
    throw new Problem('bundle_corrupt', {
      reason:
        e instanceof TooLarge ? `${e.message} terlalu besar / too large` : 'bukan zip / not a zip',
    });
  }
  const manifestBytes = entries['manifest.json'];
  const digest = entries['manifest.sha256'];
  if (!manifestBytes || !digest) throw new Problem('bundle_foreign');
  let raw: unknown;
  try {
    raw = JSON.parse(strFromU8(manifestBytes));
  } catch {
    throw new Problem('bundle_corrupt', { reason: 'manifest.json' });
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head === null || typeof head !== 'object' || head.format !== BUNDLE_FORMAT)
    throw new Problem('bundle_foreign');
  if (typeof head.version === 'number' && head.version > BUNDLE_VERSION)
    throw new Problem('bundle_version', { version: head.version });
  if (strFromU8(digest).trim() !== sha256Hex(manifestBytes))
    throw new Problem('bundle_tampered', { reason: 'manifest.json' });
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Problem('bundle_corrupt', { reason: `manifest ${issue?.path.join('.') ?? ''}` });
  }
  const manifest = parsed.data;
  const outbox: Mutation[] = [];
  for (const [i, m] of manifest.outbox.entries()) {
    const r = MutationSchema.safeParse(m);
    if (!r.success) throw new Problem('bundle_corrupt', { reason: `outbox.${i}` });
    if (r.data.deviceId !== manifest.deviceId)
      throw new Problem('bundle_corrupt', { reason: `outbox.${i}.deviceId` });
    outbox.push(r.data);
  }
  const files: { sha256: string; mime: string; data: Uint8Array }[] = [];
  const listed = new Set(['manifest.json', 'manifest.sha256']);
  for (const f of manifest.files) {
    if (f.path !== `files/${f.sha256}`) throw new Problem('bundle_corrupt', { reason: f.path });
    if (!EVIDENCE_MIMES.has(f.mime)) throw new Problem('bundle_corrupt', { reason: f.mime });
    const data = entries[f.path];
    if (!data) throw new Problem('bundle_tampered', { reason: `${f.path} hilang / missing` });
    if (data.byteLength !== f.bytes || sha256Hex(data) !== f.sha256)
      throw new Problem('bundle_tampered', { reason: f.path });
    listed.add(f.path);
    files.push({ sha256: f.sha256, mime: f.mime, data });
  }
  for (const name of Object.keys(entries)) {
    if (!listed.has(name) && !name.endsWith('/'))
      throw new Problem('bundle_tampered', { reason: name });
  }
  return { manifest, outbox, files };
}
