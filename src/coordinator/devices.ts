import type { Device } from './types';

/**
 * A verifier's tablets as the coordinator thinks of them, not as the server counts them. The
 * server lists device IDENTITIES: one per enrolment, plus one more each time a tablet rotated
 * its identity (a cloned or restored profile). A rotated identity belongs to the tablet whose
 * identity asked for it (`rotatedFrom`), so the identities form chains rooted at an
 * enrolment; one chain is one tablet.
 */
export interface TabletGroup {
  /** The enrolment's identity (or, if the server no longer lists it, the oldest one known). */
  root: Device;
  /** Every identity of the chain, the root first, then oldest to newest. */
  identities: Device[];
  /** At least one identity can still sync. */
  active: boolean;
}

/** True while the identity's token works: neither revoked by a coordinator nor released. */
export function isActive(d: Device): boolean {
  return d.revokedAt === null;
}

/**
 * Group identities into tablets, newest tablet first (by its newest identity).
 *
 * @example
 *   groupTablets([enrolA, rotatedFromA, enrolB]) // [{root: enrolB…}, {root: enrolA, identities: [enrolA, rotatedFromA]}]
 */
export function groupTablets(devices: readonly Device[]): TabletGroup[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const rootOf = (d: Device): Device => {
    let cur = d;
    const seen = new Set<string>([cur.id]);
    // Follow rotatedFrom while the parent is listed; `seen` guards against a corrupt cycle.
    while (cur.rotatedFrom) {
      const parent = byId.get(cur.rotatedFrom);
      if (!parent || seen.has(parent.id)) break;
      seen.add(parent.id);
      cur = parent;
    }
    return cur;
  };
  const groups = new Map<string, Device[]>();
  for (const d of devices) {
    const root = rootOf(d);
    const list = groups.get(root.id) ?? [];
    list.push(d);
    groups.set(root.id, list);
  }
  const out: TabletGroup[] = [];
  for (const [rootId, identities] of groups) {
    const root = byId.get(rootId) as Device;
    identities.sort((a, b) =>
      a.id === rootId ? -1 : b.id === rootId ? 1 : a.createdAt - b.createdAt,
    );
    out.push({ root, identities, active: identities.some(isActive) });
  }
  const newest = (g: TabletGroup) => Math.max(...g.identities.map((d) => d.createdAt));
  return out.sort((a, b) => newest(b) - newest(a));
}

/** How many tablets can still sync (chains with an active identity), and how many identities. */
export function countTablets(devices: readonly Device[]): { tablets: number; identities: number } {
  return {
    tablets: groupTablets(devices).filter((g) => g.active).length,
    identities: devices.filter(isActive).length,
  };
}
