import type { ComponentChildren } from 'preact';

/**
 * A table of rows under column headings. On screen it scrolls sideways inside `wrap`
 * (default `table-wrap`; `false` for printed reports, which flow onto the page). A heading
 * that is null is left out (a column only some users see).
 */
export function DataTable(props: {
  headings: ComponentChildren[];
  /** The rows (<tr>). */
  children: ComponentChildren;
  testId?: string;
  class?: string;
  wrap?: string | false;
}) {
  const table = (
    <table class={props.class} data-testid={props.testId}>
      <thead>
        <tr>
          {props.headings.map((h, i) =>
            h === null ? null : (
              <th key={i} scope="col">
                {h}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
  return props.wrap === false ? table : <div class={props.wrap ?? 'table-wrap'}>{table}</div>;
}
