import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mutation, PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../../src/core';
import {
  childEnv,
  createDeployment,
  type Deployment,
  LAUNCHER,
  login,
  PKG,
  run,
  type Server,
  startServer,
  stop,
} from '../../helpers/deployment';
import { fieldWork } from '../../helpers/field-work';
import { lines, pgUrl, scratchDatabase } from '../../helpers/ops-cli';
import { PG_URL } from '../../helpers/server-context';
import { enrolTablet, httpCall } from '../../helpers/sync-harness';

// Issue 16's proof: the whole path a Pemda's IT staff take, on a fresh data directory (or a
// fresh PostgreSQL database), with the compiled production build and plain `node`:
// build → start → first coordinator by CLI → log in over HTTP → organisation → units from the
// template CSV → period, verifier, assignment → enrol a tablet → push and upload → back up
// while the tablet keeps pushing → stop → restore into a new directory/database → start →
// every change acknowledged before the backup and every evidence file is there, served over HTTP.

const ADMIN_EMAIL = 'kominfo@makassar.go.id';
const ADMIN_PASSWORD = 'sandi-koordinator-makassar-2026';

/** pg_dump is what a PostgreSQL backup needs; CI has it (and requires PostgreSQL). */
const PG_DUMP = spawnSync('pg_dump', ['--version']).status === 0;

let deployment: Deployment;

beforeAll(() => {
  // The real `npm run build` output: the PWA and the compiled server.
  deployment = createDeployment({ kind: 'full' });
}, 240_000);

afterAll(() => deployment?.cleanup());

interface Target {
  /** Database settings of the server and every command. */
  env: Record<string, string>;
  dataDir: string;
  drop(): Promise<void>;
}

type TargetFactory = (label: string) => Promise<Target>;

/** SQLite: a data directory that does not exist yet. */
const sqliteTarget: TargetFactory = async (label) => {
  const dataDir = join(deployment.freshDir(label), 'data');
  return { env: { DATA_DIR: dataDir }, dataDir, drop: async () => {} };
};

/** PostgreSQL: a new empty database (evidence files still live under DATA_DIR). */
const postgresTarget: TargetFactory = async (label) => {
  const db = await scratchDatabase(PG_URL as string);
  const dataDir = join(deployment.freshDir(label), 'data');
  return {
    env: { DATABASE_URL: pgUrl(PG_URL as string, 'public', db.name), DATA_DIR: dataDir },
    dataDir,
    drop: () => db.drop(),
  };
};

function goingLive(dialect: 'sqlite' | 'postgres', newTarget: TargetFactory): void {
  const targets: Target[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await stop(s).catch(() => undefined);
    for (const t of targets) await t.drop().catch(() => undefined);
  });

  it('build, start, first coordinator, units, tablet, backup while pushing, restore, start: everything is there', async () => {
    const source = await newTarget('source');
    targets.push(source);
    const env = (t: Target, extra: Record<string, string> = {}) =>
      childEnv({
        NODE_ENV: 'production',
        TELUSUR_SERVER_OUT: deployment.out,
        ...t.env,
        ...extra,
      });
    const cli = (t: Target, args: string[], extra: Record<string, string> = {}) =>
      run([LAUNCHER, ...args], env(t, extra), deployment.freshDir('cwd'));

    // Start the compiled server on the empty target: no demo, the PWA served.
    const server = await startServer([LAUNCHER, 'main'], env(source), deployment.freshDir('cwd'));
    servers.push(server);
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health).toMatchObject({ ok: true, dialect, version: PKG.version });
    expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('<title>');
    expect((await fetch(`${server.url}/sw.js`)).status).toBe(200);

    // The first coordinator, by CLI; the password is never printed.
    const created = await cli(
      source,
      ['admin-cli', 'create-coordinator', '--email', ADMIN_EMAIL, '--name', 'Koordinator SPBE'],
      { TELUSUR_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(created.out + created.err).not.toContain(ADMIN_PASSWORD);
    // It names the database it wrote, so a command run without the server's settings shows.
    expect(created.out).toContain(dialect === 'sqlite' ? source.dataDir : 'postgres://');

    // The organisation, by CLI: a Pemda in Makassar keeps its times in WITA.
    const organised = await cli(source, [
      'admin-cli',
      'set-organisation',
      '--name',
      'Pemerintah Kota Makassar',
      '--kind',
      'kota',
      '--zone',
      'WITA',
    ]);
    expect(organised.err).toBe('');
    expect(organised.code).toBe(0);

    // Log in over HTTP.
    const call = httpCall(server.url);
    const session = await login(server.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(session.status).toBe(200);
    const coordinator = session.body.token as string;

    // Units from the template CSV the units page offers.
    const template = await call('GET', '/api/units/template.csv', { token: coordinator });
    expect(template.status).toBe(200);
    const imported = await call('POST', '/api/units/import', {
      token: coordinator,
      json: { csv: template.text },
    });
    expect(imported.status).toBe(200);
    const units = (await call('GET', '/api/units', { token: coordinator })).body.units as {
      id: string;
      code: string;
      kind: string;
    }[];
    expect(units.length).toBeGreaterThan(1);
    const unit = units.find((u) => u.kind !== 'pemda') ?? units[0];

    // A period, a verifier, an assignment.
    const period = await call('POST', '/api/periods', {
      token: coordinator,
      json: {
        name: 'Evaluasi Pemdi 2026',
        year: 2026,
        frameworkId: 'pemdi-2026',
        targetIndex: 3,
        status: 'active',
      },
    });
    expect(period.status).toBe(201);
    const verifier = await call('POST', '/api/verifiers', {
      token: coordinator,
      json: { email: 'verifikator@makassar.go.id', name: 'Verifikator Lapangan' },
    });
    expect(verifier.status).toBe(201);
    const assigned = await call('POST', '/api/assignments', {
      token: coordinator,
      json: { periodId: period.body.id, verifierId: verifier.body.id, unitIds: [unit?.id] },
    });
    expect(assigned.status).toBe(201);

    // Enrol a tablet; it pulls its assignment.
    const tablet = await enrolTablet(call, coordinator, verifier.body.id, 'Tablet Kecamatan');
    const field = await fieldWork(tablet, server.url);
    const { assessmentId, issued } = field;

    // The tablet keeps working (values, notes, photos) while the backup runs.
    field.start(20);
    await field.untilAcks(4);
    const ackedBefore = field.ackedThrough();
    const heldBefore = (
      await call('GET', `/api/sync/receipt/${assessmentId}`, { token: coordinator })
    ).body.hashes as string[];
    const acksAtStart = field.acks();
    const archive = join(deployment.freshDir('backups'), 'telusur.tar.gz');
    const backup = await cli(source, ['backup-cli', '--out', archive]);
    await field.untilAcks(acksAtStart + 2);
    await field.stop();
    expect(backup.err).toBe('');
    expect(backup.code).toBe(0);
    expect(lines(backup.out)).toHaveLength(1);
    expect(heldBefore.length).toBeGreaterThan(0);

    // Stop: graceful, exit 0.
    expect(await stop(server)).toBe(0);

    // Restore into a new directory / database, and start there.
    const restoredTarget = await newTarget('restored');
    targets.push(restoredTarget);
    const restored = await cli(restoredTarget, ['restore-cli', archive]);
    expect(restored.err).toBe('');
    expect(restored.code).toBe(0);
    const again = await startServer(
      [LAUNCHER, 'main'],
      env(restoredTarget),
      deployment.freshDir('cwd'),
    );
    servers.push(again);
    const call2 = httpCall(again.url);

    // Everything is there: the coordinator's login, units, period, assignment ...
    const session2 = await login(again.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(session2.status).toBe(200);
    const token2 = session2.body.token as string;
    const units2 = (await call2('GET', '/api/units', { token: token2 })).body.units as {
      code: string;
    }[];
    expect(units2.map((u) => u.code).sort()).toEqual(units.map((u) => u.code).sort());
    const org2 = await call2('GET', '/api/organisation', { token: token2 });
    expect(org2.body).toMatchObject({
      configured: true,
      name: 'Pemerintah Kota Makassar',
      zone: 'WITA',
    });
    const periods2 = (await call2('GET', '/api/periods', { token: token2 })).body;
    expect(JSON.stringify(periods2)).toContain('Evaluasi Pemdi 2026');
    const assignments2 = await call2('GET', `/api/assignments?periodId=${period.body.id}`, {
      token: token2,
    });
    expect(JSON.stringify(assignments2.body)).toContain(verifier.body.id);

    // ... every field of every change acknowledged before the backup started ...
    const audit = await call2('GET', `/api/assessments/${assessmentId}/audit`, { token: token2 });
    expect(audit.status).toBe(200);
    const logged = new Set(
      (
        audit.body.entries as {
          field: string;
          deviceSeq: number | null;
          device: { id: string } | null;
        }[]
      )
        .filter((e) => e.device?.id === tablet.deviceId)
        .map((e) => `${e.deviceSeq}:${e.field}`),
    );
    const acked = [...issued.byKey.values()].filter(
      (m: Mutation) => m.deviceId === tablet.deviceId && m.seq <= ackedBefore,
    );
    expect(acked.length).toBeGreaterThan(0);
    const lost = acked.flatMap((m) =>
      Object.keys(m.changes)
        .filter((f) => !logged.has(`${m.seq}:${f}`))
        .map((f) => `${m.seq}:${m.entity}.${f}`),
    );
    expect(lost).toEqual([]);

    // ... and every evidence file the server held then, downloadable with its bytes intact.
    const receipt2 = await call2('GET', `/api/sync/receipt/${assessmentId}`, { token: token2 });
    expect(receipt2.body.hashes).toEqual(expect.arrayContaining(heldBefore));
    for (const sha of heldBefore) {
      const r = await fetch(`${again.url}/api/files/by-hash/${sha}`, {
        headers: { authorization: `Bearer ${token2}`, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      });
      expect(r.status, sha).toBe(200);
      const bytes = new Uint8Array(await r.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    }
    expect(await stop(again)).toBe(0);
  }, 300_000);
}

describe('going live on SQLite: the whole path with the production build', () => {
  goingLive('sqlite', sqliteTarget);
});

// PostgreSQL needs a server (TELUSUR_PG_URL; CI requires it) and pg_dump for the backup.
describe.skipIf(!PG_URL || !PG_DUMP)(
  'going live on PostgreSQL: the whole path with the production build',
  () => {
    goingLive('postgres', postgresTarget);
  },
);
