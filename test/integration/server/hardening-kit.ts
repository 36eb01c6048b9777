import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHlc, uuidv7 } from '../../../src/core';
import { createApp } from '../../../src/server/app';
import { type AppConfig, resolveConfig } from '../../../src/server/config';
import { TusEndpoint } from '../../../src/server/http/tus';
import { PEMDA_CODE } from '../../../src/server/seed';
import { createServices, type Services } from '../../../src/server/services';
import {
  type CallOptions,
  type CallResult,
  requestsTo,
  type ServerContext,
  T0,
  TEST_CONFIG,
} from '../../helpers/server-context';
import { createUpload, patchUpload, tus } from '../../helpers/tus';

// The raw tus requests are test/helpers/tus.ts's; the hardening suites take them from here.
export { b64, createUpload, patchUpload, sha, tus } from '../../helpers/tus';

/**
 * Shared by the hardening suites (limits, probing, failures): an app over a suite's database with
 * its own services (so a test can count password checks), its own evidence directory and
 * tus endpoint (so a test can sweep expired uploads), plus raw tus, enrolment and push
 * requests as a tablet sends them.
 */
export interface HardApp {
  app: ReturnType<typeof createApp>;
  services: Services;
  tus: TusEndpoint;
  blobDir: string;
  config: AppConfig;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  dispose(): void;
}

export function hardApp(ctx: ServerContext, config: Partial<AppConfig> = {}): HardApp {
  const blobDir = mkdtempSync(join(tmpdir(), 'telusur-hardening-'));
  const partial = { ...TEST_CONFIG, ...config };
  const resolved = resolveConfig(partial);
  const clock = () => ctx.clock.now;
  const services = createServices({ db: ctx.db, clock, config: resolved, blobDir });
  const tus = new TusEndpoint(resolved, blobDir, services.files);
  const app = createApp({
    db: ctx.db,
    dialect: ctx.dialect,
    clock,
    config: partial,
    services,
    blobDir,
    tus,
  });
  return {
    app,
    services,
    tus,
    blobDir,
    config: resolved,
    call: requestsTo(app),
    dispose() {
      tus.stopCleanup();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

/** Random bytes standing in for a photo (the server never sniffs content). */
/** Random bytes that start like a JPEG (FF D8): the server shows a photo only when it is one. */
export const photo = (n: number) => {
  const b = new Uint8Array(randomBytes(n));
  b.set([0xff, 0xd8].slice(0, n));
  return b;
};

export interface TabletId {
  token: string;
  deviceId: string;
  verifierId: string;
}

/** Enrol a tablet for a verifier the way the app does (coordinator code → tablet enrol). */
export async function enrol(h: HardApp, ctx: ServerContext, verifierId: string, label = 'Tablet') {
  const coordinator = await ctx.login('coordinator');
  const e = await h.call('POST', `/api/verifiers/${verifierId}/enrolments`, { token: coordinator });
  if (e.status !== 201) throw new Error(`enrolment code: ${e.status} ${e.text}`);
  const d = await h.call('POST', '/api/devices/enrol', { json: { code: e.body.code, label } });
  if (d.status !== 201) throw new Error(`enrol: ${d.status} ${d.text}`);
  return { token: d.body.token as string, deviceId: d.body.device.id as string, verifierId };
}

let teamNo = 0;

/** A fresh verifier with its own unit (OPD under the demo pemda) assigned: a scope no one else has. */
export async function freshVerifier(ctx: ServerContext, s: Services) {
  const tag = `${++teamNo}${randomBytes(3).toString('hex')}`;
  const periodId = ctx.demo?.periodId as string;
  const coordinator = await ctx.accountId('coordinator');
  const v = await s.accounts.create({
    email: `keras-${tag}@uji.test`,
    name: `Verifikator ${tag}`,
    role: 'verifier',
  });
  const u = await s.units.create({
    code: `KERAS.${tag}`,
    name: `Unit keras ${tag}`,
    kind: 'opd',
    parentId: await ctx.unitId(PEMDA_CODE),
  });
  await s.assignments.create({ periodId, verifierId: v.id, unitIds: [u.id] }, coordinator);
  const a = (await s.assignments.list({ periodId })).find((x) => x.unitId === u.id);
  return { verifierId: v.id, unitId: u.id, assessmentId: a?.assessmentId as string };
}

/** Upload a whole file in one PATCH; throws unless the server kept it. */
export async function uploadWhole(h: HardApp, t: TabletId, bytes: Uint8Array): Promise<void> {
  const send = tus(h, t.token);
  const created = await createUpload(send, bytes);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const done = await patchUpload(send, created.headers.get('location') as string, 0, bytes);
  if (done.status !== 204) throw new Error(`patch: ${done.status} ${await done.text()}`);
}

const seqs = new Map<string, number>();

/**
 * Push one new evidence record from a tablet, as its outbox would send it (next seq of
 * that device). Returns the push response and the record id.
 */
export async function pushEvidence(
  h: HardApp,
  t: TabletId,
  e: { assessmentId: string; sha256: string; name: string; mime?: string; bytes: number },
) {
  const seq = (seqs.get(t.deviceId) ?? 0) + 1;
  seqs.set(t.deviceId, seq);
  const id = uuidv7(T0 + seq);
  const at = T0 + seq * 1000;
  const changes = {
    assessmentId: e.assessmentId,
    indicatorNo: 1,
    sha256: e.sha256,
    name: e.name,
    mime: e.mime ?? 'image/jpeg',
    bytes: e.bytes,
    width: null,
    height: null,
    capturedAt: at,
    location: null,
    deleted: false,
  };
  const r = await h.call('POST', '/api/sync/push', {
    token: t.token,
    json: {
      deviceId: t.deviceId,
      mutations: [
        {
          deviceId: t.deviceId,
          seq,
          entity: 'evidenceFile',
          id,
          changes,
          baseVersions: Object.fromEntries(Object.keys(changes).map((k) => [k, 0])),
          hlc: encodeHlc({ ms: at, counter: 0, node: t.deviceId }),
          at,
        },
      ],
    },
  });
  if (r.status !== 200) throw new Error(`push: ${r.status} ${r.text}`);
  return { id, response: r.body };
}

/** Every change a tablet can pull from cursor 0 (all pages). */
export async function pullAll(h: HardApp, t: TabletId) {
  const changes: { entity: string; id: string; fields: Record<string, unknown> }[] = [];
  let cursor = 0;
  for (let i = 0; i < 100; i++) {
    const r = await h.call('GET', `/api/sync/pull?cursor=${cursor}`, { token: t.token });
    if (r.status !== 200) throw new Error(`pull: ${r.status} ${r.text}`);
    changes.push(...r.body.changes);
    cursor = r.body.cursor;
    if (!r.body.hasMore) break;
  }
  return changes;
}
