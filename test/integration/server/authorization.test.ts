import { expect, it } from 'vitest';
import { DEMO_PASSWORD, opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import {
  createUpload,
  enrol,
  hardApp,
  patchUpload,
  photo,
  pullAll,
  pushEvidence,
  sha,
  tus,
  uploadWhole,
} from './hardening-kit';

/**
 * The authorisation matrix: every API route × caller → allowed or denied, as designed.
 * "Allowed" means the request passes authentication and authorisation (it may still fail
 * validation or find nothing: 2xx/4xx other than 401/403). Denied callers get 401
 * (anonymous) or 403 (wrong role: `forbidden`; foreign unit: `not_assigned`) and change nothing.
 */

type Caller = 'anonymous' | 'coordinator' | 'viewer' | 'verifier' | 'tablet' | 'owner';
const CALLERS: Caller[] = ['anonymous', 'coordinator', 'viewer', 'verifier', 'tablet', 'owner'];
const ALL: Caller[] = CALLERS;
const SIGNED_IN: Caller[] = ['coordinator', 'viewer', 'verifier', 'tablet', 'owner'];
const READERS: Caller[] = ['coordinator', 'viewer'];
const COORD: Caller[] = ['coordinator'];
const VERIFIERS: Caller[] = ['verifier', 'tablet'];
const TABLET: Caller[] = ['tablet'];
/** An OPD's owner account (issue 18): its improvement actions, nothing else. */
const OWNER: Caller[] = ['owner'];

interface Fixture {
  periodId: string;
  /** Assigned to verifier 1. */
  ownUnit: string;
  /** Assigned to verifier 2 only. */
  foreignUnit: string;
  ownAssessment: string;
  foreignAssessment: string;
  verifierId: string;
  /** An action on the Pemda unit owned by the owner's unit (Diskominfo). */
  actionId: string;
}

interface Row {
  /** Method and path template exactly as registered (checked against the app's routes). */
  route: string;
  path: (f: Fixture, scope: 'own' | 'foreign') => string;
  json?: unknown;
  csv?: string;
  allowed: Caller[];
  /** Verifier access depends on assignment: foreign-scope calls must get 403 not_assigned. */
  scoped?: boolean;
  /** The call consumes its token (logout): use a fresh one. */
  fresh?: boolean;
}

const MATRIX: Row[] = [
  { route: 'GET /api/health', path: () => '/api/health', allowed: ALL },
  { route: 'GET /api/ready', path: () => '/api/ready', allowed: ALL },
  {
    route: 'POST /api/auth/login',
    path: () => '/api/auth/login',
    json: { email: 'x' },
    allowed: ALL,
  },
  {
    route: 'POST /api/auth/logout',
    path: () => '/api/auth/logout',
    allowed: SIGNED_IN,
    fresh: true,
  },
  { route: 'GET /api/me', path: () => '/api/me', allowed: SIGNED_IN },
  // The tablet prints in the organisation's zone: every signed-in role reads it.
  { route: 'GET /api/organisation', path: () => '/api/organisation', allowed: SIGNED_IN },
  { route: 'PUT /api/organisation', path: () => '/api/organisation', json: {}, allowed: COORD },
  {
    route: 'GET /api/organisation/logo',
    path: () => '/api/organisation/logo',
    allowed: SIGNED_IN,
  },
  {
    route: 'PUT /api/organisation/logo',
    path: () => '/api/organisation/logo',
    csv: 'bukan gambar',
    allowed: COORD,
  },
  {
    route: 'DELETE /api/organisation/logo',
    path: () => '/api/organisation/logo',
    allowed: COORD,
  },
  { route: 'GET /api/frameworks', path: () => '/api/frameworks', allowed: READERS },
  { route: 'GET /api/frameworks/:id', path: () => '/api/frameworks/spbe-2020', allowed: READERS },
  {
    route: 'POST /api/frameworks',
    path: () => '/api/frameworks',
    json: { id: 'x' },
    allowed: COORD,
  },
  { route: 'DELETE /api/frameworks/:id', path: () => '/api/frameworks/tidak-ada', allowed: COORD },
  { route: 'GET /api/periods', path: () => '/api/periods', allowed: READERS },
  { route: 'POST /api/periods', path: () => '/api/periods', json: {}, allowed: COORD },
  { route: 'GET /api/periods/:id', path: (f) => `/api/periods/${f.periodId}`, allowed: READERS },
  {
    route: 'PATCH /api/periods/:id',
    path: (f) => `/api/periods/${f.periodId}`,
    json: {},
    allowed: COORD,
  },
  { route: 'DELETE /api/periods/:id', path: () => '/api/periods/tidak-ada', allowed: COORD },
  // A stale `from` (final is never current in the demo): allowed callers get 409, nothing moves.
  {
    route: 'POST /api/periods/:id/stage',
    path: (f) => `/api/periods/${f.periodId}/stage`,
    json: { from: 'final', to: 'final' },
    allowed: COORD,
  },
  {
    route: 'GET /api/periods/:id/stage-changes',
    path: (f) => `/api/periods/${f.periodId}/stage-changes`,
    allowed: READERS,
  },
  {
    route: 'GET /api/periods/:id/units/:unitId/self-assessment',
    path: (f, s) =>
      `/api/periods/${f.periodId}/units/${s === 'own' ? f.ownUnit : f.foreignUnit}/self-assessment`,
    allowed: [...READERS, ...VERIFIERS],
    scoped: true,
  },
  {
    route: 'PUT /api/periods/:id/units/:unitId/self-assessment',
    path: (f) => `/api/periods/${f.periodId}/units/${f.ownUnit}/self-assessment`,
    json: { levels: 'x' },
    allowed: COORD,
  },
  {
    route: 'POST /api/periods/:id/self-assessments/import',
    path: (f) => `/api/periods/${f.periodId}/self-assessments/import`,
    csv: 'salah\n1',
    allowed: COORD,
  },
  {
    route: 'GET /api/periods/:id/official',
    path: (f) => `/api/periods/${f.periodId}/official`,
    allowed: READERS,
  },
  // A header-only file: a coordinator gets 422, nothing is stored.
  {
    route: 'PUT /api/periods/:id/official',
    path: (f) => `/api/periods/${f.periodId}/official`,
    csv: 'salah\n1',
    allowed: COORD,
  },
  {
    route: 'GET /api/periods/:id/official/template.csv',
    path: (f) => `/api/periods/${f.periodId}/official/template.csv`,
    allowed: READERS,
  },
  { route: 'GET /api/units', path: () => '/api/units', allowed: READERS },
  { route: 'POST /api/units', path: () => '/api/units', json: {}, allowed: COORD },
  {
    route: 'POST /api/units/import',
    path: () => '/api/units/import',
    csv: 'salah\n1',
    allowed: COORD,
  },
  { route: 'GET /api/units/template.csv', path: () => '/api/units/template.csv', allowed: READERS },
  { route: 'GET /api/units/:id', path: (f) => `/api/units/${f.ownUnit}`, allowed: READERS },
  {
    route: 'PATCH /api/units/:id',
    path: (f) => `/api/units/${f.ownUnit}`,
    json: {},
    allowed: COORD,
  },
  { route: 'DELETE /api/units/:id', path: () => '/api/units/tidak-ada', allowed: COORD },
  { route: 'GET /api/verifiers', path: () => '/api/verifiers', allowed: READERS },
  { route: 'POST /api/verifiers', path: () => '/api/verifiers', json: {}, allowed: COORD },
  {
    route: 'GET /api/verifiers/:id',
    path: (f) => `/api/verifiers/${f.verifierId}`,
    allowed: READERS,
  },
  {
    route: 'PATCH /api/verifiers/:id',
    path: (f) => `/api/verifiers/${f.verifierId}`,
    json: {},
    allowed: COORD,
  },
  {
    route: 'POST /api/verifiers/:id/enrolments',
    path: (f) => `/api/verifiers/${f.verifierId}/enrolments`,
    allowed: COORD,
  },
  {
    route: 'GET /api/verifiers/:id/devices',
    path: (f) => `/api/verifiers/${f.verifierId}/devices`,
    allowed: READERS,
  },
  {
    route: 'POST /api/devices/enrol',
    path: () => '/api/devices/enrol',
    json: { code: 'SALAHSALAH', label: 'x' },
    allowed: ALL,
  },
  {
    route: 'POST /api/devices/:id/revoke',
    path: () => '/api/devices/tidak-ada/revoke',
    allowed: COORD,
  },
  // A tablet's own identity (its token, never a browser session).
  { route: 'POST /api/devices/rotate', path: () => '/api/devices/rotate', allowed: TABLET },
  {
    route: 'POST /api/devices/bundle-secret',
    path: () => '/api/devices/bundle-secret',
    allowed: TABLET,
  },
  {
    route: 'POST /api/devices/release',
    path: () => '/api/devices/release',
    allowed: TABLET,
    fresh: true,
  },
  { route: 'GET /api/assignments', path: () => '/api/assignments', allowed: READERS },
  { route: 'POST /api/assignments', path: () => '/api/assignments', json: {}, allowed: COORD },
  {
    route: 'POST /api/assignments/reassign',
    path: () => '/api/assignments/reassign',
    json: {},
    allowed: COORD,
  },
  {
    route: 'DELETE /api/assignments/:id',
    path: () => '/api/assignments/tidak-ada',
    allowed: COORD,
  },
  {
    route: 'GET /api/assessments/:id',
    path: (f, s) => `/api/assessments/${s === 'own' ? f.ownAssessment : f.foreignAssessment}`,
    allowed: [...READERS, ...VERIFIERS],
    scoped: true,
  },
  { route: 'GET /api/my/assignments', path: () => '/api/my/assignments', allowed: VERIFIERS },
  // Sync: only an enrolled tablet pushes and pulls.
  { route: 'POST /api/sync/push', path: () => '/api/sync/push', json: {}, allowed: TABLET },
  { route: 'GET /api/sync/pull', path: () => '/api/sync/pull?cursor=0', allowed: TABLET },
  {
    route: 'GET /api/sync/receipt/:assessmentId',
    path: (f, s) => `/api/sync/receipt/${s === 'own' ? f.ownAssessment : f.foreignAssessment}`,
    allowed: [...READERS, ...VERIFIERS],
    scoped: true,
  },
  // Refused mutations, for the coordinator's audit.
  { route: 'GET /api/sync/rejections', path: () => '/api/sync/rejections', allowed: READERS },
  { route: 'POST /api/sync/bundles', path: () => '/api/sync/bundles', json: {}, allowed: COORD },
  { route: 'GET /api/conflicts', path: () => '/api/conflicts', allowed: READERS },
  {
    route: 'POST /api/conflicts/:id/resolve',
    path: () => '/api/conflicts/tidak-ada/resolve',
    json: { value: 3 },
    allowed: COORD,
  },
  {
    route: 'GET /api/assessments/:id/audit',
    path: (f) => `/api/assessments/${f.ownAssessment}/audit?indicatorNo=1`,
    allowed: READERS,
  },
  {
    route: 'GET /api/files/by-hash/:sha256',
    path: () => `/api/files/by-hash/${'0'.repeat(64)}`,
    allowed: [...READERS, ...VERIFIERS],
  },
  // Dashboard, plan, review and reports: viewers read the dashboard, plan and reports.
  {
    route: 'GET /api/dashboard/:periodId',
    path: (f) => `/api/dashboard/${f.periodId}`,
    allowed: READERS,
  },
  {
    route: 'GET /api/dashboard/:periodId/plan',
    path: (f) => `/api/dashboard/${f.periodId}/plan`,
    allowed: READERS,
  },
  {
    route: 'GET /api/dashboard/:periodId/stages',
    path: (f) => `/api/dashboard/${f.periodId}/stages`,
    allowed: READERS,
  },
  {
    route: 'POST /api/assessments/:id/review',
    path: (f) => `/api/assessments/${f.ownAssessment}/review`,
    json: { decision: 'approve', expectedVersion: 0 },
    allowed: COORD,
  },
  {
    route: 'POST /api/assessments/:id/reopen',
    path: (f) => `/api/assessments/${f.ownAssessment}/reopen`,
    json: { reason: 'Perlu koreksi', expectedVersion: 0 },
    allowed: COORD,
  },
  {
    route: 'GET /api/reports/periods/:periodId/summary',
    path: (f) => `/api/reports/periods/${f.periodId}/summary`,
    allowed: READERS,
  },
  {
    route: 'GET /api/reports/periods/:periodId/levels.csv',
    path: (f) => `/api/reports/periods/${f.periodId}/levels.csv`,
    allowed: READERS,
  },
  {
    route: 'GET /api/reports/periods/:periodId/levels.xlsx',
    path: (f) => `/api/reports/periods/${f.periodId}/levels.xlsx`,
    allowed: READERS,
  },
  {
    route: 'GET /api/reports/periods/:periodId/national-package.zip',
    path: (f) => `/api/reports/periods/${f.periodId}/national-package.zip`,
    allowed: READERS,
  },
  {
    route: 'GET /api/reports/assessments/:id',
    path: (f, s) =>
      `/api/reports/assessments/${s === 'own' ? f.ownAssessment : f.foreignAssessment}`,
    allowed: [...READERS, ...VERIFIERS],
    scoped: true,
  },
  // Improvement actions (tindak lanjut) and owner accounts (issue 18).
  { route: 'GET /api/actions', path: () => '/api/actions', allowed: [...READERS, ...OWNER] },
  { route: 'POST /api/actions', path: () => '/api/actions', json: {}, allowed: COORD },
  { route: 'POST /api/actions/bulk', path: () => '/api/actions/bulk', json: {}, allowed: COORD },
  {
    route: 'GET /api/actions/:id',
    path: (f) => `/api/actions/${f.actionId}`,
    allowed: [...READERS, ...OWNER],
  },
  {
    // A stale version: allowed callers get 409 and nothing changes.
    route: 'PATCH /api/actions/:id',
    path: (f) => `/api/actions/${f.actionId}`,
    json: { expectedVersion: 999, status: 'berjalan' },
    allowed: [...COORD, ...OWNER],
  },
  {
    route: 'DELETE /api/actions/:id',
    path: () => '/api/actions/tidak-ada',
    allowed: COORD,
  },
  {
    route: 'POST /api/actions/:id/close',
    path: (f) => `/api/actions/${f.actionId}/close`,
    json: {},
    allowed: [...COORD, ...OWNER],
  },
  {
    route: 'POST /api/actions/:id/comments',
    path: (f) => `/api/actions/${f.actionId}/comments`,
    json: {},
    allowed: [...COORD, ...OWNER],
  },
  {
    route: 'POST /api/actions/:id/files',
    path: (f) => `/api/actions/${f.actionId}/files`,
    json: {},
    allowed: [...COORD, ...OWNER],
  },
  {
    // Verifiers of the action's unit (verifier 1 has the Pemda unit) may fetch its files.
    route: 'GET /api/actions/:id/files/:sha256',
    path: (f) => `/api/actions/${f.actionId}/files/${'0'.repeat(64)}`,
    allowed: [...READERS, ...OWNER, ...VERIFIERS],
  },
  {
    route: 'DELETE /api/actions/:id/files/:sha256',
    path: (f) => `/api/actions/${f.actionId}/files/${'0'.repeat(64)}`,
    allowed: [...COORD, ...OWNER],
  },
  {
    route: 'GET /api/dashboard/:periodId/actions',
    path: (f) => `/api/dashboard/${f.periodId}/actions`,
    allowed: READERS,
  },
  { route: 'GET /api/owners', path: () => '/api/owners', allowed: [...READERS, ...OWNER] },
  { route: 'POST /api/owners', path: () => '/api/owners', json: {}, allowed: COORD },
  { route: 'PATCH /api/owners/:id', path: () => '/api/owners/tidak-ada', json: {}, allowed: COORD },
  {
    route: 'POST /api/owners/:id/password',
    path: () => '/api/owners/tidak-ada/password',
    allowed: COORD,
  },
];

async function setup(
  ctx: ServerContext,
): Promise<{ f: Fixture; token: (c: Caller, fresh?: boolean) => Promise<string | undefined> }> {
  const periodId = ctx.demo?.periodId as string;
  const ownUnit = await ctx.unitId(PEMDA_CODE);
  const foreignUnit = await ctx.unitId(opdCode(16));
  const verifierId = await ctx.accountId('verifier1');
  const assignments = await ctx.services.assignments.list({ periodId });
  const assessmentOf = (unitId: string) =>
    assignments.find((a) => a.unitId === unitId)?.assessmentId as string;
  const tablet = await ctx.enrol(verifierId, 'Tablet matriks');
  // The owner account of Diskominfo and one action it owns (made once per database).
  const ownerEmail = 'matriks@cilegon.demo';
  const existing = (await ctx.services.actions.owners(await coordinatorOf(ctx))).find(
    (o) => o.email === ownerEmail,
  );
  const ownerPassword = existing
    ? (await ctx.services.actions.resetOwnerPassword(existing.id)).password
    : (
        await ctx.services.actions.createOwner({
          email: ownerEmail,
          name: 'Pemilik matriks',
          unitId: await ctx.unitId(opdCode(7)),
        })
      ).password;
  const actions = await ctx.services.actions.list(await coordinatorOf(ctx), {
    ownerUnitId: await ctx.unitId(opdCode(7)),
  });
  const actionId =
    actions.actions[0]?.id ??
    (
      await ctx.services.actions.create(await coordinatorOf(ctx), {
        periodId,
        indicatorNo: 3,
        unitId: ownUnit,
        ownerUnitId: await ctx.unitId(opdCode(7)),
        targetLevel: 4,
        dueDate: '2023-12-31',
      })
    ).id;
  const ownerLogin = async () =>
    (
      await ctx.call('POST', '/api/auth/login', {
        json: { email: ownerEmail, password: ownerPassword },
      })
    ).body.token as string;
  const ownerToken = await ownerLogin();
  const f: Fixture = {
    periodId,
    ownUnit,
    foreignUnit,
    ownAssessment: assessmentOf(ownUnit),
    foreignAssessment: assessmentOf(foreignUnit),
    verifierId,
    actionId,
  };
  const token = async (c: Caller, fresh = false): Promise<string | undefined> => {
    if (c === 'anonymous') return undefined;
    if (c === 'owner') return fresh ? ownerLogin() : ownerToken;
    if (c === 'tablet')
      return fresh ? (await ctx.enrol(verifierId, 'Tablet sekali pakai')).token : tablet.token;
    const who = c === 'verifier' ? 'verifier1' : c;
    if (!fresh) return ctx.login(who);
    const email = { coordinator: 'koordinator', viewer: 'pimpinan', verifier1: 'verifikator1' }[
      who
    ];
    const r = await ctx.call('POST', '/api/auth/login', {
      json: { email: `${email}@cilegon.demo`, password: DEMO_PASSWORD },
    });
    return r.body.token;
  };
  return { f, token };
}

/** The seeded coordinator as a service caller. */
async function coordinatorOf(ctx: ServerContext) {
  const account = (await ctx.services.accounts.listAll()).find((a) => a.role === 'coordinator');
  if (!account) throw new Error('no coordinator');
  return { account };
}

async function send(
  ctx: ServerContext,
  row: Row,
  f: Fixture,
  token: string | undefined,
  scope: 'own' | 'foreign',
) {
  const method = row.route.split(' ')[0] as string;
  const path = row.path(f, scope);
  if (row.csv !== undefined)
    return ctx.call(method, path, { token, body: row.csv, contentType: 'text/csv' });
  return ctx.call(method, path, { token, json: row.json });
}

describeEachDialect('authorisation matrix', (ctx) => {
  it('covers every registered API route', () => {
    const registered = new Set(
      ctx()
        .app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
        .map((r) => `${r.method} ${r.path}`),
    );
    expect([...registered].sort()).toEqual(MATRIX.map((r) => r.route).sort());
  });

  it("denies every caller outside a route's roles (401 anonymous, 403 otherwise) and writes nothing", async () => {
    const { f, token } = await setup(ctx());
    for (const c of CALLERS) await token(c); // sign everyone in before counting rows
    const before = await ctx().rowCounts();
    const outcomes: string[] = [];
    for (const row of MATRIX) {
      for (const caller of CALLERS.filter((c) => !row.allowed.includes(c))) {
        const r = await send(ctx(), row, f, await token(caller), 'own');
        const expected = caller === 'anonymous' ? 401 : 403;
        outcomes.push(
          `${row.route} as ${caller}: ${r.status === expected ? 'denied' : `UNEXPECTED ${r.status}`}`,
        );
        if (caller !== 'anonymous') {
          expect(r.body.code).toBe('forbidden');
          // A viewer who may not do something is told so, never that it was not found.
          expect(r.body.message).toMatch(/^Anda tidak memiliki akses/);
        } else expect(r.body.code).toBe('unauthenticated');
      }
    }
    expect(outcomes.filter((o) => o.includes('UNEXPECTED'))).toEqual([]);
    expect(await ctx().rowCounts()).toEqual(before);
  });

  it("lets every caller within a route's roles through", async () => {
    const { f, token } = await setup(ctx());
    const unexpected: string[] = [];
    for (const row of MATRIX) {
      for (const caller of row.allowed) {
        const r = await send(ctx(), row, f, await token(caller, row.fresh), 'own');
        if (r.status === 401 || r.status === 403 || r.status >= 500)
          unexpected.push(`${row.route} as ${caller}: ${r.status} ${r.text.slice(0, 120)}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('confines verifiers to their assigned units (403 not_assigned for a foreign unit), not coordinators or viewers', async () => {
    const { f, token } = await setup(ctx());
    for (const row of MATRIX.filter((r) => r.scoped)) {
      for (const caller of row.allowed) {
        const r = await send(ctx(), row, f, await token(caller), 'foreign');
        if (caller === 'verifier' || caller === 'tablet') {
          expect(r.status, `${row.route} as ${caller}`).toBe(403);
          expect(r.body.code).toBe('not_assigned');
          expect(r.body.message).toBe('Unit ini tidak ditugaskan kepada Anda.');
        } else {
          expect(r.status, `${row.route} as ${caller}`).toBe(200);
        }
      }
    }
  });

  it("shows a verifier's tablet only its own units in the offline package", async () => {
    const { f, token } = await setup(ctx());
    const r = await ctx().call('GET', '/api/my/assignments', { token: await token('tablet') });
    const unitIds = r.body.units.map((u: { id: string }) => u.id);
    expect(unitIds).toContain(f.ownUnit);
    expect(unitIds).not.toContain(f.foreignUnit);
    expect(r.body.assessments.map((a: { id: string }) => a.id)).not.toContain(f.foreignAssessment);
  });

  it("keeps another verifier's real file out of reach: by hash, by pull, on a receipt, and by naming its hash in a record", async () => {
    const c = ctx();
    const { f } = await setup(c);
    const h = hardApp(c);
    try {
      const get = (token: string, hash: string, record?: string) =>
        h.app.request(`/api/files/by-hash/${hash}${record ? `?record=${record}` : ''}`, {
          headers: { authorization: `Bearer ${token}` },
        });
      const receipt = async (token: string, a: string) =>
        (await h.call('GET', `/api/sync/receipt/${a}`, { token })).body.hashes as string[];
      // Verifier 2's tablet records a photo of its (foreign to verifier 1) unit and uploads it.
      const theirs = await enrol(h, c, await c.accountId('verifier2'), 'Tablet V2');
      const bytes = photo(5000);
      const x = sha(bytes);
      const real = await pushEvidence(h, theirs, {
        assessmentId: f.foreignAssessment,
        sha256: x,
        name: 'sk-asli.jpg',
        bytes: 5000,
      });
      await uploadWhole(h, theirs, bytes);
      expect((await get(theirs.token, x)).status).toBe(200);
      expect(await receipt(theirs.token, f.foreignAssessment)).toEqual([x]);

      const mine = await enrol(h, c, f.verifierId, 'Tablet V1');
      const session = await c.login('verifier1');
      // By hash: refused to verifier 1's tablet and browser session alike.
      for (const token of [mine.token, session]) {
        const r = await get(token, x);
        expect(r.status).toBe(403);
        expect((await r.json()).code).toBe('not_assigned');
      }
      // By pull: neither the record nor the hash reaches verifier 1's tablet.
      const pulled = await pullAll(h, mine);
      expect(pulled.filter((ch) => ch.id === real.id)).toEqual([]);
      expect(JSON.stringify(pulled)).not.toContain(x);
      // On a receipt: not on verifier 1's own, and verifier 2's is not verifier 1's to read.
      expect(await receipt(mine.token, f.ownAssessment)).not.toContain(x);
      expect(
        (await h.call('GET', `/api/sync/receipt/${f.foreignAssessment}`, { token: mine.token }))
          .status,
      ).toBe(403);

      // Naming the hash in an evidence record of verifier 1's own unit gains nothing.
      const forged = await pushEvidence(h, mine, {
        assessmentId: f.ownAssessment,
        sha256: x,
        name: 'curian.pdf',
        mime: 'application/pdf',
        bytes: 5000,
      });
      for (const token of [mine.token, session]) {
        expect((await get(token, x)).status).toBe(404);
        expect((await get(token, x, forged.id)).status).toBe(404);
      }
      expect(await receipt(mine.token, f.ownAssessment)).not.toContain(x);
      // Uploading other bytes under that hash is refused; verifier 1 still has nothing.
      const wrong = photo(5000);
      const send = tus(h, mine.token);
      const claim = await createUpload(send, wrong, x);
      expect(
        (await patchUpload(send, claim.headers.get('location') as string, 0, wrong)).status,
      ).toBe(422);
      expect((await get(mine.token, x)).status).toBe(404);

      // The coordinator sees each record's own name and type, never another record's.
      const coordinator = await c.login('coordinator');
      const named = async (record?: string) => {
        const r = await get(coordinator, x, record);
        expect(r.status).toBe(200);
        return [r.headers.get('content-type'), r.headers.get('content-disposition')];
      };
      expect(await named(real.id)).toEqual([
        'image/jpeg',
        `inline; filename="sk-asli.jpg"; filename*=UTF-8''sk-asli.jpg`,
      ]);
      // The forged record calls the photo a PDF: its name and type, but bytes that are no
      // PDF are never rendered — a download only.
      expect(await named(forged.id)).toEqual([
        'application/pdf',
        `attachment; filename="curian.pdf"; filename*=UTF-8''curian.pdf`,
      ]);
      // Without a record: the record whose author holds the file speaks for it.
      expect(await named()).toEqual([
        'image/jpeg',
        `inline; filename="sk-asli.jpg"; filename*=UTF-8''sk-asli.jpg`,
      ]);

      // Once verifier 1's own tablet uploads those bytes, the file is verifier 1's as well.
      await uploadWhole(h, mine, bytes);
      const own = await get(mine.token, x);
      expect(own.status).toBe(200);
      expect(own.headers.get('content-disposition')).toContain('curian.pdf');
      expect(new Uint8Array(await own.arrayBuffer())).toEqual(bytes);
      expect(await receipt(mine.token, f.ownAssessment)).toContain(x);
      // … still without reaching verifier 2's record.
      expect((await get(mine.token, x, real.id)).status).toBe(403);
    } finally {
      h.dispose();
    }
  });
});
