import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { type MutationResult, type Rejection, verificationId } from '../../../src/core';
import {
  IdentityConflictError,
  RecordNotFoundError,
  type TelusurStore,
  ValidationError,
} from '../../../src/store';
import { declareSchema } from '../../../src/store/schema';
import { ASSESSMENT, freshName, manualClock, open } from './helpers';

const OTHER = '0190a6f2-5c3e-7b1a-8f00-000000000002';

function rejection(over: Partial<Rejection> = {}): Rejection {
  return {
    code: 'not_assigned',
    message: 'Unit Kecamatan Cibeber tidak lagi ditugaskan kepada Anda.',
    messageEn: 'Kecamatan Cibeber is no longer assigned to you.',
    entity: 'verification',
    recordId: verificationId(ASSESSMENT, 2),
    assessmentId: ASSESSMENT,
    unitId: 'kec-cibeber',
    unitName: 'Kecamatan Cibeber',
    indicatorNo: 2,
    field: null,
    at: Date.UTC(2024, 4, 6, 3),
    retryable: true,
    ...over,
  };
}

const applied = (seq: number, fields: Record<string, number>): MutationResult => ({
  seq,
  outcome: 'applied',
  duplicate: false,
  fields: Object.fromEntries(
    Object.entries(fields).map(([f, version]) => [f, { outcome: 'applied' as const, version }]),
  ),
  rejection: null,
});

const refused = (seq: number, r: Rejection | null = rejection()): MutationResult => ({
  seq,
  outcome: 'rejected',
  duplicate: false,
  fields: {},
  rejection: r,
});

async function seqs(s: TelusurStore): Promise<number[]> {
  return (await s.outbox.peek(1000)).map((m) => m.seq);
}

/** Four changes: 1 and 3 on unit A indicator 1/3, 2 on indicator 2, 4 on another unit. */
async function fourChanges(s: TelusurStore): Promise<void> {
  await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
  await s.verifications.update(ASSESSMENT, 2, { notes: 'SK belum ada', verifiedLevel: 2 });
  await s.verifications.update(ASSESSMENT, 3, { verifiedLevel: 4 });
  await s.verifications.update(OTHER, 1, { verifiedLevel: 1 });
}

/**
 * Write rows as an older app version did, before core refused control characters: a note
 * holding U+0000 in the record and in its unsent change.
 */
async function plantLegacyNote(name: string, notes: string): Promise<void> {
  const db = new Dexie(name, { indexedDB, IDBKeyRange });
  declareSchema(db);
  await db.open();
  const id = verificationId(ASSESSMENT, 5);
  const clock = await db.table('meta').get('clock');
  const device = await db.table('meta').get('device');
  const seq = Number(clock?.seq ?? 0) + 1;
  await db.transaction('rw', db.tables, async () => {
    await db.table('verifications').put({
      id,
      assessmentId: ASSESSMENT,
      indicatorNo: 5,
      selfLevel: null,
      selfJustification: '',
      verifiedLevel: null,
      notApplicable: false,
      naReason: '',
      notes,
      reviewComment: '',
      _versions: { assessmentId: 0, indicatorNo: 0, notes: 0 },
    });
    await db.table('outbox').add({
      deviceId: device.deviceId,
      seq,
      entity: 'verification',
      id,
      changes: { assessmentId: ASSESSMENT, indicatorNo: 5, notes },
      baseVersions: { assessmentId: 0, indicatorNo: 0, notes: 0 },
      hlc: `${String(Date.UTC(2024, 4, 6)).padStart(13, '0')}-0000-${device.deviceId}`,
      at: Date.UTC(2024, 4, 6),
      assessmentId: ASSESSMENT,
    });
    await db.table('meta').put({ ...clock, key: 'clock', seq });
  });
  db.close();
}

describe('settling a push answer', () => {
  it('moves a refused change into the "Ditolak server" list and lets every other change through', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    await fourChanges(s);
    clock.advance(60_000);
    const result = await s.outbox.settle({
      appliedThrough: 3,
      results: [applied(1, { verifiedLevel: 1 }), refused(2), applied(3, { verifiedLevel: 1 })],
    });
    expect(result).toEqual({ removed: 3, rejected: 1 });
    // The change after the refused one is not held back; the one beyond appliedThrough stays.
    expect(await seqs(s)).toEqual([4]);

    const list = await s.rejected.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: `${s.deviceId}:2`,
      deviceId: s.deviceId,
      seq: 2,
      assessmentId: ASSESSMENT,
      indicatorNo: 2,
      rejectedAt: clock.now(),
      mutation: { seq: 2, changes: { notes: 'SK belum ada', verifiedLevel: 2 } },
      rejection: { code: 'not_assigned', unitName: 'Kecamatan Cibeber' },
    });
    expect(await s.rejected.count()).toBe(1);
    expect(await s.rejected.countByAssessment(ASSESSMENT)).toBe(1);
    expect(await s.rejected.countByAssessment(OTHER)).toBe(0);
    // The record is the server's again (it never had this one); the verifier's values are
    // kept in the entry, and the next pull asks for the record.
    expect(await s.verifications.get(ASSESSMENT, 2)).toBeNull();
    expect(await s.rejected.refetchWanted()).toEqual([verificationId(ASSESSMENT, 2)]);
    s.close();
  });

  it('a refused stage value goes with its level: the record keeps neither (no default to return to)', async () => {
    const s = await open(freshName());
    // The record exists on the server (synced notes); the verifier then gives a level in
    // the dokumen stage, which writes the stage's value with it.
    await s.verifications.update(ASSESSMENT, 7, { notes: 'dari server' });
    await s.outbox.settle({ appliedThrough: 1, results: [applied(1, { notes: 1 })] });
    await s.verifications.update(ASSESSMENT, 7, {
      verifiedLevel: 3,
      'stages.dokumen': { value: 3, by: 'Verifikator Satu', at: Date.UTC(2026, 11, 1) },
    });
    await s.outbox.settle({ appliedThrough: 2, results: [refused(2)] });
    const v = (await s.verifications.get(ASSESSMENT, 7)) as Record<string, unknown> | null;
    expect(v?.notes).toBe('dari server');
    expect(v?.verifiedLevel).toBeNull();
    expect(v?.['stages.dokumen']).toBeUndefined();
    s.close();
  });

  it('a stage value refused alone (its stage closed) leaves the record; the level of the same tap is kept and only the stage value is listed', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 7, { notes: 'dari server' });
    await s.outbox.settle({ appliedThrough: 1, results: [applied(1, { notes: 1 })] });
    await s.verifications.update(ASSESSMENT, 7, {
      verifiedLevel: 3,
      'stages.dokumen': { value: 3, by: 'Verifikator Satu', at: Date.UTC(2026, 11, 1) },
    });
    const closed = rejection({
      code: 'stage_closed',
      recordId: verificationId(ASSESSMENT, 7),
      indicatorNo: 7,
      field: 'stages.dokumen',
      retryable: false,
    });
    await s.outbox.settle({
      appliedThrough: 2,
      results: [{ ...applied(2, { verifiedLevel: 4 }), rejection: closed }],
    });
    const v = (await s.verifications.get(ASSESSMENT, 7)) as Record<string, unknown> | null;
    expect(v?.verifiedLevel).toBe(3);
    expect(v?.['stages.dokumen']).toBeUndefined();
    const [entry, ...more] = await s.rejected.list();
    expect(more).toEqual([]);
    expect(entry?.rejection.code).toBe('stage_closed');
    expect(entry?.mutation.changes).toEqual({
      'stages.dokumen': { value: 3, by: 'Verifikator Satu', at: Date.UTC(2026, 11, 1) },
    });
    expect(Object.keys(entry?.mutation.baseVersions ?? {})).toEqual(['stages.dokumen']);
    // The server's value of the stage comes back with the next pull.
    expect(await s.rejected.refetchWanted()).toEqual([verificationId(ASSESSMENT, 7)]);
    // The kept level settled at the server's version: the next edit is based on it. An
    // accepted change without a refusal lists nothing.
    await s.verifications.update(ASSESSMENT, 7, { notes: 'lagi', verifiedLevel: 2 });
    expect((await s.outbox.peek(10))[0]?.baseVersions.verifiedLevel).toBe(4);
    await s.outbox.settle({
      appliedThrough: 3,
      results: [applied(3, { notes: 2, verifiedLevel: 5 })],
    });
    expect(await s.rejected.count()).toBe(1);
    s.close();
  });

  it('remembers the server version of applied fields, so the next edit is based on it', async () => {
    const s = await open(freshName());
    await fourChanges(s);
    await s.outbox.settle({
      appliedThrough: 3,
      results: [applied(1, { verifiedLevel: 7 }), refused(2), applied(3, { verifiedLevel: 4 })],
    });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 5 });
    const [, next] = await s.outbox.peek(10);
    expect(next?.baseVersions).toEqual({ verifiedLevel: 7 });
    // The refused change's field has no server version: the server never took it.
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 5 });
    expect((await s.outbox.peek(10)).at(-1)?.baseVersions).toMatchObject({ verifiedLevel: 0 });
    s.close();
  });

  it('leaves the version of a field that a later unsent change edits again', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 1, { notes: 'pertama' });
    await s.verifications.update(ASSESSMENT, 1, { notes: 'kedua' });
    await s.outbox.settle({ appliedThrough: 1, results: [applied(1, { notes: 4 })] });
    const [left] = await s.outbox.peek(10);
    expect(left).toMatchObject({ seq: 2, changes: { notes: 'kedua' } });
    // applyRemote of a newer server value still sees the field as pending, not overwritten.
    const r = await s.applyRemote(
      'verification',
      verificationId(ASSESSMENT, 1),
      { notes: 'x' },
      {
        notes: 9,
      },
    );
    expect(r.pending).toEqual(['notes']);
    expect((await s.verifications.get(ASSESSMENT, 1))?.notes).toBe('kedua');
    s.close();
  });

  it('keeps a change the answer does not speak for, even at or below appliedThrough', async () => {
    // The server took seqs 3 and 4 earlier (from this tablet's export file); an answer to a
    // push of 1–2 says appliedThrough 4. Dropping 3 and 4 on that word alone would hide a
    // refusal among them; they stay and are answered as duplicates on the next push.
    const s = await open(freshName());
    await fourChanges(s);
    const r = await s.outbox.settle({
      appliedThrough: 4,
      results: [applied(1, { verifiedLevel: 1 }), applied(2, { verifiedLevel: 1, notes: 1 })],
    });
    expect(r).toEqual({ removed: 2, rejected: 0 });
    expect(await seqs(s)).toEqual([3, 4]);
    await s.outbox.settle({
      appliedThrough: 4,
      results: [applied(3, { verifiedLevel: 1 }), refused(4)],
    });
    expect(await seqs(s)).toEqual([]);
    expect((await s.rejected.list()).map((x) => x.seq)).toEqual([4]);
    s.close();
  });

  it('a crash while settling loses nothing: the outbox is intact and nothing is listed', async () => {
    let crash = true;
    const s = await open(freshName(), {
      testHooks: {
        beforeCommit: (op) => {
          if (crash && op === 'outbox.settle') throw new Error('tab killed');
        },
      },
    });
    await fourChanges(s);
    const answer = {
      appliedThrough: 3,
      results: [applied(1, { verifiedLevel: 1 }), refused(2), applied(3, { verifiedLevel: 1 })],
    };
    await expect(s.outbox.settle(answer)).rejects.toThrow('tab killed');
    expect(await seqs(s)).toEqual([1, 2, 3, 4]);
    expect(await s.rejected.count()).toBe(0);
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 2 });
    expect((await s.outbox.peek(10)).at(-1)?.baseVersions).toEqual({ verifiedLevel: 0 });

    // The same answer, settled again after the restart, lands exactly once.
    crash = false;
    expect(await s.outbox.settle(answer)).toEqual({ removed: 3, rejected: 1 });
    expect(await seqs(s)).toEqual([4, 5]);
    expect(await s.rejected.count()).toBe(1);
    s.close();
  });

  it('a refusal without a reason is still listed, never dropped', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 3 });
    await s.outbox.settle({ appliedThrough: 1, results: [refused(1, null)] });
    const [entry] = await s.rejected.list();
    expect(entry?.rejection).toMatchObject({ code: 'rejected', recordId: `${ASSESSMENT}:1` });
    expect(entry?.rejection.message).toMatch(/ditolak server/);
    expect(entry?.indicatorNo).toBe(1);
    s.close();
  });

  it('refuses an answer claiming seqs this tablet never issued (another tablet shares its identity)', async () => {
    const s = await open(freshName());
    await fourChanges(s);
    const err = await s.outbox
      .settle({ appliedThrough: 9, results: [applied(1, { verifiedLevel: 1 })] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityConflictError);
    expect((err as IdentityConflictError).message).toMatch(/identitas baru/);
    expect(await seqs(s)).toEqual([1, 2, 3, 4]);
    s.close();
  });

  it('refuses an answer for an identity the tablet has left, keeping the renumbered changes', async () => {
    const s = await open(freshName());
    await fourChanges(s);
    const old = s.deviceId;
    await s.adoptIdentity('device-baru');
    await expect(
      s.outbox.settle({ deviceId: old, appliedThrough: 2, results: [] }),
    ).rejects.toBeInstanceOf(IdentityConflictError);
    expect(await seqs(s)).toEqual([1, 2, 3, 4]);
    expect(
      await s.outbox.settle({
        deviceId: 'device-baru',
        appliedThrough: 2,
        results: [applied(1, { verifiedLevel: 1 }), applied(2, { notes: 1, verifiedLevel: 1 })],
      }),
    ).toEqual({ removed: 2, rejected: 0 });
    s.close();
  });
});

describe('the "Ditolak server" list', () => {
  it('sends the current values again as one new change and removes the entry', async () => {
    const s = await open(freshName());
    await fourChanges(s);
    await s.outbox.settle({
      appliedThrough: 4,
      results: [
        applied(1, { verifiedLevel: 1 }),
        refused(2),
        applied(3, { verifiedLevel: 1 }),
        applied(4, { verifiedLevel: 1 }),
      ],
    });
    // After the refusal the verifier improved the note; that edit went out on its own.
    await s.verifications.update(ASSESSMENT, 2, { notes: 'SK ada, belum ditandatangani' });
    const [entry] = await s.rejected.list();
    const queued = await s.rejected.retry(entry?.id as string);
    expect(queued).toMatchObject({
      deviceId: s.deviceId,
      seq: 6,
      entity: 'verification',
      id: verificationId(ASSESSMENT, 2),
      changes: { notes: 'SK ada, belum ditandatangani', verifiedLevel: 2 },
      baseVersions: { notes: 0, verifiedLevel: 0 },
    });
    expect((await s.outbox.peek(10)).map((m) => m.seq)).toEqual([5, 6]);
    expect((await s.outbox.peek(10))[1]).toEqual(queued);
    expect(await s.rejected.count()).toBe(0);
    s.close();
  });

  it('refuses to send a value that is still invalid, until the verifier fixes the field', async () => {
    const name = freshName();
    let s = await open(name);
    s.close();
    await plantLegacyNote(name, 'Salinan PDF\u0000 halaman 3');
    s = await open(name);
    const [legacy] = await s.outbox.peek(10);
    expect(legacy?.changes.notes).toContain('\u0000');
    await s.outbox.settle({
      appliedThrough: 1,
      results: [
        refused(
          1,
          rejection({
            code: 'validation_failed',
            message: 'Catatan berisi karakter yang tidak diterima.',
            messageEn: 'Notes contain a character that is not accepted.',
            recordId: verificationId(ASSESSMENT, 5),
            indicatorNo: 5,
            field: 'notes',
            retryable: false,
          }),
        ),
      ],
    });
    const [entry] = await s.rejected.list();
    expect(entry?.rejection.field).toBe('notes');

    const err = await s.rejected.retry(entry?.id as string).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toMatch(/Catatan berisi karakter kontrol/);
    expect((err as ValidationError).message).toMatch(/posisi 12/);
    expect((err as ValidationError).messageEn).toMatch(/Notes contains an invisible control/);
    expect(await s.outbox.count()).toBe(0);
    expect(await s.rejected.count()).toBe(1);

    await s.verifications.update(ASSESSMENT, 5, { notes: 'Salinan PDF halaman 3' });
    const queued = await s.rejected.retry(entry?.id as string);
    expect(queued?.changes).toEqual({
      assessmentId: ASSESSMENT,
      indicatorNo: 5,
      notes: 'Salinan PDF halaman 3',
    });
    expect(await s.rejected.count()).toBe(0);
    for (const m of await s.outbox.peek(10)) expect(JSON.stringify(m)).not.toContain('\\u0000');
    s.close();
  });

  it('a refused new record leaves the tablet and Kirim ulang brings it back', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 2, { notes: 'x' });
    await s.outbox.settle({ appliedThrough: 1, results: [refused(1)] });
    expect(await s.verifications.get(ASSESSMENT, 2)).toBeNull();
    const queued = await s.rejected.retry(`${s.deviceId}:1`);
    expect(queued?.changes).toEqual({ assessmentId: ASSESSMENT, indicatorNo: 2, notes: 'x' });
    expect((await s.verifications.get(ASSESSMENT, 2))?.notes).toBe('x');
    expect(await s.rejected.count()).toBe(0);
    s.close();
  });

  it('has nothing to send when the record is gone and the change cannot make it, and says so', async () => {
    const name = freshName();
    const s = await open(name);
    await s.verifications.update(ASSESSMENT, 2, { notes: 'dikirim' });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [applied(1, { assessmentId: 1, indicatorNo: 1, notes: 1 })],
    });
    await s.verifications.update(ASSESSMENT, 2, { notes: 'x' });
    await s.outbox.settle({ appliedThrough: 2, results: [refused(2)] });
    const raw = new Dexie(name, { indexedDB, IDBKeyRange });
    declareSchema(raw);
    await raw.open();
    await raw.table('verifications').delete(verificationId(ASSESSMENT, 2));
    raw.close();
    expect(await s.rejected.retry(`${s.deviceId}:2`)).toBeNull();
    expect(await s.rejected.count()).toBe(0);
    expect(await s.outbox.count()).toBe(0);
    await expect(s.rejected.retry(`${s.deviceId}:2`)).rejects.toBeInstanceOf(RecordNotFoundError);
    s.close();
  });

  it('discards an entry for good, dropping the refused record the server never had', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 2, { notes: 'ditarik' });
    await s.verifications.update(OTHER, 1, { notes: 'periode ditutup' });
    await s.outbox.settle({
      appliedThrough: 2,
      results: [refused(1), refused(2, rejection({ code: 'period_closed', assessmentId: OTHER }))],
    });
    expect(await s.rejected.count()).toBe(2);
    await s.rejected.discard(`${s.deviceId}:1`);
    await s.rejected.discard(`${s.deviceId}:1`);
    expect((await s.rejected.list()).map((r) => r.rejection.code)).toEqual(['period_closed']);
    // Both records left the tablet when they were refused; the values live in the entries.
    expect(await s.verifications.get(ASSESSMENT, 2)).toBeNull();
    expect(await s.verifications.get(OTHER, 1)).toBeNull();
    expect((await s.rejected.list())[0]?.mutation.changes.notes).toBe('periode ditutup');
    expect(await s.rejected.refetchWanted()).toEqual([
      verificationId(ASSESSMENT, 2),
      verificationId(OTHER, 1),
    ]);
    expect(await s.outbox.count()).toBe(0);
    await s.rejected.refetched([verificationId(ASSESSMENT, 2), verificationId(OTHER, 1)]);
    expect(await s.rejected.refetchWanted()).toEqual([]);
    s.close();
  });

  it('a refusal puts the server value back at once: the version drops and the pulled value applies', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 3, notes: 'dikirim' });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [applied(1, { verifiedLevel: 1, notes: 1 })],
    });
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 1 });
    await s.verifications.update(ASSESSMENT, 2, { notes: 'lagi' });
    // Seq 2 (the level) is refused; seq 3 (the notes) still waits to be sent.
    await s.outbox.settle({
      appliedThrough: 2,
      results: [refused(2, rejection({ code: 'assessment_approved' }))],
    });
    // The refused level is gone from the record; the note edited after it is untouched.
    expect(await s.verifications.get(ASSESSMENT, 2)).toMatchObject({
      verifiedLevel: null,
      notes: 'lagi',
    });
    expect((await s.rejected.list())[0]?.mutation.changes).toEqual({ verifiedLevel: 1 });
    expect(await s.outbox.count()).toBe(1);
    // Discarding the entry then changes nothing more.
    await s.rejected.discard(`${s.deviceId}:2`);
    expect(await s.verifications.get(ASSESSMENT, 2)).toMatchObject({
      verifiedLevel: null,
      notes: 'lagi',
    });
    // The server's level (version 1) applies again; the unsent note is left to its push.
    const r = await s.applyRemote(
      'verification',
      verificationId(ASSESSMENT, 2),
      { verifiedLevel: 3, notes: 'dikirim' },
      { verifiedLevel: 1, notes: 1 },
    );
    expect(r).toMatchObject({ applied: ['verifiedLevel'], pending: ['notes'] });
    expect((await s.verifications.get(ASSESSMENT, 2))?.verifiedLevel).toBe(3);
    s.close();
  });

  it('every refusal, final or fixable, puts the server value back at once', async () => {
    const s = await open(freshName());
    await s.verifications.update(ASSESSMENT, 2, { notes: 'dikirim' });
    await s.outbox.settle({
      appliedThrough: 1,
      results: [applied(1, { assessmentId: 1, indicatorNo: 1, notes: 1 })],
    });
    await s.verifications.update(ASSESSMENT, 2, { notes: 'ditolak' });
    await s.verifications.update(ASSESSMENT, 3, { notes: 'perbaiki' });
    await s.outbox.settle({
      appliedThrough: 3,
      results: [
        refused(2, rejection({ code: 'immutable_field', retryable: false })),
        refused(3, rejection({ code: 'validation_failed', retryable: false, indicatorNo: 3 })),
      ],
    });
    expect(await s.rejected.count()).toBe(2);
    expect((await s.verifications.get(ASSESSMENT, 2))?.notes).toBe('');
    // A value the verifier can fix and send again leaves the record too (the server never
    // had it); it is kept in the entry, where Kirim ulang takes it from.
    expect(await s.verifications.get(ASSESSMENT, 3)).toBeNull();
    expect(await s.rejected.refetchWanted()).toEqual([
      verificationId(ASSESSMENT, 2),
      verificationId(ASSESSMENT, 3),
    ]);
    s.close();
  });

  it('lists newest first and exports the entries as JSON for the verifier to hand over', async () => {
    const clock = manualClock();
    const s = await open(freshName(), { now: clock.now });
    await s.verifications.update(ASSESSMENT, 1, { notes: 'a' });
    await s.verifications.update(OTHER, 1, { notes: 'b' });
    await s.outbox.settle({ appliedThrough: 1, results: [refused(1)] });
    clock.advance(1000);
    await s.outbox.settle({
      appliedThrough: 2,
      results: [refused(2, rejection({ assessmentId: OTHER }))],
    });
    expect((await s.rejected.list()).map((r) => r.seq)).toEqual([2, 1]);
    expect((await s.rejected.list(ASSESSMENT)).map((r) => r.seq)).toEqual([1]);

    const all = JSON.parse(await s.rejected.exportJson());
    expect(all).toMatchObject({ format: 'telusur-rejected', version: 1, deviceId: s.deviceId });
    expect(all.entries.map((e: { seq: number }) => e.seq)).toEqual([2, 1]);
    const one = JSON.parse(await s.rejected.exportJson(ASSESSMENT));
    expect(one.assessmentId).toBe(ASSESSMENT);
    expect(one.entries).toHaveLength(1);
    expect(one.entries[0].mutation.changes).toEqual({
      assessmentId: ASSESSMENT,
      indicatorNo: 1,
      notes: 'a',
    });
    s.close();
  });
});
