/**
 * The real server (createApp on an SQLite file, demo seed, @hono/node-server on a free
 * loopback port) in this process, as the pull and slow-link modules set it up, with the
 * demo coordinator logged in. Production settings except the password-hash cost, which only
 * slows the set-up logins.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { listIndicators, PROTOCOL_HEADER, PROTOCOL_VERSION, spbe2020 } from '../../src/core';
import { createApp, prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, PEMDA_CODE, seedDemo } from '../../src/server/seed';
import { createServices, type Services } from '../../src/server/services';
import { TMP } from './paths';

/** A running demo server (DemoServer.close stops it and removes its files). */
export interface DemoServer {
  services: Services;
  /** The seeded demo period's id. */
  periodId: string;
  /** Loopback port the server listens on. */
  port: number;
  /** The demo coordinator's bearer token and account id. */
  coordinatorToken: string;
  coordinatorId: string;
  /** The demo Pemda's unit id (the root of the unit tree). */
  pemdaId: string;
  /**
   * A set-up call straight to the app (no network, no link emulation): JSON in and out.
   * @throws Error naming method, path, status and body on any status ≥ 300.
   */
  call<T>(method: string, path: string, token?: string, json?: unknown): Promise<T>;
  /**
   * A new verifier assigned a new OPD unit (under the demo Pemda) in the demo period, with a
   * self-assessed level 1–5 on each of the 47 SPBE 2020 indicators.
   */
  verifierWithUnit(names: {
    email: string;
    name: string;
    unitCode: string;
    unitName: string;
  }): Promise<{ verifierId: string; unitId: string }>;
  /**
   * Enrol a tablet of `verifierId` whose store proposes `deviceId`: the server's enrolment
   * answer (the device id it issued, which the store must adopt, and the bearer token).
   */
  enrol(
    verifierId: string,
    deviceId: string,
    label: string,
  ): Promise<{ token: string; device: { id: string } }>;
  close(): Promise<void>;
}

/** Start the demo server in a fresh folder under bench/tmp named after `module`. */
export async function startDemoServer(module: string): Promise<DemoServer> {
  const dir = join(TMP, `${module}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const handle = openDatabase({ sqliteFile: join(dir, 'server.sqlite') });
  const blobDir = join(dir, 'blobs');
  const config = { scrypt: { N: 1024, r: 8, p: 1 }, version: 'bench' };
  await prepareDatabase(handle.db);
  const services = createServices({
    db: handle.db,
    clock: Date.now,
    config: resolveConfig(config),
    blobDir,
  });
  const demo = await seedDemo(services, { nodeEnv: 'test' });
  const app = createApp({ db: handle.db, dialect: 'sqlite', config, services, blobDir });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const close = async () => {
    server.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const call = async <T>(
    method: string,
    path: string,
    token?: string,
    json?: unknown,
  ): Promise<T> => {
    const res = await app.request(path, {
      method,
      headers: {
        [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (res.status >= 300)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
    return body as T;
  };
  try {
    const { token } = await call<{ token: string }>('POST', '/api/auth/login', undefined, {
      email: DEMO_ACCOUNTS[0].email,
      password: DEMO_PASSWORD,
    });
    const me = await call<{ account: { id: string } }>('GET', '/api/me', token);
    const pemda = (await services.units.tree()).find((u) => u.code === PEMDA_CODE);
    if (!pemda) throw new Error('demo pemda missing');
    const verifierWithUnit: DemoServer['verifierWithUnit'] = async (names) => {
      const verifier = await services.accounts.create({
        email: names.email,
        name: names.name,
        role: 'verifier',
      });
      const unit = await services.units.create({
        code: names.unitCode,
        name: names.unitName,
        kind: 'opd',
        parentId: pemda.id,
      });
      await services.selfAssessments.put(
        demo.periodId,
        unit.id,
        listIndicators(spbe2020).map((ind, k) => ({
          indicatorNo: ind.no,
          level: 1 + (k % 5),
          justification: `Mandiri ${ind.no}`,
        })),
        me.account.id,
      );
      await services.assignments.create(
        { periodId: demo.periodId, verifierId: verifier.id, unitIds: [unit.id] },
        me.account.id,
      );
      return { verifierId: verifier.id, unitId: unit.id };
    };
    const enrol: DemoServer['enrol'] = async (verifierId, deviceId, label) => {
      const { code } = await call<{ code: string }>(
        'POST',
        `/api/verifiers/${verifierId}/enrolments`,
        token,
      );
      return call('POST', '/api/devices/enrol', undefined, { code, label, deviceId });
    };
    return {
      verifierWithUnit,
      enrol,
      services,
      periodId: demo.periodId,
      port: (server.address() as { port: number }).port,
      coordinatorToken: token,
      coordinatorId: me.account.id,
      pemdaId: pemda.id,
      call,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
