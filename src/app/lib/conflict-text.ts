import { type AuditLocale, BUTIR_LABELS, formatValue, type ZoneCode } from '../../core';
import { clockText } from './clock';

/**
 * Conflicting values in words, for the conflict panels (components/Conflicts.tsx). Apart from
 * lib/conflicts.ts, which the home screen imports to count conflicts: the wording needs
 * core's value formatting and labels, which the first load does without.
 */

/** What a conflict's value needs to read as people read it: file names and a few words. */
export interface ShowContext {
  /** Evidence file id → its name (the unit's files on this tablet, deleted ones too). */
  names: ReadonlyMap<string, string>;
  /** The word for a stage value cleared ("dikosongkan"). */
  cleared: string;
  /** The words for a cited file this tablet does not hold. */
  fileGone: string;
  /** The zone the times are written in, with its label (lib/clock.ts: the print zone). */
  zone: ZoneCode;
}

/**
 * A conflicting value as people read it: a stage's value with who and when
 * ("3 · Tim Asesor Internal · 2 Okt 09.00"), cited files by name, an evidence check's
 * decision in the evaluation's words with its note ("Ditolak — SK belum ditandatangani"),
 * a decimal with the locale's comma — never JSON. '–' for nothing.
 */
export function conflictValueText(value: unknown, locale: AuditLocale, ctx: ShowContext): string {
  if (value === null || value === undefined || value === '') return '–';
  // A value of two decimals reads "2,50" in Indonesian, as everywhere else on the tablet.
  if (typeof value === 'number') return formatValue(value, locale);
  if (Array.isArray(value)) {
    if (value.length === 0) return '–';
    return value.map((id) => ctx.names.get(String(id)) ?? ctx.fileGone).join(', ');
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('state' in v) {
      const state = BUTIR_LABELS[v.state as keyof typeof BUTIR_LABELS];
      const word = state ? state[locale === 'en' ? 1 : 0] : '–';
      return [word, typeof v.note === 'string' ? v.note : ''].filter(Boolean).join(' — ');
    }
    if ('value' in v && 'at' in v) {
      const given =
        typeof v.value === 'number' ? formatValue(v.value, locale) : `– (${ctx.cleared})`;
      const when = typeof v.at === 'number' ? clockText(v.at, locale, ctx.zone) : '';
      return [given, typeof v.by === 'string' ? v.by : '', when].filter(Boolean).join(' · ');
    }
    return Object.values(v)
      .filter((x) => typeof x === 'string' || typeof x === 'number')
      .join(' · ');
  }
  return String(value);
}
