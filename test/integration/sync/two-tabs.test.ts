import { expect, it } from 'vitest';
import { type LockManagerLike, type SyncEngine, webSyncLock } from '../../../src/sync';
import { openNodeStore } from '../../helpers/node-store';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * The tablet app open in two tabs of one browser: two engines over ONE IndexedDB database
 * (two connections, as two tabs hold), both syncing the moment the connection returns.
 * The verifier must see every change on the server once, an empty outbox, and no failed
 * run in either tab's sync history ("Server tidak menerima perubahan dari tablet ini" was
 * recorded by the tab that lost the race).
 */

/**
 * An in-memory stand-in for `navigator.locks` (Node has none): exclusive locks by name,
 * granted in request order — what two tabs of one browser share.
 */
function memoryLocks(): LockManagerLike & { granted: string[] } {
  const tails = new Map<string, Promise<unknown>>();
  const granted: string[] = [];
  return {
    granted,
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const before = tails.get(name) ?? Promise.resolve();
      const run = before.then(
        () => {
          granted.push(name);
          return callback();
        },
        () => {
          granted.push(name);
          return callback();
        },
      );
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

/** A second tab: another connection to the same tablet database, same token. */
async function secondTab(t: Tablet): Promise<Tablet> {
  const store = await openNodeStore(t.store.name);
  return {
    store,
    get deviceId() {
      return store.deviceId;
    },
    get token() {
      return t.token;
    },
    set token(next: string) {
      t.token = next;
    },
    label: `${t.label} (tab 2)`,
  };
}

async function setUp(h: SyncHarness) {
  const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
  const [a] = team.assessmentIds as [string];
  const coordinator = await h.base.login('coordinator');
  const tab1 = await enrolTablet(h.call, coordinator, team.verifiers[0]?.id as string, 'Tablet');
  const other = await enrolTablet(h.call, coordinator, team.verifiers[1]?.id as string, 'Lain');
  // Both tabs had synced once while online.
  await tabletEngine(tab1, appFetch(h.app)).sync();
  const tab2 = await secondTab(tab1);
  // Offline: the verifier works in tab 1.
  for (let no = 1; no <= 3; no++)
    await tab1.store.verifications.update(a, no, { verifiedLevel: no + 1, notes: `catatan ${no}` });
  return { a, tab1, tab2, other };
}

/** Both tabs sync at the same moment; both runs' outcomes, then what the verifier sees. */
async function syncBoth(
  h: SyncHarness,
  e1: SyncEngine,
  e2: SyncEngine,
  s: Awaited<ReturnType<typeof setUp>>,
) {
  const before1 = (await s.tab1.store.syncLog.read()).entries.length;
  const results = await Promise.allSettled([e1.sync(), e2.sync()]);
  expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual([
    'ok',
    'ok',
  ]);
  const reports = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
  // Every change left the outbox once: the two runs together sent exactly three.
  expect(reports.reduce((n, r) => n + (r?.pushed ?? 0), 0)).toBe(3);
  expect(await s.tab1.store.outbox.count()).toBe(0);
  // The shared sync history: two new runs, neither a failure.
  const entries = (await s.tab1.store.syncLog.read()).entries;
  const added = entries.slice(0, entries.length - before1);
  expect(added.map((e) => [e.outcome, e.error?.code ?? null])).toEqual([
    ['ok', null],
    ['ok', null],
  ]);
  expect(e1.getStatus().lastError).toBeNull();
  expect(e2.getStatus().lastError).toBeNull();
  // Another verifier's tablet pulls every change.
  await tabletEngine(s.other, appFetch(h.app)).sync();
  for (let no = 1; no <= 3; no++) {
    const v = await s.other.store.verifications.get(s.a, no);
    expect(v).toMatchObject({ verifiedLevel: no + 1, notes: `catatan ${no}` });
  }
  // The server applied each change once: one change-log row per field, version 1, no conflict.
  const log = await h.base.db
    .selectFrom('changes')
    .select(['field', 'version'])
    .where('assessmentId', '=', s.a)
    .where('field', '=', 'notes')
    .execute();
  expect(log.map((c) => Number(c.version))).toEqual([1, 1, 1]);
  const conflicts = await h.base.db
    .selectFrom('conflicts')
    .select('id')
    .where('assessmentId', '=', s.a)
    .execute();
  expect(conflicts).toEqual([]);
  return reports;
}

describeSync('one tablet database open in two tabs', (ctx) => {
  it('with the shared sync lock: the second tab waits, then finds nothing left to send', async () => {
    const h = ctx();
    const s = await setUp(h);
    const locks = memoryLocks();
    const lock = webSyncLock(s.tab1.store.name, locks);
    const e1 = tabletEngine(s.tab1, appFetch(h.app), { lock });
    const e2 = tabletEngine(s.tab2, appFetch(h.app), { lock });
    const reports = await syncBoth(h, e1, e2, s);
    // One run sent everything; the other, run after it, had nothing to send.
    expect(reports.map((r) => r?.pushed)).toEqual([3, 0]);
    expect(locks.granted).toEqual([
      `telusur.sync:${s.tab1.store.name}`,
      `telusur.sync:${s.tab1.store.name}`,
    ]);
  });

  it("a tab waiting for the other tab's run says so, then runs", async () => {
    const h = ctx();
    const s = await setUp(h);
    const locks = memoryLocks();
    const lock = webSyncLock(s.tab1.store.name, locks);
    // Tab 1's run holds the lock (held here until released).
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const other = lock?.(() => held);
    const e2 = tabletEngine(s.tab2, appFetch(h.app), { lock });
    const seen: boolean[] = [];
    e2.subscribe((st) => seen.push(st.waitingForOtherTab));
    const run = e2.sync();
    await new Promise((r) => setTimeout(r, 400));
    // Not "idle" with three changes waiting: the status names the other tab.
    expect(e2.getStatus().waitingForOtherTab).toBe(true);
    expect(await s.tab2.store.outbox.count()).toBe(3);
    release();
    await other;
    const report = await run;
    expect(report.pushed).toBe(3);
    expect(e2.getStatus().waitingForOtherTab).toBe(false);
    expect(e2.getStatus().lastError).toBeNull();
    expect(seen).toContain(true);
  });

  it('a lock granted at once never shows the other-tab notice', async () => {
    const h = ctx();
    const s = await setUp(h);
    const e1 = tabletEngine(s.tab1, appFetch(h.app), {
      lock: webSyncLock(s.tab1.store.name, memoryLocks()),
    });
    const seen: boolean[] = [];
    e1.subscribe((st) => seen.push(st.waitingForOtherTab));
    expect((await e1.sync()).pushed).toBe(3);
    expect(seen).not.toContain(true);
  });

  it('without a lock (no Web Locks): the runs overlap, and rows settled by the other tab are no stall', async () => {
    const h = ctx();
    const s = await setUp(h);
    const e1 = tabletEngine(s.tab1, appFetch(h.app));
    const e2 = tabletEngine(s.tab2, appFetch(h.app));
    await syncBoth(h, e1, e2, s);
  });
});

it('webSyncLock: null without a lock manager (runs as before)', () => {
  expect(webSyncLock('telusur', null)).toBeNull();
});
