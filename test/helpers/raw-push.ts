import { type EntityName, encodeHlc } from '../../src/core';
import type { CallResult } from './server-context';
import type { SyncHarness } from './sync-harness';

/**
 * Raw HTTP pushes for the sync server suites: a tablet is just a device token
 * and its server-issued id, and mutations are hand-made, so these tests depend on the
 * server alone (not on the tablet store or SyncEngine).
 */

/** A mutation as it travels on the push wire (content unchecked, like a tablet may send it). */
export interface WireMutation {
  deviceId: string;
  seq: number;
  entity: EntityName;
  id: string;
  changes: Record<string, unknown>;
  baseVersions: Record<string, number>;
  hlc: string;
  at: number;
}

/** An enrolled tablet as the server knows it. */
export interface RawTablet {
  deviceId: string;
  token: string;
}

/**
 * A hand-made mutation; base versions default to 0 for every changed field.
 *
 * @example
 *   edit(t, 1, 'verification', verificationId(a, 1), { notes: 'SK ada' })
 */
export function edit(
  t: RawTablet,
  seq: number,
  entity: EntityName,
  id: string,
  changes: Record<string, unknown>,
  base?: Record<string, number>,
): WireMutation {
  const at = Date.UTC(2023, 9, 2, 2, 0, 0) + seq * 1000;
  return {
    deviceId: t.deviceId,
    seq,
    entity,
    id,
    changes,
    baseVersions: base ?? Object.fromEntries(Object.keys(changes).map((f) => [f, 0])),
    hlc: encodeHlc({ ms: at, counter: 0, node: t.deviceId }),
    at,
  };
}

/** Enrol a tablet for a verifier through the API (the server issues its device id). */
export async function enrolRaw(
  h: Pick<SyncHarness, 'call' | 'base'>,
  verifierId: string,
  label = 'Tablet uji',
): Promise<RawTablet> {
  const coordinator = await h.base.login('coordinator');
  const e = await h.call('POST', `/api/verifiers/${verifierId}/enrolments`, {
    token: coordinator,
  });
  if (e.status !== 201) throw new Error(`enrolment code: ${e.status} ${e.text}`);
  const d = await h.call('POST', '/api/devices/enrol', { json: { code: e.body.code, label } });
  if (d.status !== 201) throw new Error(`enrol: ${d.status} ${d.text}`);
  return { deviceId: d.body.device.id, token: d.body.token };
}

/** POST /api/sync/push with these mutations, as the tablet `t`. */
export function pushRaw(
  h: Pick<SyncHarness, 'call'>,
  t: RawTablet,
  mutations: WireMutation[],
  lang?: string,
): Promise<CallResult> {
  return h.call('POST', '/api/sync/push', {
    token: t.token,
    json: { deviceId: t.deviceId, mutations },
    ...(lang ? { lang } : {}),
  });
}

/** The outcome of each result of a push answer, `seq:outcome`. */
export function outcomes(r: CallResult): string[] {
  return (r.body.results as { seq: number; outcome: string }[]).map((x) => `${x.seq}:${x.outcome}`);
}

/** Each result of a push answer as `[seq, outcome, duplicate]` (was it handled before?). */
export function handled(r: CallResult): [number, string, boolean][] {
  return (r.body.results as { seq: number; outcome: string; duplicate: boolean }[]).map((x) => [
    x.seq,
    x.outcome,
    x.duplicate,
  ]);
}

/** The value of one field of a record as the server holds it (latest in the audit trail). */
export async function serverValue(
  h: Pick<SyncHarness, 'call' | 'base'>,
  assessmentId: string,
  recordId: string,
  field: string,
): Promise<unknown> {
  const coordinator = await h.base.login('coordinator');
  const r = await h.call('GET', `/api/assessments/${assessmentId}/audit`, { token: coordinator });
  if (r.status !== 200) throw new Error(`audit: ${r.status} ${r.text}`);
  const hits = (r.body.entries as { recordId: string; field: string; value: unknown }[]).filter(
    (e) => e.recordId === recordId && e.field === field,
  );
  return hits.length > 0 ? hits[hits.length - 1]?.value : undefined;
}

/**
 * Hold the push of device `deviceId` open inside its transaction until `release()`:
 * at `beforePushCommit` its changes are written, the change-log lock is held and nothing is
 * committed; at `beforePushFlush` every mutation is decided (its records locked) and no
 * change-log row is written yet. `inside` resolves once it is held. Uses the sync service's
 * test hook of that name; clear it when done.
 */
export function holdPush(
  services: {
    sync: {
      hooks: {
        beforePushCommit?: (deviceId: string) => Promise<void>;
        beforePushFlush?: (deviceId: string) => Promise<void>;
      };
    };
  },
  deviceId: string,
  where: 'beforePushCommit' | 'beforePushFlush' = 'beforePushCommit',
): { inside: Promise<void>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let entered!: () => void;
  const inside = new Promise<void>((r) => {
    entered = r;
  });
  services.sync.hooks[where] = async (id) => {
    if (id !== deviceId) return;
    entered();
    await gate;
  };
  return { inside, release };
}
