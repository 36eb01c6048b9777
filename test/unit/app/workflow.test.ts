import { describe, expect, it } from 'vitest';
import { conflictValueText } from '../../../src/app/lib/conflict-text';
import { shownConflicts } from '../../../src/app/lib/conflicts';
import {
  earlierValues,
  insertRecommendation,
  periodStages,
  pickerValue,
  sectorServiceOf,
  stageValueChanges,
} from '../../../src/app/lib/workflow';
import { TRAINING_PERIOD } from '../../../src/app/training';
import { checkField, recommendationLibrary, spbe2020, suggestedLevel } from '../../../src/core';
import type { Period, Verification } from '../../../src/store';

const OLD_PERIOD: Period = { id: 'p', name: 'SPBE 2025', frameworkId: 'spbe-2020' };

function verification(fields: Partial<Verification> & Record<string, unknown>): Verification {
  return { id: 'v', assessmentId: 'a', indicatorNo: 1, selfLevel: null, ...fields } as Verification;
}

describe('the tablet side of the assessor workflow', () => {
  it("shows as chosen only the current stage's own value, or a pre-stage record's verified value", () => {
    const at = Date.UTC(2026, 11, 1);
    const dokumen = { value: 2, by: 'Verifikator Satu', at };
    const moved = verification({ verifiedLevel: 2, 'stages.dokumen': dokumen });
    // After the move to interviu the document value is not this stage's answer.
    expect(pickerValue(moved, 'interviu')).toBeNull();
    expect(pickerValue(moved, 'dokumen')).toBe(2);
    expect(
      pickerValue(
        verification({
          verifiedLevel: 3,
          'stages.dokumen': dokumen,
          'stages.interviu': { ...dokumen, value: 3 },
        }),
        'interviu',
      ),
    ).toBe(3);
    // A record verified before stages were recorded keeps showing its value.
    expect(pickerValue(verification({ verifiedLevel: 4 }), 'dokumen')).toBe(4);
    expect(pickerValue(verification({ verifiedLevel: 4 }), 'mandiri')).toBeNull();
    expect(pickerValue(undefined, 'dokumen')).toBeNull();
  });

  it('reads a period stored before stages as mandiri → dokumen at dokumen', () => {
    expect(periodStages(OLD_PERIOD)).toEqual({
      stages: ['mandiri', 'dokumen'],
      current: 'dokumen',
    });
    expect(periodStages(null).current).toBe('dokumen');
    expect(
      periodStages({
        ...OLD_PERIOD,
        stages: ['mandiri', 'interviu', 'final'],
        currentStage: 'interviu',
      }),
    ).toEqual({ stages: ['mandiri', 'interviu', 'final'], current: 'interviu' });
    // A damaged list (out of order) is not trusted: the legacy stages apply.
    expect(
      periodStages({ ...OLD_PERIOD, stages: ['final', 'mandiri'], currentStage: 'final' }),
    ).toEqual({
      stages: ['mandiri', 'dokumen'],
      current: 'dokumen',
    });
  });

  it('gives the verified value with the stage value, except in penilaian mandiri', () => {
    expect(stageValueChanges('dokumen', 3, 'Budi', 1000)).toEqual({
      verifiedLevel: 3,
      'stages.dokumen': { value: 3, by: 'Budi', at: 1000 },
    });
    expect(stageValueChanges('mandiri', 2, 'Tim', 1000)).toEqual({
      'stages.mandiri': { value: 2, by: 'Tim', at: 1000 },
    });
    expect(stageValueChanges('final', 4, 'Ani', 5, { sourceValue: 80 })).toEqual({
      sourceValue: 80,
      verifiedLevel: 4,
      'stages.final': { value: 4, by: 'Ani', at: 5 },
    });
  });

  it('shows earlier stages with who and when; an imported self level has neither', () => {
    const at = Date.UTC(2026, 9, 2, 2, 0);
    const given = verification({
      selfLevel: 2,
      'stages.mandiri': { value: 3, by: 'Tim Asesor Internal', at },
    });
    expect(earlierValues(given, ['mandiri', 'dokumen', 'interviu'], 'interviu')).toEqual([
      { stage: 'mandiri', value: 3, by: 'Tim Asesor Internal', at },
      { stage: 'dokumen', value: null, by: null, at: null },
    ]);
    expect(
      earlierValues(verification({ selfLevel: 2 }), ['mandiri', 'dokumen'], 'dokumen'),
    ).toEqual([{ stage: 'mandiri', value: 2, by: null, at: null }]);
    expect(earlierValues(given, ['mandiri', 'dokumen'], 'mandiri')).toEqual([]);
  });

  it('suggests the highest level whose butir are all accepted, from the check fields', () => {
    const checks: Record<string, { state: string }> = {};
    for (let i = 0; i < 2; i++) checks[checkField(2, i)] = { state: 'present' };
    checks[checkField(3, 0)] = { state: 'present' };
    checks[checkField(3, 1)] = { state: 'inadequate' };
    checks[checkField(4, 0)] = { state: 'present' };
    expect(suggestedLevel(spbe2020, 1, (l, k) => checks[checkField(l, k)]?.state)).toBe(2);
    checks[checkField(3, 1)] = { state: 'present' };
    // Level 4 has four butir, only one accepted: the suggestion stops at 3.
    expect(suggestedLevel(spbe2020, 1, (l, k) => checks[checkField(l, k)]?.state)).toBe(3);
  });

  it('names the sector service of indicators 45–47 in the training period only there', () => {
    const period = TRAINING_PERIOD as unknown as Period;
    expect(sectorServiceOf(period, 45)).toBe('Perizinan Berusaha');
    expect(sectorServiceOf(period, 44)).toBeNull();
    expect(sectorServiceOf(OLD_PERIOD, 45)).toBeNull();
  });

  it('inserts a standard recommendation below the text, or replaces it', () => {
    const [first] = recommendationLibrary(spbe2020, 1);
    expect(first?.text).toMatch(/^Untuk mencapai level 2/);
    const text = first?.text ?? '';
    expect(insertRecommendation('', text, false)).toBe(text);
    expect(insertRecommendation('Tulisan saya.\n', text, false)).toBe(`Tulisan saya.\n\n${text}`);
    expect(insertRecommendation('Tulisan saya.', text, true)).toBe(text);
  });
});

describe('conflicting workflow values, as people read them', () => {
  const ctx = {
    names: new Map([['f1', 'sk-arsitektur.jpg']]),
    cleared: 'dikosongkan',
    fileGone: 'berkas tidak ada di tablet ini',
    zone: 'WIB' as const,
  };
  it('a stage value with who and when; a cleared one says so', () => {
    const at = Date.UTC(2026, 9, 2, 2, 0);
    expect(conflictValueText({ value: 2.5, by: 'Tim Asesor Internal', at }, 'id', ctx)).toMatch(
      /^2,50 · Tim Asesor Internal · 2 Okt 2026, 09\.00 WIB$/,
    );
    expect(conflictValueText({ value: null, by: 'Ani', at }, 'en', ctx)).toMatch(
      /^– \(dikosongkan\) · Ani · 2 Oct/,
    );
  });
  it('cited files by name, a butir decision in the evaluation’s words', () => {
    expect(conflictValueText(['f1', 'f9'], 'id', ctx)).toBe(
      'sk-arsitektur.jpg, berkas tidak ada di tablet ini',
    );
    expect(conflictValueText([], 'id', ctx)).toBe('–');
    expect(
      conflictValueText({ state: 'missing', note: 'SK belum ditandatangani' }, 'id', ctx),
    ).toBe('Ditolak — SK belum ditandatangani');
    expect(conflictValueText({ state: 'inadequate', note: '' }, 'en', ctx)).toBe('Revision');
  });
});

describe('one tap, one conflict for the verifier', () => {
  const base = {
    entity: 'verification' as const,
    recordId: 'a:11',
    assessmentId: 'a',
    localAt: 1,
    serverAt: 2,
    serverAuthor: 'Verifikator Dua',
    serverVersion: 3,
    resolved: false,
  };
  it('counts a stage conflict with the verified-value conflict of its record as one', () => {
    const level = { ...base, id: 'l', field: 'verifiedLevel', localValue: 4, serverValue: 3 };
    const stage = { ...base, id: 's', field: 'stages.dokumen', localValue: {}, serverValue: {} };
    const mandiri = {
      ...base,
      id: 'm',
      recordId: 'a:12',
      field: 'stages.mandiri',
      localValue: {},
      serverValue: {},
    };
    expect(shownConflicts([level, stage, mandiri]).map((c) => c.id)).toEqual(['l', 'm']);
    // A stage conflict alone (no verified value in conflict) is shown.
    expect(shownConflicts([stage]).map((c) => c.id)).toEqual(['s']);
  });
});
