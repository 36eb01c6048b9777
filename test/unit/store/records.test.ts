import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { MutationSchema, spbe2020, verificationId } from '../../../src/core';
import {
  RecordNotFoundError,
  type TelusurStore,
  ValidationError,
  type VerificationChanges,
} from '../../../src/store';
import { ASSESSMENT, check, freshName, freshStore, manualClock, open, SIGNATURE } from './helpers';

const opened: TelusurStore[] = [];
async function store(...args: Parameters<typeof freshStore>) {
  const s = await freshStore(...args);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe('an indicator the verifier edits', () => {
  it('is saved with every field and read back after the tablet reopens the app', async () => {
    const name = freshName();
    const a = await open(name);
    // One save may mix plain fields and evidence checks (keys from core's checkField).
    await a.verifications.update(ASSESSMENT, 7, {
      verifiedLevel: 3,
      notes: 'SK tim SPBE ada, tanda tangan lengkap',
      rekomendasi: 'Susun laporan evaluasi tim SPBE tiap semester.',
      penjelasanFakta: 'SK Wali Kota No. 12/2023, pasal 2, hlm. 3',
      penjelasanFiles: ['0190a6f2-5c3e-7b1a-8f00-0000000000f1'],
      'stages.dokumen': { value: 3, by: 'Verifikator A', at: Date.UTC(2026, 10, 30, 2) },
      [check(3, 0)]: { state: 'present', note: 'SK Wali Kota 2023' },
    } as VerificationChanges);
    await a.verifications.setCheck(ASSESSMENT, 7, 3, 1, { state: 'missing', note: '' });
    a.close();
    const b = await open(name);
    const v = await b.verifications.get(ASSESSMENT, 7);
    b.close();
    expect(v).toEqual({
      id: verificationId(ASSESSMENT, 7),
      assessmentId: ASSESSMENT,
      indicatorNo: 7,
      selfLevel: null,
      selfJustification: '',
      verifiedLevel: 3,
      sourceValue: null,
      notApplicable: false,
      naReason: '',
      notes: 'SK tim SPBE ada, tanda tangan lengkap',
      reviewComment: '',
      rekomendasi: 'Susun laporan evaluasi tim SPBE tiap semester.',
      penjelasanFakta: 'SK Wali Kota No. 12/2023, pasal 2, hlm. 3',
      penjelasanAnalisis: '',
      penjelasanJustifikasi: '',
      penjelasanFiles: ['0190a6f2-5c3e-7b1a-8f00-0000000000f1'],
      'stages.dokumen': { value: 3, by: 'Verifikator A', at: Date.UTC(2026, 10, 30, 2) },
      'checks.3.0': { state: 'present', note: 'SK Wali Kota 2023' },
      'checks.3.1': { state: 'missing', note: '' },
    });
  });

  it('lists a unit’s indicators in indicator order', async () => {
    const s = await store();
    for (const no of [12, 3, 47, 1])
      await s.verifications.update(ASSESSMENT, no, { verifiedLevel: 2 });
    await s.verifications.update('other-assessment', 5, { verifiedLevel: 1 });
    const list = await s.verifications.listByAssessment(ASSESSMENT);
    expect(list.map((v) => v.indicatorNo)).toEqual([1, 3, 12, 47]);
    expect(await s.verifications.get(ASSESSMENT, 2)).toBeNull();
  });

  it('a level outside 1–5 is refused with a clear error and nothing is saved', async () => {
    const s = await store();
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 2 });
    const err = await s.verifications
      .update(ASSESSMENT, 1, { verifiedLevel: 9, notes: 'x' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map((p: { field: string }) => p.field)).toEqual(['verifiedLevel']);
    expect(err.message).toMatch(/tidak valid/);
    expect((await s.verifications.get(ASSESSMENT, 1))?.verifiedLevel).toBe(2);
    expect(await s.outbox.count()).toBe(1);
  });

  it('an unknown field or a malformed evidence check is refused', async () => {
    const s = await store();
    const bogus = { colour: 'red' } as never;
    await expect(s.verifications.update(ASSESSMENT, 1, bogus)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      s.verifications.update(ASSESSMENT, 1, {
        [check(2, 0)]: { state: 'lost', note: '' },
      } as never),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await s.outbox.count()).toBe(0);
    expect(await s.verifications.listByAssessment(ASSESSMENT)).toEqual([]);
  });

  it('saving the same value again (e.g. autosave on blur) sends nothing new', async () => {
    const s = await store();
    await s.verifications.update(ASSESSMENT, 4, { notes: 'catatan', verifiedLevel: 2 });
    await s.verifications.update(ASSESSMENT, 4, { notes: 'catatan' });
    await s.verifications.update(ASSESSMENT, 4, { notes: 'catatan', verifiedLevel: 3 });
    const sent = await s.outbox.peek(10);
    expect(sent.map((m) => m.changes)).toEqual([
      { assessmentId: ASSESSMENT, indicatorNo: 4, notes: 'catatan', verifiedLevel: 2 },
      { verifiedLevel: 3 },
    ]);
  });
});

describe('an assessment of a unit', () => {
  it('is started on the tablet, found by period and unit, and its status changes are saved', async () => {
    const s = await store();
    const a = await s.assessments.create({
      periodId: 'p2023',
      unitId: 'kec-cibeber',
      frameworkId: 'spbe-2020',
    });
    expect(a.status).toBe('sedang');
    const found = await s.assessments.findByUnit('p2023', 'kec-cibeber');
    expect(found?.id).toBe(a.id);
    await s.assessments.update(a.id, { status: 'selesai', submittedAt: 1_700_000_000_000 });
    expect(await s.assessments.get(a.id)).toMatchObject({
      status: 'selesai',
      submittedAt: 1_700_000_000_000,
    });
    expect((await s.assessments.list()).length).toBe(1);
  });

  it('cannot be created without its period, unit and instrument, or moved to another unit', async () => {
    const s = await store();
    const err = await s.assessments.update('a-1', { status: 'sedang' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'frameworkId',
      'periodId',
      'unitId',
    ]);
    const a = await s.assessments.create({ periodId: 'p', unitId: 'u', frameworkId: 'spbe-2020' });
    await expect(s.assessments.update(a.id, { unitId: 'u2' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      s.assessments.create({ id: a.id, periodId: 'p', unitId: 'u', frameworkId: 'f' }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('the berita acara', () => {
  it('keeps names, roles, signatures, place and time', async () => {
    const s = await store();
    expect(await s.beritaAcara.get(ASSESSMENT)).toBeNull();
    await s.beritaAcara.update(ASSESSMENT, {
      verifierName: 'Rina',
      verifierRole: 'Verifikator',
      verifierSignature: SIGNATURE,
    });
    const ba = await s.beritaAcara.update(ASSESSMENT, {
      representativeName: 'Budi',
      representativeSignature: SIGNATURE,
      place: 'Kantor Kecamatan Cibeber',
      signedAt: 1_700_000_000_000,
    });
    expect(ba).toMatchObject({
      assessmentId: ASSESSMENT,
      verifierName: 'Rina',
      representativeName: 'Budi',
      signedAt: 1_700_000_000_000,
    });
    expect(await s.beritaAcara.get(ASSESSMENT)).toEqual(ba);
  });

  it('refuses a signature that is not an image data URL', async () => {
    const s = await store();
    await expect(
      s.beritaAcara.update(ASSESSMENT, { verifierSignature: 'javascript:alert(1)' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await s.beritaAcara.get(ASSESSMENT)).toBeNull();
  });
});

describe('comments', () => {
  it('are added per indicator or for the whole unit, listed in time order, and editable', async () => {
    const clock = manualClock();
    const s = await store({ now: clock.now });
    const first = await s.comments.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 3,
      body: 'Bukti kurang',
      author: 'Rina',
    });
    clock.advance(1000);
    await s.comments.add({
      assessmentId: ASSESSMENT,
      indicatorNo: null,
      body: 'Umum',
      author: 'Rina',
    });
    clock.advance(1000);
    await s.comments.add({
      assessmentId: ASSESSMENT,
      indicatorNo: 3,
      body: 'Sudah dilengkapi',
      author: 'Budi',
    });
    expect((await s.comments.listByIndicator(ASSESSMENT, 3)).map((c) => c.body)).toEqual([
      'Bukti kurang',
      'Sudah dilengkapi',
    ]);
    expect((await s.comments.listByAssessment(ASSESSMENT)).map((c) => c.body)).toEqual([
      'Bukti kurang',
      'Umum',
      'Sudah dilengkapi',
    ]);
    await s.comments.update(first.id, { body: 'Bukti kurang lengkap' });
    expect((await s.comments.listByIndicator(ASSESSMENT, 3))[0]?.body).toBe('Bukti kurang lengkap');
    await expect(s.comments.update('nope', { body: 'x' })).rejects.toBeInstanceOf(
      RecordNotFoundError,
    );
  });
});

describe('reference data from the server', () => {
  it('is stored and listed without creating changes to send back', async () => {
    const s = await store();
    await s.reference.putFrameworks([spbe2020]);
    await s.reference.putPeriods([
      { id: 'p2023', name: 'Evaluasi SPBE 2023', frameworkId: spbe2020.id, year: 2023 },
    ]);
    await s.reference.putUnits([
      { id: 'kota', name: 'Pemerintah Kota Cilegon', parentId: null },
      { id: 'kec-1', name: 'Kecamatan Cibeber', parentId: 'kota' },
    ]);
    await s.reference.putAssignments([
      { id: 'as1', periodId: 'p2023', unitId: 'kec-1' },
      { id: 'as2', periodId: 'p2022', unitId: 'kec-1' },
    ]);
    expect((await s.reference.getFramework(spbe2020.id))?.name).toBe(spbe2020.name);
    expect((await s.reference.listFrameworks()).length).toBe(1);
    expect(await s.reference.getPeriod('p2023')).toMatchObject({ year: 2023 });
    expect((await s.reference.listPeriods()).length).toBe(1);
    expect((await s.reference.getUnit('kec-1'))?.parentId).toBe('kota');
    expect((await s.reference.listUnits()).length).toBe(2);
    expect((await s.reference.listAssignments('p2023')).map((a) => a.id)).toEqual(['as1']);
    await s.reference.removeAssignments(['as2']);
    expect((await s.reference.listAssignments()).map((a) => a.id)).toEqual(['as1']);
    expect(await s.reference.getUnit('missing')).toBeNull();
    expect(await s.outbox.count()).toBe(0);
  });
});

describe('conflicts and sync cursors', () => {
  it('a conflict is listed until resolved; cursors persist', async () => {
    const s = await store();
    await s.conflicts.put([
      {
        id: 'c1',
        entity: 'verification',
        recordId: verificationId(ASSESSMENT, 5),
        field: 'verifiedLevel',
        assessmentId: ASSESSMENT,
        localValue: 3,
        serverValue: 2,
        serverVersion: 4,
        localAt: 1,
        serverAt: 2,
        serverAuthor: 'tablet B',
        resolved: false,
      },
    ]);
    expect((await s.conflicts.listOpen()).map((c) => c.id)).toEqual(['c1']);
    await s.conflicts.markResolved('c1');
    expect(await s.conflicts.listOpen()).toEqual([]);
    expect((await s.conflicts.listByAssessment(ASSESSMENT, { includeResolved: true })).length).toBe(
      1,
    );
    expect(await s.cursors.get('pull')).toBeNull();
    await s.cursors.set('pull', '1234');
    expect(await s.cursors.get('pull')).toBe('1234');
    expect(await s.outbox.count()).toBe(0);
  });
});

describe('every change leaves an exact outbox entry', () => {
  it('each saved change is a valid wire mutation with this device, seq, HLC and device time', async () => {
    const clock = manualClock();
    const s = await store({ now: clock.now });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 4 });
    await s.beritaAcara.update(ASSESSMENT, { place: 'Cilegon' });
    const [m1, m2] = await s.outbox.peek(10);
    expect(MutationSchema.safeParse(m1).success).toBe(true);
    expect(MutationSchema.safeParse(m2).success).toBe(true);
    expect(m1).toMatchObject({
      deviceId: s.deviceId,
      seq: 1,
      entity: 'verification',
      id: verificationId(ASSESSMENT, 1),
      baseVersions: { assessmentId: 0, indicatorNo: 0, verifiedLevel: 0 },
      at: clock.now(),
    });
    expect(m1).not.toHaveProperty('assessmentId');
    expect((m2?.hlc ?? '') > (m1?.hlc ?? '')).toBe(true);
  });
});
