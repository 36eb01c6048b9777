import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/server/db/connect';
import { type FieldTarget, fieldTarget } from '../../helpers/field-work';
import { lines, pgUrl, runCli, scratchDatabase, sha256 as sha256Of } from '../../helpers/ops-cli';
import { DIALECTS, PG_URL } from '../../helpers/server-context';
import {
  enrolTablet,
  httpCall,
  photoBytes,
  syncHard,
  tabletEngine,
} from '../../helpers/sync-harness';
import {
  freePort,
  type ServerProcess,
  startServerProcess,
  stopGently,
} from '../../helpers/sync-process';

/**
 * The server is restored from a backup while tablets go on: real server processes (SQLite
 * file or PostgreSQL schema), `npm run backup` / `npm run restore` as child processes, and
 * the real tablet sync engine. After the restore, the tablet that pushed past the backup
 * syncs again: the server gets back every change it had acknowledged (and the photo), the
 * tablet receives what another tablet wrote on the restored server (change-log positions it
 * had already passed on the old server), a concurrent edit of one field is a conflict, and
 * the sync history says what happened. A tablet enrolled after the backup is told to enrol
 * again and keeps its data.
 */

for (const dialect of DIALECTS) {
  describe.skipIf(dialect === 'postgres' && !PG_URL)(
    `server restored from a backup [${dialect}]`,
    () => {
      let source: FieldTarget | null = null;
      let target: { drop(): Promise<void> } | null = null;
      const servers: ServerProcess[] = [];

      afterAll(async () => {
        for (const s of servers) await stopGently(s).catch(() => undefined);
        await target?.drop();
        await source?.cleanup();
      });

      it('tablets re-base: nothing acknowledged is lost, nothing is skipped or overwritten silently', async () => {
        source = await fieldTarget(dialect, 'pulih');
        const { work, env, schema, verifierId, coordinator: coordinatorLogin } = source;

        // --- Before the backup: tablets A and B enrolled and synced, some shared history.
        const server = await startServerProcess(env, await freePort());
        servers.push(server);
        const call = httpCall(server.url);
        const coordinator = (
          await call('POST', '/api/auth/login', {
            json: coordinatorLogin,
          })
        ).body.token as string;
        const a = await enrolTablet(call, coordinator, verifierId, 'Tablet A');
        const b = await enrolTablet(call, coordinator, verifierId, 'Tablet B');
        const engineA = tabletEngine(a, fetch, { baseUrl: server.url, uploads: true });
        await syncHard(engineA);
        const assessmentId = (await a.store.assessments.list())[0]?.id as string;
        expect(assessmentId).toBeTruthy();
        await a.store.verifications.update(assessmentId, 1, { verifiedLevel: 2, notes: 'v1 awal' });
        await a.store.verifications.update(assessmentId, 3, { notes: 'v3 awal' });
        await syncHard(engineA);
        await syncHard(tabletEngine(b, fetch, { baseUrl: server.url, uploads: true }));
        const first = (await a.store.syncLog.read()).entries.length;
        expect(first).toBeGreaterThan(0);

        const archive = join(work, 'telusur.tar.gz');
        const backup = await runCli('backup', ['--out', archive], env);
        expect(backup.code, backup.err).toBe(0);

        // --- After the backup: A pushes more (acknowledged) and uploads a photo; then one
        // more edit stays unsent. Tablet C is enrolled and syncs.
        await a.store.verifications.update(assessmentId, 1, { notes: 'v1 setelah cadangan' });
        await a.store.verifications.update(assessmentId, 2, { verifiedLevel: 3, notes: 'v2 baru' });
        await a.store.verifications.update(assessmentId, 3, { notes: 'v3 dari A' });
        const photo = photoBytes(80_000);
        const photoSha = sha256Of(photo);
        await a.store.evidence.add({
          assessmentId,
          indicatorNo: 2,
          blob: new Blob([photo], { type: 'image/jpeg' }),
          name: 'bukti-v2.jpg',
          width: 1024,
          height: 768,
          location: null,
        });
        await syncHard(engineA);
        expect(await a.store.outbox.count()).toBe(0);
        const held = await call('GET', `/api/sync/receipt/${assessmentId}`, { token: coordinator });
        expect(held.body.hashes).toContain(photoSha);
        await a.store.verifications.update(assessmentId, 4, { verifiedLevel: 4 });

        const c = await enrolTablet(call, coordinator, verifierId, 'Tablet C');
        const engineC = tabletEngine(c, fetch, { baseUrl: server.url, uploads: true });
        await syncHard(engineC);
        await c.store.verifications.update(assessmentId, 6, { notes: 'catatan C' });
        await stopGently(server);

        // --- Restore into a fresh target and start the server on it.
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
        expect(restore.out).toMatch(/new incarnation [0-9a-f-]{36}/);
        const again = await startServerProcess(renv, await freePort());
        servers.push(again);
        const call2 = httpCall(again.url);
        const coordinator2 = (
          await call2('POST', '/api/auth/login', {
            json: coordinatorLogin,
          })
        ).body.token as string;

        // --- Tablet B (last synced before the backup) changes things on the restored server:
        // indicator 3's note, which A also changed after the backup (a real concurrent edit),
        // and indicator 5, which nobody else touched.
        const engineB2 = tabletEngine(b, fetch, { baseUrl: again.url, uploads: true });
        await syncHard(engineB2);
        await b.store.verifications.update(assessmentId, 3, { notes: 'v3 dari B' });
        await b.store.verifications.update(assessmentId, 5, { verifiedLevel: 5 });
        await syncHard(engineB2);

        // --- Tablet A syncs with the restored server.
        const engineA2 = tabletEngine(a, fetch, { baseUrl: again.url, uploads: true });
        await syncHard(engineA2);
        await syncHard(engineA2);

        // The server has every change A ever had acknowledged, its unsent edit and its photo.
        const fields = async (indicatorNo: number): Promise<Record<string, unknown>> => {
          const handle =
            dialect === 'sqlite'
              ? openDatabase({ sqliteFile: join(restoredData, 'telusur.sqlite') })
              : openDatabase({ databaseUrl: renv.DATABASE_URL, pgPoolSize: 1 });
          try {
            const rows = await handle.db
              .selectFrom('recordFields')
              .select(['field', 'valueJson'])
              .where('entity', '=', 'verification')
              .where('recordId', '=', `${assessmentId}:${indicatorNo}`)
              .execute();
            return Object.fromEntries(rows.map((r) => [r.field, JSON.parse(r.valueJson)]));
          } finally {
            await handle.close();
          }
        };
        expect(await fields(1)).toMatchObject({ verifiedLevel: 2, notes: 'v1 setelah cadangan' });
        expect(await fields(2)).toMatchObject({ verifiedLevel: 3, notes: 'v2 baru' });
        expect(await fields(4)).toMatchObject({ verifiedLevel: 4 });
        expect(await fields(5)).toMatchObject({ verifiedLevel: 5 });
        const receipt = await call2('GET', `/api/sync/receipt/${assessmentId}`, {
          token: coordinator2,
        });
        expect(receipt.body.hashes).toContain(photoSha);

        // The concurrent edit: B's value stands on the server, A's is a conflict, not lost.
        expect(await fields(3)).toMatchObject({ notes: 'v3 dari B' });
        const conflicts = await call2('GET', `/api/conflicts?assessmentId=${assessmentId}`, {
          token: coordinator2,
        });
        expect(conflicts.status).toBe(200);
        const open = conflicts.body.conflicts as {
          field: string;
          localValue: unknown;
          serverValue: unknown;
          resolved: boolean;
        }[];
        expect(open).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              field: 'notes',
              localValue: 'v3 dari A',
              serverValue: 'v3 dari B',
            }),
          ]),
        );
        const mine = await a.store.conflicts.listOpen();
        expect(mine).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ field: 'notes', localValue: 'v3 dari A' }),
          ]),
        );

        // A received what B wrote on the restored server (change-log positions A had passed).
        expect(await a.store.verifications.get(assessmentId, 5)).toMatchObject({
          verifiedLevel: 5,
        });
        expect(await a.store.outbox.count()).toBe(0);

        // The sync history says what happened, once.
        const log = (await a.store.syncLog.read()).entries;
        const notes = log.filter((e) => e.notice?.code === 'server_restored');
        expect(notes).toHaveLength(1);
        expect(notes[0]?.notice?.message).toMatch(
          /^Server dipulihkan dari cadangan; [1-9]\d* perubahan dikirim ulang\./,
        );
        expect(engineA2.getStatus().restored).toMatchObject({ trusted: true, lostFiles: [] });
        expect(engineA2.getStatus().identityChanged).toBeNull();

        // Tablet C (enrolled after the backup) is told to enrol again; its data stays.
        const engineC2 = tabletEngine(c, fetch, { baseUrl: again.url, uploads: true });
        await expect(engineC2.sync()).rejects.toMatchObject({ code: 'device_unknown' });
        expect(engineC2.getStatus()).toMatchObject({ enrolAgain: true, state: 'error' });
        expect(engineC2.getStatus().lastError?.message).toMatch(/Daftarkan ulang tablet/);
        await expect(engineC2.sync()).rejects.toMatchObject({ code: 'device_unknown' });
        expect(await c.store.outbox.count()).toBe(1);
        expect(await c.store.verifications.get(assessmentId, 6)).toMatchObject({
          notes: 'catatan C',
        });
        await stopGently(again);
      }, 240_000);
    },
  );
}
