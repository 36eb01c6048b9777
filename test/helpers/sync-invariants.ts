import { appendFileSync } from 'node:fs';
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

/** What `checkExactlyOnce` found: counts for reports, and the offending keys. */
export interface OnceCheck extends OnceReport {
  /** Outboxes not empty: `deviceId: n left`. */
  undelivered: string[];
  /** Server cursor ≠ tablet's last seq: `deviceId: server x, tablet y`. */
  cursorMismatch: string[];
  /** (device, seq, field) with more than one change-log row. */
  duplicated: string[];
  /** Issued (device, seq, field) neither applied, conflicted nor held: lost. */
  unaccounted: string[];
}

/**
 * Exactly once and nothing lost, checked against the server database:
 *  1. every tablet's outbox is empty and the server's cursor for it equals its last seq;
 *  2. the change log has at most one row per (device, seq, field);
 *  3. every issued (device, seq, field) is applied (its change row), a conflict row of that
 *     device on that field, or a value the server held ('same').
 * Returns every violation instead of failing (soak reports count them); see expectExactlyOnce.
 */
export async function checkExactlyOnce(
  db: Kysely<Database>,
  stores: readonly TelusurStore[],
  issued: IssuedLog,
): Promise<OnceCheck> {
  const undelivered: string[] = [];
  const cursorMismatch: string[] = [];
  for (const s of stores) {
    const left = await s.outbox.count();
    if (left !== 0) undelivered.push(`${s.deviceId}: ${left} left`);
    const cursor = await db
      .selectFrom('deviceCursors')
      .select('lastSeq')
      .where('deviceId', '=', s.deviceId)
      .executeTakeFirst();
    const last = await s.outbox.lastSeq();
    if (Number(cursor?.lastSeq ?? 0) !== last)
      cursorMismatch.push(`${s.deviceId}: server ${Number(cursor?.lastSeq ?? 0)}, tablet ${last}`);
  }
  const deviceIds = stores.map((s) => s.deviceId);
  const ownOf = (ids: string[]) =>
    db
      .selectFrom('changes')
      .select(['deviceId', 'deviceSeq', 'field'])
      .where('deviceId', 'in', ids)
      .execute();
  const own: Awaited<ReturnType<typeof ownOf>> = [];
  for (let i = 0; i < deviceIds.length; i += 100)
    own.push(...(await ownOf(deviceIds.slice(i, i + 100))));
  const perField = new Map<string, number>();
  for (const c of own) {
    const k = `${c.deviceId}:${c.deviceSeq}:${c.field}`;
    perField.set(k, (perField.get(k) ?? 0) + 1);
  }
  const duplicated = [...perField.entries()].filter(([, n]) => n > 1).map(([k]) => k);

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
  return {
    mutations: issued.size,
    fields,
    applied,
    conflicts: conflicts.length,
    undelivered,
    cursorMismatch,
    duplicated,
    unaccounted,
  };
}

/** checkExactlyOnce, failing the test on any violation. */
export async function expectExactlyOnce(
  db: Kysely<Database>,
  stores: readonly TelusurStore[],
  issued: IssuedLog,
): Promise<OnceReport> {
  const c = await checkExactlyOnce(db, stores, issued);
  expect(c.undelivered, 'outboxes not empty').toEqual([]);
  expect(c.cursorMismatch, 'server cursors').toEqual([]);
  expect(c.duplicated).toEqual([]);
  expect(c.unaccounted).toEqual([]);
  return { mutations: c.mutations, fields: c.fields, applied: c.applied, conflicts: c.conflicts };
}

/**
 * `npm run soak` (test/soak.mjs) sets TELUSUR_SOAK_REPORT to a file; each proof appends one
 * JSON line `{proof, figures, goal, met}` there. Without it this does nothing.
 */
export function soakReport(
  proof: string,
  figures: Record<string, unknown>,
  goal: string,
  met: boolean,
): void {
  const file = process.env.TELUSUR_SOAK_REPORT;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ proof, figures, goal, met })}\n`);
}
