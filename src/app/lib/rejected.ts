import {
  ASSESSMENT_STATUSES,
  contentFields,
  DEFAULT_ZONE_CODE,
  type Framework,
  formatValue,
  listIndicators,
  type ZoneCode,
} from '../../core';
import { fieldLabel, mayRetryRefusal, type RejectedChange, type TelusurStore } from '../../store';
import { formatBytes } from '../../ui/format';
import type { Locale } from '../../ui/i18n';
import { saveBlob } from '../../ui/save-file';
import { translate } from '../i18n';
import { frameworkFor } from '../state/workspace';
import { clockText } from './clock';

/** Longest value shown for one field of a refused change (the full value is in the export). */
export const VALUE_PREVIEW_CHARS = 80;

/** One refused change as the "Ditolak server" list shows it: what, why, when, and the fix. */
export interface RejectedView {
  entry: RejectedChange;
  /** The unit's assessment on this tablet, or null when the server did not say. */
  assessmentId: string | null;
  unitName: string | null;
  indicatorNo: number | null;
  /** The indicator's name from the instrument, when the tablet has it. */
  indicatorName: string | null;
  /** The changed fields in words with the values sent (shortened). */
  fields: { field: string; label: string; value: string }[];
  /** Why, in the app's language. */
  reason: string;
  /** Sending it again may help: the server said so, or the value can be fixed here first. */
  canRetry: boolean;
}

/** Refused changes of one unit, for grouping the list. */
export interface RejectedGroup {
  assessmentId: string | null;
  unitName: string | null;
  items: RejectedView[];
}

const DATE_FIELDS = new Set(['signedAt', 'submittedAt', 'capturedAt', 'createdAt']);
const STATUSES: ReadonlySet<string> = new Set(ASSESSMENT_STATUSES);
const SIGNATURE_FIELDS = new Set(['verifierSignature', 'representativeSignature']);

/** Words for values that are not plain text, per language. */
const WORDS: Record<Locale, Record<string, string>> = {
  id: {
    empty: '(dikosongkan)',
    yes: 'ya',
    no: 'tidak',
    signature: '(tanda tangan)',
    present: 'Ada',
    missing: 'Tidak ada',
    inadequate: 'Kurang memadai',
    none: 'belum dinilai',
    level: 'level',
  },
  en: {
    empty: '(cleared)',
    yes: 'yes',
    no: 'no',
    signature: '(signature)',
    present: 'Present',
    missing: 'Missing',
    inadequate: 'Inadequate',
    none: 'not judged',
    level: 'level',
  },
};

/** `s` cut to `max` characters (on a code point boundary) with an ellipsis. */
export function shorten(s: string, max = VALUE_PREVIEW_CHARS): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A field's value as a person reads it, shortened: text as typed, levels as numbers,
 * booleans as yes/no, evidence checks as their state and note, times as dates, a drawn
 * signature as "(tanda tangan)", nothing as "(dikosongkan)".
 */
export function showValue(
  field: string,
  value: unknown,
  locale: Locale,
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): string {
  const w = WORDS[locale];
  if (value === null || value === undefined || value === '') return w.empty as string;
  if (SIGNATURE_FIELDS.has(field)) return w.signature as string;
  if (typeof value === 'boolean') return (value ? w.yes : w.no) as string;
  if (typeof value === 'number') {
    if (DATE_FIELDS.has(field) && Number.isFinite(value) && Math.abs(value) < 8.64e15)
      return clockText(value, locale, zone);
    if (field === 'bytes' && Number.isSafeInteger(value) && value >= 0)
      return formatBytes(value, locale);
    if ((field === 'width' || field === 'height') && Number.isSafeInteger(value))
      return `${value} px`;
    return field === 'verifiedLevel' ? `${w.level} ${formatValue(value, locale)}` : String(value);
  }
  if (field === 'status' && typeof value === 'string' && STATUSES.has(value))
    return translate(locale, `status_${value as 'belum'}`);
  // A file's SHA-256 identifies it to the server; its first characters name it to a person.
  if (field === 'sha256' && typeof value === 'string' && /^[0-9a-f]{64}$/.test(value))
    return `${value.slice(0, 12)}…`;
  if (typeof value === 'string') return shorten(value);
  if (typeof value === 'object') {
    // A stage's value (`stages.<stage>`): the value, who gave it and when.
    const stage = value as { value?: unknown; by?: unknown; at?: unknown };
    if (field.startsWith('stages.') && 'value' in stage) {
      const shown =
        typeof stage.value === 'number'
          ? formatValue(stage.value, locale)
          : stage.value === null
            ? (w.empty as string)
            : String(stage.value);
      const by = typeof stage.by === 'string' && stage.by ? ` — ${stage.by}` : '';
      const at =
        typeof stage.at === 'number' && Number.isFinite(stage.at) && Math.abs(stage.at) < 8.64e15
          ? `, ${clockText(stage.at, locale, zone)}`
          : '';
      return shorten(`${shown}${by}${at}`);
    }
    const check = value as { state?: unknown; note?: unknown };
    if ('state' in check) {
      const state = typeof check.state === 'string' ? (w[check.state] ?? check.state) : w.none;
      const note = typeof check.note === 'string' && check.note ? ` — ${check.note}` : '';
      return shorten(`${state}${note}`);
    }
    return shorten(JSON.stringify(value));
  }
  return shorten(String(value));
}

/** The rejection's reason in the app's language (Indonesian unless English is chosen). */
export function reasonText(entry: RejectedChange, locale: Locale): string {
  const r = entry.rejection;
  return (locale === 'en' ? r.messageEn : r.message) || r.message || r.messageEn || r.code;
}

/**
 * Describe one refused change for the list: unit, indicator (number and name), each field in
 * words with the value sent, the reason in the locale, and whether sending it again may help.
 */
export function describeRejected(
  entry: RejectedChange,
  context: { unitName: string | null; framework: Framework | null },
  locale: Locale,
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): RejectedView {
  const assessmentId = entry.assessmentId ?? entry.rejection.assessmentId ?? null;
  const indicatorNo = entry.indicatorNo ?? entry.rejection.indicatorNo ?? null;
  const indicator =
    indicatorNo !== null && context.framework
      ? listIndicators(context.framework).find((i) => i.no === indicatorNo)
      : undefined;
  const fields = contentFields(Object.entries(entry.mutation.changes), entry.rejection.field).map(
    ([field, value]) => {
      const [id, en] = fieldLabel(field);
      return {
        field,
        label: locale === 'en' ? en : id,
        value: showValue(field, value, locale, zone),
      };
    },
  );
  // The field the server named goes first: it is the one to fix.
  const named = entry.rejection.field;
  if (named) fields.sort((a, b) => Number(b.field === named) - Number(a.field === named));
  return {
    entry,
    assessmentId,
    unitName: entry.rejection.unitName ?? context.unitName,
    indicatorNo,
    indicatorName: indicator?.spec.name ?? null,
    fields,
    reason: reasonText(entry, locale),
    canRetry: mayRetryRefusal(entry.rejection),
  };
}

/**
 * The "Ditolak server" list (all units, or one unit's, optionally one indicator's or one
 * entity's) read from the store, grouped by unit in the order of their newest refusal.
 */
export async function loadRejected(
  store: TelusurStore,
  locale: Locale,
  only: { assessmentId?: string; indicatorNo?: number; entity?: string } = {},
  zone: ZoneCode = DEFAULT_ZONE_CODE,
): Promise<RejectedGroup[]> {
  let entries = await store.rejected.list(only.assessmentId);
  if (only.indicatorNo !== undefined)
    entries = entries.filter(
      (e) => (e.indicatorNo ?? e.rejection.indicatorNo ?? null) === only.indicatorNo,
    );
  if (only.entity !== undefined) entries = entries.filter((e) => e.mutation.entity === only.entity);
  const contexts = new Map<string, { unitName: string | null; framework: Framework | null }>();
  const contextOf = async (assessmentId: string | null) => {
    if (!assessmentId) return { unitName: null, framework: null };
    let c = contexts.get(assessmentId);
    if (!c) {
      const a = await store.assessments.get(assessmentId);
      c = a
        ? {
            unitName: (await store.reference.getUnit(a.unitId))?.name ?? null,
            framework: await frameworkFor(store, a.frameworkId),
          }
        : { unitName: null, framework: null };
      contexts.set(assessmentId, c);
    }
    return c;
  };
  const groups = new Map<string, RejectedGroup>();
  for (const e of entries) {
    const assessmentId = e.assessmentId ?? e.rejection.assessmentId ?? null;
    const view = describeRejected(e, await contextOf(assessmentId), locale, zone);
    const key = assessmentId ?? '';
    let g = groups.get(key);
    if (!g) {
      g = { assessmentId, unitName: view.unitName, items: [] };
      groups.set(key, g);
    }
    g.unitName ??= view.unitName;
    g.items.push(view);
  }
  return [...groups.values()];
}

/** Where the verifier fixes a refused change: its indicator, the berita acara, or the unit. */
export function fixPath(view: RejectedView): string | null {
  if (!view.assessmentId) return null;
  const base = `/kerja/a/${encodeURIComponent(view.assessmentId)}`;
  if (view.indicatorNo !== null) return `${base}/i/${view.indicatorNo}`;
  if (view.entry.mutation.entity === 'beritaAcara') return `${base}/berita-acara`;
  return base;
}

/** Which screen fixPath opens: the indicator, the berita acara, or the unit's checklist. */
export function fixTarget(view: RejectedView): 'indicator' | 'beritaAcara' | 'unit' {
  if (view.indicatorNo !== null) return 'indicator';
  return view.entry.mutation.entity === 'beritaAcara' ? 'beritaAcara' : 'unit';
}

/** Offer `text` as a file download named `name` (Blob + <a download>). */
export function downloadText(text: string, name: string, type = 'application/json'): void {
  downloadBlob(new Blob([text], { type }), name);
}

/** Offer a Blob as a file download named `name` (ui `saveBlob`). */
export const downloadBlob = saveBlob;
