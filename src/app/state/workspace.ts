import { useEffect, useState } from 'preact/hooks';
// Specific core modules, not the barrel: this is first-load code, and the barrel brings
// core's schemas (zod) and every module's code the lazy screens use (docs/architecture.md).
import { verificationId } from '../../core/entities';
import type { EntityName } from '../../core/entities-schema';
import type { Framework } from '../../core/framework';
import type { TelusurStore } from '../../store';
import { useLocale } from '../../ui/i18n';
import { translate } from '../i18n';
import {
  TRAINING_ASSESSMENT_ID,
  TRAINING_DB,
  TRAINING_MANDIRI,
  TRAINING_PERIOD,
  TRAINING_UNIT,
  trainingSelfLevels,
} from '../training';
import { useUi } from './ui.store';

/**
 * A workspace is one local database: `kerja` (real assignments, synced) or `latihan`
 * (training, never synced). Screens get their store from here, so training can never write
 * into real data.
 */
export type WorkspaceKind = 'kerja' | 'latihan';

const stores = new Map<WorkspaceKind, Promise<TelusurStore>>();

/** The IndexedDB database of each workspace (the quick reader of the home list reads it too). */
export const WORKSPACE_DB: Record<WorkspaceKind, string> = {
  kerja: 'telusur',
  latihan: TRAINING_DB,
};

/**
 * The store (Dexie, the write path, validation) is not in the first load: the home list
 * paints from a small read-only reader (lib/quick-read.ts) while it loads, and main.tsx
 * starts loading it right after the first paint.
 */
const loadStoreModule = () => import('../../store');

/**
 * The open store of a workspace (opened once; the first call loads the store's code).
 *
 * @throws StoreError as openStore does (the next call tries again).
 */
export function getStore(kind: WorkspaceKind): Promise<TelusurStore> {
  let p = stores.get(kind);
  if (!p) {
    p = (
      kind === 'latihan'
        ? openTraining()
        : loadStoreModule().then((m) => m.openStore({ name: WORKSPACE_DB.kerja }))
    ).then((store) => {
      store.onUpgradeElsewhere(() =>
        useUi.getState().say('error', translate(useLocale.getState().locale, 'upgradedElsewhere')),
      );
      void replayRemovals(kind, store);
      return store;
    });
    stores.set(kind, p);
    p.catch(() => stores.delete(kind));
  }
  return p;
}

/**
 * Forget the open store of a workspace after its database was destroyed (tablet released),
 * so the next getStore opens a fresh, empty one.
 */
export function forgetStore(kind: WorkspaceKind): void {
  stores.delete(kind);
  void dropJournal(kind);
}

/**
 * Forget a workspace's draft journal (lib/drafts.ts, loaded on demand: the first screen's
 * code does not need it).
 */
async function dropJournal(kind: WorkspaceKind): Promise<void> {
  const { dropWorkspaceJournal, journalStorage } = await import('../lib/drafts');
  dropWorkspaceJournal(journalStorage(), kind);
}

/**
 * Commit the photo removals a page journalled as it went away (lib/drafts.ts): its own save
 * may have been aborted by the unload. Removing an already removed file changes nothing; a
 * file that is gone or can no longer change (approved) is simply forgotten.
 */
async function replayRemovals(kind: WorkspaceKind, store: TelusurStore): Promise<void> {
  const { journalStorage, pendingRemovals, removalDone } = await import('../lib/drafts');
  const s = journalStorage();
  for (const id of pendingRemovals(s, kind)) {
    try {
      const file = await store.evidence.get(id);
      if (file && file.deleted !== true) await store.evidence.remove(id);
    } catch {
      // Refused (approved meanwhile, storage full): the photo stays, visibly; nothing is lost.
    }
    removalDone(s, kind, id);
  }
}

async function openTraining(): Promise<TelusurStore> {
  const { openStore } = await loadStoreModule();
  const store = await openStore({ name: WORKSPACE_DB.latihan });
  await seedTraining(store);
  return store;
}

/** Put the fictional unit in place (as if the server had sent it) unless it is there. */
async function seedTraining(store: TelusurStore): Promise<void> {
  if (await store.assessments.get(TRAINING_ASSESSMENT_ID)) return;
  const { spbe2020 } = await import('../../core/frameworks');
  await store.reference.putFrameworks([spbe2020]);
  await store.reference.putPeriods([TRAINING_PERIOD]);
  await store.reference.putUnits([TRAINING_UNIT]);
  await store.reference.putAssignments([
    {
      id: 'latihan-assignment',
      periodId: TRAINING_PERIOD.id,
      unitId: TRAINING_UNIT.id,
      assessmentId: TRAINING_ASSESSMENT_ID,
    },
  ]);
  for (const [no, self] of Object.entries(trainingSelfLevels())) {
    await asServer(store, 'verification', verificationId(TRAINING_ASSESSMENT_ID, Number(no)), {
      assessmentId: TRAINING_ASSESSMENT_ID,
      indicatorNo: Number(no),
      selfLevel: self.level,
      selfJustification: self.justification,
      'stages.mandiri': { value: self.level, ...TRAINING_MANDIRI },
    });
  }
  // The assessment row goes last: it marks the seed as complete, so a reload in the middle
  // of seeding seeds again instead of leaving a unit with half its self-assessment.
  await asServer(store, 'assessment', TRAINING_ASSESSMENT_ID, {
    periodId: TRAINING_PERIOD.id,
    unitId: TRAINING_UNIT.id,
    frameworkId: spbe2020.id,
    status: 'belum',
    submittedAt: null,
  });
}

/** Write fields as if they came from the server at version 1: no outbox entry. */
function asServer(
  store: TelusurStore,
  entity: EntityName,
  id: string,
  fields: Record<string, unknown>,
) {
  const versions = Object.fromEntries(Object.keys(fields).map((f) => [f, 1]));
  return store.applyRemote(entity, id, fields, versions);
}

/** Delete the training data and start over (never touches the `kerja` database). */
export async function resetTraining(): Promise<void> {
  const store = await getStore('latihan');
  stores.delete('latihan');
  await dropJournal('latihan');
  // destroy() also clears the eviction witness, so the next open is not reported as data loss.
  await store.destroy({ discardUnsent: true });
}

/** Framework of an assessment: the copy synced with it, else the built-in one. */
export async function frameworkFor(
  store: { reference: Pick<TelusurStore['reference'], 'getFramework'> },
  frameworkId: string,
): Promise<Framework> {
  const synced = await store.reference.getFramework(frameworkId);
  if (synced) return synced;
  const { findBuiltInFramework, spbe2020 } = await import('../../core/frameworks');
  return findBuiltInFramework(frameworkId) ?? spbe2020;
}

/** Subscribe a component to a live query on a workspace store (re-runs on any change, any tab). */
export function useLive<T>(
  kind: WorkspaceKind,
  query: (store: TelusurStore) => Promise<T>,
  deps: unknown[],
): { value: T | undefined; error: unknown } {
  const [state, setState] = useState<{ value: T | undefined; error: unknown }>({
    value: undefined,
    error: null,
  });
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    getStore(kind).then(
      (store) => {
        if (cancelled) return;
        stop = store.watch(
          () => query(store),
          (value) => setState({ value, error: null }),
        );
      },
      (error) => setState({ value: undefined, error }),
    );
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [kind, ...deps]);
  return state;
}
