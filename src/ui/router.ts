import { useEffect, useState } from 'preact/hooks';

/**
 * A deliberately tiny history router. We need one hook that a library router does not
 * give us cheaply: every navigation first awaits the "flush" listeners, so a note being
 * typed is committed to IndexedDB before the screen that holds it unmounts.
 */

type Flush = () => Promise<void> | void;
const flushers = new Set<Flush>();
const listeners = new Set<() => void>();

/** Register a function that must complete before any route change (autosave flush). */
export function onBeforeNavigate(fn: Flush): () => void {
  flushers.add(fn);
  return () => flushers.delete(fn);
}

export async function flushPending(): Promise<void> {
  await Promise.all([...flushers].map((f) => f()));
}

export async function navigate(path: string, options: { replace?: boolean } = {}): Promise<void> {
  await flushPending();
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    for (const l of listeners) l();
  });
}

export function usePath(): string {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return path;
}

/** Match `/a/:id/i/:no` against a path; returns params or null. */
export function matchRoute(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] as string;
    const val = s[i] as string;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(val);
    else if (seg !== val) return null;
  }
  return params;
}

/** Click handler for <a href> that routes in-app instead of reloading. */
export function linkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
  const href = a.getAttribute('href');
  if (!href?.startsWith('/')) return;
  e.preventDefault();
  void navigate(href);
}

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
