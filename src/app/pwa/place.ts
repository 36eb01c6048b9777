/** Which screen a tab shows, named to a verifier looking at another tab. */
export type ScreenKey =
  | 'beritaAcara'
  | 'indicator'
  | 'summary'
  | 'checklist'
  | 'home'
  | 'storage'
  | 'signIn'
  | 'other';

export interface Place {
  screen: ScreenKey;
  /** The indicator's number on an indicator screen. */
  no?: number;
  /** The unit's name on a unit's screens, or the page title of another screen. */
  name?: string;
}

const UNIT_ROUTE = /^\/(?:kerja|latihan)\/a\/[^/]+(?:\/(i\/(\d+)|ringkasan|berita-acara))?\/?$/;

/**
 * Where this tab is, for the message another tab shows ("Berita acara – Kelurahan X").
 * Structured, not text: the asking tab words it in its own language. The unit's name is
 * read from the screen's first heading (the unit header of every unit screen), so a screen
 * need not report anything for its tab to be named.
 */
export function describePlace(path: string, heading: string | null | undefined): Place {
  const name = heading?.replace(/\s+/g, ' ').trim() || undefined;
  const m = UNIT_ROUTE.exec(path);
  if (m) {
    if (m[1] === 'berita-acara') return { screen: 'beritaAcara', name };
    if (m[1] === 'ringkasan') return { screen: 'summary', name };
    if (m[2]) return { screen: 'indicator', no: Number(m[2]), name };
    return { screen: 'checklist', name };
  }
  if (path === '/' || path === '') return { screen: 'home' };
  if (path === '/penyimpanan') return { screen: 'storage' };
  if (path === '/masuk') return { screen: 'signIn' };
  return { screen: 'other', name };
}

/** This tab's place now. */
export function currentPlace(): Place {
  return describePlace(location.pathname, document.querySelector('main h1')?.textContent);
}
