/**
 * Pull application: server values written into the tablet's records without an outbox
 * entry, field by field as core `decideRemoteField` says (an unsent local edit waits for
 * the push; an older or repeated version is ignored), and the HLC clock advanced past
 * the server's.
 */
import {
  cleanText,
  decideRemoteField,
  decodeHlc,
  type EntityName,
  encodeHlc,
  fieldSchema,
  RECORD_DEFAULTS,
  receiveHlc,
} from '../core';
import type { TelusurStore } from './api';
import { CLOCK, type ClockRow, guard, type StoreContext, tableOf } from './context';
import { ValidationError } from './errors';
import type { RecordRow } from './schema';
import type { ApplyRemoteResult } from './types';

/** Every string inside a value passed through core's cleanText (evidence checks hold notes). */
function cleanStrings(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(cleanStrings);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v)]));
  return value;
}

/**
 * Values pulled from the server, as this tablet may keep them. The server is the record of
 * truth, so one value this app version cannot read must not stall every later pull (the
 * cursor would never move): a text holding characters core now refuses (data older than
 * that rule) is kept cleaned, and a field still unreadable after that — unknown to this app
 * version, or out of range — is left out and reported in `skipped`.
 */
function readServerFields(
  entity: EntityName,
  fields: Record<string, unknown>,
): { clean: Record<string, unknown>; skipped: { field: string; message: string }[] } {
  const clean: Record<string, unknown> = {};
  const skipped: { field: string; message: string }[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const schema = fieldSchema(entity, field);
    if (!schema) {
      skipped.push({ field, message: 'unknown field' });
      continue;
    }
    const r = schema.safeParse(value);
    if (r.success) {
      clean[field] = r.data;
      continue;
    }
    const repaired = schema.safeParse(cleanStrings(value));
    if (repaired.success) clean[field] = repaired.data;
    else skipped.push({ field, message: r.error.issues[0]?.message ?? 'invalid' });
  }
  if (skipped.length > 0)
    console.warn(`Telusur: server values this app cannot read were left out (${entity})`, skipped);
  return { clean, skipped };
}

/** The pull application part of the store (`applyRemote`). */
export function remoteApi(c: StoreContext): Pick<TelusurStore, 'applyRemote'> {
  const db = c.db;
  return {
    applyRemote(entity, id, fields, versions, hlc) {
      let clean: Record<string, unknown>;
      let unreadable: ApplyRemoteResult['skipped'];
      try {
        ({ clean, skipped: unreadable } = readServerFields(entity, fields));
        const missing = Object.keys(clean).filter(
          (f) => !Number.isInteger(versions[f]) || (versions[f] ?? -1) < 0,
        );
        if (missing.length > 0) {
          throw new ValidationError(
            entity,
            missing.map((field) => ({ field, message: 'missing server version' })),
          );
        }
      } catch (e) {
        return Promise.reject(e);
      }
      const table = tableOf(db, entity);
      return guard(() =>
        db.transaction('rw', table, db.outbox, db.meta, async () => {
          const [row, pendingRows] = await Promise.all([
            table.get(id),
            db.outbox.where('[entity+id]').equals([entity, id]).toArray(),
          ]);
          const pendingFields = new Set(pendingRows.flatMap((m) => Object.keys(m.changes)));
          const result: ApplyRemoteResult = {
            applied: [],
            pending: [],
            stale: [],
            skipped: unreadable,
          };
          const next: RecordRow = row
            ? { ...row, _versions: { ...row._versions } }
            : { id, ...RECORD_DEFAULTS[entity], _versions: {} };
          for (const [f, value] of Object.entries(clean)) {
            const version = versions[f] ?? 0;
            const decision = decideRemoteField(
              pendingFields.has(f),
              row ? (row._versions[f] ?? 0) : null,
              version,
            );
            if (decision === 'applied') {
              next[f] = value;
              next._versions[f] = version;
            }
            result[decision].push(f);
          }
          if (result.applied.length > 0) await table.put(next);
          if (hlc) {
            const clock = (await db.meta.get(CLOCK)) as ClockRow | undefined;
            const merged = receiveHlc(
              clock?.hlc ? decodeHlc(clock.hlc) : null,
              decodeHlc(hlc),
              c.deviceId,
              c.now(),
            );
            await db.meta.put({
              key: CLOCK,
              seq: clock?.seq ?? 0,
              hlc: encodeHlc(merged),
            } satisfies ClockRow);
          }
          c.hooks?.beforeCommit?.('applyRemote');
          return result;
        }),
      );
    },
  };
}
