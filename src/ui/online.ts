import { create } from './create-store';

/**
 * Connectivity as the browser reports it, shared by the tablet shell and the coordinator.
 * Follows the window's online/offline events from the first import on (like the router's
 * popstate listener), so no screen has to start it.
 */
export const useOnline = create<{ online: boolean }>(() => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
}));

if (typeof window !== 'undefined') {
  const update = () => useOnline.setState({ online: navigator.onLine });
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
}
