/**
 * Hybrid logical clock. A tablet's wall clock can be hours off (no network for days),
 * so every mutation carries an HLC: physical ms + a counter + the device id. It orders
 * one device's changes strictly and is comparable across devices for audit display.
 *
 * Encoded as a fixed-width string so that string order equals clock order:
 * `<ms 13 digits>-<counter 4 hex>-<deviceId>`.
 */
export interface Hlc {
  readonly ms: number;
  readonly counter: number;
  readonly node: string;
}

export function encodeHlc(h: Hlc): string {
  return `${String(h.ms).padStart(13, '0')}-${h.counter.toString(16).padStart(4, '0')}-${h.node}`;
}

export function decodeHlc(s: string): Hlc {
  const m = /^(\d{13})-([0-9a-f]{4})-(.+)$/.exec(s);
  if (!m) throw new Error(`Invalid HLC: ${s}`);
  return { ms: Number(m[1]), counter: Number.parseInt(m[2] ?? '0', 16), node: m[3] ?? '' };
}

/** Next clock value for a local event, given the last one this node issued or saw. */
export function tickHlc(last: Hlc | null, node: string, now: number): Hlc {
  if (!last || now > last.ms) return { ms: now, counter: 0, node };
  if (last.counter >= 0xffff) return { ms: last.ms + 1, counter: 0, node };
  return { ms: last.ms, counter: last.counter + 1, node };
}

/** Merge a remote clock into ours on receive, so later local events sort after it. */
export function receiveHlc(local: Hlc | null, remote: Hlc, node: string, now: number): Hlc {
  const base = local && compareHlc(local, remote) > 0 ? local : remote;
  return tickHlc({ ...base, node }, node, now);
}

export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
