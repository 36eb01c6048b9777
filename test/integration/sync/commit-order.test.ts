import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHlc, type Mutation, verificationId } from '../../../src/core';
import type { Principal } from '../../../src/server/domain';
import { holdPush } from '../../helpers/raw-push';
import { PG_URL } from '../../helpers/server-context';
import {
  createSyncHarness,
  enrolTablet,
  newTeam,
  type SyncHarness,
  type Tablet,
} from '../../helpers/sync-harness';

/**
 * The pull cursor on PostgreSQL: a change-log seq is taken at insert but becomes visible at
 * commit, so a later seq can commit before an earlier one. A pull in between would move
 * its cursor past the earlier change for ever. Writers hold an advisory lock from their
 * first change-log insert to commit; a push locks the records it names before it reads
 * them (so two pushes of one record decide one after the other) and the change log only
 * after deciding (so pushes of other records run side by side). These tests hold one
 * push's transaction open on its own connection while a second push and a pull run on
 * others.
 *
 * PostgreSQL only: SQLite has a single writer (and better-sqlite3 a single connection),
 * so there is nothing to interleave. Skipped when TELUSUR_PG_URL is not set.
 */
describe.skipIf(!PG_URL)('change-log commit order [postgres]', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await createSyncHarness('postgres');
  });
  afterAll(async () => {
    await h?.close();
  });

  function edit(t: Tablet, seq: number, id: string, notes: string): Mutation {
    const at = Date.UTC(2023, 9, 2, 3, 0, seq);
    return {
      deviceId: t.deviceId,
      seq,
      entity: 'verification',
      id,
      changes: { notes },
      baseVersions: { notes: 0 },
      hlc: encodeHlc({ ms: at, counter: 0, node: t.deviceId }),
      at,
    };
  }

  async function waitingForLock(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const r = await sql<{
        n: string;
      }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted`.execute(
        h.base.db,
      );
      if (Number(r.rows[0]?.n) > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the second push never waited for the writer lock');
  }

  async function fixture() {
    const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
    const coordinator = await h.base.login('coordinator');
    const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
    const a = await enrolTablet(h.call, coordinator, v0.id, 'Tablet A');
    const b = await enrolTablet(h.call, coordinator, v1.id, 'Tablet B');
    const c = await enrolTablet(h.call, coordinator, v0.id, 'Tablet C');
    const principal = (t: Tablet): Promise<Principal> => h.services.auth.resolve(t.token);
    return { assessment: team.assessmentIds[0] as string, a, b, c, principal };
  }

  it('a pull between two concurrent pushes skips nothing: the later push waits, the pull sees both exactly once', async () => {
    const { assessment, a, b, c, principal } = await fixture();
    const pc = await principal(c);
    const start = await h.services.sync.pull(pc, 0, 2000);
    let cursor = start.cursor;

    // Tablet A's transaction stays open, its change written but not committed.
    const { inside, release } = holdPush(h.services, a.deviceId);
    try {
      const pushA = h.services.sync.push(await principal(a), a.deviceId, [
        edit(a, 1, verificationId(assessment, 1), 'dari A'),
      ]);
      await inside;
      const pushB = h.services.sync.push(await principal(b), b.deviceId, [
        edit(b, 1, verificationId(assessment, 2), 'dari B'),
      ]);
      await waitingForLock();

      // The pull in between sees neither change and does not move past A's seq.
      const between = await h.services.sync.pull(pc, cursor, 2000);
      expect(between.changes).toEqual([]);
      cursor = between.cursor;

      release();
      const [ra, rb] = await Promise.all([pushA, pushB]);
      expect(ra.appliedThrough).toBe(1);
      expect(rb.appliedThrough).toBe(1);
    } finally {
      release();
      h.services.sync.hooks.beforePushCommit = undefined;
    }

    const after = await h.services.sync.pull(pc, cursor, 2000);
    const seen = after.changes.map((ch) => [ch.id, ch.fields.notes]);
    expect(seen).toEqual([
      [verificationId(assessment, 1), 'dari A'],
      [verificationId(assessment, 2), 'dari B'],
    ]);
    expect(after.changes[0]?.seq).toBeLessThan(after.changes[1]?.seq as number);
    const again = await h.services.sync.pull(pc, after.cursor, 2000);
    expect(again.changes).toEqual([]);
  });

  it('pushes of other records do not wait for each other: B commits while A is between its decisions and its change-log write, and a pull skips neither', async () => {
    const { assessment, a, b, c, principal } = await fixture();
    const pc = await principal(c);
    let cursor = (await h.services.sync.pull(pc, 0, 2000)).cursor;

    // Tablet A has decided its mutation (its record locked) but written no change yet.
    const { inside, release } = holdPush(h.services, a.deviceId, 'beforePushFlush');
    try {
      const pushA = h.services.sync.push(await principal(a), a.deviceId, [
        edit(a, 1, verificationId(assessment, 3), 'dari A'),
      ]);
      await inside;
      // A single writer lock taken at the start of every push would hold B here until A
      // commits (this would time out).
      const rb = await h.services.sync.push(await principal(b), b.deviceId, [
        edit(b, 1, verificationId(assessment, 4), 'dari B'),
      ]);
      expect(rb.results[0]?.outcome).toBe('applied');

      const between = await h.services.sync.pull(pc, cursor, 2000);
      expect(between.changes.map((ch) => [ch.id, ch.fields.notes])).toEqual([
        [verificationId(assessment, 4), 'dari B'],
      ]);
      cursor = between.cursor;

      release();
      expect((await pushA).results[0]?.outcome).toBe('applied');
    } finally {
      release();
      h.services.sync.hooks.beforePushFlush = undefined;
    }
    // A's change took its seq after B's commit: above the cursor the pull moved to.
    const after = await h.services.sync.pull(pc, cursor, 2000);
    expect(after.changes.map((ch) => [ch.id, ch.fields.notes])).toEqual([
      [verificationId(assessment, 3), 'dari A'],
    ]);
    expect(after.changes[0]?.seq).toBeGreaterThan(cursor);
  });

  it("pushes of the same record still run one after the other: the second decides on the first one's version (a conflict, not a lost update)", async () => {
    const { assessment, a, b, principal } = await fixture();
    const record = verificationId(assessment, 5);
    const { inside, release } = holdPush(h.services, a.deviceId, 'beforePushFlush');
    let pushB: Promise<unknown> | undefined;
    try {
      const pushA = h.services.sync.push(await principal(a), a.deviceId, [
        edit(a, 1, record, 'dari A'),
      ]);
      await inside;
      pushB = h.services.sync.push(await principal(b), b.deviceId, [edit(b, 1, record, 'dari B')]);
      // B waits for A's record lock. (Were it not taken, B would finish on its own and the
      // assertions below would show the lost update.)
      await waitingForLock().catch(() => undefined);
      release();
      const ra = await pushA;
      expect(ra.results[0]?.fields.notes).toEqual({ outcome: 'applied', version: 1 });
    } finally {
      release();
      h.services.sync.hooks.beforePushFlush = undefined;
    }
    // B based its edit on version 0 too; it must see A's version 1 and keep both values.
    const rb = (await pushB) as Awaited<ReturnType<typeof h.services.sync.push>>;
    expect(rb.results[0]?.fields.notes).toEqual({ outcome: 'conflict', version: 1 });
    expect(rb.conflicts).toHaveLength(1);
    const history = (await h.services.sync.pull(await principal(a), 0, 2000)).changes.filter(
      (ch) => ch.id === record,
    );
    expect(history.map((ch) => [ch.fields.notes, ch.versions.notes])).toEqual([['dari A', 1]]);
  });

  it('(control) without the writer lock the hazard is real: a pull between out-of-order commits skips a change', async () => {
    const { assessment, c, principal } = await fixture();
    const pc = await principal(c);
    const { cursor } = await h.services.sync.pull(pc, 0, 2000);
    const row = (recordId: string) => ({
      entity: 'verification',
      recordId,
      field: 'notes',
      valueJson: '"x"',
      version: 1,
      assessmentId: assessment,
      source: 'push',
      deviceId: null,
      deviceSeq: null,
      accountId: null,
      deviceAt: null,
      serverAt: 1,
      hlc: null,
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let firstSeq = 0;
    let inserted!: () => void;
    const firstInserted = new Promise<void>((r) => {
      inserted = r;
    });
    // Raw writers that skip RecordBatch (and so the lock): the first holds its commit.
    const slow = h.base.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('changes')
        .values(row(verificationId(assessment, 8)))
        .returning('seq')
        .executeTakeFirstOrThrow();
      firstSeq = Number(r.seq);
      inserted();
      await gate;
    });
    await firstInserted;
    const fast = await h.base.db.transaction().execute(async (trx) =>
      trx
        .insertInto('changes')
        .values(row(verificationId(assessment, 9)))
        .returning('seq')
        .executeTakeFirstOrThrow(),
    );
    expect(Number(fast.seq)).toBeGreaterThan(firstSeq);
    const between = await h.services.sync.pull(pc, cursor, 2000);
    release();
    await slow;
    expect(between.cursor).toBeGreaterThanOrEqual(Number(fast.seq));
    const after = await h.services.sync.pull(pc, between.cursor, 2000);
    // The earlier change committed behind the cursor: without the lock it is never pulled.
    expect(after.changes.map((ch) => ch.id)).not.toContain(verificationId(assessment, 8));
  });
});
