import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { expect, it } from 'vitest';
import * as z from 'zod/mini';
import { listIndicators, pemdi2026, verificationId } from '../../../src/core';
import {
  CsvRowReportSchema,
  ENDPOINTS,
  type EndpointKey,
  type EndpointSpec,
  endpointPath,
  OfflinePackageSchema,
  ProblemBodySchema,
  type ResponseOf,
  ValidationDetailsSchema,
} from '../../../src/core/api';
import { opdCode, PEMDA_CODE } from '../../../src/server/seed';
import { bundleSecretOf, postBundle, signatureEntry } from '../../helpers/bundles';
import { tinyFramework } from '../../helpers/frameworks';
import { emblemPng } from '../../helpers/images';
import { edit } from '../../helpers/raw-push';
import { describeEachDialect } from '../../helpers/server-context';
import { resultsOfDetail, signingMutation } from '../../helpers/signing';
import { assessmentOf, evidenceFile, levels, rawTablet, storeFile } from '../reports/helpers';

/**
 * The coordinator API contract (src/core/api) against the real server: every endpoint of its
 * table is called as the seeded coordinator, and each answer is parsed with the contract's
 * schema. The schemas are strict objects, so a field the server drops, adds or renames fails
 * here (and so does a type that differs on PostgreSQL, e.g. a bigint arriving as text).
 * Data is made first so that every list the answers carry holds at least one element.
 */

/** An indicator's result with nothing in it (spread, then set what a test needs). */
const NO_RESULT = { verifiedLevel: null, notApplicable: false, naReason: '', notes: '' };

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, parsed by the contract below.
  body: any;
  text?: string;
  headers?: Headers;
}

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  /** A raw body (CSV) with its content type. */
  body?: string;
  contentType?: string;
  /** Expected status when not the endpoint's usual one (200, or 204 without an answer). */
  status?: number;
}

describeEachDialect('coordinator API contract', (ctx) => {
  const covered = new Set<EndpointKey>();
  let token = '';

  /** Check an answer of `key` against its contract entry; returns the parsed answer. */
  function answer<K extends EndpointKey>(key: K, r: Answer, status?: number): ResponseOf<K> {
    covered.add(key);
    const spec: EndpointSpec = ENDPOINTS[key];
    const want = status ?? (spec.response === null ? 204 : 200);
    expect(r.status, `${key}: ${(r.text ?? JSON.stringify(r.body)).slice(0, 400)}`).toBe(want);
    if (spec.response === null) {
      expect(r.text ?? '').toBe('');
      return undefined as ResponseOf<K>;
    }
    if (spec.response === 'file') {
      expect(r.headers?.get('content-disposition')).toBeTruthy();
      return undefined as ResponseOf<K>;
    }
    const parsed = z.safeParse(spec.response, r.body);
    if (!parsed.success)
      throw new Error(`${key} answers outside its contract:\n${z.prettifyError(parsed.error)}`);
    return parsed.data as ResponseOf<K>;
  }

  /** Call `key` as the coordinator and check the answer. */
  async function call<K extends EndpointKey>(key: K, o: Call = {}): Promise<ResponseOf<K>> {
    const method = key.slice(0, key.indexOf(' '));
    const query = new URLSearchParams(o.query ?? {}).toString();
    const path = endpointPath(key, o.params) + (query ? `?${query}` : '');
    const r = await ctx().call(method, path, {
      token,
      json: o.json,
      ...(o.body !== undefined ? { body: o.body, contentType: o.contentType } : {}),
    });
    return answer(key, r, o.status);
  }

  /** A 4xx answer: the common error body, and its details where the contract describes them. */
  function problem(r: Answer, code: string) {
    const body = z.parse(ProblemBodySchema, r.body);
    expect(body.code).toBe(code);
    return body;
  }

  const h = () => ctx();
  const periodId = () => h().demo?.periodId as string;

  /** A finished verification of Diskominfo (levels, a check, a file, a comment, a berita acara). */
  let world: Promise<{ a: string; sha: string; tabletId: string }> | null = null;
  const verification = () => {
    world ??= (async () => {
      const t1 = await rawTablet(h(), 'verifier1', 'Tablet kontrak');
      const a = await assessmentOf(h(), opdCode(7));
      const pemda = await assessmentOf(h(), PEMDA_CODE);
      const bytes = new TextEncoder().encode('foto SK kontrak API');
      const sha = createHash('sha256').update(bytes).digest('hex');
      await storeFile(h().services, bytes, sha);
      await t1.push([
        // Diskominfo's self levels are above the city's: verifying lower makes over-claims.
        ...levels(a, { 1: 1, 2: 1, 3: 2 }),
        {
          entity: 'verification',
          id: verificationId(a, 1),
          changes: { 'checks.1.0': { state: 'missing', note: 'tidak ada tanda tangan' } },
        },
        evidenceFile(a, 'ev-kontrak-1', {
          sha256: sha,
          bytes: bytes.byteLength,
          capturedAt: h().clock.now,
        }),
        {
          entity: 'comment',
          id: 'cm-kontrak-1',
          changes: {
            assessmentId: a,
            indicatorNo: 1,
            body: 'SK masih konsep',
            author: 'Verifikator Satu',
            createdAt: h().clock.now,
          },
        },
        // Signed as a partial verification (3 of 47 indicators).
        signingMutation(
          a,
          [
            { ...NO_RESULT, no: 1, verifiedLevel: 1 },
            { ...NO_RESULT, no: 2, verifiedLevel: 1 },
            { ...NO_RESULT, no: 3, verifiedLevel: 2 },
          ],
          h().clock.now,
          true,
        ),
        { entity: 'assessment', id: a, changes: { status: 'selesai' } },
        // The city unit verified too: the consolidation counts a verified level.
        ...levels(pemda, { 1: 3 }),
      ]);
      return { a, sha, tabletId: t1.deviceId };
    })();
    return world;
  };

  it('session: login, who am I, health, readiness', async () => {
    const login = await ctx().call('POST', '/api/auth/login', {
      json: { email: 'koordinator@cilegon.demo', password: 'telusur-demo' },
    });
    token = answer('POST /api/auth/login', login).token;
    const me = await call('GET /api/me');
    expect(me.account.role).toBe('coordinator');
    await call('GET /api/health');
    expect((await call('GET /api/ready')).state).toBe('ready');
  });

  it('the organisation: read, set, its logo and its removal', async () => {
    const before = await call('GET /api/organisation');
    expect(before).toMatchObject({ configured: true, zone: 'WIB', logo: null });
    const set = await call('PUT /api/organisation', {
      json: { name: 'Pemerintah Kota Cilegon', kind: 'kota', zone: 'WIB' },
    });
    expect(set.name).toBe('Pemerintah Kota Cilegon');
    const r = await ctx().call('PUT', '/api/organisation/logo', {
      token,
      body: emblemPng(),
      contentType: 'image/png',
    });
    expect(answer('PUT /api/organisation/logo', r).logo?.mime).toBe('image/png');
    const logo = await ctx().call('GET', '/api/organisation/logo', { token });
    answer('GET /api/organisation/logo', logo);
    expect(logo.headers.get('content-type')).toBe('image/png');
    await call('DELETE /api/organisation/logo');
  });

  it('instruments and periods', async () => {
    const list = await call('GET /api/frameworks');
    expect(list.frameworks.length).toBeGreaterThan(0);
    await call('GET /api/frameworks/:id', { params: { id: 'spbe-2020' } });
    const fw = { ...tinyFramework(), id: 'kontrak-api' };
    await call('POST /api/frameworks', { json: fw, status: 201 });
    await call('DELETE /api/frameworks/:id', { params: { id: fw.id } });

    expect((await call('GET /api/periods')).periods.length).toBeGreaterThan(0);
    const p = await call('POST /api/periods', {
      json: { name: 'Periode kontrak', year: 2024, frameworkId: 'spbe-2020', targetIndex: 2.5 },
      status: 201,
    });
    await call('GET /api/periods/:id', { params: { id: p.id } });
    expect(p.planStepCap).toBe(2);
    const patched = await call('PATCH /api/periods/:id', {
      params: { id: p.id },
      json: { targetIndex: 2.75, planStepCap: 3 },
    });
    expect(patched.planStepCap).toBe(3);
    const moved = await call('POST /api/periods/:id/stage', {
      params: { id: p.id },
      json: { from: 'mandiri', to: 'dokumen' },
    });
    expect(moved.currentStage).toBe('dokumen');
    const changes = await call('GET /api/periods/:id/stage-changes', { params: { id: p.id } });
    expect(changes.changes.map((c) => [c.from, c.to])).toEqual([['mandiri', 'dokumen']]);
    await call('DELETE /api/periods/:id', { params: { id: p.id } });

    // A refused body: the common error body with validation issues.
    const bad = await ctx().call('POST', '/api/periods', { token, json: { name: ' ' } });
    expect(bad.status).toBe(422);
    z.parse(ValidationDetailsSchema, problem(bad, 'validation_failed').details);
  });

  it('units and penilaian mandiri', async () => {
    const { units } = await call('GET /api/units');
    const pemda = units.find((u) => u.code === PEMDA_CODE);
    const u = await call('POST /api/units', {
      json: { code: '36.72.KONTRAK', name: 'Unit Kontrak', kind: 'opd', parentId: pemda?.id },
      status: 201,
    });
    await call('GET /api/units/:id', { params: { id: u.id } });
    await call('PATCH /api/units/:id', { params: { id: u.id }, json: { name: 'Unit Kontrak 2' } });
    await call('DELETE /api/units/:id', { params: { id: u.id } });
    const csv = ['code,name,kind,parent_code', `36.72.KONTRAK.2,Unit Impor,opd,${PEMDA_CODE}`];
    await call('POST /api/units/import', { body: csv.join('\n'), contentType: 'text/csv' });
    await call('GET /api/units/template.csv');
    const refused = await ctx().call('POST', '/api/units/import', {
      token,
      body: 'code,name,kind,parent_code\nX.1,,desa,',
      contentType: 'text/csv',
    });
    const rows = (problem(refused, 'csv_invalid').details as { rows: unknown }).rows;
    expect(z.parse(z.array(CsvRowReportSchema), rows).length).toBeGreaterThan(0);

    const unitId = await h().unitId(opdCode(0));
    const params = { id: periodId(), unitId };
    const put = await call('PUT /api/periods/:id/units/:unitId/self-assessment', {
      params,
      json: { levels: [{ indicatorNo: 1, level: 2, justification: 'Perwal ada' }] },
    });
    expect(put.levels).toHaveLength(1);
    await call('GET /api/periods/:id/units/:unitId/self-assessment', { params });
    await call('POST /api/periods/:id/self-assessments/import', {
      params: { id: periodId() },
      body: `unit_code,indicator_no,level,justification\n${opdCode(1)},2,3,Ada\n`,
      contentType: 'text/csv',
    });

    // The official result of the Pemdi period (decimal values), its template and comparison.
    const pemdi = { id: h().demo?.pemdiPeriodId as string };
    await call('GET /api/periods/:id/official/template.csv', { params: pemdi });
    const officialCsv = listIndicators(pemdi2026).map((i) => `${i.no};;1,17`);
    const imported = await call('PUT /api/periods/:id/official', {
      params: pemdi,
      query: { file: 'hasil.csv' },
      body: ['no_indikator;nama_indikator;nilai', ...officialCsv].join('\n'),
      contentType: 'text/csv',
    });
    expect(imported.imported?.sourceName).toBe('hasil.csv');
    const compared = await call('GET /api/periods/:id/official', { params: pemdi });
    expect(compared.indicators.length).toBe(20);
    const bad = await ctx().call('PUT', `/api/periods/${pemdi.id}/official`, {
      token,
      body: 'no_indikator;nilai\n99;1\n',
      contentType: 'text/csv',
    });
    const badRows = (problem(bad, 'official_invalid').details as { rows: unknown }).rows;
    expect(z.parse(z.array(CsvRowReportSchema), badRows).length).toBe(2);
  });

  it('verifiers, tablets and assignments', async () => {
    expect((await call('GET /api/verifiers')).verifiers.length).toBeGreaterThan(0);
    const v = await call('POST /api/verifiers', {
      json: { email: 'kontrak@cilegon.demo', name: 'Verifikator Kontrak' },
      status: 201,
    });
    await call('GET /api/verifiers/:id', { params: { id: v.id } });
    await call('PATCH /api/verifiers/:id', { params: { id: v.id }, json: { name: 'V. Kontrak' } });
    await call('POST /api/verifiers/:id/enrolments', { params: { id: v.id }, status: 201 });
    const { deviceId } = await h().enrol(v.id, 'Tablet kontrak');
    const devices = await call('GET /api/verifiers/:id/devices', { params: { id: v.id } });
    expect(devices.devices.map((d) => d.id)).toEqual([deviceId]);
    await call('POST /api/devices/:id/revoke', { params: { id: deviceId } });

    const made = await call('POST /api/assignments', {
      json: { periodId: periodId(), verifierId: v.id, unitIds: [await h().unitId(opdCode(0))] },
      status: 201,
    });
    const list = await call('GET /api/assignments', { query: { periodId: periodId() } });
    expect(list.assignments.length).toBeGreaterThan(1);
    const mine = made.assignments[0];
    await call('GET /api/assessments/:id', { params: { id: mine?.assessmentId as string } });
    const moved = await call('POST /api/assignments/reassign', {
      json: { assignmentIds: [mine?.id as string], verifierId: await h().accountId('verifier2') },
    });
    expect(moved).toMatchObject({ moved: 1, unchanged: 0 });
    await call('DELETE /api/assignments/:id', {
      params: { id: moved.assignments[0]?.id as string },
    });
  });

  it("a verifier's tablet: its offline package answers the contract too", async () => {
    const tablet = await rawTablet(h(), 'verifier1', 'Tablet paket');
    const r = await ctx().call('GET', '/api/my/assignments', { token: tablet.token });
    expect(r.status).toBe(200);
    const pkg = z.safeParse(OfflinePackageSchema, r.body);
    if (!pkg.success)
      throw new Error(
        `the offline package is outside its contract:\n${z.prettifyError(pkg.error)}`,
      );
    expect(pkg.data.device?.id).toBe(tablet.deviceId);
    for (const list of [
      pkg.data.periods,
      pkg.data.frameworks,
      pkg.data.units,
      pkg.data.assignments,
    ])
      expect(list.length).toBeGreaterThan(0);
  });

  it('dashboard, plan, city summary and exports', async () => {
    await verification();
    const params = { periodId: periodId() };
    const view = await call('GET /api/dashboard/:periodId', { params });
    expect(view.units.length).toBeGreaterThan(0);
    expect(view.heatmap.rows.length).toBeGreaterThan(0);
    expect(view.overclaims.length).toBeGreaterThan(0);
    expect(view.consolidation.verifiedCount).toBeGreaterThan(0);
    expect(view.city.consolidated.rule).toBe('official');
    // Diskominfo's level 2 on indicator 3 has no document checked: its cell is flagged.
    const diskominfo = view.heatmap.rows.find((r) => r.code === opdCode(7));
    const third = view.heatmap.indicators.findIndex((i) => i.no === 3);
    expect(diskominfo?.cumulativeGap[third]).toBe(2);
    const kec = view.kecamatan[0]?.id as string;
    const filtered = await call('GET /api/dashboard/:periodId', {
      params,
      query: { parentId: kec, kind: 'kelurahan', assigned: 'true', limit: '5' },
    });
    expect(filtered.filter).toEqual({ parentId: kec, kind: 'kelurahan' });

    const plan = await call('GET /api/dashboard/:periodId/plan', {
      params,
      query: { target: '3.5', effort: '1:2', fixed: '47' },
    });
    expect(plan.items.length).toBeGreaterThan(0);
    expect(plan).toMatchObject({ maxStepsPerIndicator: 2 });
    const summary = await call('GET /api/reports/periods/:periodId/summary', { params });
    expect(summary.indicators.length).toBeGreaterThan(0);
    // A decimal instrument's values (Pemdi 2026: 2,25) answer the same contract.
    const pemdi = { periodId: h().demo?.pemdiPeriodId as string };
    const pemdiView = await call('GET /api/dashboard/:periodId', { params: pemdi });
    expect(
      pemdiView.heatmap.rows.some((r) => r.self.some((v) => v !== null && !Number.isInteger(v))),
    ).toBe(true);
    const pemdiSummary = await call('GET /api/reports/periods/:periodId/summary', {
      params: pemdi,
    });
    expect(pemdiSummary.indicators.some((i) => !Number.isInteger(i.self))).toBe(true);
    await call('GET /api/dashboard/:periodId/plan', { params: pemdi });
    const stages = await call('GET /api/dashboard/:periodId/stages', { params });
    expect(stages.city.stages.map((x) => x.stage)).toEqual(stages.period.stages);
    await call('GET /api/dashboard/:periodId/stages', { params: pemdi });
    await call('GET /api/reports/periods/:periodId/levels.csv', { params });
    await call('GET /api/reports/periods/:periodId/levels.xlsx', { params });
    await call('GET /api/reports/periods/:periodId/national-package.zip', { params });
  });

  it('review of a verification, its files, audit and receipt', async () => {
    const { a, sha } = await verification();
    const detail = await call('GET /api/reports/assessments/:id', { params: { id: a } });
    expect(detail.beritaAcara).not.toBeNull();
    expect(detail.comments.length).toBeGreaterThan(0);
    const first = detail.indicators.find((i) => i.no === 1);
    expect(first?.checks.length).toBeGreaterThan(0);
    expect(first?.files.length).toBeGreaterThan(0);
    expect(detail.review.decidable).toBe(true);

    const returned = await call('POST /api/assessments/:id/review', {
      params: { id: a },
      json: {
        decision: 'return',
        expectedVersion: detail.review.expectedVersion,
        comment: 'Lengkapi bukti kebijakan.',
        comments: [{ indicatorNo: 1, comment: 'Lengkapi SK' }],
      },
    });
    expect(returned.review.last?.status).toBe('dikembalikan');
    expect(returned.comments.some((c) => c.kind === 'return')).toBe(true);

    await call('GET /api/files/by-hash/:sha256', {
      params: { sha256: sha },
      query: { record: 'ev-kontrak-1' },
    });
    const audit = await call('GET /api/assessments/:id/audit', { params: { id: a } });
    expect(audit.entries.some((e) => e.deviceSeq !== null && e.device !== null)).toBe(true);
    const one = await call('GET /api/assessments/:id/audit', {
      params: { id: a },
      query: { indicatorNo: '1' },
    });
    expect(one.entries.length).toBeGreaterThan(0);
    await call('GET /api/sync/receipt/:assessmentId', { params: { assessmentId: a } });
  });

  it('conflicts, refused changes and a tablet’s export file', async () => {
    const { a } = await verification();
    // A second tablet edits a level it never saw (base 0) and sends a level out of range.
    const t2 = await rawTablet(h(), 'verifier1', 'Tablet kedua');
    const pushed = await ctx().call('POST', '/api/sync/push', {
      token: t2.token,
      json: {
        deviceId: t2.deviceId,
        mutations: [
          edit(t2, 1, 'verification', verificationId(a, 2), { verifiedLevel: 4 }),
          edit(t2, 2, 'verification', verificationId(a, 3), { verifiedLevel: 9 }),
        ],
      },
    });
    expect(pushed.status).toBe(200);

    const open = await call('GET /api/conflicts', { query: { periodId: periodId() } });
    expect(open.conflicts.length).toBeGreaterThan(0);
    const c = open.conflicts[0];
    await call('POST /api/conflicts/:id/resolve', {
      params: { id: c?.id as string },
      json: { value: c?.serverValue },
    });
    await call('GET /api/conflicts', { query: { status: 'all' } });
    const refused = await call('GET /api/sync/rejections', { query: { assessmentId: a } });
    expect(refused.rejections.length).toBeGreaterThan(0);

    // An export file of a third tablet: one change applied, one conflict, one refused.
    const t3 = await rawTablet(h(), 'verifier1', 'Tablet ekspor');
    const signer = await bundleSecretOf(h().call, t3.token);
    const manifest = strToU8(
      JSON.stringify({
        format: 'telusur-bundle',
        version: 1,
        exportedAt: h().clock.now,
        schemaVersion: 1,
        deviceId: t3.deviceId,
        assessmentId: a,
        records: {},
        conflicts: [],
        reference: null,
        outbox: [
          edit(t3, 1, 'verification', verificationId(a, 4), {
            assessmentId: a,
            indicatorNo: 4,
            verifiedLevel: 2,
          }),
          edit(t3, 2, 'verification', verificationId(a, 2), { verifiedLevel: 5 }),
          edit(t3, 3, 'verification', verificationId(a, 3), { verifiedLevel: 0 }),
        ],
        files: [],
      }),
    );
    const bundle = zipSync({
      'manifest.json': manifest,
      'manifest.sha256': strToU8(`${createHash('sha256').update(manifest).digest('hex')}\n`),
      'manifest.sig': signatureEntry(manifest, signer.deviceId, signer.secret),
    });
    const imported = answer('POST /api/sync/bundles', await postBundle(h().app, token, bundle));
    expect(imported).toMatchObject({ applied: 2, rejected: 1 });
    expect(imported.conflicts.length).toBeGreaterThan(0);
    expect(imported.rejections.length).toBe(1);
  });

  it('improvement actions (tindak lanjut), their dashboard panel and owner accounts', async () => {
    const pemda = await h().unitId(PEMDA_CODE);
    const diskominfo = await h().unitId(opdCode(7));
    const owner = await call('POST /api/owners', {
      json: {
        email: 'kontrak-opd@cilegon.demo',
        name: 'Penanggung jawab kontrak',
        unitId: diskominfo,
      },
      status: 201,
    });
    expect(owner.account.role).toBe('owner');
    const base = {
      periodId: periodId(),
      unitId: pemda,
      ownerUnitId: diskominfo,
      dueDate: '2023-12-31',
    };
    const made = await call('POST /api/actions', {
      json: { ...base, indicatorNo: 4, targetLevel: 4, ownerPerson: 'Kabid Aptika' },
      status: 201,
    });
    const bulk = await call('POST /api/actions/bulk', {
      json: { actions: [{ ...base, indicatorNo: 6, targetLevel: 3, origin: 'plan' }] },
      status: 201,
    });
    expect(bulk.actions).toHaveLength(1);
    const id = made.id;
    const started = await call('PATCH /api/actions/:id', {
      params: { id },
      json: { expectedVersion: made.version, status: 'berjalan' },
    });
    const commented = await call('POST /api/actions/:id/comments', {
      params: { id },
      json: { text: 'Draf SK sudah di bagian hukum' },
    });
    expect(commented.comments.length).toBe(1);
    const png = emblemPng(20);
    const sha = createHash('sha256').update(png).digest('hex');
    const withFile = answer(
      'POST /api/actions/:id/files',
      await ctx().call('POST', `/api/actions/${id}/files?name=bukti.png`, {
        token,
        body: png,
        contentType: 'image/png',
      }),
    );
    expect(withFile.files.map((f) => f.sha256)).toEqual([sha]);
    const r = await h().app.request(`/api/actions/${id}/files/${sha}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    answer('GET /api/actions/:id/files/:sha256', {
      status: r.status,
      body: null,
      headers: r.headers,
      text: '',
    });
    const removed = await call('DELETE /api/actions/:id/files/:sha256', {
      params: { id, sha256: sha },
    });
    expect(removed.files).toEqual([]);
    const closed = await call('POST /api/actions/:id/close', {
      params: { id },
      json: {
        expectedVersion: removed.version,
        note: 'SK terbit',
        links: ['https://jdih.example.go.id/sk'],
      },
    });
    expect(closed.status).toBe('selesai');
    expect(closed.version).toBeGreaterThan(started.version);
    const list = await call('GET /api/actions', {
      query: { periodId: periodId(), ownerUnitId: diskominfo },
    });
    expect(list.actions.length).toBeGreaterThanOrEqual(2);
    await call('GET /api/actions/:id', { params: { id } });
    const progress = await call('GET /api/dashboard/:periodId/actions', {
      params: { periodId: periodId() },
    });
    expect(progress.indicators.length).toBeGreaterThan(0);
    expect(progress.owners.length).toBeGreaterThan(0);
    await call('DELETE /api/actions/:id', { params: { id: bulk.actions[0]?.id as string } });
    const open = (
      await call('GET /api/actions', { query: { ownerUnitId: diskominfo } })
    ).actions.filter((a) => a.status !== 'selesai').length;
    const owners = await call('GET /api/owners');
    expect(owners.owners.find((o) => o.id === owner.account.id)?.openActionCount).toBe(open);
    const renamed = await call('PATCH /api/owners/:id', {
      params: { id: owner.account.id },
      json: { name: 'Penanggung jawab kontrak (baru)' },
    });
    expect(renamed.name).toBe('Penanggung jawab kontrak (baru)');
    const reset = await call('POST /api/owners/:id/password', { params: { id: owner.account.id } });
    expect(reset.password).not.toBe(owner.password);
    // The tablet's package carries the actions of the verifier's units (Pemda: verifier 1).
    const tablet = await rawTablet(h(), 'verifier1', 'Tablet tindak lanjut');
    const pkg = z.parse(
      OfflinePackageSchema,
      (await ctx().call('GET', '/api/my/assignments', { token: tablet.token })).body,
    );
    expect(pkg.actions?.map((a) => a.id)).toContain(id);
  });

  it('approves, reopens, logs out, and has called every endpoint of the contract', async () => {
    const { a } = await verification();
    // The tablet signs the corrected results again (the edits above voided its signatures).
    const before = await call('GET /api/reports/assessments/:id', { params: { id: a } });
    const t = await rawTablet(h(), 'verifier1', 'Tablet tanda tangan ulang');
    await t.push([
      signingMutation(a, resultsOfDetail(before), h().clock.now + 60_000, true),
      { entity: 'assessment', id: a, changes: { status: 'diperbaiki' } },
    ]);
    const resigned = await call('GET /api/reports/assessments/:id', { params: { id: a } });
    expect(resigned.signing.state).toBe('signed');
    const approved = await call('POST /api/assessments/:id/review', {
      params: { id: a },
      json: { decision: 'approve', expectedVersion: resigned.review.expectedVersion },
    });
    expect(approved.assessment.progress).toBe('disetujui');
    const reopened = await call('POST /api/assessments/:id/reopen', {
      params: { id: a },
      json: {
        reason: 'Nilai indikator 3 perlu dikoreksi.',
        expectedVersion: approved.review.expectedVersion,
      },
    });
    expect(reopened.assessment.status).toBe('dibuka');
    await call('POST /api/auth/logout');
    expect((await ctx().call('GET', '/api/me', { token })).status).toBe(401);
    const missing = (Object.keys(ENDPOINTS) as EndpointKey[]).filter((k) => !covered.has(k));
    expect(missing).toEqual([]);
  });
});
