/**
 * Page state the coordinator keeps in the URL's query (period, filters, plan settings), so a
 * link or a reload shows the same view.
 */
/** A query parameter of the current URL (null when absent). */
export function queryParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}

/** Replace some query parameters of the current URL (no navigation, no history entry). */
export function setQuery(values: Record<string, string | null | undefined>): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (v === null || v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', `${location.pathname}${s ? `?${s}` : ''}`);
}
