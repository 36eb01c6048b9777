import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { PROTOCOL_HEADER } from '../../../src/core';
import { type Database, TABLES_CHILD_FIRST } from '../../../src/server/db/database';
import { PEMDA_CODE } from '../../../src/server/seed';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';

/**
 * Fuzzed request bodies (wrong types, huge strings, unicode, SQL-ish text, missing
 * fields, junk JSON) against every writing endpoint: only 4xx answers (never 5xx, never
 * 2xx) and not a single row written. Then a sweep over every registered route with
 * malformed path parameters, queries, bodies and headers: no 5xx, no row changed.
 *
 * Sizes: TELUSUR_FUZZ_RUNS bodies per writing endpoint (quick 60) and TELUSUR_FUZZ_SWEEP
 * requests per route (quick 8); `npm run soak` raises both to ≥ 10,000 requests (issue 8).
 */
const RUNS = Number(process.env.TELUSUR_FUZZ_RUNS ?? 60);
const SWEEP = Number(process.env.TELUSUR_FUZZ_SWEEP ?? 8);
const TIMEOUT = Number(process.env.TELUSUR_FUZZ_TIMEOUT_MS ?? 30_000);

/** One JSON line per test for `npm run soak` (TELUSUR_SOAK_REPORT); nothing otherwise. */
function soakReport(figures: Record<string, unknown>, met: boolean): void {
  const file = process.env.TELUSUR_SOAK_REPORT;
  if (!file) return;
  const line = { proof: 'fuzz', figures, goal: '5xx 0, rows changed 0', met };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** Tables whose row count differs (failed logins and enrolment codes are rate-limit records). */
function countsChanged(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys(after).filter((t) => t !== 'loginFailures' && after[t] !== before[t]);
}

const SQLISH = [
  "'; DROP TABLE units; --",
  '" OR "1"="1',
  '1; DELETE FROM accounts',
  "Robert'); DROP TABLE periods;--",
  '\u0000',
  `$${'{'}jndi:ldap://x}`,
  '<script>alert(1)</script>',
  'ＯＰＤ',
  '🇮🇩🇮🇩🇮🇩',
  'Kelurahan\u200bGrogol',
];

const sqlish = fc.constantFrom(...SQLISH);
const unicodeText = fc.string({ unit: 'grapheme', minLength: 0, maxLength: 40 });
const notAString = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }),
);
const notANumber = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant('3'),
  sqlish,
);
const hugeString = (over: number) =>
  fc.integer({ min: over + 1, max: over + 5000 }).map((n) => 'Ä'.repeat(n));
const missing = fc.constant(undefined);

/** Per field: values that must be rejected. `undefined` means "leave the field out". */
type Invalid = Record<string, fc.Arbitrary<unknown>>;

interface Target {
  name: string;
  method: string;
  path: (ctx: ServerContext) => Promise<string>;
  valid: (ctx: ServerContext) => Promise<Record<string, unknown>>;
  invalid: Invalid;
}

const TARGETS: Target[] = [
  {
    name: 'create period',
    method: 'POST',
    path: async () => '/api/periods',
    valid: async () => ({ name: 'Periode', year: 2024, frameworkId: 'spbe-2020', targetIndex: 3 }),
    invalid: {
      name: fc.oneof(notAString, hugeString(200), fc.constant('   '), missing),
      year: fc.oneof(
        notANumber,
        fc.integer({ min: -1e9, max: 1999 }),
        fc.integer({ min: 2101 }),
        fc.constant(2024.5),
        missing,
      ),
      frameworkId: fc.oneof(
        notAString,
        sqlish,
        unicodeText.filter((s) => s !== 'spbe-2020'),
        hugeString(64),
        missing,
      ),
      targetIndex: fc.oneof(
        notANumber,
        fc.double({ min: -1e6, max: 0.99, noNaN: true }),
        fc.double({ min: 5.01, max: 1e6, noNaN: true }),
        fc.constant(3.125),
        missing,
      ),
      status: fc.oneof(notAString, sqlish, fc.constant('ACTIVE')),
    },
  },
  {
    name: 'update period',
    method: 'PATCH',
    path: async (ctx) => `/api/periods/${ctx.demo?.periodId}`,
    valid: async () => ({ name: 'Periode' }),
    invalid: {
      name: fc.oneof(notAString, hugeString(200), fc.constant('')),
      targetIndex: fc.oneof(notANumber, fc.constant(0), fc.constant(6)),
      frameworkId: fc.oneof(notAString, sqlish),
      status: fc.oneof(notAString, sqlish),
    },
  },
  {
    name: 'create unit',
    method: 'POST',
    path: async () => '/api/units',
    valid: async (ctx) => ({
      code: 'FUZZ.1',
      name: 'Unit',
      kind: 'opd',
      parentId: await ctx.unitId(PEMDA_CODE),
    }),
    invalid: {
      code: fc.oneof(
        notAString,
        sqlish,
        hugeString(64),
        fc.constant(''),
        fc.constant(PEMDA_CODE),
        missing,
      ),
      name: fc.oneof(notAString, hugeString(200), fc.constant(''), missing),
      kind: fc.oneof(
        notAString,
        sqlish,
        fc.constantFrom('OPD', 'desa', 'kelurahan', 'pemda'),
        missing,
      ),
      parentId: fc.oneof(fc.integer(), fc.boolean(), sqlish, unicodeText, missing),
    },
  },
  {
    name: 'create verifier',
    method: 'POST',
    path: async () => '/api/verifiers',
    valid: async () => ({ email: 'fuzz@cilegon.demo', name: 'Verifikator' }),
    invalid: {
      email: fc.oneof(
        notAString,
        sqlish,
        fc.constantFrom('tanpa-at', 'a@', '@b.id', 'koordinator@cilegon.demo', 'x y@z.id'),
        hugeString(254),
        missing,
      ),
      name: fc.oneof(notAString, hugeString(200), fc.constant(' '), missing),
    },
  },
  {
    name: 'assign units',
    method: 'POST',
    path: async () => '/api/assignments',
    valid: async (ctx) => ({
      periodId: ctx.demo?.periodId,
      verifierId: await ctx.accountId('verifier2'),
      unitIds: [await ctx.unitId(PEMDA_CODE)],
    }),
    invalid: {
      periodId: fc.oneof(notAString, sqlish, unicodeText, missing),
      verifierId: fc.oneof(notAString, sqlish, unicodeText, missing),
      unitIds: fc.oneof(
        notAString.filter((v) => !Array.isArray(v)),
        fc.constant([]),
        fc.array(fc.oneof(sqlish, fc.integer()), { minLength: 1, maxLength: 3 }),
        missing,
      ),
    },
  },
  {
    name: 'replace self-assessment levels',
    method: 'PUT',
    path: async (ctx) =>
      `/api/periods/${ctx.demo?.periodId}/units/${await ctx.unitId(PEMDA_CODE)}/self-assessment`,
    valid: async () => ({ levels: [{ indicatorNo: 1, level: 3, justification: 'ok' }] }),
    invalid: {
      levels: fc.oneof(
        notAString.filter((v) => !Array.isArray(v)),
        fc.array(
          fc.record({
            indicatorNo: fc.oneof(notANumber, fc.constantFrom(0, 48, 1000, 1.5)),
            level: fc.oneof(fc.integer({ min: 1, max: 5 }), notANumber),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(
          fc.record({
            indicatorNo: fc.integer({ min: 1, max: 47 }),
            level: fc.oneof(notANumber, fc.constantFrom(0, 6, 2.5, -1)),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        missing,
      ),
    },
  },
  {
    name: 'login',
    method: 'POST',
    path: async () => '/api/auth/login',
    valid: async () => ({ email: 'koordinator@cilegon.demo', password: 'x' }),
    invalid: {
      email: fc.oneof(notAString, hugeString(254), fc.constant(''), missing),
      password: fc.oneof(notAString, hugeString(1024), fc.constant(''), missing),
    },
  },
  {
    name: 'enrol a tablet',
    method: 'POST',
    path: async () => '/api/devices/enrol',
    valid: async () => ({ code: 'ABCDEFGH', label: 'Tablet' }),
    invalid: {
      code: fc.oneof(notAString, hugeString(80), fc.constant('abc'), missing),
      label: fc.oneof(notAString, hugeString(100), fc.constant('  '), missing),
    },
  },
  {
    name: 'import an instrument',
    method: 'POST',
    path: async () => '/api/frameworks',
    valid: async () => ({
      id: 'fuzz',
      version: '1',
      name: 'x',
      basis: 'x',
      scales: { p: ['1', '2', '3', '4', '5'] },
      predicates: [{ name: 'A', min: 1 }],
      groups: [],
    }),
    invalid: {
      id: fc.oneof(notAString, sqlish, fc.constant('spbe-2020')),
      groups: fc.oneof(
        notAString,
        fc.constant([]),
        fc.array(fc.record({ id: sqlish, weight: notANumber }), { minLength: 1, maxLength: 2 }),
      ),
      predicates: fc.oneof(notAString, fc.constant([])),
      scales: fc.oneof(fc.integer(), fc.constant({ p: ['1'] })),
    },
  },
];

/** A valid body with at least one field corrupted (and possibly more). */
function corrupted(
  valid: Record<string, unknown>,
  invalid: Invalid,
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.keys(invalid);
  return fc
    .record({
      first: fc.constantFrom(...fields),
      firstValue: fc.constant(null),
      others: fc.subarray(fields),
    })
    .chain(({ first, others }) => {
      const chosen = [...new Set([first, ...others])];
      return fc.tuple(...chosen.map((f) => invalid[f] as fc.Arbitrary<unknown>)).map((values) => {
        const body: Record<string, unknown> = { ...valid };
        chosen.forEach((f, i) => {
          if (values[i] === undefined) delete body[f];
          else body[f] = values[i];
        });
        return body;
      });
    });
}

/** Whole-body junk: not an object, or not JSON at all. */
const junk = fc.oneof(
  fc
    .jsonValue()
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => JSON.stringify(v)),
  fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    '{"name": "x"}}',
    '\u0000',
    'null',
    '[]',
    '""',
    '{"__proto__": {"admin": true}}',
  ),
);

function isRejection(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403;
}

describeEachDialect('fuzzed request bodies', (ctx) => {
  for (const target of TARGETS) {
    it(
      `${target.name}: corrupted and junk bodies get only 4xx and write nothing`,
      async () => {
        const token = await ctx().login('coordinator');
        const path = await target.path(ctx());
        const valid = await target.valid(ctx());
        const before = await ctx().rowCounts();
        const seen: number[] = [];
        const report = async (failed: boolean) => {
          const changed = countsChanged(before, await ctx().rowCounts());
          const fiveXX = seen.filter((x) => x >= 500).length;
          soakReport(
            { dialect: ctx().dialect, test: target.name, requests: seen.length, fiveXX, changed },
            !failed && fiveXX === 0 && changed.length === 0,
          );
        };
        let failed = true;
        try {
          await fc.assert(
            fc.asyncProperty(
              fc.oneof(
                { arbitrary: corrupted(valid, target.invalid), weight: 4 },
                { arbitrary: junk, weight: 1 },
              ),
              async (body) => {
                const r =
                  typeof body === 'string'
                    ? await ctx().call(target.method, path, {
                        token,
                        body,
                        contentType: 'application/json',
                      })
                    : await ctx().call(target.method, path, { token, json: body });
                seen.push(r.status);
                if (!isRejection(r.status))
                  throw new Error(
                    `${r.status} for ${JSON.stringify(body).slice(0, 300)}: ${r.text.slice(0, 300)}`,
                  );
                expect(typeof r.body?.code).toBe('string');
                expect(typeof r.body?.message).toBe('string');
              },
            ),
            { numRuns: RUNS },
          );
          failed = false;
        } finally {
          await report(failed);
        }
        expect(seen.length).toBeGreaterThan(0);
        const after = await ctx().rowCounts();
        // Failed logins and wrong enrolment codes are recorded for rate limiting; nothing else may change.
        expect({ ...after, loginFailures: 0 }).toEqual({ ...before, loginFailures: 0 });
      },
      TIMEOUT,
    );
  }

  it(
    'CSV imports: random text and random rows get a 4xx report and write nothing',
    async () => {
      const token = await ctx().login('coordinator');
      const before = await ctx().rowCounts();
      const seen: number[] = [];
      let failed = true;
      try {
        const cell = fc.oneof(
          unicodeText,
          sqlish,
          fc.constant('"'),
          fc.constant('a,b'),
          fc.constant('x\ny'),
        );
        const rows = fc.array(
          fc
            .tuple(cell, cell, cell, cell)
            .map((c) => c.map((x) => `"${x.replace(/"/g, '""')}"`).join(',')),
          { maxLength: 8 },
        );
        const unitsCsv = fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          // Always one row that cannot be valid (kind "desa"), so the file as a whole is never importable.
          rows.map((r) => ['code,name,kind,parent_code', 'X.1,Bad,desa,36.72', ...r].join('\n')),
        );
        await fc.assert(
          fc.asyncProperty(unitsCsv, async (csv) => {
            const r = await ctx().call('POST', '/api/units/import', {
              token,
              body: csv,
              contentType: 'text/csv',
            });
            seen.push(r.status);
            if (!isRejection(r.status)) throw new Error(`${r.status}: ${r.text.slice(0, 300)}`);
          }),
          { numRuns: RUNS },
        );
        const levelsCsv = fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 300 }),
          rows.map((r) =>
            ['unit_code,indicator_no,level,justification', 'TIDAK.ADA,1,3,x', ...r].join('\n'),
          ),
        );
        await fc.assert(
          fc.asyncProperty(levelsCsv, async (csv) => {
            const r = await ctx().call(
              'POST',
              `/api/periods/${ctx().demo?.periodId}/self-assessments/import`,
              { token, body: csv, contentType: 'text/csv' },
            );
            seen.push(r.status);
            if (!isRejection(r.status)) throw new Error(`${r.status}: ${r.text.slice(0, 300)}`);
          }),
          { numRuns: RUNS },
        );
        failed = false;
      } finally {
        const changed = countsChanged(before, await ctx().rowCounts());
        const fiveXX = seen.filter((x) => x >= 500).length;
        soakReport(
          { dialect: ctx().dialect, test: 'CSV imports', requests: seen.length, fiveXX, changed },
          !failed && fiveXX === 0 && changed.length === 0,
        );
      }
      expect(await ctx().rowCounts()).toEqual(before);
    },
    TIMEOUT,
  );

  it('stores valid unicode and SQL-looking text verbatim', async () => {
    const token = await ctx().login('coordinator');
    const name = "Kelurahan Ünïcødé 'Rawa Arum'; DROP TABLE units; -- 🇮🇩";
    const kec = (await ctx().call('GET', '/api/units', { token })).body.units.find(
      (u: { kind: string }) => u.kind === 'kecamatan',
    );
    const r = await ctx().call('POST', '/api/units', {
      token,
      json: { code: 'UNI.1', name, kind: 'kelurahan', parentId: kec.id },
    });
    expect(r.status).toBe(201);
    expect((await ctx().call('GET', `/api/units/${r.body.id}`, { token })).body.name).toBe(name);
    expect((await ctx().rowCounts()).units).toBe(73);
  });
});
