import { create } from './create-store';

/** Connectivity as the browser reports it, shared by the tablet shell and the coordinator. */
export const useOnline = create<{ online: boolean }>(() => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
}));

/**
 * Follow the browser's online/offline events into `useOnline`.
 *
 * @returns a function that stops following.
 */
export function watchOnline(): () => void {
  const on = () => useOnline.setState({ online: true });
  const off = () => useOnline.setState({ online: false });
  window.addEventListener('online', on);
  window.addEventListener('offline', off);
  return () => {
    window.removeEventListener('online', on);
    window.removeEventListener('offline', off);
  };
}
