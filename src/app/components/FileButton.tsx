import type { TargetedEvent } from 'preact';

/**
 * A button that opens the camera or the file picker. The file input lies transparent over
 * the button (styles.css `.file-btn`), so the tap lands on the input itself, which is what
 * browsers require before they open a picker. `class` is the button's (`button file-btn`,
 * with `primary` for the main one); the other attributes go to the input as written.
 */
export function FileButton({
  label,
  class: className,
  ...input
}: {
  label: string;
  class: string;
  accept: string;
  /** Open the rear camera straight away (phones, tablets). */
  capture?: 'environment';
  multiple?: boolean;
  onChange(e: TargetedEvent<HTMLInputElement>): void;
  'data-testid': string;
}) {
  return (
    <span class={className}>
      {label}
      <input type="file" aria-label={label} {...input} />
    </span>
  );
}
