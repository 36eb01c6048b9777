import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Mutation } from '../../src/core';
import type { Database } from '../../src/server/db/database';
import { canonicalJson } from '../../src/server/lib/canonical-json';
import type { TelusurStore } from '../../src/store';

/** Every mutation a set of tablets ever queued, keyed `device:seq` (outboxes are read before they drain). */
export class IssuedLog {
  readonly byKey = new Map<string, Mutation>();
  async collect(stores: readonly TelusurStore[]): Promise<void> {
    for (const s of stores)
      for (const m of await s.outbox.peek(1_000_000)) this.byKey.set(`${m.deviceId}:${m.seq}`, m);
  }
  get size(): number {
    return this.byKey.size;
  }
}

export interface OnceReport {
  mutations: number;
  fields: number;
  applied: number;
  conflicts: number;
}

/**
 * Exactly once and nothing lost, checked against the server database:
 *  1. every tablet's outbox is empty and the server's cursor for it equals its last seq;
 *  2. the change log has at most one row per (device, seq, field);
 *  3. every issued (device, seq, field) is applied (its change row), a conflict row of that
 *     device on that field, or a value the server held ('same').
 */
export async function expectExactlyOnce(
  db: Kysely<Database>,
  stores: readonly TelusurStore[],
  issued: IssuedLog,
): Promise<OnceReport> {
  for (const s of stores) {
    expect(await s.outbox.count(), `outbox of ${s.deviceId}`).toBe(0);
    const cursor = await db
      .selectFrom('deviceCursors')
      .select('lastSeq')
      .where('deviceId', '=', s.deviceId)
      .executeTakeFirst();
    expect(Number(cursor?.lastSeq ?? 0), `server cursor of ${s.deviceId}`).toBe(
      await s.outbox.lastSeq(),
    );
  }
  const deviceIds = stores.map((s) => s.deviceId);
  const own = deviceIds.length
    ? await db
        .selectFrom('changes')
        .select(['deviceId', 'deviceSeq', 'field'])
        .where('deviceId', 'in', deviceIds)
        .execute()
    : [];
  const perField = new Map<string, number>();
  for (const c of own) {
    const k = `${c.deviceId}:${c.deviceSeq}:${c.field}`;
    perField.set(k, (perField.get(k) ?? 0) + 1);
  }
  expect([...perField.entries()].filter(([, n]) => n > 1)).toEqual([]);

  const recordIds = [...new Set([...issued.byKey.values()].map((m) => m.id))];
  const logged: { recordId: string; field: string; valueJson: string }[] = [];
  const conflicts: { recordId: string; field: string; localDeviceId: string }[] = [];
  for (let i = 0; i < recordIds.length; i += 500) {
    const ids = recordIds.slice(i, i + 500);
    logged.push(
      ...(await db
        .selectFrom('changes')
        .select(['recordId', 'field', 'valueJson'])
        .where('recordId', 'in', ids)
        .execute()),
    );
    conflicts.push(
      ...(await db
        .selectFrom('conflicts')
        .select(['recordId', 'field', 'localDeviceId'])
        .where('recordId', 'in', ids)
        .execute()),
    );
  }
  const held = new Set(logged.map((c) => `${c.recordId}\u0000${c.field}\u0000${c.valueJson}`));
  const conflicted = new Set(
    conflicts.map((c) => `${c.recordId}\u0000${c.field}\u0000${c.localDeviceId}`),
  );
  const unaccounted: string[] = [];
  let fields = 0;
  let applied = 0;
  for (const m of issued.byKey.values()) {
    for (const [field, value] of Object.entries(m.changes)) {
      fields++;
      if (perField.has(`${m.deviceId}:${m.seq}:${field}`)) {
        applied++;
        continue;
      }
      if (conflicted.has(`${m.id}\u0000${field}\u0000${m.deviceId}`)) continue;
      if (held.has(`${m.id}\u0000${field}\u0000${canonicalJson(value)}`)) continue;
      unaccounted.push(`${m.deviceId}:${m.seq}:${m.entity}.${field}`);
    }
  }
  expect(unaccounted).toEqual([]);
  return { mutations: issued.size, fields, applied, conflicts: conflicts.length };
}
