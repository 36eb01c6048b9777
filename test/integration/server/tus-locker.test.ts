import { randomBytes } from 'node:crypto';
import { ERRORS } from '@tus/server';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PgAdvisoryLocker } from '../../../src/server/http/tus-locker';
import { PG_URL } from '../../helpers/server-context';

/**
 * The tus upload lock shared by server processes (PostgreSQL session advisory locks): two
 * lockers are two processes (each has its own lock connection). What an operator relies on:
 * one writer per upload across processes, a resumed upload ends a stale one held elsewhere,
 * a killed process frees its uploads, a busy upload times out as tus expects, and releasing
 * one upload never frees another.
 */

const id = () => `${randomBytes(32).toString('hex')}-${randomBytes(8).toString('hex')}`;
const never = () => new AbortController().signal;
const noop = () => undefined;

// PostgreSQL is optional on a developer machine (test/run.mjs sets TELUSUR_PG_URL when a server
// answers; CI requires it): without it there is no advisory lock to test.
describe.skipIf(!PG_URL)('tus lock across processes (PostgreSQL advisory locks)', () => {
  const lockers: PgAdvisoryLocker[] = [];
  const logged: string[] = [];
  const log = {
    info: (_o: unknown, msg?: string) => void logged.push(`info ${msg}`),
    warn: (_o: unknown, msg?: string) => void logged.push(`warn ${msg}`),
    error: (_o: unknown, msg?: string) => void logged.push(`error ${msg}`),
  };
  const locker = async (acquireLockTimeoutMs = 400) => {
    const l = await PgAdvisoryLocker.connect({
      connectionString: PG_URL as string,
      acquireLockTimeoutMs,
      log,
      reconnectMinMs: 50,
    });
    lockers.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map((l) => l.close()));
  });
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  afterAll(() => admin.end());

  it('lets one process hold an upload: another waits and times out with tus ERR_LOCK_TIMEOUT, then gets it once released', async () => {
    const [a, b] = [await locker(), await locker()];
    const upload = id();
    const held = a.newLock(upload);
    await held.lock(never(), noop);
    const started = Date.now();
    await expect(b.newLock(upload).lock(never(), noop)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    await held.unlock();
    const next = b.newLock(upload);
    await next.lock(never(), noop);
    await next.unlock();
  });

  it('serialises two requests of one process too (a session could take its own lock twice)', async () => {
    const a = await locker();
    const upload = id();
    const first = a.newLock(upload);
    await first.lock(never(), noop);
    await expect(a.newLock(upload).lock(never(), noop)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    // The waiter's abort signal ends the wait early, as tus's MemoryLocker does.
    const aborted = new AbortController();
    setTimeout(() => aborted.abort(), 50);
    const t0 = Date.now();
    await expect(a.newLock(upload).lock(aborted.signal, noop)).rejects.toBe(
      ERRORS.ERR_LOCK_TIMEOUT,
    );
    expect(Date.now() - t0).toBeLessThan(300);
    await first.unlock();
    await expect(first.unlock()).rejects.toThrow('Releasing an unlocked lock!');
  });

  it("asks the holder in another process to release (NOTIFY): a resumed upload ends the stale request's hold", async () => {
    const [a, b] = [await locker(), await locker(3_000)];
    const upload = id();
    const stale = a.newLock(upload);
    let asked = 0;
    await stale.lock(never(), () => {
      asked++;
      // What tus does on a release request: end the request, which unlocks.
      setTimeout(() => void stale.unlock(), 20);
    });
    const t0 = Date.now();
    const resumed = b.newLock(upload);
    await resumed.lock(never(), noop);
    expect(asked).toBeGreaterThanOrEqual(1);
    expect(Date.now() - t0).toBeLessThan(1_500);
    await resumed.unlock();
  });

  it('frees the uploads of a process whose connection dies (kill -9, network): the waiter gets them; the process reconnects', async () => {
    const [a, b] = [await locker(), await locker(5_000)];
    const upload = id();
    let releaseAsked = false;
    await a.newLock(upload).lock(never(), () => {
      releaseAsked = true;
    });
    const pid = await a.backendPid();
    expect(pid).not.toBeNull();
    const waiting = b.newLock(upload);
    const got = waiting.lock(never(), noop);
    await new Promise((r) => setTimeout(r, 100));
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await got; // the lock died with its holder's connection
    await waiting.unlock();
    // The holder was told its lock is gone, the loss was logged, and the locker came back.
    await expect.poll(() => releaseAsked).toBe(true);
    expect(logged.some((l) => l.startsWith('error tus lock connection to PostgreSQL lost'))).toBe(
      true,
    );
    await expect.poll(() => a.connected, { timeout: 5_000 }).toBe(true);
    const other = a.newLock(id());
    await other.lock(never(), noop);
    await other.unlock();
  });

  it('releasing one upload never frees another', async () => {
    const [a, b] = [await locker(), await locker(300)];
    const [one, two] = [id(), id()];
    const lockOne = a.newLock(one);
    const lockTwo = a.newLock(two);
    await lockOne.lock(never(), noop);
    await lockTwo.lock(never(), noop);
    await lockOne.unlock();
    const takeOne = b.newLock(one);
    await takeOne.lock(never(), noop);
    await expect(b.newLock(two).lock(never(), noop)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
    await takeOne.unlock();
    await lockTwo.unlock();
    const takeTwo = b.newLock(two);
    await takeTwo.lock(never(), noop);
    await takeTwo.unlock();
  });

  it('keeps one holder at a time while three processes and many requests contend for one upload', async () => {
    const ls = [await locker(20_000), await locker(20_000), await locker(20_000)];
    const upload = id();
    let inside = 0;
    let most = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const l = (ls[i % 3] as PgAdvisoryLocker).newLock(upload);
        await l.lock(never(), noop);
        inside++;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        done++;
        await l.unlock();
      }),
    );
    expect([most, done]).toEqual([1, 24]);
  }, 30_000);
});
