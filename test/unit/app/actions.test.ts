import { describe, expect, it } from 'vitest';
import { formatDay, safeHref, splitByInstrument } from '../../../src/app/lib/actions';

describe('the tablet’s tindak lanjut helpers', () => {
  it('writes a due date as people read it, whatever the device zone', () => {
    expect(formatDay('2026-06-30', 'id')).toBe('30 Jun 2026');
    expect(formatDay('2026-12-01', 'id')).toBe('1 Des 2026');
    expect(formatDay('2026-12-01', 'en')).toBe('1 Dec 2026');
    expect(formatDay('bukan tanggal', 'id')).toBe('bukan tanggal');
  });

  it('links only http and https addresses', () => {
    expect(safeHref('https://jdih.example.go.id/sk')).toBe('https://jdih.example.go.id/sk');
    expect(safeHref('http://intranet.local/sop')).toBe('http://intranet.local/sop');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<b>x</b>')).toBeNull();
    expect(safeHref('file:///etc/passwd')).toBeNull();
    expect(safeHref('lihat arsip bagian umum')).toBeNull();
  });

  it('badges the period instrument’s indicators and lists other instruments apart', () => {
    const actions = [
      { id: 'a', frameworkId: 'pemdi-2026', indicatorNo: 12 },
      { id: 'b', frameworkId: 'pemdi-2026', indicatorNo: 12 },
      { id: 'c', frameworkId: 'pemdi-2026', indicatorNo: 3 },
      { id: 'd', frameworkId: 'spbe-2020', indicatorNo: 12 },
    ];
    const { perIndicator, others } = splitByInstrument(actions, 'pemdi-2026');
    expect([...perIndicator].sort()).toEqual([
      [12, 2],
      [3, 1],
    ]);
    expect(others.map((a) => a.id)).toEqual(['d']);
  });
});
