import type { ComponentChildren } from 'preact';

/** What a FormField hands its control: the id its label names, and the link to its message. */
export interface FieldControl {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
}

/** A message under a form field, tied to it with aria-describedby. */
export function FieldMessage({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p id={id} class="error small c-field-error">
      {text}
    </p>
  );
}

/**
 * A labelled form control with its message underneath (a local check, or the server's 422
 * for that field), tied to the control with aria-describedby and aria-invalid. `children`
 * renders the control from those attributes; the message's id is `${id}-err`.
 *
 * @example
 *   <FormField id="vn-name" label={t('name')} error={err('name')}>
 *     {(c) => <input type="text" value={name} onInput={…} {...c} />}
 *   </FormField>
 */
export function FormField(props: {
  id: string;
  label: string;
  error?: string | undefined;
  class?: string;
  children(control: FieldControl): ComponentChildren;
}) {
  const messageId = `${props.id}-err`;
  return (
    <div class={props.class}>
      <label for={props.id}>{props.label}</label>
      {props.children({
        id: props.id,
        'aria-invalid': props.error ? 'true' : undefined,
        'aria-describedby': props.error ? messageId : undefined,
      })}
      <FieldMessage id={messageId} text={props.error} />
    </div>
  );
}
