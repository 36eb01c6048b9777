import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { UnitFilter } from '../../../src/core';
import { createApp } from '../../../src/server/app';
import { openDatabase } from '../../../src/server/db/connect';
import { kecamatanCode, PEMDA_CODE } from '../../../src/server/seed';
import {
  type CallResult,
  createServerContext,
  describeEachDialect,
  PG_URL,
  requestsTo,
  type ServerContext,
  TEST_CONFIG,
} from '../../helpers/server-context';
import { seededRandom } from '../../helpers/sync-harness';
import { evidenceFile, levels, type RawTablet, rawTablet, storeFile } from './helpers';

/**
 * The dashboard's period aggregates are cached per process under a database fingerprint
 * (dashboard.service.ts). These tests hold the cache to what the coordinator must see: after
 * any write a tablet or coordinator can make — through this server, another one on the same
 * database, or straight into the services — the served dashboard equals a full
 * recomputation (`cache: false`).
 */

/** The view as JSON, without the time it was generated. */
function comparable(view: unknown): unknown {
  const { generatedAt: _, ...rest } = JSON.parse(JSON.stringify(view)) as {
    generatedAt: unknown;
  };
  return rest;
}

function query(filter: UnitFilter): string {
  const q = new URLSearchParams();
  if (filter.parentId) q.set('parentId', filter.parentId);
  if (filter.kind) q.set('kind', filter.kind);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Served (over HTTP, cached) and recomputed (cache bypassed) dashboards are equal. */
async function expectFresh(
  h: ServerContext,
  call: (method: string, path: string, o?: { token?: string }) => Promise<CallResult>,
  token: string,
  filter: UnitFilter,
  why: string,
): Promise<void> {
  const periodId = h.demo?.periodId as string;
  const served = await call('GET', `/api/dashboard/${periodId}${query(filter)}`, { token });
  expect(served.status, why).toBe(200);
  const fresh = await h.services.dashboard.dashboard(periodId, filter, {}, { cache: false });
  expect(comparable(served.body), why).toEqual(comparable(fresh));
}

describeEachDialect('dashboard cache', (ctx) => {
  it('serves, after random sequences of tablet pushes and coordinator edits, exactly a full recomputation', async () => {
    const h = ctx();
    const periodId = h.demo?.periodId as string;
    const token = await h.login('coordinator');
    const verifierId = await h.accountId('verifier1');
    const tablet: RawTablet = await rawTablet(h, 'verifier1');
    const pemdaId = await h.unitId(PEMDA_CODE);
    const kecamatanId = await h.unitId(kecamatanCode(0));
    const filters: UnitFilter[] = [{}, { kind: 'opd' }, { parentId: kecamatanId }];
    const seed = Number(process.env.DASHBOARD_CACHE_SEED ?? 20_2026);
    const random = seededRandom(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const assessments = async () =>
      (await h.services.assignments.list({ periodId })).filter((a) => a.verifierId === verifierId);
    const units = async () => (await h.services.units.tree()).filter((u) => u.kind !== 'pemda');
    const pendingFiles: { bytes: Uint8Array; sha256: string }[] = [];
    const pushedFiles = new Set<{ recordId: string }>();

    // Each operation is something a tablet or a coordinator does; every one moves an input
    // of the dashboard (levels, not-applicable marks, self levels, units, assessments,
    // evidence references and files held).
    const operations: Record<string, () => Promise<void>> = {
      'tablet pushes verified levels': async () => {
        const a = pick(await assessments());
        const byNo: Record<number, number | null> = {};
        for (let i = 0; i < 1 + Math.floor(random() * 4); i++)
          byNo[1 + Math.floor(random() * 47)] =
            random() < 0.15 ? null : 1 + Math.floor(random() * 5);
        const na = random() < 0.3 ? [1 + Math.floor(random() * 47)] : [];
        await tablet.push(levels(a.assessmentId, byNo, na));
      },
      'tablet pushes an evidence photo': async () => {
        const a = pick(await assessments());
        const bytes = randomBytes(64);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        await tablet.push([
          evidenceFile(a.assessmentId, `ev-${sha256.slice(0, 12)}`, {
            sha256,
            bytes: bytes.length,
            capturedAt: h.clock.now,
            indicatorNo: 1 + Math.floor(random() * 47),
          }),
        ]);
        pendingFiles.push({ bytes, sha256 });
        pushedFiles.add({ recordId: `ev-${sha256.slice(0, 12)}` });
      },
      'tablet deletes an evidence photo': async () => {
        const sent = [...pushedFiles];
        if (sent.length === 0) return;
        const f = pick(sent);
        await tablet.push([{ entity: 'evidenceFile', id: f.recordId, changes: { deleted: true } }]);
        pushedFiles.delete(f);
      },
      'tablet moves the assessment status': async () => {
        const a = pick(await assessments());
        await tablet.push([
          {
            entity: 'assessment',
            id: a.assessmentId,
            changes: { status: pick(['sedang', 'belum', 'sedang']) },
          },
        ]);
      },
      'the photo arrives (tus upload finished)': async () => {
        const f = pendingFiles.shift();
        if (f) await storeFile(h.services, f.bytes, f.sha256);
      },
      'coordinator sets self-assessed levels': async () => {
        const u = pick(await units());
        const rows = Array.from({ length: 1 + Math.floor(random() * 5) }, () => ({
          indicatorNo: 1 + Math.floor(random() * 47),
          level: 1 + Math.floor(random() * 5),
          justification: 'Penilaian mandiri uji',
        }));
        const once = [...new Map(rows.map((r) => [r.indicatorNo, r])).values()];
        await h.services.selfAssessments.put(periodId, u.id, once, null);
      },
      'coordinator assigns another unit': async () => {
        const assigned = new Set((await assessments()).map((a) => a.unitId));
        const free = (await units()).filter((u) => !assigned.has(u.id));
        if (free.length > 0)
          await h.services.assignments.create(
            { periodId, verifierId, unitIds: [pick(free).id] },
            null,
          );
      },
      'coordinator renames a unit': async () => {
        const u = pick(await units());
        await h.services.units.update(u.id, {
          name: `${u.name.replace(/ \(\d+\)$/, '')} (${Math.floor(random() * 1000)})`,
        });
      },
      'coordinator adds an OPD': async () => {
        await h.services.units.create({
          code: `${PEMDA_CODE}.OPD.X${Math.floor(random() * 1e9)}`,
          name: 'Dinas baru',
          kind: 'opd',
          parentId: pemdaId,
        });
      },
    };
    const names = Object.keys(operations);
    // Warm the cache of every filter first, so a stale entry would be served below.
    for (const f of filters) await expectFresh(h, h.call, token, f, 'before any write');
    for (let step = 0; step < 24; step++) {
      const name = pick(names);
      await (operations[name] as () => Promise<void>)();
      const why = `seed ${seed}, step ${step}: ${name}`;
      for (const f of filters) await expectFresh(h, h.call, token, f, why);
      // Asked again without a write in between: the cached view, still equal.
      await expectFresh(h, h.call, token, pick(filters), `${why} (again)`);
    }
  });

  it('shows a push on the very next request, after the same request was served from the cache', async () => {
    const h = ctx();
    const periodId = h.demo?.periodId as string;
    const token = await h.login('coordinator');
    const tablet = await rawTablet(h, 'verifier2');
    const verifierId = await h.accountId('verifier2');
    const a = (await h.services.assignments.list({ periodId })).find(
      (x) => x.verifierId === verifierId,
    );
    if (!a) throw new Error('verifier2 has no assignment in the demo');
    const verifiedOf = async () => {
      const r = await h.call('GET', `/api/dashboard/${periodId}?limit=500`, { token });
      expect(r.status).toBe(200);
      return (r.body.units as { unitId: string; verified: number }[]).find(
        (u) => u.unitId === a.unitId,
      )?.verified;
    };
    const before = await verifiedOf();
    expect(await verifiedOf()).toBe(before);
    // Two indicators not verified yet in the demo (verified levels never go below 1).
    const cells = await h.services.dashboard.dashboard(
      periodId,
      {},
      { limit: 500 },
      { cache: false },
    );
    const row = cells.heatmap.rows.find((r) => r.unitId === a.unitId);
    const open = (row?.verified ?? []).flatMap((v, i) => (v === null ? [i + 1] : [])).slice(0, 2);
    expect(open).toHaveLength(2);
    await tablet.push(levels(a.assessmentId, { [open[0] as number]: 3, [open[1] as number]: 2 }));
    expect(await verifiedOf()).toBe((before ?? 0) + 2);
  });
});

// Several server processes share one PostgreSQL (issue 19): each keeps its own cache, so each
// must notice what the other wrote. Two apps on two connection pools over one schema stand in
// for two processes (as tus-multiprocess.test.ts does); SQLite has one process per file.
describe.skipIf(!PG_URL)('dashboard cache across two servers on one PostgreSQL', () => {
  it('never serves a stale dashboard after a push or an edit through the other server', async () => {
    const h = await createServerContext('postgres');
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(h.db)).rows[0]
      ?.s as string;
    const other = openDatabase({ databaseUrl: PG_URL as string, pgSchema: schema, pgPoolSize: 3 });
    try {
      const appB = createApp({
        db: other.db,
        dialect: 'postgres',
        clock: () => h.clock.now,
        config: TEST_CONFIG,
      });
      const callB = requestsTo(appB);
      const periodId = h.demo?.periodId as string;
      const token = await h.login('coordinator');
      const tablet = await rawTablet(h, 'verifier1');
      const verifierId = await h.accountId('verifier1');
      const mine = (await h.services.assignments.list({ periodId })).filter(
        (a) => a.verifierId === verifierId,
      );
      const random = seededRandom(19_20);
      const filters: UnitFilter[] = [{}, { kind: 'opd' }];
      for (const f of filters) await expectFresh(h, callB, token, f, 'B before any write');
      for (let step = 0; step < 8; step++) {
        const a = mine[step % mine.length];
        if (!a) throw new Error('verifier1 has no assignment');
        // Through server A: a tablet push, and every other step a coordinator edit over HTTP.
        await tablet.push(
          levels(a.assessmentId, { [1 + Math.floor(random() * 47)]: 1 + Math.floor(random() * 5) }),
        );
        for (const f of filters) await expectFresh(h, callB, token, f, `B after push ${step}`);
        if (step % 2 === 0) {
          const r = await h.call(
            'PUT',
            `/api/periods/${periodId}/units/${a.unitId}/self-assessment`,
            {
              token,
              json: {
                levels: [{ indicatorNo: 1 + step, level: 1 + (step % 5), justification: 'Uji' }],
              },
            },
          );
          expect(r.status, r.text).toBe(200);
          for (const f of filters) await expectFresh(h, callB, token, f, `B after edit ${step}`);
        }
      }
    } finally {
      await other.close();
      await h.close();
    }
  });
});
