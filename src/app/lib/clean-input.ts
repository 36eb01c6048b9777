import { cleanText, findUnsafeText } from '../../core';

/** A text field the verifier types or pastes into. */
type TextField = HTMLInputElement | HTMLTextAreaElement;

/** Characters `cleanText` removes from `s` (control characters, lone surrogates). */
export function removedCount(s: string): number {
  return s.normalize('NFC').length - cleanText(s).length;
}

/** What a paste handled here did: characters cleaned out, characters left out beyond maxLength. */
export interface PasteResult {
  /** The field's new value. */
  value: string;
  /** Characters the server would refuse, removed (control characters, broken characters). */
  removed: number;
  /** Characters at the end of the pasted text that did not fit under the field's maxLength. */
  cut: number;
  /** The field's maxLength (characters as the browser counts them), when it has one. */
  maxLength: number | null;
}

/**
 * Paste handler: when the pasted text holds characters the server refuses (U+0000 from a
 * PDF viewer, other control characters, half an emoji), or is longer than the field still
 * takes, paste it cleaned and within the field's maxLength, and report how many characters
 * were removed and how many did not fit — a browser would cut a long paste silently.
 * Other pastes are left to the browser.
 *
 * @returns what was pasted (see PasteResult), or null when the browser pastes as usual.
 */
export function cleanPaste(e: ClipboardEvent): PasteResult | null {
  const raw = e.clipboardData?.getData('text/plain') ?? '';
  if (!raw) return null;
  const el = e.currentTarget as TextField;
  const unsafe = findUnsafeText(raw) !== null;
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? el.value.length;
  const whole = unsafe ? cleanText(raw) : raw;
  // setRangeText ignores maxlength (a typed paste would not): keep the limit ourselves.
  const room =
    el.maxLength > 0 ? Math.max(0, el.maxLength - (el.value.length - (end - start))) : null;
  const text = room === null ? whole : fitUnits(whole, room);
  const cut = [...whole].length - [...text].length;
  if (!unsafe && cut === 0) return null;
  e.preventDefault();
  el.setRangeText(text, start, end, 'end');
  return {
    value: el.value,
    removed: unsafe ? removedCount(raw) : 0,
    cut,
    maxLength: el.maxLength > 0 ? el.maxLength : null,
  };
}

/**
 * The longest start of `s` within `units` UTF-16 code units (what maxlength counts), never
 * ending inside a character made of two units.
 */
function fitUnits(s: string, units: number): string {
  if (s.length <= units) return s;
  let used = 0;
  let out = '';
  for (const ch of s) {
    if (used + ch.length > units) break;
    used += ch.length;
    out += ch;
  }
  return out;
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
 * were taken out (only called when some were), `cut` how many characters of a paste did
 * not fit under the field's maxLength (only called when some did not).
 */
export function cleaningHandlers(
  set: (value: string) => void,
  removed: (n: number) => void,
  cut?: (n: number, maxLength: number) => void,
): { onInput(e: Event): void; onPaste(e: ClipboardEvent): void } {
  return {
    onInput: (e) => {
      const el = e.currentTarget as TextField;
      const cleaned = cleanTyped(el);
      if (cleaned) removed(cleaned.removed);
      set(el.value);
    },
    onPaste: (e) => {
      const pasted = cleanPaste(e);
      if (!pasted) return;
      if (pasted.removed > 0) removed(pasted.removed);
      if (pasted.cut > 0 && pasted.maxLength !== null) cut?.(pasted.cut, pasted.maxLength);
      set(pasted.value);
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
