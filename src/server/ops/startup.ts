import type pg from 'pg';
import type { Logger } from 'pino';
import { formatIndex } from '../../core';
import type { DatabaseHandle } from '../db/connect';
import { isConnectionFailure, isUniqueViolation } from '../db/errors';
import { NewerDatabaseError } from '../db/migrate';
import { Problem } from '../problems';
import { type DemoSummary, seedDemo } from '../seed';
import type { Services } from '../services';
import { OpsError, oneLine } from './errors';
import { upgradeDatabase } from './upgrade';

/**
 * First half of Telusur's PostgreSQL advisory lock key for start-up ("TLSR" in ASCII). The
 * second half is a hash of the current schema, so two Telusur databases kept as schemas of
 * one PostgreSQL database (test runs, a staging copy) do not wait for each other. The
 * two-key form never collides with a one-bigint advisory key (pg_locks.objsubid 2 vs 1).
 */
export const STARTUP_LOCK_KEY = 0x544c5352;

/** How often a waiting process tries the start-up lock again (ms). */
const POLL_MS = 200;

/**
 * Another process held the start-up lock for longer than the wait allowed. The message is
 * one line, Indonesian then English, naming the holder when pg_stat_activity shows it.
 */
export class StartupLockTimeoutError extends OpsError {
  constructor(
    readonly waitedMs: number,
    readonly holder: string | null,
  ) {
    const who = holder ?? 'proses lain / another process';
    super(
      `menunggu proses lain menyelesaikan persiapan basis data lebih dari ${Math.round(waitedMs / 1000)} s (pemegang kunci: ${who}); periksa proses itu atau naikkan STARTUP_LOCK_TIMEOUT_MS`,
      `waited more than ${Math.round(waitedMs / 1000)} s for another process to finish preparing the database (lock held by: ${holder ?? 'another process'}); check that process or raise STARTUP_LOCK_TIMEOUT_MS`,
    );
    this.name = 'StartupLockTimeoutError';
  }
}

export interface StartupLockOptions {
  /** Give up after waiting this long for another process (ms). */
  timeoutMs: number;
  /** Told once when the lock is busy, with the holder when known. */
  onWait?: (holder: string | null) => void;
}

/**
 * Run `fn` while holding Telusur's start-up lock, so of N processes starting at once on one
 * PostgreSQL database exactly one prepares it at a time and the others find the work done.
 *
 * PostgreSQL: a session advisory lock (`pg_try_advisory_lock(STARTUP_LOCK_KEY,
 * hash(current_schema))`) taken on ONE dedicated connection outside the pool (so `fn` keeps
 * every pool connection, even with PG_POOL_MAX=1) and held until `fn` settles; tried again
 * every 200 ms up to `timeoutMs`. A process killed while holding it loses its connection,
 * and PostgreSQL releases the lock with it.
 * SQLite: `fn` runs at once: one process owns the database file (docs/deploy.md).
 *
 * @throws StartupLockTimeoutError after `timeoutMs` of waiting; whatever `fn` throws; Error
 *   when the lock connection cannot be made.
 */
export async function withStartupLock<T>(
  handle: DatabaseHandle,
  fn: () => Promise<T>,
  options: StartupLockOptions,
): Promise<T> {
  if (handle.dialect !== 'postgres' || !handle.dedicatedClient) return fn();
  const client = await handle.dedicatedClient();
  try {
    const k = await client.query<{ k: number }>(
      'select hashtext(current_schema()) & 2147483647 as k',
    );
    const schemaKey = Number(k.rows[0]?.k ?? 0);
    const started = Date.now();
    let told = false;
    for (;;) {
      const r = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [
        STARTUP_LOCK_KEY,
        schemaKey,
      ]);
      if (r.rows[0]?.ok) break;
      if (!told) {
        told = true;
        options.onWait?.(await lockHolder(client, schemaKey));
      }
      const waited = Date.now() - started;
      if (waited >= options.timeoutMs)
        throw new StartupLockTimeoutError(waited, await lockHolder(client, schemaKey));
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, options.timeoutMs - waited)));
    }
    try {
      return await fn();
    } finally {
      await client
        .query('select pg_advisory_unlock($1, $2)', [STARTUP_LOCK_KEY, schemaKey])
        .catch(() => undefined);
    }
  } finally {
    // Ending the session releases the lock in any case (also when the unlock above failed).
    await client.end().catch(() => undefined);
  }
}

/**
 * Who holds the start-up lock, by application_name (a Telusur process is `telusur-<its
 * pid>`), e.g. `telusur-4242 (backend pid 5151) from 10.0.0.5, connected 37 s, idle`; null
 * when nobody does any more or pg_stat_activity cannot be read.
 */
async function lockHolder(client: pg.Client, schemaKey: number): Promise<string | null> {
  try {
    const r = await client.query<{
      pid: number;
      app: string | null;
      addr: string | null;
      secs: number | null;
      state: string | null;
    }>(
      `select a.pid, a.application_name as app, host(a.client_addr) as addr, a.state,
              extract(epoch from now() - a.backend_start)::int as secs
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.objsubid = 2
          and l.classid::bigint = $1 and l.objid::bigint = $2
          and l.database = (select oid from pg_database where datname = current_database())
        limit 1`,
      [STARTUP_LOCK_KEY, schemaKey],
    );
    const h = r.rows[0];
    if (!h) return null;
    return `${h.app || 'unnamed'} (backend pid ${h.pid})${h.addr ? ` from ${h.addr}` : ''}${h.secs !== null ? `, connected ${h.secs} s` : ''}${h.state ? `, ${h.state}` : ''}`;
  } catch {
    return null;
  }
}

export interface StartupOptions {
  /** Seed the demo into a database without accounts (NODE_ENV ≠ production). */
  demo: boolean;
  log: Pick<Logger, 'info' | 'warn'>;
  /** How long to wait for another process's start-up (STARTUP_LOCK_TIMEOUT_MS). */
  lockTimeoutMs: number;
  /** Folder of the automatic SQLite backup before migrating (see upgradeDatabase). */
  backupDir?: string;
}

export interface StartupResult {
  /** Migrations applied by this process now ([] when another process or an earlier start did). */
  applied: string[];
  /**
   * What became of the demo: `seeded` by this process; `present` (accounts existed: an
   * earlier start or another process prepared the database); `production` (empty database,
   * NODE_ENV=production: nothing seeded).
   */
  demo: 'seeded' | 'present' | 'production';
  /** The demo this process seeded, else null. */
  seeded: DemoSummary | null;
}

/**
 * Prepare the database for serving, serialised across processes (withStartupLock), each
 * step safe to run again:
 *  1. upgradeDatabase: refuse a newer database, back up SQLite, apply pending migrations
 *     (none when another process applied them);
 *  2. the built-in instruments (insert-or-skip by id, see FrameworksService.installBuiltIns:
 *     a row inserted at the same moment by a process without this lock is taken as done);
 *  3. demo mode and no accounts — checked inside the lock — the demo seed; otherwise the
 *     log says the data was found.
 * Logs one line per step that did something, naming this process (pino's `pid`).
 *
 * @throws NewerDatabaseError, OpsError (backup failed, StartupLockTimeoutError), Error of a
 *   failed migration or seed.
 */
export async function startUp(
  handle: DatabaseHandle,
  services: Services,
  options: StartupOptions,
): Promise<StartupResult> {
  const { log } = options;
  return withStartupLock(
    handle,
    async () => {
      const { applied } = await upgradeDatabase(handle, {
        log: (line) => log.warn(line),
        ...(options.backupDir ? { backupDir: options.backupDir } : {}),
      });
      if (applied.length) log.info({ migrations: applied }, 'migrations applied');
      await services.frameworks.installBuiltIns();
      if ((await services.accounts.count()) > 0) {
        if (options.demo)
          log.info(
            'start-up: accounts already present (an earlier start or another process); nothing seeded',
          );
        return { applied, demo: 'present', seeded: null };
      }
      if (!options.demo) {
        log.warn(
          'empty database and NODE_ENV=production: no demo data seeded; create the first coordinator with `npm run admin -- create-coordinator --email E --name N` (docs/deploy.md)',
        );
        return { applied, demo: 'production', seeded: null };
      }
      let demo: DemoSummary;
      try {
        demo = await seedDemo(services, { nodeEnv: 'development' });
      } catch (e) {
        // Only a process without this lock (an older Telusur started alongside) can seed at
        // the same moment; its demo is as good as ours.
        if (!seededElsewhere(e) || (await services.accounts.count()) === 0) throw e;
        log.warn(
          `start-up: another process seeded the demo at the same moment (${oneLine(e)}); nothing more seeded`,
        );
        return { applied, demo: 'present', seeded: null };
      }
      log.info(
        { seededBy: process.pid },
        `demo seeded by this process: ${demo.units} units, city self-assessment index ${formatIndex(demo.cityIndex, 'en')} (SPBE 2023), ${formatIndex(demo.pemdiCityIndex, 'en')} (Pemdi 2026)`,
      );
      return { applied, demo: 'seeded', seeded: demo };
    },
    {
      timeoutMs: options.lockTimeoutMs,
      onWait: (holder) =>
        log.info(
          `start-up: another process is preparing the database (${holder ?? 'holder unknown'}); waiting up to ${Math.round(options.lockTimeoutMs / 1000)} s`,
        ),
    },
  );
}

/**
 * The seed failed because another process's seed got there first: a unique violation (the
 * same demo account or unit, raw or as the services' problem), or seedDemo's own refusal
 * once accounts exist.
 */
function seededElsewhere(e: unknown): boolean {
  return (
    isUniqueViolation(e) ||
    (e instanceof Problem && (e.code === 'email_taken' || e.code === 'unit_code_taken')) ||
    (e instanceof Error &&
      e.message.startsWith('refusing to seed: the database already has accounts'))
  );
}

/**
 * startUp for the server's entry (main.ts): when the database is refused — a newer version
 * wrote it, the backup before migrating failed, or another process's start-up outlasted
 * STARTUP_LOCK_TIMEOUT_MS — prints the one-line reason on stderr, closes the database and
 * ends the process with exit code 1 (the service manager may start it again).
 */
export async function startUpOrExit(
  handle: DatabaseHandle,
  services: Services,
  options: StartupOptions & { error?: (line: string) => void },
): Promise<StartupResult> {
  try {
    return await startUp(handle, services, options);
  } catch (e) {
    const say = options.error ?? ((line: string) => console.error(line));
    if (isConnectionFailure(e)) {
      // A wrong or unreachable DATABASE_URL is a setting to fix, said in one line (the
      // address without its password), not a stack trace.
      say(
        `[telusur] basis data ${handle.where} tidak dapat dipakai (${oneLine(e)}): periksa DATABASE_URL / ` +
          `the database ${handle.where} cannot be used (${oneLine(e)}): check DATABASE_URL`,
      );
      await handle.close().catch(() => undefined);
      process.exit(1);
    }
    if (!(e instanceof NewerDatabaseError) && !(e instanceof OpsError)) throw e;
    say(`[telusur] ${e.message}`);
    await handle.close().catch(() => undefined);
    process.exit(1);
  }
}
