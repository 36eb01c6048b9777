import { type Rejection, STAGE_FIELD_RE, STATUS_LABELS, statusLabel } from '../core';
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

const LEVEL_FIELDS = new Set(['verifiedLevel', 'selfLevel']);

/**
 * A field's value as the coordinator reads it: a whole level as "level 3", a decimal value
 * as written on the tablet ("nilai 2,50"; a refused 1,175 keeps all its digits, since they
 * are the reason), an outside-index figure with a decimal comma, a file type as "PDF", text
 * made visible, a status in the page's language.
 */
export function fieldValue(field: string, v: unknown, locale: Locale): string {
  // A file's type as people name it ("PDF"), not its MIME type.
  if (field === 'mime' && typeof v === 'string') return fileKind(v) ?? visibleValue(v, locale);
  // A status in the page's words ("in progress"), not the stored value ("sedang").
  if (field === 'status' && typeof v === 'string' && Object.hasOwn(STATUS_LABELS, v))
    return statusLabel(v, locale);
  // A stage's value ({value, by, at}) as the value and who gave it, not as JSON.
  if (STAGE_FIELD_RE.test(field) && v && typeof v === 'object' && 'value' in v) {
    const { value, by } = v as { value: unknown; by?: unknown };
    const who = typeof by === 'string' && by ? ` — ${visibleValue(by, locale)}` : '';
    return `${fieldValue('verifiedLevel', value, locale)}${who}`;
  }
  // A file's SHA-256 names it to the server; its first characters name it to a person.
  if (field === 'sha256' && typeof v === 'string' && /^[0-9a-f]{64}$/.test(v))
    return `${v.slice(0, 12)}…`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return visibleValue(v, locale);
  const exact = Math.abs(v * 100 - Math.round(v * 100)) < 1e-9 ? v.toFixed(2) : String(v);
  const n = locale === 'id' ? exact.replace('.', ',') : exact;
  if (LEVEL_FIELDS.has(field))
    return Number.isInteger(v) ? `level ${v}` : `${locale === 'id' ? 'nilai' : 'value'} ${n}`;
  if (field === 'sourceValue') return locale === 'id' ? String(v).replace('.', ',') : String(v);
  return visibleValue(v, locale);
}
