import {
  type Change,
  DEVICE_SEQ_REUSED,
  type DeviceIdentity,
  type Mutation,
  type MutationResult,
  PROTOCOL_VERSION,
  type PushRequest,
  type PushResponse,
  type Rejection,
  uuidv7,
} from '../../../src/core';
import type { StoreOptions, TelusurStore } from '../../../src/store';
import { type OfflinePackage, SyncHttpError, type SyncTransport } from '../../../src/sync';
import { openNodeStore } from '../../helpers/node-store';

/**
 * A scripted sync server in memory, for engine unit tests against the real store: it
 * applies pushes per mutation (the current protocol), keeps a change log to pull from, holds
 * uploaded files for receipts, and issues device identities. Tests bend it with the
 * hooks below (refuse a change, claim seqs the tablet never sent, fail a file…).
 */
export class FakeServer {
  readonly periodId = '0190a6f2-5c3e-7b1a-8f00-0000000000a0';
  readonly units: [{ id: string; name: string }, { id: string; name: string }] = [
    { id: '0190a6f2-5c3e-7b1a-8f00-0000000000b1', name: 'Kelurahan Ciwaduk' },
    { id: '0190a6f2-5c3e-7b1a-8f00-0000000000b2', name: 'Kecamatan Pulomerak' },
  ];
  /** deviceId → handled seqs and the token it uses. */
  readonly devices = new Map<string, { appliedThrough: number; token: string }>();
  /** Every mutation the server handled (applied or same), in order. */
  readonly received: Mutation[] = [];
  /** Every push request as it arrived, with the token it carried. */
  readonly pushes: { deviceId: string; token: string | null; seqs: number[] }[] = [];
  readonly changes: Change[] = [];
  readonly held = new Set<string>();
  /** Assessment of each evidence file record the server applied (sha256 → assessmentIds). */
  readonly evidenceOf = new Map<string, Set<string>>();
  readonly calls: string[] = [];
  rotations = 0;
  healthy = true;
  private versions = new Map<string, number>();

  /** Refuse a mutation (its Rejection), or null to handle it. */
  rejectWhen: (m: Mutation) => Partial<Rejection> | null = () => null;
  /** Before a push is handled: throw to fail it, or return a patch of the answer. */
  beforePush: (req: PushRequest, n: number) => Partial<PushResponse> | null = () => null;
  /** Before an upload: throw to fail it, or 'lie' to answer success without keeping the file. */
  beforeUpload: (sha256: string) => 'lie' | null = () => null;
  /** A failure for any other step ('pull', 'offlinePackage', 'receipt'). */
  failStep: (step: string) => Error | null = () => null;

  /** Register a device as enrolment would; returns its token. */
  enrol(deviceId: string): string {
    const token = `token-${deviceId}`;
    this.devices.set(deviceId, { appliedThrough: 0, token });
    return token;
  }

  /** Another tablet's edit, as the change log would hold it. */
  remoteEdit(entity: Change['entity'], id: string, fields: Record<string, unknown>): void {
    const versions: Record<string, number> = {};
    for (const f of Object.keys(fields)) {
      const k = `${entity}:${id}:${f}`;
      const v = (this.versions.get(k) ?? 0) + 1;
      this.versions.set(k, v);
      versions[f] = v;
    }
    this.changes.push({ seq: this.changes.length + 1, entity, id, fields, versions });
  }

  offlinePackage(): OfflinePackage {
    return {
      serverTime: Date.now(),
      protocol: PROTOCOL_VERSION,
      periods: [{ id: this.periodId, name: 'Evaluasi SPBE 2023', frameworkId: 'spbe-2020' }],
      frameworks: [],
      units: this.units.map((u) => ({ ...u, parentId: null })),
      assignments: this.units.map((u, i) => ({
        id: `asg-${i}`,
        periodId: this.periodId,
        unitId: u.id,
        assessmentId: `a-${i}`,
      })),
      assessments: [],
    };
  }

  private push(req: PushRequest, token: string | null): PushResponse {
    const n = this.pushes.push({
      deviceId: req.deviceId,
      token,
      seqs: req.mutations.map((m) => m.seq),
    });
    const device = this.devices.get(req.deviceId);
    if (!device || device.token !== token)
      throw new SyncHttpError(401, 'unauthorized', 'Token tidak dikenal');
    const patch = this.beforePush(req, n);
    const results: MutationResult[] = [];
    for (const m of req.mutations) {
      if (m.seq <= device.appliedThrough) {
        results.push({ seq: m.seq, outcome: 'same', duplicate: true, fields: {}, rejection: null });
        continue;
      }
      if (m.seq !== device.appliedThrough + 1) break;
      device.appliedThrough = m.seq;
      const refused = this.rejectWhen(m);
      if (refused) {
        results.push({
          seq: m.seq,
          outcome: 'rejected',
          duplicate: false,
          fields: {},
          rejection: {
            code: 'not_assigned',
            message: 'Unit ini tidak lagi ditugaskan kepada Anda.',
            messageEn: 'This unit is no longer assigned to you.',
            entity: m.entity,
            recordId: m.id,
            assessmentId: null,
            unitId: null,
            unitName: null,
            indicatorNo: null,
            field: null,
            at: Date.UTC(2024, 4, 6, 3),
            retryable: true,
            ...refused,
          },
        });
        continue;
      }
      this.received.push(m);
      const fields: MutationResult['fields'] = {};
      const versions: Record<string, number> = {};
      for (const f of Object.keys(m.changes)) {
        const k = `${m.entity}:${m.id}:${f}`;
        const v = (this.versions.get(k) ?? 0) + 1;
        this.versions.set(k, v);
        fields[f] = { outcome: 'applied', version: v };
        versions[f] = v;
      }
      this.changes.push({
        seq: this.changes.length + 1,
        entity: m.entity,
        id: m.id,
        fields: m.changes,
        versions,
      });
      if (m.entity === 'evidenceFile' && typeof m.changes.sha256 === 'string') {
        const set = this.evidenceOf.get(m.changes.sha256) ?? new Set<string>();
        set.add(String(m.changes.assessmentId));
        this.evidenceOf.set(m.changes.sha256, set);
      }
      results.push({ seq: m.seq, outcome: 'applied', duplicate: false, fields, rejection: null });
    }
    return { appliedThrough: device.appliedThrough, results, conflicts: [], ...patch };
  }

  /** The transport a tablet uses; `token` is read at every request, as the app's is. */
  transport(token: () => string | null): SyncTransport {
    const step = (name: string) => {
      this.calls.push(name);
      const e = this.failStep(name);
      if (e) throw e;
    };
    return {
      health: async () => {
        this.calls.push('health');
        return this.healthy;
      },
      offlinePackage: async () => {
        step('offlinePackage');
        return this.offlinePackage();
      },
      push: async (req) => {
        this.calls.push('push');
        return this.push(structuredClone(req), token());
      },
      pull: async (cursor) => {
        step('pull');
        const page = this.changes.filter((c) => c.seq > cursor);
        return {
          changes: page,
          cursor: page.at(-1)?.seq ?? cursor,
          hasMore: false,
          conflicts: [],
        };
      },
      receipt: async (assessmentId) => {
        step('receipt');
        return {
          assessmentId,
          hashes: [...this.held].filter((h) => this.evidenceOf.get(h)?.has(assessmentId)),
        };
      },
      upload: async (file, onProgress) => {
        step('upload');
        const verdict = this.beforeUpload(file.sha256);
        onProgress?.(file.blob.size, file.blob.size);
        if (verdict === 'lie') return;
        this.held.add(file.sha256);
      },
      rotate: async () => {
        this.calls.push('rotate');
        const current = [...this.devices].find(([, d]) => d.token === token());
        if (!current) throw new SyncHttpError(401, 'unauthorized', 'Token tidak dikenal');
        this.rotations++;
        const deviceId = uuidv7();
        const identity: DeviceIdentity = {
          deviceId,
          token: this.enrol(deviceId),
          bundleSecret: secretFor(deviceId),
        };
        return identity;
      },
      bundleSecret: async () => {
        this.calls.push('bundleSecret');
        const current = [...this.devices].find(([, d]) => d.token === token());
        if (!current) throw new SyncHttpError(401, 'unauthorized', 'Token tidak dikenal');
        return { deviceId: current[0], bundleSecret: secretFor(current[0]) };
      },
      release: async () => {
        this.calls.push('release');
      },
    };
  }
}

/** A 64-hex secret derived from the device id (deterministic, for assertions). */
export function secretFor(deviceId: string): string {
  const hex = Array.from(new TextEncoder().encode(deviceId), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return hex.padEnd(64, '0').slice(0, 64);
}

/** The server's refusal of a mutation that 409s the whole push (identity shared). */
export function seqReused(): SyncHttpError {
  return new SyncHttpError(
    409,
    DEVICE_SEQ_REUSED,
    'Nomor urut perubahan ini sudah dipakai dengan isi lain',
  );
}

let counter = 0;

/** A tablet store on fake-indexeddb (unique name), Blobs stored as bytes as on older iPadOS. */
export function tabletStore(extra: StoreOptions = {}): Promise<TelusurStore> {
  counter++;
  return openNodeStore(`engine-${counter}-${Math.random().toString(36).slice(2, 8)}`, extra);
}

/** A JPEG-ish payload, distinct per seed. */
export function photo(seed: number, size = 4096): Blob {
  const bytes = new Uint8Array(size);
  bytes[0] = 0xff;
  bytes[1] = 0xd8;
  for (let i = 2; i < size; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return new Blob([bytes], { type: 'image/jpeg' });
}
