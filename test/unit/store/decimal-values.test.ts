import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { verificationId } from '../../../src/core';
import { ValidationError } from '../../../src/store';
import type { StoreDump } from '../../fixtures/store/dump';
import { loadDump, rowsOf } from '../../fixtures/store/dump';
import { ASSESSMENT, freshName, freshStore, open } from './helpers';

const deps = { indexedDB, IDBKeyRange };
const fixture = (v: number) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/store/v${v}.json`, import.meta.url), 'utf8'),
  ) as StoreDump;

describe('decimal values and the outside index on the tablet (store v5)', () => {
  it('a tablet updated from v4 reads every verification with sourceValue null and its values kept', async () => {
    const v4 = fixture(4);
    const name = freshName('v4-to-v5');
    await loadDump(deps, name, v4);
    const s = await open(name);
    const assessmentId = String(rowsOf(v4, 'assessments')[0]?.id);
    const before = new Map(rowsOf(v4, 'verifications').map((r) => [r.id, r]));
    const after = await s.verifications.listByAssessment(assessmentId);
    expect(after.length).toBe(before.size);
    for (const v of after) {
      expect(v.sourceValue, v.id).toBeNull();
      expect(v.verifiedLevel, v.id).toBe(before.get(v.id)?.verifiedLevel);
      expect(v.selfLevel, v.id).toBe(before.get(v.id)?.selfLevel);
    }
    s.close();
  });

  it('a v5 database keeps the outside index, the assessor value and the period cap', async () => {
    const v5 = fixture(5);
    const name = freshName('v5');
    await loadDump(deps, name, v5);
    const s = await open(name);
    const assessmentId = String(rowsOf(v5, 'assessments')[0]?.id);
    expect(await s.verifications.get(assessmentId, 2)).toMatchObject({
      sourceValue: 87.5,
      verifiedLevel: 4,
    });
    expect(await s.verifications.get(assessmentId, 3)).toMatchObject({
      sourceValue: null,
      verifiedLevel: 2.5,
    });
    const [period] = await s.reference.listPeriods();
    expect(period?.planStepCap).toBe(2);
    s.close();
  });

  it('saves a value with two decimals and an outside index together, across a reopen', async () => {
    const name = freshName('decimal');
    let s = await open(name);
    await s.verifications.update(ASSESSMENT, 5, { sourceValue: 68.75, verifiedLevel: 3.75 });
    await s.verifications.update(ASSESSMENT, 1, { verifiedLevel: 1.25 });
    const mutations = await s.outbox.peek(10);
    expect(mutations.map((m) => m.changes)).toEqual([
      { assessmentId: ASSESSMENT, indicatorNo: 5, sourceValue: 68.75, verifiedLevel: 3.75 },
      { assessmentId: ASSESSMENT, indicatorNo: 1, verifiedLevel: 1.25 },
    ]);
    s.close();
    s = await open(name);
    expect(await s.verifications.get(ASSESSMENT, 5)).toMatchObject({
      sourceValue: 68.75,
      verifiedLevel: 3.75,
    });
    expect(await s.verifications.get(ASSESSMENT, 1)).toMatchObject({
      verifiedLevel: 1.25,
      sourceValue: null,
    });
    s.close();
  });

  it('refuses a value with three decimals or above 5 and saves nothing', async () => {
    const s = await freshStore();
    for (const verifiedLevel of [1.255, 5.5, 0.5]) {
      const err = await s.verifications.update(ASSESSMENT, 1, { verifiedLevel }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, String(verifiedLevel)).toBeInstanceOf(ValidationError);
    }
    expect(await s.outbox.count()).toBe(0);
    expect(await s.verifications.get(ASSESSMENT, 1)).toBeNull();
    s.close();
  });

  it('takes a pulled outside index and decimal value from the server', async () => {
    const s = await freshStore();
    const id = verificationId(ASSESSMENT, 18);
    await s.applyRemote(
      'verification',
      id,
      { assessmentId: ASSESSMENT, indicatorNo: 18, sourceValue: 3.4, verifiedLevel: 3.4 },
      { assessmentId: 1, indicatorNo: 1, sourceValue: 2, verifiedLevel: 2 },
    );
    expect(await s.verifications.get(ASSESSMENT, 18)).toMatchObject({
      sourceValue: 3.4,
      verifiedLevel: 3.4,
      notApplicable: false,
    });
    s.close();
  });
});
