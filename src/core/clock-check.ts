/**
 * Whether a tablet's clock can be trusted, and which time of an edit people are shown.
 *
 * A tablet's wall clock may be wrong (a flat battery resets it to 1970, a mistyped year
 * puts it in 2099), and a verifier works offline for days, so the server's receive time says
 * little about when something was edited. Both ends therefore show the time of the edit on
 * the tablet (the physical part of its hybrid logical clock, see hlc.ts) first and the
 * server's receive time second, and mark a tablet time as doubtful when the tablet's clock
 * was measured far from the server's at the sync that carried it.
 */

import { decodeHlc } from './hlc';

/** A tablet clock further than this from the server's at sync is "not right" (10 minutes). */
export const CLOCK_SKEW_LIMIT_MS = 10 * 60_000;

/**
 * Tablet clock minus server clock (ms), measured by one request: sent at `sentAt` and
 * answered at `receivedAt` (both tablet clock) with the server's clock `serverTime` taken
 * while it handled the request. The midpoint cancels the network time both ways.
 */
export function measureClockSkew(sentAt: number, receivedAt: number, serverTime: number): number {
  return Math.round((sentAt + receivedAt) / 2 - serverTime);
}

/** True when a measured skew (tablet minus server, ms) is beyond CLOCK_SKEW_LIMIT_MS. */
export function clockIsOff(skewMs: number | null | undefined): boolean {
  return typeof skewMs === 'number' && Math.abs(skewMs) > CLOCK_SKEW_LIMIT_MS;
}

/**
 * When an edit was made on the tablet: the wall-clock part of its hybrid logical clock
 * (which never runs behind a clock the tablet has seen), else `fallback` (the device time
 * the mutation carried), else null for a change the server made itself.
 */
export function editTime(
  hlc: string | null | undefined,
  fallback: number | null = null,
): number | null {
  if (hlc) {
    try {
      return decodeHlc(hlc).ms;
    } catch {
      // An unreadable clock (never accepted at the wire) falls back to the device time.
    }
  }
  return fallback;
}

/**
 * Whether a tablet-made time is doubtful: the tablet's clock was off at the sync that
 * carried the edit (`skewMs`, when measured), or the edit claims a time later than the
 * server received it (a clock running ahead; also catches export files and tablets that do
 * not report their clock).
 */
export function timeDoubtful(t: {
  editedAt: number | null;
  receivedAt: number | null;
  skewMs?: number | null | undefined;
}): boolean {
  if (clockIsOff(t.skewMs)) return true;
  return (
    t.editedAt !== null && t.receivedAt !== null && t.editedAt - t.receivedAt > CLOCK_SKEW_LIMIT_MS
  );
}

/**
 * A skew for people, Indonesian and English: "3 jam 5 menit lebih cepat dari server" /
 * "3 h 5 min ahead of the server"; days above two days ("12.345 hari").
 */
export function describeClockSkew(skewMs: number): [string, string] {
  const ahead = skewMs > 0;
  const minutes = Math.round(Math.abs(skewMs) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  let id: string;
  let en: string;
  if (days >= 2) {
    id = `${days.toLocaleString('id-ID')} hari`;
    en = `${days.toLocaleString('en-GB')} days`;
  } else {
    const h = days * 24 + hours;
    id = [h ? `${h} jam` : '', mins || !h ? `${mins} menit` : ''].filter(Boolean).join(' ');
    en = [h ? `${h} h` : '', mins || !h ? `${mins} min` : ''].filter(Boolean).join(' ');
  }
  return ahead
    ? [`${id} lebih cepat dari jam server`, `${en} ahead of the server's clock`]
    : [`${id} lebih lambat dari jam server`, `${en} behind the server's clock`];
}
