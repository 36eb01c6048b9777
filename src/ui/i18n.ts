import { create } from './create-store';

/**
 * The one locale and translate mechanism of the browser rooms. Each room keeps its own
 * message tables (the tablet's in src/app/i18n.ts, the coordinator's in
 * src/coordinator/i18n.ts) so a room's texts ride only in that room's chunk; both are read
 * through `defineMessages`, and both follow the one locale chosen here.
 */

export type Locale = 'id' | 'en';
/** Values for `{name}` placeholders. */
export type Vars = Record<string, string | number>;
/** A translator bound to one locale: key (and placeholder values) to text. */
export type Translate<K extends string> = (key: K, vars?: Vars) => string;

const STORAGE_KEY = 'telusur.locale';

const initial: Locale =
  typeof localStorage !== 'undefined' && localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'id';

/** The UI language, shared by every room; `toggle` remembers the choice in localStorage. */
export const useLocale = create<{ locale: Locale; toggle(): void }>((set, get) => ({
  locale: initial,
  toggle: () => {
    const locale: Locale = get().locale === 'id' ? 'en' : 'id';
    localStorage.setItem(STORAGE_KEY, locale);
    document.documentElement.lang = locale;
    set({ locale });
  },
}));

/** A room's messages: one table per locale, every key in both (the type enforces it). */
export interface Messages<K extends string> {
  /** Text of `key` in `locale`, with `{name}` placeholders filled from `vars`. */
  translate(locale: Locale, key: K, vars?: Vars): string;
  /** Hook: a translator in the current UI locale (re-renders when the locale changes). */
  useT(): Translate<K>;
}

/**
 * Bind a room's message tables to the shared locale.
 *
 * @example
 *   export const { translate, useT } = defineMessages<MessageKey>({ id, en });
 */
export function defineMessages<K extends string>(
  tables: Record<Locale, Record<K, string>>,
): Messages<K> {
  const translate = (locale: Locale, key: K, vars?: Vars): string => {
    let s = tables[locale][key];
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
    return s;
  };
  return {
    translate,
    useT() {
      const locale = useLocale((s) => s.locale);
      return (key, vars) => translate(locale, key, vars);
    },
  };
}
