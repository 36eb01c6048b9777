import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  type Action,
  ActionBulkDetailsSchema,
  type ActionList,
  ActionListSchema,
  ActionSchema,
  type ActionsProgress,
  ActionsProgressSchema,
  computeIndex,
  EVIDENCE_LIMITS,
  listIndicators,
  OfflinePackageSchema,
  OwnerCredentialsSchema,
  promisedLevels,
  spbe2020,
} from '../../../src/core';
import {
  CITY_LEVELS,
  kecamatanCode,
  kelurahanCode,
  opdCode,
  PEMDA_CODE,
} from '../../../src/server/seed';
import { emblemPng } from '../../helpers/images';
import { describeEachDialect, type ServerContext } from '../../helpers/server-context';
import { assessmentOf, levels, rawTablet } from '../reports/helpers';

/**
 * Improvement actions (tindak lanjut, issue 18) on the real server, SQLite and PostgreSQL:
 * the life cycle a coordinator and an owner go through, overdue computed from the dates in
 * the organisation's zone with the server's clock, the dashboard's "index if every action
 * succeeds" equal to core computeIndex of the promised levels, bulk creation all or nothing,
 * optimistic concurrency, scope of owners, viewers and verifiers, and bad input refused with
 * a problem and nothing changed.
 */

const SPBE = listIndicators(spbe2020);
/** The demo city's self level of indicator `no` (SPBE 2023 penilaian mandiri; 1 past the list, as seeded). */
const cityLevel = (no: number) => CITY_LEVELS[SPBE.findIndex((i) => i.no === no)] ?? 1;

/** WIB wall-clock instant (UTC+7) of a day and hour. */
const wib = (day: string, hour: number, minute = 0) =>
  Date.parse(`${day}T00:00:00Z`) + (hour - 7) * 3_600_000 + minute * 60_000;

async function as(h: ServerContext, who: 'coordinator' | 'viewer' | 'verifier1' | 'verifier2') {
  return h.login(who);
}

/** An owner account for a unit (by code), logged in: its token and credentials. */
async function ownerOf(h: ServerContext, code: string, email: string) {
  const r = await h.call('POST', '/api/owners', {
    token: await as(h, 'coordinator'),
    json: { email, name: `Penanggung jawab ${code}`, unitId: await h.unitId(code) },
  });
  expect(r.status, r.text).toBe(201);
  const creds = OwnerCredentialsSchema.parse(r.body);
  const login = await h.call('POST', '/api/auth/login', {
    json: { email, password: creds.password },
  });
  expect(login.status, login.text).toBe(200);
  return { token: login.body.token as string, ...creds };
}

async function create(h: ServerContext, body: Record<string, unknown>, token?: string) {
  return h.call('POST', '/api/actions', {
    token: token ?? (await as(h, 'coordinator')),
    json: { periodId: h.demo?.periodId, ...body },
  });
}

async function createOk(h: ServerContext, body: Record<string, unknown>): Promise<Action> {
  const r = await create(h, body);
  expect(r.status, r.text).toBe(201);
  return ActionSchema.parse(r.body);
}

async function actionCount(h: ServerContext): Promise<number> {
  return (await h.rowCounts()).actions ?? 0;
}

async function getAction(h: ServerContext, id: string): Promise<Action> {
  const r = await h.call('GET', `/api/actions/${id}`, { token: await as(h, 'coordinator') });
  expect(r.status, r.text).toBe(200);
  return ActionSchema.parse(r.body);
}

async function upload(
  h: ServerContext,
  id: string,
  token: string,
  bytes: Uint8Array,
  name: string,
  type: string,
) {
  return h.call('POST', `/api/actions/${id}/files?name=${encodeURIComponent(name)}`, {
    token,
    body: bytes,
    contentType: type,
  });
}

describeEachDialect('improvement actions (tindak lanjut)', (ctx) => {
  const periodId = () => ctx().demo?.periodId as string;

  it('goes from plan to done: create, berjalan, attach a file, close, reopen', async () => {
    const h = ctx();
    const pemda = await h.unitId(PEMDA_CODE);
    const diskominfo = await h.unitId(opdCode(7));
    const a = await createOk(h, {
      indicatorNo: 3,
      unitId: pemda,
      ownerUnitId: diskominfo,
      ownerPerson: 'Kabid Aptika',
      targetLevel: 3,
      dueDate: '2023-12-31',
      origin: 'plan',
    });
    // The level now is the city's (self-assessed, not verified yet); defaults from the instrument.
    expect(a.fromLevel).toBe(cityLevel(3));
    expect(a.fromSource).toBe('self');
    expect(a.status).toBe('rencana');
    expect(a.displayStatus).toBe('rencana');
    expect(a.version).toBe(1);
    expect(a.title).toBe('Capai level 3 (Terdefinisi) pada indikator 3');
    expect(a.evidence.length).toBeGreaterThan(0);
    expect(a.ownerUnitName).toBe(
      (await h.services.units.tree()).find((u) => u.id === diskominfo)?.name,
    );

    const owner = await ownerOf(h, opdCode(7), 'aptika@cilegon.demo');
    const started = await h.call('PATCH', `/api/actions/${a.id}`, {
      token: owner.token,
      json: { expectedVersion: 1, status: 'berjalan' },
    });
    expect(started.status, started.text).toBe(200);
    expect(started.body.status).toBe('berjalan');
    expect(started.body.version).toBe(2);

    // Closing without evidence is refused and changes nothing.
    const bare = await h.call('POST', `/api/actions/${a.id}/close`, {
      token: owner.token,
      json: { expectedVersion: 2, note: 'Sudah selesai' },
    });
    expect(bare.status).toBe(422);
    expect(bare.body.code).toBe('action_evidence_required');
    expect((await getAction(h, a.id)).status).toBe('berjalan');

    const png = emblemPng(32);
    const up = await upload(h, a.id, owner.token, png, 'SK Wali Kota.png', 'image/png');
    expect(up.status, up.text).toBe(200);
    const sha = createHash('sha256').update(png).digest('hex');
    expect(up.body.files).toEqual([
      expect.objectContaining({
        sha256: sha,
        name: 'SK Wali Kota.png',
        mime: 'image/png',
        bytes: png.length,
      }),
    ]);
    expect(up.body.version).toBe(3);

    const closed = await h.call('POST', `/api/actions/${a.id}/close`, {
      token: owner.token,
      json: {
        expectedVersion: 3,
        note: 'SK ditandatangani 1 Desember',
        links: ['https://jdih.cilegon.go.id/sk-spbe'],
      },
    });
    expect(closed.status, closed.text).toBe(200);
    const done = ActionSchema.parse(closed.body);
    expect(done.status).toBe('selesai');
    expect(done.closingNote).toBe('SK ditandatangani 1 Desember');
    expect(done.closedBy).toBe(owner.account.id);
    expect(done.closedByName).toBe(owner.account.name);
    expect(done.links).toEqual(['https://jdih.cilegon.go.id/sk-spbe']);

    // The file is served as the verification evidence is: a PNG whose bytes match shows inline.
    const dl = await h.app.request(`/api/actions/${a.id}/files/${sha}`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');
    expect(dl.headers.get('content-disposition')).toMatch(/^inline/);
    expect(new Uint8Array(await dl.arrayBuffer())).toEqual(png);

    // A closed action takes no more files, and the owner cannot reopen it.
    const late = await upload(h, a.id, owner.token, png, 'lagi.png', 'image/png');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('action_closed');
    const ownerReopen = await h.call('PATCH', `/api/actions/${a.id}`, {
      token: owner.token,
      json: { expectedVersion: done.version, status: 'berjalan' },
    });
    expect(ownerReopen.status).toBe(403);

    const reopened = await h.call('PATCH', `/api/actions/${a.id}`, {
      token: await as(h, 'coordinator'),
      json: { expectedVersion: done.version, status: 'berjalan' },
    });
    expect(reopened.status, reopened.text).toBe(200);
    const again = ActionSchema.parse(reopened.body);
    expect(again.status).toBe('berjalan');
    expect(again.closingNote).toBeNull();
    expect(again.closedAt).toBeNull();
    expect(again.closedBy).toBeNull();
    expect(again.links).toEqual([]);
    expect(again.comments.at(-1)?.text).toContain('SK ditandatangani 1 Desember');
    expect(again.comments.at(-1)?.text).toContain('https://jdih.cilegon.go.id/sk-spbe');
    expect(again.files).toHaveLength(1);
  });

  it('reads the level now from the verified level when the verifier has set one', async () => {
    const h = ctx();
    const tablet = await rawTablet(h, 'verifier1');
    const a = await assessmentOf(h, PEMDA_CODE);
    await tablet.push(levels(a, { 5: 2 }));
    const act = await createOk(h, {
      indicatorNo: 5,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 3,
      dueDate: '2024-03-31',
    });
    expect(act.fromLevel).toBe(2);
    expect(act.fromSource).toBe('verified');
    expect(act.ownerUnitId).toBe(act.unitId);
    // A rekomendasi names the verification it came from; one of another indicator is refused.
    const fromRec = await createOk(h, {
      indicatorNo: 5,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 4,
      dueDate: '2024-03-31',
      origin: 'rekomendasi',
      originRef: `${a}:5`,
    });
    expect(fromRec.originRef).toBe(`${a}:5`);
    const before = await actionCount(h);
    const wrong = await create(h, {
      indicatorNo: 6,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 4,
      dueDate: '2024-03-31',
      origin: 'rekomendasi',
      originRef: `${a}:5`,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.details.issues[0].path).toBe('originRef');
    expect(await actionCount(h)).toBe(before);
    for (const id of [act.id, fromRec.id]) {
      const v = (await getAction(h, id)).version;
      await h.call('DELETE', `/api/actions/${id}`, { token: await as(h, 'coordinator') });
      expect(v).toBe(1);
    }
  });

  it('computes terlambat from the due date in the organisation zone with the server clock', async () => {
    const h = ctx();
    const saved = h.clock.now;
    // The clock only moves back from T0 (2 October 2023, 08:00 WIB), so no session expires.
    try {
      const pemda = await h.unitId(PEMDA_CODE);
      const token = await as(h, 'coordinator');
      const open = await createOk(h, {
        indicatorNo: 7,
        unitId: pemda,
        targetLevel: 2,
        dueDate: '2023-10-01',
      });
      const done = await createOk(h, {
        indicatorNo: 9,
        unitId: pemda,
        targetLevel: 2,
        dueDate: '2023-09-01',
      });
      const closed = await h.call('POST', `/api/actions/${done.id}/close`, {
        token,
        json: { expectedVersion: 1, note: 'Selesai', links: ['https://example.org/bukti'] },
      });
      expect(closed.status, closed.text).toBe(200);

      // 23:59 WIB on the due day (16:59 UTC): still on time.
      h.clock.now = wib('2023-10-01', 23, 59);
      let a = await getAction(h, open.id);
      expect(a.displayStatus).toBe('rencana');
      expect(a.daysOverdue).toBe(0);
      // 00:30 WIB the next day — still 1 October in UTC — is one day late.
      h.clock.now = wib('2023-10-02', 0, 30);
      a = await getAction(h, open.id);
      expect(a.displayStatus).toBe('terlambat');
      expect(a.daysOverdue).toBe(1);
      const list = await h.call('GET', `/api/actions?periodId=${periodId()}&status=terlambat`, {
        token: await as(h, 'viewer'),
      });
      expect(list.status, list.text).toBe(200);
      const parsed: ActionList = ActionListSchema.parse(list.body);
      expect(parsed.today).toBe('2023-10-02');
      expect(parsed.actions.map((x) => x.id)).toContain(open.id);
      expect(parsed.actions.map((x) => x.id)).not.toContain(done.id);
      expect(parsed.counts.terlambat).toBe(parsed.actions.length);
      // The counts are the status tabs': the other statuses are counted too.
      expect(parsed.counts.selesai).toBeGreaterThan(0);
      expect(parsed.counts.total).toBeGreaterThan(parsed.actions.length);
      // A done action is never late, however long ago its due date was; an open one counts days.
      h.clock.now = saved;
      const d = await getAction(h, done.id);
      expect(d.displayStatus).toBe('selesai');
      expect(d.daysOverdue).toBe(0);
      expect((await getAction(h, open.id)).daysOverdue).toBe(1);
      await h.call('DELETE', `/api/actions/${open.id}`, { token });
      await h.call('PATCH', `/api/actions/${done.id}`, {
        token,
        json: { expectedVersion: d.version, status: 'berjalan' },
      });
      await h.call('DELETE', `/api/actions/${done.id}`, { token });
    } finally {
      h.clock.now = saved;
    }
  });

  it('shows on the dashboard the index if every action succeeds, equal to computeIndex of the promised levels', async () => {
    const h = ctx();
    const pemda = await h.unitId(PEMDA_CODE);
    const made = [
      await createOk(h, { indicatorNo: 11, unitId: pemda, targetLevel: 4, dueDate: '2024-01-31' }),
      await createOk(h, { indicatorNo: 11, unitId: pemda, targetLevel: 3, dueDate: '2024-01-31' }),
      await createOk(h, { indicatorNo: 20, unitId: pemda, targetLevel: 3, dueDate: '2024-02-28' }),
      // On an OPD: its own level, never the city's index.
      await createOk(h, {
        indicatorNo: 1,
        unitId: await h.unitId(opdCode(3)),
        targetLevel: 5,
        dueDate: '2024-02-28',
      }),
    ];
    const r = await h.call('GET', `/api/dashboard/${periodId()}/actions`, {
      token: await as(h, 'viewer'),
    });
    expect(r.status, r.text).toBe(200);
    const p: ActionsProgress = ActionsProgressSchema.parse(r.body);
    // Independently: the city's levels now (self levels, and the verified 5 = 2 of the test above).
    const now: Record<number, number> = Object.fromEntries(
      SPBE.map((i) => [i.no, cityLevel(i.no)]),
    );
    now[5] = 2;
    // Every action of the period on the Pemda unit counts (earlier tests left some open).
    const all = await h.call('GET', `/api/actions?periodId=${periodId()}`, {
      token: await as(h, 'viewer'),
    });
    const listed = ActionListSchema.parse(all.body).actions;
    const onCity = listed.filter((a) => a.unitId === pemda);
    expect(onCity.length).toBeGreaterThan(made.length - 1);
    const want = computeIndex(spbe2020, promisedLevels(now, onCity)).index;
    expect(p.current.index).toBe(computeIndex(spbe2020, now).index);
    expect(p.promised.index).toBe(want);
    expect(p.promised.index).toBeGreaterThan(p.current.index as number);
    expect(p.targetIndex).toBe(3);
    expect(p.indicators.map((i) => i.no)).toEqual(
      [...new Set(onCity.map((a) => a.indicatorNo))].sort((x, y) => x - y),
    );
    expect(p.indicators.find((i) => i.no === 11)).toMatchObject({
      no: 11,
      current: cityLevel(11),
      promised: 4,
      actionCount: 2,
      openCount: 2,
    });
    expect(p.counts.total).toBe(listed.length);
    for (const a of made)
      await h.call('DELETE', `/api/actions/${a.id}`, { token: await as(h, 'coordinator') });
  });

  it('creates the plan in bulk all or nothing, naming the refused rows', async () => {
    const h = ctx();
    const pemda = await h.unitId(PEMDA_CODE);
    const before = await actionCount(h);
    const bad = await h.call('POST', '/api/actions/bulk', {
      token: await as(h, 'coordinator'),
      json: {
        actions: [
          {
            periodId: periodId(),
            indicatorNo: 12,
            unitId: pemda,
            targetLevel: 3,
            dueDate: '2024-01-31',
          },
          {
            periodId: periodId(),
            indicatorNo: 13,
            unitId: pemda,
            targetLevel: 1,
            dueDate: '2024-01-31',
          },
          {
            periodId: periodId(),
            indicatorNo: 14,
            unitId: 'no-such-unit',
            targetLevel: 3,
            dueDate: '2024-01-31',
          },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('action_bulk_invalid');
    const details = ActionBulkDetailsSchema.parse(bad.body.details);
    expect(details.rows[1]?.message).toBe(
      'Data yang dikirim tidak valid. Periksa isian yang ditandai.',
    );
    expect(
      bad.body.details.rows.map((r: { row: number; code: string }) => [r.row, r.code]),
    ).toEqual([
      [2, 'action_target_not_higher'],
      [3, 'validation_failed'],
    ]);
    expect(await actionCount(h)).toBe(before);

    const ok = await h.call('POST', '/api/actions/bulk', {
      token: await as(h, 'coordinator'),
      json: {
        actions: [12, 13].map((no) => ({
          periodId: periodId(),
          indicatorNo: no,
          unitId: pemda,
          targetLevel: 3,
          dueDate: '2024-01-31',
          origin: 'plan',
        })),
      },
    });
    expect(ok.status, ok.text).toBe(201);
    const list = ActionListSchema.parse(ok.body);
    expect(list.actions.map((a) => a.indicatorNo)).toEqual([12, 13]);
    expect(await actionCount(h)).toBe(before + 2);
    for (const a of list.actions)
      await h.call('DELETE', `/api/actions/${a.id}`, { token: await as(h, 'coordinator') });
  });

  it('refuses a stale version with 409 and changes nothing', async () => {
    const h = ctx();
    const a = await createOk(h, {
      indicatorNo: 15,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 3,
      dueDate: '2024-01-31',
    });
    const token = await as(h, 'coordinator');
    const first = await h.call('PATCH', `/api/actions/${a.id}`, {
      token,
      json: { expectedVersion: 1, title: 'Perbarui arsitektur SPBE' },
    });
    expect(first.status).toBe(200);
    const stale = await h.call('PATCH', `/api/actions/${a.id}`, {
      token,
      json: { expectedVersion: 1, title: 'Judul lama' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('action_changed');
    const staleClose = await h.call('POST', `/api/actions/${a.id}/close`, {
      token,
      json: { expectedVersion: 1, note: 'x', links: ['https://example.org'] },
    });
    expect(staleClose.body.code).toBe('action_changed');
    const now = await getAction(h, a.id);
    expect(now.title).toBe('Perbarui arsitektur SPBE');
    expect(now.version).toBe(2);
    expect(now.status).toBe('rencana');
    await h.call('DELETE', `/api/actions/${a.id}`, { token });
  });

  it('lets an owner see and follow up only its own actions', async () => {
    const h = ctx();
    const pemda = await h.unitId(PEMDA_CODE);
    const owner = await ownerOf(h, kecamatanCode(0), 'cibeber@cilegon.demo');
    const kel = (await h.services.units.tree()).find((u) => u.parentId === owner.account.unitId);
    const mine = await createOk(h, {
      indicatorNo: 16,
      unitId: pemda,
      ownerUnitId: kel?.id,
      targetLevel: 3,
      dueDate: '2024-01-31',
    });
    const onMine = await createOk(h, {
      indicatorNo: 17,
      unitId: owner.account.unitId,
      targetLevel: 5,
      dueDate: '2024-01-31',
    });
    const other = await createOk(h, {
      indicatorNo: 18,
      unitId: pemda,
      ownerUnitId: await h.unitId(opdCode(4)),
      targetLevel: 2,
      dueDate: '2024-01-31',
    });
    const list = await h.call('GET', '/api/actions', { token: owner.token });
    expect(list.status, list.text).toBe(200);
    const ids = (list.body.actions as Action[]).map((a) => a.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(onMine.id);
    expect(ids).not.toContain(other.id);
    expect((await h.call('GET', `/api/actions/${other.id}`, { token: owner.token })).status).toBe(
      404,
    );
    const foreign = await h.call('PATCH', `/api/actions/${other.id}`, {
      token: owner.token,
      json: { expectedVersion: 1, status: 'berjalan' },
    });
    expect(foreign.status).toBe(404);
    for (const change of [{ title: 'Lain' }, { targetLevel: 4 }, { dueDate: '2025-01-01' }]) {
      const r = await h.call('PATCH', `/api/actions/${mine.id}`, {
        token: owner.token,
        json: { expectedVersion: 1, ...change },
      });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
    const del = await h.call('DELETE', `/api/actions/${mine.id}`, { token: owner.token });
    expect(del.status).toBe(403);
    const comment = await h.call('POST', `/api/actions/${mine.id}/comments`, {
      token: owner.token,
      json: { text: 'Rapat koordinasi minggu depan' },
    });
    expect(comment.status, comment.text).toBe(200);
    expect(comment.body.comments.at(-1)).toMatchObject({
      text: 'Rapat koordinasi minggu depan',
      by: owner.account.id,
      byName: owner.account.name,
    });
    // The owner moves its action both ways: Berjalan, then back to Rencana (its page's
    // "Kembalikan ke Rencana").
    const started = await h.call('PATCH', `/api/actions/${mine.id}`, {
      token: owner.token,
      json: { expectedVersion: comment.body.version, status: 'berjalan' },
    });
    expect(started.status, started.text).toBe(200);
    expect(started.body.status).toBe('berjalan');
    const back = await h.call('PATCH', `/api/actions/${mine.id}`, {
      token: owner.token,
      json: { expectedVersion: started.body.version, status: 'rencana' },
    });
    expect(back.status, back.text).toBe(200);
    expect(back.body.status).toBe('rencana');
    const after = await getAction(h, mine.id);
    expect(after.title).toBe(mine.title);
    expect(after.targetLevel).toBe(3);
    expect(after.status).toBe('rencana');
    // Coordinator endpoints stay closed to owners.
    for (const [m, path] of [
      ['GET', `/api/dashboard/${periodId()}/actions`],
      ['GET', `/api/dashboard/${periodId()}`],
      ['GET', '/api/units'],
      ['POST', '/api/owners'],
    ] as const) {
      const r = await h.call(m, path, { token: owner.token, json: m === 'POST' ? {} : undefined });
      expect(r.status, `${m} ${path}`).toBe(403);
    }
    // Me and logout work for an owner.
    const me = await h.call('GET', '/api/me', { token: owner.token });
    expect(me.status).toBe(200);
    expect(me.body.account.role).toBe('owner');
    expect(me.body.account.unitId).toBe(owner.account.unitId);
    for (const a of [mine, onMine, other])
      await h.call('DELETE', `/api/actions/${a.id}`, { token: await as(h, 'coordinator') });
  });

  it('lets a viewer read but not write', async () => {
    const h = ctx();
    const a = await createOk(h, {
      indicatorNo: 19,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 3,
      dueDate: '2024-01-31',
    });
    const token = await as(h, 'viewer');
    expect((await h.call('GET', `/api/actions/${a.id}`, { token })).status).toBe(200);
    expect((await h.call('GET', '/api/owners', { token })).status).toBe(200);
    const writes: [string, string, unknown][] = [
      [
        'POST',
        '/api/actions',
        {
          periodId: periodId(),
          indicatorNo: 19,
          unitId: a.unitId,
          targetLevel: 3,
          dueDate: '2024-01-31',
        },
      ],
      ['PATCH', `/api/actions/${a.id}`, { expectedVersion: 1, status: 'berjalan' }],
      [
        'POST',
        `/api/actions/${a.id}/close`,
        { expectedVersion: 1, note: 'x', links: ['https://example.org'] },
      ],
      ['POST', `/api/actions/${a.id}/comments`, { text: 'x' }],
      ['DELETE', `/api/actions/${a.id}`, undefined],
    ];
    for (const [m, path, json] of writes) {
      const r = await h.call(m, path, { token, json });
      expect(r.status, `${m} ${path}`).toBe(403);
    }
    expect((await getAction(h, a.id)).version).toBe(1);
    await h.call('DELETE', `/api/actions/${a.id}`, { token: await as(h, 'coordinator') });
  });

  it('refuses bad input with a problem and changes nothing', async () => {
    const h = ctx();
    const pemda = await h.unitId(PEMDA_CODE);
    const before = await actionCount(h);
    const base = { indicatorNo: 21, unitId: pemda, targetLevel: 3, dueDate: '2024-01-31' };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ unitId: 'tidak-ada' }, 422, 'validation_failed'],
      [{ ownerUnitId: 'tidak-ada' }, 422, 'validation_failed'],
      [{ dueDate: '2024-02-30' }, 422, 'validation_failed'],
      [{ targetLevel: cityLevel(21) }, 422, 'action_target_not_higher'],
      [{ targetLevel: 2.5 }, 422, 'invalid_value'],
      [{ indicatorNo: 99 }, 422, 'validation_failed'],
      [{ periodId: 'tidak-ada' }, 422, 'validation_failed'],
    ];
    for (const [change, status, code] of cases) {
      const r = await create(h, { ...base, ...change });
      expect(r.status, JSON.stringify(change)).toBe(status);
      expect(r.body.code, JSON.stringify(change)).toBe(code);
      expect(typeof r.body.message).toBe('string');
    }
    const en = await h.call('POST', '/api/actions', {
      token: await as(h, 'coordinator'),
      json: { periodId: periodId(), ...base, targetLevel: 1 },
      lang: 'en',
    });
    expect(en.body.message).toMatch(/not above the current level/);
    expect(await actionCount(h)).toBe(before);

    const a = await createOk(h, base);
    const token = await as(h, 'coordinator');
    const empty = await h.call('POST', `/api/actions/${a.id}/close`, {
      token,
      json: { expectedVersion: 1, note: '   ', links: ['https://example.org'] },
    });
    expect(empty.status).toBe(422);
    // A PNG that is not one, a type that is no evidence, and a file over its kind's limit.
    const fake = await upload(
      h,
      a.id,
      token,
      new TextEncoder().encode('<html>hi</html>'),
      'foto.png',
      'image/png',
    );
    expect(fake.status).toBe(422);
    expect(fake.body.code).toBe('evidence_type_mismatch');
    const exe = await upload(
      h,
      a.id,
      token,
      new Uint8Array([0x4d, 0x5a, 0, 0]),
      'setup.exe',
      'application/octet-stream',
    );
    expect(exe.status).toBe(415);
    const big = new Uint8Array(EVIDENCE_LIMITS.pdf.storedBytes + 1);
    big.set([0x25, 0x50, 0x44, 0x46]);
    const tooBig = await upload(h, a.id, token, big, 'laporan.pdf', 'application/pdf');
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('evidence_too_large');
    const now = await getAction(h, a.id);
    expect(now.files).toEqual([]);
    expect(now.status).toBe('rencana');
    expect(now.version).toBe(1);
    await h.call('DELETE', `/api/actions/${a.id}`, { token });
  });

  it('keeps a unit that holds actions or an owner account from being deleted', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    const kel = await h.unitId(kelurahanCode(1, 0));
    const a = await createOk(h, {
      indicatorNo: 30,
      unitId: kel,
      targetLevel: 4,
      dueDate: '2024-01-31',
    });
    const refused = await h.call('DELETE', `/api/units/${kel}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('unit_in_use');
    expect(refused.body.message).toContain('1 tindak lanjut');
    await h.call('DELETE', `/api/actions/${a.id}`, { token });
    const owner = await ownerOf(h, kelurahanCode(1, 0), 'kelurahan@cilegon.demo');
    const again = await h.call('DELETE', `/api/units/${kel}`, { token });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('1 akun penanggung jawab');
    expect(owner.account.unitId).toBe(kel);
    expect((await h.services.units.tree()).some((u) => u.id === kel)).toBe(true);
  });

  it('serves an office file as a sandboxed download, never inline', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    const a = await createOk(h, {
      indicatorNo: 31,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 4,
      dueDate: '2024-01-31',
    });
    // A DOCX is a zip container: its first bytes are PK\x03\x04.
    const docx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...new TextEncoder().encode('notulen')]);
    const up = await upload(h, a.id, token, docx, 'Notulen rapat.docx', 'application/octet-stream');
    expect(up.status, up.text).toBe(200);
    const sha = createHash('sha256').update(docx).digest('hex');
    expect(up.body.files[0].mime).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const r = await h.app.request(`/api/actions/${a.id}/files/${sha}`, {
      headers: { authorization: `Bearer ${await as(h, 'viewer')}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain('sandbox');
    const gone = await h.call('DELETE', `/api/actions/${a.id}/files/${sha}`, { token });
    expect(gone.status).toBe(200);
    expect(gone.body.files).toEqual([]);
    await h.call('DELETE', `/api/actions/${a.id}`, { token });
  });

  it('follows up after an evaluation closed: actions on draft and closed periods too', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    const pemda = await h.unitId(PEMDA_CODE);
    for (const status of ['draft', 'closed'] as const) {
      const p = await h.services.periods.create({
        name: `Evaluasi SPBE 2022 (${status})`,
        year: 2022,
        frameworkId: spbe2020.id,
        targetIndex: 2.6,
        status,
      });
      const a = await create(h, {
        periodId: p.id,
        indicatorNo: 1,
        unitId: pemda,
        targetLevel: 2,
        dueDate: '2024-06-30',
      });
      expect(a.status, a.text).toBe(201);
      // No level in that period yet: any value of the domain is a target.
      expect(a.body).toMatchObject({ fromLevel: null, fromSource: 'none' });
      await h.call('DELETE', `/api/actions/${a.body.id}`, { token });
    }
  });

  it('refuses to delete a done action', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    const a = await createOk(h, {
      indicatorNo: 22,
      unitId: await h.unitId(PEMDA_CODE),
      targetLevel: 2,
      dueDate: '2024-01-31',
    });
    await h.call('POST', `/api/actions/${a.id}/close`, {
      token,
      json: { expectedVersion: 1, note: 'Selesai', links: ['https://example.org/x'] },
    });
    const del = await h.call('DELETE', `/api/actions/${a.id}`, { token });
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('action_closed');
    expect((await getAction(h, a.id)).status).toBe('selesai');
  });

  it('sends the actions of the verifier’s units in its offline package, and their files only to it', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    // verifier1 has Diskominfo (opd 7); verifier2 has Disdukcapil (opd 16).
    const mine = await createOk(h, {
      indicatorNo: 23,
      unitId: await h.unitId(opdCode(7)),
      targetLevel: 5,
      dueDate: '2024-01-31',
    });
    const owned = await createOk(h, {
      indicatorNo: 24,
      unitId: await h.unitId(PEMDA_CODE),
      ownerUnitId: await h.unitId(opdCode(16)),
      targetLevel: 3,
      dueDate: '2024-01-31',
    });
    const png = emblemPng(24);
    const sha = createHash('sha256').update(png).digest('hex');
    expect((await upload(h, owned.id, token, png, 'bukti.png', 'image/png')).status).toBe(200);

    const v2 = await h.enrol(await h.accountId('verifier2'));
    const pkg = await h.call('GET', '/api/my/assignments', { token: v2.token });
    expect(pkg.status, pkg.text).toBe(200);
    const parsed = OfflinePackageSchema.parse(pkg.body);
    const ids = (parsed.actions ?? []).map((a) => a.id);
    expect(ids).toContain(owned.id);
    expect(ids).not.toContain(mine.id);
    const t = parsed.actions?.find((a) => a.id === owned.id);
    expect(t?.files.map((f) => f.sha256)).toEqual([sha]);
    expect(t?.displayStatus).toBe('rencana');

    const v1 = await h.enrol(await h.accountId('verifier1'));
    const pkg1 = OfflinePackageSchema.parse(
      (await h.call('GET', '/api/my/assignments', { token: v1.token })).body,
    );
    expect((pkg1.actions ?? []).map((a) => a.id)).toContain(mine.id);
    // verifier1 has the Pemda unit: an action on it reaches its tablet too.
    expect((pkg1.actions ?? []).map((a) => a.id)).toContain(owned.id);

    // With the tablet's token or a browser session alike.
    for (const bearer of [v2.token, await as(h, 'verifier2')]) {
      const got = await h.app.request(`/api/actions/${owned.id}/files/${sha}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      expect(got.status).toBe(200);
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
    }
    const pemdiOnly = await createOk(h, {
      indicatorNo: 25,
      unitId: await h.unitId(opdCode(3)),
      targetLevel: 5,
      dueDate: '2024-01-31',
    });
    await upload(h, pemdiOnly.id, token, png, 'bukti.png', 'image/png');
    const refused = await h.call('GET', `/api/actions/${pemdiOnly.id}/files/${sha}`, {
      token: v2.token,
    });
    expect(refused.status).toBe(403);
    for (const a of [mine, owned, pemdiOnly])
      await h.call('DELETE', `/api/actions/${a.id}`, { token });
  });

  it('manages owner accounts: taken e-mail, unknown unit, deactivation ends sessions, reset', async () => {
    const h = ctx();
    const token = await as(h, 'coordinator');
    const owner = await ownerOf(h, opdCode(4), 'bpkad@cilegon.demo');
    expect(owner.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(owner.account.role).toBe('owner');
    const taken = await h.call('POST', '/api/owners', {
      token,
      json: { email: 'bpkad@cilegon.demo', name: 'Lagi', unitId: owner.account.unitId },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('email_taken');
    const unknown = await h.call('POST', '/api/owners', {
      token,
      json: { email: 'x@cilegon.demo', name: 'X', unitId: 'tidak-ada' },
    });
    expect(unknown.status).toBe(422);
    const list = await h.call('GET', '/api/owners', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.owners.map((o: { id: string }) => o.id)).toEqual([owner.account.id]);

    const off = await h.call('PATCH', `/api/owners/${owner.account.id}`, {
      token,
      json: { active: false },
    });
    expect(off.status, off.text).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await h.call('GET', '/api/me', { token: owner.token })).status).toBe(401);
    await h.call('PATCH', `/api/owners/${owner.account.id}`, { token, json: { active: true } });

    const reset = await h.call('POST', `/api/owners/${owner.account.id}/password`, { token });
    expect(reset.status, reset.text).toBe(200);
    const creds = OwnerCredentialsSchema.parse(reset.body);
    expect(creds.password).not.toBe(owner.password);
    const oldLogin = await h.call('POST', '/api/auth/login', {
      json: { email: 'bpkad@cilegon.demo', password: owner.password },
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await h.call('POST', '/api/auth/login', {
      json: { email: 'bpkad@cilegon.demo', password: creds.password },
    });
    expect(newLogin.status).toBe(200);
    const out = await h.call('POST', '/api/auth/logout', { token: newLogin.body.token });
    expect(out.status).toBe(204);
  });
});
