/**
 * The tablet's device identity after opening: taking a new one (enrolment, or when the
 * server says another tablet uses this one's seqs) and the bundle signing secret that
 * belongs to it. The identity is created at open (open.ts).
 */
import { findUnsafeText } from '../core';
import type { TelusurStore } from './api';
import {
  BUNDLE_SECRET,
  CLOCK,
  type ClockRow,
  DEVICE,
  type DeviceRow,
  deviceFrom,
  EXPORTS,
  type ExportRecord,
  type ExportsRow,
  guard,
  MARKER,
  type StoreContext,
  secretOf,
} from './context';
import { ValidationError } from './errors';

const HEX_SECRET_RE = /^[0-9a-f]{64}$/;

/** The device identity part of the store (`adoptIdentity`, bundle secret). */
export function identityApi(
  c: StoreContext,
): Pick<TelusurStore, 'adoptIdentity' | 'getBundleSecret' | 'setBundleSecret'> {
  const db = c.db;
  return {
    async adoptIdentity(deviceId: string): Promise<{ renumbered: number }> {
      if (
        typeof deviceId !== 'string' ||
        deviceId.length === 0 ||
        deviceId.length > 64 ||
        findUnsafeText(deviceId) !== null
      ) {
        throw new ValidationError('device', [{ field: 'deviceId', message: 'invalid' }]);
      }
      const result = await guard(() =>
        db.transaction('rw', [db.outbox, db.meta], async () => {
          const [deviceRow, markerRow, clockRow, exportsRow] = await db.meta.bulkGet([
            DEVICE,
            MARKER,
            CLOCK,
            EXPORTS,
          ]);
          const old = deviceFrom(c, deviceRow);
          if (old === deviceId) return { renumbered: 0 };
          const rows = await db.outbox.orderBy('seq').toArray();
          const renumbered = rows.map((m, i) => ({ ...m, deviceId, seq: i + 1 }));
          await db.outbox.clear();
          await db.outbox.bulkAdd(renumbered);
          const clock = clockRow as ClockRow | undefined;
          await db.meta.put({
            key: CLOCK,
            seq: renumbered.length,
            hlc: clock?.hlc ?? null,
          } satisfies ClockRow);
          const device = deviceRow as DeviceRow | undefined;
          await db.meta.put({
            ...device,
            key: DEVICE,
            deviceId,
            previous: [...(device?.previous ?? []), old],
            adoptedAt: c.now(),
          } satisfies DeviceRow);
          if (markerRow) await db.meta.put({ ...markerRow, deviceId });
          // Export records name the rows they hold by seq: carry them over to the new numbers.
          const exports = exportsRow as ExportsRow | undefined;
          if (exports) {
            const byAssessment: Record<string, ExportRecord> = {};
            for (const [a, rec] of Object.entries(exports.byAssessment)) {
              if (rec.deviceId !== old) {
                byAssessment[a] = rec;
                continue;
              }
              let seq = 0;
              rows.forEach((m, i) => {
                if (m.assessmentId === a && m.seq <= rec.seq) seq = i + 1;
              });
              byAssessment[a] = { ...rec, deviceId, seq };
            }
            await db.meta.put({ key: EXPORTS, byAssessment } satisfies ExportsRow);
          }
          c.hooks?.beforeCommit?.('adoptIdentity');
          return { renumbered: renumbered.length };
        }),
      );
      c.deviceId = deviceId;
      try {
        c.witness?.write(c.deviceId);
      } catch {
        // The device row remembers the old identity, so a stale witness is not read as eviction.
      }
      return result;
    },

    getBundleSecret(): Promise<string | null> {
      return guard(() =>
        db.transaction('r', db.meta, async () => {
          const [secretRow, deviceRow] = await db.meta.bulkGet([BUNDLE_SECRET, DEVICE]);
          return secretOf(secretRow, deviceFrom(c, deviceRow));
        }),
      );
    },

    setBundleSecret(secret: string | null): Promise<void> {
      const hex = secret?.toLowerCase() ?? null;
      if (hex !== null && !HEX_SECRET_RE.test(hex)) {
        return Promise.reject(
          new ValidationError('device', [{ field: 'bundleSecret', message: 'invalid' }]),
        );
      }
      return guard(() =>
        db.transaction('rw', db.meta, async () => {
          if (hex === null) {
            await db.meta.delete(BUNDLE_SECRET);
            return;
          }
          const deviceId = deviceFrom(c, await db.meta.get(DEVICE));
          await db.meta.put({ key: BUNDLE_SECRET, deviceId, secret: hex });
        }),
      );
    },
  };
}
