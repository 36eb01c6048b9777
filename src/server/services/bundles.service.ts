import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type BundleImportResult,
  evidenceLimitBytes,
  MAX_EVIDENCE_BYTES,
  MutationEnvelopeSchema,
  type PushRequest,
} from '../../core';
import type { AppConfig } from '../config';
import { inTransaction } from '../db/repositories';
import { readZipDirectory, readZipEntry, type ZipEntry, ZipReadError } from '../lib/zip-read';
import { Problem } from '../problems';
import { BundleKeys } from './bundle-keys';
import { BaseService, type ServiceDeps } from './context';
import { EVIDENCE_MIMES, evidenceTooLarge, type FilesService } from './files.service';
import type { BundleApplyResult, SyncService } from './sync.service';

/** The tablet store's export format (src/store/bundle-format.ts; read here without importing the store). */
const BUNDLE_FORMAT = 'telusur-bundle';
const BUNDLE_VERSION = 1;
const MANIFEST = 'manifest.json';
const MANIFEST_SHA256 = 'manifest.sha256';
const SIGNATURE = 'manifest.sig';
/** Largest manifest, signature and evidence file inside a bundle, uncompressed. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 4096;
const MAX_FILE_BYTES = MAX_EVIDENCE_BYTES;
/**
 * Below this many uncompressed bytes (per entry, or for the whole file) the ratio is not
 * judged: tiny entries compress arbitrarily well and cost nothing to inflate.
 */
const RATIO_FLOOR_BYTES = 1024 * 1024;

type Envelope = PushRequest['mutations'][number];

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
type Manifest = z.infer<typeof ManifestSchema>;

/** `manifest.sig`, as src/store/bundle-format.ts describes it. */
const SignatureSchema = z.object({
  alg: z.literal('HMAC-SHA256'),
  deviceId: z.string().min(1).max(64),
  mac: z.string().max(256),
});

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const mib = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;

/**
 * Import of a tablet's export file (a workshop without any network: the coordinator brings the file
 * to the server instead of the tablet). Checked in this order, each refusal writing nothing:
 * 1. the zip directory, before anything is inflated: entry count, total uncompressed size
 *    (413 `bundle_too_large`) and compression ratio per entry and overall (422
 *    `bundle_suspicious`) against `config.bundleLimits`; entries are then inflated with
 *    their declared size as a hard limit;
 * 2. the manifest: a Telusur export (`bundle_foreign`), not newer (`bundle_version`), its
 *    SHA-256 (`bundle_tampered`);
 * 3. the signature, so only a tablet this server enrolled can speak through a file: present
 *    (`bundle_unsigned`), made by the device the manifest names and that this server
 *    enrolled (`bundle_foreign_device`), valid (`bundle_signature_invalid`);
 * 4. the assessment exists (404) and was assigned, now or earlier, to that device's
 *    verifier (`bundle_not_assigned`: never assigned); when it was withdrawn since, the file
 *    still imports and each change is refused `assignment_withdrawn` (naming the verifier
 *    who holds the unit now, if any);
 * 5. every evidence file's hash, and no entry the manifest does not list (`bundle_tampered`).
 * Then its unsent changes go through the same logic as the tablet's own push (exactly once
 * by device and seq, judged per mutation) and its files are stored like uploaded ones.
 */
export class BundlesService extends BaseService {
  private readonly keys: BundleKeys;

  constructor(
    deps: ServiceDeps,
    private readonly sync: SyncService,
    private readonly files: FilesService,
  ) {
    super(deps);
    this.keys = new BundleKeys(this.repos.devices, deps.config.secret, () => this.now());
  }

  async import(bytes: Uint8Array, importedBy: string): Promise<BundleImportResult> {
    const zip = openBundle(bytes, this.deps.config.bundleLimits);
    const { manifestBytes, raw, signature } = readHead(zip);
    const manifestSha = sha256Hex(manifestBytes);
    const device =
      raw.deviceId === signature.deviceId
        ? await this.repos.devices.findById(signature.deviceId)
        : null;
    // A revoked or released tablet's export still imports: exporting is what it is told to do.
    if (!device) throw new Problem('bundle_foreign_device');
    if (!(await this.keys.verify(device.id, manifestSha, signature.mac)))
      throw new Problem('bundle_signature_invalid');
    const manifest = parseManifest(raw);
    const assessment = await this.repos.assignments.findAssessmentById(manifest.assessmentId);
    if (!assessment) throw new Problem('not_found', { what: 'Penilaian', whatEn: 'Assessment' });
    if (
      !(await this.repos.devices.verifierHadAssessment(device.verifierId, assessment.id, device.id))
    )
      throw new Problem('bundle_not_assigned');
    const outbox = parseOutbox(manifest);
    const files = readFiles(zip, manifest);
    // Files first: content-addressed and verified, so a failure below leaves at worst
    // unlisted bytes on disk, never a file counted as held.
    for (const f of files) await this.files.evidence.putBytes(f.data, f.sha256);
    const { applied, stored } = await inTransaction(this.deps.db, async (repos) => {
      let applied: BundleApplyResult;
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
          // The signed file proves this device holds these bytes too: its own later upload
          // of them is answered as held.
          await repos.files.addHolder(f.sha256, manifest.deviceId, this.now());
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
      ...applied,
      assessmentId: manifest.assessmentId,
      deviceId: manifest.deviceId,
      verifierId: device.verifierId,
      mutations: {
        applied: applied.applied,
        duplicates: applied.duplicates,
        rejected: applied.rejected,
      },
      files: stored,
    };
  }
}

interface OpenBundle {
  bytes: Uint8Array;
  entries: Map<string, ZipEntry>;
}

/**
 * The zip's directory, judged before anything is inflated: at most `maxEntries` entries,
 * at most `maxUncompressedBytes` in total, no entry (above RATIO_FLOOR_BYTES) and not the
 * whole file inflating more than `maxRatio` times its compressed size, and the known
 * entries within their own limits.
 */
function openBundle(bytes: Uint8Array, limits: AppConfig['bundleLimits']): OpenBundle {
  let dir: ZipEntry[];
  try {
    dir = readZipDirectory(bytes);
  } catch (e) {
    throw zipProblem(e);
  }
  if (dir.length > limits.maxEntries)
    throw new Problem('bundle_too_large', {
      what: `${dir.length} berkas`,
      whatEn: `${dir.length} entries`,
      limit: String(limits.maxEntries),
    });
  let total = 0;
  for (const e of dir) {
    total += e.size;
    const own =
      e.name === MANIFEST
        ? MAX_MANIFEST_BYTES
        : e.name === SIGNATURE
          ? MAX_SIGNATURE_BYTES
          : MAX_FILE_BYTES;
    if (e.size > own)
      throw new Problem('bundle_too_large', {
        what: `${e.name}: ${mib(e.size)}`,
        whatEn: `${e.name}: ${mib(e.size)}`,
        limit: mib(own),
      });
    if (e.size > RATIO_FLOOR_BYTES && e.size > limits.maxRatio * Math.max(1, e.compressedSize))
      throw new Problem('bundle_suspicious', {
        reason: `${e.name}: ${mib(e.compressedSize)} → ${mib(e.size)}`,
      });
  }
  if (total > limits.maxUncompressedBytes)
    throw new Problem('bundle_too_large', {
      what: mib(total),
      whatEn: mib(total),
      limit: mib(limits.maxUncompressedBytes),
    });
  if (total > RATIO_FLOOR_BYTES && total > limits.maxRatio * bytes.byteLength)
    throw new Problem('bundle_suspicious', {
      reason: `${mib(bytes.byteLength)} → ${mib(total)}`,
    });
  return { bytes, entries: new Map(dir.map((e) => [e.name, e])) };
}

function zipProblem(e: unknown): Problem {
  if (!(e instanceof ZipReadError)) throw e;
  if (e.kind === 'not_zip')
    return new Problem('bundle_corrupt', { reason: 'bukan zip / not a zip' });
  if (e.kind === 'size_mismatch') return new Problem('bundle_suspicious', { reason: e.message });
  return new Problem('bundle_corrupt', { reason: e.message.slice(0, 200) });
}

function inflate(zip: OpenBundle, entry: ZipEntry): Uint8Array {
  try {
    return readZipEntry(zip.bytes, entry);
  } catch (e) {
    throw zipProblem(e);
  }
}

/** The manifest (a Telusur export, not newer, hash intact) and its signature, still unverified. */
function readHead(zip: OpenBundle): {
  manifestBytes: Uint8Array;
  raw: { deviceId?: unknown };
  signature: z.infer<typeof SignatureSchema>;
} {
  const manifestEntry = zip.entries.get(MANIFEST);
  const digestEntry = zip.entries.get(MANIFEST_SHA256);
  if (!manifestEntry || !digestEntry) throw new Problem('bundle_foreign');
  const manifestBytes = inflate(zip, manifestEntry);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch {
    throw new Problem('bundle_corrupt', { reason: MANIFEST });
  }
  const head = raw as { format?: unknown; version?: unknown; deviceId?: unknown } | null;
  if (head === null || typeof head !== 'object' || head.format !== BUNDLE_FORMAT)
    throw new Problem('bundle_foreign');
  if (typeof head.version === 'number' && head.version > BUNDLE_VERSION)
    throw new Problem('bundle_version', { version: head.version });
  const digest = new TextDecoder().decode(inflate(zip, digestEntry)).trim();
  if (digest !== sha256Hex(manifestBytes))
    throw new Problem('bundle_tampered', { reason: MANIFEST });
  const sigEntry = zip.entries.get(SIGNATURE);
  if (!sigEntry) throw new Problem('bundle_unsigned');
  let sig: unknown;
  try {
    sig = JSON.parse(new TextDecoder().decode(inflate(zip, sigEntry)));
  } catch {
    throw new Problem('bundle_signature_invalid');
  }
  const parsed = SignatureSchema.safeParse(sig);
  if (!parsed.success) throw new Problem('bundle_signature_invalid');
  return { manifestBytes, raw: head, signature: parsed.data };
}

function parseManifest(raw: unknown): Manifest {
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Problem('bundle_corrupt', { reason: `manifest ${issue?.path.join('.') ?? ''}` });
  }
  return parsed.data;
}

/**
 * The tablet's unsent changes, envelopes checked: each mutation's content is judged on its
 * own by sync.applyBundle (a refused one is reported, the others still apply).
 */
function parseOutbox(manifest: Manifest): Envelope[] {
  const outbox: Envelope[] = [];
  for (const [i, m] of manifest.outbox.entries()) {
    const r = MutationEnvelopeSchema.safeParse(m);
    if (!r.success) throw new Problem('bundle_corrupt', { reason: `outbox.${i}` });
    if (r.data.deviceId !== manifest.deviceId)
      throw new Problem('bundle_corrupt', { reason: `outbox.${i}.deviceId` });
    outbox.push(r.data);
  }
  return outbox;
}

/** Every evidence file the manifest lists, hash-checked; any entry it does not list is refused. */
function readFiles(
  zip: OpenBundle,
  manifest: Manifest,
): { sha256: string; mime: string; data: Uint8Array }[] {
  const files: { sha256: string; mime: string; data: Uint8Array }[] = [];
  const listed = new Set([MANIFEST, MANIFEST_SHA256, SIGNATURE]);
  for (const f of manifest.files) {
    if (f.path !== `files/${f.sha256}`) throw new Problem('bundle_corrupt', { reason: f.path });
    if (!EVIDENCE_MIMES.has(f.mime)) throw new Problem('bundle_corrupt', { reason: f.mime });
    // Each kind keeps its own limit here too, as on the tus endpoint.
    const limit = evidenceLimitBytes(f.mime, 'stored');
    if (limit !== null && f.bytes > limit) throw evidenceTooLarge(f.mime, limit);
    const entry = zip.entries.get(f.path);
    if (!entry) throw new Problem('bundle_tampered', { reason: `${f.path} hilang / missing` });
    if (entry.size !== f.bytes) throw new Problem('bundle_tampered', { reason: f.path });
    const data = inflate(zip, entry);
    if (sha256Hex(data) !== f.sha256) throw new Problem('bundle_tampered', { reason: f.path });
    listed.add(f.path);
    files.push({ sha256: f.sha256, mime: f.mime, data });
  }
  for (const name of zip.entries.keys()) {
    if (!listed.has(name) && !name.endsWith('/'))
      throw new Problem('bundle_tampered', { reason: name });
  }
  return files;
}
