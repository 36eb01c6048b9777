import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayAndDate, openingLead } from '../../../src/app/lib/berita-acara';
import { formatZoneTime } from '../../../src/ui/format';

/** 2 October 2023, 01:00 UTC: 08.00 WIB, 09.00 WITA, 10.00 WIT. */
const T = Date.UTC(2023, 9, 2, 1, 0);
/** 30 November 2026, 16:30 UTC: Monday 23.30 in Jakarta, already Tuesday in Makassar. */
const LATE = Date.UTC(2026, 10, 30, 16, 30);

/**
 * What the tablet and the coordinator pages print for the organisation: its zone and label,
 * whatever zone the device itself is set to.
 */
describe('printed times in the organisation’s zone', () => {
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('keeps WIB as the default of the shared formatter (before set-up) and a dash for none', () => {
    expect(formatZoneTime(T)).toBe('2 Oktober 2023 pukul 08.00 WIB');
    expect(formatZoneTime(T, 'en', 'WIT')).toBe('2 October 2023 at 10:00 WIT');
    expect(formatZoneTime(null)).toBe('–');
  });

  it('opens the berita acara with the day in the organisation’s zone, which may be the next day', () => {
    expect(dayAndDate('id', LATE, 'WIB')).toEqual({ day: 'Senin', date: '30 November 2026' });
    expect(dayAndDate('id', LATE, 'WIT')).toEqual({ day: 'Selasa', date: '1 Desember 2026' });
    expect(
      openingLead('id', { signedAt: LATE, place: 'Kantor Camat Tamalate', zone: 'WITA' }),
    ).toBe(
      'Pada hari ini, Selasa tanggal 1 Desember 2026, bertempat di Kantor Camat Tamalate, kami yang bertanda tangan di bawah ini:',
    );
  });
});
