import type { ComponentChildren } from 'preact';
import { TableTitle } from './DataTable';

/** A titled card of the dashboard, review and report pages. */
export function Section(props: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section class="card r-section" data-testid={props.testId}>
      <h2>{props.title}</h2>
      {/* A table that scrolls inside the card is named after it. */}
      <TableTitle.Provider value={props.title}>{props.children}</TableTitle.Provider>
    </section>
  );
}
