import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { createApp } from '../../../src/server/app';
import { type AppConfig, resolveConfig } from '../../../src/server/config';
import { createServices, type Services } from '../../../src/server/services';
import { edit, enrolRaw, holdPush, outcomes, pushRaw } from '../../helpers/raw-push';
import {
  createServerContext,
  PG_URL,
  requestsTo,
  type ServerContext,
  TEST_CONFIG,
} from '../../helpers/server-context';
import { newTeam } from '../../helpers/sync-harness';

/**
 * Writer timeouts on PostgreSQL: sync write transactions run with lock, statement and
 * idle-in-transaction timeouts, so a process frozen while it holds the change-log writer
 * lock cannot stall every other push. One push is held open inside its transaction (the
 * `beforePushCommit` hook, on its own pooled connection) while another push runs on a
 * second connection.
 *
 * PostgreSQL only: SQLite has one writer (better-sqlite3 one connection, and Kysely
 * serialises its transactions in process), so there is no second connection to stall and
 * no server-side timeout to prove. Skipped when TELUSUR_PG_URL is not set.
 */
describe.skipIf(!PG_URL)('sync write timeouts [postgres]', () => {
  let base: ServerContext;
  beforeAll(async () => {
    base = await createServerContext('postgres');
  });
  afterAll(async () => {
    await base?.close();
  });

  /** Services and an app over the shared database with these writer timeouts. */
  function server(timeouts: Partial<AppConfig>) {
    const config = { ...TEST_CONFIG, ...timeouts };
    const clock = () => base.clock.now;
    const services: Services = createServices({
      db: base.db,
      clock,
      config: resolveConfig(config),
    });
    const app = createApp({ db: base.db, dialect: 'postgres', clock, config, services });
    return { services, call: requestsTo(app) };
  }

  async function tablets() {
    const team = await newTeam(base.services, base, { verifiers: 2 });
    const h = { call: base.call, base };
    const a = await enrolRaw(h, team.verifiers[0]?.id as string, 'Tablet beku');
    const b = await enrolRaw(h, team.verifiers[1]?.id as string, 'Tablet lain');
    return { assessment: team.assessmentIds[0] as string, a, b };
  }

  // The writer lock is one advisory lock per database, so test files running at the same
  // time in other schemas contend for it too: only the push under test gets a short lock
  // timeout (through its own server); the others use the default.

  it('answers a push waiting behind a held writer lock with a retryable 503 server_busy, not a hang or a 500', async () => {
    const s = server({});
    const impatient = server({ syncLockTimeoutMs: 200 });
    const { assessment, a, b } = await tablets();
    const held = holdPush(s.services, a.deviceId);
    try {
      const pushA = pushRaw(s, a, [
        edit(a, 1, 'verification', verificationId(assessment, 1), { notes: 'dari A' }),
      ]);
      await held.inside;
      const mineB = [
        edit(b, 1, 'verification', verificationId(assessment, 2), { notes: 'dari B' }),
      ];
      const busy = await pushRaw(impatient, b, mineB);
      expect(busy.status).toBe(503);
      expect(busy.body.code).toBe('server_busy');
      expect(busy.body.message).toContain('sibuk');
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const en = await pushRaw(impatient, b, mineB, 'en');
      expect([en.status, en.body.message]).toEqual([503, expect.stringContaining('busy')]);
      held.release();
      expect(outcomes(await pushA)).toEqual(['1:applied']);
      // Nothing of B was kept by the refused attempts: the retry applies it.
      const retry = await pushRaw(s, b, mineB);
      expect([retry.status, outcomes(retry)]).toEqual([200, ['1:applied']]);
    } finally {
      held.release();
      s.services.sync.hooks.beforePushCommit = undefined;
    }
  });

  it('cuts off a frozen push holding the writer lock so other pushes go on; the frozen one answers 503 and keeps nothing', async () => {
    const s = server({ syncIdleInTransactionTimeoutMs: 1000 });
    // Waits for the lock as long as it takes: only the idle-in-transaction timeout frees it.
    const patient = server({ syncLockTimeoutMs: 60_000 });
    const { assessment, a, b } = await tablets();
    const held = holdPush(s.services, a.deviceId);
    const mineA = [edit(a, 1, 'verification', verificationId(assessment, 3), { notes: 'beku' })];
    try {
      const pushA = pushRaw(s, a, mineA);
      await held.inside;
      // The frozen process never resumes on its own; B still gets through.
      const rb = await pushRaw(patient, b, [
        edit(b, 1, 'verification', verificationId(assessment, 4), { notes: 'jalan terus' }),
      ]);
      expect([rb.status, outcomes(rb)]).toEqual([200, ['1:applied']]);
      held.release();
      const ra = await pushA;
      expect([ra.status, ra.body.code]).toEqual([503, 'server_busy']);
    } finally {
      held.release();
      s.services.sync.hooks.beforePushCommit = undefined;
    }
    // The frozen push's transaction was rolled back: its change is applied only when resent.
    const again = await pushRaw(s, a, mineA);
    expect([again.status, again.body.appliedThrough, outcomes(again)]).toEqual([
      200,
      1,
      ['1:applied'],
    ]);
    // The server stays healthy (the lost connection did not take the process down).
    expect((await s.call('GET', '/api/health')).status).toBe(200);
  });
});
