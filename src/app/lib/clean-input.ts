import { cleanText, findUnsafeText } from '../../core';

/** A text field the verifier types or pastes into. */
type TextField = HTMLInputElement | HTMLTextAreaElement;

/** Characters `cleanText` removes from `s` (control characters, lone surrogates). */
export function removedCount(s: string): number {
  return s.normalize('NFC').length - cleanText(s).length;
}

/**
 * Paste handler: when the pasted text holds characters the server refuses (U+0000 from a
 * PDF viewer, other control characters, half an emoji), paste it cleaned instead, within the
 * field's maxLength, and report how many were removed. Plain text is left to the browser.
 *
 * @returns the field's new value and the number of removed characters, or null when the
 *   browser pastes as usual (nothing to clean).
 */
export function cleanPaste(e: ClipboardEvent): { value: string; removed: number } | null {
  const raw = e.clipboardData?.getData('text/plain') ?? '';
  if (!raw || findUnsafeText(raw) === null) return null;
  const el = e.currentTarget as TextField;
  e.preventDefault();
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? el.value.length;
  let text = cleanText(raw);
  // setRangeText ignores maxlength (a typed paste would not): keep the limit ourselves.
  if (el.maxLength > 0) {
    const room = Math.max(0, el.maxLength - (el.value.length - (end - start)));
    text = [...text].slice(0, room).join('');
  }
  el.setRangeText(text, start, end, 'end');
  return { value: el.value, removed: removedCount(raw) };
}

/**
 * Input fallback (drag and drop, autofill, keyboards that insert control characters): when
 * the field's value holds refused characters, remove them in place and keep the caret where
 * it was. NFC is left to the store (normalising while typing would fight the keyboard).
 *
 * @returns the cleaned value and the number of removed characters, or null when clean.
 */
export function cleanTyped(el: TextField): { value: string; removed: number } | null {
  const value = el.value;
  if (findUnsafeText(value) === null) return null;
  const caret = el.selectionStart ?? value.length;
  const before = stripUnsafe(value.slice(0, caret));
  const cleaned = before + stripUnsafe(value.slice(caret));
  el.value = cleaned;
  el.setSelectionRange(before.length, before.length);
  return { value: cleaned, removed: value.length - cleaned.length };
}

/**
 * A text field's onInput and onPaste that clean what the server would refuse where it is
 * typed or pasted: `set` gets the field's (cleaned) value, `removed` how many characters
 * were taken out (only called when some were).
 */
export function cleaningHandlers(
  set: (value: string) => void,
  removed: (n: number) => void,
): { onInput(e: Event): void; onPaste(e: ClipboardEvent): void } {
  return {
    onInput: (e) => {
      const el = e.currentTarget as TextField;
      const cleaned = cleanTyped(el);
      if (cleaned) removed(cleaned.removed);
      set(el.value);
    },
    onPaste: (e) => {
      const cleaned = cleanPaste(e);
      if (!cleaned) return;
      removed(cleaned.removed);
      set(cleaned.value);
    },
  };
}

/** `s` without the characters findUnsafeText refuses, otherwise unchanged (no NFC). */
function stripUnsafe(s: string): string {
  let out = s;
  for (let hit = findUnsafeText(out); hit; hit = findUnsafeText(out))
    out = out.slice(0, hit.index) + out.slice(hit.index + 1);
  return out;
}
