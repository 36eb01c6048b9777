/**
 * The tus upload lock shared by every server process on one PostgreSQL database.
 *
 * tus must never let two requests write one upload at once (two PATCHes at the same offset
 * would interleave bytes), and a resumed PATCH must be able to end a stale one still
 * holding the upload (a tablet that lost its connection mid-PATCH). @tus/server's
 * MemoryLocker does both inside one process only; behind a round-robin load balancer the
 * second PATCH lands on another process. This locker keeps the same semantics across
 * processes with PostgreSQL session advisory locks.
 *
 * Why PostgreSQL advisory locks and not Redis: several processes already need one
 * PostgreSQL (it holds the data), so no extra service has to be run, secured and watched;
 * and a session lock dies with its holder's connection, so a process killed with -9 frees
 * its uploads at once — there is no TTL to tune (too short: a slow PATCH loses its lock
 * while writing; too long: a killed process blocks its uploads for that long).
 * SQLite means one process, which keeps tus's own MemoryLocker.
 *
 * How:
 *  - ONE dedicated `pg.Client` per process (not a pool connection: those are handed to
 *    other queries, and a session lock belongs to whatever session took it). Every lock of
 *    the process is a `pg_try_advisory_lock(namespace, hash(id))` on it, polled with a short
 *    backoff until `acquireLockTimeoutMs` or the request's signal aborts (then tus's
 *    ERR_LOCK_TIMEOUT), and `pg_advisory_unlock` on unlock.
 *  - An in-process map in front: a session may take its own advisory lock again (they
 *    stack), so two requests of this process for one upload are serialised here first.
 *  - Release requests across processes: a waiter that finds the upload locked elsewhere
 *    sends `NOTIFY telusur_tus_release, '<id>'`; every process LISTENs on its lock client
 *    and calls its local holder's requestRelease (tus then ends that request after its
 *    lockDrainTimeout), which is how a resumed PATCH ends a stale one on another process.
 *  - The lock connection lost (PostgreSQL restarted, network): every lock taken on it is
 *    gone with it — another process may take those uploads now. Their local holders are
 *    asked to release (their exclusivity is over), the loss is logged, and the client
 *    reconnects with backoff; until it is back, new locks wait (and time out as usual).
 *
 * Ids are hashed to 32 bits (the two-key form keeps a namespace apart from other advisory
 * locks of the database): two ids that collide only wait for each other, never share.
 *
 * @example
 *   const locker = await PgAdvisoryLocker.connect({ connectionString: process.env.DATABASE_URL, log });
 *   const tus = new TusEndpoint(config, blobDir, services.files, { locker });
 *   // on shutdown: await locker.close();
 */

import { createHash } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/server';
import pg from 'pg';
import type { Logger } from '../ops/logger';

/** First key of every tus advisory lock ('tus1'), so they never meet other advisory locks. */
export const TUS_LOCK_NAMESPACE = 0x74757331;
/** Channel on which a waiter asks the holder of an upload (payload: the upload id) to release it. */
export const TUS_RELEASE_CHANNEL = 'telusur_tus_release';

export interface PgAdvisoryLockerOptions {
  /** PostgreSQL URL (the server's DATABASE_URL). */
  connectionString: string;
  /** How long a request waits for an upload's lock before tus's ERR_LOCK_TIMEOUT (ms; default 30 000, as MemoryLocker). */
  acquireLockTimeoutMs?: number;
  /** Lock-connection losses and reconnects go here (default: the console). */
  log?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Reconnect backoff of the lock connection, first and largest delay (ms; default 100 and 5 000). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

interface Holder {
  /** 'acquiring': this process is asking PostgreSQL; 'held': it has the lock. */
  state: 'acquiring' | 'held';
  requestRelease: RequestRelease;
  /** The lock client's generation when taken: a lock of a lost connection is not unlocked on the next. */
  generation: number;
  owner: PgAdvisoryLock;
}

/** Second advisory key of an upload id: the first 32 bits of its SHA-256, as a signed int4. */
export function advisoryKey(id: string): number {
  return createHash('sha256').update(id).digest().readInt32BE(0);
}

/** Call a holder's requestRelease; whatever it throws is its own business, not the asker's. */
async function askRelease(h: Holder): Promise<void> {
  try {
    await h.requestRelease();
  } catch {
    // tus's own (context.cancel) never throws
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * A tus `Locker` over PostgreSQL session advisory locks (see the module doc). Build it with
 * `PgAdvisoryLocker.connect` (which waits for the first connection) and `close()` it on
 * shutdown, after the HTTP server has drained.
 */
export class PgAdvisoryLocker implements Locker {
  private client: pg.Client | null = null;
  private generation = 0;
  private closed = false;
  private reconnecting: Promise<void> | null = null;
  /** Uploads this process holds or is acquiring, by upload id (internal: its locks use it). */
  readonly holders = new Map<string, Holder>();
  readonly timeoutMs: number;
  private readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;

  private constructor(private readonly options: PgAdvisoryLockerOptions) {
    this.timeoutMs = options.acquireLockTimeoutMs ?? 30_000;
    this.log = options.log ?? {
      info: (...a: unknown[]) => console.info('[telusur]', ...a),
      warn: (...a: unknown[]) => console.warn('[telusur]', ...a),
      error: (...a: unknown[]) => console.error('[telusur]', ...a),
    };
  }

  /**
   * A locker with its lock connection open and listening.
   * @throws the connection error when PostgreSQL cannot be reached at start (the server
   *   should not start without its upload lock)
   */
  static async connect(options: PgAdvisoryLockerOptions): Promise<PgAdvisoryLocker> {
    const locker = new PgAdvisoryLocker(options);
    await locker.open();
    return locker;
  }

  newLock(id: string): Lock {
    return new PgAdvisoryLock(id, this);
  }

  /** Whether the lock connection is up (readiness, tests). */
  get connected(): boolean {
    return this.client !== null;
  }

  /**
   * The lock connection's server process id (pg_backend_pid), or null while disconnected.
   * Operators find it in pg_stat_activity by application_name `telusur-<pid>-tus-locks`.
   */
  async backendPid(): Promise<number | null> {
    const c = this.client;
    if (!c) return null;
    const r = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return r.rows[0]?.pid ?? null;
  }

  /** Close the lock connection (every lock of this process is released with it). */
  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    this.generation++;
    if (c) await c.end().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: `telusur-${process.pid}-tus-locks`,
      // A half-open connection (network gone) is noticed instead of holding locks forever.
      keepAlive: true,
    });
    // Errors of an idle client (the server gone) arrive here; without a handler they would
    // crash the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (n) => {
      if (n.channel !== TUS_RELEASE_CHANNEL || !n.payload) return;
      const h = this.holders.get(n.payload);
      if (h?.state === 'held') askRelease(h);
    });
    await client.connect();
    try {
      // This connection idles between locks while holding them: a server-wide
      // idle_session_timeout (PostgreSQL 14+) must not end it. Older servers lack the setting.
      await client.query('SET idle_session_timeout = 0').catch(() => undefined);
      await client.query(`LISTEN ${TUS_RELEASE_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.generation++;
    this.client = client;
  }

  /** The lock connection ended: its locks are gone; ask their holders to stop, reconnect. */
  private lost(client: pg.Client, err: Error | null): void {
    if (this.client !== client) return; // an older client, or closing
    this.client = null;
    const gone = [...this.holders.entries()].filter(([, h]) => h.state === 'held');
    this.log.error(
      { err, uploads: gone.map(([id]) => id) },
      `tus lock connection to PostgreSQL lost; ${gone.length} upload lock(s) held on it are gone (other processes may take those uploads now); reconnecting`,
    );
    // Those requests no longer hold their uploads across processes: let tus end them.
    for (const [, h] of gone) askRelease(h);
    void client.end().catch(() => undefined);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed || this.reconnecting) return;
    this.reconnecting = (async () => {
      let delay = this.options.reconnectMinMs ?? 100;
      const max = this.options.reconnectMaxMs ?? 5_000;
      for (let attempt = 1; !this.closed; attempt++) {
        await new Promise((r) => setTimeout(r, delay));
        if (this.closed) return;
        try {
          await this.open();
          this.log.info({ attempt }, 'tus lock connection to PostgreSQL restored');
          return;
        } catch (err) {
          this.log.warn(
            { err, attempt, retryInMs: Math.min(delay * 2, max) },
            'tus lock connection to PostgreSQL: reconnect failed',
          );
          delay = Math.min(delay * 2, max);
        }
      }
    })().finally(() => {
      this.reconnecting = null;
    });
  }

  /**
   * One try at the advisory lock of `id` on the lock connection: true when taken; false
   * when another session holds it or the connection is down.
   */
  async tryLock(id: string): Promise<{ ok: boolean; generation: number }> {
    const c = this.client;
    const generation = this.generation;
    if (!c) return { ok: false, generation };
    try {
      const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
        TUS_LOCK_NAMESPACE,
        advisoryKey(id),
      ]);
      // Taken on a connection that has since been lost: not held.
      return { ok: r.rows[0]?.ok === true && generation === this.generation, generation };
    } catch {
      return { ok: false, generation };
    }
  }

  /** Ask whichever process holds `id` to release it (NOTIFY; a no-op while disconnected). */
  async requestRelease(id: string): Promise<void> {
    await this.client
      ?.query('SELECT pg_notify($1, $2)', [TUS_RELEASE_CHANNEL, id])
      .catch(() => undefined);
  }

  /** Release the advisory lock of `id` taken in `generation` (nothing when that connection is gone). */
  async unlockPg(id: string, generation: number): Promise<void> {
    const c = this.client;
    if (!c || generation !== this.generation) return; // died with its connection
    await c
      .query('SELECT pg_advisory_unlock($1, $2)', [TUS_LOCK_NAMESPACE, advisoryKey(id)])
      .catch(() => undefined); // connection lost meanwhile: the lock went with it
  }
}

/** Poll delays (ms) while another request holds the upload: short first, then at most 250. */
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 250;
/** A waiter repeats its release request this often, in case the holder missed it. */
const RENOTIFY_MS = 1_000;

class PgAdvisoryLock implements Lock {
  constructor(
    private readonly id: string,
    private readonly locker: PgAdvisoryLocker,
  ) {}

  /**
   * Take the upload's lock, asking its current holder (in this process or another) to
   * release it; waits at most the locker's timeout.
   * @throws ERRORS.ERR_LOCK_TIMEOUT when not taken in time or `signal` aborted first
   */
  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), this.locker.timeoutMs);
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const holders = this.locker.holders;
    let delay = POLL_MIN_MS;
    let notifiedAt = 0;
    try {
      while (!stop.signal.aborted) {
        const local = holders.get(this.id);
        if (local) {
          // Held (or being taken) by another request of this process: ask it to let go.
          if (local.state === 'held') await askRelease(local);
        } else {
          const mine: Holder = { state: 'acquiring', requestRelease, generation: 0, owner: this };
          holders.set(this.id, mine);
          const got = await this.locker.tryLock(this.id);
          if (got.ok && !stop.signal.aborted) {
            mine.state = 'held';
            mine.generation = got.generation;
            return;
          }
          holders.delete(this.id);
          if (got.ok) {
            await this.locker.unlockPg(this.id, got.generation); // aborted meanwhile
            break;
          }
          if (Date.now() - notifiedAt >= RENOTIFY_MS) {
            notifiedAt = Date.now();
            await this.locker.requestRelease(this.id);
          }
        }
        await sleep(delay, stop.signal);
        delay = Math.min(delay * 2, POLL_MAX_MS);
      }
      throw ERRORS.ERR_LOCK_TIMEOUT;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Release the upload's lock.
   * @throws Error when this lock does not hold it (as tus's MemoryLocker)
   */
  async unlock(): Promise<void> {
    const h = this.locker.holders.get(this.id);
    if (!h || h.owner !== this || h.state !== 'held')
      throw new Error('Releasing an unlocked lock!');
    // Unlocked in PostgreSQL before the in-process entry goes: a request of this process
    // that takes it next queues its try behind this unlock on the same connection.
    await this.locker.unlockPg(this.id, h.generation);
    this.locker.holders.delete(this.id);
  }
}
