import { create } from './create-store';

/**
 * Connectivity, shared by the tablet shell and the coordinator. `online` follows the
 * window's online/offline events from the first import on (like the router's popstate
 * listener), so no screen has to start it. `serverReachable` is what the tablet's sync last
 * found: a browser on office Wi-Fi without a route to the server, behind a captive portal or
 * with the server down still says `navigator.onLine` (WebKit never reports otherwise), so
 * the badge must also say "Luring" once the server does not answer.
 */
export const useOnline = create<{ online: boolean; serverReachable: boolean }>(() => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  serverReachable: true,
}));

/** Online as people mean it: the browser has a network and the server last answered. */
export function isConnected(s: { online: boolean; serverReachable: boolean }): boolean {
  return s.online && s.serverReachable;
}

if (typeof window !== 'undefined') {
  const update = () => useOnline.setState({ online: navigator.onLine });
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
}
