import { expect, it } from 'vitest';
import { stageValueChanges } from '../../../src/app/lib/workflow';
import { formatInZone, type Stage, stageValueOf, verificationId } from '../../../src/core';
import {
  appFetch,
  describeSync,
  enrolTablet,
  newTeam,
  type SyncHarness,
  tabletEngine,
} from '../../helpers/sync-harness';

/**
 * A stage value made after the coordinator closed its stage. The tablet, offline, still
 * believes the period is in verifikasi dokumen while the coordinator moved it on to
 * interviu: the level the verifier then taps must not change the finished document stage
 * silently. The server refuses that one field (`stage_closed`, naming the stage and when it
 * closed), keeps the rest of the tap (the verified level, the catatan), and the tablet puts
 * the stage's value back to the server's and lists the refusal under "Ditolak server". A
 * value made while the stage was still open but synced after it closed is kept, and so is
 * a value of the current stage.
 */

/** The fields of every record of the verifier's scope, as a second tablet pulls them. */
async function pulledFields(h: SyncHarness, token: string) {
  const fields: Record<string, Record<string, unknown>> = {};
  for (let cursor = 0; ; ) {
    const page = await h.call('GET', `/api/sync/pull?cursor=${cursor}`, { token });
    expect(page.status, page.text).toBe(200);
    for (const c of page.body.changes as { id: string; fields: Record<string, unknown> }[])
      fields[c.id] = { ...fields[c.id], ...c.fields };
    cursor = page.body.cursor;
    if (!page.body.hasMore) return fields;
  }
}

describeSync('a stage value made after its stage closed', (ctx) => {
  it('refuses only that value (stage_closed), keeps the rest of the tap, a value made before the close and one of the current stage', async () => {
    const h = ctx();
    const now = () => h.base.clock.now;
    const coordinator = await h.base.login('coordinator');
    const team = await newTeam(h.services, h.base, { verifiers: 1, units: 1 });
    const a = team.assessmentIds[0] as string;
    const verifier = team.verifiers[0]?.id as string;
    const t = await enrolTablet(h.call, coordinator, verifier, 'Tablet tahap', { now });
    const engine = tabletEngine(t, appFetch(h.app), { now });
    await engine.sync();
    const tap = (no: number, stage: Stage, level: number, extra = {}) =>
      t.store.verifications.update(
        a,
        no,
        stageValueChanges(stage, level, 'Verifikator', now(), extra),
      );

    // Document review, online: indicator 1 gets 3.
    await tap(1, 'dokumen', 3);
    await engine.sync();
    expect(await t.store.outbox.count()).toBe(0);

    // Offline from here. Indicator 2 is valued while the document stage is still open.
    h.base.clock.advance(60_000);
    await tap(2, 'dokumen', 2);

    // The coordinator closes the document stage.
    h.base.clock.advance(60_000);
    const moved = await h.call('POST', `/api/periods/${team.periodId}/stage`, {
      token: coordinator,
      json: { from: 'dokumen', to: 'interviu' },
    });
    expect(moved.status, moved.text).toBe(200);
    const closedAt = formatInZone(now(), 'WIB', 'id', 'medium');

    // The tablet, not told, records indicator 1 as 1 "in verifikasi dokumen" with a catatan,
    // and indicator 3 in the interview (a tablet that did learn of the move).
    h.base.clock.advance(60_000);
    await tap(1, 'dokumen', 1, { notes: 'Dokumen SOP belum ditandatangani.' });
    await tap(3, 'interviu', 4);
    await engine.sync();

    // The tablet lists the one refused value, in Indonesian and English, naming the stage,
    // when it closed and the stage to value instead; it cannot be sent again.
    const refused = await t.store.rejected.list(a);
    expect(refused).toHaveLength(1);
    const [entry] = refused;
    expect(entry?.rejection).toMatchObject({
      code: 'stage_closed',
      field: 'stages.dokumen',
      indicatorNo: 1,
      retryable: false,
    });
    expect(entry?.rejection.message).toContain(
      `Tahap "Verifikasi dokumen" sudah ditutup ${closedAt}; nilai ini dibuat sesudahnya`,
    );
    expect(entry?.rejection.message).toContain('Pilih level lagi untuk tahap "Interviu"');
    expect(entry?.rejection.messageEn).toContain('The stage "Document review" was closed on');
    // Only the refused field is in the entry: the rest of the tap was kept.
    expect(Object.keys(entry?.mutation.changes ?? {})).toEqual(['stages.dokumen']);
    expect(await t.store.outbox.count()).toBe(0);

    // On the tablet the document stage shows the server's 3 again; the tap's level and
    // catatan stay, as the server kept them.
    const one = await t.store.verifications.get(a, 1);
    expect(stageValueOf(one as Record<string, unknown>, 'dokumen')).toBe(3);
    expect(one?.verifiedLevel).toBe(1);
    expect(one?.notes).toBe('Dokumen SOP belum ditandatangani.');
    expect(stageValueOf((await t.store.verifications.get(a, 2)) ?? {}, 'dokumen')).toBe(2);
    expect(stageValueOf((await t.store.verifications.get(a, 3)) ?? {}, 'interviu')).toBe(4);

    // The server: the closed stage's value unchanged, the rest applied, the value made
    // before the close and the current stage's value kept.
    const second = await enrolTablet(h.call, coordinator, verifier, 'Tablet kedua');
    const fields = await pulledFields(h, second.token);
    const f1 = fields[verificationId(a, 1)] ?? {};
    expect(stageValueOf(f1, 'dokumen')).toBe(3);
    expect(f1.verifiedLevel).toBe(1);
    expect(f1.notes).toBe('Dokumen SOP belum ditandatangani.');
    expect(stageValueOf(fields[verificationId(a, 2)] ?? {}, 'dokumen')).toBe(2);
    expect(stageValueOf(fields[verificationId(a, 3)] ?? {}, 'interviu')).toBe(4);

    // The coordinator's list of refused changes holds it too.
    const list = await h.call('GET', `/api/sync/rejections?assessmentId=${a}`, {
      token: coordinator,
    });
    expect(list.status, list.text).toBe(200);
    expect(JSON.stringify(list.body)).toContain('stage_closed');

    // Synced again (nothing new): nothing else is refused, the entry is not doubled.
    await engine.sync();
    expect(await t.store.rejected.list(a)).toHaveLength(1);
    expect(stageValueOf((await t.store.verifications.get(a, 1)) ?? {}, 'dokumen')).toBe(3);
  });
});
