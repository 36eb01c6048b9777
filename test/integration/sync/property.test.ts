import fc from 'fast-check';
import { expect, it } from 'vitest';
import { beritaAcaraId, verificationId } from '../../../src/core';
import { canonicalJson } from '../../../src/server/lib/canonical-json';
import type { SyncEngine } from '../../../src/sync';
import {
  appFetch,
  describeSync,
  enrolTablet,
  type Faults,
  flakyFetch,
  newTeam,
  type SyncHarness,
  seededRandom,
  syncHard,
  type Tablet,
  tabletEngine,
} from '../../helpers/sync-harness';
import { expectExactlyOnce, IssuedLog, soakReport } from '../../helpers/sync-invariants';

/**
 * Exactly once, nothing lost, nothing silently overwritten — under random interleavings.
 * Three tablets (two of one verifier, one of another) on one assessment, each the REAL
 * store (fake-indexeddb) and the REAL SyncEngine over the in-process app. A script of
 * random edits on overlapping fields and syncs runs with a transport that loses requests,
 * loses answers after the server acted (so the engine retries), sends requests twice, and
 * forwards a random prefix of each push (random batch boundaries). Then the network heals,
 * a coordinator settles every open conflict, and all tablets sync.
 *
 * Invariants:
 *  1. Every tablet's outbox is empty and the server's cursor of each device equals the
 *     device's last seq: every mutation was taken, none lost.
 *  2. The change log holds at most one row per (device, seq, field): nothing applied twice.
 *  3. Every issued (device, seq, field) is accounted for: applied (its change row), or a
 *     conflict row of that device on that field, or the server held that value then ('same').
 *  4. Per field, the change log's versions are 1..n and the record store holds version n
 *     with the last logged value.
 *  5. With conflicts settled, every tablet shows exactly the server's values, and no
 *     conflict is open on the server or on any tablet.
 */

type Target = {
  name: string;
  values: unknown[];
  apply: (t: Tablet, a: string, value: unknown) => Promise<unknown>;
};

const TARGETS: Target[] = [
  {
    name: 'v1.verifiedLevel',
    values: [2, 3, 4],
    apply: (t, a, v) => t.store.verifications.update(a, 1, { verifiedLevel: v as number }),
  },
  {
    name: 'v1.notes',
    values: ['ada', 'tidak ada', ''],
    apply: (t, a, v) => t.store.verifications.update(a, 1, { notes: v as string }),
  },
  {
    name: 'v1.checks',
    values: [
      { state: 'present', note: '' },
      { state: 'missing', note: '' },
      { state: 'present', note: 'tanpa tanda tangan' },
    ],
    apply: (t, a, v) =>
      t.store.verifications.setCheck(a, 1, 1, 0, v as { state: 'present'; note: string }),
  },
  {
    name: 'v2.verifiedLevel',
    values: [1, 5],
    apply: (t, a, v) => t.store.verifications.update(a, 2, { verifiedLevel: v as number }),
  },
  {
    name: 'ba.place',
    values: ['Aula', 'Kantor OPD'],
    apply: (t, a, v) => t.store.beritaAcara.update(a, { place: v as string }),
  },
  {
    name: 'assessment.status',
    values: ['sedang', 'selesai'],
    // Only once the assessment arrived by pull (tablets never create assessments).
    apply: async (t, a, v) =>
      (await t.store.assessments.get(a)) &&
      t.store.assessments.update(a, { status: v as 'sedang' }),
  },
];

type Step =
  | { kind: 'edit'; device: number; target: number; value: number }
  | { kind: 'sync'; device: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      device: fc.nat(2),
      target: fc.nat(TARGETS.length - 1),
      value: fc.nat(2),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), device: fc.nat(2) }) },
);

/** Scripts per dialect: the quick run's unless TELUSUR_PROPERTY_RUNS is set (`npm run soak`). */
const RUNS = process.env.TELUSUR_PROPERTY_RUNS ? Number(process.env.TELUSUR_PROPERTY_RUNS) : null;
const TIMEOUT = Number(process.env.TELUSUR_PROPERTY_TIMEOUT_MS ?? 120_000);

const FAULTY: Faults = { fail: 0.12, dropResponse: 0.12, duplicate: 0.12 };
const HEALED: Faults = { fail: 0, dropResponse: 0, duplicate: 0 };

async function run(h: SyncHarness, steps: Step[], seed: number): Promise<void> {
  const rng = seededRandom(seed);
  const team = await newTeam(h.services, h.base, { verifiers: 2, units: 1 });
  const a = team.assessmentIds[0] as string;
  const coordinator = await h.base.login('coordinator');
  const [v0, v1] = team.verifiers as unknown as [{ id: string }, { id: string }];
  const tablets = [
    await enrolTablet(h.call, coordinator, v0.id, 'Tablet A'),
    await enrolTablet(h.call, coordinator, v0.id, 'Tablet B'),
    await enrolTablet(h.call, coordinator, v1.id, 'Tablet C'),
  ];
  let faults = FAULTY;
  const fetch = flakyFetch(appFetch(h.app), rng, () => faults);
  const engines: SyncEngine[] = tablets.map((t) => tabletEngine(t, fetch, { split: rng }));
  const issued = new IssuedLog();
  const collect = () => issued.collect(tablets.map((t) => t.store));

  for (const step of steps) {
    const t = tablets[step.device] as Tablet;
    if (step.kind === 'edit') {
      const target = TARGETS[step.target] as Target;
      const value = target.values[step.value % target.values.length];
      await target.apply(t, a, value);
    } else {
      await collect();
      await (engines[step.device] as SyncEngine).sync().catch(() => undefined);
    }
  }
  await collect();

  // The network heals: everyone syncs until quiet.
  faults = HEALED;
  for (let round = 0; round < 2; round++) for (const e of engines) await syncHard(e);

  // Invariants 1-3: nothing lost, nothing twice, every field accounted for.
  const once = await expectExactlyOnce(
    h.base.db,
    tablets.map((t) => t.store),
    issued,
  );

  // Settle every open conflict (the coordinator picks the tablet's value), then sync.
  const open = await h.call('GET', '/api/conflicts?status=open', { token: coordinator });
  for (const c of open.body.conflicts.filter(
    (x: { assessmentId: string }) => x.assessmentId === a,
  )) {
    const r = await h.call('POST', `/api/conflicts/${c.id}/resolve`, {
      token: coordinator,
      json: { value: c.localValue },
    });
    // Settling one conflict of a field closes the others on it.
    expect([200, 409]).toContain(r.status);
  }
  for (let round = 0; round < 2; round++) for (const e of engines) await syncHard(e);

  // Invariant 4: versions.
  const fields = await h.base.db
    .selectFrom('recordFields')
    .selectAll()
    .where('assessmentId', '=', a)
    .execute();
  const after = await h.base.db
    .selectFrom('changes')
    .selectAll()
    .where('assessmentId', '=', a)
    .orderBy('seq')
    .execute();
  for (const f of fields) {
    const log = after.filter((c) => c.recordId === f.recordId && c.field === f.field);
    expect(log.map((c) => Number(c.version))).toEqual(log.map((_, i) => i + 1));
    expect(Number(f.version)).toBe(log.length);
    expect(f.valueJson).toBe(log.at(-1)?.valueJson);
  }

  // Invariant 5: convergence, no open conflicts anywhere.
  const remaining = await h.base.db
    .selectFrom('conflicts')
    .select('id')
    .where('assessmentId', '=', a)
    .where('resolvedAt', 'is', null)
    .execute();
  expect(remaining).toEqual([]);
  for (const t of tablets) {
    const local = new Map<string, Record<string, unknown> | null>();
    local.set(`assessment:${a}`, await t.store.assessments.get(a));
    local.set(`beritaAcara:${beritaAcaraId(a)}`, await t.store.beritaAcara.get(a));
    for (const v of await t.store.verifications.listByAssessment(a))
      local.set(`verification:${verificationId(a, v.indicatorNo)}`, v);
    const diverged: string[] = [];
    for (const f of fields) {
      const row = local.get(`${f.entity}:${f.recordId}`);
      if (!row || canonicalJson(row[f.field]) !== f.valueJson)
        diverged.push(
          `${t.label} ${f.entity}.${f.field}: ${JSON.stringify(row?.[f.field])} ≠ ${f.valueJson}`,
        );
    }
    expect(diverged).toEqual([]);
    expect(await t.store.conflicts.listOpen()).toEqual([]);
  }
  expect(fetch.stats.calls).toBeGreaterThan(0);
  totals.runs++;
  totals.mutations += issued.size;
  totals.conflicts += once.conflicts;
  totals.dropped += fetch.stats.dropped;
  totals.duplicated += fetch.stats.duplicated;
  totals.failed += fetch.stats.failed;
}

/** Over all runs of a suite: the faults and conflicts the property is meant to exercise did happen. */
let totals = { runs: 0, mutations: 0, conflicts: 0, dropped: 0, duplicated: 0, failed: 0 };

describeSync('sync property: exactly once under faults', (ctx, dialect) => {
  it(
    'three tablets, random edits, lost and doubled requests, random batch boundaries',
    async () => {
      totals = { runs: 0, mutations: 0, conflicts: 0, dropped: 0, duplicated: 0, failed: 0 };
      const started = performance.now();
      let failure: string | null = null;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(stepArb, { minLength: 6, maxLength: 28 }),
            fc.integer({ min: 1, max: 2 ** 31 - 1 }),
            (steps, seed) => run(ctx(), steps, seed),
          ),
          { numRuns: RUNS ?? (dialect === 'sqlite' ? 20 : 8), endOnFailure: true },
        );
      } catch (e) {
        failure = e instanceof Error ? e.message.slice(0, 500) : String(e);
        throw e;
      } finally {
        soakReport(
          'property',
          { dialect, ...totals, seconds: (performance.now() - started) / 1000, failure },
          'every script: nothing lost, nothing applied twice, every field accounted for, converged',
          failure === null,
        );
      }
      expect(totals.conflicts).toBeGreaterThan(0);
      expect(totals.dropped).toBeGreaterThan(0);
      expect(totals.duplicated).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
