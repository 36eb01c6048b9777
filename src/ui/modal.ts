import { useEffect, useRef } from 'preact/hooks';

/**
 * Opens the component's <dialog> modally while it is mounted (focus stays inside, the page
 * behind is inert) and closes it on unmount. Escape, which would close a modal dialog
 * natively, is reported to the latest `onCancel` instead, so the owner decides (and the
 * dialog is removed the same way as by its own buttons). Returns the ref for the <dialog>.
 */
export function useModalDialog(onCancel: () => void) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef(onCancel);
  cancelRef.current = onCancel;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      cancelRef.current();
    };
    d.addEventListener('cancel', cancel);
    return () => {
      d.removeEventListener('cancel', cancel);
      if (d.open) d.close();
    };
  }, []);
  return ref;
}
