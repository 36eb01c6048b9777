import type { StorageHealth, TelusurStore } from '../../store';

/**
 * Persistent storage, asked for by the app itself: a tablet holding days of offline work
 * must not have it evicted when space runs low. Enrolment asks once; every app start of an
 * enrolled tablet asks again while the browser has not granted it (browsers decide by how
 * the app is used, e.g. once it is installed), and the store keeps each answer.
 */

let askedThisStart = false;

/**
 * Ask for persistence once per app start unless it is granted already. Never throws: a
 * browser that cannot tell is a refusal, which the storage page and a notice then say.
 */
export async function askPersistenceOnce(store: TelusurStore): Promise<void> {
  if (askedThisStart) return;
  askedThisStart = true;
  try {
    if ((await store.health()).persisted) return;
    await store.requestPersistence();
  } catch (e) {
    console.error('Telusur: persistent storage could not be requested', e);
  }
}

/** The browser refused and the verifier has not been told yet (the one-time notice). */
export function refusalToTell(h: StorageHealth | null | undefined): boolean {
  return (
    !!h && !h.persisted && !!h.persistence && !h.persistence.granted && !h.persistence.noticeSeen
  );
}
