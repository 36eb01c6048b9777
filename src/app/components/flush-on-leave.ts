import { useEffect, useRef } from 'preact/hooks';
import { onBeforeNavigate } from '../../ui/router';

/**
 * Runs the field's `flush` (save what is typed but not stored yet) whenever the verifier
 * may be leaving it: before a route change (which waits for it), when the tab is hidden or
 * the page goes away (the last chance before the OS kills a background tab), and when the
 * field unmounts. The latest `flush` is used, so it may read the render's own state; the
 * returned function calls that latest one too (for a debounce timer set in an older render).
 */
export function useFlushOnLeave(flush: () => Promise<void>): () => Promise<void> {
  const flushRef = useRef(flush);
  flushRef.current = flush;

  useEffect(() => {
    const off = onBeforeNavigate(() => flushRef.current());
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flushRef.current();
    };
    const onPageHide = () => void flushRef.current();
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
      void flushRef.current();
    };
  }, []);

  return () => flushRef.current();
}
