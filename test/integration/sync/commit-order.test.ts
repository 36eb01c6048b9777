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
 * its cursor past the earlier change for ever. The push serialises writers with an
 * advisory lock; these tests hold one push's transaction open on its own connection while
 * a second push and a pull run on others.
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
