import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api';
import { useT } from '../i18n';
import { ErrorNotice } from '../ui';

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

/**
 * A FormField holding one <input>: `onValue` gets the typed text; the other attributes
 * (type, maxLength, autocomplete, inputMode, min, max, step) go to the input as written.
 */
export function TextField({
  id,
  label,
  error,
  class: className,
  value,
  onValue,
  type = 'text',
  ...input
}: {
  id: string;
  label: string;
  error?: string | undefined;
  class?: string;
  value: string;
  onValue(value: string): void;
  type?: 'text' | 'email' | 'password' | 'number';
  maxLength?: number;
  autocomplete?: string;
  inputMode?: 'decimal' | 'numeric' | 'text';
  min?: number;
  max?: number;
  step?: number;
}) {
  return (
    <FormField id={id} label={label} error={error} class={className}>
      {(c) => (
        // Preact types an <input> per `type` value; the union is narrowed to one member here.
        <input
          type={type as 'text'}
          {...input}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
          {...c}
        />
      )}
    </FormField>
  );
}

/**
 * The end of a form: why the last submit failed (the server's message and details), and
 * the submit button, which says "saving" while the request runs. `children` adds buttons.
 */
export function FormActions(props: {
  action: { busy: boolean; error: ApiError | null };
  label: string;
  children?: ComponentChildren;
}) {
  const t = useT();
  return (
    <>
      <ErrorNotice error={props.action.error} />
      <div class="row c-actions">
        <button type="submit" class="primary" disabled={props.action.busy}>
          {props.action.busy ? t('saving') : props.label}
        </button>
        {props.children}
      </div>
    </>
  );
}
