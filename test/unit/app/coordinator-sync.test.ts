import { describe, expect, it } from 'vitest';
import { countTablets, groupTablets } from '../../../src/coordinator/devices';
import type { Device } from '../../../src/coordinator/types';
import { shortId } from '../../../src/coordinator/ui';
import { VALUE_PREVIEW_CHARS, visibleValue } from '../../../src/coordinator/values';

/** Coordinator side of field sync: how refused values and tablet identities are shown. */

function device(id: string, patch: Partial<Device> = {}): Device {
  return {
    id,
    verifierId: 'v1',
    label: `Tablet ${id}`,
    createdAt: 1_700_000_000_000,
    lastSeenAt: null,
    revokedAt: null,
    revokedReason: null,
    origin: 'enrol',
    rotatedFrom: null,
    previousDeviceId: null,
    ...patch,
  };
}

describe('visibleValue (a refused value as the coordinator reads it)', () => {
  it('writes control characters out the way the server names them, keeps emoji, marks lone surrogates', () => {
    expect(visibleValue('Salinan\u0000PDF', 'id')).toBe('Salinan[U+0000]PDF');
    expect(visibleValue('a\u001fb\u007fc', 'id')).toBe('a[U+001F]b[U+007F]c');
    expect(visibleValue('foto 📷 ok', 'id')).toBe('foto 📷 ok');
    expect(visibleValue('x\ud83dy', 'id')).toBe('x\uFFFDy');
    expect(visibleValue('baris\n\n  dua', 'id')).toBe('baris dua');
  });

  it('shortens long text on a code point boundary and names empty and yes/no values per language', () => {
    const long = '📷'.repeat(VALUE_PREVIEW_CHARS + 5);
    const shown = visibleValue(long, 'id');
    expect([...shown]).toHaveLength(VALUE_PREVIEW_CHARS);
    expect(shown.endsWith('📷…')).toBe(true);
    expect(visibleValue('', 'id')).toBe('(dikosongkan)');
    expect(visibleValue(null, 'en')).toBe('(cleared)');
    expect(visibleValue(false, 'en')).toBe('no');
    expect(visibleValue(true, 'id')).toBe('ya');
    expect(visibleValue(undefined, 'id')).toBe('');
    expect(visibleValue({ state: 'present' }, 'id')).toBe('{"state":"present"}');
  });
});

describe('groupTablets / countTablets (a tablet is an enrolment, not an identity)', () => {
  it('puts a rotated identity under the tablet it came from, even across several rotations', () => {
    const a = device('a', { createdAt: 1 });
    const a2 = device('a2', { origin: 'rotate', rotatedFrom: 'a', createdAt: 5 });
    const a3 = device('a3', { origin: 'rotate', rotatedFrom: 'a2', createdAt: 9 });
    const b = device('b', { createdAt: 3 });
    const groups = groupTablets([a3, b, a2, a]);
    expect(groups.map((g) => g.identities.map((d) => d.id))).toEqual([['a', 'a2', 'a3'], ['b']]);
    expect(countTablets([a3, b, a2, a])).toEqual({ tablets: 2, identities: 4 });
  });

  it('counts a tablet while any of its identities is active; released and revoked ones do not count', () => {
    const revoked = device('r', { revokedAt: 10, revokedReason: 'revoked' });
    const released = device('l', { revokedAt: 11, revokedReason: 'released' });
    // The enrolment identity was revoked, but the tablet syncs on under its rotated one.
    const old = device('o', { revokedAt: 12, revokedReason: 'revoked' });
    const fresh = device('o2', { origin: 'rotate', rotatedFrom: 'o', createdAt: 2 });
    expect(countTablets([revoked, released, old, fresh])).toEqual({ tablets: 1, identities: 1 });
    expect(countTablets([revoked, released])).toEqual({ tablets: 0, identities: 0 });
  });

  it('keeps a rotated identity whose parent is not listed as its own tablet, and survives a cycle', () => {
    const orphan = device('x', { origin: 'rotate', rotatedFrom: 'gone' });
    expect(groupTablets([orphan]).map((g) => g.root.id)).toEqual(['x']);
    const p = device('p', { origin: 'rotate', rotatedFrom: 'q' });
    const q = device('q', { origin: 'rotate', rotatedFrom: 'p' });
    expect(countTablets([p, q]).identities).toBe(2);
    expect(groupTablets([p, q]).flatMap((g) => g.identities)).toHaveLength(2);
  });
});

describe('shortId', () => {
  it('shows the tail of a UUIDv7 (its head is a timestamp two identities may share)', () => {
    expect(shortId('0190f3a2-7c41-7b1e-9d2a-3f9a1c2e4b5d')).toBe('…1c2e4b5d');
    expect(shortId('0190f3a2-7c41-7b1e-9d2a-000000000001')).not.toBe(
      shortId('0190f3a2-7c41-7b1e-9d2a-000000000002'),
    );
    expect(shortId('abc')).toBe('abc');
  });
});
