import { describe, expect, it } from 'vitest';
import {
  decideField,
  decideRemoteField,
  ENTITY_FIELDS,
  ENTITY_NAMES,
  type HeldField,
  IMMUTABLE_FIELDS,
  mutationOutcome,
  RECORD_DEFAULTS,
  REQUIRED_FIELDS,
  SERVER_OWNED_FIELDS,
  tabletWriteRefusal,
} from '../../../src/core';

const held = (over: Partial<HeldField> = {}): HeldField => ({
  version: 3,
  updatedByDevice: 'tablet-b',
  sameValue: false,
  ...over,
});

const push = (
  current: HeldField | undefined,
  over: Partial<Parameters<typeof decideField>[0]> = {},
) =>
  decideField({
    entity: 'verification',
    field: 'notes',
    value: 'SK ada',
    baseVersion: 3,
    deviceId: 'tablet-a',
    current,
    ...over,
  });

describe('merge: the server decides each pushed field', () => {
  it('applies a field nobody has written yet', () => {
    expect(push(undefined, { baseVersion: 0 })).toEqual({ outcome: 'applied' });
  });

  it('applies an edit based on the current version', () => {
    expect(push(held({ version: 3 }), { baseVersion: 3 })).toEqual({ outcome: 'applied' });
  });

  it('keeps the server value (conflict) when another tablet wrote since the base', () => {
    expect(push(held({ version: 4 }), { baseVersion: 3 })).toEqual({ outcome: 'conflict' });
    // A server-made value (self-assessment, review) counts as someone else's write.
    expect(push(held({ version: 4, updatedByDevice: null }), { baseVersion: 3 })).toEqual({
      outcome: 'conflict',
    });
  });

  it('applies a tablet’s consecutive edits of one field (same base, its own version)', () => {
    expect(push(held({ version: 4, updatedByDevice: 'tablet-a' }), { baseVersion: 3 })).toEqual({
      outcome: 'applied',
    });
  });

  it('answers same when the server already holds the value, whatever the base', () => {
    expect(push(held({ version: 9, sameValue: true }), { baseVersion: 1 })).toEqual({
      outcome: 'same',
    });
  });

  it('refuses a changed fixed field, but takes an echo of it', () => {
    const unit = { entity: 'assessment', field: 'unitId', value: 'u2' } as const;
    expect(push(held(), unit)).toEqual({ refused: 'immutable_field' });
    expect(push(held({ sameValue: true }), unit)).toEqual({ outcome: 'same' });
    // Not written yet: the record is being created.
    expect(push(undefined, { ...unit, baseVersion: 0 })).toEqual({ outcome: 'applied' });
  });

  it('refuses server-owned fields and coordinator statuses from a tablet, unless echoed', () => {
    expect(push(undefined, { field: 'selfLevel', value: 3 })).toEqual({
      refused: 'field_not_writable',
    });
    expect(push(held({ sameValue: true }), { field: 'reviewComment', value: '' })).toEqual({
      outcome: 'same',
    });
    const status = { entity: 'assessment', field: 'status' } as const;
    expect(push(held(), { ...status, value: 'disetujui' })).toEqual({
      refused: 'field_not_writable',
    });
    expect(push(held(), { ...status, value: 'dikembalikan' })).toEqual({
      refused: 'field_not_writable',
    });
    expect(push(held(), { ...status, value: 'selesai' })).toEqual({ outcome: 'applied' });
  });

  it('names the mutation outcome from its fields: conflict, then applied, then same', () => {
    expect(mutationOutcome(['same', 'applied', 'conflict'])).toBe('conflict');
    expect(mutationOutcome(['same', 'applied'])).toBe('applied');
    expect(mutationOutcome(['same', 'same'])).toBe('same');
  });
});

describe('merge: the tablet applies each pulled field', () => {
  it('leaves a field with an unsent local edit alone (pending)', () => {
    expect(decideRemoteField(true, 1, 5)).toBe('pending');
    expect(decideRemoteField(true, null, 5)).toBe('pending');
  });

  it('applies only newer versions; a repeated page is stale', () => {
    expect(decideRemoteField(false, 4, 5)).toBe('applied');
    expect(decideRemoteField(false, 5, 5)).toBe('stale');
    expect(decideRemoteField(false, 6, 5)).toBe('stale');
    // No local record: any server value applies.
    expect(decideRemoteField(false, null, 0)).toBe('applied');
  });
});

describe('merge: field lists', () => {
  it('name only fields core knows, and the tablet may write every field it must give', () => {
    for (const entity of ENTITY_NAMES) {
      const known = Object.keys(ENTITY_FIELDS[entity]);
      for (const f of IMMUTABLE_FIELDS[entity]) expect(known).toContain(f);
      for (const f of SERVER_OWNED_FIELDS[entity] ?? []) expect(known).toContain(f);
      for (const f of Object.keys(RECORD_DEFAULTS[entity])) expect(known).toContain(f);
      for (const f of REQUIRED_FIELDS[entity]) {
        expect(known).toContain(f);
        expect(tabletWriteRefusal(entity, f, 'x', false)).toBeNull();
      }
    }
  });
});
