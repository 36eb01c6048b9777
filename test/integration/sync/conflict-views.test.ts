import { expect, it } from 'vitest';
import {
  type AuditEntry,
  auditEvents,
  auditEventText,
  type ConflictView,
  clockIsOff,
  fieldLabel,
  listIndicators,
  spbe2020,
} from '../../../src/core';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  type Tablet,
  type Team,
  tabletEngine,
} from '../../helpers/sync-harness';

const MIN = 60_000;
/** 1 June 2099, 09.00 WIB: a tablet whose year was typed wrong (still inside the wire's range). */
const YEAR_2099 = Date.UTC(2099, 5, 1, 2, 0);

/**
 * A tablet whose clock is the server's plus `offset` (ms), or fixed at `at`: its store
 * stamps edits with that clock and its engine reports it at sync.
 */
async function tabletWithClock(
  h: SyncHarness,
  coordinator: string,
  verifierId: string,
  label: string,
  clock: { offset?: number; at?: number },
) {
  const now = () => clock.at ?? h.base.clock.now + (clock.offset ?? 0);
  const t: Tablet = await enrolTablet(h.call, coordinator, verifierId, label, { now });
  const engine = tabletEngine(t, appFetch(h.app), { now });
  return { t, engine };
}

/** "2 Okt" or "08.07" in Western Indonesia Time, as the trail writes them. */
function wib(ms: number, part: 'date' | 'time'): string {
  const o: Intl.DateTimeFormatOptions =
    part === 'date'
      ? { day: 'numeric', month: 'short' }
      : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Date(ms).toLocaleString('id-ID', { timeZone: 'Asia/Jakarta', ...o });
}

/**
 * A fresh team of two verifiers on one unit, each with a tablet ('Tab Bulakan' on the
 * server's clock, 'Tab Kebondalem' `offsetB` ms off), both synced once.
 */
async function twoVerifiers(h: SyncHarness, offsetB: number) {
  const team = await newTeam(h.services, h.base, { verifiers: 2 });
  const coordinator = await h.base.login('coordinator');
  const [v0, v1] = team.verifiers as [Team['verifiers'][number], Team['verifiers'][number]];
  const A = await tabletWithClock(h, coordinator, v0.id, 'Tab Bulakan', { offset: 0 });
  const B = await tabletWithClock(h, coordinator, v1.id, 'Tab Kebondalem', { offset: offsetB });
  await A.engine.sync();
  await B.engine.sync();
  return { team, coordinator, a: team.assessmentIds[0] as string, A, B };
}

async function openConflicts(h: SyncHarness, token: string, assessmentId: string) {
  const r = await h.call('GET', '/api/conflicts?status=open', { token });
  expect(r.status).toBe(200);
  return (r.body.conflicts as ConflictView[]).filter((c) => c.assessmentId === assessmentId);
}

async function auditOf(h: SyncHarness, token: string, a: string, no?: number) {
  const r = await h.call('GET', `/api/assessments/${a}/audit${no ? `?indicatorNo=${no}` : ''}`, {
    token,
  });
  expect(r.status).toBe(200);
  return r.body.entries as AuditEntry[];
}

describeSync('conflicts and the audit trail as people read them', (ctx) => {
  it('names unit, indicator and field; judges the newer edit by the tablet clocks; tells the disputed tablet', async () => {
    const h = ctx();
    // Three minutes off is within what a tablet clock may be: not doubtful.
    const { team, coordinator, a, A, B } = await twoVerifiers(h, 3 * MIN);
    const t0 = h.base.clock.now;

    // B edits first, offline; A edits later and syncs at once; B syncs an hour later.
    h.base.clock.advance(10 * MIN);
    await B.t.store.verifications.update(a, 1, { verifiedLevel: 2 });
    h.base.clock.advance(10 * MIN);
    await A.t.store.verifications.update(a, 1, { verifiedLevel: 4 });
    h.base.clock.advance(5 * MIN);
    await A.engine.sync();
    h.base.clock.advance(35 * MIN);
    await B.engine.sync();

    const [c] = await openConflicts(h, coordinator, a);
    const unit = (await h.services.units.tree()).find((u) => u.id === team.unitIds[0]);
    expect(c).toMatchObject({
      field: 'verifiedLevel',
      localValue: 2,
      serverValue: 4,
      unitId: team.unitIds[0],
      unitName: unit?.name,
      unitCode: unit?.code,
      indicatorNo: 1,
      indicatorName: listIndicators(spbe2020)[0]?.spec.name,
      serverDeviceId: A.t.deviceId,
      // B's edit was made on its tablet at +10 min (its clock 3 min ahead), received at +60.
      localEditedAt: t0 + 13 * MIN,
      localReceivedAt: t0 + 60 * MIN,
      // A's edit: made at +20, received at +25. By receive time B's would look newer.
      serverEditedAt: t0 + 20 * MIN,
      serverAt: t0 + 25 * MIN,
      localClockDoubtful: false,
      serverClockDoubtful: false,
    });
    expect(c?.localReceivedAt).toBeGreaterThan(c?.serverAt as number);
    expect(c?.localEditedAt).toBeLessThan(c?.serverEditedAt as number);
    expect(fieldLabel(c?.field as string)[0]).toBe('Level hasil verifikasi');

    // B holds the conflict it raised, with both edit times; A is told at its next pull.
    const [raised] = await B.t.store.conflicts.listOpen();
    expect(raised).toMatchObject({
      role: 'raised',
      localValue: 2,
      serverValue: 4,
      localEditedAt: t0 + 13 * MIN,
      serverEditedAt: t0 + 20 * MIN,
    });
    await A.engine.sync();
    const [disputed] = await A.t.store.conflicts.listOpen();
    expect(disputed).toMatchObject({ id: c?.id, role: 'disputed', serverValue: 4, localValue: 2 });
    // A takes B's value: an ordinary change on the server's version; the conflict closes on
    // both tablets and B's value stands.
    await A.t.store.conflicts.resolve(disputed?.id as string, disputed?.localValue);
    await A.engine.sync();
    await B.engine.sync();
    expect(await openConflicts(h, coordinator, a)).toEqual([]);
    expect(await B.t.store.conflicts.listOpen()).toEqual([]);
    expect((await B.t.store.verifications.get(a, 1))?.verifiedLevel).toBe(2);
    expect(A.engine.getStatus().clockCheck?.skewMs).toBe(0);
    expect(clockIsOff(B.engine.getStatus().clockCheck?.skewMs)).toBe(false);
  });

  it('finds a tablet clock far off at sync, tells the tablet and marks its times doubtful', async () => {
    const h = ctx();
    const team = await newTeam(h.services, h.base, { verifiers: 1 });
    const coordinator = await h.base.login('coordinator');
    const v = team.verifiers[0] as { id: string };
    const a = team.assessmentIds[0] as string;
    const A = await tabletWithClock(h, coordinator, v.id, 'Tab Tepat', { offset: 0 });
    const C = await tabletWithClock(h, coordinator, v.id, 'Tab 2099', { at: YEAR_2099 });
    const D = await tabletWithClock(h, coordinator, v.id, 'Tab 1970', { at: 86_400_000 });
    for (const t of [A, C, D]) await t.engine.sync();
    // The tablets learn it at their first sync: 2099 is ahead, 1970 behind, A is right.
    expect(clockIsOff(A.engine.getStatus().clockCheck?.skewMs)).toBe(false);
    expect(C.engine.getStatus().clockCheck?.skewMs).toBe(YEAR_2099 - h.base.clock.now);
    expect(D.engine.getStatus().clockCheck?.skewMs).toBeLessThan(-50 * 365 * 86_400_000);
    // It survives a restart (kept in the store), for the notice before the next sync.
    await C.engine.refreshLocal();
    expect(clockIsOff(C.engine.getStatus().clockCheck?.skewMs)).toBe(true);

    h.base.clock.advance(5 * MIN);
    await A.t.store.verifications.update(a, 2, { verifiedLevel: 3 });
    await A.engine.sync();
    h.base.clock.advance(5 * MIN);
    // C never saw A's edit: its own is a conflict, stamped 2099.
    await C.t.store.verifications.update(a, 2, { verifiedLevel: 5, notes: 'dari 2099' });
    await C.engine.sync();

    const [c] = await openConflicts(h, coordinator, a);
    expect(c).toMatchObject({
      localValue: 5,
      localEditedAt: YEAR_2099,
      localClockDoubtful: true,
      serverClockDoubtful: false,
    });
    const notes = (await auditOf(h, coordinator, a, 2)).filter((e) => e.field === 'notes');
    expect(notes).toMatchObject([{ value: 'dari 2099', editedAt: YEAR_2099, clockDoubtful: true }]);
    const line = auditEvents(notes, 'id').map(auditEventText)[0];
    expect(line).toContain("(tablet 'Tab 2099')");
    expect(line).toContain('1 Jun 2099 09.00 (jam tablet diragukan; diterima server');
    const fromA = (await auditOf(h, coordinator, a, 2)).find((e) => e.field === 'verifiedLevel');
    expect(fromA).toMatchObject({ clockDoubtful: false, value: 3 });
  });

  it('writes the audit trail in sentences: levels, photos, a coordinator’s decision', async () => {
    const h = ctx();
    const { team, coordinator, a, A, B } = await twoVerifiers(h, 0);
    h.base.clock.advance(6 * MIN);
    await A.t.store.verifications.update(a, 3, { verifiedLevel: 1 });
    await A.engine.sync();
    h.base.clock.advance(MIN);
    const edited = h.base.clock.now;
    await A.t.store.verifications.update(a, 3, { verifiedLevel: 2 });
    await A.t.store.evidence.add({
      assessmentId: a,
      indicatorNo: 3,
      blob: new Blob([new Uint8Array([0xff, 0xd8, 1, 2, 3])], { type: 'image/jpeg' }),
      name: 'sk-walikota.jpg',
      width: 800,
      height: 600,
      location: null,
    });
    h.base.clock.advance(2 * MIN);
    const received = h.base.clock.now;
    // The photo's record goes up with the push; its bytes would go over tus (not here).
    await expect(A.engine.sync()).rejects.toMatchObject({ code: 'no_uploader' });
    // B sets a level from the old version: a conflict the coordinator decides.
    await B.t.store.verifications.update(a, 3, { verifiedLevel: 4 });
    await B.engine.sync();
    const [c] = await openConflicts(h, coordinator, a);
    const r = await h.call('POST', `/api/conflicts/${c?.id}/resolve`, {
      token: coordinator,
      json: { value: 4 },
    });
    expect(r.status).toBe(200);

    const entries = await auditOf(h, coordinator, a, 3);
    const lines = auditEvents(entries, 'id').map(auditEventText);
    const name = await h.base.db
      .selectFrom('accounts')
      .select('name')
      .where('id', '=', team.verifiers[0]?.id as string)
      .executeTakeFirstOrThrow();
    const who = `${name.name} (tablet 'Tab Bulakan')`;
    const when = `${wib(edited, 'date')} ${wib(edited, 'time')} (diterima server ${wib(received, 'time')})`;
    expect(lines).toContain(`Level verifikasi 1 → 2 · ${who} · ${when}`);
    expect(lines).toContain(`Foto sk-walikota.jpg ditambahkan · ${who} · ${when}`);
    expect(lines.at(-1)).toBe(
      `Konflik diputuskan koordinator: Level verifikasi 2 → 4 · Koordinator SPBE (Diskominfo) · ${wib(received, 'date')} ${wib(received, 'time')}`,
    );
    // Nothing a person cannot read: no ids, hashes, epoch milliseconds or English field names.
    const text = lines.join('\n');
    for (const raw of [a, 'sha256', 'assessmentId', 'verifiedLevel', String(h.base.clock.now)])
      expect(text).not.toContain(raw);
  });
});
