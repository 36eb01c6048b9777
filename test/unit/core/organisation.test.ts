import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditTime,
  dayAndDateInZone,
  formatInZone,
  LOGO_MAX_BYTES,
  logoProblem,
  parseOrganisationKind,
  parseZoneCode,
  sniffLogoMime,
  wallClock,
  ZONE_IANA,
  zoneFileStamp,
  zoneStamp,
  zoneWallDate,
} from '../../../src/core';
import { emblemPng, JPEG_HEAD } from '../../helpers/images';

/** 2 October 2023, 01:00 UTC: 08.00 WIB, 09.00 WITA, 10.00 WIT. */
const T = Date.UTC(2023, 9, 2, 1, 0);
/** 30 November 2026, 16:30 UTC: Monday 23.30 in Jakarta, already Tuesday in Makassar. */
const LATE = Date.UTC(2026, 10, 30, 16, 30);

describe('times written for the organisation', () => {
  // Whatever zone the machine runs in (a server in UTC, a laptop in Jakarta), the print is
  // the organisation's: the process zone is set far from Indonesia here on purpose.
  let tz: string | undefined;
  beforeEach(() => {
    tz = process.env.TZ;
    process.env.TZ = 'America/New_York';
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('reads the wall clock of each zone from its IANA id', () => {
    expect(wallClock(T, 'WIB')).toEqual({
      year: 2023,
      month: 10,
      day: 2,
      hour: 8,
      minute: 0,
      second: 0,
    });
    expect(wallClock(T, 'WITA').hour).toBe(9);
    expect(wallClock(T, 'WIT').hour).toBe(10);
    expect(ZONE_IANA).toEqual({ WIB: 'Asia/Jakarta', WITA: 'Asia/Makassar', WIT: 'Asia/Jayapura' });
  });

  it('writes spreadsheet cells, file-name stamps and XLSX dates in the zone', () => {
    expect(zoneStamp(T, 'WIB')).toBe('2023-10-02 08:00');
    expect(zoneStamp(T, 'WITA')).toBe('2023-10-02 09:00');
    expect(zoneStamp(T, 'WIT')).toBe('2023-10-02 10:00');
    // The remembered last answer is per zone, not just per instant.
    expect(zoneStamp(T, 'WITA')).toBe('2023-10-02 09:00');
    expect(zoneStamp(LATE, 'WIB')).toBe('2026-11-30 23:30');
    expect(zoneStamp(LATE, 'WITA')).toBe('2026-12-01 00:30');
    expect(zoneFileStamp(T, 'WIT')).toBe('20231002-1000');
    expect(zoneWallDate(T, 'WITA').toISOString()).toBe('2023-10-02T09:00:00.000Z');
  });

  it('prints a time with the zone’s own label, in Indonesian and English', () => {
    expect(formatInZone(T, 'WIB', 'id')).toBe('2 Oktober 2023 pukul 08.00 WIB');
    expect(formatInZone(T, 'WITA', 'id')).toBe('2 Oktober 2023 pukul 09.00 WITA');
    expect(formatInZone(T, 'WIT', 'id')).toBe('2 Oktober 2023 pukul 10.00 WIT');
    // The short form the coordinator's lists use, with the zone's label too.
    expect(formatInZone(T, 'WITA', 'id', 'medium')).toBe('2 Okt 2023, 09.00 WITA');
    expect(formatInZone(T, 'WITA', 'en')).toBe('2 October 2023 at 09:00 WITA');
    expect(formatInZone(LATE, 'WITA', 'id', 'full')).toBe(
      'Selasa, 01 Desember 2026 pukul 00.30 WITA',
    );
  });

  it('names the day in the zone, which may already be the next one', () => {
    expect(dayAndDateInZone(LATE, 'WIB', 'id')).toEqual({ day: 'Senin', date: '30 November 2026' });
    expect(dayAndDateInZone(LATE, 'WITA', 'id')).toEqual({
      day: 'Selasa',
      date: '1 Desember 2026',
    });
    expect(dayAndDateInZone(LATE, 'WIT', 'en')).toEqual({
      day: 'Tuesday',
      date: '1 December 2026',
    });
  });

  it('writes the audit trail in the zone it is given', () => {
    expect(auditTime(T, 'id', { timeZone: ZONE_IANA.WITA })).toBe('2 Okt 2023 09.00');
    expect(auditTime(T, 'id')).toBe('2 Okt 2023 08.00');
  });
});

describe('organisation input', () => {
  it('takes a zone by its label in any letter case, and nothing else', () => {
    expect(parseZoneCode(' wita ')).toBe('WITA');
    expect(parseZoneCode('WIT')).toBe('WIT');
    expect(parseZoneCode('Asia/Makassar')).toBeNull();
    expect(parseZoneCode('UTC+8')).toBeNull();
    expect(parseOrganisationKind('Kabupaten')).toBe('kabupaten');
    expect(parseOrganisationKind('instansi-pusat')).toBe('instansi-pusat');
    expect(parseOrganisationKind('desa')).toBeNull();
  });

  it('tells a logo by its bytes: PNG and JPEG only, within the size limit', () => {
    expect(sniffLogoMime(emblemPng())).toBe('image/png');
    expect(sniffLogoMime(JPEG_HEAD)).toBe('image/jpeg');
    const text = (s: string) => new TextEncoder().encode(s);
    expect(logoProblem(text('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe('not_image');
    expect(logoProblem(text('<!doctype html><script>alert(1)</script>'))).toBe('not_image');
    expect(logoProblem(text('GIF89a………………'))).toBe('not_image');
    expect(logoProblem(new Uint8Array(0))).toBe('empty');
    const big = new Uint8Array(LOGO_MAX_BYTES + 1);
    big.set(emblemPng().subarray(0, 16));
    expect(logoProblem(big)).toBe('too_large');
    expect(logoProblem(emblemPng())).toBeNull();
  });
});
