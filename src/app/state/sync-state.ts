// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { DEFAULT_ZONE_CODE, type ZoneCode } from '../../core/organisation';
import type { SyncStatus, TabletOrganisation } from '../../sync';
import { create } from '../../ui/create-store';

/**
 * What screens read of sync (enrolment, the engine's status), apart from the engine itself
 * (state/sync.ts): the first screen reads this, while the engine, its transport and the
 * store's write path load after the first paint.
 */

export interface Enrolment {
  verifierName: string;
  deviceLabel: string;
}

interface SyncState {
  enrolment: Enrolment | null;
  /**
   * The engine's status: state, progress, last error, receipts, and what needs the
   * verifier: the `rejectedChanges` count, `failedFiles` (named) and `identityChanged`.
   */
  status: SyncStatus | null;
}

export const useSync = create<SyncState>(() => ({ enrolment: null, status: null }));

/**
 * The organisation this tablet prints for (name, zone, logo), as its last sync brought it;
 * null before that (and in a browser never enrolled).
 */
export function useTabletOrganisation(): TabletOrganisation | null {
  return useSync((s) => s.status?.organisation ?? null);
}

/** The zone every printed time is written in: the organisation's, WIB until it is known. */
export function usePrintZone(): ZoneCode {
  return useSync((s) => s.status?.organisation?.zone ?? DEFAULT_ZONE_CODE);
}
