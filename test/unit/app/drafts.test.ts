import { describe, expect, it } from 'vitest';
import {
  draftKey,
  dropWorkspaceJournal,
  localeFreeNumber,
  noteRemoval,
  noteSaved,
  noteSaving,
  noteTyped,
  pendingDraftScreens,
  pendingRemovals,
  removalDone,
  takeDraft,
} from '../../../src/app/lib/drafts';

/** localStorage as the browser has it (a real Map behind the Storage interface). */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
  };
}

const NOTES = draftKey('/kerja/a/A1/i/3', 'notes-3');

describe('draft journal', () => {
  it('takes back a value typed over "2,50" when the app reopens in English ("2.50")', () => {
    const s = memoryStorage();
    const key = draftKey('/kerja/a/A1/i/3', 'value-3');
    // Typed in Indonesian over the stored 2,50, the tab killed before the commit.
    noteTyped(s, key, '3,25', localeFreeNumber('2,50'));
    // Reopened in English: the field shows the same stored value as "2.50".
    expect(takeDraft(s, key, localeFreeNumber('2.50'))).toBe('3,25');
    // A value another tab saved meanwhile (3.00) still wins over the draft.
    noteTyped(s, key, '3,75', localeFreeNumber('2,50'));
    expect(takeDraft(s, key, localeFreeNumber('3.00'))).toBeNull();
    expect(localeFreeNumber('')).toBe('');
    expect(localeFreeNumber('87,5')).toBe('87.5');
    expect(localeFreeNumber('Level 2, catatan')).toBe('Level 2, catatan');
  });

  it('lists the screens of a workspace that hold unsaved text, newest first, once each', () => {
    const s = memoryStorage();
    noteTyped(s, draftKey('/kerja/a/A1/i/3', 'notes-3'), 'Dokumen', '');
    noteTyped(s, draftKey('/kerja/a/A1/i/3', 'justification-3'), 'Alasan', '');
    noteTyped(s, draftKey('/latihan/a/T1/i/1', 'notes-1'), 'Latihan', '');
    const later = draftKey('/kerja/a/A2/i/9', 'notes-9');
    noteTyped(s, later, 'Terbaru', '');
    // The last one typed is the newest (same millisecond or not).
    const entry = JSON.parse(s.getItem(later as string) ?? '{}');
    s.setItem(later as string, JSON.stringify({ ...entry, at: entry.at + 1000 }));
    expect(pendingDraftScreens(s, 'kerja')).toEqual(['/kerja/a/A2/i/9', '/kerja/a/A1/i/3']);
    expect(pendingDraftScreens(s, 'latihan')).toEqual(['/latihan/a/T1/i/1']);
    // Saved: no longer listed.
    noteSaved(s, later, 'Terbaru');
    expect(pendingDraftScreens(s, 'kerja')).toEqual(['/kerja/a/A1/i/3']);
    expect(pendingDraftScreens(null, 'kerja')).toEqual([]);
  });

  it('gives typed text back when the store still holds what it was typed over', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'Dokumen', '');
    noteTyped(s, NOTES, 'Dokumen SK', '');
    expect(takeDraft(s, NOTES, '')).toBe('Dokumen SK');
  });

  it('never overwrites a newer value saved after it (another tab, the server)', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'ketikan lama', 'awal');
    expect(takeDraft(s, NOTES, 'disimpan tab lain')).toBeNull();
    // Dropped: it is not offered again even if the store goes back.
    expect(takeDraft(s, NOTES, 'awal')).toBeNull();
  });

  it('is done once the store committed the text it holds', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'abc', '');
    noteSaving(s, NOTES, 'abc');
    noteSaved(s, NOTES, 'abc');
    expect(s.length).toBe(0);
    // Committed but not yet forgotten (the page went first): the store has it, nothing to do.
    noteTyped(s, NOTES, 'abcd', 'abc');
    expect(takeDraft(s, NOTES, 'abcd')).toBeNull();
    expect(s.length).toBe(0);
  });

  it('keeps text typed while a save was in flight, whether that save committed or not', () => {
    for (const storeHolds of ['ab', 'abc']) {
      const s = memoryStorage();
      noteTyped(s, NOTES, 'ab', '');
      noteSaving(s, NOTES, 'ab');
      noteSaved(s, NOTES, 'ab');
      noteTyped(s, NOTES, 'abc', 'ab');
      noteSaving(s, NOTES, 'abc');
      noteTyped(s, NOTES, 'abcd', 'ab');
      expect(takeDraft(s, NOTES, storeHolds)).toBe('abcd');
    }
  });

  it('after a commit, no longer replaces values older than the committed one', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'a', 'lama');
    noteSaving(s, NOTES, 'a');
    noteTyped(s, NOTES, 'ab', 'lama');
    noteSaved(s, NOTES, 'a');
    // The store held 'a'; 'lama' there again came from elsewhere, later.
    expect(takeDraft(s, NOTES, 'lama')).toBeNull();
  });

  it('compares as the store keeps text (NFC), and a number as the field shows it', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'Cafe\u0301', '');
    expect(takeDraft(s, NOTES, 'Café')).toBeNull();
    const value = draftKey('/kerja/a/A1/i/3', 'value-3');
    noteTyped(s, value, '2,5', '');
    noteSaving(s, value, '2,5');
    noteTyped(s, value, '2,75', '');
    noteSaved(s, value, '2,5', '2,50');
    expect(takeDraft(s, value, '2,50')).toBe('2,75');
  });

  it('never offers a draft to the other workspace, another record or outside a workspace', () => {
    const s = memoryStorage();
    noteTyped(s, NOTES, 'kerja saja', '');
    expect(takeDraft(s, draftKey('/latihan/a/A1/i/3', 'notes-3'), '')).toBeNull();
    expect(takeDraft(s, draftKey('/kerja/a/A2/i/3', 'notes-3'), '')).toBeNull();
    expect(draftKey('/penyimpanan', 'x')).toBeNull();
    expect(takeDraft(s, NOTES, '')).toBe('kerja saja');
  });

  it("forgets a destroyed workspace's drafts and removals, and only that workspace's", () => {
    const s = memoryStorage();
    const training = draftKey('/latihan/a/T/i/1', 'notes-1');
    noteTyped(s, NOTES, 'nyata', '');
    noteTyped(s, training, 'latihan', '');
    noteRemoval(s, 'latihan', 'f1');
    noteRemoval(s, 'kerja', 'f2');
    dropWorkspaceJournal(s, 'latihan');
    expect(takeDraft(s, training, '')).toBeNull();
    expect(pendingRemovals(s, 'latihan')).toEqual([]);
    expect(pendingRemovals(s, 'kerja')).toEqual(['f2']);
    expect(takeDraft(s, NOTES, '')).toBe('nyata');
  });

  it('lists removals per workspace until they are done', () => {
    const s = memoryStorage();
    noteRemoval(s, 'kerja', 'f1');
    noteRemoval(s, 'kerja', 'f2');
    noteRemoval(s, 'latihan', 'f3');
    removalDone(s, 'kerja', 'f1');
    expect(pendingRemovals(s, 'kerja')).toEqual(['f2']);
    expect(pendingRemovals(s, 'latihan')).toEqual(['f3']);
  });

  it('works without storage (private mode): nothing journalled, nothing offered', () => {
    noteTyped(null, NOTES, 'x', '');
    expect(takeDraft(null, NOTES, '')).toBeNull();
    expect(pendingRemovals(null, 'kerja')).toEqual([]);
  });
});
