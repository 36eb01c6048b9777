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
// The page says its language from the first English paint on (screen readers choose their
// voice by it), not only once the shell's effect has run.
if (typeof document !== 'undefined') document.documentElement.lang = initial;

/**
 * English tables still to load: rooms may give their English texts as a loader (the tablet's
 * are a chunk of their own, so the first load carries Indonesian only). Each loader fills its
 * room's table and leaves this set.
 */
const englishLoaders = new Set<() => Promise<void>>();

/**
 * Load every English table given as a loader (resolves at once when there is none). The app
 * calls it right after the first paint, so texts made in both languages at once (a value's
 * problem, kept for either locale) are right without waiting for a switch.
 */
export function loadEnglish(): Promise<void> {
  return Promise.all([...englishLoaders].map((load) => load())).then(() => undefined);
}

/**
 * Resolves once the texts of the current locale are in place: at once in Indonesian, after
 * the English chunk(s) when the tablet last chose English. The app renders after it.
 */
export function whenLanguageReady(): Promise<void> {
  return useLocale.getState().locale === 'en' ? loadEnglish() : Promise.resolve();
}

/**
 * The UI language, shared by every room; `toggle` remembers the choice in localStorage and
 * switches once the new language's texts are loaded (English may be a chunk still to fetch;
 * the service worker precaches it, so this works offline).
 */
export const useLocale = create<{ locale: Locale; toggle(): Promise<void> }>((set, get) => ({
  locale: initial,
  toggle: async () => {
    const locale: Locale = get().locale === 'id' ? 'en' : 'id';
    if (locale === 'en') await loadEnglish();
    localStorage.setItem(STORAGE_KEY, locale);
    document.documentElement.lang = locale;
    set({ locale });
  },
}));

/** A room's messages: one table per locale, every key in both (the type enforces it). */
export interface Messages<K extends string> {
  /**
   * Text of `key` in `locale`, with `{name}` placeholders filled from `vars`. English given
   * as a loader and not loaded yet reads in Indonesian (the locale only turns English after
   * loading, so screens never see this).
   */
  translate(locale: Locale, key: K, vars?: Vars): string;
  /** Hook: a translator in the current UI locale (re-renders when the locale changes). */
  useT(): Translate<K>;
}

/**
 * Bind a room's message tables to the shared locale. `en` may be a loader of the English
 * table (a dynamic import), fetched when the locale turns English.
 *
 * @example
 *   export const { translate, useT } = defineMessages<MessageKey>({ id, en });
 *   export const { translate, useT } = defineMessages<MessageKey>({
 *     id,
 *     en: () => import('./i18n.en').then((m) => m.en),
 *   });
 */
export function defineMessages<K extends string>(tables: {
  id: Record<K, string>;
  en: Record<K, string> | (() => Promise<Record<K, string>>);
}): Messages<K> {
  let en: Record<K, string> | null = typeof tables.en === 'function' ? null : tables.en;
  if (typeof tables.en === 'function') {
    const loadTable = tables.en;
    const load = async () => {
      en = await loadTable();
      englishLoaders.delete(load);
    };
    englishLoaders.add(load);
  }
  const translate = (locale: Locale, key: K, vars?: Vars): string => {
    let s = (locale === 'en' && en ? en : tables.id)[key];
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
