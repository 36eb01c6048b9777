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
