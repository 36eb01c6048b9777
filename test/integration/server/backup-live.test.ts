import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Mutation } from '../../../src/core';
import { openDatabase } from '../../../src/server/db/connect';
import { type FieldTarget, fieldTarget, fieldWork } from '../../helpers/field-work';
import { blobIntact, lines, pgUrl, runCli, scratchDatabase } from '../../helpers/ops-cli';
import { DIALECTS, PG_URL } from '../../helpers/server-context';
import { enrolTablet, httpCall } from '../../helpers/sync-harness';
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopGently,
} from '../../helpers/sync-process';

/**
 * `npm run backup` while a tablet keeps pushing edits and uploading photos to the real
 * server process (SQLite file in a temp DATA_DIR, or a PostgreSQL schema), then
 * `npm run restore` into a fresh target: every change whose push the server acknowledged
 * before the backup started is in the restored database, every photo it held then is in
 * the restored BLOB_DIR with the right hash, every file the restored database records is
 * there, and the server starts on the restored data and serves it.
 */

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !PG_URL)(`backup during pushes [${dialect}]`, () => {
    let source: FieldTarget | null = null;
    let target: { drop(): Promise<void> } | null = null;
    const servers: ServerProcess[] = [];

    afterAll(async () => {
      for (const s of servers) await stopGently(s).catch(() => undefined);
      await target?.drop();
      await source?.cleanup();
    });

    it('restores every acknowledged change and every held file', async () => {
      source = await fieldTarget(dialect, 'cadangan');
      const { work, env, schema, verifierId, coordinator: coordinatorLogin } = source;

      const server = await startServerProcess(env, await freePort());
      servers.push(server);
      const call = httpCall(server.url);
      const login = await call('POST', '/api/auth/login', {
        json: coordinatorLogin,
      });
      const coordinator = login.body.token as string;
      const tablet = await enrolTablet(call, coordinator, verifierId, 'Tablet lapangan');
      const field = await fieldWork(tablet, server.url);
      const { assessmentId, issued } = field;

      // Some pushes and photos in, then the backup while the tablet keeps going.
      field.start(10);
      await field.untilAcks(4);
      const ackedBefore = field.ackedThrough();
      const receiptBefore = await call('GET', `/api/sync/receipt/${assessmentId}`, {
        token: coordinator,
      });
      const heldBefore = receiptBefore.body.hashes as string[];
      const acksAtStart = field.acks();
      const archive = join(work, 'telusur.tar.gz');
      const backup = await runCli('backup', ['--out', archive], env);
      // Keep pushing a little past the backup, so the source moved on from the copy.
      await field.untilAcks(acksAtStart + 3);
      await field.stop();
      expect(backup.err).toBe('');
      expect(backup.code).toBe(0);
      expect(lines(backup.out)).toHaveLength(1);
      expect(backup.out).toContain('backup written');
      expect(heldBefore.length).toBeGreaterThan(0);
      await stopGently(server);

      // Restore into a fresh target: an absent DATA_DIR, or a new database.
      const restoredData = join(work, 'restored');
      const renv: Record<string, string> = {
        DATA_DIR: restoredData,
        NODE_ENV: 'development',
        STATIC_DIR: join(work, 'no-pwa'),
      };
      if (dialect === 'postgres') {
        const db = await scratchDatabase(PG_URL as string);
        target = db;
        renv.DATABASE_URL = pgUrl(PG_URL as string, schema, db.name);
      }
      const restore = await runCli('restore', [archive], renv);
      expect(restore.err).toBe('');
      expect(restore.code).toBe(0);
      expect(lines(restore.out)).toHaveLength(1);

      const restored =
        dialect === 'sqlite'
          ? openDatabase({ sqliteFile: join(restoredData, 'telusur.sqlite') })
          : openDatabase({ databaseUrl: renv.DATABASE_URL, pgPoolSize: 2 });
      const blobDir = join(restoredData, 'files');
      try {
        // Every field of every mutation acknowledged before the backup started.
        const acked = [...issued.byKey.values()].filter(
          (m: Mutation) => m.deviceId === tablet.deviceId && m.seq <= ackedBefore,
        );
        expect(acked.length).toBeGreaterThan(0);
        const logged = await restored.db
          .selectFrom('changes')
          .select(['deviceSeq', 'field'])
          .where('deviceId', '=', tablet.deviceId)
          .execute();
        const have = new Set(logged.map((c) => `${Number(c.deviceSeq)}:${c.field}`));
        const lost = acked.flatMap((m) =>
          Object.keys(m.changes)
            .filter((f) => !have.has(`${m.seq}:${f}`))
            .map((f) => `${m.seq}:${m.entity}.${f}`),
        );
        expect(lost).toEqual([]);

        // Every photo the server held before the backup, and every file the database records.
        const recorded = (await restored.db.selectFrom('files').select('sha256').execute()).map(
          (r) => r.sha256,
        );
        expect(recorded).toEqual(expect.arrayContaining(heldBefore));
        expect(recorded.filter((sha) => !blobIntact(blobDir, sha))).toEqual([]);
      } finally {
        await restored.close();
      }

      // The server starts on the restored data and serves the restored evidence.
      const again = await startServerProcess(renv, await freePort());
      servers.push(again);
      const call2 = httpCall(again.url);
      const login2 = await call2('POST', '/api/auth/login', {
        json: coordinatorLogin,
      });
      expect(login2.status).toBe(200);
      const receipt = await call2('GET', `/api/sync/receipt/${assessmentId}`, {
        token: login2.body.token,
      });
      expect(receipt.body.hashes).toEqual(expect.arrayContaining(heldBefore));
      await stopGently(again);
    }, 180_000);
  });
}
