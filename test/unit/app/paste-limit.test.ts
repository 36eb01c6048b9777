import { describe, expect, it } from 'vitest';
import { cleaningHandlers, cleanPaste } from '../../../src/app/lib/clean-input';

/**
 * A paste longer than a field takes is not cut silently: what fits goes in and the field
 * hears how many characters were left out (a browser's own paste would just drop them).
 */

/** The parts of a textarea the paste handler uses, as a browser behaves. */
class FakeField {
  selectionStart: number;
  selectionEnd: number;
  constructor(
    public value: string,
    public maxLength: number,
  ) {
    this.selectionStart = value.length;
    this.selectionEnd = value.length;
  }
  setRangeText(text: string, start: number, end: number): void {
    this.value = this.value.slice(0, start) + text + this.value.slice(end);
    this.selectionStart = this.selectionEnd = start + text.length;
  }
}

function paste(field: FakeField, text: string) {
  let prevented = false;
  const event = {
    clipboardData: { getData: () => text },
    currentTarget: field,
    preventDefault: () => {
      prevented = true;
    },
  } as unknown as ClipboardEvent;
  return { event, prevented: () => prevented };
}

describe('pasting more than a field takes', () => {
  it('pastes what fits and reports how many characters were left out', () => {
    const field = new FakeField('Catatan: ', 20);
    const p = paste(field, 'SK Tim SPBE tahun 2023 ditandatangani');
    const result = cleanPaste(p.event);
    expect(p.prevented()).toBe(true);
    expect(field.value).toBe('Catatan: SK Tim SPBE');
    expect(result).toEqual({ value: 'Catatan: SK Tim SPBE', removed: 0, cut: 26, maxLength: 20 });
  });

  it('never splits a character made of two UTF-16 units at the limit', () => {
    const field = new FakeField('', 3);
    const result = cleanPaste(paste(field, 'ab😀c').event);
    expect(field.value).toBe('ab');
    expect(result?.cut).toBe(2);
  });

  it('leaves a paste that fits to the browser', () => {
    const field = new FakeField('', 50);
    const p = paste(field, 'cukup pendek');
    expect(cleanPaste(p.event)).toBeNull();
    expect(p.prevented()).toBe(false);
  });

  it('tells the field through the handlers: cleaned characters and the cut apart', () => {
    const field = new FakeField('', 10);
    const seen: string[] = [];
    const handlers = cleaningHandlers(
      (v) => seen.push(`value ${v}`),
      (n) => seen.push(`removed ${n}`),
      (n, max) => seen.push(`cut ${n} of max ${max}`),
    );
    handlers.onPaste(paste(field, 'a\u0000bcdefghijklm').event);
    expect(seen).toEqual(['removed 1', 'cut 3 of max 10', 'value abcdefghij']);
  });
});
