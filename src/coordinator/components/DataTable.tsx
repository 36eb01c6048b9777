import type { ComponentChildren } from 'preact';
import { useT } from '../i18n';

/**
 * A table of rows under column headings. On screen it scrolls sideways inside `wrap`
 * (default `table-wrap`; `false` for printed reports, which flow onto the page). A heading
 * that is null is left out (a column only some users see); `actions` adds the "actions"
 * column the rows fill with ActionsCell.
 */
export function DataTable(props: {
  headings: ComponentChildren[];
  /** The rows (<tr>). */
  children: ComponentChildren;
  actions?: boolean;
  testId?: string;
  class?: string;
  wrap?: string | false;
}) {
  const t = useT();
  const headings = props.actions ? [...props.headings, t('actions')] : props.headings;
  const table = (
    <table class={props.class} data-testid={props.testId}>
      <thead>
        <tr>
          {headings.map((h, i) =>
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

/**
 * A row's buttons in the "actions" column; nothing when `show` is false (a viewer, or a
 * closed period), matching a DataTable whose `actions` is the same condition.
 */
export function ActionsCell(props: { show: boolean; children: ComponentChildren }) {
  return props.show ? <td class="c-cell-actions">{props.children}</td> : null;
}
