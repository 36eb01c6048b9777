import { describe, expect, it } from 'vitest';
import { sideWhen } from '../../../src/app/components/Conflicts';
import { clockText } from '../../../src/app/lib/clock';
import { textLimit } from '../../../src/app/lib/text-limit';
import { stageWhen } from '../../../src/app/lib/workflow';

/**
 * Every time the tablet shows says which of Indonesia's clocks it means (WIB, WITA, WIT), in
 * the zone prints use; and a long text field shows its limit before it silently stops typing.
 */

const at = Date.UTC(2026, 9, 2, 2, 0); // 09.00 WIB, 10.00 WITA, 11.00 WIT

describe('a time on the tablet carries its zone', () => {
  it('is written in the given zone with its label, in either language', () => {
    expect(clockText(at, 'id', 'WIB')).toBe('2 Okt 2026, 09.00 WIB');
    expect(clockText(at, 'id', 'WITA')).toBe('2 Okt 2026, 10.00 WITA');
    expect(clockText(at, 'en', 'WIT')).toBe('2 Oct 2026, 11:00 WIT');
    expect(clockText(null, 'id', 'WIB')).toBe('–');
  });

  it('a stage value’s time, whatever zone the tablet itself is set to', () => {
    expect(stageWhen(at, 'id', 'WITA')).toBe('2 Okt 2026, 10.00 WITA');
  });

  it('a conflict side says both clocks with the label', () => {
    const side = {
      value: 1,
      author: null,
      editedAt: at,
      receivedAt: at + 120_000,
      doubtful: false,
    };
    expect(sideWhen(side, 'id', 'WIB')).toBe('2 Okt 09.00 WIB (diterima server 09.02 WIB)');
    expect(sideWhen(side, 'en', 'WITA')).toBe(
      '2 Oct 10:00 WITA (received by the server 10:02 WITA)',
    );
    expect(sideWhen({ ...side, receivedAt: null }, 'id', 'WIT')).toBe('2 Okt 2026, 11.00 WIT');
  });
});

describe('a text field’s limit, shown before it bites', () => {
  it('nothing while well under the limit, or without one', () => {
    expect(textLimit(17_999, 20_000)).toBeNull();
    expect(textLimit(50_000, undefined)).toBeNull();
  });

  it('a count from 90 % on', () => {
    expect(textLimit(18_000, 20_000)).toEqual({ state: 'near', length: 18_000, max: 20_000 });
    expect(textLimit(19_950, 20_000)).toEqual({ state: 'near', length: 19_950, max: 20_000 });
  });

  it('reached once the field holds the limit', () => {
    expect(textLimit(20_000, 20_000)).toEqual({ state: 'full', length: 20_000, max: 20_000 });
  });
});
