import { create } from '../../ui/create-store';

/** App-wide UI state that several screens read: edits in flight, sync, toasts. */
export interface UiState {
  /** Fields being edited whose latest keystrokes are not yet committed. */
  dirty: number;
  syncing: boolean;
  message: { kind: 'info' | 'error'; text: string } | null;
  addDirty(delta: number): void;
  setSyncing(v: boolean): void;
  say(kind: 'info' | 'error', text: string): void;
  clearMessage(): void;
}

export const useUi = create<UiState>((set) => ({
  dirty: 0,
  syncing: false,
  message: null,
  addDirty: (delta) => set((s) => ({ dirty: Math.max(0, s.dirty + delta) })),
  setSyncing: (syncing) => set({ syncing }),
  say: (kind, text) => set({ message: { kind, text } }),
  clearMessage: () => set({ message: null }),
}));
