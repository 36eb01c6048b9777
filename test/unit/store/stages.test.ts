import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { stageValueChanges } from '../../../src/app/lib/workflow';
import { verificationId } from '../../../src/core';
import { ValidationError } from '../../../src/store';
import { ASSESSMENT, freshName, freshStore, open } from './helpers';

const AT = Date.UTC(2026, 10, 30, 2, 15);

describe('values per stage on the tablet (stages.<stage>)', () => {
  it('saves the value and the stage value in ONE mutation, kept across a reopen', async () => {
    const name = freshName('stages');
    let s = await open(name);
    await s.verifications.update(
      ASSESSMENT,
      7,
      stageValueChanges('dokumen', 3, 'Budi Santoso', AT),
    );
    const outbox = await s.outbox.peek(10);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]?.changes).toEqual({
      assessmentId: ASSESSMENT,
      indicatorNo: 7,
      verifiedLevel: 3,
      'stages.dokumen': { value: 3, by: 'Budi Santoso', at: AT },
    });
    s.close();
    s = await open(name);
    expect(await s.verifications.get(ASSESSMENT, 7)).toMatchObject({
      verifiedLevel: 3,
      'stages.dokumen': { value: 3, by: 'Budi Santoso', at: AT },
    });
    s.close();
  });

  it('in penilaian mandiri writes only the stage value; the verified value stays', async () => {
    const s = await freshStore();
    await s.verifications.update(ASSESSMENT, 2, { verifiedLevel: 4 });
    await s.verifications.update(
      ASSESSMENT,
      2,
      stageValueChanges('mandiri', 2, 'Tim Internal', AT),
    );
    const [, second] = await s.outbox.peek(10);
    expect(second?.changes).toEqual({ 'stages.mandiri': { value: 2, by: 'Tim Internal', at: AT } });
    expect(await s.verifications.get(ASSESSMENT, 2)).toMatchObject({
      verifiedLevel: 4,
      'stages.mandiri': { value: 2, by: 'Tim Internal', at: AT },
    });
    s.close();
  });

  it('clearing writes value null in the stage and clears the verified value together', async () => {
    const s = await freshStore();
    await s.verifications.update(ASSESSMENT, 3, stageValueChanges('interviu', 2.5, 'Ani', AT));
    await s.verifications.update(
      ASSESSMENT,
      3,
      stageValueChanges('interviu', null, 'Ani', AT + 60_000),
    );
    const rows = await s.outbox.peek(10);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.changes).toEqual({
      verifiedLevel: null,
      'stages.interviu': { value: null, by: 'Ani', at: AT + 60_000 },
    });
    expect((await s.verifications.get(ASSESSMENT, 3))?.verifiedLevel).toBeNull();
    s.close();
  });

  it('refuses a stage value out of range or an unknown stage, and saves neither field', async () => {
    const s = await freshStore();
    const bad = await s.verifications
      .update(ASSESSMENT, 4, { verifiedLevel: 3, 'stages.dokumen': { value: 6, by: 'X', at: AT } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(bad).toBeInstanceOf(ValidationError);
    const unknown = await s.verifications
      .update(ASSESSMENT, 4, {
        ['stages.banding' as 'stages.final']: { value: 3, by: 'X', at: AT },
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(await s.outbox.count()).toBe(0);
    expect(await s.verifications.get(ASSESSMENT, 4)).toBeNull();
    s.close();
  });

  it('applies pulled stage values; an unsent local stage edit waits for its push', async () => {
    const s = await freshStore();
    const id = verificationId(ASSESSMENT, 9);
    const mandiri = { value: 3, by: 'Tim Asesor Internal', at: Date.UTC(2026, 9, 2, 2, 0) };
    const pulled = await s.applyRemote(
      'verification',
      id,
      { assessmentId: ASSESSMENT, indicatorNo: 9, selfLevel: 3, 'stages.mandiri': mandiri },
      { assessmentId: 1, indicatorNo: 1, selfLevel: 1, 'stages.mandiri': 4 },
    );
    expect(pulled.applied).toContain('stages.mandiri');
    expect(await s.verifications.get(ASSESSMENT, 9)).toMatchObject({ 'stages.mandiri': mandiri });

    await s.verifications.update(ASSESSMENT, 9, stageValueChanges('dokumen', 2, 'Budi', AT));
    const later = await s.applyRemote(
      'verification',
      id,
      { 'stages.dokumen': { value: 4, by: 'Koordinator', at: AT - 1000 } },
      { 'stages.dokumen': 2 },
    );
    expect(later.pending).toEqual(['stages.dokumen']);
    expect(await s.verifications.get(ASSESSMENT, 9)).toMatchObject({
      verifiedLevel: 2,
      'stages.dokumen': { value: 2, by: 'Budi', at: AT },
    });
    s.close();
  });
});

describe('a value and its stage value in conflict, settled as one', () => {
  it('keeps my verified value and my stage value in ONE change based on the server versions', async () => {
    const s = await freshStore();
    const id = verificationId(ASSESSMENT, 11);
    const mine = { value: 4, by: 'Verifikator Satu', at: AT };
    const theirs = { value: 3, by: 'Verifikator Dua', at: AT - 5000 };
    await s.verifications.update(ASSESSMENT, 11, stageValueChanges('dokumen', 4, mine.by, AT));
    await s.outbox.settle({
      appliedThrough: 1,
      results: [{ seq: 1, outcome: 'applied', duplicate: false, fields: {}, rejection: null }],
    });
    const base = {
      entity: 'verification' as const,
      recordId: id,
      assessmentId: ASSESSMENT,
      localAt: AT,
      serverAt: AT + 1000,
      serverAuthor: 'Verifikator Dua',
      resolved: false,
    };
    await s.conflicts.put([
      {
        ...base,
        id: 'c-level',
        field: 'verifiedLevel',
        localValue: 4,
        serverValue: 3,
        serverVersion: 6,
      },
      {
        ...base,
        id: 'c-stage',
        field: 'stages.dokumen',
        localValue: mine,
        serverValue: theirs,
        serverVersion: 7,
      },
    ]);
    await s.conflicts.resolveTogether([
      { id: 'c-level', value: 4 },
      { id: 'c-stage', value: mine },
    ]);
    const rows = await s.outbox.peek(10);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      changes: { verifiedLevel: 4, 'stages.dokumen': mine },
      baseVersions: { verifiedLevel: 6, 'stages.dokumen': 7 },
    });
    expect(await s.conflicts.listOpen()).toEqual([]);
    s.close();
  });
});
