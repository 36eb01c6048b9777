/**
 * Child process of bench module 4: the real server (createApp over Kysely) on a fresh
 * database, seeded with the demo, with one verifier assigned to N units and N tablets
 * enrolled. Prints one JSON line {port, devices: [{deviceId, token, assessmentId}]} on stdout,
 * then serves on 127.0.0.1 until killed.
 *
 *   node --import tsx bench/lib/ingest-server.ts <sqlite-file | postgres://…> <pg-schema | -> <devices> <blob-dir>
 */
import { serve } from '@hono/node-server';
import { createApp, prepareDatabase } from '../../src/server/app';
import { resolveConfig } from '../../src/server/config';
import { openDatabase } from '../../src/server/db/connect';
import { DEMO_ACCOUNTS, seedDemo } from '../../src/server/seed';
import { createServices } from '../../src/server/services';

const [target = '', schema = '-', devicesArg = '8', blobDir = ''] = process.argv.slice(2);
const N = Number(devicesArg);
const postgres = /^postgres(ql)?:\/\//.test(target);
const handle = openDatabase(
  postgres ? { databaseUrl: target, pgSchema: schema, pgPoolSize: 10 } : { sqliteFile: target },
);
// Production settings except the password hash cost, which only slows the setup logins.
const config = { scrypt: { N: 1024, r: 8, p: 1 }, version: 'bench' };
await prepareDatabase(handle.db);
const services = createServices({
  db: handle.db,
  clock: Date.now,
  config: resolveConfig(config),
  blobDir,
});
const demo = await seedDemo(services, { nodeEnv: 'test' });
const coordinator = await handle.db
  .selectFrom('accounts')
  .select('id')
  .where('email', '=', DEMO_ACCOUNTS[0].email)
  .executeTakeFirstOrThrow();
const verifier = (await services.accounts.listVerifiers()).find(
  (v) => v.email === DEMO_ACCOUNTS[2].email,
);
if (!verifier) throw new Error('demo verifier missing');
const units = (await services.units.tree()).slice(0, N);
const { assignments } = await services.assignments.create(
  { periodId: demo.periodId, verifierId: verifier.id, unitIds: units.map((u) => u.id) },
  coordinator.id,
);
const devices: { deviceId: string; token: string; assessmentId: string }[] = [];
for (let i = 0; i < N; i++) {
  const ticket = await services.devices.createEnrolment(verifier.id, coordinator.id);
  const r = await services.devices.enrol(ticket.code, `Bench ${i + 1}`, `bench-${i}`);
  const a = assignments[i];
  if (!a) throw new Error(`only ${assignments.length} assignments`);
  devices.push({ deviceId: r.device.id, token: r.token, assessmentId: a.assessmentId });
}
const app = createApp({ db: handle.db, dialect: handle.dialect, config, services, blobDir });
// Exit cleanly on SIGTERM (so `--cpu-prof` can write its profile when someone profiles this).
process.on('SIGTERM', () => {
  void handle.close().finally(() => process.exit(0));
});
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, devices })}\n`);
});
