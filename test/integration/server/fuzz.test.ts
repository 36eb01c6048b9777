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
 * requests per route (quick 8); `npm run soak` raises both to ≥ 10,000 requests.
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
  return Object.keys(after).filter((t) => t !== 'authAttempts' && after[t] !== before[t]);
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

// ---- the sweep over every route -------------------------------------------------------

interface SweepRoute {
  /** As registered, e.g. `GET /api/units/:id`; `ALL` for the tus endpoints. */
  method: string;
  path: string;
}

/** Every API route the app registered (the authorisation matrix's list), plus tus (`ALL /api/files…`). */
function sweepRoutes(routes: readonly { method: string; path: string }[]): SweepRoute[] {
  const seen = new Map<string, SweepRoute>();
  for (const r of routes) {
    if (!r.path.startsWith('/api/') || r.path === '/api/*') continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

/** Junk for a path parameter: never a dot segment (the URL parser would resolve it away). */
const junkParam = fc
  .oneof(
    sqlish,
    unicodeText,
    hugeString(2000),
    fc.integer().map(String),
    fc.constantFrom('', '-1', '0', 'null', 'undefined', ' ', '%', '%zz', '1e309', 'NaN'),
    fc.uuid(),
    fc.string({ maxLength: 70 }),
  )
  .map((v) => encodeURIComponent(v))
  .filter((v) => !/^(\.|%2e){1,2}$/i.test(v));

const QUERY_KEYS = [
  'cursor',
  'limit',
  'offset',
  'kind',
  'parentId',
  'status',
  'indicatorNo',
  'periodId',
  'target',
  'effort',
  'fixed',
  'q',
];
const junkQuery = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 10 })),
      fc.oneof(
        sqlish,
        unicodeText,
        fc.constantFrom('-1', '1e309', 'NaN', '', '[]', '{}', '999999999999999999999', '1:x,2'),
        hugeString(3000),
      ),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) =>
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
  );

/** A body no route accepts: not JSON, not an object, or an object of junk. */
const junkBody = fc.oneof(
  junk,
  fc
    .dictionary(fc.oneof(sqlish, fc.string({ maxLength: 12 })), notAString, {
      minKeys: 1,
      maxKeys: 4,
    })
    .map((o) => JSON.stringify(o)),
  hugeString(100_000),
);

const junkAuth = fc.constantFrom(
  'Bearer ',
  'Bearer x',
  `Bearer ${'a'.repeat(64)}`,
  'Basic a29vcmRpbmF0b3I6eA==',
  'bearer',
  'Token abc',
  `Bearer ${'ä'.repeat(300)}`,
);

interface SweepRequest {
  method: string;
  path: string;
  query: string | null;
  /** Which credentials: a valid coordinator or tablet token, none, or a junk header. */
  auth: 'coordinator' | 'tablet' | 'none' | { header: string };
  body: string | null;
  contentType: string | null;
  /** Protocol header: the right one, none, or junk. */
  protocol: 'ok' | 'none' | string;
  extra: Record<string, string>;
}

const BODYLESS_WRITES = new Set([
  'POST /api/auth/logout',
  // A tablet's own identity (rotate, bundle secret, release); they read no body.
  'POST /api/devices/rotate',
  'POST /api/devices/release',
  // Removing the organisation's logo reads no body either.
  'DELETE /api/organisation/logo',
]);

/**
 * A malformed request for a route. So that no request could be a valid write, every one
 * carries junk where it counts: junk path parameters when the route has any; else, for a
 * write, a junk body (junk credentials for logout, rotate, release and the logo's removal,
 * which read none); reads may be left
 * with valid parameters and get junk queries and headers instead.
 */
function malformed(route: SweepRoute): fc.Arbitrary<SweepRequest> {
  const hasParams = /[:*]/.test(route.path);
  const method =
    route.method === 'ALL'
      ? fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS')
      : fc.constant(route.method);
  const path = hasParams
    ? fc.array(junkParam, { minLength: 4, maxLength: 4 }).map((vals) => {
        let i = 0;
        return route.path.replace(/:[A-Za-z0-9_]+|\*/g, () => vals[i++ % vals.length] as string);
      })
    : fc.constant(route.path);
  return fc
    .record({
      method,
      path,
      query: fc.option(junkQuery, { nil: null }),
      // Mostly valid credentials and protocol, so most requests reach validation and lookup.
      auth: fc.oneof(
        { weight: 3, arbitrary: fc.constant('coordinator' as const) },
        { weight: 2, arbitrary: fc.constant('tablet' as const) },
        { weight: 1, arbitrary: fc.constant('none' as const) },
        { weight: 1, arbitrary: junkAuth.map((header) => ({ header })) },
      ),
      body: fc.option(junkBody, { nil: null }),
      forcedBody: junkBody,
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data',
          'application/offset+octet-stream',
          'application/json; charset=utf-16',
        ),
        { nil: null },
      ),
      protocol: fc.oneof(
        { weight: 6, arbitrary: fc.constant('ok') },
        { weight: 1, arbitrary: fc.constant('none') },
        { weight: 1, arbitrary: fc.constantFrom('0', '999', 'abc', '-1', ' 1 ', '1.5') },
      ),
      extra: fc.dictionary(
        fc.constantFrom(
          'accept-language',
          'upload-length',
          'upload-offset',
          'upload-metadata',
          'tus-resumable',
          'x-forwarded-for',
          'accept',
        ),
        fc.oneof(
          fc.constantFrom(
            '-1',
            'abc',
            '1e309',
            '99999999999999999999',
            'sha256 !!!',
            'zz-ZZ,*;q=x',
          ),
          sqlish,
        ),
        { maxKeys: 3 },
      ),
      forcedAuth: junkAuth,
    })
    .map(({ forcedBody, forcedAuth, ...r }) => {
      const read = r.method === 'GET' || r.method === 'HEAD' || r.method === 'OPTIONS';
      const key = `${route.method} ${route.path}`;
      if (hasParams || read) return r;
      if (BODYLESS_WRITES.has(key)) return { ...r, auth: { header: forcedAuth } };
      return { ...r, body: forcedBody, contentType: r.contentType ?? 'application/json' };
    });
}

/** What a raw client puts on the wire: UTF-8 bytes read as Latin-1, minus NUL/CR/LF (which no HTTP stack sends in a header). */
function wireHeader(v: string): string {
  return Buffer.from(v, 'utf8')
    .toString('latin1')
    .replace(/[\0\r\n]/g, '');
}

async function sendSweep(
  ctx: ServerContext,
  q: SweepRequest,
  tokens: { coordinator: string; tablet: string },
) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(q.extra)) headers[k] = wireHeader(v);
  if (q.protocol !== 'ok' && q.protocol !== 'none') headers[PROTOCOL_HEADER] = q.protocol;
  if (typeof q.auth === 'object') headers.authorization = wireHeader(q.auth.header);
  const canHaveBody = q.method !== 'GET' && q.method !== 'HEAD';
  return ctx.call(q.method, q.query ? `${q.path}?${q.query}` : q.path, {
    token: q.auth === 'coordinator' || q.auth === 'tablet' ? tokens[q.auth] : undefined,
    headers,
    noProtocol: q.protocol === 'none',
    ...(canHaveBody && q.body !== null
      ? { body: q.body, ...(q.contentType ? { contentType: q.contentType } : {}) }
      : {}),
  });
}

/** Columns a read may legitimately touch (last-seen stamps, session expiry). */
const VOLATILE = new Set(['lastSeenAt', 'expiresAt']);

/** Every row of every table (failed-login records aside), as canonical strings. */
async function snapshot(db: Kysely<Database>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const t of TABLES_CHILD_FIRST) {
    if (t === 'authAttempts') continue;
    const rows = (await db.selectFrom(t).selectAll().execute()) as Record<string, unknown>[];
    out.set(
      t,
      rows
        .map((r) =>
          JSON.stringify(
            Object.keys(r)
              .filter((k) => !VOLATILE.has(k))
              .sort()
              .map((k) => [k, String(r[k])]),
          ),
        )
        .sort(),
    );
  }
  return out;
}

/** Rows added, removed or changed between two snapshots (a changed row counts twice). */
function rowDiff(a: Map<string, string[]>, b: Map<string, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [t, rows] of a) {
    const after = b.get(t) ?? [];
    const count = new Map<string, number>();
    for (const r of rows) count.set(r, (count.get(r) ?? 0) + 1);
    for (const r of after) count.set(r, (count.get(r) ?? 0) - 1);
    const n = [...count.values()].reduce((s, v) => s + Math.abs(v), 0);
    if (n > 0) out[t] = n;
  }
  return out;
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
        expect({ ...after, authAttempts: 0 }).toEqual({ ...before, authAttempts: 0 });
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

  it(
    'every route: malformed parameters, queries, bodies and headers get no 5xx and change no row',
    async () => {
      const c = ctx();
      const coordinator = await c.login('coordinator');
      const tablet = (await c.enrol(await c.accountId('verifier1'), 'Tablet fuzz')).token;
      // The tablet's first pull records its scope (device_scopes): a valid read's designed
      // effect, done here before the snapshot so the sweep sees only what junk would change.
      expect((await c.call('GET', '/api/sync/pull?cursor=0', { token: tablet })).status).toBe(200);
      const routes = sweepRoutes(c.app.routes);
      expect(routes.length).toBeGreaterThan(40);
      const before = await snapshot(c.db);
      const statuses: Record<number, number> = {};
      const fiveXX: string[] = [];
      let requests = 0;
      let writesAccepted = 0;
      let failure: string | null = null;
      let changed: Record<string, number> = {};
      try {
        for (const route of routes) {
          await fc.assert(
            fc.asyncProperty(malformed(route), async (q) => {
              const r = await sendSweep(c, q, { coordinator, tablet });
              requests++;
              statuses[r.status] = (statuses[r.status] ?? 0) + 1;
              if (r.status < 300 && !['GET', 'HEAD', 'OPTIONS'].includes(q.method))
                writesAccepted++;
              if (r.status >= 500) {
                fiveXX.push(`${q.method} ${q.path.slice(0, 100)}: ${r.status}`);
                throw new Error(
                  `${r.status} for ${q.method} ${q.path.slice(0, 200)}?${(q.query ?? '').slice(0, 100)} body ${(q.body ?? '').slice(0, 100)}: ${r.text.slice(0, 300)}`,
                );
              }
            }),
            { numRuns: SWEEP },
          );
        }
      } catch (e) {
        failure = e instanceof Error ? e.message.slice(0, 800) : String(e);
        throw e;
      } finally {
        changed = rowDiff(before, await snapshot(c.db));
        soakReport(
          {
            dialect: c.dialect,
            test: 'sweep over every route',
            routes: routes.length,
            requests,
            fiveXX: fiveXX.length,
            changed: Object.keys(changed),
            rowsChanged: Object.values(changed).reduce((a, b) => a + b, 0),
            writesAccepted,
            statuses,
            failure,
          },
          failure === null && fiveXX.length === 0 && Object.keys(changed).length === 0,
        );
      }
      expect(fiveXX).toEqual([]);
      expect(changed).toEqual({});
    },
    TIMEOUT,
  );
});
