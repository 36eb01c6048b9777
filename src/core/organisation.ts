/**
 * The organisation a Telusur server works for — a Pemda (kota, kabupaten, provinsi) or a
 * central government agency — and the time zone its people read times in. Set once (admin
 * CLI or the coordinator's set-up page); until then every time is printed in WIB, as before
 * organisations existed. One vocabulary for the server, the coordinator pages and the
 * tablet, and the one way a time is written for the Pemda: wall clock in the zone's IANA id
 * (Intl), followed by its Indonesian label (WIB, WITA, WIT). No zone of Indonesia observes
 * daylight saving, but the offset is still taken from Intl, never added by hand.
 *
 * Zod-free: the coordinator pages and the tablet import it at runtime.
 */

/** What kind of government body the organisation is. */
export const ORGANISATION_KINDS = ['kota', 'kabupaten', 'provinsi', 'instansi-pusat'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Each kind as people say it: [Indonesian, English]. */
export const ORGANISATION_KIND_LABELS: Readonly<
  Record<OrganisationKind, readonly [string, string]>
> = {
  kota: ['Pemerintah kota', 'City government'],
  kabupaten: ['Pemerintah kabupaten', 'Regency government'],
  provinsi: ['Pemerintah provinsi', 'Provincial government'],
  'instansi-pusat': ['Instansi pusat', 'Central government agency'],
};

/** Indonesia's three time zones by the label printed after a time. */
export const TIME_ZONES = ['WIB', 'WITA', 'WIT'] as const;
export type ZoneCode = (typeof TIME_ZONES)[number];

/** The IANA zone each label stands for (UTC+7, UTC+8, UTC+9; none has daylight saving). */
export const ZONE_IANA: Readonly<Record<ZoneCode, string>> = {
  WIB: 'Asia/Jakarta',
  WITA: 'Asia/Makassar',
  WIT: 'Asia/Jayapura',
};

/** Each zone spelled out, for a form: [Indonesian, English]. */
export const ZONE_LABELS: Readonly<Record<ZoneCode, readonly [string, string]>> = {
  WIB: ['WIB — Waktu Indonesia Barat (UTC+7)', 'WIB — Western Indonesia Time (UTC+7)'],
  WITA: ['WITA — Waktu Indonesia Tengah (UTC+8)', 'WITA — Central Indonesia Time (UTC+8)'],
  WIT: ['WIT — Waktu Indonesia Timur (UTC+9)', 'WIT — Eastern Indonesia Time (UTC+9)'],
};

/** The zone of a server whose organisation is not set up yet (every time before this feature). */
export const DEFAULT_ZONE_CODE: ZoneCode = 'WIB';

/** Longest organisation name (characters), as long as a unit's name may be. */
export const ORGANISATION_NAME_MAX = 200;

/** Largest logo file accepted (bytes): a letterhead mark, not a photograph. */
export const LOGO_MAX_BYTES = 256 * 1024;

/** The only logo formats: raster images a browser shows as an image and never runs. */
export const LOGO_MIMES = ['image/png', 'image/jpeg'] as const;
export type LogoMime = (typeof LOGO_MIMES)[number];

/** "256 KB": the logo limit as forms and refusals state it. */
export const LOGO_MAX_TEXT = `${LOGO_MAX_BYTES / 1024} KB`;

/**
 * A zone label from what someone typed: `wita`, ` WIT ` → `WITA`, `WIT`; null for anything
 * else (an IANA id included: the label is what a Pemda knows its zone by).
 */
export function parseZoneCode(text: string): ZoneCode | null {
  const t = text.trim().toUpperCase();
  return (TIME_ZONES as readonly string[]).includes(t) ? (t as ZoneCode) : null;
}

/** An organisation kind from what someone typed (`Kota`, `instansi-pusat`); null otherwise. */
export function parseOrganisationKind(text: string): OrganisationKind | null {
  const t = text.trim().toLowerCase();
  return (ORGANISATION_KINDS as readonly string[]).includes(t) ? (t as OrganisationKind) : null;
}

/**
 * The type of an image from its first bytes (PNG signature `89 50 4E 47 0D 0A 1A 0A`, JPEG
 * SOI marker `FF D8 FF`), never from a file name or a declared type; null for anything
 * else (SVG, HTML, GIF, a renamed file).
 */
export function sniffLogoMime(bytes: Uint8Array): LogoMime | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 16 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 16 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'image/jpeg';
  return null;
}

/** Why a logo file is refused: `empty`, `too_large` (over LOGO_MAX_BYTES), `not_image`; null when fine. */
export function logoProblem(bytes: Uint8Array): 'empty' | 'too_large' | 'not_image' | null {
  if (bytes.length === 0) return 'empty';
  if (bytes.length > LOGO_MAX_BYTES) return 'too_large';
  return sniffLogoMime(bytes) === null ? 'not_image' : null;
}

/** The refusal of a logo in both languages (the CLI's line, the API's problem, the form). */
export const LOGO_PROBLEM_TEXT: Readonly<
  Record<'empty' | 'too_large' | 'not_image', readonly [string, string]>
> = {
  empty: ['berkas logo kosong', 'the logo file is empty'],
  too_large: [
    `berkas logo terlalu besar (maks. ${LOGO_MAX_TEXT})`,
    `the logo file is too large (at most ${LOGO_MAX_TEXT})`,
  ],
  not_image: ['logo harus berupa gambar PNG atau JPEG', 'the logo must be a PNG or JPEG image'],
};

/** A wall-clock reading in a zone: calendar fields as numbers (month 1–12, hour 0–23). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormats = new Map<ZoneCode, Intl.DateTimeFormat>();

function partsFormat(zone: ZoneCode): Intl.DateTimeFormat {
  let f = partFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE_IANA[zone],
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    partFormats.set(zone, f);
  }
  return f;
}

/**
 * The wall clock of instant `ms` (epoch ms) in `zone`, read with Intl from the zone's IANA id.
 *
 * @example wallClock(Date.UTC(2023, 9, 2, 1), 'WITA') // { year: 2023, month: 10, day: 2, hour: 9, minute: 0, second: 0 }
 */
export function wallClock(ms: number, zone: ZoneCode): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormat(zone).formatToParts(new Date(ms))) {
    if (p.type in out) out[p.type as keyof WallClock] = Number(p.value);
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** One remembered answer: export rows repeat a unit's times once per indicator. */
let lastStamp: { ms: number; zone: ZoneCode; text: string } | null = null;

/**
 * `2023-10-02 09:00`: date and time in `zone`, as every spreadsheet reads one whatever its
 * locale (the zone's label goes in the column header, not in each cell).
 */
export function zoneStamp(ms: number, zone: ZoneCode): string {
  if (lastStamp && lastStamp.ms === ms && lastStamp.zone === zone) return lastStamp.text;
  const w = wallClock(ms, zone);
  const text = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
  lastStamp = { ms, zone, text };
  return text;
}

/** `20231002-0900`: the time in `zone` as an export file's name carries it. */
export function zoneFileStamp(ms: number, zone: ZoneCode): string {
  const w = wallClock(ms, zone);
  return `${w.year}${pad(w.month)}${pad(w.day)}-${pad(w.hour)}${pad(w.minute)}`;
}

/**
 * The wall clock in `zone` as a Date whose UTC fields hold it: what a spreadsheet cell
 * needs (spreadsheets have no zones, and exceljs reads a Date by its UTC fields).
 */
export function zoneWallDate(ms: number, zone: ZoneCode): Date {
  const w = wallClock(ms, zone);
  return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
}

const longFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A time for the Pemda's people: "2 Oktober 2023 pukul 09.00 WITA" (English "2 October 2023
 * at 09:00 WITA"); `style: 'full'` adds the weekday. The label is the zone's own, so a
 * print made in Jakarta for a Pemda in Jayapura reads Jayapura's time. `style: 'medium'`
 * is the short form lists use: "2 Okt 2023, 09.00 WITA".
 */
export function formatInZone(
  ms: number,
  zone: ZoneCode,
  locale: 'id' | 'en',
  style: 'medium' | 'long' | 'full' = 'long',
): string {
  const key = `${zone}|${locale}|${style}`;
  let f = longFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'id-ID', {
      timeZone: ZONE_IANA[zone],
      dateStyle: style,
      timeStyle: 'short',
    });
    longFormats.set(key, f);
  }
  return `${f.format(new Date(ms))} ${zone}`;
}

/**
 * The day name and the date in words in `zone`: `{ day: 'Senin', date: '30 November 2026' }`
 * (English `Monday`, `30 November 2026`), as the berita acara opens.
 */
export function dayAndDateInZone(
  ms: number,
  zone: ZoneCode,
  locale: 'id' | 'en',
): { day: string; date: string } {
  const tag = locale === 'en' ? 'en-GB' : 'id-ID';
  const d = new Date(ms);
  const timeZone = ZONE_IANA[zone];
  return {
    day: d.toLocaleDateString(tag, { weekday: 'long', timeZone }),
    date: d.toLocaleDateString(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone }),
  };
}
