import { beforeAll, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  computeIndex,
  type Framework,
  type History,
  type HistoryIndicatorChange,
  HistorySchema,
  type LevelMap,
  listIndicators,
  pemdi2026,
  spbe2020,
} from '../../../src/core';
import {
  DEMO_ACCOUNTS,
  DEMO_ORGANISATION,
  DEMO_PASSWORD,
  PEMDI_CITY_VALUES,
} from '../../../src/server/seed';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';

/**
 * The index over the years (GET /api/history, issue 18): every period of the organisation
 * but drafts, oldest first, with the city's self, verified (city-index rule) and official
 * indices — each equal to core computeIndex of the values the test put in — per group and
 * overall; indicators that rose or fell between two periods of one instrument (on both
 * official results when both were imported, else on both city levels), and only the
 * overall change across instruments. Set up through the real services on an empty
 * database: two SPBE 2020 periods and one Pemdi 2026 period.
 */

const SPBE = listIndicators(spbe2020).map((i) => i.no);
const PEMDI = listIndicators(pemdi2026).map((i) => i.no);

const clamp = (v: number) => Math.min(5, Math.max(1, v));
const byNo = (nos: readonly number[], f: (no: number, i: number) => number | null): LevelMap =>
  Object.fromEntries(nos.map((no, i) => [no, f(no, i)]));

/** SPBE 2021: self levels, the verifier's levels on indicators 1–12, the official result. */
const SELF_A = byNo(SPBE, (_, i) => 1 + (i % 3));
const VER_A: Record<number, number> = Object.fromEntries(
  SPBE.slice(0, 12).map((no, i) => [no, clamp(1 + (i % 3) - (i % 2))]),
);
const OFF_A = byNo(SPBE, (_, i) => 1 + (i % 2));
/** SPBE 2023: higher self levels, the verifier on indicators 5–20, an official result later. */
const SELF_B = byNo(SPBE, (_, i) => clamp(1 + ((i + 1) % 4)));
const VER_B: Record<number, number> = Object.fromEntries(
  SPBE.slice(4, 20).map((no, i) => [no, clamp(2 + (i % 3))]),
);
const OFF_B = byNo(SPBE, (_, i) => clamp(1 + (i % 3) + (i % 5 === 0 ? 2 : 0)));
/** Pemdi 2026: the demo city's penilaian mandiri (decimals). */
const SELF_C = byNo(PEMDI, (_, i) => PEMDI_CITY_VALUES[i] as number);

/** verified, else self, per indicator (the city-index rule, written out independently). */
function consolidated(self: LevelMap, verified: Record<number, number>): LevelMap {
  return Object.fromEntries(Object.entries(self).map(([no, v]) => [no, verified[+no] ?? v]));
}
const official = (fw: Framework, levels: LevelMap) =>
  computeIndex(fw, levels, { rule: 'official' });

/** The expected rose / fell lists, computed independently: hundredths, largest change first. */
function expectedChanges(fw: Framework, from: LevelMap, to: LevelMap) {
  const name = new Map(listIndicators(fw).map((i) => [i.no, i.spec.name]));
  const rows: HistoryIndicatorChange[] = [];
  let unchanged = 0;
  for (const no of listIndicators(fw).map((i) => i.no)) {
    const a = from[no] as number;
    const b = to[no] as number;
    const change = Math.round(b * 100 - a * 100) / 100;
    if (change === 0) unchanged++;
    else rows.push({ no, name: name.get(no) ?? '', from: a, to: b, change });
  }
  const size = (x: HistoryIndicatorChange, y: HistoryIndicatorChange) =>
    Math.abs(y.change as number) - Math.abs(x.change as number) || x.no - y.no;
  return {
    rose: rows.filter((r) => (r.change as number) > 0).sort(size),
    fell: rows.filter((r) => (r.change as number) < 0).sort(size),
    unchangedCount: unchanged,
  };
}

function csvOf(levels: LevelMap): string {
  const rows = Object.entries(levels).map(([no, v]) => `${no};;${String(v).replace('.', ',')}`);
  return `no_indikator;nama_indikator;nilai\r\n${rows.join('\r\n')}\r\n`;
}

interface Setup {
  a: string;
  b: string;
  c: string;
  draft: string;
  ownerToken: string;
}

/** Accounts, units, periods, penilaian mandiri, verifications and official results. */
async function setUp(h: ServerContext): Promise<Setup> {
  const s = h.services;
  await s.organisation.set(DEMO_ORGANISATION, null);
  const accounts = [];
  for (const a of DEMO_ACCOUNTS)
    accounts.push(await s.accounts.create({ ...a, password: DEMO_PASSWORD }));
  const coordinator = accounts[0]?.id as string;
  const verifier = accounts[2]?.id as string;
  await s.accounts.create({
    email: 'pemilik@uji.test',
    name: 'Pemilik tindak lanjut',
    role: 'owner',
    password: DEMO_PASSWORD,
  });
  await s.units.importRows(
    [
      { line: 2, code: 'K', name: 'Pemerintah Kota Uji', kind: 'pemda', parentCode: '' },
      { line: 3, code: 'K.1', name: 'Dinas Uji', kind: 'opd', parentCode: 'K' },
    ],
    {},
  );
  const city = await h.unitId('K');
  const opd = await h.unitId('K.1');
  const period = (name: string, year: number, fw: Framework, status: 'active' | 'draft') =>
    s.periods.create({ name, year, frameworkId: fw.id, targetIndex: 3, status });
  const rows = (levels: LevelMap) =>
    Object.entries(levels).map(([no, level]) => ({
      indicatorNo: +no,
      level: level as number,
      justification: 'uji',
    }));
  const verify = async (periodId: string, values: Record<number, number>) => {
    await s.assignments.create({ periodId, verifierId: verifier, unitIds: [city] }, coordinator);
    await s.assignments.seedStageValues(periodId, city, 'dokumen', values, {
      accountId: verifier,
      name: 'Verifikator Satu',
    });
  };
  const importOfficial = (periodId: string, levels: LevelMap) =>
    s.official.import(periodId, { kind: 'csv', text: csvOf(levels) }, 'hasil.csv', coordinator);

  // Created out of order: the history sorts by year, then creation.
  const b = await period('Evaluasi SPBE 2023', 2023, spbe2020, 'active');
  const c = await period('Evaluasi Pemdi 2026', 2026, pemdi2026, 'active');
  const a = await period('Evaluasi SPBE 2021', 2021, spbe2020, 'active');
  const draft = await period('Evaluasi SPBE 2024 (draf)', 2024, spbe2020, 'draft');
  await s.selfAssessments.put(a.id, city, rows(SELF_A), coordinator);
  await s.selfAssessments.put(b.id, city, rows(SELF_B), coordinator);
  await s.selfAssessments.put(c.id, city, rows(SELF_C), coordinator);
  // An OPD's levels never enter the city index.
  await s.selfAssessments.put(b.id, opd, rows(byNo(SPBE, () => 5)), coordinator);
  await verify(a.id, VER_A);
  await verify(b.id, VER_B);
  await importOfficial(a.id, OFF_A);
  await s.periods.update(a.id, { status: 'closed' });

  // Actions of SPBE 2023 (no actions service on this branch: plain rows): done, under way
  // but past its due date (2 October 2023 is today), planned and due today.
  const action = (id: string, status: string, dueDate: string) => ({
    id,
    periodId: b.id,
    frameworkId: spbe2020.id,
    indicatorNo: 1,
    unitId: city,
    ownerUnitId: opd,
    ownerPerson: 'Kepala Bidang',
    title: 'Tindak lanjut uji',
    fromLevel: 1,
    fromSource: 'self',
    targetLevel: 3,
    dueDate,
    evidenceJson: '[]',
    status: status as 'rencana',
    origin: 'manual' as const,
    originRef: null,
    closingNote: null,
    linksJson: '[]',
    closedAt: null,
    closedBy: null,
    createdAt: h.clock.now,
    createdBy: coordinator,
    updatedAt: h.clock.now,
    version: 1,
  });
  await h.db
    .insertInto('actions')
    .values([
      action('act-1', 'selesai', '2023-09-01'),
      action('act-2', 'berjalan', '2023-10-01'),
      action('act-3', 'rencana', '2023-10-02'),
    ])
    .execute();
  const login = await h.call('POST', '/api/auth/login', {
    json: { email: 'pemilik@uji.test', password: DEMO_PASSWORD },
  });
  return { a: a.id, b: b.id, c: c.id, draft: draft.id, ownerToken: login.body.token };
}

describeEachDialect(
  'index history (GET /api/history)',
  (ctx) => {
    let ids: Setup;
    beforeAll(async () => {
      ids = await setUp(ctx());
    });

    async function history(who: 'coordinator' | 'viewer' = 'viewer'): Promise<History> {
      const r = await ctx().call('GET', '/api/history', { token: await ctx().login(who) });
      expect(r.status, r.text).toBe(200);
      return z.parse(HistorySchema, r.body);
    }

    it('lists every period but drafts, by year, with indices equal to computeIndex of the inputs', async () => {
      const h = await history();
      expect(h.periods.map((p) => p.period.id)).toEqual([ids.a, ids.b, ids.c]);
      expect(h.periods.map((p) => p.period.status)).toEqual(['closed', 'active', 'active']);
      expect(h.periods.map((p) => p.framework.id)).toEqual([
        spbe2020.id,
        spbe2020.id,
        pemdi2026.id,
      ]);
      const [a, b, c] = h.periods;
      const cases = [
        [a, spbe2020, SELF_A, consolidated(SELF_A, VER_A), OFF_A],
        [b, spbe2020, SELF_B, consolidated(SELF_B, VER_B), null],
        [c, pemdi2026, SELF_C, SELF_C, null],
      ] as const;
      for (const [p, fw, self, verified, off] of cases) {
        const exp = {
          self: official(fw, self),
          verified: official(fw, verified),
          official: off ? official(fw, off) : null,
        };
        expect(p?.self.index).toBe(exp.self.index);
        expect(p?.self.predicate).toBe(exp.self.predicate);
        expect(p?.verified.index).toBe(exp.verified.index);
        expect(p?.verified.predicate).toBe(exp.verified.predicate);
        expect(p?.official?.index ?? null).toBe(exp.official?.index ?? null);
        expect(p?.groups.map((g) => g.id)).toEqual(exp.self.groups.map((g) => g.id));
        expect(p?.groups.map((g) => g.self)).toEqual(exp.self.groups.map((g) => g.index));
        expect(p?.groups.map((g) => g.verified)).toEqual(exp.verified.groups.map((g) => g.index));
        expect(p?.groups.map((g) => g.official)).toEqual(
          exp.official ? exp.official.groups.map((g) => g.index) : exp.self.groups.map(() => null),
        );
      }
      // The verification moved the index: the verified one is not the self one.
      expect(a?.verified.index).not.toBe(a?.self.index);
      expect(b?.verified.index).not.toBe(b?.self.index);
    });

    it('counts each period’s actions by display status (overdue from the due date, in the organisation’s day)', async () => {
      const h = await history();
      expect(h.periods[1]?.actions).toEqual({
        rencana: 1,
        berjalan: 0,
        terlambat: 1,
        selesai: 1,
        total: 3,
      });
      expect(h.periods[0]?.actions.total).toBe(0);
      expect(h.periods[2]?.actions.total).toBe(0);
    });

    it('compares one instrument on both city levels while only one period has an official result', async () => {
      const [ab, bc] = (await history()).steps;
      expect(ab).toMatchObject({ fromPeriodId: ids.a, toPeriodId: ids.b, sameInstrument: true });
      expect(ab?.basis).toBe('city');
      const from = consolidated(SELF_A, VER_A);
      const to = consolidated(SELF_B, VER_B);
      const exp = expectedChanges(spbe2020, from, to);
      expect(exp.rose.length).toBeGreaterThan(0);
      expect(exp.fell.length).toBeGreaterThan(0);
      expect(ab?.rose).toEqual(exp.rose);
      expect(ab?.fell).toEqual(exp.fell);
      expect(ab?.unchangedCount).toBe(exp.unchangedCount);
      expect((ab?.rose.length ?? 0) + (ab?.fell.length ?? 0) + (ab?.unchangedCount ?? 0)).toBe(
        SPBE.length,
      );
      // Sorted by size, largest first.
      const sizes = ab?.rose.map((r) => Math.abs(r.change as number)) ?? [];
      expect(sizes).toEqual([...sizes].sort((x, y) => y - x));
      expect(ab?.verifiedChange).toBeCloseTo(
        (official(spbe2020, to).index as number) - (official(spbe2020, from).index as number),
        10,
      );
      expect(ab?.officialChange).toBeNull();

      // Across instruments: only the overall index, no indicator lists.
      expect(bc).toMatchObject({
        fromPeriodId: ids.b,
        toPeriodId: ids.c,
        sameInstrument: false,
        basis: null,
        rose: [],
        fell: [],
        unchangedCount: 0,
        officialChange: null,
      });
      expect(bc?.verifiedChange).toBeCloseTo(
        (official(pemdi2026, SELF_C).index as number) - (official(spbe2020, to).index as number),
        10,
      );
    });

    it('compares on both official results once both periods have one', async () => {
      const h0 = ctx();
      const coordinator = await h0.accountId('coordinator');
      await h0.services.official.import(
        ids.b,
        { kind: 'csv', text: csvOf(OFF_B) },
        'hasil-2023.csv',
        coordinator,
      );
      const h = await history('coordinator');
      const ab = h.steps[0];
      expect(ab?.basis).toBe('official');
      const exp = expectedChanges(spbe2020, OFF_A, OFF_B);
      expect(ab?.rose).toEqual(exp.rose);
      expect(ab?.fell).toEqual(exp.fell);
      expect(ab?.unchangedCount).toBe(exp.unchangedCount);
      expect(ab?.officialChange).toBeCloseTo(
        (official(spbe2020, OFF_B).index as number) - (official(spbe2020, OFF_A).index as number),
        10,
      );
      expect(h.periods[1]?.official?.index).toBe(official(spbe2020, OFF_B).index);
      // One official result is not enough across instruments either: still no lists.
      expect(h.steps[1]).toMatchObject({ sameInstrument: false, basis: null, rose: [], fell: [] });
    });

    it('is read by coordinators and viewers only', async () => {
      const h = ctx();
      for (const who of ['verifier1', 'verifier2'] as const) {
        const r = await h.call('GET', '/api/history', { token: await h.login(who) });
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('forbidden');
      }
      const owner = await h.call('GET', '/api/history', { token: ids.ownerToken });
      expect(owner.status).toBe(403);
      expect(owner.body.code).toBe('forbidden');
      const anonymous = await h.call('GET', '/api/history');
      expect(anonymous.status).toBe(401);
    });
  },
  { seed: false },
);
