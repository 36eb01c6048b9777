import type { ComponentChildren } from 'preact';
import { useModalDialog } from '../../ui/modal';

/**
 * A modal question before something that cannot be undone (discard a refused change,
 * remove a file, release the tablet). Built on <dialog>.showModal(): focus stays inside, the
 * page behind is inert, Escape cancels. The confirm button says what happens ("Ya, buang"),
 * never just "OK".
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  cancelLabel: string;
  /** Style of the confirm button: `danger` for destructive actions. */
  tone?: 'danger' | 'primary';
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}) {
  const ref = useModalDialog(props.onCancel);
  return (
    <dialog
      ref={ref}
      class="confirm"
      aria-labelledby="confirm-title"
      data-testid={props.testId ?? 'confirm-dialog'}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div class="confirm-body">{props.children}</div>
      <div class="row confirm-actions">
        <button
          type="button"
          onClick={() => props.onCancel()}
          disabled={props.busy}
          data-testid="confirm-cancel"
        >
          {props.cancelLabel}
        </button>
        <button
          type="button"
          class={props.tone === 'primary' ? 'primary' : 'danger-solid'}
          onClick={() => props.onConfirm()}
          disabled={props.busy}
          data-testid="confirm-ok"
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
