import { Readable } from 'node:stream';
import { encodeHlc, type Mutation } from '../../../src/core';
import type { Services } from '../../../src/server/services';
import type { CallResult, ServerContext } from '../../helpers/server-context';

/** A change as a test writes it: the raw tablet adds its device, seq, clock and base versions. */
export type RawMutation = Omit<Mutation, 'deviceId' | 'seq' | 'hlc' | 'at' | 'baseVersions'>;

/**
 * A tablet without a browser store: an enrolled device that pushes hand-made mutations
 * through the real push route, one seq after the other (as the sync protocol requires).
 */
export interface RawTablet {
  token: string;
  deviceId: string;
  /**
   * Push these changes; `tabletNow` is the tablet's own clock (default: the server's), sent
   * along as the push's `clock` and used for the edits' times, as a tablet does.
   * `editedAt`: the edits were made earlier (offline) at this time, by a right clock.
   */
  push(
    mutations: RawMutation[],
    options?: { tabletNow?: number; editedAt?: number },
  ): Promise<CallResult>;
  pull(cursor?: number): Promise<CallResult>;
}

export async function rawTablet(
  ctx: ServerContext,
  verifier: 'verifier1' | 'verifier2',
  label = 'Tablet laporan',
): Promise<RawTablet> {
  const { token, deviceId } = await ctx.enrol(await ctx.accountId(verifier), label);
  let seq = 0;
  let cursor = 0;
  // Server versions of every field in scope, learnt by pull, so pushes edit the latest
  // version (as the real tablet does) instead of raising conflicts.
  const versions = new Map<string, number>();
  const learn = async () => {
    for (;;) {
      const r = await ctx.call('GET', `/api/sync/pull?cursor=${cursor}`, { token });
      if (r.status !== 200) throw new Error(`pull failed: ${r.status} ${r.text}`);
      for (const c of r.body.changes as {
        entity: string;
        id: string;
        versions: Record<string, number>;
      }[])
        for (const [f, v] of Object.entries(c.versions))
          versions.set(`${c.entity}|${c.id}|${f}`, v);
      cursor = r.body.cursor;
      if (!r.body.hasMore) return;
    }
  };
  return {
    token,
    deviceId,
    async push(list, options = {}) {
      await learn();
      const now = options.tabletNow ?? ctx.clock.now;
      const mutations: Mutation[] = list.map((m) => {
        seq++;
        const at = (options.editedAt ?? now) + seq;
        return {
          ...m,
          deviceId,
          seq,
          baseVersions: Object.fromEntries(
            Object.keys(m.changes).map((f) => [f, versions.get(`${m.entity}|${m.id}|${f}`) ?? 0]),
          ),
          hlc: encodeHlc({ ms: at, counter: 0, node: deviceId }),
          at,
        };
      });
      const r = await ctx.call('POST', '/api/sync/push', {
        token,
        json: { deviceId, mutations, ...(options.tabletNow === undefined ? {} : { clock: now }) },
      });
      if (r.status !== 200) throw new Error(`push failed: ${r.status} ${r.text}`);
      const conflicts = (r.body.conflicts as unknown[]).length;
      if (conflicts > 0)
        throw new Error(`push made ${conflicts} conflicts: ${r.text.slice(0, 400)}`);
      return r;
    },
    pull(from = 0) {
      return ctx.call('GET', `/api/sync/pull?cursor=${from}`, { token });
    },
  };
}

/** The demo assessment of a unit (by code) in a period (default: "Evaluasi SPBE 2023"). */
export async function assessmentOf(
  ctx: ServerContext,
  code: string,
  periodId = ctx.demo?.periodId,
): Promise<string> {
  const unitId = await ctx.unitId(code);
  const a = (await ctx.services.assignments.list({ periodId })).find((x) => x.unitId === unitId);
  if (!a) throw new Error(`unit ${code} has no assessment`);
  return a.assessmentId;
}

/** Mutations setting verified levels (and not-applicable flags) of an assessment. */
export function levels(
  assessmentId: string,
  byNo: Record<number, number | null>,
  notApplicable: number[] = [],
): RawMutation[] {
  const nos = new Set([...Object.keys(byNo).map(Number), ...notApplicable]);
  return [...nos].map((no) => ({
    entity: 'verification' as const,
    id: `${assessmentId}:${no}`,
    changes: {
      assessmentId,
      indicatorNo: no,
      ...(no in byNo ? { verifiedLevel: byNo[no] } : {}),
      ...(notApplicable.includes(no)
        ? { notApplicable: true, naReason: 'Tidak ada layanan ini' }
        : {}),
    },
  }));
}

/** The record of one evidence photo (a JPEG without size or place) of an indicator. */
export function evidenceFile(
  assessmentId: string,
  id: string,
  file: { sha256: string; bytes: number; capturedAt: number; name?: string; indicatorNo?: number },
): RawMutation {
  return {
    entity: 'evidenceFile',
    id,
    changes: {
      assessmentId,
      indicatorNo: file.indicatorNo ?? 1,
      sha256: file.sha256,
      name: file.name ?? 'sk.jpg',
      mime: 'image/jpeg',
      bytes: file.bytes,
      width: null,
      height: null,
      capturedAt: file.capturedAt,
      location: null,
      deleted: false,
    },
  };
}

/** Put a file into the server's evidence store as a finished, hash-checked upload would. */
export async function storeFile(
  services: Services,
  bytes: Uint8Array,
  sha256: string,
  mime = 'image/jpeg',
): Promise<void> {
  const r = await services.files.finaliseUpload({
    uploadId: `test-${sha256}`,
    sha256,
    mime,
    deviceId: null,
    read: async () => Readable.from([Buffer.from(bytes)]),
  });
  if (r === 'hash_mismatch') throw new Error('test file hash mismatch');
}
