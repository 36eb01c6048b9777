import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { useT } from '../i18n';
import { ErrorNotice, fieldErrors, useAction } from '../ui';

/** What `useForm` gives a form: its write action, a field's message, the submit handler. */
export interface Form {
  action: ReturnType<typeof useAction>;
  /** The field's message: its local check once a submit was tried, else the server's 422. */
  err(field: string): string | undefined;
  /**
   * The form's onSubmit: shows the local checks and stops when one fails; otherwise runs
   * `send` (a failure shows under the form) and hands what it answered to `done`.
   */
  submit<T>(send: () => Promise<T>, done: (saved: T) => unknown): (e: Event) => void;
}

/**
 * A set-up form's submit cycle. `local` holds each field's local check (undefined when the
 * value is fine); its messages wait for the first submit so an empty form is not all red.
 *
 * @example
 *   const form = useForm({ name: name.trim() ? undefined : t('required') });
 *   <form noValidate onSubmit={form.submit(() => api('POST /api/…', { json }), onDone)}>
 *     <TextField id="vn-name" label={t('name')} error={form.err('name')} … />
 *     <FormActions action={form.action} label={t('create')} />
 */
export function useForm(local: Record<string, string | undefined>): Form {
  const [touched, setTouched] = useState(false);
  const action = useAction();
  const server = fieldErrors(action.error);
  return {
    action,
    err: (field) => (touched ? local[field] : undefined) ?? server[field],
    submit: (send, done) => (e) => {
      e.preventDefault();
      setTouched(true);
      if (Object.values(local).some(Boolean)) return;
      void action.run(send).then(async (saved) => {
        if (saved === undefined) return;
        setTouched(false);
        await done(saved);
      });
    },
  };
}

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

/** What TextField and SelectField take: the FormField's parts and the value both ways. */
interface ValueFieldProps {
  id: string;
  label: string;
  error?: string | undefined;
  class?: string;
  value: string;
  onValue(value: string): void;
}

/**
 * A FormField holding one <input>: `onValue` gets the typed text; the other attributes
 * (type, maxLength, autocomplete, placeholder, inputMode, min, max, step) go to the input
 * as written.
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
}: ValueFieldProps & {
  type?: 'text' | 'email' | 'password' | 'number';
  maxLength?: number;
  autocomplete?: string;
  placeholder?: string;
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
 * A FormField holding one <select>: `onValue` gets the chosen value; `children` are the
 * options.
 */
export function SelectField(
  props: ValueFieldProps & {
    disabled?: boolean;
    testId?: string;
    children: ComponentChildren;
  },
) {
  return (
    <FormField id={props.id} label={props.label} error={props.error} class={props.class}>
      {(c) => (
        <select
          value={props.value}
          disabled={props.disabled}
          data-testid={props.testId}
          onChange={(e) => props.onValue(e.currentTarget.value)}
          {...c}
        >
          {props.children}
        </select>
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
