import { useEffect, useState } from 'preact/hooks';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';

/**
 * Zustand's `create`, bound to Preact hooks directly. The stock binding goes through
 * React's useSyncExternalStore, which would pull all of preact/compat into the tablet's
 * first load for one hook.
 */
export function create<T>(init: StateCreator<T, [], []>) {
  const api = createStore<T>()(init);
  function useBound(): T;
  function useBound<U>(selector: (state: T) => U): U;
  function useBound<U>(selector?: (state: T) => U): T | U {
    const select = selector ?? ((s: T) => s as unknown as U);
    const [value, setValue] = useState(() => select(api.getState()));
    useEffect(() => {
      setValue(() => select(api.getState()));
      return api.subscribe((state) => setValue(() => select(state)));
      // The selector is expected to be stable in meaning; re-subscribing per render is wasteful.
      // eslint-disable-next-line
    }, []);
    return value;
  }
  return Object.assign(useBound, api) as typeof useBound & StoreApi<T>;
}
