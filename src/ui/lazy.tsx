import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A lazily loaded screen (instead of preact/compat's lazy + Suspense, which would add all of
 * compat to the first load). Shows `fallback` until the chunk has arrived.
 */
export function lazyScreen<P extends object>(
  load: () => Promise<ComponentType<P>>,
  fallback: () => preact.JSX.Element,
) {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [Component, setComponent] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      void load().then((c) => {
        loaded = c;
        if (live) setComponent(() => c);
      });
      return () => {
        live = false;
      };
    }, []);
    return Component ? <Component {...props} /> : fallback();
  };
}
