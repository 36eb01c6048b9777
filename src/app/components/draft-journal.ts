import { useRef } from 'preact/hooks';
import {
  draftKey,
  journalStorage,
  noteSaved,
  noteSaving,
  noteTyped,
  takeDraft,
} from '../lib/drafts';

/** What an autosaving field tells the draft journal (lib/drafts.ts) of one field. */
export interface DraftJournal {
  /** Every change, synchronously: `value` as typed over the stored value. */
  typed(value: string): void;
  /** A save of `value` starts. */
  saving(value: string): void;
  /** The store committed `value`; `shown` is how the field shows it now (default `value`). */
  saved(value: string, shown?: string): void;
  /** The text to take back as unsaved when the field appears, or null. */
  takeBack(): string | null;
}

/**
 * The journal of field `field` on this screen (its key fixed for the field's life; none
 * outside a workspace), with `stored` — the value the store holds as far as the field knows
 * (what a draft is typed over) — kept current on every render and after each save.
 */
export function useDraftJournal(field: string, stored: string): DraftJournal {
  const key = useRef<{ key: string | null } | null>(null);
  key.current ??= { key: draftKey(location.pathname, field) };
  const k = key.current.key;
  const storedRef = useRef(stored);
  storedRef.current = stored;
  return {
    typed: (value) => noteTyped(journalStorage(), k, value, storedRef.current),
    saving: (value) => noteSaving(journalStorage(), k, value),
    saved: (value, shown = value) => {
      storedRef.current = shown;
      noteSaved(journalStorage(), k, value, shown);
    },
    takeBack: () => takeDraft(journalStorage(), k, storedRef.current),
  };
}
