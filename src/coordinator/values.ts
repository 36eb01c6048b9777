import type { Rejection } from '../core';
import { parseDecimal as parseTyped } from '../ui/format';
import type { Locale } from '../ui/i18n';

/** Longest value shown for a refused change (the whole change is in the server's audit). */
export const VALUE_PREVIEW_CHARS = 80;

/**
 * A value a tablet sent, as a coordinator can read it: control characters written out as
 * "[U+0000]" (the very thing a refusal may be about, and how the server's message names
 * it), lone surrogates as "�", whitespace runs collapsed, cut to VALUE_PREVIEW_CHARS with an
 * ellipsis.
 */
export function visibleValue(value: unknown, locale: Locale): string {
  if (value === undefined) return '';
  if (value === null || value === '') return locale === 'en' ? '(cleared)' : '(dikosongkan)';
  if (typeof value === 'boolean')
    return locale === 'en' ? (value ? 'yes' : 'no') : value ? 'ya' : 'tidak';
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length) {
      const next = raw.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += raw.slice(i, i + 2);
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) out += '\uFFFD';
    else if (c === 0x09 || c === 0x0a || c === 0x0d) out += ' ';
    else if (c < 0x20 || c === 0x7f) out += `[U+${c.toString(16).toUpperCase().padStart(4, '0')}]`;
    else out += raw.charAt(i);
  }
  const chars = [...out.replace(/ {2,}/g, ' ').trim()];
  return chars.length <= VALUE_PREVIEW_CHARS
    ? chars.join('')
    : `${chars.slice(0, VALUE_PREVIEW_CHARS - 1).join('')}…`;
}

/** A refusal's reason in the page's language (the server stores both; either may be empty). */
export function reasonOf(r: Rejection, locale: Locale): string {
  return (locale === 'en' ? r.messageEn : r.message) || r.message || r.messageEn || r.code;
}

/** An indicator as every table and heading names it: "12. Tata kelola data". */
export function indicatorTitle(i: { no: number; name: string }): string {
  return `${i.no}. ${i.name}`;
}

/** The whole level a value has reached (1,25 → 1): levels are cumulative. */
export function wholeLevel(v: number): number {
  return Math.floor(v + 1e-9);
}

const FILE_KINDS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/heic': 'HEIC',
  'text/csv': 'CSV',
  'text/plain': 'TXT',
  'application/msword': 'DOC',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
  'application/vnd.ms-excel': 'XLS',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
};

/**
 * A file's kind as people name it ("PDF", "JPEG"), never a raw MIME type; an unknown type
 * by its short subtype ("application/x-zip" → "ZIP") or, when that is long, null (the
 * caller says "berkas").
 */
export function fileKind(mime: string): string | null {
  const known = FILE_KINDS[mime.toLowerCase()];
  if (known) return known;
  const sub = (mime.split('/')[1] ?? '').replace(/^(x-|vnd\.)/, '').split(/[+;.]/)[0] ?? '';
  return sub && sub.length <= 5 ? sub.toUpperCase() : null;
}

/**
 * A non-negative decimal number as a coordinator types it, in either language ("3,5" and
 * "3.5" both read 3.5; ui's `parseDecimal`). NaN for anything else: a sign, a thousands
 * separator, a second mark, letters, nothing.
 */
export function parseDecimal(text: string): number {
  if (/^\s*[-+]/.test(text)) return Number.NaN;
  const n = parseTyped(text);
  return typeof n === 'number' ? n : Number.NaN;
}

/** A number as a form field shows it: "1,5" in Indonesian, "1.5" in English. */
export function decimalText(n: number, locale: Locale): string {
  const s = String(n);
  return locale === 'id' ? s.replace('.', ',') : s;
}
