import { useT } from '../i18n';

/**
 * A question asked in place, before an action that changes something people rely on
 * (changing an earlier decision, a resolution that voids a signing): the question, a
 * danger-styled "yes" and a cancel. `testId` names the box; the yes button is
 * `${testId}-yes`.
 */
export function InlineConfirm(props: {
  question: string;
  yes: string;
  onYes: () => void;
  onCancel: () => void;
  busy?: boolean;
  testId: string;
}) {
  const t = useT();
  return (
    <div class="c-confirm" role="alertdialog" data-testid={props.testId}>
      <span class="c-confirm-q">{props.question}</span>
      <button
        type="button"
        class="danger"
        disabled={props.busy}
        onClick={props.onYes}
        data-testid={`${props.testId}-yes`}
      >
        {props.yes}
      </button>
      <button type="button" disabled={props.busy} onClick={props.onCancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
