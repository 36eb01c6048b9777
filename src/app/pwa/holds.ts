import { useEffect } from 'preact/hooks';
import { useUi } from '../state/ui.store';

/**
 * What a tab holds that a reload would lose: text typed but not yet committed, a signature
 * drawn but not saved, a photo still being prepared (read, shrunk, stored), a sync run in
 * flight. An app update waits until no tab holds any of these.
 */
export type HoldKind = 'text' | 'signature' | 'photo' | 'sync';

/** Order in which kinds are named (the one a verifier is likeliest to lose first). */
const ORDER: readonly HoldKind[] = ['signature', 'photo', 'text', 'sync'];

const held = new Map<symbol, HoldKind>();
const listeners = new Set<() => void>();

function changed(): void {
  for (const l of listeners) l();
}

/**
 * Register unsaved input of this tab; call the returned function once it is saved or
 * cleared. Text fields need not register: they count in the UI store's `dirty`.
 */
export function holdUnsaved(kind: HoldKind): () => void {
  const key = Symbol(kind);
  held.set(key, kind);
  changed();
  return () => {
    if (held.delete(key)) changed();
  };
}

/** Hook form of holdUnsaved: held while `active` is true and the component is mounted. */
export function useUnsavedHold(kind: HoldKind, active: boolean): void {
  useEffect(() => (active ? holdUnsaved(kind) : undefined), [kind, active]);
}

/** The kinds this tab holds now, most precious first; empty when a reload loses nothing. */
export function currentHolds(): HoldKind[] {
  const kinds = new Set(held.values());
  const ui = useUi.getState();
  if (ui.dirty > 0) kinds.add('text');
  if (ui.syncing) kinds.add('sync');
  return ORDER.filter((k) => kinds.has(k));
}

/** Called whenever this tab's holds may have changed. */
export function onHoldsChange(fn: () => void): () => void {
  listeners.add(fn);
  const offUi = useUi.subscribe((s, prev) => {
    if (s.dirty !== prev.dirty || s.syncing !== prev.syncing) fn();
  });
  return () => {
    listeners.delete(fn);
    offUi();
  };
}
