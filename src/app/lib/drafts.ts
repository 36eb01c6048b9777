/**
 * A synchronous journal of what the verifier typed or removed but the store has not committed
 * yet, in localStorage. IndexedDB cannot be trusted at the moment the page goes away: a save
 * started in `pagehide` (or 350 ms of debounce still running) is aborted by the unload, and
 * the text would be lost. localStorage writes are synchronous, so the journal holds every
 * keystroke the moment it is typed, and an entry is removed once the store committed it.
 *
 * Text drafts are keyed by the screen's address and the field (`/kerja/a/<id>/i/3#notes-3`):
 * the address names the workspace (`kerja` or `latihan`, i.e. which database) and the record,
 * so a draft is only ever offered back to the same field of the same workspace. When the
 * field appears again (reload, reopened tab) it takes the draft back as unsaved text and saves
 * it through its normal path (outbox, sync) — but only if the store still holds a value this
 * draft was typed over (`own`): a value saved later by another tab or pulled from the server
 * wins and the draft is dropped.
 *
 * Photo removals waiting in their undo window are journalled when the page is hidden (the
 * moment the removal is promised to be committed) and replayed when the workspace's store
 * opens.
 */

const DRAFT = 'telusur.draft:';
const REMOVAL = 'telusur.removal:';

/** One journalled text: `v` as typed; `own` the stored values it may replace (oldest first). */
export interface Draft {
  v: string;
  own: string[];
  /** When it was last typed (ms since epoch), for whoever looks at the journal. */
  at: number;
}

/** The journal's storage: localStorage, or null where it cannot be used (private mode). */
export function journalStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * A number as a field shows it ("2,50" in Indonesian, "2.50" in English), in the one form the
 * journal compares stored values by ("2.50"): the language may change between the moment a
 * draft is typed and the moment it is taken back. Text that is not such a number is kept.
 */
export function localeFreeNumber(shown: string): string {
  return /^[-+]?\d+,\d+$/.test(shown.trim()) ? shown.trim().replace(',', '.') : shown;
}

/**
 * The key of a field's draft on the screen at `path` (location.pathname), or null when the
 * screen is not inside a workspace (`/kerja/…`, `/latihan/…`): such a field has no journal.
 */
export function draftKey(path: string, field: string): string | null {
  return /^\/(kerja|latihan)\//.test(path) ? `${DRAFT}${path}#${field}` : null;
}

/** Texts compare as the store keeps them (NFC). */
const same = (a: string, b: string) => a.normalize('NFC') === b.normalize('NFC');

function read(s: Storage, key: string): Draft | null {
  try {
    const raw = s.getItem(key);
    if (raw === null) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    return typeof d.v === 'string' && Array.isArray(d.own)
      ? { v: d.v, own: d.own.filter((x) => typeof x === 'string'), at: Number(d.at) || 0 }
      : null;
  } catch {
    return null;
  }
}

function write(s: Storage, key: string, d: Draft): void {
  try {
    s.setItem(key, JSON.stringify(d));
  } catch {
    // Full or refused: the store's own save is still under way; nothing else to do.
  }
}

/**
 * Journal `value` as typed into the field, typed over `stored` (the value the field last
 * knew to be in the store). Synchronous: call it on every change.
 */
export function noteTyped(s: Storage | null, key: string | null, value: string, stored: string) {
  if (!s || key === null) return;
  const d = read(s, key);
  const own = d ? d.own : [];
  if (!own.some((o) => o === stored)) own.push(stored);
  write(s, key, { v: value, own, at: Date.now() });
}

/**
 * A save of `value` starts: once it commits, the store holds it, so the draft may replace
 * it too (a reload while the save is in flight finds either the old value or this one).
 */
export function noteSaving(s: Storage | null, key: string | null, value: string) {
  if (!s || key === null) return;
  const d = read(s, key);
  if (!d) return;
  if (!d.own.includes(value)) d.own.push(value);
  write(s, key, d);
}

/**
 * The store committed `value` (`shown`: how the field shows it now, e.g. "2,50" for "2,5"):
 * the draft is done when it holds that value; else (typed on since) it may now replace
 * `shown` or what was sent after `value`, never older values.
 */
export function noteSaved(
  s: Storage | null,
  key: string | null,
  value: string,
  shown: string = value,
) {
  if (!s || key === null) return;
  const d = read(s, key);
  if (!d) return;
  if (d.v === value) {
    s.removeItem(key);
    return;
  }
  const later = d.own.slice(d.own.indexOf(value) + 1);
  write(s, key, { ...d, own: [shown, ...later.filter((o) => o !== shown)] });
}

/**
 * The text a field appearing with `stored` (the store's value now) must take back as unsaved,
 * or null. A draft the store already holds, or typed over a value that is no longer there
 * (a newer save from another tab or the server), is removed and null is answered.
 */
export function takeDraft(s: Storage | null, key: string | null, stored: string): string | null {
  if (!s || key === null) return null;
  const d = read(s, key);
  if (!d) return null;
  if (same(d.v, stored) || !d.own.some((o) => same(o, stored))) {
    s.removeItem(key);
    return null;
  }
  return d.v;
}

/** Forget a field's draft (the field gave it back to the store another way). */
export function dropDraft(s: Storage | null, key: string | null) {
  if (s && key !== null) s.removeItem(key);
}

/** Journal that the removal of evidence file `id` in workspace `ws` must be committed. */
export function noteRemoval(s: Storage | null, ws: string, id: string) {
  if (!s) return;
  try {
    s.setItem(`${REMOVAL}${ws}:${id}`, String(Date.now()));
  } catch {
    // Full: the removal's own save is under way.
  }
}

/** The removal of `id` in `ws` was committed (or taken back): forget it. */
export function removalDone(s: Storage | null, ws: string, id: string) {
  s?.removeItem(`${REMOVAL}${ws}:${id}`);
}

/** The journalled removals of workspace `ws` (evidence file ids). */
export function pendingRemovals(s: Storage | null, ws: string): string[] {
  if (!s) return [];
  const prefix = `${REMOVAL}${ws}:`;
  const ids: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (key?.startsWith(prefix)) ids.push(key.slice(prefix.length));
  }
  return ids;
}

/**
 * The screens of workspace `ws` holding journalled text that is not saved yet (the page went
 * away before its save committed): their addresses (`/kerja/a/<id>/i/3`), newest first. The
 * text is saved when its field appears again, so the home screen links to them: otherwise a
 * tab closed on an indicator the verifier never reopens would keep it unseen and unsynced.
 */
export function pendingDraftScreens(s: Storage | null, ws: string): string[] {
  if (!s) return [];
  const prefix = `${DRAFT}/${ws}/`;
  const newest = new Map<string, number>();
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (!key?.startsWith(prefix)) continue;
    const path = key.slice(DRAFT.length, key.lastIndexOf('#'));
    const at = read(s, key)?.at ?? 0;
    newest.set(path, Math.max(newest.get(path) ?? 0, at));
  }
  return [...newest].sort((a, b) => b[1] - a[1]).map(([path]) => path);
}

/**
 * Forget every draft and removal of workspace `ws` (its database was destroyed: a released
 * tablet, a training reset), so none is replayed into the next, fresh database.
 */
export function dropWorkspaceJournal(s: Storage | null, ws: string) {
  if (!s) return;
  const keys: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const key = s.key(i);
    if (key?.startsWith(`${DRAFT}/${ws}/`) || key?.startsWith(`${REMOVAL}${ws}:`)) keys.push(key);
  }
  for (const key of keys) s.removeItem(key);
}
