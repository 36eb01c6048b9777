import type { ComponentChildren } from 'preact';

/** A titled card of the dashboard, review and report pages. */
export function Section(props: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card r-section" data-testid={props.testId}>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}
